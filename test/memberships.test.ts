/**
 * Memberships that mean something (issue 17 items 3 and 5), through HTTP: each tier's period
 * (calendar year or 12 months from payment) gives the member's dates; from 1 November a
 * calendar-year tier may be paid for the next year; a renewal extends the same member; the
 * reminder run at a chosen date queues exactly one reminder per expiring member.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Clock, useClock } from "@asso/core/clock";
import { startTestStack, type TestStack } from "./support/stack.js";
import { ADDRESS, checkout, pay } from "./support/giving.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_IP_BURST: "1000", CHECKOUT_IP_PER_MINUTE: "10000", SETTINGS_CACHE_SECONDS: "0" }, { mail: true });
  // A rolling tier beside the three calendar-year ones.
  const s = (await (await stack.call("GET", "/v1/settings")).json()) as { sections: Record<string, { version: number; value: { tiers: unknown[] } }> };
  const tiers = s.sections["membership-tiers"]!;
  const res = await stack.call("PUT", "/v1/settings/membership-tiers", {
    body: { tiers: [...tiers.value.tiers, { id: "glissant", label: "Adhésion 12 mois", amount: 3000, period: "rolling_12_months", receipt: false }] },
    headers: { "if-match": String(tiers.version) },
  });
  expect(res.status).toBe(200);
});
afterAll(() => stack.close());

/** The core's clock moved to `at` (time keeps running from there): the checkout's "today". */
let restore: Clock | undefined;
function todayIs(at: string) {
  const offset = new Date(at).getTime() - Date.now();
  const previous = useClock({ now: () => new Date(Date.now() + offset) });
  restore ??= previous;
}
afterEach(() => {
  if (restore) useClock(restore);
  restore = undefined;
});

