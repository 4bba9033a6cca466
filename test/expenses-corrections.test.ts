/**
 * Expense corrections through the real HTTP surface (issue 19, item 2), each checked against the
 * trial balance, the FEC and the grant and funder totals: a credit note (and one above what is left,
 * refused with its figures), an allocation across two grants (and one that does not add up), a later
 * payment lettered with its bank line, a bank line matched to the supplier that settles the open
 * expense instead of booking a second purchase, a cancellation, a reclassement to the right account,
 * a correction of a closed year's expense written in the first open year; every correction in the
 * expense's history with who and why. Suppliers alike in their first 17 letters get their own
 * auxiliary account numbers (item 3).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { balancesOf, checkFec } from "./support/fec-check.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const SIREN = "912345678";
const IBAN = "FR76 4255 9100 0008 0123 4567 812";
let stack: TestStack;

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, opts: { role?: string; headers?: Record<string, string> } = {}) {
  const res = await stack.call(method, path, { body, role: opts.role ?? "tresorier", headers: opts.headers });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
const ok = async (method: string, path: string, body?: unknown, status = 201) => {
  const r = await call(method, path, body);
  if (r.status !== status) throw new Error(`${method} ${path} → ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
};
const tb = async (year: number) => {
  const r = await call("GET", `/v1/ledger/trial-balance?year=${year}&closing=exclude`, undefined, { role: "auditor" });
  expect(r.status).toBe(200);
  return new Map<string, number>((r.body.accounts as { account: string; balance: number }[]).map((a) => [a.account, a.balance]));
};
const entryCount = async () => (await call("GET", "/v1/ledger/integrity", undefined, { role: "auditor" })).body.entries as number;
const grant = async (id: string) => (await call("GET", `/v1/grants/${id}`, undefined, { role: "auditor" })).body;
const funder = async (id: string) => (await call("GET", `/v1/funders/${id}`, undefined, { role: "auditor" })).body;
const expense = async (id: string) => (await call("GET", `/v1/expenses/${id}`, undefined, { role: "auditor" })).body;
const lines = (e: Json) => e.lines.map((l: Json) => [l.account, l.debit, l.credit, l.aux?.number ?? null]);

async function fec(year: number) {
  const res = await stack.call("GET", `/v1/ledger/export?year=${year}&format=fec`, { role: "auditor" });
  expect(res.status).toBe(200);
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "";
  return checkFec(name, await res.text(), SIREN, year);
}

/** The trial balance, the FEC and the grant/funder totals agree: spent on each grant = what its expenses' shares say. */
async function booksAgree(year: number, accounts: string[]) {
  const balances = await tb(year);
  const { problems, lines: fecLines } = await fec(year);
  expect(problems).toEqual([]);
  const fromFec = balancesOf(fecLines);
  for (const a of accounts) expect(fromFec.get(a) ?? 0, a).toBe(balances.get(a) ?? 0);
  return balances;
}

const entry = (n: number, date: string, amount: string, dir: "CRDT" | "DBIT", label: string) => `
      <Ntry><NtryRef>${n}</NtryRef><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>${dir}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>${date}</Dt></BookgDt><ValDt><Dt>${date}</Dt></ValDt><AcctSvcrRef>COR${n}</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>${label}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;
// Written for this test: April 2025, two supplier payments and the bank's fees; opening 5 000,00 €, closing 3 387,50 €.
const april = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>COR-2025-04</MsgId><CreDtTm>2025-05-01T06:00:00+02:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-COR-2025-04</Id>
      <CreDtTm>2025-05-01T06:00:00+02:00</CreDtTm>
      <FrToDt><FrDtTm>2025-04-01T00:00:00+02:00</FrDtTm><ToDtTm>2025-04-30T23:59:59+02:00</ToDtTm></FrToDt>
      <Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">5000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-04-01</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">3387.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-04-30</Dt></Dt></Bal>
      ${entry(1, "2025-04-08", "1000.00", "DBIT", "VIR IMPRIMERIE LUMIERE DU NORD FACT N-1")}
      ${entry(2, "2025-04-15", "600.00", "DBIT", "PRLV TRAITEUR BON APPETIT")}
      ${entry(3, "2025-04-30", "12.50", "DBIT", "FRAIS TENUE DE COMPTE")}
    </Stmt>
  </BkToCstmrStmt>
</Document>`;

