/**
 * The FEC an auditor expects (issue 19 item 6), through HTTP: EcritureLet / DateLet filled from
 * the lettrage (a bank line matched to two entries; a supplier's invoice and its payment; a grant
 * paid in two instalments; a receivable settled; a customer's open invoice left unlettered), the
 * file in ISO-8859-15 beside UTF-8, a warning header on a year still open, and the placeholder
 * SIREN refused outside development. Every file is re-read by the FEC checker.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFec } from "./support/fec-check.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const SIREN = "912345678";
const IBAN = "FR76 4255 9100 0008 0123 4567 812";
let stack: TestStack;
const ids: Record<string, string> = {};

const json = async <T>(res: Response, status: number): Promise<T> => {
  const body = await res.json();
  if (res.status !== status) throw new Error(`${res.status}: ${JSON.stringify(body)}`);
  return body as T;
};
async function post(name: string, journal: string, date: string, label: string, pieceRef: string, lines: unknown[]) {
  ids[name] = (await json<{ id: string }>(await stack.call("POST", "/v1/ledger/entries", { body: { journal, date, label, pieceRef, lines } }), 201)).id;
}
const ACME = { number: "F-ACME", label: "ACME Imprimerie" };
const FUNDER = { number: "S-REGION", label: "Région Occitanie" };

const statement = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>LET-2025-03</MsgId><CreDtTm>2025-04-01T06:00:00+02:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-LET-2025-03</Id>
      <CreDtTm>2025-04-01T06:00:00+02:00</CreDtTm>
      <FrToDt><FrDtTm>2025-03-01T00:00:00+01:00</FrDtTm><ToDtTm>2025-03-31T23:59:59+02:00</ToDtTm></FrToDt>
      <Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-01</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">150.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-31</Dt></Dt></Bal>
      <Ntry>
        <NtryRef>1</NtryRef>
        <Amt Ccy="EUR">150.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2025-03-05</Dt></BookgDt>
        <ValDt><Dt>2025-03-05</Dt></ValDt>
        <AcctSvcrRef>LET1</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>VIR REMISE COTISATIONS MARS</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>`;

const today = () => new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" }).replaceAll("-", "");

async function download(query: string) {
  const res = await stack.call("GET", `/v1/ledger/export?${query}`, { role: "auditor" });
  expect(res.status).toBe(200);
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "";
  return { res, name, bytes: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: SIREN });
  await post("A", "BQ", "2025-03-04", "Cotisation Chloé Roux", "COT-A", [
    { account: "512", debit: 10000 },
    { account: "756", credit: 10000 },
  ]);
  await post("B", "BQ", "2025-03-04", "Cotisation Œdipe – « adhérent »", "COT-B", [
    { account: "512", debit: 5000 },
    { account: "756", credit: 5000 },
  ]);
  await post("invoice", "HA", "2025-02-01", "Facture ACME affiches", "F-12", [
    { account: "6231", debit: 150000 },
    { account: "401", credit: 150000, aux: ACME },
  ]);
  await post("paid", "BQ", "2025-02-10", "Règlement ACME F-12", "F-12", [
    { account: "401", debit: 150000, aux: ACME },
    { account: "512", credit: 150000 },
  ]);
  await post("open411", "OD", "2025-02-15", "Facture prestation mairie", "V-3", [
    { account: "411", debit: 30000 },
    { account: "706", credit: 30000 },
  ]);
  await post("grant", "OD", "2025-01-10", "Subvention Région 2025", "CONV-1", [
    { account: "441", debit: 500000, aux: FUNDER },
    { account: "741", credit: 500000 },
  ]);
  await post("grant1", "BQ", "2025-03-01", "Région : premier versement", "VIR-1", [
    { account: "512", debit: 200000 },
    { account: "441", credit: 200000, aux: FUNDER },
  ]);
  await post("grant2", "BQ", "2025-06-01", "Région : solde", "VIR-2", [
    { account: "512", debit: 300000 },
    { account: "441", credit: 300000, aux: FUNDER },
  ]);
  await post("due", "OD", "2025-04-01", "Contribution Fondation à recevoir", "FD-1", [
    { account: "4687", debit: 80000 },
    { account: "7551", credit: 80000 },
  ]);
  await post("dueIn", "BQ", "2025-05-02", "Fondation : versement", "FD-VIR", [
    { account: "512", debit: 80000 },
    { account: "4687", credit: 80000 },
  ]);
  await json(await stack.call("POST", "/v1/bank/statements", { body: statement, headers: { "content-type": "application/xml" } }), 200);
  const lines = (
    await json<{ items: { id: string; amount: number }[] }>(await stack.call("GET", "/v1/bank/lines?account=512&limit=50", { role: "auditor" }), 200)
  ).items;
  const line = lines.find((l) => l.amount === 15000)!;
  await json(await stack.call("POST", `/v1/bank/lines/${line.id}/match`, { body: { entryIds: [ids.A, ids.B] } }), 201);
}, 120_000);
afterAll(async () => stack?.close());

/** The FEC lines of an entry (by its label, unique here) as [account, EcritureLet, DateLet]. */
function lettrage(text: string, label: string) {
  const rows = text
    .split("\r\n")
    .slice(1)
    .filter((r) => r.split("\t")[10] === label);
  expect(rows.length, label).toBeGreaterThan(0);
  return rows.map((r) => {
    const f = r.split("\t");
    return [f[4], f[13], f[14]];
  });
}

