/**
 * Grants and fonds dédiés through the real HTTP surface: a 100 000 € grant signed in December over
 * two years with two installments, an expense tagged to it, the year end that carries the unspent
 * part and the next year that releases it; the trial balance, the FEC and the funder's figures
 * agree to the cent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { acknowledgeAll } from "./support/closing.js";
import { balancesOf, checkFec } from "./support/fec-check.js";
import type { EntryView } from "@asso/core/ledger";

const SIREN = "912345678";
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: SIREN });
});
afterAll(() => stack.close());

/** An entry as the API answers it (the core's view type). */
type Entry = EntryView;
type Json = Record<string, any>;

async function call(method: string, path: string, body?: unknown, opts: { role?: string; headers?: Record<string, string> } = {}) {
  const res = await stack.call(method, path, { body, role: opts.role ?? "tresorier", headers: opts.headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: (text ? JSON.parse(text) : undefined) as Json };
}
const tb = async (year: number, closing = "include") => {
  const r = await call("GET", `/v1/ledger/trial-balance?year=${year}&closing=${closing}`, undefined, { role: "auditor" });
  expect(r.status).toBe(200);
  return new Map<string, number>((r.body.accounts as { account: string; balance: number }[]).map((a) => [a.account, a.balance]));
};
const entryCount = async () => {
  const r = await call("GET", "/v1/ledger/integrity", undefined, { role: "auditor" });
  return r.body.entries as number;
};
const lines = (e: Entry) => e.lines.map((l) => [l.account, l.debit, l.credit, l.aux?.number ?? null]);

const GRANT = 10_000_000;
let funderId: string;
let grantId: string;

describe("a grant signed in December 2024 over two years", () => {
  it("a funder's kind picks its accounts", async () => {
    const r = await call("POST", "/v1/funders", { name: "Fondation Éducation Populaire", kind: "foundation" });
    expect(r.status).toBe(201);
    expect(r.body.accounts).toEqual({ income: "7551", receivable: "4687", dedicated: "195", report: "6895", release: "7895" });
    expect(r.body.aux).toEqual({ number: "SFONDATIONEDUCATIO", label: "Fondation Éducation Populaire" });
    funderId = r.body.id;
    const pub = await call("POST", "/v1/funders", { name: "Région", kind: "public", incomeAccount: "742" });
    expect(pub.body.accounts).toMatchObject({ income: "742", receivable: "441", dedicated: "194", report: "6894", release: "7894" });
    const bad = await call("POST", "/v1/funders", { name: "Fondation X", kind: "foundation", incomeAccount: "741" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: "incomeAccount", message: "a foundation funder's income goes to 7551" }]);
  });

  it("signature: 2024's days are 2024 income against the receivable, the rest goes to 487 and comes back on 1 January of each later year", async () => {
    const r = await call("POST", "/v1/grants", {
      funderId,
      title: "Éducation populaire",
      project: "Programme d'éducation populaire à la finance solidaire",
      agreementDate: "2024-12-10",
      agreementRef: "CONV-EP-2024",
      amount: GRANT,
      restricted: true,
      startDate: "2024-12-01",
      endDate: "2026-11-30",
      installments: [
        { dueDate: "2024-12-20", amount: 6_000_000 },
        { dueDate: "2025-09-30", amount: 4_000_000 },
      ],
      reportingDeadlines: [
        { kind: "interim", dueDate: "2025-12-31" },
        { kind: "final", dueDate: "2027-02-28" },
      ],
      documents: [{ ref: "CONV-EP-2024.pdf", label: "Convention signée" }],
    });
    expect(r.status).toBe(201);
    grantId = r.body.id;
    const [sig, r2025, r2026] = r.body.entries as Entry[];
    expect(r.body.entries).toHaveLength(3);
    expect(sig!).toMatchObject({ journal: "OD", date: "2024-12-10", status: "validated" });
    // 730 days: 31 in 2024, 365 in 2025, 334 in 2026.
    expect(lines(sig!)).toEqual([
      ["4687", GRANT, 0, "SFONDATIONEDUCATIO"],
      ["7551", 0, 424_658, null],
      ["487", 0, 9_575_342, null],
    ]);
    // Bug: a grant's entries could be reversed by hand, leaving its totals and fonds dédiés wrong.
    const byHand = await call("POST", `/v1/ledger/entries/${sig!.id}/reversal`, {});
    expect(byHand.status).toBe(409);
    expect(byHand.body.detail).toMatch(/grants and expenses/);
    expect(r2025!.date).toBe("2025-01-01");
    expect(lines(r2025!)).toEqual([
      ["487", 5_000_000, 0, null],
      ["7551", 0, 5_000_000, null],
    ]);
    expect(r2026!.date).toBe("2026-01-01");
    expect(lines(r2026!)).toEqual([
      ["487", 4_575_342, 0, null],
      ["7551", 0, 4_575_342, null],
    ]);
    expect(r.body.recognition.map((x: Json) => [x.year, x.amount])).toEqual([
      [2024, 424_658],
      [2025, 5_000_000],
      [2026, 4_575_342],
    ]);
  });

  let bankLineId: string;
  it("the first installment, named by its bank statement line, settles the receivable (512 / 4687) and is lettered with the line", async () => {
    const token = await stack.identity.token("tresorier");
    const imported = await fetch(`${stack.url}/v1/bank/statements?preset=generic&account=FR7642559100000801234567812`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
      body: "Date;Libellé;Montant\n20/12/2024;VIR FONDATION EDUCATION POPULAIRE CONV-EP-2024;60 000,00\n21/12/2024;VIR AUTRE;12,00\n",
    });
    expect(imported.status).toBe(200);
    const bankLines = (await call("GET", "/v1/bank/lines?status=unmatched&from=2024-12-01&to=2024-12-31", undefined, { role: "auditor" })).body.items as Json[];
    bankLineId = bankLines.find((l) => l.amount === 6_000_000)!.id;
    const otherLine = bankLines.find((l) => l.amount === 1_200)!.id;
    const unknown = await call("POST", `/v1/grants/${grantId}/payments`, { date: "2024-12-20", amount: 6_000_000, bankLineId: "no-such-line" });
    expect(unknown.status).toBe(404);
    const wrongAmount = await call("POST", `/v1/grants/${grantId}/payments`, { date: "2024-12-20", amount: 6_000_000, bankLineId: otherLine });
    expect(wrongAmount.status).toBe(400);
    expect(wrongAmount.body.errors[0].path).toBe("amount");

    const r = await call("POST", `/v1/grants/${grantId}/payments`, { date: "2024-12-20", amount: 6_000_000, bankLineId });
    expect(r.status).toBe(201);
    expect(r.body.bankMatchId).toEqual(expect.any(String));
    const line = (await call("GET", `/v1/bank/lines/${bankLineId}`, undefined, { role: "auditor" })).body;
    expect(line.status).toBe("matched");
    expect(r.body.entry.journal).toBe("BQ");
    expect(lines(r.body.entry)).toEqual([
      ["512", 6_000_000, 0, null],
      ["4687", 0, 6_000_000, "SFONDATIONEDUCATIO"],
    ]);
    expect(r.body.installments).toEqual([{ index: 1, amount: 6_000_000 }]);
    expect(r.body.bankLineId).toBe(bankLineId);
    expect(r.body.grant.installments.map((i: Json) => i.received)).toEqual([6_000_000, 0]);
  });

  it("over-payment of an installment or of the grant, a payment before the signature, a bank line used twice → 409, nothing written", async () => {
    const before = await entryCount();
    const cases: [unknown, RegExp][] = [
      [{ date: "2025-01-15", amount: 4_000_001, installment: 2 }, /Over-payment of installment 2/],
      [{ date: "2025-01-15", amount: 100, installment: 1 }, /Over-payment of installment 1/],
      [{ date: "2025-01-15", amount: 4_000_001 }, /Over-payment of the grant/],
      // After the grant's end a payment is accepted and flagged (test/grants-corrections.test.ts); more than is due still is not.
      [{ date: "2027-01-05", amount: 4_000_001 }, /Over-payment of the grant/],
      [{ date: "2024-12-01", amount: 100 }, /signed on 2024-12-10/],
      [{ date: "2025-01-15", amount: 6_000_000, bankLineId: "BANKLINE" }, /already matched/],
    ];
    for (const [template, message] of cases) {
      const body = JSON.parse(JSON.stringify(template).replace("BANKLINE", bankLineId));
      const r = await call("POST", `/v1/grants/${grantId}/payments`, body);
      expect(r.status, JSON.stringify(body)).toBe(409);
      expect(r.type).toMatch(/^application\/problem\+json/);
      expect(r.body.detail).toMatch(message);
    }
    expect(await entryCount()).toBe(before);
    const g = await call("GET", `/v1/grants/${grantId}`, undefined, { role: "auditor" });
    expect(g.body).toMatchObject({ received: 6_000_000, outstanding: 4_000_000 });
  });

  it("an expense tagged to the grant: HA 6226 / 401 with the supplier as auxiliary account, and its payment 401 / 512", async () => {
    const r = await call("POST", "/v1/expenses", {
      date: "2024-12-15",
      supplier: "Camille Dupont (rédaction)",
      account: "6226",
      amount: 300_000,
      label: "Rédaction du livret pédagogique",
      pieceRef: "F-2024-017",
      grantId,
      paid: { date: "2024-12-28", method: "bank" },
    });
    expect(r.status).toBe(201);
    const [purchase, payment] = r.body.entries as Entry[];
    expect(purchase!).toMatchObject({ journal: "HA", date: "2024-12-15", status: "validated" });
    expect(lines(purchase!)).toEqual([
      ["6226", 300_000, 0, null],
      ["401", 0, 300_000, "FCAMILLEDUPONTREDA"],
    ]);
    expect(payment!).toMatchObject({ journal: "BQ", date: "2024-12-28" });
    expect(lines(payment!)).toEqual([
      ["401", 300_000, 0, "FCAMILLEDUPONTREDA"],
      ["512", 0, 300_000, null],
    ]);
    expect(r.body).toMatchObject({ supplierAux: "FCAMILLEDUPONTREDA", grantId, purchaseEntryId: purchase!.id, paymentEntryId: payment!.id });
    const list = await call("GET", "/v1/expenses?year=2024", undefined, { role: "delegation" });
    expect(list.body.items.map((e: Json) => e.pieceRef)).toEqual(["F-2024-017"]);
  });

  it("expenses: a non-charge or unknown account → 400; an unknown grant → 404; more than the grant awards → 409", async () => {
    const base = { date: "2024-12-16", supplier: "X", amount: 100, label: "x", pieceRef: "F-1" };
    const a = await call("POST", "/v1/expenses", { ...base, account: "7551" });
    expect(a.status).toBe(400);
    expect(a.body.errors).toEqual([{ path: "account", message: "must be a charge account (class 6)" }]);
    const b = await call("POST", "/v1/expenses", { ...base, account: "6999" });
    expect(b.status).toBe(400);
    expect(b.body.errors[0].path).toBe("account");
    const c = await call("POST", "/v1/expenses", { ...base, account: "604", grantId: "nope" });
    expect(c.status).toBe(404);
    const d = await call("POST", "/v1/expenses", { ...base, account: "604", grantId, amount: GRANT });
    expect(d.status).toBe(409);
    expect(d.body.detail).toMatch(/can still be tagged/);
  });

  it("2024's year end: the unspent part of 2024's income is carried (6895 / 195); posting again writes nothing", async () => {
    const df = await call("GET", "/v1/grants/dedicated-funds?year=2024", undefined, { role: "auditor" });
    expect(df.status).toBe(200);
    expect(df.body.rows).toHaveLength(1);
    expect(df.body.rows[0]).toMatchObject({ grantId, recognised: 424_658, spent: 300_000, atStart: 0, new: 124_658, used: 0, atEnd: 124_658, posted: false });
    expect(df.body.pending).toEqual([grantId]);

    // The closing refuses while a restricted grant's year-end figure is not posted.
    const early = await call("POST", "/v1/ledger/years/2024/close");
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/Fonds dédiés de l'exercice comptabilisés » \(dedicated-funds\)/);
    expect((await call("GET", "/v1/ledger/years", undefined, { role: "auditor" })).body.items.find((y: Json) => y.year === 2024).status).toBe("open");

    const forbidden = await call("POST", "/v1/ledger/years/2024/dedicated-funds", undefined, { role: "delegation" });
    expect(forbidden.status).toBe(403);
    const p = await call("POST", "/v1/ledger/years/2024/dedicated-funds");
    expect(p.status).toBe(201);
    expect(p.body.entries).toHaveLength(1);
    expect(p.body.entries[0]).toMatchObject({ journal: "OD", date: "2024-12-31" });
    expect(lines(p.body.entries[0])).toEqual([
      ["6895", 124_658, 0, null],
      ["195", 0, 124_658, null],
    ]);
    expect(p.body.pending).toEqual([]);
    const again = await call("POST", "/v1/ledger/years/2024/dedicated-funds");
    expect(again.status).toBe(201);
    expect(again.body.entries).toEqual([]);
  });

  it("2024 closes; a grant, an expense or a payment dated in the closed year → 409, nothing written", async () => {
    const close = await call("POST", "/v1/ledger/years/2024/close", await acknowledgeAll(stack, 2024));
    expect(close.status).toBe(201);
    // Bug: the à-nouveaux carried 4687 and 401 without their funder and supplier sub-accounts.
    const anLines = (close.body.openingEntries as Entry[]).flatMap((e) => e.lines);
    const receivable = anLines.filter((l) => l.account === "4687");
    expect(receivable.length).toBeGreaterThan(0);
    expect(receivable.every((l) => l.aux?.number.startsWith("S"))).toBe(true);
    const tb2024 = (await call("GET", "/v1/ledger/trial-balance?year=2024&closing=exclude", undefined, { role: "auditor" })).body.accounts as {
      account: string;
      balance: number;
    }[];
    for (const account of ["4687", "401"]) {
      const carried = anLines.filter((l) => l.account === account).reduce((s, l) => s + l.debit - l.credit, 0);
      expect(carried).toBe(tb2024.find((a) => a.account === account)?.balance ?? 0);
    }
    const before = await entryCount();
    const g = await call("POST", "/v1/grants", {
      funderId,
      title: "Trop tard",
      agreementDate: "2024-12-30",
      amount: 1000,
      restricted: false,
      startDate: "2024-12-30",
      endDate: "2025-12-31",
      installments: [{ dueDate: "2025-01-31", amount: 1000 }],
    });
    expect(g.status).toBe(409);
    expect(g.body.detail).toMatch(/2024 is closed/);
    const e = await call("POST", "/v1/expenses", { date: "2024-12-30", supplier: "Y", account: "604", amount: 100, label: "y", pieceRef: "F-2", grantId });
    expect(e.status).toBe(409);
    const pay = await call("POST", `/v1/grants/${grantId}/payments`, { date: "2024-12-31", amount: 100 });
    expect(pay.status).toBe(409);
    expect(await entryCount()).toBe(before);
    const grants = await call("GET", "/v1/grants?year=2024", undefined, { role: "auditor" });
    expect(grants.body.items.map((x: Json) => x.title)).toEqual(["Éducation populaire"]);
    const f = await call("GET", `/v1/funders/${funderId}`, undefined, { role: "auditor" });
    expect(f.body.spent).toBe(300_000);
  });

  it("2025: the statistician is paid from the grant, the second installment arrives, the carried funds are released (195 / 7895)", async () => {
    const e = await call("POST", "/v1/expenses", {
      date: "2025-03-10",
      supplier: "Statisticienne Martin",
      account: "604",
      amount: 5_200_000,
      label: "Enquête auprès de 1 130 épargnants",
      pieceRef: "F-2025-003",
      grantId,
      paid: { date: "2025-04-10", method: "bank" },
    });
    expect(e.status).toBe(201);
    const pay = await call("POST", `/v1/grants/${grantId}/payments`, { date: "2025-09-30", amount: 4_000_000 });
    expect(pay.status).toBe(201);
    expect(pay.body.installments).toEqual([{ index: 2, amount: 4_000_000 }]);

    const df = await call("GET", "/v1/grants/dedicated-funds?year=2025", undefined, { role: "auditor" });
    // 124 658 carried + 5 000 000 of 2025 − 5 200 000 spent: the carried funds are used, nothing left to carry.
    expect(df.body.rows[0]).toMatchObject({ atStart: 124_658, recognised: 5_000_000, spent: 5_200_000, used: 124_658, new: 0, atEnd: 0, posted: false });
    const p = await call("POST", "/v1/ledger/years/2025/dedicated-funds");
    expect(p.status).toBe(201);
    expect(lines(p.body.entries[0])).toEqual([
      ["195", 124_658, 0, null],
      ["7895", 0, 124_658, null],
    ]);
  });

  it("the trial balances, the FEC and the funder's five figures agree to the cent", async () => {
    const f = (await call("GET", `/v1/funders/${funderId}`, undefined, { role: "delegation" })).body;
    expect(f).toMatchObject({
      awarded: GRANT,
      recognised: GRANT,
      deferred: 0,
      received: GRANT,
      outstanding: 0,
      spent: 5_500_000,
      unspentRestricted: 4_500_000,
    });
    expect(f.grants).toHaveLength(1);
    const g = (await call("GET", `/v1/grants/${grantId}`, undefined, { role: "auditor" })).body;
    expect(g.payments.map((p: Json) => [p.date, p.amount, p.installments])).toEqual([
      ["2024-12-20", 6_000_000, [{ index: 1, amount: 6_000_000 }]],
      ["2025-09-30", 4_000_000, [{ index: 2, amount: 4_000_000 }]],
    ]);
    const spentOn = (await call("GET", `/v1/grants/${grantId}/expenses?limit=1`, undefined, { role: "delegation" })).body;
    expect(spentOn.items.map((e: Json) => e.pieceRef)).toEqual(["F-2024-017"]);
    const rest = (await call("GET", `/v1/grants/${grantId}/expenses?cursor=${encodeURIComponent(spentOn.nextCursor)}`, undefined, { role: "delegation" })).body;
    expect(rest.items.map((e: Json) => [e.pieceRef, e.amount])).toEqual([["F-2025-003", 5_200_000]]);
    expect(spentOn.items[0].amount + rest.items[0].amount).toBe(f.spent);
    expect(f.grants[0]).toMatchObject({ id: grantId, awarded: GRANT, received: GRANT, spent: 5_500_000, unspentRestricted: 4_500_000 });
    const y = new Map<number, Json>(f.byYear.map((b: Json) => [b.year, b]));

    const tb24 = await tb(2024, "exclude");
    const tb25 = await tb(2025);
    // Recognised by year = the funder's income account in each year (closing entries left out).
    expect(-(tb24.get("7551") ?? 0)).toBe(y.get(2024)!.recognised);
    expect(-(tb25.get("7551") ?? 0)).toBe(y.get(2025)!.recognised);
    expect(y.get(2024)!.recognised + y.get(2025)!.recognised + y.get(2026)!.recognised).toBe(f.recognised);
    // Received = what settled the receivable; the receivable is empty once all is received.
    expect(y.get(2024)!.received).toBe(6_000_000);
    expect(y.get(2025)!.received).toBe(4_000_000);
    expect(tb25.get("4687") ?? 0).toBe(GRANT - f.received);
    // Spent = the charges tagged to the grant.
    expect(tb24.get("6226")).toBe(y.get(2024)!.spent);
    expect(tb25.get("604")).toBe(y.get(2025)!.spent);
    // Fonds dédiés: carried at the end of 2024, used in 2025, nothing left; 487 holds 2026's share.
    expect(tb24.get("195")).toBe(-124_658);
    expect(tb24.get("6895")).toBe(124_658);
    expect(tb25.get("195") ?? 0).toBe(0);
    expect(tb25.get("7895")).toBe(-124_658);
    expect(tb25.get("487")).toBe(-4_575_342);
    // recognised − spent (to the end of 2025) = what the fonds dédiés mechanism left, which is nothing
    // here because 2025 spent ahead; with 2026's share it is the unspent restricted money.
    expect(f.recognised - f.spent).toBe(f.unspentRestricted);

    // The FEC of 2024: valid, the supplier's and the funder's auxiliary accounts, the same balances.
    const res = await stack.call("GET", "/v1/ledger/export?year=2024&format=fec", { role: "auditor" });
    const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "";
    const { problems, lines: fec } = checkFec(name, await res.text(), SIREN, 2024);
    expect(problems).toEqual([]);
    const supplierLines = fec.filter((l) => l.account === "401");
    expect(supplierLines.length).toBe(2);
    for (const l of supplierLines) expect([l.auxNum, l.auxLib]).toEqual(["FCAMILLEDUPONTREDA", "Camille Dupont (rédaction)"]);
    expect(fec.filter((l) => l.account === "4687").map((l) => l.auxNum)).toEqual(["SFONDATIONEDUCATIO", "SFONDATIONEDUCATIO"]);
    const fecBalances = balancesOf(fec);
    for (const account of ["4687", "487", "512", "195", "6895", "6226", "7551"]) expect(fecBalances.get(account) ?? 0, account).toBe(tb24.get(account) ?? 0);
  });

  it("a replayed Idempotency-Key returns the first grant and writes nothing twice; another body with it → 409", async () => {
    const body = {
      funderId,
      title: "Rejouée",
      agreementDate: "2025-05-02",
      amount: 50_000,
      restricted: false,
      startDate: "2025-05-01",
      endDate: "2025-12-31",
      installments: [{ dueDate: "2025-06-01", amount: 50_000 }],
    };
    const headers = { "idempotency-key": "grant-replay-1" };
    const first = await call("POST", "/v1/grants", body, { headers });
    expect(first.status).toBe(201);
    const count = await entryCount();
    const second = await call("POST", "/v1/grants", body, { headers });
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.entries.map((e: Entry) => e.id)).toEqual(first.body.entries.map((e: Entry) => e.id));
    expect(await entryCount()).toBe(count);
    const other = await call("POST", "/v1/grants", { ...body, amount: 60_000, installments: [{ dueDate: "2025-06-01", amount: 60_000 }] }, { headers });
    expect(other.status).toBe(409);
    const f = (await call("GET", `/v1/funders/${funderId}`, undefined, { role: "auditor" })).body;
    expect(f.awarded).toBe(GRANT + 50_000);
  });
});