let regionId: string;
let fondationId: string;
let grantA: string;
let grantB: string;
type Named = "nord" | "sud" | "nord2" | "traiteur" | "double" | "old" | "lineNord" | "lineTraiteur" | "lineFees" | "cafe";
const ids = {} as Record<Named, string>;

async function newExpense(name: Named, body: Json) {
  const e = await ok("POST", "/v1/expenses", { account: "623", label: "Achat", ...body });
  ids[name] = e.id;
  return e;
}

beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: SIREN });
  await ok("POST", "/v1/ledger/entries", {
    journal: "OD",
    date: "2025-01-02",
    label: "Apport en fonds propres",
    pieceRef: "APPORT",
    lines: [
      { account: "512", debit: 500_000 },
      { account: "102", credit: 500_000 },
    ],
  });
  regionId = (await ok("POST", "/v1/funders", { name: "Région Île-de-France", kind: "public" })).id;
  fondationId = (await ok("POST", "/v1/funders", { name: "Fondation Lumière", kind: "foundation" })).id;
  const common = { restricted: false, startDate: "2025-01-01", endDate: "2025-12-31" };
  grantA = (
    await ok("POST", "/v1/grants", {
      ...common,
      funderId: regionId,
      title: "Fête de quartier",
      agreementDate: "2025-01-10",
      amount: 1_000_000,
      installments: [{ dueDate: "2025-06-30", amount: 1_000_000 }],
    })
  ).id;
  grantB = (
    await ok("POST", "/v1/grants", {
      ...common,
      funderId: fondationId,
      title: "Ateliers",
      agreementDate: "2025-01-10",
      amount: 500_000,
      installments: [{ dueDate: "2025-06-30", amount: 500_000 }],
    })
  ).id;
});
afterAll(() => stack?.close());

describe("suppliers' auxiliary accounts", () => {
  it("two suppliers alike in their first 17 letters get two numbers; the same supplier keeps its own", async () => {
    const a = await newExpense("nord", { date: "2025-02-10", supplier: "Imprimerie Lumière du Nord", amount: 120_000, pieceRef: "N-1", grantId: grantA });
    const b = await newExpense("sud", { date: "2025-02-11", supplier: "Imprimerie Lumière du Sud", amount: 30_000, pieceRef: "S-1" });
    const again = await newExpense("nord2", { date: "2025-02-12", supplier: "IMPRIMERIE LUMIERE DU NORD", amount: 10_000, pieceRef: "N-2" });
    expect(a.supplierAux).toBe("FIMPRIMERIELUMIERE");
    expect(b.supplierAux).not.toBe(a.supplierAux);
    expect(b.supplierAux).toBe("FIMPRIMERIELUMIE02");
    expect(again.supplierAux).toBe(a.supplierAux);
    const { lines: fecLines } = await fec(2025);
    const numbers = new Map(fecLines.filter((l) => l.account === "401").map((l) => [l.auxLib, l.auxNum]));
    expect(numbers.get("Imprimerie Lumière du Nord")).not.toBe(numbers.get("Imprimerie Lumière du Sud"));
  });
});

