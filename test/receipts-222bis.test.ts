/**
 * Art. 222 bis (issue 19 item 8), through HTTP and the Stripe double: the number and total of the
 * receipts issued for a year, with its deadline; "mark as filed" freezes them with the date of
 * filing, and a refund after the May filing no longer moves them (bug: it moved the 2025 totals
 * after the filing); a fiscal year that is not the calendar year is declared on its own period.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureTable } from "../infra/dynamodb-local.js";
import { chargeOf, dev, stripeApi } from "./support/giving.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const ENV = { CHECKOUT_IP_BURST: "1000", CHECKOUT_IP_PER_MINUTE: "10000", CHECKOUT_GLOBAL_BURST: "1000" };
const ADDRESS = { line1: "12 rue des Lilas", postalCode: "69003", city: "Lyon", country: "FR" };
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(ENV);
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function give(amount: number, email: string, at: string) {
  const res = await stack.call("POST", "/v1/public/donations/checkout", {
    role: null,
    body: { amount, frequency: "once", donor: { email, firstName: "Dona", lastName: "Teur", address: ADDRESS } },
  });
  expect(res.status).toBe(201);
  const { sessionId } = (await res.json()) as { sessionId: string };
  await dev(stack, `/__dev/checkout/sessions/${sessionId}/complete`, { at });
  return sessionId;
}
const declaration = async (year: number) => {
  const res = await stack.call("GET", `/v1/receipts/declarations/${year}`, { role: "auditor" });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
};
const file = (year: number, body: unknown) => stack.call("POST", `/v1/receipts/declarations/${year}/filing`, { body });
const receiptsOf = async (year: number) => (await (await stack.call("GET", `/v1/receipts?year=${year}`)).json()) as Json;
/** Waits until the receipts of a year are there (they follow each gift's webhook). */
async function receiptsReach(year: number, count: number) {
  for (let i = 0; i < 150 && (await receiptsOf(year)).items.length < count; i++) await new Promise((r) => setTimeout(r, 100));
  expect((await receiptsOf(year)).items).toHaveLength(count);
}

describe("a calendar year", () => {
  let first: string;
  beforeAll(async () => {
    first = await give(5000, "a@example.org", "2025-02-01T10:00:00Z");
    await give(3000, "b@example.org", "2025-06-01T10:00:00Z");
    await give(2000, "c@example.org", "2024-12-20T10:00:00Z");
    await receiptsReach(2025, 2);
  }, 60_000);

  it("gives the receipts' count and total, and the deadline (2nd working day after 1 May)", async () => {
    const d = await declaration(2025);
    expect(d).toMatchObject({
      year: 2025,
      basis: "calendar",
      period: { start: "2025-01-01", end: "2025-12-31" },
      due: "2026-05-05",
      figures: { count: 2, total: 8000 },
      current: { count: 2, total: 8000 },
      filed: null,
      changedSinceFiling: false,
    });
  });

  it("bug: a refund after the May filing moved the filed totals — once filed they are frozen with their date", async () => {
    const filed = await file(2025, { filedOn: "2026-05-04" });
    expect(filed.status).toBe(201);
    expect(((await filed.json()) as Json).filed).toMatchObject({ count: 2, total: 8000, filedOn: "2026-05-04", filedBy: { role: "tresorier" } });

    // A partial refund after the filing: the receipt is cancelled and replaced by a smaller one.
    const charge = await chargeOf(stack, first);
    await stripeApi(stack, "POST", "/v1/refunds", { charge: charge.id, amount: "1000" });
    await expect.poll(async () => (await declaration(2025)).current.total, { timeout: 15_000 }).toBe(7000);
    const d = await declaration(2025);
    expect(d.figures).toEqual({ count: 2, total: 8000 });
    expect(d.filed).toMatchObject({ count: 2, total: 8000, filedOn: "2026-05-04" });
    expect(d.changedSinceFiling).toBe(true);
    // The receipts' listing gives the figures as filed too.
    expect((await receiptsOf(2025)).declaration).toEqual({ count: 2, total: 8000, filedOn: "2026-05-04" });
    // Another year is not frozen by it.
    expect((await declaration(2024)).figures).toEqual({ count: 1, total: 2000 });
  });

  it("is filed once; a period not ended, or a filing date inside the period or ahead, is refused; bad input named", async () => {
    const again = await file(2025, {});
    expect(again.status).toBe(409);
    expect(((await again.json()) as Json).detail).toContain("2026-05-04");
    expect((await file(2099, {})).status).toBe(409);
    expect((await file(2024, { filedOn: "2024-12-31" })).status).toBe(409);
    expect((await file(2024, { filedOn: "2099-05-01" })).status).toBe(409);
    const bad = await file(2024, { filedOn: "le 4 mai" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("filedOn");
    expect((await declaration(2024)).filed).toBeNull();
    expect((await stack.call("POST", "/v1/receipts/declarations/2024/filing", { role: "auditor", body: {} })).status).toBe(403);
  });
});

describe("a fiscal year that is not the calendar year", () => {
  it("counts the receipts whose gifts are dated in it (September to August), with its deadline three months after", async () => {
    // A fresh table (no entries yet, so the fiscal year may start in September), the same stack.
    const table = `fy-${Math.random().toString(36).slice(2, 8)}`;
    await ensureTable(inject("dynamoEndpoint"), table);
    const before = process.env.TABLE_NAME;
    Object.assign(process.env, { TABLE_NAME: table, FISCAL_YEAR_START_MONTH: "9" });
    try {
      await give(4000, "f1@example.org", "2024-10-15T10:00:00Z");
      await give(6000, "f2@example.org", "2025-03-10T10:00:00Z");
      await give(1000, "f3@example.org", "2025-10-01T10:00:00Z");
      await receiptsReach(2025, 2);
      const d = await declaration(2024);
      expect(d).toMatchObject({
        basis: "fiscal",
        period: { start: "2024-09-01", end: "2025-08-31" },
        due: "2025-11-30",
        figures: { count: 2, total: 10000 },
        filed: null,
      });
      expect((await declaration(2025)).figures).toEqual({ count: 1, total: 1000 });
      const filed = await file(2024, { filedOn: "2025-11-20" });
      expect(filed.status).toBe(201);
      expect(((await filed.json()) as Json).filed).toMatchObject({ count: 2, total: 10000, filedOn: "2025-11-20" });
    } finally {
      delete process.env.FISCAL_YEAR_START_MONTH;
      process.env.TABLE_NAME = before;
    }
  }, 60_000);
});
