/** The statement parsers on the project's fixtures (test/fixtures/bank): every format, every trap. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { StatementRefusedError } from "./errors.js";
import { sgmlToXml } from "./ofx.js";
import { parseStatementFile, sniffFormat } from "./parse.js";
import { parseAmount, parseDate } from "./text.js";

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
  it("reads French, ISO and compact dates, and refuses impossible ones", () => {
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

  it("the SGML normaliser closes leaves and leaves aggregates and closed leaves alone", () => {
    expect(sgmlToXml("<A><B>1<C>x & y</C><D>\n</D></A>")).toBe("<A><B>1</B><C>x &amp; y</C><D></D></A>");
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

describe("format sniffing", () => {
  it("tells CAMT, OFX and CSV apart", () => {
    expect(sniffFormat(fixture("november-2024.camt053.001.08.xml"))).toBe("camt053");
    expect(sniffFormat(fixture("december-2024.ofx"))).toBe("ofx");
    expect(sniffFormat(fixture("bnp-paribas-2025-01.csv"))).toBe("csv");
  });
});
