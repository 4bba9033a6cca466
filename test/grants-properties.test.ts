/**
 * Property-based, through HTTP: any sequence of grants, installments and expenses keeps what was
 * received within what was awarded (over-payments refused, nothing written), and the fonds dédiés
 * the ledger carries are what was recognised and not spent, grant by grant (recognised − spent
 * when spending never ran ahead of the income, never below zero).
 * Each run books its own fiscal years (2000 + 4 × run…: past years, since an entry may not be dated
 * beyond the year after the current one), so runs share one table without mixing.
 */
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

const day = (year: number, d: number) => new Date(Date.UTC(year, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);

const grantArb = fc.record({
  kind: fc.constantFrom("foundation", "public", "company"),
  restricted: fc.boolean(),
  amount: fc.integer({ min: 1_000, max: 5_000_000 }),
  signDay: fc.integer({ min: 0, max: 360 }),
  lengthDays: fc.integer({ min: 0, max: 700 }),
  parts: fc.integer({ min: 1, max: 3 }),
});
const opArb = fc.oneof(
  fc.record({
    op: fc.constant("pay" as const),
    grant: fc.nat(),
    amount: fc.integer({ min: 1, max: 3_000_000 }),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    installment: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  }),
  fc.record({
    op: fc.constant("spend" as const),
    grant: fc.nat(),
    amount: fc.integer({ min: 1, max: 3_000_000 }),
    yearOffset: fc.integer({ min: 0, max: 2 }),
    day: fc.integer({ min: 0, max: 360 }),
  }),
);

let run = 0;

it("received ≤ awarded and the ledger's fonds dédiés = recognised − spent (never below zero), for any sequence", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(grantArb, { minLength: 1, maxLength: 3 }), fc.array(opArb, { minLength: 1, maxLength: 10 }), async (grantSpecs, ops) => {
      const base = 2000 + 4 * run++;
      const model: {
        id: string;
        funderId: string;
        amount: number;
        restricted: boolean;
        agreementDate: string;
        end: string;
        installments: { amount: number; received: number }[];
        received: number;
        spent: number;
        recognised: number;
      }[] = [];
      for (const [i, g] of grantSpecs.entries()) {
        const f = await call("POST", "/v1/funders", { name: `Financeur ${base}-${i}`, kind: g.kind });
        expect(f.status).toBe(201);
        const agreementDate = day(base, g.signDay);
        const end = day(base, g.signDay + g.lengthDays);
        const parts = Array.from({ length: g.parts }, (_, k) => Math.floor(g.amount / g.parts) + (k === 0 ? g.amount % g.parts : 0));
        const r = await call("POST", "/v1/grants", {
          funderId: f.body.id,
          title: `Subvention ${i}`,
          agreementDate,
          amount: g.amount,
          restricted: g.restricted,
          startDate: agreementDate,
          endDate: end,
          installments: parts.map((amount, k) => ({ dueDate: day(base, g.signDay + Math.floor((g.lengthDays * k) / g.parts)), amount })),
        });
        expect(r.status).toBe(201);
        expect(r.body.recognition.reduce((s: number, x: Json) => s + x.amount, 0)).toBe(g.amount);
        model.push({
          id: r.body.id,
          funderId: f.body.id,
          amount: g.amount,
          restricted: g.restricted,
          agreementDate,
          end,
          installments: parts.map((amount) => ({ amount, received: 0 })),
          received: 0,
          spent: 0,
          recognised: g.amount,
        });
      }

      for (const op of ops) {
        const g = model[op.grant % model.length]!;
        if (op.op === "pay") {
          const span = (Date.parse(g.end) - Date.parse(g.agreementDate)) / 86_400_000;
          const date = new Date(Date.parse(g.agreementDate) + Math.floor(op.at * span) * 86_400_000).toISOString().slice(0, 10);
          const inst = op.installment !== undefined && op.installment <= g.installments.length ? op.installment : undefined;
          const r = await call("POST", `/v1/grants/${g.id}/payments`, { date, amount: op.amount, ...(inst ? { installment: inst } : {}) });
          const due = g.amount - g.received;
          const instDue = inst ? g.installments[inst - 1]!.amount - g.installments[inst - 1]!.received : due;
          const ok = op.amount <= due && op.amount <= instDue;
          expect(r.status, JSON.stringify({ op, due, instDue })).toBe(ok ? 201 : 409);
          if (ok) {
            g.received += op.amount;
            if (inst) g.installments[inst - 1]!.received += op.amount;
            else {
              let left = op.amount;
              for (const x of g.installments) {
                const take = Math.min(left, x.amount - x.received);
                x.received += take;
                left -= take;
              }
            }
          }
        } else {
          const r = await call("POST", "/v1/expenses", {
            date: day(base + op.yearOffset, op.day),
            supplier: "Prestataire",
            account: "6226",
            amount: op.amount,
            label: "Prestation",
            pieceRef: "F-PROP",
            grantId: g.id,
          });
          const ok = g.spent + op.amount <= g.amount;
          expect(r.status).toBe(ok ? 201 : 409);
          if (ok) g.spent += op.amount;
        }
      }

      for (let y = base; y <= base + 3; y++) expect((await call("POST", `/v1/ledger/years/${y}/dedicated-funds`)).status).toBe(201);

      // received ≤ awarded, per grant and per funder, as the API tells it.
      for (const g of model) {
        const v = (await call("GET", `/v1/grants/${g.id}`, undefined, "auditor")).body;
        expect(v.received).toBe(g.received);
        expect(v.received).toBeLessThanOrEqual(v.awarded);
        expect(v.installments.every((x: Json) => x.received <= x.amount)).toBe(true);
        expect(v.spent).toBe(g.spent);
        const f = (await call("GET", `/v1/funders/${g.funderId}`, undefined, "auditor")).body;
        expect(f.received).toBeLessThanOrEqual(f.awarded);
        expect([f.awarded, f.received, f.spent]).toEqual([g.amount, g.received, g.spent]);
      }

      // The ledger's fonds dédiés (19x over the run's years) = Σ max(0, recognised − spent) of the restricted grants.
      let ledger = 0;
      let income = 0;
      for (let y = base; y <= base + 3; y++) {
        const tb = (await call("GET", `/v1/ledger/trial-balance?year=${y}`, undefined, "auditor")).body.accounts as { account: string; balance: number }[];
        ledger -= tb.filter((a) => ["194", "195", "196"].includes(a.account)).reduce((s, a) => s + a.balance, 0);
        income -= tb.filter((a) => ["741", "7551", "7542"].includes(a.account)).reduce((s, a) => s + a.balance, 0);
      }
      const expected = model.filter((g) => g.restricted).reduce((s, g) => s + Math.max(0, g.recognised - g.spent), 0);
      expect(ledger).toBe(expected);
      expect(income).toBe(model.reduce((s, g) => s + g.amount, 0));
      for (const g of model.filter((x) => x.restricted && x.spent <= x.recognised)) {
        const table = (await call("GET", `/v1/grants/dedicated-funds?year=${base + 3}`, undefined, "auditor")).body;
        const row = table.rows.find((r: Json) => r.grantId === g.id);
        expect(row?.atEnd ?? 0).toBe(g.recognised - g.spent);
        expect(table.pending).toEqual([]);
      }
    }),
    { numRuns: 6, endOnFailure: true }, // no shrinking: a shrunk rerun would book years past the ledger's horizon
  );
}, 240_000);
