/**
 * Property-based, through HTTP (issue 19): any sequence of grant bookings and corrections —
 * payments (after the grant's end too), tagged expenses, amendments of the amount or the end date,
 * cancellations, repayments of unspent restricted funds, fonds dédiés postings — keeps the grant, the
 * funder and the ledger totals equal: income per year = what the grants recognise in it, each
 * funder's receivable (its auxiliary account in the FEC) = awarded − received, 487 and the repayment
 * debts cleared, the bank = received − repaid, the fonds dédiés in 19x = what is unspent; and a
 * refused operation writes nothing.
 * Each run books its own fiscal years (2004 + 4 × run…), so runs share one table without mixing.
 */
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { checkFec } from "./support/fec-check.js";

const SIREN = "912345678";
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: SIREN });
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
const entryCount = async () => (await call("GET", "/v1/ledger/integrity", undefined, "auditor")).body.entries as number;
const day = (year: number, d: number) => new Date(Date.UTC(year, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);

const grantArb = fc.record({
  kind: fc.constantFrom("foundation", "public", "company"),
  restricted: fc.boolean(),
  amount: fc.integer({ min: 1_000, max: 3_000_000 }),
  signDay: fc.integer({ min: 0, max: 300 }),
  lengthDays: fc.integer({ min: 0, max: 600 }),
  parts: fc.integer({ min: 1, max: 3 }),
});
const at = fc.double({ min: 0, max: 1.3, noNaN: true });
const opArb = fc.oneof(
  fc.record({ op: fc.constant("pay" as const), grant: fc.nat(), share: fc.double({ min: 0.05, max: 1.1, noNaN: true }), at }),
  fc.record({ op: fc.constant("spend" as const), grant: fc.nat(), amount: fc.integer({ min: 1, max: 2_000_000 }), at }),
  fc.record({
    op: fc.constant("amend" as const),
    grant: fc.nat(),
    factor: fc.option(fc.double({ min: 0.3, max: 1.5, noNaN: true }), { nil: undefined }),
    endShift: fc.option(fc.integer({ min: -200, max: 300 }), { nil: undefined }),
    at,
  }),
  fc.record({ op: fc.constant("cancel" as const), grant: fc.nat(), at }),
  fc.record({ op: fc.constant("repay" as const), grant: fc.nat(), share: fc.double({ min: 0.1, max: 1.2, noNaN: true }), at }),
  fc.record({ op: fc.constant("post" as const), yearOffset: fc.integer({ min: 0, max: 3 }) }),
);

let run = 0;
/** Corrections accepted across the runs, by kind: the example below makes sure each kind is exercised. */
const accepted = new Map<string, number>();
type GrantSpec = typeof grantArb extends fc.Arbitrary<infer T> ? T : never;
const example: [GrantSpec[], unknown[]] = [
  [
    { kind: "foundation", restricted: true, amount: 1_000_000, signDay: 10, lengthDays: 400, parts: 1 },
    { kind: "public", restricted: false, amount: 500_000, signDay: 20, lengthDays: 500, parts: 2 },
  ],
  [
    { op: "pay", grant: 0, share: 1, at: 0.1 },
    { op: "spend", grant: 0, amount: 300_000, at: 0.2 },
    { op: "amend", grant: 0, factor: 1.2, endShift: undefined, at: 0.3 },
    { op: "post", yearOffset: 0 },
    { op: "repay", grant: 0, share: 0.2, at: 1.2 },
    { op: "pay", grant: 1, share: 0.5, at: 0.2 },
    { op: "cancel", grant: 1, at: 0.6 },
  ],
];

/**
 * A counterexample CI found (bug: a restricted grant cancelled after its year's fonds dédiés were
 * posted left the table with an all-zero row, so posting again did not reverse what 196 carried).
 */
const cancelledAfterPosting: [GrantSpec[], unknown[]] = [
  [
    { kind: "company", restricted: true, amount: 73_694, signDay: 124, lengthDays: 256, parts: 1 },
    { kind: "company", restricted: true, amount: 744_971, signDay: 219, lengthDays: 328, parts: 2 },
  ],
  [
    { op: "post", yearOffset: 0 },
    { op: "cancel", grant: 0, at: 0 },
    { op: "amend", grant: 0, factor: 0.76, endShift: undefined, at: 0 },
    { op: "post", yearOffset: 0 },
    { op: "pay", grant: 1, share: 0.066, at: 0 },
    { op: "post", yearOffset: 1 },
    { op: "spend", grant: 1, amount: 612_350, at: 0 },
  ],
];

it("grant, funder and ledger totals stay equal for any sequence of bookings and corrections; a refusal writes nothing", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(grantArb, { minLength: 1, maxLength: 3 }), fc.array(opArb, { minLength: 1, maxLength: 12 }), async (specs, ops) => {
      const base = 2004 + 4 * run++;
      const years = [base, base + 1, base + 2, base + 3];
      const grants: { id: string; funderId: string; agreementDate: string; end: string }[] = [];
      for (const [i, g] of specs.entries()) {
        const f = await call("POST", "/v1/funders", { name: `Financeur corrigé ${base}-${i}`, kind: g.kind });
        expect(f.status, JSON.stringify(f.body)).toBe(201);
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
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        grants.push({ id: r.body.id, funderId: f.body.id, agreementDate, end });
      }
      const dateIn = (g: { agreementDate: string; end: string }, t: number) => {
        const span = Math.max(1, (Date.parse(g.end) - Date.parse(g.agreementDate)) / 86_400_000);
        const d = new Date(Date.parse(g.agreementDate) + Math.floor(t * span) * 86_400_000).toISOString().slice(0, 10);
        return d > day(base + 3, 364) ? day(base + 3, 364) : d;
      };

      for (const op of ops) {
        const before = await entryCount();
        let r: { status: number; body: Json };
        if (op.op === "post") r = await call("POST", `/v1/ledger/years/${base + op.yearOffset}/dedicated-funds`);
        else {
          const g = grants[op.grant % grants.length]!;
          const v = (await call("GET", `/v1/grants/${g.id}`, undefined, "auditor")).body;
          const date = dateIn(g, op.at);
          if (op.op === "pay") r = await call("POST", `/v1/grants/${g.id}/payments`, { date, amount: Math.max(1, Math.round(v.amount * op.share)) });
          else if (op.op === "spend")
            r = await call("POST", "/v1/expenses", {
              date,
              supplier: "Prestataire",
              account: "6226",
              amount: op.amount,
              label: "Prestation",
              pieceRef: "F-PROP",
              grantId: g.id,
            });
          else if (op.op === "amend") {
            const body: Json = { date, reason: "Avenant" };
            if (op.factor !== undefined) body.amount = Math.max(1, Math.round(v.amount * op.factor));
            if (op.endShift !== undefined) {
              const end = new Date(Date.parse(v.endDate) + op.endShift * 86_400_000).toISOString().slice(0, 10);
              body.endDate = end > day(base + 2, 364) ? day(base + 2, 364) : end;
            }
            if (body.amount === undefined && body.endDate === undefined) body.amount = v.amount + 1;
            r = await call("POST", `/v1/grants/${g.id}/amendments`, body);
            if (r.status === 201) g.end = r.body.endDate;
          } else if (op.op === "cancel") r = await call("POST", `/v1/grants/${g.id}/cancellation`, { date, reason: "Annulée" });
          else r = await call("POST", `/v1/grants/${g.id}/repayments`, { date, amount: Math.max(1, Math.round(v.received * op.share)), reason: "Reliquat" });
        }
        expect([201, 400, 409], JSON.stringify({ op, body: r.body })).toContain(r.status);
        if (r.status !== 201) expect(await entryCount(), `a refused ${op.op} wrote nothing`).toBe(before);
        else accepted.set(op.op, (accepted.get(op.op) ?? 0) + 1);
      }
      // Whatever the sequence, the year ends are posted in order at last.
      for (const y of years) {
        const posted = await call("POST", `/v1/ledger/years/${y}/dedicated-funds`);
        expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      }

      // Grant and funder totals.
      const views = await Promise.all(grants.map(async (g) => (await call("GET", `/v1/grants/${g.id}`, undefined, "auditor")).body));
      const recIn = (x: Json, y: number) => ((x.byYear as Json[]).find((b) => b.year === y)?.recognised ?? 0) as number;
      for (const [i, v] of views.entries()) {
        expect(v.received).toBeLessThanOrEqual(v.amount);
        expect(v.installments.reduce((s: number, x: Json) => s + x.amount, 0)).toBe(v.amount);
        expect(v.installments.every((x: Json) => x.received <= x.amount)).toBe(true);
        expect(years.reduce((s, y) => s + recIn(v, y), 0) + v.corrections.reduce((s: number, c: Json) => s + (c.repayment?.fromIncome ?? 0), 0)).toBe(v.amount);
        const f = (await call("GET", `/v1/funders/${grants[i]!.funderId}`, undefined, "auditor")).body;
        expect([f.awarded, f.received, f.spent, f.repaid]).toEqual([v.amount, v.received, v.spent, v.repaid]);
        for (const y of years) expect(recIn(f, y)).toBe(recIn(v, y));
      }

      // The ledger: the run's years are open, nothing else books these accounts in them.
      const sum = new Map<string, number>();
      const aux = new Map<string, number>();
      for (const y of years) {
        const tb = (await call("GET", `/v1/ledger/trial-balance?year=${y}`, undefined, "auditor")).body.accounts as { account: string; balance: number }[];
        const income = tb.filter((a) => ["741", "7551", "7542"].includes(a.account)).reduce((s, a) => s + a.balance, 0);
        expect(-income + 0, `income ${y}`).toBe(views.reduce((s, v) => s + recIn(v, y), 0));
        for (const a of tb) sum.set(a.account, (sum.get(a.account) ?? 0) + a.balance);
        const res = await stack.call("GET", `/v1/ledger/export?year=${y}&format=fec`, { role: "auditor" });
        const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "";
        const { problems, lines } = checkFec(name, await res.text(), SIREN, y);
        expect(problems).toEqual([]);
        for (const l of lines)
          if (l.auxNum.startsWith("S")) aux.set(`${l.account}:${l.auxNum}`, (aux.get(`${l.account}:${l.auxNum}`) ?? 0) + l.debit - l.credit);
      }
      for (const v of views) {
        expect(aux.get(`${v.accounts.receivable}:${v.aux.number}`) ?? 0, "receivable").toBe(v.amount - v.received);
        for (const debt of ["4419", "467"]) expect(aux.get(`${debt}:${v.aux.number}`) ?? 0, "debt").toBe(0);
      }
      expect(sum.get("487") ?? 0, "487").toBe(0);
      expect(sum.get("512") ?? 0, "bank").toBe(views.reduce((s, v) => s + v.received - v.repaid, 0));
      const table = (await call("GET", `/v1/grants/dedicated-funds?year=${base + 3}`, undefined, "auditor")).body;
      expect(table.pending).toEqual([]);
      const carried = -["194", "195", "196"].reduce((s, a) => s + (sum.get(a) ?? 0), 0);
      expect(carried + 0, "fonds dédiés").toBe(views.filter((v) => v.restricted).reduce((s, v) => s + v.unspentRestricted, 0));
      for (const v of views.filter((x) => x.restricted)) expect(table.rows.find((r: Json) => r.grantId === v.id)?.atEnd ?? 0).toBe(v.unspentRestricted);
    }),
    // No shrinking: each run books new years, and a shrunk rerun would date past the ledger's horizon.
    { numRuns: 5, examples: [example as never, cancelledAfterPosting as never], endOnFailure: true },
  );
  for (const kind of ["pay", "spend", "amend", "cancel", "repay", "post"]) expect(accepted.get(kind) ?? 0, `${kind} accepted at least once`).toBeGreaterThan(0);
}, 600_000);
