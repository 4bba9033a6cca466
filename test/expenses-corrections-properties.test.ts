/**
 * Property-based, through HTTP (issue 19), beside test/grants-corrections-properties: any sequence
 * of expense bookings (tagged to a grant or not, paid or not) and expense corrections — payments
 * later, cancellations, credit notes, allocations across grants, reclassements — valid or refused,
 * keeps the grant, funder and ledger totals equal: each grant's and funder's `spent` = the sum of its
 * expenses' current shares; each charge account in the trial balance = what its expenses cost net of
 * cancellations and credit notes; 401 per supplier (its auxiliary account in the FEC) = what is still
 * due to it; the ledger balances; and a refused correction writes nothing (entries, trial balance,
 * expense, grants unchanged). A small model of the accepted operations says what each expense costs.
 * Each run books its own fiscal years (2004 + 2 × run…), so runs share one table without mixing.
 */
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { checkFec } from "./support/fec-check.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const SIREN = "912345678";
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: SIREN });
});
afterAll(() => stack?.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
const entryCount = async () => (await call("GET", "/v1/ledger/integrity", undefined, "auditor")).body.entries as number;
const day = (year: number, d: number) => new Date(Date.UTC(year, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
const shift = (date: string, d: number) => new Date(Date.parse(date) + d * 86_400_000).toISOString().slice(0, 10);
const trialBalance = async (year: number) =>
  (await call("GET", `/v1/ledger/trial-balance?year=${year}`, undefined, "auditor")).body.accounts as { account: string; balance: number }[];

const CHARGES = ["6226", "623", "6064"] as const;
const grantArb = fc.record({ amount: fc.integer({ min: 50_000, max: 1_500_000 }), funder: fc.integer({ min: 0, max: 1 }) });
const offset = fc.integer({ min: -20, max: 300 });
const opArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("book" as const),
      supplier: fc.integer({ min: 0, max: 1 }),
      account: fc.constantFrom(...CHARGES),
      amount: fc.integer({ min: 100, max: 800_000 }),
      grant: fc.option(fc.nat(), { nil: undefined }),
      paid: fc.constantFrom(undefined, "bank" as const, "cash" as const),
      dayOfYear: fc.integer({ min: 0, max: 330 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("pay" as const), expense: fc.nat(), method: fc.constantFrom("bank" as const, "cash" as const), offset }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("cancel" as const), expense: fc.nat(), offset }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("credit" as const), expense: fc.nat(), share: fc.double({ min: 0.01, max: 1.3, noNaN: true }), offset }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("allocate" as const),
      expense: fc.nat(),
      grants: fc.array(fc.record({ grant: fc.nat(), share: fc.double({ min: 0, max: 0.8, noNaN: true }) }), { maxLength: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("reclassify" as const), expense: fc.nat(), account: fc.constantFrom(...CHARGES), offset }) },
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;
type GrantSpec = typeof grantArb extends fc.Arbitrary<infer T> ? T : never;

/** What the accepted operations say an expense is: its cost, what was credited, paid, its account. */
interface Model {
  id: string;
  date: string;
  supplier: number;
  aux: string;
  account: string;
  amount: number;
  credited: number;
  paid: number;
  cancelled: boolean;
}
const netOf = (m: Model) => (m.cancelled ? 0 : m.amount - m.credited);
const dueOf = (m: Model) => (m.cancelled ? 0 : netOf(m) - m.paid);

let run = 0;
/** Operations accepted and refused across the runs, by kind: each kind must be seen both ways. */
const accepted = new Map<string, number>();
const refused = new Map<string, number>();
const example: [GrantSpec[], Op[]] = [
  [
    { amount: 1_000_000, funder: 0 },
    { amount: 300_000, funder: 1 },
  ],
  [
    { op: "book", supplier: 0, account: "623", amount: 200_000, grant: 0, paid: undefined, dayOfYear: 10 },
    { op: "book", supplier: 1, account: "6226", amount: 90_000, grant: 1, paid: "bank", dayOfYear: 20 },
    { op: "credit", expense: 0, share: 1.2, offset: 5 },
    { op: "credit", expense: 0, share: 0.25, offset: 5 },
    {
      op: "allocate",
      expense: 0,
      grants: [
        { grant: 0, share: 0.6 },
        { grant: 1, share: 0.6 },
      ],
    },
    {
      op: "allocate",
      expense: 0,
      grants: [
        { grant: 0, share: 0.5 },
        { grant: 1, share: 0.3 },
      ],
    },
    { op: "reclassify", expense: 0, account: "623", offset: 10 },
    { op: "reclassify", expense: 0, account: "6064", offset: 10 },
    { op: "cancel", expense: 1, offset: 3 },
    { op: "credit", expense: 1, share: 0.5, offset: 3 },
    { op: "cancel", expense: 0, offset: -15 },
    { op: "cancel", expense: 0, offset: 30 },
    { op: "pay", expense: 0, method: "bank", offset: 40 },
    { op: "book", supplier: 0, account: "6064", amount: 40_000, grant: undefined, paid: undefined, dayOfYear: 50 },
    { op: "pay", expense: 2, method: "cash", offset: 300 },
    {
      op: "allocate",
      expense: 2,
      grants: [
        { grant: 0, share: 0.5 },
        { grant: 0, share: 0.2 },
      ],
    },
  ],
];

it("grant, funder and ledger totals stay equal for any sequence of expense bookings and corrections; a refusal writes nothing", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(grantArb, { minLength: 1, maxLength: 2 }), fc.array(opArb, { minLength: 1, maxLength: 10 }), async (specs, ops) => {
      const base = 2004 + 2 * run++;
      const years = [base, base + 1];
      const last = day(base + 1, 364);
      const funderIds: string[] = [];
      for (const i of [0, 1]) {
        const f = await call("POST", "/v1/funders", { name: `Financeur des dépenses ${base}-${i}`, kind: i ? "foundation" : "public" });
        expect(f.status, JSON.stringify(f.body)).toBe(201);
        funderIds.push(f.body.id);
      }
      const grants: { id: string; funderId: string }[] = [];
      for (const [i, g] of specs.entries()) {
        const r = await call("POST", "/v1/grants", {
          funderId: funderIds[g.funder],
          title: `Subvention ${i}`,
          agreementDate: day(base, 0),
          amount: g.amount,
          restricted: false,
          startDate: day(base, 0),
          endDate: last,
          installments: [{ dueDate: day(base, 180), amount: g.amount }],
        });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        grants.push({ id: r.body.id, funderId: funderIds[g.funder]! });
      }
      const suppliers = [`Fournisseur ${base} Alpha`, `Fournisseur ${base} Beta`];
      const models: Model[] = [];
      const snapshot = async (m?: Model) => {
        const [entries, balances, expense, spent] = await Promise.all([
          entryCount(),
          Promise.all(years.map(trialBalance)),
          m ? call("GET", `/v1/expenses/${m.id}`, undefined, "auditor").then((r) => r.body) : undefined,
          Promise.all(grants.map(async (g) => (await call("GET", `/v1/grants/${g.id}`, undefined, "auditor")).body.spent as number)),
        ]);
        return { entries, balances, expense, spent };
      };

      for (const op of ops) {
        const m = op.op === "book" ? undefined : models[op.expense % Math.max(1, models.length)];
        if (op.op !== "book" && !m) continue; // nothing booked yet to correct
        const before = await snapshot(m);
        const dateOf = (o: number) => {
          const d = shift(m!.date, o);
          return d > last ? last : d;
        };
        let r: { status: number; body: Json };
        if (op.op === "book") {
          const date = day(base, op.dayOfYear);
          r = await call("POST", "/v1/expenses", {
            date,
            supplier: suppliers[op.supplier],
            account: op.account,
            amount: op.amount,
            label: "Prestation",
            pieceRef: `F-${models.length + 1}`,
            ...(op.grant === undefined ? {} : { grantId: grants[op.grant % grants.length]!.id }),
            ...(op.paid ? { paid: { date, method: op.paid } } : {}),
          });
          if (r.status === 201)
            models.push({
              id: r.body.id,
              date,
              supplier: op.supplier,
              aux: r.body.supplierAux,
              account: op.account,
              amount: op.amount,
              credited: 0,
              paid: op.paid ? op.amount : 0,
              cancelled: false,
            });
        } else if (op.op === "pay") {
          r = await call("POST", `/v1/expenses/${m!.id}/payments`, { date: dateOf(op.offset), method: op.method });
          if (r.status === 201) m!.paid = dueOf(m!);
        } else if (op.op === "cancel") {
          r = await call("POST", `/v1/expenses/${m!.id}/cancellation`, { date: dateOf(op.offset), reason: "Saisie en double" });
          if (r.status === 201) m!.cancelled = true;
        } else if (op.op === "credit") {
          const amount = Math.max(1, Math.round(netOf(m!) * op.share));
          r = await call("POST", `/v1/expenses/${m!.id}/credit-notes`, { date: dateOf(op.offset), amount, pieceRef: "AV", reason: "Remise" });
          if (r.status === 201) m!.credited += amount;
        } else if (op.op === "allocate") {
          r = await call("POST", `/v1/expenses/${m!.id}/allocation`, {
            grants: op.grants.map((g) => ({ grantId: grants[g.grant % grants.length]!.id, amount: Math.round(netOf(m!) * g.share) })),
            reason: "Cofinancement",
          });
        } else {
          r = await call("POST", `/v1/expenses/${m!.id}/reclassification`, { date: dateOf(op.offset), account: op.account, reason: "Mauvais compte" });
          if (r.status === 201) m!.account = op.account;
        }
        expect([200, 201, 400, 409], JSON.stringify({ op, body: r.body })).toContain(r.status);
        if (r.status >= 400) {
          refused.set(op.op, (refused.get(op.op) ?? 0) + 1);
          expect(await snapshot(m), `a refused ${op.op} wrote nothing: ${JSON.stringify(op)}`).toEqual(before);
        } else accepted.set(op.op, (accepted.get(op.op) ?? 0) + 1);
      }

      // Each expense is what the accepted operations made it; its shares never exceed what it costs.
      const views = await Promise.all(models.map(async (m) => (await call("GET", `/v1/expenses/${m.id}`, undefined, "auditor")).body));
      for (const [i, v] of views.entries()) {
        const m = models[i]!;
        expect([v.net, v.due, v.account, v.status], JSON.stringify(v)).toEqual([
          netOf(m),
          dueOf(m),
          m.account,
          m.cancelled ? "cancelled" : m.paid ? "paid" : "unpaid",
        ]);
        expect(v.grants.reduce((s: number, g: Json) => s + g.amount, 0)).toBeLessThanOrEqual(v.net);
        expect(v.grants.every((g: Json) => g.amount > 0)).toBe(true);
      }
      // Grant and funder totals: spent = the sum of the expenses' current shares.
      const shareOn = (id: string) =>
        views.reduce((s, v) => s + v.grants.filter((g: Json) => g.grantId === id).reduce((t: number, g: Json) => t + g.amount, 0), 0);
      for (const g of grants) {
        const v = (await call("GET", `/v1/grants/${g.id}`, undefined, "auditor")).body;
        expect(v.spent, `grant ${g.id}`).toBe(shareOn(g.id));
        expect(v.spent).toBeLessThanOrEqual(v.amount);
        const listed = (await call("GET", `/v1/grants/${g.id}/expenses`, undefined, "auditor")).body.items as Json[];
        expect(listed.map((e) => e.id).sort(), `grant ${g.id}'s expenses`).toEqual(
          views
            .filter((x) => x.grants.some((s: Json) => s.grantId === g.id))
            .map((x) => x.id)
            .sort(),
        );
      }
      for (const id of funderIds) {
        const f = (await call("GET", `/v1/funders/${id}`, undefined, "auditor")).body;
        expect(f.spent, `funder ${id}`).toBe(grants.filter((g) => g.funderId === id).reduce((s, g) => s + shareOn(g.id), 0));
      }

      // The ledger: balanced, each charge account = its expenses net, 401 per supplier = what is due.
      const sum = new Map<string, number>();
      const aux = new Map<string, number>();
      for (const y of years) {
        const tb = await trialBalance(y);
        expect(
          tb.reduce((s, a) => s + a.balance, 0),
          `trial balance ${y}`,
        ).toBe(0);
        for (const a of tb) sum.set(a.account, (sum.get(a.account) ?? 0) + a.balance);
        const res = await stack.call("GET", `/v1/ledger/export?year=${y}&format=fec`, { role: "auditor" });
        const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "";
        const { problems, lines } = checkFec(name, await res.text(), SIREN, y);
        expect(problems).toEqual([]);
        for (const l of lines) if (l.account === "401") aux.set(l.auxNum, (aux.get(l.auxNum) ?? 0) + l.credit - l.debit);
      }
      for (const a of CHARGES) expect(sum.get(a) ?? 0, a).toBe(models.filter((m) => m.account === a).reduce((s, m) => s + netOf(m), 0));
      expect(-(sum.get("401") ?? 0) + 0, "401").toBe(models.reduce((s, m) => s + dueOf(m), 0));
      for (const [i] of suppliers.entries()) {
        const mine = models.filter((m) => m.supplier === i);
        if (mine.length) expect(aux.get(mine[0]!.aux) ?? 0, suppliers[i]).toBe(mine.reduce((s, m) => s + dueOf(m), 0));
      }
      expect((await call("GET", "/v1/ledger/integrity", undefined, "auditor")).body.ok).toBe(true);
    }),
    // No shrinking: each run books new years, and a shrunk rerun would date past the ledger's horizon.
    { numRuns: 3, examples: [example as never], endOnFailure: true },
  );
  for (const kind of ["book", "pay", "cancel", "credit", "allocate", "reclassify"])
    expect(accepted.get(kind) ?? 0, `${kind} accepted at least once`).toBeGreaterThan(0);
  for (const kind of ["pay", "cancel", "credit", "allocate", "reclassify"]) expect(refused.get(kind) ?? 0, `${kind} refused at least once`).toBeGreaterThan(0);
}, 600_000);
