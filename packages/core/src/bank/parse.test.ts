/** The statement parsers on the project's fixtures (test/fixtures/bank): every format, every trap. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { StatementRefusedError } from "./errors.js";
import { ofxTree } from "./ofx.js";
import { parseStatementFile, sniffFormat } from "./parse.js";
import { parseAmount, parseDate, parseDecimalAmount } from "./text.js";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../../test/fixtures/bank", name));
const sum = (ls: { amount: number }[]) => ls.reduce((s, l) => s + l.amount, 0);

describe("amounts and dates as banks write them", () => {
  it("reads decimal commas, points, thousands spaces and signs into cents", () => {
    expect(parseAmount("1 234,56")).toBe(123456);
    expect(parseAmount("-1234.5")).toBe(-123450);
    expect(parseAmount("1.234,56")).toBe(123456);
    expect(parseAmount("+0,07")).toBe(7);
    expect(parseAmount("12,50 €")).toBe(1250);
    expect(parseAmount("(3,00)")).toBe(-300);
    expect(parseAmount("1\u202f000,00")).toBe(100000);
    expect(parseAmount("12,345")).toBe(1234500); // a thousands group, not three decimals
    expect(parseAmount("abc")).toBeUndefined();
    expect(parseAmount("1,2,3")).toBeUndefined();
  });
  it("ISO and OFX decimals: a point (OFX also a comma), up to five decimals, never thousands; sub-cent digits must be zero", () => {
    expect(parseDecimalAmount("18.150")).toBe(1815); // not eighteen thousand one hundred and fifty
    expect(parseDecimalAmount("5442.09000")).toBe(544209);
    expect(parseDecimalAmount("0.5")).toBe(50);
    expect(parseDecimalAmount("-12")).toBe(-1200);
    expect(parseDecimalAmount("+999.99")).toBe(99999);
    expect(parseDecimalAmount("18.155")).toBe("sub-cent");
    expect(parseDecimalAmount("1.000001")).toBeUndefined(); // six decimals
    expect(parseDecimalAmount("1,234.56")).toBeUndefined();
    expect(parseDecimalAmount("12,50")).toBeUndefined();
    expect(parseDecimalAmount("12,50", { comma: true })).toBe(1250);
    expect(parseDecimalAmount("$120", { comma: true })).toBeUndefined();
  });
  it("reads French, ISO and compact dates, and refuses impossible ones", () => {
    expect(parseDate("2017-04-01+02:00")).toBe("2017-04-01");
    expect(parseDate("2017-04-01Z")).toBe("2017-04-01");
    expect(parseDate("03-02-2025 09:12:44")).toBe("2025-02-03");
    expect(parseDate("05/11/2024")).toBe("2024-11-05");
    expect(parseDate("20241105120000[+1:CET]")).toBe("2024-11-05");
    expect(parseDate("2024-11-05T10:00:00+01:00")).toBe("2024-11-05");
    expect(parseDate("31/02/2024")).toBeUndefined();
  });
});

describe("CAMT.053", () => {
  it(".001.08: booked entries only, one line per batch detail, two accounts, reused bank ids and repeated days kept", () => {
    const f = parseStatementFile(fixture("november-2024.camt053.001.08.xml"));
    expect(f.format).toBe("camt053");
    expect(f.variant).toBe("camt.053.001.08");
    expect(f.statements).toHaveLength(2);
    const [main, livret] = f.statements;
    expect(main!.iban).toBe("FR7642559100000801234567812");
    expect(main!.opening).toEqual({ date: "2024-11-01", amount: 1200000 });
    expect(main!.closing).toEqual({ date: "2024-11-30", amount: 2546836 });
    // 13 booked entries, the batch of two gives two lines, the pending one is left out.
    expect(main!.lines).toHaveLength(14);
    expect(main!.opening!.amount + sum(main!.lines)).toBe(main!.closing!.amount);
    const batch = main!.lines.filter((l) => l.date === "2024-11-20");
    expect(batch.map((l) => [l.amount, l.counterparty])).toEqual([
      [2000, "JEAN DUPUIS"],
      [2000, "HÉLÈNE MARTIN"],
    ]);
    expect(batch[0]!.label).toContain("REMISE 2 VIREMENTS RECUS");
    expect(main!.lines.filter((l) => l.bankRef === "2024110800007")).toHaveLength(2);
    expect(main!.lines.find((l) => l.amount === -8990)!.label).toContain("ÉLECTRICITÉ");
    expect(main!.lines.some((l) => l.label.includes("EN ATTENTE"))).toBe(false);
    expect(livret!.lines).toEqual([expect.objectContaining({ date: "2024-11-30", amount: 2500, valueDate: "2024-11-30" })]);
  });

  it(".001.02 in Windows-1252: accents decoded, AmtDtls amounts in the batch, names without Pty", () => {
    const f = parseStatementFile(fixture("october-2024.camt053.001.02.xml"));
    expect(f.variant).toBe("camt.053.001.02");
    const [main] = f.statements;
    expect(main!.lines.map((l) => l.amount)).toEqual([150000, -4500, -4500, -60000, -40000, -1000]);
    expect(main!.lines[0]!.label).toContain("DON EXCEPTIONNEL – DISSOLUTION, DÉVOLUTION DE L'ACTIF");
    expect(main!.lines[3]!.counterparty).toBe("CHLOÉ LEFÈVRE");
    expect(main!.lines[4]!.counterparty).toBe("THÉO GARÇON");
    expect(main!.opening!.amount + sum(main!.lines)).toBe(main!.closing!.amount);
  });

  it("refuses a document that is not a statement, naming the problem", () => {
    expect(() =>
      parseStatementFile(Buffer.from(`<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>`)),
    ).toThrow(ValidationError);
    expect(() => parseStatementFile(Buffer.from(`<?xml version="1.0"?><Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">1,2,3</Amt>`))).toThrow(
      ValidationError,
    );
  });
});

describe("OFX", () => {
  it("1.x SGML in Windows-1252: leaf elements closed, comma and point amounts, identical lines kept", () => {
    const f = parseStatementFile(fixture("december-2024.ofx"));
    expect(f.format).toBe("ofx");
    expect(f.variant).toBe("OFX 102");
    const [st] = f.statements;
    expect(st!.accountNumber).toBe("18206 00010 98765432101");
    expect(st!.currency).toBe("EUR");
    expect(st!.lines.map((l) => l.amount)).toEqual([-6420, 250000, -300, -300]);
    expect(st!.lines[0]!.label).toBe("PRLV SEPA ÉNERGIE COOPÉRATIVE ÉCHÉANCE DÉCEMBRE CONTRAT 88421 & SERVICES");
    expect(st!.closing).toEqual({ date: "2024-12-31", amount: 842980 });
  });

  it("2.x XML", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STMTRS><CURDEF>EUR</CURDEF>
<BANKACCTFROM><BANKID>42559</BANKID><BRANCHID>10000</BRANCHID><ACCTID>08012345678</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
<BANKTRANLIST><DTSTART>20241201</DTSTART><DTEND>20241231</DTEND>
<STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20241202120000.000[+1:CET]</DTPOSTED><TRNAMT>42.00</TRNAMT><FITID>X1</FITID><NAME>DON M. ÉLIE</NAME></STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>1042.00</BALAMT><DTASOF>20241231</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;
    const f = parseStatementFile(Buffer.from(xml));
    expect(f.variant).toBe("OFX 211");
    expect(f.statements[0]!.lines).toEqual([expect.objectContaining({ date: "2024-12-02", amount: 4200, label: "DON M. ÉLIE" })]);
  });

  it("the tree builder closes leaves and empty elements: <TRNUID> followed by a tag does not swallow the rest", () => {
    const tree = ofxTree("<A><TRNUID><STATUS><CODE>0</STATUS><B>1<C>x &amp; y</C><D>\n</D></A>");
    const a = tree.children[0]!;
    expect(a.children.map((c) => [c.name, c.text ?? null, c.children.length])).toEqual([
      ["TRNUID", null, 0],
      ["STATUS", null, 1],
      ["B", "1", 0],
      ["C", "x & y", 0],
      ["D", null, 0],
    ]);
  });
  it("1.x with empty elements, two BANKTRANLIST, an empty BALAMT, a line with DTUSER only; UTF-8 bytes declared CHARSET:1252", () => {
    const [st] = parseStatementFile(fixture("empty-elements-utf8.ofx")).statements;
    expect(st).toMatchObject({ accountNumber: "42559 10000 08087654321", currency: "EUR", from: "2025-02-01", to: "2025-02-28" });
    expect(st!.closing).toBeUndefined();
    expect(st!.lines.map((l) => [l.date, l.amount, l.label])).toEqual([
      ["2025-02-03", 15000, "VIR DON N° 2025-031 Mme Chloé Bérard"],
      ["2025-02-28", 325, "INTÉRÊTS LIVRET FÉVRIER"],
    ]);
    // The same file really in Windows-1252 reads the same.
    expect(parseStatementFile(fixture("empty-elements-1252.ofx")).statements[0]!.lines).toEqual(st!.lines);
  });
  it("a credit-card statement (CCSTMTRS): the card number, the lines and the balance", () => {
    const [st] = parseStatementFile(fixture("credit-card.ofx")).statements;
    expect(st).toMatchObject({ card: "XXXXXXXXXXXX4242", currency: "EUR", closing: { date: "2025-02-28", amount: -10230 } });
    expect(st!.lines.map((l) => l.amount)).toEqual([-8990, -1240]);
  });
  it("an OFX amount with a currency sign, or a missing amount, makes its statement unreadable, naming the transaction", () => {
    const ofx = (amt: string) =>
      `OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>42559<BRANCHID>10000<ACCTID>08087654321</BANKACCTFROM><BANKTRANLIST><STMTTRN><DTPOSTED>20250203${amt}<FITID>F1</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;
    const bad = parseStatementFile(Buffer.from(ofx("<TRNAMT>$120"))).statements[0]!.unreadable as ValidationError;
    expect(bad.errors[0]!.message).toBe(
      'relevé 1, opération 1 (FITID F1) : le montant TRNAMT "$120" n\'est pas un nombre décimal (point ou virgule, sans séparateur de milliers)',
    );
    const none = parseStatementFile(Buffer.from(ofx(""))).statements[0]!.unreadable as ValidationError;
    expect(none.errors[0]!.message).toBe("relevé 1, opération 1 (FITID F1) : pas de montant TRNAMT");
  });
  it("a DOCTYPE or an entity declaration is refused before any parsing (CAMT and OFX)", () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><Document><BkToCstmrStmt><Stmt>&b;</Stmt></BkToCstmrStmt></Document>`;
    expect(() => parseStatementFile(Buffer.from(bomb))).toThrow(/DOCTYPE ou des entités XML/);
    expect(() => parseStatementFile(Buffer.from(`<?xml version="1.0"?><!DOCTYPE OFX><?OFX OFXHEADER="200"?><OFX></OFX>`))).toThrow(/DOCTYPE/);
  });
});

describe("bank CSV presets", () => {
  it("Crédit Agricole: header lines, closing balance, debit/credit columns, multi-line labels", () => {
    const f = parseStatementFile(fixture("credit-agricole-2025-01.csv"));
    expect(f.variant).toBe("credit-agricole");
    const [st] = f.statements;
    expect(st!.accountNumber).toBe("98765432101");
    expect(st!.closing).toEqual({ date: "2025-01-31", amount: 973160 });
    expect(st!.lines.map((l) => l.amount)).toEqual([-6420, 150000, -300, -300, -120]);
    expect(st!.lines[0]!.label).toBe("PRLV SEPA ÉNERGIE COOPÉRATIVE ÉCH/030125 ID ÉMETTEUR/FR44ZZZ123456 MDT/88421 REF/2025-01");
  });
  it("Société Générale: RIB line, label and detail, signed amounts", () => {
    const [st] = parseStatementFile(fixture("societe-generale-2025-01.csv")).statements;
    expect(st!.accountNumber).toBe("30003012340002000123476");
    expect(st!.closing).toEqual({ date: "2025-01-31", amount: 314055 });
    expect(st!.lines.map((l) => l.amount)).toEqual([5000, -3999, -3999, -1447, -850]);
    expect(st!.lines[0]!.label).toBe("VIR RECU 5503829 DE: MME HÉLÈNE MARTIN MOTIF: DON JANVIER");
  });
  it("BNP Paribas: balance on the first line, signed amounts with thousands", () => {
    const f = parseStatementFile(fixture("bnp-paribas-2025-01.csv"));
    expect(f.variant).toBe("bnp-paribas");
    const [st] = f.statements;
    expect(st!.closing).toEqual({ date: "2025-01-31", amount: 221630 });
    expect(st!.lines.map((l) => l.amount)).toEqual([120000, -120000, -570]);
    expect(st!.lines[0]!.label).toContain("SŒUR");
  });
  it("Crédit Mutuel (ISO-8859-15): value dates, negative debits, the running balance gives opening and closing", () => {
    const f = parseStatementFile(fixture("credit-mutuel-2025-01.csv"), { encoding: "iso-8859-15" });
    expect(f.variant).toBe("credit-mutuel");
    const [st] = f.statements;
    expect(st!.opening).toEqual({ date: "2025-01-02", amount: 400000 });
    expect(st!.closing).toEqual({ date: "2025-01-31", amount: 400570 });
    expect(st!.lines[2]).toEqual({ date: "2025-01-07", valueDate: "2025-01-08", amount: -12000, label: "CHQ 0004522" });
    expect(st!.lines[0]!.label).toBe("VIR M. THÉO GARÇON ADHÉSION 2025");
  });
  it("La Banque Postale: labelled header lines, euros column", () => {
    const f = parseStatementFile(fixture("banque-postale-2025-01.csv"));
    expect(f.variant).toBe("banque-postale");
    const [st] = f.statements;
    expect(st!.accountNumber).toBe("0123456X020");
    expect(st!.closing).toEqual({ date: "2025-01-31", amount: 184525 });
    expect(st!.lines.map((l) => l.amount)).toEqual([2000, -18040, -250]);
    expect(st!.lines[0]!.label).toBe("VIREMENT DE M. JEAN DUPUIS REF. ADHÉSION 2025");
  });
  it("a generic mapping takes the caller's column names", () => {
    const csv = "Quand,Quoi,Combien\n2025-03-01,Don,12.00\n2025-03-02,Frais,-1.00\n";
    const f = parseStatementFile(Buffer.from(csv), { preset: "generic", columns: { date: "Quand", label: "Quoi", amount: "Combien" } });
    expect(f.statements[0]!.lines.map((l) => [l.date, l.amount])).toEqual([
      ["2025-03-01", 1200],
      ["2025-03-02", -100],
    ]);
  });
  it("a running balance that does not follow the amounts is refused with the figures", () => {
    const csv = "Date;Date de valeur;Débit;Crédit;Libellé;Solde\n02/01/2025;02/01/2025;;250,00;A;4 250,00\n07/01/2025;07/01/2025;-120,00;;B;4 100,00\n";
    expect(() => parseStatementFile(Buffer.from(csv))).toThrow(StatementRefusedError);
  });
  it("a table without a date column is unreadable", () => {
    expect(() => parseStatementFile(Buffer.from("a;b;c\n1;2;3\n"))).toThrow(ValidationError);
  });
});

describe("CAMT.053 as ISO 20022 writes it", () => {
  it("amounts with three and five decimals, dates with an offset", () => {
    const [st] = parseStatementFile(fixture("decimals-offsets.camt053.001.02.xml")).statements;
    expect(st!.opening).toEqual({ date: "2024-12-01", amount: 1815 });
    expect(st!.closing).toEqual({ date: "2024-12-31", amount: 124000 });
    expect(st!.lines.map((l) => [l.date, l.amount])).toEqual([
      ["2024-12-05", 125000],
      ["2024-12-20", -2815],
    ]);
  });
  it("a sub-cent digit makes the statement unreadable, naming the entry and the figure", () => {
    const xml = fixture("decimals-offsets.camt053.001.02.xml").toString("utf8").replace("28.15000", "28.15500");
    const err = parseStatementFile(Buffer.from(xml)).statements[0]!.unreadable as ValidationError;
    expect(err.errors[0]!.message).toBe(
      "relevé 1, écriture 2 : le montant 28.15500 a des fractions de centime non nulles, que la comptabilité ne peut pas tenir",
    );
  });
  it("a statement with no account block nor balances: no account, the currency from its amounts", () => {
    const [st] = parseStatementFile(fixture("no-account.camt053.001.08.xml")).statements;
    expect(st).toMatchObject({ currency: "EUR" });
    expect(st!.iban).toBeUndefined();
    expect(st!.lines.map((l) => l.amount)).toEqual([6000, -4590]);
  });
});

describe("more bank CSV layouts, found by their header (or their first rows)", () => {
  const layout = (name: string, opts = {}) => parseStatementFile(fixture(name), opts);
  it("BNP Paribas without a header row: the balance on the first row, date;;;label;amount", () => {
    const f = layout("bnp-paribas-sans-entete-2025-02.csv");
    expect(f.variant).toBe("bnp-paribas-sans-entete");
    expect(f.statements[0]!.closing).toEqual({ date: "2025-02-28", amount: 341630 });
    expect(f.statements[0]!.lines.map((l) => l.amount)).toEqual([120000, -8430, -570]);
    expect(f.statements[0]!.lines[0]!.label).toContain("SÈTE");
  });
  it("Caisse d'Épargne: the line is dated by its booking date, not the operation date", () => {
    const f = layout("caisse-epargne-2025-02.csv");
    expect(f.variant).toBe("caisse-epargne");
    expect(f.statements[0]!.lines.map((l) => [l.date, l.valueDate ?? null, l.amount])).toEqual([
      ["2025-02-28", null, -6420],
      ["2025-03-03", null, 250000],
    ]);
  });
  it("Boursorama: the account column splits the export into one statement per account", () => {
    const f = layout("boursorama-2025-02.csv");
    expect(f.variant).toBe("boursorama");
    expect(f.statements.map((s) => [s.accountNumber, s.lines.map((l) => l.amount)])).toEqual([
      ["00041234", [5000, -2345, -20000]],
      ["00047777", [20000]],
    ]);
  });
  it("Fortuneo, whose header lost its accents (U+FFFD): debit and credit columns", () => {
    const f = layout("fortuneo-2025-02.csv");
    expect(f.variant).toBe("fortuneo");
    expect(f.statements[0]!.lines.map((l) => [l.date, l.amount])).toEqual([
      ["2025-02-18", -3250],
      ["2025-02-10", 4000],
      ["2025-02-03", -1999],
    ]);
  });
  it("LCL, Qonto (declined lines left out, dates with a time), Shine", () => {
    expect(layout("lcl-2025-02.csv").statements[0]!.lines.map((l) => l.amount)).toEqual([-4500, 30000, -125000]);
    const q = layout("qonto-2025-02.csv");
    expect(q.variant).toBe("qonto");
    expect(q.statements[0]!.lines.map((l) => [l.date, l.valueDate ?? null, l.amount])).toEqual([
      ["2025-02-03", "2025-02-02", -1890],
      ["2025-02-10", null, 125000],
    ]);
    const sh = layout("shine-2025-02.csv");
    expect(sh.variant).toBe("shine");
    expect(sh.statements[0]!.lines.map((l) => l.amount)).toEqual([-2419, 15000]);
  });
  it("a named preset that does not fit the file says so, in French", () => {
    expect(() => layout("lcl-2025-02.csv", { preset: "qonto" })).toThrow(/n'a pas la mise en page Qonto/);
  });
  it("a CSV line that is not a date names the line", () => {
    const csv = "Date;Libellé;Montant\n01/02/2025;A;1,00\n3 février;B;2,00\n";
    expect(() => parseStatementFile(Buffer.from(csv))).toThrow(
      expect.objectContaining({ errors: [{ path: "(body)", message: 'ligne 3 : "3 février" n\'est pas une date (colonne 1)' }] }),
    );
  });
});

describe("format sniffing", () => {
  it("tells CAMT, OFX and CSV apart", () => {
    expect(sniffFormat(fixture("november-2024.camt053.001.08.xml"))).toBe("camt053");
    expect(sniffFormat(fixture("december-2024.ofx"))).toBe("ofx");
    expect(sniffFormat(fixture("bnp-paribas-2025-01.csv"))).toBe("csv");
  });
});
