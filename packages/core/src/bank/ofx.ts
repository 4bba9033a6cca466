/**
 * OFX statements: 1.x (SGML: a plain-text header, then tags whose leaf elements have no closing
 * tag, and empty elements such as `<TRNUID>` followed by another tag) and 2.x (XML). Both are read
 * by one tolerant tree builder (`ofxTree`): an element followed by text is a leaf; an element
 * followed by a tag stays open until its closing tag, and if that never comes (an empty element) its
 * would-be children are given back to its parent. No XML parser, so no entity ever expands; a
 * DOCTYPE or an entity declaration is refused.
 *
 * Bank statements (`STMTRS`, account in `BANKACCTFROM`) and credit-card statements (`CCSTMTRS`,
 * card in `CCACCTFROM`), several per file, each with one or more `BANKTRANLIST`.
 */
import { ValidationError } from "../errors.js";
import { refuseDoctype, unreadable } from "./errors.js";
import type { ParsedFile, ParsedLine, ParsedStatement } from "./model.js";
import { cleanLabel, parseDate, parseDecimalAmount } from "./text.js";

export interface OfxNode {
  name: string;
  text?: string;
  children: OfxNode[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });

/** The OFX body (from `<OFX>`) as a tree; SGML and XML alike. */
export function ofxTree(body: string): OfxNode {
  const clean = body.replace(/<!--[\s\S]*?-->/g, "").replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, t: string) => t.replace(/</g, "&lt;"));
  const re = /<(\/?)([A-Za-z0-9_.]+)([^<>]*)>([^<]*)/g;
  const tokens: Array<{ close: boolean; name: string; selfClosing: boolean; text: string }> = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(clean))) tokens.push({ close: m[1] === "/", name: m[2]!.toUpperCase(), selfClosing: m[3]!.trim().endsWith("/"), text: m[4]! });
  const root: OfxNode = { name: "#root", children: [] };
  const stack: OfxNode[] = [root];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.close) {
      let at = -1;
      for (let k = stack.length - 1; k > 0; k--)
        if (stack[k]!.name === t.name) {
          at = k;
          break;
        }
      if (at > 0) {
        // Unclosed elements above the one closed here were empty ones.
        while (stack.length - 1 > at) {
          const node = stack.pop()!;
          stack[stack.length - 1]!.children.push(...node.children);
          node.children = [];
        }
        stack.pop();
      }
      continue;
    }
    const node: OfxNode = { name: t.name, children: [] };
    stack[stack.length - 1]!.children.push(node);
    const value = decodeEntities(t.text.trim());
    const next = tokens[i + 1];
    const closedNext = !!next?.close && next.name === t.name;
    if (t.selfClosing) continue;
    if (value) node.text = value;
    if (closedNext) i++;
    else if (!value) stack.push(node);
  }
  // Elements still open at the end (a truncated file) keep what they hold.
  return root;
}

const kids = (n: OfxNode | undefined, name: string) => (n ? n.children.filter((c) => c.name === name) : []);
const kid = (n: OfxNode | undefined, name: string) => n?.children.find((c) => c.name === name);
const txt = (n: OfxNode | undefined, ...path: string[]): string | undefined => {
  let cur = n;
  for (const p of path) cur = kid(cur, p);
  return cur?.text;
};
/** The nodes named `names` below `n`, in document order, not looking inside a match. Iterative: a file nested 300 000 deep must not overflow the stack. */
function findAll(n: OfxNode, names: Set<string>): OfxNode[] {
  const out: OfxNode[] = [];
  const stack: OfxNode[] = [...n.children].reverse();
  while (stack.length) {
    const c = stack.pop()!;
    if (names.has(c.name)) out.push(c);
    else for (let i = c.children.length - 1; i >= 0; i--) stack.push(c.children[i]!);
  }
  return out;
}

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

function amountOf(raw: string | undefined, where: string, what: string): number {
  const value = parseDecimalAmount(raw, { comma: true });
  if (value === "sub-cent")
    throw unreadable(`${where} : le montant ${what} ${raw} a des fractions de centime non nulles, que la comptabilité ne peut pas tenir`);
  if (value === undefined)
    throw unreadable(
      raw === undefined
        ? `${where} : pas de montant ${what}`
        : `${where} : le montant ${what} ${JSON.stringify(raw)} n'est pas un nombre décimal (point ou virgule, sans séparateur de milliers)`,
    );
  return value;
}

