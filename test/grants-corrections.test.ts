/**
 * Corrections of grants through the real HTTP surface (issue 19): an amendment dated in a closed year
 * (written in the first open year, with its reason), a payment after the grant's end (accepted,
 * flagged), fonds dédiés left on an ended grant (shown, the transfer proposed), the repayment of
 * unspent restricted funds (19x → 4419 → 512), a cancellation (what was recognised and not received
 * reversed, with the later year's 487 share), and the bad inputs (409/400 naming the figures, nothing
 * written). After each step the trial balances, the FEC and the grant and funder totals agree.
 * Also: each funder's auxiliary account number is its own, whatever its name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putItem } from "@asso/core/db/store";
import type { EntryView } from "@asso/core/ledger";
import { startTestStack, type TestStack } from "./support/stack.js";
import { checkFec, type FecLine } from "./support/fec-check.js";
import { frenchProblem } from "../web/console/src/problems.js";

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
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: (text ? JSON.parse(text) : undefined) as Json };
}
const entryCount = async () => (await call("GET", "/v1/ledger/integrity", undefined, "auditor")).body.entries as number;
const lines = (e: EntryView) => e.lines.map((l) => [l.account, l.debit, l.credit, l.aux?.number ?? null]);

const YEARS = [2024, 2025, 2026, 2027];
let lastClosed = 0;

async function trialBalance(year: number) {
  const r = await call("GET", `/v1/ledger/trial-balance?year=${year}&closing=exclude`, undefined, "auditor");
  expect(r.status).toBe(200);
  return new Map<string, number>((r.body.accounts as { account: string; balance: number }[]).map((a) => [a.account, a.balance]));
}
async function fec(year: number): Promise<FecLine[]> {
  const res = await stack.call("GET", `/v1/ledger/export?year=${year}&format=fec`, { role: "auditor" });
  expect(res.status).toBe(200);
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "";
  const { problems, lines } = checkFec(name, await res.text(), SIREN, year);
  expect(problems, `FEC ${year}`).toEqual([]);
  return lines;
}

/**
 * The books against the grants and funders: income per year = what the grants recognise in it; the
 * receivable per funder (FEC auxiliary account) = awarded − received; 487 and the repayment debt
 * cleared over the years; the bank = received − repaid; the funders' totals = their grants'.
 */
async function checkBooks(funderIds: string[]) {
  const funders = await Promise.all(funderIds.map(async (id) => (await call("GET", `/v1/funders/${id}`, undefined, "auditor")).body));
  const grants = funders.flatMap((f) => f.grants as Json[]);
  for (const f of funders) {
    const gs = f.grants as Json[];
    const sum = (k: string) => gs.reduce((s, g) => s + g[k], 0);
    expect(f.awarded, `${f.name} awarded`).toBe(sum("amount"));
    expect(f.received, `${f.name} received`).toBe(sum("received"));
    expect(f.repaid, `${f.name} repaid`).toBe(sum("repaid"));
    for (const y of YEARS) {
      const of = (x: Json) => (x.byYear as Json[]).find((b) => b.year === y)?.recognised ?? 0;
      expect(of(f), `${f.name} recognised ${y}`).toBe(gs.reduce((s, g) => s + of(g), 0));
    }
  }
  // Balance-sheet accounts: the open years from the first after the last closed (its à-nouveaux included).
  const open = YEARS.filter((y) => y > lastClosed);
  const cumulative = new Map<string, number>();
  const auxCumulative = new Map<string, number>();
  for (const y of YEARS) {
    const tb = await trialBalance(y);
    const income = (tb.get("741") ?? 0) + (tb.get("742") ?? 0);
    const recognised = grants.reduce((s, g) => s + ((g.byYear as Json[]).find((b) => b.year === y)?.recognised ?? 0), 0);
    expect(income === 0 ? 0 : -income, `income ${y}`).toBe(recognised);
    const lines = await fec(y);
    const fecBal = new Map<string, number>();
    for (const l of lines) fecBal.set(l.account, (fecBal.get(l.account) ?? 0) + l.debit - l.credit);
    for (const [a, b] of tb) expect(fecBal.get(a) ?? 0, `FEC ${y} ${a}`).toBe(b);
    if (!open.includes(y)) continue;
    for (const [a, b] of tb) cumulative.set(a, (cumulative.get(a) ?? 0) + b);
    for (const l of lines)
      if (l.account === "441" || l.account === "4419")
        auxCumulative.set(`${l.account}:${l.auxNum}`, (auxCumulative.get(`${l.account}:${l.auxNum}`) ?? 0) + l.debit - l.credit);
  }
  for (const f of funders) {
    const aux = f.aux.number as string;
    expect(auxCumulative.get(`441:${aux}`) ?? 0, `receivable of ${f.name}`).toBe(f.awarded - f.received);
    expect(auxCumulative.get(`4419:${aux}`) ?? 0, `debt to ${f.name}`).toBe(0);
  }
  expect(cumulative.get("487") ?? 0, "487 over the years").toBe(0);
  const received = grants.reduce((s, g) => s + g.received, 0);
  const repaid = grants.reduce((s, g) => s + g.repaid, 0);
  expect(cumulative.get("512") ?? 0, "bank").toBe(received - repaid);
  return { funders, grants };
}

