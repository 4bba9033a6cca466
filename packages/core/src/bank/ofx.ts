/**
 * OFX bank statements: 1.x (SGML: a plain-text header, then tags whose leaf elements have no
 * closing tag) and 2.x (XML). The SGML body is turned into XML by `sgmlToXml` (closing every leaf
 * element), then both are read by fast-xml-parser.
 */
import { XMLParser } from "fast-xml-parser";
import { ValidationError } from "../errors.js";
import type { ParsedFile, ParsedLine, ParsedStatement } from "./model.js";
import { cleanLabel, parseAmount, parseDate } from "./text.js";

type X = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === "STMTTRN" || name === "STMTTRNRS",
});

const unreadable = (message: string) => new ValidationError([{ path: "(body)", message }], "The statement file cannot be read.");

const escapeXml = (s: string) =>
  s
    .replace(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/gi, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");

/**
 * OFX 1.x SGML → XML: `<TRNAMT>-12,50` becomes `<TRNAMT>-12,50</TRNAMT>`. An element followed by
 * text is a leaf (closed here unless the file closes it itself); an element followed by another tag
 * is an aggregate, closed by the file.
 */
export function sgmlToXml(body: string): string {
  const out: string[] = [];
  const re = /<(\/?)([A-Za-z0-9_.]+)\s*>([^<]*)/g;
  let m: RegExpExecArray | null;
  const tokens: Array<{ close: boolean; name: string; text: string }> = [];
  while ((m = re.exec(body))) tokens.push({ close: m[1] === "/", name: m[2]!.toUpperCase(), text: m[3]! });
  tokens.forEach((t, i) => {
    if (t.close) {
      out.push(`</${t.name}>`);
      return;
    }
    const value = t.text.trim();
    const next = tokens[i + 1];
    if (value && !(next?.close && next.name === t.name)) out.push(`<${t.name}>${escapeXml(value)}</${t.name}>`);
    else out.push(`<${t.name}>${escapeXml(value)}`);
  });
  return out.join("");
}

const str = (v: unknown): string | undefined => (v === undefined || v === null || typeof v === "object" ? undefined : String(v));
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as X)[k] : undefined), v);
const list = (v: unknown): X[] => (Array.isArray(v) ? (v as X[]) : v ? [v as X] : []);

/** The OFX header's declared charset (`CHARSET:1252`, `ENCODING:UTF-8`, `<?xml encoding=…?>`). */
export function ofxCharset(head: string): string | undefined {
  const xml = /<\?xml[^>]*encoding=["']([^"']+)["']/i.exec(head)?.[1];
  if (xml) return xml;
  if (/ENCODING:\s*UTF-?8/i.test(head)) return "utf-8";
  const cs = /CHARSET:\s*([\w-]+)/i.exec(head)?.[1];
  if (cs && /^\d+$/.test(cs)) return `windows-${cs}`;
  if (cs && /8859-?1\b|ISO-8859-1/i.test(cs)) return "windows-1252";
  return cs && cs.toUpperCase() !== "NONE" ? cs : undefined;
}

export function parseOfx(textIn: string): ParsedFile {
  const start = textIn.search(/<OFX>/i);
  if (start < 0) throw unreadable("not an OFX file (no <OFX> element)");
  const head = textIn.slice(0, start);
  const isXml = /<\?xml/i.test(head) || /<\?OFX/i.test(head);
  const body = textIn.slice(start);
  let doc: X;
  try {
    doc = parser.parse(isXml ? body : sgmlToXml(body)) as X;
  } catch (err) {
    throw unreadable(`the OFX body cannot be read (${(err as Error).message.split("\n")[0]})`);
  }
  const version = isXml ? (/<\?OFX[^>]*\bVERSION="(\d+)"/i.exec(head)?.[1] ?? "200") : (/VERSION:\s*(\d+)/i.exec(head)?.[1] ?? "102");
  const rs = list(at(doc, "OFX", "BANKMSGSRSV1", "STMTTRNRS"));
  if (!rs.length) throw unreadable("the OFX file holds no bank statement (BANKMSGSRSV1/STMTTRNRS)");
  const statements: ParsedStatement[] = rs.map((r, s) => {
    const st = at(r, "STMTRS") as X | undefined;
    const where = `statement ${s + 1}`;
    if (!st) throw unreadable(`${where}: no STMTRS`);
    const acct = at(st, "BANKACCTFROM") as X | undefined;
    const bank = str(at(acct, "BANKID")) ?? "";
    const branch = str(at(acct, "BRANCHID")) ?? "";
    const number = str(at(acct, "ACCTID")) ?? "";
    const lines: ParsedLine[] = list(at(st, "BANKTRANLIST", "STMTTRN")).map((t, i) => {
      const w = `${where} transaction ${i + 1}`;
      const amount = parseAmount(str(t.TRNAMT));
      if (amount === undefined) throw unreadable(`${w}: TRNAMT ${JSON.stringify(str(t.TRNAMT) ?? null)} is not an amount`);
      const date = parseDate(str(t.DTPOSTED));
      if (!date) throw unreadable(`${w}: DTPOSTED is not a date`);
      const valueDate = parseDate(str(t.DTAVAIL) ?? str(t.DTUSER));
      const name = cleanLabel(str(t.NAME));
      const memo = cleanLabel(str(t.MEMO));
      const label = cleanLabel([name, memo && memo !== name ? memo : ""].join(" ")) || "(sans libellé)";
      const fitid = str(t.FITID);
      const ref = str(t.REFNUM) ?? str(t.CHECKNUM);
      return {
        date,
        ...(valueDate ? { valueDate } : {}),
        amount,
        label,
        ...(name ? { counterparty: name } : {}),
        ...(fitid ? { bankRef: fitid } : {}),
        ...(ref ? { reference: ref } : {}),
      };
    });
    const balAmt = parseAmount(str(at(st, "LEDGERBAL", "BALAMT")));
    const balDate = parseDate(str(at(st, "LEDGERBAL", "DTASOF")));
    const from = parseDate(str(at(st, "BANKTRANLIST", "DTSTART")));
    const to = parseDate(str(at(st, "BANKTRANLIST", "DTEND")));
    return {
      accountNumber: [bank, branch, number].join(" ").trim(),
      currency: str(at(st, "CURDEF")) ?? "",
      ...(balAmt !== undefined && (balDate ?? to) ? { closing: { date: (balDate ?? to)!, amount: balAmt } } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      lines,
    };
  });
  return { format: "ofx", variant: `OFX ${version}`, statements };
}