function readStatement(st: OfxNode, where: string): Omit<ParsedStatement, "iban" | "accountNumber" | "card"> {
  const lines: ParsedLine[] = [];
  const lists = kids(st, "BANKTRANLIST");
  let n = 0;
  for (const list of lists)
    for (const t of kids(list, "STMTTRN")) {
      n++;
      const fitid = txt(t, "FITID");
      const w = `${where}, opération ${n}${fitid ? ` (FITID ${fitid})` : ""}`;
      const amount = amountOf(txt(t, "TRNAMT"), w, "TRNAMT");
      // DTPOSTED is the booking date; some banks give only the transaction's date (DTUSER).
      const posted = txt(t, "DTPOSTED") ?? txt(t, "DTUSER");
      const date = parseDate(posted);
      if (!date) throw unreadable(`${w} : ${posted === undefined ? "pas de date DTPOSTED" : `la date DTPOSTED ${JSON.stringify(posted)} n'est pas une date`}`);
      const valueDate = parseDate(txt(t, "DTAVAIL") ?? (txt(t, "DTPOSTED") ? txt(t, "DTUSER") : undefined));
      const name = cleanLabel(txt(t, "NAME") ?? txt(t, "PAYEE", "NAME"));
      const memo = cleanLabel(txt(t, "MEMO"));
      const label = cleanLabel([name, memo && memo !== name ? memo : ""].join(" ")) || "(sans libellé)";
      const ref = txt(t, "REFNUM") ?? txt(t, "CHECKNUM");
      lines.push({
        date,
        ...(valueDate && valueDate !== date ? { valueDate } : {}),
        amount,
        label,
        ...(name ? { counterparty: name } : {}),
        ...(fitid ? { bankRef: fitid } : {}),
        ...(ref ? { reference: ref } : {}),
      });
    }
  const balRaw = txt(st, "LEDGERBAL", "BALAMT");
  const balAmt = balRaw === undefined ? undefined : amountOf(balRaw, `${where}, solde LEDGERBAL`, "BALAMT");
  const balDate = parseDate(txt(st, "LEDGERBAL", "DTASOF"));
  const starts = lists.map((l) => parseDate(txt(l, "DTSTART"))).filter((d): d is string => !!d);
  const ends = lists.map((l) => parseDate(txt(l, "DTEND"))).filter((d): d is string => !!d);
  const from = starts.sort()[0];
  const to = ends.sort().at(-1);
  return {
    currency: (txt(st, "CURDEF") ?? "").toUpperCase(),
    ...(balAmt !== undefined && (balDate ?? to) ? { closing: { date: (balDate ?? to)!, amount: balAmt } } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    lines,
  };
}

export function parseOfx(textIn: string): ParsedFile {
  const start = textIn.search(/<OFX>/i);
  if (start < 0) throw unreadable("ce n'est pas un fichier OFX (pas d'élément <OFX>)");
  refuseDoctype(textIn);
  const head = textIn.slice(0, start);
  const isXml = /<\?xml/i.test(head) || /<\?OFX/i.test(head);
  const tree = ofxTree(textIn.slice(start));
  const version = isXml ? (/<\?OFX[^>]*\bVERSION="(\d+)"/i.exec(head)?.[1] ?? "200") : (/VERSION:\s*(\d+)/i.exec(head)?.[1] ?? "102");
  const found = findAll(tree, new Set(["STMTRS", "CCSTMTRS"]));
  if (!found.length) throw unreadable("le fichier OFX ne contient aucun relevé de compte (STMTRS) ni de carte (CCSTMTRS)");
  const statements: ParsedStatement[] = found.map((st, s) => {
    const where = `relevé ${s + 1}`;
    const card = st.name === "CCSTMTRS";
    const acct = kid(st, card ? "CCACCTFROM" : "BANKACCTFROM");
    const number = txt(acct, "ACCTID") ?? "";
    const account = card
      ? { ...(number ? { card: number, accountNumber: number } : {}) }
      : { accountNumber: [txt(acct, "BANKID") ?? "", txt(acct, "BRANCHID") ?? "", number].join(" ").replace(/\s+/g, " ").trim() };
    if (!account.accountNumber) delete account.accountNumber;
    try {
      return { ...account, ...readStatement(st, where) };
    } catch (err) {
      if (err instanceof ValidationError) return { ...account, currency: "", lines: [], unreadable: err };
      throw err;
    }
  });
  return { format: "ofx", variant: `OFX ${version}`, statements };
}