let region: Json;
let mobilites: Json;
let g1: string;
let g2: string;

describe("funders' auxiliary accounts", { timeout: 120_000 }, () => {
  it("two funders whose names begin alike get their own numbers; a funder created before keeps its own", async () => {
    // A funder stored before the numbers were claimed (no claim item), with the 17-letter number.
    await putItem(stack.db, {
      pk: "FUNDER#legacy-funder",
      sk: "FUNDER",
      kind: "funder",
      id: "legacy-funder",
      name: "Région Île-de-France (ancien)",
      funderKind: "public",
      accounts: { income: "742", receivable: "441", dedicated: "194", report: "6894", release: "7894" },
      aux: { number: "SREGIONILEDEFRANCE", label: "Région Île-de-France (ancien)" },
      createdAt: "2024-01-01T00:00:00.000Z",
      awarded: 0,
      received: 0,
      spent: 0,
      gsi1pk: "FUNDERS",
      gsi1sk: "région île-de-france (ancien)#legacy-funder",
    });
    const a = await call("POST", "/v1/funders", { name: "Région Île-de-France", kind: "public", incomeAccount: "742" });
    const b = await call("POST", "/v1/funders", { name: "Région Île-de-France Mobilités", kind: "public" });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    region = a.body;
    mobilites = b.body;
    expect(region.aux.number).toBe("SREGIONILEDEFRAN02");
    expect(mobilites.aux.number).toBe("SREGIONILEDEFRAN03");
    const legacy = await call("GET", "/v1/funders/legacy-funder", undefined, "auditor");
    expect(legacy.body.aux.number).toBe("SREGIONILEDEFRANCE");
    const other = await call("POST", "/v1/funders", { name: "Fondation Lumière", kind: "foundation" });
    expect(other.body.aux.number).toBe("SFONDATIONLUMIERE");
  });
});

