/**
 * ISO 20022 CAMT.053 (bank-to-customer statement), versions `.001.02` and `.001.08` (the others of
 * the family read the same). Booked entries only; a batch entry whose details carry their own
 * amounts gives one line per detail; several statements (accounts) per file.
 */
import { XMLParser } from "fast-xml-parser";
import { ValidationError } from "../errors.js";
import type { ParsedBalance, ParsedFile, ParsedLine, ParsedStatement } from "./model.js";
import { cleanLabel, compactIban, parseAmount, parseDate } from "./text.js";

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

const unreadable = (message: string) => new ValidationError([{ path: "(body)", message }], "The statement file cannot be read.");

const text = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "object") return (v as X)["#text"] as string | undefined;
  return String(v);
};
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as X)[k] : undefined), v);
const list = (v: unknown): X[] => (Array.isArray(v) ? (v as X[]) : v ? [v as X] : []);

/** `<Amt Ccy="EUR">12.50</Amt>` with its `CdtDbtInd` → signed cents and currency. */
function amountOf(amt: unknown, indicator: unknown, where: string): { amount: number; currency: string } {
  const value = parseAmount(text(amt));
  const currency = (amt && typeof amt === "object" ? ((amt as X)["@Ccy"] as string | undefined) : undefined) ?? "";
  if (value === undefined) throw unreadable(`${where}: the amount ${JSON.stringify(text(amt) ?? null)} is not a decimal amount`);
  const ind = text(indicator);
  if (ind !== "CRDT" && ind !== "DBIT") throw unreadable(`${where}: CdtDbtInd must be CRDT or DBIT`);
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
    const { amount } = amountOf(b.Amt, b.CdtDbtInd, `${where} balance ${code}`);
    const date = dateOf(b.Dt);
    if (!date) throw unreadable(`${where} balance ${code}: no date`);
    return { date, amount };
  }
  return undefined;
}

function linesOfEntry(ntry: X, where: string, currency: string): ParsedLine[] {
  const { amount, currency: ccy } = amountOf(ntry.Amt, ntry.CdtDbtInd, where);
  if (ccy && ccy !== currency) throw unreadable(`${where}: amount in ${ccy} on an account kept in ${currency}`);
  const date = dateOf(ntry.BookgDt);
  if (!date) throw unreadable(`${where}: no booking date (BookgDt)`);
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
      return amountOf(a, tx.CdtDbtInd ?? ntry.CdtDbtInd, `${where} detail ${i + 1}`).amount;
    });
    if (amounts.every((a): a is number => a !== undefined) && amounts.reduce((s, a) => s + a, 0) === amount)
      return details.map((tx, i) => lineOf(tx, amounts[i]!));
  }
  return [lineOf(details[0], amount)];
}

export function parseCamt(xml: string): ParsedFile {
  let doc: X;
  try {
    doc = parser.parse(xml, true) as X;
  } catch (err) {
    throw unreadable(`not well-formed XML (${(err as Error).message.split("\n")[0]})`);
  }
  const root = at(doc, "Document") as X | undefined;
  const stmts = list(at(root, "BkToCstmrStmt", "Stmt"));
  if (!root || !at(root, "BkToCstmrStmt")) throw unreadable("not a CAMT.053 statement (no Document/BkToCstmrStmt)");
  const variant = /camt\.053\.\d{3}\.\d{2}/.exec(xml.slice(0, 2000))?.[0] ?? "camt.053";
  const statements: ParsedStatement[] = stmts.map((st, s) => {
    const where = `statement ${s + 1}`;
    const iban = text(at(st, "Acct", "Id", "IBAN"));
    const other = text(at(st, "Acct", "Id", "Othr", "Id"));
    const bals = list(st.Bal);
    const currency = text(at(st, "Acct", "Ccy")) ?? ((at(bals[0], "Amt") as X | undefined)?.["@Ccy"] as string | undefined) ?? "";
    for (const b of bals) {
      const c = (at(b, "Amt") as X | undefined)?.["@Ccy"];
      if (c && currency && c !== currency) throw unreadable(`${where}: balance in ${String(c)} on an account kept in ${currency}`);
    }
    const lines = list(st.Ntry)
      .filter((n) => statusOf(n) === "BOOK")
      .flatMap((n, i) => linesOfEntry(n, `${where} entry ${i + 1}`, currency));
    const from = dateOf(at(st, "FrToDt", "FrDtTm") ? { DtTm: at(st, "FrToDt", "FrDtTm") } : undefined);
    const to = dateOf(at(st, "FrToDt", "ToDtTm") ? { DtTm: at(st, "FrToDt", "ToDtTm") } : undefined);
    return {
      ...(iban ? { iban: compactIban(iban) } : {}),
      ...(!iban && other ? { accountNumber: other } : {}),
      currency,
      ...opt("opening", balance(bals, ["OPBD", "PRCD"], where)),
      ...opt("closing", balance(bals, ["CLBD"], where)),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      lines,
    };
  });
  if (!statements.length) throw unreadable("the CAMT.053 file holds no statement (Stmt)");
  return { format: "camt053", variant, statements };
}

const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as { [P in K]: V }));