type MemberRow = { email: string; tierId: string; validFrom: string; validUntil: string; coveredFrom: string; status: string; lastPaymentOn: string };
async function members(query = ""): Promise<MemberRow[]> {
  const res = await stack.call("GET", `/v1/members?limit=500${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: MemberRow[] }).items;
}
const memberOf = async (email: string) => (await members()).filter((m) => m.email === email);

const person = (email: string) => ({ email, firstName: "Ada", lastName: email.split("@")[0]!, address: ADDRESS });
async function join(tierId: string, email: string, paidAt: string, extra: Record<string, unknown> = {}) {
  const { sessionId } = await checkout(stack, { tierId, member: person(email), ...extra }, "/v1/public/memberships/checkout");
  await pay(stack, sessionId, paidAt);
  return sessionId;
}

describe("a tier's period gives the member's dates", () => {
  it("calendar year: 1 January to 31 December of the year paid; rolling: the payment date to the day before a year later", async () => {
    await join("individuel", "civile@example.org", "2021-03-10T10:00:00Z");
    await join("glissant", "glissant@example.org", "2021-03-10T10:00:00Z");
    expect(await memberOf("civile@example.org")).toEqual([
      expect.objectContaining({ tierId: "individuel", validFrom: "2021-01-01", validUntil: "2021-12-31", status: "expired" }),
    ]);
    expect(await memberOf("glissant@example.org")).toEqual([
      expect.objectContaining({ tierId: "glissant", validFrom: "2021-03-10", validUntil: "2022-03-09", status: "expired" }),
    ]);
    // The date is the Paris date: 31 December 23:30 UTC is already 1 January in Paris.
    await join("individuel", "reveillon@example.org", "2021-12-31T23:30:00Z");
    expect((await memberOf("reveillon@example.org"))[0]).toMatchObject({ validFrom: "2022-01-01", validUntil: "2022-12-31" });
  });

  it("the public tiers and giving settings say each tier's period and the dates a payment today covers", async () => {
    todayIs("2026-06-10T10:00:00Z");
    const tiers = (await (await stack.call("GET", "/v1/public/membership-tiers", { role: null })).json()) as { tiers: Record<string, unknown>[] };
    expect(tiers.tiers.find((t) => t.id === "glissant")).toEqual({
      id: "glissant",
      label: "Adhésion 12 mois",
      amount: 3000,
      period: "rolling_12_months",
      periodLabel: "12 mois à partir du paiement",
      receipt: false,
      validFrom: "2026-06-10",
      validUntil: "2027-06-09",
    });
    expect(tiers.tiers.find((t) => t.id === "individuel")).toMatchObject({
      period: "calendar_year",
      year: 2026,
      validFrom: "2026-01-01",
      validUntil: "2026-12-31",
    });
    expect(tiers.tiers.find((t) => t.id === "individuel")).not.toHaveProperty("next");
    const june = (await (await stack.call("GET", "/v1/public/giving-settings", { role: null })).json()) as { memberships: Record<string, unknown>[] };
    expect(june.memberships.find((m) => m.tierId === "individuel")).toEqual({
      tierId: "individuel",
      label: "Adhésion individuelle",
      amount: 2000,
      period: "calendar_year",
      periodLabel: "année civile (1er janvier – 31 décembre)",
      receipt: true,
      current: { membershipYear: 2026, validFrom: "2026-01-01", validUntil: "2026-12-31" },
    });
    expect(june.memberships.find((m) => m.tierId === "glissant")).toMatchObject({
      period: "rolling_12_months",
      periodLabel: "12 mois à partir du paiement",
      current: { validFrom: "2026-06-10", validUntil: "2027-06-09" },
    });
    todayIs("2026-11-01T08:00:00Z");
    const november = (await (await stack.call("GET", "/v1/public/giving-settings", { role: null })).json()) as { memberships: Record<string, unknown>[] };
    expect(november.memberships.find((m) => m.tierId === "individuel")?.next).toEqual({
      membershipYear: 2027,
      validFrom: "2027-01-01",
      validUntil: "2027-12-31",
    });
    expect(november.memberships.find((m) => m.tierId === "glissant")).not.toHaveProperty("next");
    const novemberTiers = (await (await stack.call("GET", "/v1/public/membership-tiers", { role: null })).json()) as { tiers: Record<string, unknown>[] };
    expect(novemberTiers.tiers.find((t) => t.id === "individuel")?.next).toEqual({ year: 2027, validFrom: "2027-01-01", validUntil: "2027-12-31" });
  });
});

describe("renewal", () => {
  it("extends the same member: calendar the next year, rolling from the day after the end; a redelivered payment extends nothing twice", async () => {
    await join("individuel", "fidele@example.org", "2024-03-01T10:00:00Z");
    const renewal = await join("individuel", "fidele@example.org", "2024-12-05T10:00:00Z");
    expect(await memberOf("fidele@example.org")).toEqual([
      // The membership still runs from its first day: a renewal paid before the end keeps it.
      expect.objectContaining({ validFrom: "2025-01-01", validUntil: "2025-12-31", coveredFrom: "2024-01-01", lastPaymentOn: "2024-12-05" }),
    ]);
    for (const e of stack.stripe.events.filter((x) => JSON.stringify(x.data).includes(renewal)))
      await fetch(`${stack.stripeUrl}/__dev/events/${e.id}/redeliver`, { method: "POST" });
    expect((await memberOf("fidele@example.org"))[0]).toMatchObject({ validFrom: "2025-01-01", validUntil: "2025-12-31" });

    await join("glissant", "roule@example.org", "2024-03-15T10:00:00Z");
    await join("glissant", "roule@example.org", "2025-02-20T10:00:00Z");
    expect(await memberOf("roule@example.org")).toEqual([expect.objectContaining({ validFrom: "2025-03-15", validUntil: "2026-03-14" })]);
    // After the end, a payment starts afresh.
    await join("glissant", "roule@example.org", "2026-05-02T10:00:00Z");
    expect(await memberOf("roule@example.org")).toEqual([expect.objectContaining({ validFrom: "2026-05-02", validUntil: "2027-05-01" })]);
  });

  it("?status=active|expired reads the dates at today", async () => {
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());
    const active = await members("&status=active");
    const expired = await members("&status=expired");
    expect(active.every((m) => m.validUntil >= today)).toBe(true);
    expect(expired.every((m) => m.validUntil < today)).toBe(true);
    expect(active.map((m) => m.email)).toContain("roule@example.org");
    expect(expired.map((m) => m.email)).toContain("fidele@example.org");
  });
});

describe("the reminder run at a chosen date", () => {
  const run = async (date?: string, role = "tresorier") =>
    stack.call("POST", "/v1/members/reminders", { role, body: date ? { date } : {}, headers: { "idempotency-key": `reminders-${date}-${Math.random()}` } });
  const ran = async (date: string) => {
    const res = await run(date);
    expect(res.status).toBe(200);
    return (await res.json()) as { date: string; members: number; queued: number };
  };

  it("queues exactly one reminder per expiring member, 30 days before and on the day; a rerun none; a renewed member none", async () => {
    // Ending 2019-12-31: two calendar members and one rolling from 2019-01-01; one renewed; one rolling ending 2020-01-30.
    await join("individuel", "rappel.a@example.org", "2019-02-01T10:00:00Z");
    await join("reduit", "rappel.b@example.org", "2019-06-01T10:00:00Z");
    await join("glissant", "rappel.c@example.org", "2019-01-01T10:00:00Z");
    await join("individuel", "renouvele@example.org", "2019-03-01T10:00:00Z");
    await join("individuel", "renouvele@example.org", "2019-11-20T10:00:00Z");
    await join("glissant", "rappel.e@example.org", "2019-01-31T10:00:00Z");
    // A member whose data was erased is never written to.
    await join("individuel", "efface@example.org", "2019-04-01T10:00:00Z");
    expect((await stack.call("POST", "/v1/people/efface%40example.org/erasure", { headers: { "idempotency-key": "erase-efface" } })).status).toBe(200);

    expect(await ran("2019-12-01")).toEqual({ date: "2019-12-01", members: 3, queued: 3 });
    expect(await ran("2019-12-01")).toEqual({ date: "2019-12-01", members: 3, queued: 0 });
    expect(await ran("2019-12-02")).toEqual({ date: "2019-12-02", members: 0, queued: 0 });
    // The end day: the three again (their d0), and the rolling member ending 30 days later.
    expect(await ran("2019-12-31")).toEqual({ date: "2019-12-31", members: 4, queued: 4 });
    expect(await ran("2019-12-31")).toEqual({ date: "2019-12-31", members: 4, queued: 0 });
  });

  it("the reminder arrives in the local inbox, in French, with the end date and the renewal link", async () => {
    await join("individuel", "boite@example.org", "2018-05-02T10:00:00Z");
    expect(await ran("2018-12-01")).toEqual({ date: "2018-12-01", members: 1, queued: 1 });
    expect(await ran("2018-12-31")).toEqual({ date: "2018-12-31", members: 1, queued: 1 });
    const reminders = async () =>
      (await stack.inbox()).filter((m) => m.to.some((t) => t.address === "boite@example.org") && m.subject.includes("Votre adhésion se termine"));
    const deadline = Date.now() + 15_000;
    while ((await reminders()).length < 2 && Date.now() < deadline) {
      stack.mail?.worker.kick();
      await new Promise((r) => setTimeout(r, 200));
    }
    const [d30, d0] = (await reminders()).sort((a, b) => (a.subject < b.subject ? 1 : -1));
    expect(d30?.subject).toBe("Votre adhésion se termine le 31 décembre 2018");
    expect(d30?.text).toContain("« Adhésion individuelle » se termine le 31 décembre 2018, dans 30 jours");
    expect(d30?.text).toContain(`${stack.url}/?adhesion=individuel&email=boite%40example.org`);
    expect(d0?.subject).toBe("Votre adhésion se termine aujourd'hui");
    expect(d0?.text).toContain("se termine aujourd'hui, le 31 décembre 2018");
    // A rerun sends nothing more.
    expect(await ran("2018-12-01")).toMatchObject({ queued: 0 });
    stack.mail?.worker.kick();
    await new Promise((r) => setTimeout(r, 500));
    expect(await reminders()).toHaveLength(2);
  });

  it("is the trésorier's; a date that does not exist is a 400 naming date", async () => {
    expect((await run("2019-12-01", "delegation")).status).toBe(403);
    const bad = await run("2019-02-30");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["date"]);
  });
});

// Last in the file, the clock only moving forward: the checkout's rate buckets follow the clock.
describe("paying in December for the next year", () => {
  it("refused outside the window, for another year, and for a rolling tier, each in French naming membershipYear", async () => {
    const refused = async (tierId: string, membershipYear: unknown) => {
      const res = await stack.call("POST", "/v1/public/memberships/checkout", {
        role: null,
        body: { tierId, member: person("refus@example.org"), membershipYear },
      });
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { errors: { path: string; message: string }[] };
      return problem.errors;
    };
    todayIs("2030-10-31T20:00:00Z");
    expect(await refused("individuel", 2031)).toEqual([{ path: "membershipYear", message: expect.stringContaining("s'ouvre le 1er novembre 2030") }]);
    todayIs("2030-12-10T10:00:00Z");
    expect(await refused("individuel", 2032)).toEqual([{ path: "membershipYear", message: "l'année doit être 2030 ou 2031" }]);
    expect(await refused("individuel", 2029)).toEqual([{ path: "membershipYear", message: "l'année doit être 2030 ou 2031" }]);
    expect((await refused("glissant", 2031))[0]?.message).toContain("12 mois à partir du paiement");
    expect((await refused("individuel", "2031"))[0]?.path).toBe("membershipYear");
  });

  it("membershipYear next, from 1 November: next year's dates, carried in the Stripe metadata", async () => {
    todayIs("2030-12-11T10:00:00Z");
    const sessionId = await join("individuel", "prochaine@example.org", "2030-12-11T10:05:00Z", { membershipYear: 2031 });
    // Paid for the next year only: upcoming until 1 January.
    expect(await memberOf("prochaine@example.org")).toEqual([
      expect.objectContaining({ validFrom: "2031-01-01", validUntil: "2031-12-31", coveredFrom: "2031-01-01", status: "upcoming" }),
    ]);
    expect((await members("&status=upcoming")).map((m) => m.email)).toEqual(["prochaine@example.org"]);
    const session = stack.stripe.events.find((e) => JSON.stringify(e.data).includes(sessionId));
    expect(JSON.stringify(session?.data)).toContain('"membership_year":"2031"');
    // The current year, chosen explicitly, is the year of payment.
    await join("individuel", "courante@example.org", "2030-12-11T10:05:00Z", { membershipYear: 2030 });
    expect((await memberOf("courante@example.org"))[0]).toMatchObject({ validFrom: "2030-01-01", validUntil: "2030-12-31" });
  });
});