describe("a restricted grant amended after its year closed, paid after its end, its unspent funds given back", { timeout: 120_000 }, () => {
  it("signed in 2024, paid, spent, fonds dédiés posted, 2024 closed; the books agree", async () => {
    const r = await call("POST", "/v1/grants", {
      funderId: region.id,
      title: "Ateliers numériques",
      agreementDate: "2024-11-15",
      agreementRef: "CONV-IDF-24",
      amount: 1_000_000,
      restricted: true,
      startDate: "2024-11-01",
      endDate: "2025-10-31",
      installments: [
        { dueDate: "2024-12-01", amount: 500_000 },
        { dueDate: "2025-06-30", amount: 500_000 },
      ],
    });
    expect(r.status).toBe(201);
    g1 = r.body.id;
    expect((await call("POST", `/v1/grants/${g1}/payments`, { date: "2024-12-05", amount: 500_000 })).status).toBe(201);
    const e = await call("POST", "/v1/expenses", {
      date: "2024-12-10",
      supplier: "Atelier Code",
      account: "604",
      amount: 50_000,
      label: "Animation d'un atelier",
      pieceRef: "F-24-1",
      grantId: g1,
    });
    expect(e.status).toBe(201);
    expect((await call("POST", "/v1/ledger/years/2024/dedicated-funds")).status).toBe(201);
    await checkBooks([region.id, mobilites.id]);

    const list = await call("GET", "/v1/ledger/years/2024/closing-checklist", undefined, "tresorier");
    const acknowledged =
      list.status === 200 ? (list.body.items as Json[]).filter((i) => i.status === "warning").map((i) => ({ id: i.id, comment: "Vu pour le test" })) : [];
    const close = await call("POST", "/v1/ledger/years/2024/close", { acknowledged });
    expect(close.status, JSON.stringify(close.body)).toBe(201);
    lastClosed = 2024;
    await checkBooks([region.id, mobilites.id]);
  });

  it("an amendment below what was received, an end before the start, installments that do not add up → 409/400 naming the figures, nothing written", async () => {
    const before = await entryCount();
    const below = await call("POST", `/v1/grants/${g1}/amendments`, { date: "2025-02-01", amount: 400_000, reason: "Erreur" });
    expect(below.status).toBe(409);
    expect(below.type).toMatch(/^application\/problem\+json/);
    expect(below.body.detail).toMatch(/5000,00 €.*4000,00 €/);
    // What the trésorier reads, in French.
    expect(frenchProblem(below.body as never).detail).toBe("5000,00 € ont déjà été reçus : la subvention ne peut pas être ramenée à 4000,00 €.");
    const badEnd = await call("POST", `/v1/grants/${g1}/amendments`, { date: "2025-02-01", endDate: "2024-01-01", reason: "Erreur" });
    expect(badEnd.status).toBe(400);
    expect(badEnd.body.errors).toEqual([{ path: "endDate", message: "must not be before the grant's start, 2024-11-01" }]);
    expect(frenchProblem(badEnd.body as never).fields).toEqual([
      { field: "Date de fin", message: "ne peut pas précéder le début de la subvention (01/11/2024)" },
    ]);
    const badSum = await call("POST", `/v1/grants/${g1}/amendments`, {
      date: "2025-02-01",
      amount: 1_100_000,
      installments: [{ dueDate: "2025-06-30", amount: 1_000_000 }],
      reason: "Erreur",
    });
    expect(badSum.status).toBe(400);
    expect(badSum.body.errors).toEqual([{ path: "installments", message: "the installments add up to 1000000, not the amount 1100000" }]);
    const nothing = await call("POST", `/v1/grants/${g1}/amendments`, { date: "2025-02-01", reason: "Rien" });
    expect(nothing.status).toBe(400);
    const noReason = await call("POST", `/v1/grants/${g1}/amendments`, { date: "2025-02-01", amount: 1_100_000 });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors.map((x: Json) => x.path)).toEqual(["reason"]);
    expect(await entryCount()).toBe(before);
  });

  it("an amendment dated in the closed 2024 is written on 1 January 2025 with its reason; the receivable, the income and the 487 shares follow", async () => {
    const before = (await call("GET", `/v1/grants/${g1}`, undefined, "auditor")).body;
    const r = await call("POST", `/v1/grants/${g1}/amendments`, {
      date: "2024-12-20",
      amount: 1_200_000,
      endDate: "2025-12-31",
      reason: "Avenant n°1 : un atelier de plus",
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.correction).toMatchObject({
      kind: "amendment",
      date: "2024-12-20",
      bookedOn: "2025-01-01",
      closedYear: 2024,
      reason: "Avenant n°1 : un atelier de plus",
    });
    expect(r.body.correction.by).toMatchObject({ role: "tresorier" });
    expect(r.body.correction.before.amount).toBe(1_000_000);
    expect(r.body.correction.after).toMatchObject({ amount: 1_200_000, endDate: "2025-12-31" });
    const [main] = r.body.entries as EntryView[];
    expect(main).toMatchObject({ journal: "OD", date: "2025-01-01", status: "validated" });
    expect(main!.label).toContain("Avenant n°1");
    expect(main!.label).toContain("exercice 2024 clos");
    // 2024 keeps what it recognised; 2025 gets the rest of the new amount.
    const recIn = (g: Json, year: number) => ((g.byYear as Json[]).find((b) => b.year === year)?.recognised ?? 0) as number;
    const rec2024 = recIn(before, 2024);
    const rec2025 = recIn(r.body, 2025);
    expect(rec2024).toBeGreaterThan(0);
    expect(recIn(r.body, 2024)).toBe(rec2024);
    expect(rec2024 + rec2025).toBe(1_200_000);
    expect(lines(main!)).toContainEqual(["441", 200_000, 0, region.aux.number]);
    expect(r.body).toMatchObject({ amount: 1_200_000, endDate: "2025-12-31", awarded: 1_200_000, outstanding: 700_000 });
    // The last installment took the increase.
    expect(r.body.installments).toEqual([
      { dueDate: "2024-12-01", amount: 500_000, received: 500_000 },
      { dueDate: "2025-06-30", amount: 700_000, received: 0 },
    ]);
    // The grant's history lists it.
    const g = await call("GET", `/v1/grants/${g1}`, undefined, "auditor");
    expect(g.body.corrections.map((c: Json) => [c.kind, c.reason])).toEqual([["amendment", "Avenant n°1 : un atelier de plus"]]);
    // By hand the entry is refused: it is corrected here.
    const hand = await call("POST", `/v1/ledger/entries/${main!.id}/reversal`, {});
    expect(hand.status).toBe(409);
    // A replay of the same key writes nothing more.
    await checkBooks([region.id, mobilites.id]);
  });

  it("a payment after the grant's end is accepted and flagged", async () => {
    const r = await call("POST", `/v1/grants/${g1}/payments`, { date: "2026-02-15", amount: 700_000 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.afterEnd).toBe(true);
    const g = await call("GET", `/v1/grants/${g1}`, undefined, "auditor");
    expect(g.body.payments.map((p: Json) => [p.date, p.afterEnd])).toEqual([
      ["2024-12-05", false],
      ["2026-02-15", true],
    ]);
    expect(g.body).toMatchObject({ received: 1_200_000, outstanding: 0, status: "ended" });
    await checkBooks([region.id, mobilites.id]);
  });

  it("fonds dédiés left at the end of 2025 on the ended grant are shown as such, with the transfer proposed", async () => {
    const e = await call("POST", "/v1/expenses", {
      date: "2025-05-10",
      supplier: "Atelier Code",
      account: "604",
      amount: 850_000,
      label: "Ateliers du printemps",
      pieceRef: "F-25-1",
      grantId: g1,
    });
    expect(e.status).toBe(201);
    const posted = await call("POST", "/v1/ledger/years/2025/dedicated-funds");
    expect(posted.status).toBe(201);
    const df = await call("GET", "/v1/grants/dedicated-funds?year=2025", undefined, "auditor");
    const row = (df.body.rows as Json[]).find((x) => x.grantId === g1)!;
    expect(row).toMatchObject({ atEnd: 300_000, grantEnded: true, posted: true });
    expect(row.proposedTransfer).toEqual({ amount: 300_000, from: "194", to: "4419", route: `/v1/grants/${g1}/repayments` });
    expect(df.body.endedWithFunds).toEqual([g1]);
    const tb = await trialBalance(2025);
    // 194 through 2025: what 2024 carried (à-nouveaux) and 2025's movements = the fonds dédiés at the end of 2025.
    expect(-(tb.get("194") ?? 0)).toBe(300_000);
    await checkBooks([region.id, mobilites.id]);
  });

  it("a repayment above what is unspent, or of an unrestricted grant → 409 naming the figures, nothing written", async () => {
    const before = await entryCount();
    const over = await call("POST", `/v1/grants/${g1}/repayments`, { date: "2026-03-01", amount: 300_001, reason: "Trop" });
    expect(over.status).toBe(409);
    expect(over.body.detail).toMatch(/unspent/);
    expect(over.body.detail).toMatch(/3000[.,]00/);
    expect(frenchProblem(over.body as never).detail).toMatch(/^Il ne reste que 3000,00 € non dépensés sur cette subvention/);
    expect(await entryCount()).toBe(before);
  });

  it("the unspent restricted funds given back: 194 → 4419 (the funder's debt) → 512", async () => {
    const r = await call("POST", `/v1/grants/${g1}/repayments`, { date: "2026-03-01", amount: 300_000, reason: "Reliquat demandé par la Région" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const [debt, bank] = r.body.entries as EntryView[];
    expect(lines(debt!)).toEqual([
      ["194", 300_000, 0, null],
      ["4419", 0, 300_000, region.aux.number],
    ]);
    expect(bank).toMatchObject({ journal: "BQ", date: "2026-03-01" });
    expect(lines(bank!)).toEqual([
      ["4419", 300_000, 0, region.aux.number],
      ["512", 0, 300_000, null],
    ]);
    expect(r.body).toMatchObject({ repaid: 300_000, unspentRestricted: 0 });
    expect(r.body.correction.repayment).toEqual({ amount: 300_000, fromFunds: 300_000, fromIncome: 0, debtAccount: "4419" });
    // 2026's fonds dédiés: nothing left, nothing to post for the grant.
    const df = await call("GET", "/v1/grants/dedicated-funds?year=2026", undefined, "auditor");
    const row = (df.body.rows as Json[]).find((x) => x.grantId === g1)!;
    expect(row).toMatchObject({ atStart: 300_000, repaid: 300_000, new: 0, used: 0, atEnd: 0, proposedTransfer: null });
    const again = await call("POST", `/v1/grants/${g1}/repayments`, { date: "2026-03-02", amount: 1, reason: "Encore" });
    expect(again.status).toBe(409);
    await checkBooks([region.id, mobilites.id]);
  });
});

describe("an unrestricted grant over three years, cancelled after its first payment", { timeout: 120_000 }, () => {
  it("signed in 2025, half received; a repayment is refused (unrestricted)", async () => {
    const r = await call("POST", "/v1/grants", {
      funderId: mobilites.id,
      title: "Mobilité solidaire",
      agreementDate: "2025-09-01",
      amount: 2_400_000,
      restricted: false,
      startDate: "2025-09-01",
      endDate: "2027-08-31",
      installments: [
        { dueDate: "2025-10-01", amount: 1_200_000 },
        { dueDate: "2026-10-01", amount: 1_200_000 },
      ],
    });
    expect(r.status).toBe(201);
    g2 = r.body.id;
    expect((await call("POST", `/v1/grants/${g2}/payments`, { date: "2025-10-05", amount: 1_200_000 })).status).toBe(201);
    const before = await entryCount();
    const repay = await call("POST", `/v1/grants/${g2}/repayments`, { date: "2026-03-01", amount: 100, reason: "Non" });
    expect(repay.status).toBe(409);
    expect(await entryCount()).toBe(before);
    await checkBooks([region.id, mobilites.id]);
  });

  it("an end date moved: 2026 and 2027 shares adjusted by difference entries, nothing else moves", async () => {
    const r = await call("POST", `/v1/grants/${g2}/amendments`, { date: "2026-04-01", endDate: "2026-12-31", reason: "Projet raccourci" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const by = new Map((r.body.byYear as Json[]).map((b) => [b.year, b.recognised]));
    expect((by.get(2025) ?? 0) + (by.get(2026) ?? 0)).toBe(2_400_000);
    expect(by.get(2027) ?? 0).toBe(0);
    const entries = r.body.entries as EntryView[];
    expect(entries.map((e) => e.date)).toEqual(["2026-04-01", "2027-01-01"]);
    // The 2027 share comes back out of the income to 487 on the day its reprise is dated.
    expect(lines(entries[1]!)).toEqual([
      ["741", expect.any(Number), 0, null],
      ["487", 0, expect.any(Number), null],
    ]);
    await checkBooks([region.id, mobilites.id]);
  });

  it("cancelled: what was recognised and not received is reversed; a later payment is refused", async () => {
    const r = await call("POST", `/v1/grants/${g2}/cancellation`, { date: "2026-11-01", reason: "Projet abandonné" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      status: "cancelled",
      amount: 1_200_000,
      outstanding: 0,
      received: 1_200_000,
      cancelled: { date: "2026-11-01", reason: "Projet abandonné" },
    });
    expect(r.body.recognised).toBe(1_200_000);
    const [main] = r.body.entries as EntryView[];
    expect(lines(main!)).toContainEqual(["441", 0, 1_200_000, mobilites.aux.number]);
    const pay = await call("POST", `/v1/grants/${g2}/payments`, { date: "2026-11-05", amount: 100 });
    expect(pay.status).toBe(409);
    expect(pay.body.detail).toMatch(/cancelled/);
    expect(frenchProblem(pay.body as never).detail).toMatch(/a été annulée le 01\/11\/2026/);
    const again = await call("POST", `/v1/grants/${g2}/cancellation`, { date: "2026-11-06", reason: "Encore" });
    expect(again.status).toBe(409);
    const g = await call("GET", `/v1/grants/${g2}`, undefined, "auditor");
    expect(g.body.corrections.map((c: Json) => c.kind)).toEqual(["amendment", "cancellation"]);
    await checkBooks([region.id, mobilites.id]);
  });

  it("the same Idempotency-Key gives the same correction and writes nothing twice; another body with it → 409", async () => {
    const key = "amend-once";
    const body = { date: "2026-11-20", amount: 1_300_000, reason: "Avenant n°2" };
    const first = await stack.call("POST", `/v1/grants/${g1}/amendments`, { body, role: "tresorier", headers: { "Idempotency-Key": key } });
    expect(first.status).toBe(201);
    const a = (await first.json()) as Json;
    const count = await entryCount();
    const second = await stack.call("POST", `/v1/grants/${g1}/amendments`, { body, role: "tresorier", headers: { "Idempotency-Key": key } });
    expect(second.status).toBe(201);
    expect(((await second.json()) as Json).correction.id).toBe(a.correction.id);
    expect(await entryCount()).toBe(count);
    const other = await stack.call("POST", `/v1/grants/${g1}/amendments`, {
      body: { ...body, amount: 1_400_000 },
      role: "tresorier",
      headers: { "Idempotency-Key": key },
    });
    expect([409, 422]).toContain(other.status);
    expect(await entryCount()).toBe(count);
    await checkBooks([region.id, mobilites.id]);
  });
});

describe("an amendment that moves nothing in the books", { timeout: 120_000 }, () => {
  it("an end date moved within the grant's only year answers 201 with no entry (bug: the funder's empty update made DynamoDB refuse the transaction, a 500)", async () => {
    const r = await call("POST", "/v1/grants", {
      funderId: mobilites.id,
      title: "Atelier de printemps",
      agreementDate: "2025-03-01",
      amount: 300_000,
      restricted: false,
      startDate: "2025-03-01",
      endDate: "2025-03-04",
      installments: [{ dueDate: "2025-03-10", amount: 300_000 }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const before = await entryCount();
    const moved = await call("POST", `/v1/grants/${r.body.id}/amendments`, { date: "2025-03-02", endDate: "2025-04-05", reason: "Atelier prolongé" });
    expect(moved.status, JSON.stringify(moved.body)).toBe(201);
    expect(moved.body.endDate).toBe("2025-04-05");
    expect(moved.body.entries).toEqual([]);
    expect(await entryCount()).toBe(before);
    await checkBooks([region.id, mobilites.id]);
  });
});

describe("a restricted grant cancelled after its fonds dédiés were posted", { timeout: 120_000 }, () => {
  it("posting the year again reverses what it carried (bug: the cancelled grant's all-zero row left the table, so 19x kept its funds and nothing was pending)", async () => {
    // What else the year carries is posted first, so that 195 moves only with this grant.
    expect((await call("POST", "/v1/ledger/years/2026/dedicated-funds")).status).toBe(201);
    const before = (await trialBalance(2026)).get("195") ?? 0;
    const f = await call("POST", "/v1/funders", { name: "Fondation des Communs", kind: "foundation" });
    expect(f.status).toBe(201);
    const r = await call("POST", "/v1/grants", {
      funderId: f.body.id,
      title: "Université d'été",
      agreementDate: "2026-02-01",
      amount: 400_000,
      restricted: true,
      startDate: "2026-02-01",
      endDate: "2026-10-31",
      installments: [{ dueDate: "2026-09-01", amount: 400_000 }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.id as string;
    expect((await call("POST", "/v1/ledger/years/2026/dedicated-funds")).status).toBe(201);
    expect((await trialBalance(2026)).get("195") ?? 0).toBe(before - 400_000);

    const c = await call("POST", `/v1/grants/${id}/cancellation`, { date: "2026-03-01", reason: "Événement annulé" });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    expect(c.body).toMatchObject({ amount: 0, unspentRestricted: 0 });
    const df = await call("GET", "/v1/grants/dedicated-funds?year=2026", undefined, "auditor");
    expect(df.body.pending).toEqual([id]);
    expect((df.body.rows as Json[]).find((x) => x.grantId === id)).toMatchObject({ atEnd: 0, new: 0, posted: false });

    const again = await call("POST", "/v1/ledger/years/2026/dedicated-funds");
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect((again.body.entries as EntryView[]).map(lines)).toEqual([
      [
        ["195", 400_000, 0, null],
        ["6895", 0, 400_000, null],
      ],
    ]);
    expect(again.body.pending).toEqual([]);
    expect((again.body.rows as Json[]).some((x) => x.grantId === id)).toBe(false);
    expect((await trialBalance(2026)).get("195") ?? 0).toBe(before);
    await checkBooks([region.id, mobilites.id]);
  });
});
