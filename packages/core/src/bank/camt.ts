/**
 * ISO 20022 CAMT.053 (bank-to-customer statement), versions `.001.02` and `.001.08` (the others of
 * the family read the same). Booked entries only; a batch entry whose details carry their own
 * amounts gives one line per detail; several statements (accounts) per file.
 */
import { XMLParser } from "fast-xml-parser";
import { ValidationError } from "../errors.js";
import { refuseDoctype, unreadable } from "./errors.js";
import type { ParsedBalance, ParsedFile, ParsedLine, ParsedStatement } from "./model.js";
import { cleanLabel, compactIban, parseDate, parseDecimalAmount } from "./text.js";

type X = Record<string, unknown> & { "#text"?: string };

const ARRAYS = new Set(["Stmt", "Bal", "Ntry", "NtryDtls", "TxDtls", "Ustrd", "Strd", "AddtlNtryInf"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => ARRAYS.has(name),
});

const text = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "object") return (v as X)["#text"] as string | undefined;
  return String(v);
};
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as X)[k] : undefined), v);
const list = (v: unknown): X[] => (Array.isArray(v) ? (v as X[]) : v ? [v as X] : []);

/** `<Amt Ccy="EUR">12.50</Amt>` with its `CdtDbtInd` → signed cents and currency (ISO: a point, up to five decimals). */
function amountOf(amt: unknown, indicator: unknown, where: string): { amount: number; currency: string } {
  const raw = text(amt);
  const value = parseDecimalAmount(raw);
  const currency = (amt && typeof amt === "object" ? ((amt as X)["@Ccy"] as string | undefined) : undefined) ?? "";
  if (value === "sub-cent") throw unreadable(`${where} : le montant ${raw} a des fractions de centime non nulles, que la comptabilité ne peut pas tenir`);
  if (value === undefined)
    throw unreadable(`${where} : le montant ${JSON.stringify(raw ?? null)} n'est pas un nombre décimal ISO 20022 (point décimal, cinq décimales au plus)`);
  const ind = text(indicator);
  if (ind !== "CRDT" && ind !== "DBIT") throw unreadable(`${where} : CdtDbtInd doit valoir CRDT ou DBIT (trouvé ${JSON.stringify(ind ?? null)})`);
  return { amount: ind === "DBIT" ? -value : value, currency };
}

/** `Dt` or `DtTm`, as a date. */
const dateOf = (v: unknown): string | undefined => parseDate(text(at(v, "Dt")) ?? text(at(v, "DtTm")));

/** Status: `.02` writes `<Sts>BOOK</Sts>`, `.08` `<Sts><Cd>BOOK</Cd></Sts>`. */
const statusOf = (ntry: X) => text(at(ntry, "Sts", "Cd")) ?? text(ntry.Sts);

/** A party's name: `.02` `Dbtr/Nm`, `.08` `Dbtr/Pty/Nm`. */
const partyName = (v: unknown): string | undefined => text(at(v, "Pty", "Nm")) ?? text(at(v, "Nm"));

function remittance(tx: X | undefined): string {
  if (!tx) return "";
  const parts = list(at(tx, "RmtInf", "Ustrd")).map((u) => text(u) ?? "");
  for (const s of list(at(tx, "RmtInf", "Strd"))) {
    const ref = text(at(s, "CdtrRefInf", "Ref"));
    if (ref) parts.push(ref);
  }
  return cleanLabel(parts.join(" "));
}

function balance(bals: X[], codes: string[], where: string): ParsedBalance | undefined {
  for (const code of codes) {
    const b = bals.find((x) => text(at(x, "Tp", "CdOrPrtry", "Cd")) === code);
    if (!b) continue;
    const { amount } = amountOf(b.Amt, b.CdtDbtInd, `${where}, solde ${code}`);
    const date = dateOf(b.Dt);
    if (!date) throw unreadable(`${where}, solde ${code} : pas de date`);
    return { date, amount };
  }
  return undefined;
}

