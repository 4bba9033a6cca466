/**
 * Matching by hand through HTTP: the candidates of a bank line (amount, date window, text,
 * counterpart account), one line matched to two entries, a rejected proposal that stays rejected
 * across reconcile calls, and an état de rapprochement dated after the last imported statement.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfText } from "./support/pdf-text.js";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
const ids: Record<string, string> = {};
const IBAN = "FR76 4255 9100 0008 0123 4567 812";

const json = async <T>(res: Response, status: number): Promise<T> => {
  const body = await res.json();
  if (res.status !== status) throw new Error(`${res.status}: ${JSON.stringify(body)}`);
  return body as T;
};

async function post(name: string, date: string, label: string, pieceRef: string, lines: unknown[]) {
  const e = await json<{ id: string }>(await stack.call("POST", "/v1/ledger/entries", { body: { journal: "BQ", date, label, pieceRef, lines } }), 201);
  ids[name] = e.id;
}

const entry = (n: number, date: string, amount: string, dir: "CRDT" | "DBIT", label: string) => `
      <Ntry>
        <NtryRef>${n}</NtryRef>
        <Amt Ccy="EUR">${amount}</Amt>
        <CdtDbtInd>${dir}</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>${date}</Dt></BookgDt>
        <ValDt><Dt>${date}</Dt></ValDt>
        <AcctSvcrRef>MAN${n}</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>${label}</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>`;

// Written for this test: March 2025, two lines, opening 1 000,00 €, closing 1 105,00 €.
const march = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MAN-2025-03</MsgId><CreDtTm>2025-04-01T06:00:00+02:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-MAN-2025-03</Id>
      <CreDtTm>2025-04-01T06:00:00+02:00</CreDtTm>
      <FrToDt><FrDtTm>2025-03-01T00:00:00+01:00</FrDtTm><ToDtTm>2025-03-31T23:59:59+02:00</ToDtTm></FrToDt>
      <Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-01</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1105.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-31</Dt></Dt></Bal>
      ${entry(1, "2025-03-05", "150.00", "CRDT", "VIR REMISE COTISATIONS MARS")}
      ${entry(2, "2025-03-10", "45.00", "DBIT", "PRLV SEPA ASSURANCE MAIF")}
    </Stmt>
  </BkToCstmrStmt>
</Document>`;

interface Line {
  id: string;
  amount: number;
  status: string;
  rejections?: Array<{ entryId: string; rejectedBy: string }>;
}
interface Candidates {
  from: string;
  to: string;
  items: Array<{ entryId: string; amount: number; accounts: string[] }>;
}
let lines: Line[] = [];
const line = (amount: number) => lines.find((l) => l.amount === amount)!;
const candidates = async (id: string, q = "") => json<Candidates>(await stack.call("GET", `/v1/bank/lines/${id}/candidates${q}`, { role: "auditor" }), 200);
const proposals = async () =>
  (
    await json<{ proposals: Array<{ lineIds: string[]; entryIds: string[] }> }>(
      await stack.call("POST", "/v1/bank/reconcile", { body: { account: "512" } }),
      200,
    )
  ).proposals;

beforeAll(async () => {
  stack = await startTestStack();
  await post("ouverture", "2025-02-28", "Solde bancaire au 28/02/2025", "OUVERTURE", [
    { account: "512", debit: 100000 },
    { account: "102", credit: 100000 },
  ]);
  await post("A", "2025-03-04", "Cotisation Alice Martin", "COT-A", [
    { account: "512", debit: 10000 },
    { account: "756", credit: 10000 },
  ]);
  await post("B", "2025-03-04", "Cotisation Bruno Petit", "COT-B", [
    { account: "512", debit: 5000 },
    { account: "756", credit: 5000 },
  ]);
  await post("maif", "2025-03-09", "Assurance MAIF mars", "MAIF-2025-03", [
    { account: "616", debit: 4500 },
    { account: "512", credit: 4500 },
  ]);
  await post("vente", "2025-03-12", "Vente buvette", "BUV-03", [
    { account: "512", debit: 10000 },
    { account: "706", credit: 10000 },
  ]);
  await post("mai", "2025-05-20", "Cotisation Chloé Roux", "COT-C", [
    { account: "512", debit: 10000 },
    { account: "756", credit: 10000 },
  ]);
  await json(await stack.call("POST", "/v1/bank/statements", { body: march, headers: { "content-type": "application/xml" } }), 200);
  lines = (await json<{ items: Line[] }>(await stack.call("GET", "/v1/bank/lines?account=512&limit=50", { role: "auditor" }), 200)).items;
}, 120_000);

afterAll(async () => stack?.close());

describe("matching by hand", () => {
  it("candidates: ±30 days by default, filtered by amount, text and counterpart account", async () => {
    const all = await candidates(line(15000).id);
    expect([all.from, all.to]).toEqual(["2025-02-03", "2025-04-04"]);
    expect(all.items.map((i) => i.entryId).sort()).toEqual([ids.ouverture, ids.A, ids.B, ids.maif, ids.vente].sort());
    expect((await candidates(line(15000).id, "?amount=10000")).items.map((i) => i.entryId).sort()).toEqual([ids.A, ids.vente].sort());
    expect((await candidates(line(15000).id, "?q=maif")).items.map((i) => i.entryId)).toEqual([ids.maif]);
    expect((await candidates(line(15000).id, "?q=cot-b")).items.map((i) => i.entryId)).toEqual([ids.B]);
    expect((await candidates(line(15000).id, "?account=756")).items.map((i) => i.entryId).sort()).toEqual([ids.A, ids.B].sort());
    const wide = await candidates(line(15000).id, "?from=2025-03-01&to=2025-06-30&amount=10000&account=756");
    expect(wide.items.map((i) => i.entryId).sort()).toEqual([ids.A, ids.mai].sort());
    expect(wide.items.find((i) => i.entryId === ids.mai)).toMatchObject({ amount: 10000, accounts: ["756"] });
  });

  it("a bad filter is a problem naming the field", async () => {
    const res = await stack.call("GET", `/v1/bank/lines/${line(15000).id}/candidates?from=2025-13-01&amount=abc`, { role: "auditor" });
    expect(res.status).toBe(400);
    const body = JSON.stringify(await res.json());
    expect(body).toContain("from");
    expect(body).toContain("amount");
    expect((await stack.call("GET", "/v1/bank/lines/nope/candidates", { role: "auditor" })).status).toBe(404);
  });

  it("one line matched to two entries; they are no longer candidates", async () => {
    const m = await json<{ entryIds: string[]; amount: number }>(
      await stack.call("POST", `/v1/bank/lines/${line(15000).id}/match`, { body: { entryIds: [ids.A, ids.B] } }),
      201,
    );
    expect(m).toMatchObject({ amount: 15000 });
    expect(m.entryIds.sort()).toEqual([ids.A, ids.B].sort());
    const left = (await candidates(line(-4500).id)).items.map((i) => i.entryId);
    expect(left).not.toContain(ids.A);
    expect(left).not.toContain(ids.B);
  });

  it("a rejected proposal is not proposed again for that line", async () => {
    const l = line(-4500).id;
    expect((await proposals()).some((p) => p.lineIds.includes(l) && p.entryIds.includes(ids.maif!))).toBe(true);
    const res = await stack.call("POST", `/v1/bank/lines/${l}/rejections`, { body: { entryIds: [ids.maif] } });
    expect(res.status).toBe(201);
    const got = await json<Line>(await stack.call("GET", `/v1/bank/lines/${l}`, { role: "auditor" }), 200);
    expect(got.rejections?.map((r) => r.entryId)).toEqual([ids.maif]);
    for (let i = 0; i < 2; i++) expect((await proposals()).some((p) => p.lineIds.includes(l) && p.entryIds.includes(ids.maif!))).toBe(false);
    // Rejecting again keeps one rejection; the entry can still be matched by hand.
    await json(await stack.call("POST", `/v1/bank/lines/${l}/rejections`, { body: { entryIds: [ids.maif] } }), 201);
    expect((await json<Line>(await stack.call("GET", `/v1/bank/lines/${l}`, { role: "auditor" }), 200)).rejections).toHaveLength(1);
    expect((await stack.call("POST", `/v1/bank/lines/${l}/rejections`, { body: {} })).status).toBe(400);
    expect((await stack.call("POST", `/v1/bank/lines/${l}/rejections`, { body: { entryIds: [ids.maif] }, role: "auditor" })).status).toBe(403);
  });

  it("an état dated after the last statement says so and does not extrapolate the difference", async () => {
    const at = async (date: string) =>
      json<{ bankBalance: number; difference: number | null; afterLastStatement: boolean; lastStatementEnd: string; warnings: string[] }>(
        await stack.call("GET", `/v1/bank/reconciliation?account=512&date=${date}`, { role: "auditor" }),
        200,
      );
    const inside = await at("2025-03-31");
    expect(inside).toMatchObject({ afterLastStatement: false, lastStatementEnd: "2025-03-31", bankBalance: 110500 });
    expect(typeof inside.difference).toBe("number");
    const after = await at("2025-06-30");
    expect(after).toMatchObject({ afterLastStatement: true, lastStatementEnd: "2025-03-31", bankBalance: 110500, difference: null });
    expect(after.warnings.join(" ")).toContain("Le dernier relevé importé s'arrête au 31/03/2025");
    const pdf = await stack.call("GET", "/v1/bank/reconciliation.pdf?account=512&date=2025-06-30", { role: "auditor" });
    expect(pdf.status).toBe(200);
    const text = (await pdfText(new Uint8Array(await pdf.arrayBuffer()))).replace(/[\u202f\u00a0]/g, " ").replace(/\s+/g, " ");
    expect(text).toContain("Solde du dernier relevé importé (au 31/03/2025)");
    expect(text).toMatch(/Écart\s*inconnu/);
    expect(text).toContain("dernier relevé importé s'arrête au 31/03/2025");
  });
});

describe("candidates among many entries", () => {
  it("bug: the first 200 entries of the window were cut before the filters, hiding the one asked for", async () => {
    for (let i = 0; i < 205; i++)
      await post(`fee${i}`, "2025-07-01", `Frais ${i}`, `FR-${i}`, [
        { account: "627", debit: 100 },
        { account: "512", credit: 100 },
      ]);
    await post("don", "2025-07-20", "Don de Denise", "DON-07", [
      { account: "512", debit: 100 },
      { account: "7541", credit: 100 },
    ]);
    const c = await candidates(lines[0]!.id, "?from=2025-07-01&to=2025-07-31&account=7541");
    expect(c.items.map((i) => i.entryId)).toEqual([ids.don]);
  }, 120_000);
});
