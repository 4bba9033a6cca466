/**
 * `npx tsx bench/bank-files.ts` (or `BENCH_ONLY=bank-files npm run bench`): the statement formats
 * read from their bytes, 10 000 lines each (CAMT.053, OFX 1.x SGML, a French bank CSV), and the bomb
 * files (a zip bomb, an XLSX <dimension> bomb, an XML entity expansion): time to the refusal and the
 * process's peak RSS. Parsing only (no DynamoDB); bench/bank.ts measures the import through HTTP.
 */
import { deflateRawSync } from "node:zlib";
import { strToU8, zipSync } from "fflate";
import { parseStatementFile } from "@asso/core/bank/parse";
import { parseSocialFile } from "@asso/core/social/imports";

const N = Number(process.env.BENCH_BANK_LINES ?? 10_000);
const day = (i: number) => new Date(Date.UTC(2025, 0, 1 + Math.floor((i * 365) / N))).toISOString().slice(0, 10);
const amount = (i: number) => ((i * 7919) % 200000) - 90000 || 100;
const peak = () => `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;

function camt() {
  let total = 0;
  const e: string[] = [];
  for (let i = 0; i < N; i++) {
    const a = amount(i);
    total += a;
    e.push(
      `<Ntry><Amt Ccy="EUR">${(Math.abs(a) / 100).toFixed(3)}</Amt><CdtDbtInd>${a < 0 ? "DBIT" : "CRDT"}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${day(i)}+01:00</Dt></BookgDt><NtryDtls><TxDtls><RmtInf><Ustrd>VIR SEPA DON ${i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
    );
  }
  const bal = (c: string, v: number) =>
    `<Bal><Tp><CdOrPrtry><Cd>${c}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${(Math.abs(v) / 100).toFixed(2)}</Amt><CdtDbtInd>${v < 0 ? "DBIT" : "CRDT"}</CdtDbtInd><Dt><Dt>2025-01-01</Dt></Dt></Bal>`;
  return `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>FR7642559100000801234567812</IBAN></Id><Ccy>EUR</Ccy></Acct>${bal("OPBD", 10_000_000)}${bal("CLBD", 10_000_000 + total)}${e.join("")}</Stmt></BkToCstmrStmt></Document>`;
}
function ofx() {
  const t: string[] = [];
  for (let i = 0; i < N; i++)
    t.push(
      `<STMTTRN>\n<TRNTYPE>OTHER\n<DTPOSTED>${day(i).replaceAll("-", "")}\n<TRNAMT>${(amount(i) / 100).toFixed(2).replace(".", ",")}\n<FITID>\n<NAME>PRLV SEPA ÉNERGIE ${i}\n</STMTTRN>`,
    );
  return `OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nCHARSET:1252\n\n<OFX>\n<BANKMSGSRSV1>\n<STMTTRNRS>\n<TRNUID>\n<STMTRS>\n<CURDEF>EUR\n<BANKACCTFROM>\n<BANKID>42559\n<BRANCHID>10000\n<ACCTID>08012345678\n</BANKACCTFROM>\n<BANKTRANLIST>\n${t.join("\n")}\n</BANKTRANLIST>\n</STMTRS>\n</STMTTRNRS>\n</BANKMSGSRSV1>\n</OFX>\n`;
}
function csv() {
  const r = [
    "Date de comptabilisation;Libelle simplifie;Libelle operation;Reference;Informations complementaires;Type operation;Categorie;Sous categorie;Debit;Credit;Date operation;Date de valeur;Pointage operation",
  ];
  for (let i = 0; i < N; i++) {
    const a = amount(i);
    const d = day(i).split("-").reverse().join("/");
    const v = (Math.abs(a) / 100).toFixed(2).replace(".", ",");
    r.push(`${d};X;CB LIBRAIRIE ${i};;;Carte;;;${a < 0 ? `-${v}` : ""};${a > 0 ? `+${v}` : ""};${d};${d};0`);
  }
  return r.join("\r\n");
}

function time<T>(f: () => T): [number, T] {
  const t0 = performance.now();
  const out = f();
  return [performance.now() - t0, out];
}

console.log(`| file | size | lines | time | peak RSS |\n| --- | --- | --- | --- | --- |`);
for (const [name, make] of [
  ["CAMT.053.001.08 (3 decimals, dates with offsets)", camt],
  ["OFX 1.x SGML (empty elements, Windows-1252 declared)", ofx],
  ["CSV Caisse d'Épargne", csv],
] as const) {
  const bytes = Buffer.from(make(), "utf8");
  const [ms, f] = time(() => parseStatementFile(bytes));
  console.log(`| ${name} | ${(bytes.length / 1024 / 1024).toFixed(1)} MB | ${f.statements[0]!.lines.length} | ${ms.toFixed(0)} ms | ${peak()} |`);
}

console.log(`\n| bomb | size | answer | time to refusal | peak RSS |\n| --- | --- | --- | --- | --- |`);
const refusal = async (f: () => Promise<unknown> | unknown): Promise<[number, string]> => {
  const t0 = performance.now();
  try {
    await f();
    return [performance.now() - t0, "accepted (!)"];
  } catch (e) {
    return [performance.now() - t0, `${(e as { status?: number }).status ?? "?"}`];
  }
};
{
  const defs = Array.from({ length: 10 }, (_, i) => `<!ENTITY e${i + 1} "${`&e${i};`.repeat(10)}">`).join("");
  const bomb = Buffer.from(
    `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY e0 "ha">${defs}]><Document><BkToCstmrStmt><Stmt><Ntry><AddtlNtryInf>&e10;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>`,
  );
  const [ms, s] = await refusal(() => parseStatementFile(bomb));
  console.log(`| CAMT entity expansion (10^10 "ha") | ${bomb.length} B | ${s} | ${ms.toFixed(1)} ms | ${peak()} |`);
}
{
  const sheet = strToU8(
    `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>`,
  );
  const bomb = Buffer.from(
    zipSync({ "[Content_Types].xml": strToU8("<Types/>"), "xl/workbook.xml": strToU8("<workbook/>"), "xl/worksheets/sheet1.xml": sheet }),
  );
  const [ms, s] = await refusal(() => parseSocialFile("linkedin", bomb, { followers: 1 }));
  console.log(`| XLSX <dimension> bomb (A1:XFD1048576) | ${bomb.length} B | ${s} | ${ms.toFixed(1)} ms | ${peak()} |`);
}
{
  // 1 GB of spaces, deflated (zlib in one call keeps the bench short; the test builds it in steps).
  const data = deflateRawSync(Buffer.alloc(1024 * 1024 * 1024, 0x20), { level: 9 });
  const name = Buffer.from("Contenu 2024-03-01_2024-03-31/Totals.csv");
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(8, 8);
  h.writeUInt32LE(data.length, 18);
  h.writeUInt32LE(1024 * 1024 * 1024, 22);
  h.writeUInt16LE(name.length, 26);
  const bomb = Buffer.concat([h, name, data]);
  const rss0 = process.memoryUsage().rss;
  const [ms, s] = await refusal(() => parseSocialFile("youtube", bomb));
  const grew = Math.round((process.memoryUsage().rss - rss0) / 1024 / 1024);
  console.log(
    `| YouTube zip bomb (1 GB inflated) | ${(bomb.length / 1024).toFixed(0)} KB | ${s} | ${ms.toFixed(1)} ms | +${grew} MB during the refusal (the bench itself held the 1 GB to deflate it) |`,
  );
}
