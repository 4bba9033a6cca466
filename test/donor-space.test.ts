/**
 * The donor's space through HTTP (issue 17 item 4): a link asked for by e-mail (the same answer for
 * any address), the token it carries (forged or expired: 401), a person's gifts, receipts (theirs
 * only), monthly gifts and Stripe's customer portal; a gift stopped in the portal books nothing more.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { signDonorToken } from "@asso/core/giving";
import { listMessages } from "@asso/core/mail";
import { startTestStack, type TestStack } from "./support/stack.js";
import { ADDRESS, checkout, dev, pay, stripeApi, stripeEntries, trialBalance } from "./support/giving.js";
import { pdfText } from "./support/pdf-text.js";

let stack: TestStack;
const CAMILLE = "camille.space@example.org";
const OTHER = "autre.personne@example.org";
let camilleReceipt: string;
let otherReceipt: string;
let subscriptionId: string;
let otherSubscription: string;

const space = (token: string, headers: Record<string, string> = {}) =>
  stack.call("GET", "/v1/public/donor/space", { role: null, headers: { authorization: `Bearer ${token}`, ...headers } });
const tokenFor = (email: string, ms = 30 * 60_000) => signDonorToken(email, Date.now() + ms);

async function give(email: string, firstName: string, amount: number, frequency: "once" | "monthly", at: string) {
  const { sessionId } = await checkout(stack, { amount, frequency, donor: { email, firstName, lastName: "Essai", address: ADDRESS } });
  await pay(stack, sessionId, at);
  return (await stripeApi(stack, "GET", `/v1/checkout/sessions/${sessionId}`)).subscription as string | null;
}

async function receiptOf(email: string): Promise<string> {
  const res = await stack.call("GET", "/v1/receipts?year=2025", { role: "auditor" });
  const items = ((await res.json()) as { items: { id: string; donor: { email: string } }[] }).items;
  return items.find((r) => r.donor.email === email)!.id;
}

beforeAll(async () => {
  stack = await startTestStack({
    RECEIPTS_ENABLED: "true",
    ASSO_SIGNATORY_NAME: "Jeanne Dubois",
    ASSO_SIGNATORY_QUALITY: "Trésorière",
    CHECKOUT_IP_BURST: "1000",
    CHECKOUT_IP_PER_MINUTE: "10000",
    CHECKOUT_GLOBAL_BURST: "1000",
  });
  await give(CAMILLE, "Camille", 5000, "once", "2025-03-10T10:00:00Z");
  subscriptionId = (await give(CAMILLE, "Camille", 1500, "monthly", "2025-04-05T10:00:00Z"))!;
  await give(OTHER, "Autre", 7000, "once", "2025-03-11T10:00:00Z");
  otherSubscription = (await give(OTHER, "Autre", 2000, "monthly", "2025-04-06T10:00:00Z"))!;
  camilleReceipt = await receiptOf(CAMILLE);
  otherReceipt = await receiptOf(OTHER);
});
afterAll(() => stack.close());

it("answers a known and an unknown address alike (202 { sent: true }), and only the known one is sent a link", async () => {
  const ask = (email: string) => stack.call("POST", "/v1/public/donor-access", { role: null, body: { email } });
  const known = await ask(CAMILLE.toUpperCase());
  const unknown = await ask("personne.inconnue@example.org");
  expect([known.status, unknown.status]).toEqual([202, 202]);
  expect(await known.text()).toBe(await unknown.text());
  expect(known.headers.get("content-type")).toBe(unknown.headers.get("content-type"));
  const sent = await listMessages(stack.db, CAMILLE);
  expect(sent.filter((m) => m.kind === "donor_access")).toHaveLength(1);
  expect(await listMessages(stack.db, "personne.inconnue@example.org")).toEqual([]);

  // Similar timing: the same reads whatever the address (medians of a few requests each).
  const time = async (email: string) => {
    const t: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      expect((await ask(email)).status).toBe(202);
      t.push(performance.now() - t0);
    }
    return t.sort((a, b) => a - b)[2]!;
  };
  const [a, b] = [await time(CAMILLE), await time("encore.inconnue@example.org")];
  expect(Math.abs(a - b)).toBeLessThan(250);
  // Past five links an hour for one address, nothing more is sent (and the answer does not say so).
  expect((await listMessages(stack.db, CAMILLE)).filter((m) => m.kind === "donor_access").length).toBeLessThanOrEqual(5);
});

it("refuses a body without a valid e-mail, naming the field", async () => {
  const res = await stack.call("POST", "/v1/public/donor-access", { role: null, body: { email: "pas-une-adresse" } });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["email"]);
});

it("a link works several times and from another device, and shows that person's gifts, receipts and monthly gift only", async () => {
  const token = tokenFor(CAMILLE);
  const first = await space(token, { "user-agent": "Téléphone" });
  const second = await space(token, { "user-agent": "Ordinateur" });
  expect([first.status, second.status]).toEqual([200, 200]);
  const s = (await second.json()) as {
    email: string;
    gifts: { amount: number; frequency: string; reference: string }[];
    receipts: { id: string; url: string }[];
    monthly: { subscriptionId: string; status: string; amount: number }[];
    membership: unknown;
  };
  expect(s.email).toBe(CAMILLE);
  expect(s.gifts.map((g) => [g.amount, g.frequency])).toEqual([
    [1500, "monthly"],
    [5000, "once"],
  ]);
  expect(s.receipts.map((r) => r.id)).toEqual([camilleReceipt]);
  expect(s.monthly).toEqual([expect.objectContaining({ subscriptionId, status: "active", amount: 1500 })]);
  expect(s.membership).toBeNull();
  expect(JSON.stringify(s)).not.toContain(OTHER);
});

it("an expired link is a 401 whose French detail offers a new one", async () => {
  const res = await space(signDonorToken(CAMILLE, Date.now() - 1000));
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const p = (await res.json()) as { type: string; detail: string };
  expect(p.type).toBe("/problems/donor-link-expired");
  expect(p.detail).toMatch(/expiré.*nouveau lien/);
});

it("a forged or altered link is a 401 (another address in a signed payload, a made-up token, no token, a token in the query)", async () => {
  const [payload, mac] = tokenFor(CAMILLE).split(".");
  const swapped = `${Buffer.from(JSON.stringify({ e: OTHER, x: Date.now() + 60_000 })).toString("base64url")}.${mac}`;
  for (const bad of [swapped, `${payload}.AAAA`, "n-importe-quoi", `${payload}`]) {
    const res = await space(bad);
    expect(res.status, bad).toBe(401);
    expect(((await res.json()) as { type: string }).type).toBe("/problems/donor-link-invalid");
  }
  expect((await stack.call("GET", "/v1/public/donor/space", { role: null })).status).toBe(401);
  expect((await stack.call("GET", `/v1/public/donor/space?token=${encodeURIComponent(tokenFor(CAMILLE))}`, { role: null })).status).toBe(401);
});

it("downloads the person's own receipt, and another person's receipt number is a 404", async () => {
  const auth = { authorization: `Bearer ${tokenFor(CAMILLE)}` };
  const mine = await stack.call("GET", `/v1/public/donor/receipts/${camilleReceipt}.pdf`, { role: null, headers: auth });
  expect(mine.status).toBe(200);
  expect(mine.headers.get("content-type")).toBe("application/pdf");
  expect(await pdfText(Buffer.from(await mine.arrayBuffer()))).toContain("50,00 €");
  const theirs = await stack.call("GET", `/v1/public/donor/receipts/${otherReceipt}.pdf`, { role: null, headers: auth });
  expect(theirs.status).toBe(404);
  const none = await stack.call("GET", "/v1/public/donor/receipts/2025-999999.pdf", { role: null, headers: auth });
  expect(none.status).toBe(404);
  // Someone else's receipt and no receipt at all answer alike.
  expect(await theirs.json()).toEqual(await none.json());
});

it("opens Stripe's customer portal for the person's own monthly gift ({ url }), never for another's", async () => {
  const auth = { authorization: `Bearer ${tokenFor(CAMILLE)}` };
  const res = await stack.call("POST", "/v1/public/donor/portal-sessions", { role: null, headers: auth, body: { subscriptionId } });
  expect(res.status).toBe(201);
  const { url } = (await res.json()) as { url: string };
  expect(url.startsWith(stack.stripeUrl)).toBe(true);
  const theirs = await stack.call("POST", "/v1/public/donor/portal-sessions", { role: null, headers: auth, body: { subscriptionId: otherSubscription } });
  expect(theirs.status).toBe(404);
});

it("a monthly gift stopped in the portal (customer.subscription.deleted) shows as stopped, and its next renewal books nothing", async () => {
  const before = await stripeEntries(stack, "2025-01-01", "2025-12-31");
  const balance = await trialBalance(stack, 2025);
  // "Arrêter": a portal session opened on the stop, its page's form posted as the donor would.
  const opened = await stack.call("POST", "/v1/public/donor/portal-sessions", {
    role: null,
    headers: { authorization: `Bearer ${tokenFor(CAMILLE)}` },
    body: { subscriptionId, action: "cancel" },
  });
  const { url } = (await opened.json()) as { url: string };
  const html = await (await fetch(url)).text();
  const action = /<form method="post" action="([^"]+\/cancel)"/.exec(html)![1]!;
  const done = await fetch(new URL(action, url), { method: "POST", redirect: "manual" });
  expect(done.headers.get("location")).toBe(`${stack.url}/espace/`);
  await expect.poll(async () => ((await (await space(tokenFor(CAMILLE))).json()) as { monthly: { status: string }[] }).monthly[0]?.status).toBe("stopped");
  await expect(dev(stack, `/__dev/subscriptions/${subscriptionId}/renew`, { at: "2025-05-05T10:00:00Z" })).rejects.toThrow(/canceled/);
  expect(await stripeEntries(stack, "2025-01-01", "2025-12-31")).toEqual(before);
  expect(await trialBalance(stack, 2025)).toEqual(balance);
  // Stopped: no more portal buttons' worth of a running gift, but what was paid stays listed.
  const s = (await (await space(tokenFor(CAMILLE))).json()) as { monthly: { paid: number; payments: number }[] };
  expect(s.monthly[0]).toMatchObject({ paid: 1500, payments: 1 });
});

it("a stop at the period's end (customer.subscription.updated, cancel_at_period_end) shows as stopped, and taken back runs again", async () => {
  const status = async () => ((await (await space(tokenFor(OTHER))).json()) as { monthly: { status: string }[] }).monthly[0]?.status;
  await stripeApi(stack, "POST", `/v1/subscriptions/${otherSubscription}`, { cancel_at_period_end: "true" });
  await expect.poll(status).toBe("stopped");
  await stripeApi(stack, "POST", `/v1/subscriptions/${otherSubscription}`, { cancel_at_period_end: "false" });
  await expect.poll(status).toBe("active");
});

it("a failed monthly payment (invoice.payment_failed) sends the donor a payment_failed message, once per invoice", async () => {
  const failed = await dev(stack, `/__dev/subscriptions/${otherSubscription}/renew`, { at: "2025-05-06T10:00:00Z", fail: true });
  await expect.poll(async () => (await listMessages(stack.db, OTHER)).filter((m) => m.kind === "payment_failed").length).toBe(1);
  const events = (await (await fetch(`${stack.stripeUrl}/__dev/events`)).json()) as { data: { id: string; type: string; data: { object: { id: string } } }[] };
  const event = events.data.find((e) => e.type === "invoice.payment_failed" && e.data.object.id === failed.id)!;
  await dev(stack, `/__dev/events/${event.id}/redeliver`);
  expect((await listMessages(stack.db, OTHER)).filter((m) => m.kind === "payment_failed")).toHaveLength(1);
});