function linesOfEntry(ntry: X, where: string, currency: string): ParsedLine[] {
  const { amount, currency: ccy } = amountOf(ntry.Amt, ntry.CdtDbtInd, where);
  if (ccy && currency && ccy !== currency) throw unreadable(`${where} : un montant en ${ccy} dans un relevé tenu en ${currency}`);
  const date = dateOf(ntry.BookgDt);
  if (!date)
    throw unreadable(
      `${where} : pas de date de comptabilisation lisible (BookgDt ${JSON.stringify(text(at(ntry.BookgDt, "Dt")) ?? text(at(ntry.BookgDt, "DtTm")) ?? null)})`,
    );
  const valueDate = dateOf(ntry.ValDt);
  const bankRef = text(ntry.AcctSvcrRef);
  const info = cleanLabel(
    list(ntry.AddtlNtryInf)
      .map((x) => text(x) ?? "")
      .join(" "),
  );
  const details = list(ntry.NtryDtls).flatMap((d) => list(d.TxDtls));

  const lineOf = (tx: X | undefined, amt: number): ParsedLine => {
    const credit = amt > 0;
    const party = partyName(at(tx, "RltdPties", credit ? "Dbtr" : "Cdtr")) ?? partyName(at(tx, "RltdPties", credit ? "Cdtr" : "Dbtr"));
    const rmt = remittance(tx);
    const label =
      cleanLabel([info, party && !info.includes(party) ? party : "", rmt].filter(Boolean).join(" ")) ||
      cleanLabel(text(at(tx, "AddtlTxInf"))) ||
      "(sans libellé)";
    const reference = text(at(tx, "Refs", "EndToEndId"));
    const txRef = text(at(tx, "Refs", "AcctSvcrRef"));
    return {
      date,
      ...(valueDate ? { valueDate } : {}),
      amount: amt,
      label,
      ...(party ? { counterparty: cleanLabel(party) } : {}),
      ...((txRef ?? bankRef) ? { bankRef: (txRef ?? bankRef)! } : {}),
      ...(reference && reference !== "NOTPROVIDED" ? { reference } : {}),
    };
  };

  if (details.length > 1) {
    // A batch: one line per detail, if every detail says its amount and they add up to the entry.
    const amounts = details.map((tx, i) => {
      const a = at(tx, "Amt") ?? at(tx, "AmtDtls", "TxAmt", "Amt");
      if (a === undefined) return undefined;
      return amountOf(a, tx.CdtDbtInd ?? ntry.CdtDbtInd, `${where}, détail ${i + 1}`).amount;
    });
    if (amounts.every((a): a is number => a !== undefined) && amounts.reduce((s, a) => s + a, 0) === amount)
      return details.map((tx, i) => lineOf(tx, amounts[i]!));
  }
  return [lineOf(details[0], amount)];
}

export function parseCamt(xml: string): ParsedFile {
  refuseDoctype(xml);
  let doc: X;
  try {
    doc = parser.parse(xml, true) as X;
  } catch (err) {
    throw unreadable(`XML mal formé (${(err as Error).message.split("\n")[0]})`);
  }
  const root = at(doc, "Document") as X | undefined;
  const stmts = list(at(root, "BkToCstmrStmt", "Stmt"));
  if (!root || !at(root, "BkToCstmrStmt")) throw unreadable("ce n'est pas un relevé CAMT.053 (pas de Document/BkToCstmrStmt)");
  const variant = /camt\.053\.\d{3}\.\d{2}/.exec(xml.slice(0, 2000))?.[0] ?? "camt.053";
  const statements: ParsedStatement[] = stmts.map((st, s) => {
    const where = `relevé ${s + 1}`;
    const iban = text(at(st, "Acct", "Id", "IBAN"));
    const other = text(at(st, "Acct", "Id", "Othr", "Id"));
    const account = { ...(iban ? { iban: compactIban(iban) } : {}), ...(!iban && other ? { accountNumber: other } : {}) };
    try {
      return { ...account, ...readStatement(st, where) };
    } catch (err) {
      // A statement that cannot be read is refused only if it is to be imported (not one of a skipped account).
      if (err instanceof ValidationError) return { ...account, currency: "", lines: [], unreadable: err };
      throw err;
    }
  });
  if (!statements.length) throw unreadable("le fichier CAMT.053 ne contient aucun relevé (Stmt)");
  return { format: "camt053", variant, statements };
}

function readStatement(st: X, where: string): Omit<ParsedStatement, "iban" | "accountNumber"> {
  const bals = list(st.Bal);
  const entries = list(st.Ntry);
  const ccyOf = (v: unknown) => (v as X | undefined)?.["@Ccy"] as string | undefined;
  // The account's currency; a statement without an account block says it through its amounts.
  const currency = text(at(st, "Acct", "Ccy")) ?? ccyOf(at(bals[0], "Amt")) ?? ccyOf(at(entries[0], "Amt")) ?? "";
  bals.forEach((b, i) => {
    const c = ccyOf(at(b, "Amt"));
    if (c && currency && c !== currency) throw unreadable(`${where}, solde ${i + 1} : un solde en ${String(c)} dans un relevé tenu en ${currency}`);
  });
  const lines = entries.flatMap((n, i) => (statusOf(n) === "BOOK" ? linesOfEntry(n, `${where}, écriture ${i + 1}`, currency) : []));
  const from = dateOf(at(st, "FrToDt", "FrDtTm") ? { DtTm: at(st, "FrToDt", "FrDtTm") } : undefined);
  const to = dateOf(at(st, "FrToDt", "ToDtTm") ? { DtTm: at(st, "FrToDt", "ToDtTm") } : undefined);
  return {
    currency,
    ...opt("opening", balance(bals, ["OPBD", "PRCD"], where)),
    ...opt("closing", balance(bals, ["CLBD"], where)),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    lines,
  };
}

const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as { [P in K]: V }));