describe("lettrage in the FEC", () => {
  it("fills EcritureLet and DateLet from the bank's matches and the settled third-party lines; the file passes the checker", async () => {
    const { name, bytes } = await download("year=2025&format=fec");
    const text = bytes.toString("utf8");
    const { problems } = checkFec(name, text, SIREN, 2025);
    expect(problems).toEqual([]);
    // The bank line matched to two entries: both 512 lines carry one code, dated the day of the match.
    expect(lettrage(text, "Cotisation Chloé Roux")).toEqual([
      ["512", "A", today()],
      ["756", "", ""],
    ]);
    expect(lettrage(text, "Cotisation Œdipe – « adhérent »")[0]).toEqual(["512", "A", today()]);
    // The supplier's invoice and its payment (one piece), dated the payment.
    expect(lettrage(text, "Facture ACME affiches")[1]).toEqual(["401", "A", "20250210"]);
    expect(lettrage(text, "Règlement ACME F-12")).toEqual([
      ["401", "A", "20250210"],
      ["512", "", ""],
    ]);
    // The grant, received in two instalments: lettered once fully paid, dated the last one.
    expect(lettrage(text, "Subvention Région 2025")[0]).toEqual(["441", "A", "20250601"]);
    expect(lettrage(text, "Région : premier versement")[1]).toEqual(["441", "A", "20250601"]);
    expect(lettrage(text, "Région : solde")[1]).toEqual(["441", "A", "20250601"]);
    // A receivable and its payment, two pieces of the same amount.
    expect(lettrage(text, "Contribution Fondation à recevoir")[0]).toEqual(["4687", "A", "20250502"]);
    expect(lettrage(text, "Fondation : versement")[1]).toEqual(["4687", "A", "20250502"]);
    // A customer's invoice not paid yet stays open.
    expect(lettrage(text, "Facture prestation mairie")[0]).toEqual(["411", "", ""]);
  });

  it("the CSV carries the same lettrage, dates JJ/MM/AAAA", async () => {
    const { bytes } = await download("year=2025&format=csv");
    const row = bytes
      .toString("utf8")
      .split("\r\n")
      .find((r) => r.includes("Règlement ACME F-12") && r.includes(";401;"))!;
    expect(row).toContain(";A;10/02/2025;");
  });
});

describe("ISO-8859-15", () => {
  it("answers the same file in ISO-8859-15 when asked, French letters and œ kept", async () => {
    const utf8 = (await download("year=2025&format=fec")).bytes.toString("utf8");
    const { res, name, bytes } = await download("year=2025&format=fec&encoding=iso-8859-15");
    expect(res.headers.get("content-type")).toBe("text/plain; charset=iso-8859-15");
    expect(bytes.includes(Buffer.from("Chloé", "utf8"))).toBe(false);
    expect(bytes.includes(Buffer.from([0x43, 0x68, 0x6c, 0x6f, 0xe9]))).toBe(true); // Chloé
    expect(bytes.includes(Buffer.from([0xbc, 0x64, 0x69, 0x70, 0x65]))).toBe(true); // Œdipe
    const text = new TextDecoder("iso-8859-15").decode(bytes);
    expect(text).toBe(utf8.replaceAll("–", "-"));
    expect(checkFec(name, text, SIREN, 2025).problems).toEqual([]);
  });

  it("an unknown encoding is a problem naming the field", async () => {
    const res = await stack.call("GET", "/v1/ledger/export?year=2025&format=fec&encoding=latin9", { role: "auditor" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/problem\+json/);
    expect(JSON.stringify(await res.json())).toContain("encoding");
  });
});

describe("a year still open", () => {
  it("is answered with a Warning header saying the file is provisional", async () => {
    const { res } = await download("year=2025&format=fec");
    expect(res.headers.get("fec-year-status")).toBe("open");
    expect(res.headers.get("warning")).toBe('299 - "Exercice 2025 non clos : FEC provisoire"');
  });
});

describe("the placeholder SIREN", () => {
  it("is refused outside development (409, nothing exported), accepted in development", async () => {
    const before = { STAGE: process.env.STAGE, ASSO_SIREN: process.env.ASSO_SIREN };
    await stack.close();
    stack = await startTestStack({ ASSO_SIREN: "" });
    try {
      process.env.STAGE = "prod";
      const res = await stack.call("GET", "/v1/ledger/export?year=2025&format=fec", { role: "auditor" });
      expect(res.status).toBe(409);
      expect(res.headers.get("content-type")).toMatch(/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toContain("SIREN");
      process.env.STAGE = "dev";
      const dev = await download("year=2025&format=fec");
      expect(dev.name).toBe("000000000FEC20251231.txt");
    } finally {
      for (const [k, v] of Object.entries(before))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });
});