describe("a credit note", () => {
  it("above what the expense still costs: 409 naming the figures, nothing written", async () => {
    const before = await entryCount();
    const r = await call("POST", `/v1/expenses/${ids.nord}/credit-notes`, {
      date: "2025-02-20",
      amount: 130_000,
      pieceRef: "AV-1",
      reason: "Affiches abîmées",
    });
    expect(r.status).toBe(409);
    expect(r.body.detail).toContain("1 300,00");
    expect(r.body.detail).toContain("1 200,00");
    expect(await entryCount()).toBe(before);
    expect((await expense(ids.nord)).creditNotes).toEqual([]);
  });

  it("201: 401 / 623 for its amount; the grant's and funder's spent follow; history says who and why", async () => {
    const r = await ok("POST", `/v1/expenses/${ids.nord}/credit-notes`, { date: "2025-02-20", amount: 20_000, pieceRef: "AV-1", reason: "Affiches abîmées" });
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0].journal).toBe("HA");
    expect(lines(r.entries[0])).toEqual([
      ["401", 20_000, 0, "FIMPRIMERIELUMIERE"],
      ["623", 0, 20_000, null],
    ]);
    expect(r.net).toBe(100_000);
    expect(r.grants).toEqual([{ grantId: grantA, amount: 100_000 }]);
    expect((await grant(grantA)).spent).toBe(100_000);
    expect((await funder(regionId)).spent).toBe(100_000);
    const h = (await expense(ids.nord)).history;
    expect(h.map((x: Json) => x.kind)).toEqual(["booking", "credit-note"]);
    expect(h[1]).toMatchObject({ reason: "Affiches abîmées", amount: 20_000, by: { role: "tresorier" }, entryIds: [r.entries[0].id] });
    const balances = await booksAgree(2025, ["401", "623"]);
    expect(balances.get("623")).toBe(120_000 + 30_000 + 10_000 - 20_000);
  });
});

describe("an allocation across two grants (co-financing)", () => {
  it("that does not add up: 409 naming the figures, nothing changed", async () => {
    const r = await call("POST", `/v1/expenses/${ids.nord}/allocation`, {
      grants: [
        { grantId: grantA, amount: 70_000 },
        { grantId: grantB, amount: 40_000 },
      ],
    });
    expect(r.status).toBe(409);
    expect(r.body.detail).toContain("1 100,00");
    expect(r.body.detail).toContain("1 000,00");
    expect((await grant(grantA)).spent).toBe(100_000);
    expect((await grant(grantB)).spent).toBe(0);
    const twice = await call("POST", `/v1/expenses/${ids.nord}/allocation`, {
      grants: [
        { grantId: grantA, amount: 1 },
        { grantId: grantA, amount: 2 },
      ],
    });
    expect(twice.status).toBe(400);
  });

  it("600 € on one, 400 € on the other: both grants, both funders follow; the books do not move", async () => {
    const before = await entryCount();
    const r = await ok(
      "POST",
      `/v1/expenses/${ids.nord}/allocation`,
      {
        grants: [
          { grantId: grantA, amount: 60_000 },
          { grantId: grantB, amount: 40_000 },
        ],
        reason: "Cofinancement Région / Fondation",
      },
      200,
    );
    expect(r.grants).toEqual([
      { grantId: grantA, amount: 60_000 },
      { grantId: grantB, amount: 40_000 },
    ]);
    expect(await entryCount()).toBe(before);
    expect((await grant(grantA)).spent).toBe(60_000);
    expect((await grant(grantB)).spent).toBe(40_000);
    expect((await funder(regionId)).spent).toBe(60_000);
    expect((await funder(fondationId)).spent).toBe(40_000);
    for (const g of [grantA, grantB]) {
      const listed = await call("GET", `/v1/grants/${g}/expenses`, undefined, { role: "auditor" });
      expect(listed.body.items.map((e: Json) => e.id)).toEqual([ids.nord]);
    }
    expect(r.history.at(-1)).toMatchObject({ kind: "allocation", reason: "Cofinancement Région / Fondation", entryIds: [] });
  });
});