describe("concurrent writers on one grant", () => {
  it("two payments that each fit but together over-pay: exactly one is booked; the same for expenses over the award", async () => {
    const f = await call("POST", "/v1/funders", { name: "Fonds de dotation Concurrence", kind: "endowment_fund" });
    const g = await call("POST", "/v1/grants", {
      funderId: f.body.id,
      title: "Course",
      agreementDate: "2025-02-01",
      amount: 100_000,
      restricted: true,
      startDate: "2025-02-01",
      endDate: "2025-12-31",
      installments: [{ dueDate: "2025-03-01", amount: 100_000 }],
    });
    expect(g.status).toBe(201);
    const pays = await Promise.all(Array.from({ length: 4 }, () => call("POST", `/v1/grants/${g.body.id}/payments`, { date: "2025-03-01", amount: 60_000 })));
    expect(pays.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const spends = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        call("POST", "/v1/expenses", {
          date: "2025-03-02",
          supplier: "Course",
          account: "604",
          amount: 40_000,
          label: "x",
          pieceRef: `F-C-${i}`,
          grantId: g.body.id,
        }),
      ),
    );
    expect(spends.map((r) => r.status).sort()).toEqual([201, 201, 409, 409]);
    const after = (await call("GET", `/v1/funders/${f.body.id}`, undefined, { role: "auditor" })).body;
    expect(after).toMatchObject({ awarded: 100_000, received: 60_000, spent: 80_000 });
    expect(after.grants[0]).toMatchObject({ received: 60_000, spent: 80_000 });
  });
});
