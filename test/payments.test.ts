/**
 * Giving and joining through the real HTTP surface: Stripe Checkout at the Stripe test double,
 * webhooks signed and delivered by it, bookings in the ledger, donors, members and receipts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { ADDRESS, chargeOf, checkout, dev, donation, pay, stripeApi, stripeEntries, stripeFee, trialBalance } from "./support/giving.js";
import { pdfText } from "./support/pdf-text.js";

let stack: TestStack;
beforeAll(async () => {
  // Many checkouts from one address: the public rate limit is raised for this file.
  stack = await startTestStack({ RECEIPTS_ENABLED: "true", CHECKOUT_IP_BURST: "1000", CHECKOUT_IP_PER_MINUTE: "10000" });
});
afterAll(() => stack.close());

describe("public checkout", () => {
  it("lists the membership tiers", async () => {
    const res = await stack.call("GET", "/v1/public/membership-tiers", { role: null });
    const { tiers } = (await res.json()) as { tiers: { id: string; amount: number; period: string }[] };
    expect(tiers.map((t) => [t.id, t.amount])).toEqual([
      ["individuel", 2000],
      ["reduit", 500],
      ["organisation", 10000],
    ]);
  });

  const bad: Array<[string, unknown, string]> = [
    ["an amount under 1 €", donation(99), "amount"],
    ["an amount over 100 000 €", donation(10_000_001), "amount"],
    ["fractional cents", donation(1050.5), "amount"],
    ["a bad email", { ...donation(5000), donor: { ...donation(5000).donor, email: "not-an-email" } }, "donor.email"],
    ["no address while a receipt is wanted", { ...donation(5000), donor: { email: "a@b.fr", firstName: "A", lastName: "B" } }, "donor.address"],
    ["an unknown frequency", donation(5000, { frequency: "weekly" }), "frequency"],
    ["an extra field", donation(5000, { fee: 0 }), "fee"],
  ];
  for (const [name, body, path] of bad)
    it(`refuses ${name} (400 naming ${path})`, async () => {
      const res = await stack.call("POST", "/v1/public/donations/checkout", { role: null, body });
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).toContain(path);
    });

  it("refuses an unknown membership tier", async () => {
    const res = await stack.call("POST", "/v1/public/memberships/checkout", {
      role: null,
      body: { tierId: "gold", member: { email: "a@b.fr", firstName: "A", lastName: "B" } },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("tierId");
  });

  it("accepts a donation without receipt and without address", async () => {
    const { sessionId, url } = await checkout(stack, {
      ...donation(2500),
      receipt: false,
      donor: { email: "anon@example.org", firstName: "Ano", lastName: "Nyme" },
    });
    expect(sessionId).toMatch(/^cs_/);
    expect(url).toContain(`/c/pay/${sessionId}`);
  });
});

describe("a one-off donation", () => {
  let sessionId: string;
  beforeAll(async () => {
    ({ sessionId } = await checkout(stack, donation(5000)));
    await pay(stack, sessionId, "2024-03-05T10:00:00Z");
  });

  it("is booked in the Stripe journal: gross to 7541 against 4671, the fee to 627", async () => {
    const charge = await chargeOf(stack, sessionId);
    const entry = (await stripeEntries(stack, "2024-03-05", "2024-03-05")).find((e) => e.pieceRef === charge.id)!;
    expect(entry.journal).toBe("ST");
    expect(entry.lines).toEqual([
      { account: "4671", debit: 5000, credit: 0 },
      { account: "7541", debit: 0, credit: 5000 },
      { account: "627", debit: stripeFee(5000), credit: 0, label: "Frais Stripe" },
      { account: "4671", debit: 0, credit: stripeFee(5000), label: "Frais Stripe" },
    ]);
  });

  it("gets a tax receipt whose PDF holds the donor, the amount and the number, byte-identical on every download", async () => {
    const list = (await (await stack.call("GET", "/v1/receipts?year=2024", { role: "tresorier" })).json()) as { items: { id: string; amount: number }[] };
    const receipt = list.items.find((r) => r.amount === 5000)!;
    expect(receipt.id).toMatch(/^2024-\d{6}$/);
    const a = Buffer.from(await (await stack.call("GET", `/v1/receipts/${receipt.id}.pdf`, { role: "auditor" })).arrayBuffer());
    const b = Buffer.from(await (await stack.call("GET", `/v1/receipts/${receipt.id}.pdf`, { role: "tresorier" })).arrayBuffer());
    expect(a.subarray(0, 5).toString()).toBe("%PDF-");
    expect(a.equals(b)).toBe(true);
    const text = await pdfText(a);
    for (const s of [
      "MARTIN Camille",
      "12 rue des Lilas",
      "***50,00 €***",
      receipt.id,
      "05/03/2024",
      "déclaration de don manuel",
      "numéraire",
      "Carte bancaire",
      "200, 238 bis et 978",
    ])
      expect(text).toContain(s);
  });

  it("the délégation lists donors without addresses and cannot download the PDF", async () => {
    const asDelegation = (await (await stack.call("GET", "/v1/donors?year=2024", { role: "delegation" })).json()) as { items: Record<string, unknown>[] };
    const asTresorier = (await (await stack.call("GET", "/v1/donors?year=2024", { role: "tresorier" })).json()) as { items: Record<string, unknown>[] };
    expect(asDelegation.items.find((d) => d.email === "camille.martin@example.org")).not.toHaveProperty("address");
    expect(asTresorier.items.find((d) => d.email === "camille.martin@example.org")?.address).toEqual(ADDRESS);
    expect((await stack.call("GET", "/v1/receipts/2024-000001.pdf", { role: "delegation" })).status).toBe(403);
  });

  it("a payment at 23:30 UTC on 31 December is booked on 1 January (Europe/Paris)", async () => {
    const { sessionId: late } = await checkout(stack, donation(1234));
    await pay(stack, late, "2024-12-31T23:30:00Z");
    const charge = await chargeOf(stack, late);
    const entries = await stripeEntries(stack, "2025-01-01", "2025-01-01");
    expect(entries.find((e) => e.pieceRef === charge.id)?.date).toBe("2025-01-01");
  });
});

describe("refunds and receipts", () => {
  it("a partial refund cancels the receipt (kept) and re-issues one for the remainder; a full refund cancels it", async () => {
    const { sessionId } = await checkout(
      stack,
      donation(10000, { donor: { email: "refund@example.org", firstName: "Rémi", lastName: "Boursé", address: ADDRESS } }),
    );
    await pay(stack, sessionId, "2024-05-10T09:00:00Z");
    const charge = await chargeOf(stack, sessionId);
    const receipts = async () =>
      (
        (await (await stack.call("GET", "/v1/receipts?year=2024")).json()) as {
          items: { id: string; amount: number; status: string; replaces?: string; donor: { email: string } }[];
        }
      ).items.filter((r) => r.donor.email === "refund@example.org");
    expect((await receipts()).map((r) => [r.amount, r.status])).toEqual([[10000, "issued"]]);

    await stripeApi(stack, "POST", "/v1/refunds", { charge: charge.id, amount: "3000" });
    const after = await receipts();
    expect(after.map((r) => [r.amount, r.status])).toEqual([
      [10000, "cancelled"],
      [7000, "issued"],
    ]);
    expect(after[1]!.replaces).toBe(after[0]!.id);
    const cancelledPdf = await pdfText(Buffer.from(await (await stack.call("GET", `/v1/receipts/${after[0]!.id}.pdf`)).arrayBuffer()));
    expect(cancelledPdf).toContain("ANNULÉ");

    await stripeApi(stack, "POST", "/v1/refunds", { charge: charge.id });
    expect((await receipts()).every((r) => r.status === "cancelled")).toBe(true);
    const refunds = (await stripeEntries(stack, "2020-01-01", "2030-12-31")).filter((e) => e.pieceRef.startsWith("re_") && e.label.includes(charge.id));
    expect(refunds.map((e) => e.lines[0]!.debit).sort((a, b) => a - b)).toEqual([3000, 7000]);
  });

  it("the receipts list gives the count and total of valid receipts for the art. 222 bis declaration", async () => {
    const body = (await (await stack.call("GET", "/v1/receipts?year=2024")).json()) as {
      items: { amount: number; status: string }[];
      declaration: { count: number; total: number };
    };
    const valid = body.items.filter((r) => r.status === "issued");
    expect(body.declaration).toEqual({ count: valid.length, total: valid.reduce((s, r) => s + r.amount, 0) });
    expect(body.declaration.count).toBeGreaterThan(0);
  });
});

describe("memberships", () => {
  it("books the fee on 7561 (cotisation sans contrepartie), makes the member active for the calendar year; the délégation sees no address", async () => {
    const { sessionId } = await checkout(
      stack,
      { tierId: "individuel", member: { email: "adherent@example.org", firstName: "Ada", lastName: "Hérent", address: ADDRESS } },
      "/v1/public/memberships/checkout",
    );
    await pay(stack, sessionId);
    const year = new Date().getFullYear();
    expect((await trialBalance(stack, Number(new Intl.DateTimeFormat("en", { timeZone: "Europe/Paris", year: "numeric" }).format(new Date()))))["7561"]).toBe(
      -2000,
    );
    const members = (await (await stack.call("GET", "/v1/members?status=active", { role: "delegation" })).json()) as { items: Record<string, unknown>[] };
    const m = members.items.find((x) => x.email === "adherent@example.org")!;
    expect(m.status).toBe("active");
    expect(m.validUntil).toMatch(new RegExp(`^${year}-12-31$|^${year + 1}-12-31$`));
    expect(m).not.toHaveProperty("address");
    const expired = (await (await stack.call("GET", "/v1/members?status=expired", { role: "auditor" })).json()) as { items: unknown[] };
    expect(expired.items).toHaveLength(0);
  });

  // Bug: a membership paid under an existing member's email with another name overwrote the member's name and address.
  it("a payment under an existing member's email never overwrites the member's record; the trésorier sees an incident", async () => {
    const email = "titulaire@example.org";
    const first = await checkout(
      stack,
      { tierId: "individuel", member: { email, firstName: "Claire", lastName: "Titulaire", address: ADDRESS } },
      "/v1/public/memberships/checkout",
    );
    await pay(stack, first.sessionId);
    const other = await checkout(
      stack,
      {
        tierId: "individuel",
        member: {
          email,
          firstName: "Mallory",
          lastName: "Usurpe",
          address: { line1: "1 rue Ailleurs", postalCode: "13001", city: "Marseille", country: "FR" },
        },
      },
      "/v1/public/memberships/checkout",
    );
    await pay(stack, other.sessionId);
    const members = (await (await stack.call("GET", "/v1/members", { role: "tresorier" })).json()) as { items: Record<string, unknown>[] };
    const m = members.items.find((x) => x.email === email)!;
    expect(m).toMatchObject({ firstName: "Claire", lastName: "Titulaire", address: ADDRESS });
    const year = Number(new Intl.DateTimeFormat("en", { timeZone: "Europe/Paris", year: "numeric" }).format(new Date()));
    const incidents = (await (await stack.call("GET", `/v1/payment-incidents?year=${year}`, { role: "tresorier" })).json()) as {
      items: { type: string; email?: string; detail: string }[];
    };
    const mismatch = incidents.items.find((i) => i.type === "member_identity_mismatch");
    expect(mismatch?.email).toBe(email);
    expect(mismatch?.detail).toContain("Mallory Usurpe");
  });
});

describe("payouts and disputes", () => {
  it("a payout moves the money from 4671 to 512; a lost dispute reverses the gift and books its fee", async () => {
    const { sessionId } = await checkout(
      stack,
      donation(8000, { receipt: false, donor: { email: "dispute@example.org", firstName: "Dis", lastName: "Pute" } }),
    );
    await pay(stack, sessionId, "2023-09-01T10:00:00Z");
    const before = await trialBalance(stack, 2023);
    const charge = await chargeOf(stack, sessionId);
    const dp = await dev(stack, `/__dev/charges/${charge.id}/dispute`, { at: "2023-09-10T10:00:00Z" });
    await dev(stack, `/__dev/disputes/${dp.id as string}/close`, { status: "lost", at: "2023-09-20T10:00:00Z" });
    const after = await trialBalance(stack, 2023);
    expect(after["7541"]! - before["7541"]!).toBe(8000);
    expect(after["627"]! - before["627"]!).toBe(1500);
    const incidents = (await (await stack.call("GET", "/v1/payment-incidents?year=2023", { role: "tresorier" })).json()) as {
      items: { type: string; ref: string }[];
    };
    expect(incidents.items.find((i) => i.ref === dp.id)?.type).toBe("dispute_lost");

    const po = await dev(stack, "/__dev/payouts", { at: "2023-09-30T08:00:00Z" });
    const tb = await trialBalance(stack, 2023);
    expect(tb["512"]).toBe(po.amount);
  });
});

describe("SEPA debits, failed payouts, expired memberships", () => {
  it("a SEPA payment is booked when it succeeds days later; a failed one is an incident, not an entry", async () => {
    const ok = await checkout(stack, donation(6000, { receipt: false, donor: { email: "sepa@example.org", firstName: "Se", lastName: "Pa" } }));
    await dev(stack, `/__dev/checkout/sessions/${ok.sessionId}/complete`, { at: "2021-03-01T10:00:00Z", async: true });
    expect((await trialBalance(stack, 2021))["7541"]).toBeUndefined();
    await dev(stack, `/__dev/checkout/sessions/${ok.sessionId}/async`, { succeeded: true, at: "2021-03-04T10:00:00Z" });
    expect((await trialBalance(stack, 2021))["7541"]).toBe(-6000);

    const ko = await checkout(stack, donation(7000, { receipt: false, donor: { email: "sepa-ko@example.org", firstName: "Se", lastName: "Ko" } }));
    await dev(stack, `/__dev/checkout/sessions/${ko.sessionId}/complete`, { at: "2021-03-02T10:00:00Z", async: true });
    await dev(stack, `/__dev/checkout/sessions/${ko.sessionId}/async`, { succeeded: false, at: "2021-03-05T10:00:00Z" });
    expect((await trialBalance(stack, 2021))["7541"]).toBe(-6000);
    const incidents = (await (await stack.call("GET", "/v1/payment-incidents?year=2021")).json()) as { items: { type: string; ref: string; email?: string }[] };
    expect(incidents.items).toContainEqual(expect.objectContaining({ type: "async_payment_failed", ref: ko.sessionId, email: "sepa-ko@example.org" }));
  });

  it("a payout that fails after it was paid goes back to the Stripe clearing account", async () => {
    const { sessionId } = await checkout(stack, donation(9000, { receipt: false, donor: { email: "po@example.org", firstName: "Pay", lastName: "Out" } }));
    await pay(stack, sessionId, "2020-05-01T10:00:00Z");
    const po = await dev(stack, "/__dev/payouts", { at: "2020-05-02T10:00:00Z" });
    expect((await trialBalance(stack, 2020))["512"]).toBe(po.amount);
    await dev(stack, `/__dev/payouts/${po.id as string}/fail`, { at: "2020-05-03T10:00:00Z" });
    const tb = await trialBalance(stack, 2020);
    expect(tb["512"] ?? 0).toBe(0);
    const incidents = (await (await stack.call("GET", "/v1/payment-incidents?year=2020")).json()) as { items: { type: string; ref: string }[] };
    expect(incidents.items).toContainEqual(expect.objectContaining({ type: "payout_failed", ref: po.id }));
  });

  it("a membership paid for an earlier year is expired", async () => {
    const { sessionId } = await checkout(
      stack,
      { tierId: "reduit", member: { email: "ancien@example.org", firstName: "An", lastName: "Cien" } },
      "/v1/public/memberships/checkout",
    );
    await pay(stack, sessionId, "2022-04-01T10:00:00Z");
    const expired = (await (await stack.call("GET", "/v1/members?status=expired")).json()) as {
      items: { email: string; validUntil: string; status: string }[];
    };
    expect(expired.items).toContainEqual(expect.objectContaining({ email: "ancien@example.org", validUntil: "2022-12-31", status: "expired" }));
  });
});