describe("an allocation to projects (the analytic axis)", () => {
  it("by share: an OD entry moves the charge between projects on the same account; shares not adding to 100 % → 400", async () => {
    for (const [code, name] of [
      ["ECOLE", "École du numérique"],
      ["JARDIN", "Jardins partagés"],
    ])
      await ok("POST", "/v1/projects", { code, name });
    const bad = await call("POST", `/v1/expenses/${ids.sud}/allocation`, { grants: [], projects: [{ projectId: "ECOLE", share: 0.5 }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("50 %");
    const r = await ok(
      "POST",
      `/v1/expenses/${ids.sud}/allocation`,
      {
        grants: [],
        projects: [
          { projectId: "ECOLE", share: 0.6 },
          { projectId: "JARDIN", share: 0.4 },
        ],
        reason: "Affiches des deux projets",
      },
      200,
    );
    expect(r.projects).toEqual([
      { projectId: "ECOLE", share: 0.6 },
      { projectId: "JARDIN", share: 0.4 },
    ]);
    const entryId = r.history.at(-1).entryIds[0];
    const e = (await call("GET", `/v1/ledger/entries/${entryId}`, undefined, { role: "auditor" })).body;
    expect(e.journal).toBe("OD");
    expect(e.lines.map((l: Json) => [l.account, l.debit, l.credit, l.project ?? null])).toEqual([
      ["623", 18_000, 0, "ECOLE"],
      ["623", 12_000, 0, "JARDIN"],
      ["623", 0, 30_000, null],
    ]);
    await booksAgree(2025, ["401", "623"]);
  });
});

describe("a later payment", () => {
  it("of an expense booked unpaid, with its bank line: 401 / 512, lettered with the line in the same transaction", async () => {
    const res = await stack.call("POST", "/v1/bank/statements", { body: april, headers: { "content-type": "application/xml" } });
    expect(res.status).toBe(200);
    const listed = await call("GET", "/v1/bank/lines?account=512&from=2025-04-01&to=2025-04-30", undefined, { role: "auditor" });
    const line = (listed.body.items as Json[]).find((l) => l.amount === -100_000)!;
    ids.lineNord = line.id;
    ids.lineTraiteur = (listed.body.items as Json[]).find((l) => l.amount === -60_000)!.id;
    ids.lineFees = (listed.body.items as Json[]).find((l) => l.amount === -1_250)!.id;
    const wrong = await call("POST", `/v1/expenses/${ids.sud}/payments`, { date: "2025-04-08", method: "bank", bankLineId: line.id });
    expect(wrong.status).toBe(400);
    const r = await ok("POST", `/v1/expenses/${ids.nord}/payments`, { date: "2025-04-08", method: "bank", bankLineId: line.id });
    expect(r.entries[0].journal).toBe("BQ");
    expect(lines(r.entries[0])).toEqual([
      ["401", 100_000, 0, "FIMPRIMERIELUMIERE"],
      ["512", 0, 100_000, null],
    ]);
    expect(r).toMatchObject({ status: "paid", due: 0, paid: { date: "2025-04-08", method: "bank", amount: 100_000 } });
    const after = await call("GET", `/v1/bank/lines/${line.id}`, undefined, { role: "auditor" });
    expect(after.body.status).toBe("matched");
    const again = await call("POST", `/v1/expenses/${ids.nord}/payments`, { date: "2025-04-09", method: "cash" });
    expect(again.status).toBe(409);
  });

  it("a bank line matched to the supplier settles its open expense instead of booking a second purchase", async () => {
    const e = await newExpense("traiteur", { date: "2025-04-02", supplier: "Traiteur Bon Appétit", account: "6257", amount: 60_000, pieceRef: "TBA-77" });
    const before = await tb(2025);
    const asCharge = await call("POST", `/v1/bank/lines/${ids.lineTraiteur}/entry`, { rule: "account", account: "6257" });
    expect(asCharge.status).toBe(409);
    expect(asCharge.body.detail).toContain("TBA-77");
    const r = await ok("POST", `/v1/bank/lines/${ids.lineTraiteur}/entry`, { rule: "supplier" });
    expect(r.expenseId).toBe(e.id);
    expect(lines(r.entry)).toEqual([
      ["401", 60_000, 0, e.supplierAux],
      ["512", 0, 60_000, null],
    ]);
    expect((await expense(e.id)).status).toBe("paid");
    const after = await booksAgree(2025, ["401", "512", "6257"]);
    expect(after.get("6257")).toBe(before.get("6257"));
    expect(after.get("512")).toBe((before.get("512") ?? 0) - 60_000);
  });
});

describe("a bank rule entry corrected", () => {
  it("its counterpart moved by an OD entry; the lettrage stays; the ledger still refuses a reversal by hand", async () => {
    const made = await ok("POST", `/v1/bank/lines/${ids.lineFees}/entry`, { rule: "bank_fees" });
    expect(lines(made.entry)).toEqual([
      ["627", 1_250, 0, null],
      ["512", 0, 1_250, null],
    ]);
    const byHand = await call("POST", `/v1/ledger/entries/${made.entry.id}/reversal`, {});
    expect(byHand.status).toBe(409);
    const before = await tb(2025);
    const r = await ok("POST", `/v1/bank/lines/${ids.lineFees}/entry/corrections`, {
      rule: "account",
      account: "6257",
      date: "2025-04-30",
      reason: "Le café de l'AG payé par carte, pas des frais",
    });
    expect(r.entry.journal).toBe("OD");
    expect(lines(r.entry)).toEqual([
      ["6257", 1_250, 0, null],
      ["627", 0, 1_250, null],
    ]);
    expect(r.line).toMatchObject({
      status: "matched",
      ruleCorrections: [{ reason: "Le café de l'AG payé par carte, pas des frais", from: { account: "627" }, to: { account: "6257" } }],
    });
    const same = await call("POST", `/v1/bank/lines/${ids.lineFees}/entry/corrections`, { rule: "account", account: "6257", date: "2025-04-30", reason: "x" });
    expect(same.status).toBe(400);
    const after = await booksAgree(2025, ["512", "627", "6257"]);
    expect(after.get("627") ?? 0).toBe((before.get("627") ?? 0) - 1_250);
    expect(after.get("6257")).toBe((before.get("6257") ?? 0) + 1_250);
    expect(after.get("512")).toBe(before.get("512"));
  });

  it("a correction to a supplier whose open expense has the line's amount is refused (409 in French), not written as a debit on 401 with the expense left unpaid", async () => {
    const e = await newExpense("cafe", { date: "2025-04-20", supplier: "Café du Marché", account: "6257", amount: 1_250, pieceRef: "CAF-3" });
    const before = await tb(2025);
    const count = await entryCount();
    const r = await call("POST", `/v1/bank/lines/${ids.lineFees}/entry/corrections`, {
      rule: "supplier",
      supplier: e.supplierAux,
      date: "2025-04-30",
      reason: "C'était le règlement du café",
    });
    expect(r.status).toBe(409);
    expect(r.body.detail).toContain("CAF-3");
    expect(r.body.detail).toContain("Café du Marché");
    expect(r.body.detail).toContain("encore à régler");
    expect(await entryCount()).toBe(count);
    expect((await expense(e.id)).status).not.toBe("paid");
    const line = await call("GET", `/v1/bank/lines/${ids.lineFees}`, undefined, { role: "auditor" });
    expect(line.body.ruleCorrections).toHaveLength(1);
    const after = await booksAgree(2025, ["401", "512", "627", "6257"]);
    expect(after.get("401")).toBe(before.get("401"));
  });
});

describe("a cancellation", () => {
  it("reverses what the expense costs and takes its grant share back; refused once paid", async () => {
    const e = await newExpense("double", { date: "2025-03-01", supplier: "Imprimerie Lumière du Sud", amount: 30_000, pieceRef: "S-1-BIS", grantId: grantB });
    expect((await grant(grantB)).spent).toBe(70_000);
    const r = await ok("POST", `/v1/expenses/${e.id}/cancellation`, { date: "2025-03-05", reason: "Facture saisie deux fois" });
    expect(lines(r.entries[0])).toEqual([
      ["401", 30_000, 0, "FIMPRIMERIELUMIE02"],
      ["623", 0, 30_000, null],
    ]);
    expect(r.entries[0].reversalOf).toBe(e.purchaseEntryId);
    expect(r).toMatchObject({ status: "cancelled", net: 0, grants: [] });
    expect((await grant(grantB)).spent).toBe(40_000);
    expect((await funder(fondationId)).spent).toBe(40_000);
    expect((await call("GET", `/v1/grants/${grantB}/expenses`, undefined, { role: "auditor" })).body.items.map((x: Json) => x.id)).toEqual([ids.nord]);
    expect((await expense(e.id)).history.at(-1)).toMatchObject({ kind: "cancellation", reason: "Facture saisie deux fois", by: { role: "tresorier" } });
    expect((await call("POST", `/v1/expenses/${e.id}/cancellation`, { date: "2025-03-06", reason: "encore" })).status).toBe(409);
    const paid = await call("POST", `/v1/expenses/${ids.nord}/cancellation`, { date: "2025-05-01", reason: "erreur" });
    expect(paid.status).toBe(409);
    expect(paid.body.detail).toContain("avoir");
    await booksAgree(2025, ["401", "623"]);
  });
});

describe("a reclassement", () => {
  it("booked on the wrong account: one OD entry moves it to the right one; supplier, payment and grants stay", async () => {
    const before = await tb(2025);
    const r = await ok("POST", `/v1/expenses/${ids.nord}/reclassification`, {
      date: "2025-05-02",
      account: "6226",
      reason: "Ce sont des honoraires de graphiste",
    });
    expect(r.entries[0].journal).toBe("OD");
    expect(lines(r.entries[0])).toEqual([
      ["6226", 100_000, 0, null],
      ["623", 0, 100_000, null],
    ]);
    expect(r).toMatchObject({
      account: "6226",
      status: "paid",
      grants: [
        { grantId: grantA, amount: 60_000 },
        { grantId: grantB, amount: 40_000 },
      ],
    });
    const after = await booksAgree(2025, ["401", "623", "6226"]);
    expect(after.get("623")).toBe((before.get("623") ?? 0) - 100_000);
    expect(after.get("6226")).toBe(100_000);
    expect(after.get("401")).toBe(before.get("401"));
    const same = await call("POST", `/v1/expenses/${ids.nord}/reclassification`, { date: "2025-05-02", account: "6226", reason: "x" });
    expect(same.status).toBe(400);
  });
});

describe("a closed year's expense", () => {
  it("its correction is written in the first open year, with the date asked and the reason kept", async () => {
    const e = await newExpense("old", { date: "2024-11-05", supplier: "Papeterie Martin", account: "6064", amount: 25_000, pieceRef: "PM-2024-11" });
    let res = await stack.call("POST", "/v1/ledger/years/2024/close");
    if (res.status === 409) {
      // The closing checklist (another part of issue 19): acknowledge its warnings.
      const c = (await (await stack.call("GET", "/v1/ledger/years/2024/closing-checklist", { role: "auditor" })).json()) as Json;
      const acknowledged = (c.items as Json[]).filter((i) => i.status === "warning").map((i) => ({ id: i.id, comment: "Vu pour le test des corrections." }));
      res = await stack.call("POST", "/v1/ledger/years/2024/close", { body: { acknowledged } });
    }
    expect(res.status).toBe(201);
    const r = await ok("POST", `/v1/expenses/${e.id}/credit-notes`, {
      date: "2024-12-15",
      amount: 5_000,
      pieceRef: "PM-AV-1",
      reason: "Remise accordée après coup",
    });
    expect(r.entries[0].date).toBe("2025-01-01");
    expect(r.entries[0].year).toBe(2025);
    expect(r.history.at(-1)).toMatchObject({ kind: "credit-note", date: "2025-01-01", askedDate: "2024-12-15", reason: "Remise accordée après coup" });
    const balances = await booksAgree(2025, ["401", "6064"]);
    expect(balances.get("6064")).toBe(-5_000);
  });
});
