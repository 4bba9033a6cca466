/**
 * Bank CSV exports. French banks write `;`-separated tables with a decimal comma, in Windows-1252,
 * below a few header lines (account number, balance "Solde au …"), with labels spread over several
 * lines inside quotes, and either one signed amount column or separate debit and credit columns.
 * A preset knows one bank's layout; the generic mapping finds the columns by name (or takes the
 * names from the caller). The table is read by csv-parse.
 */
import { parse } from "csv-parse/sync";
import { ValidationError } from "../errors.js";
import { StatementRefusedError } from "./errors.js";
import type { ParsedFile, ParsedLine, ParsedStatement } from "./model.js";
import { cleanLabel, parseAmount, parseDate } from "./text.js";

export interface ColumnNames {
  date: string[];
  valueDate?: string[];
  label: string[];
  /** Columns appended to the label (Société Générale's "Détail de l'écriture"). */
  detail?: string[];
  amount?: string[];
  debit?: string[];
  credit?: string[];
  /** Running balance after each line (Crédit Mutuel). */
  balance?: string[];
  currency?: string[];
}

export interface CsvPreset {
  id: string;
  bank: string;
  columns: ColumnNames;
  /** How the file's header lines give the closing balance: a date and an amount. */
  closing?: (header: string[][]) => { date: string; amount: number } | undefined;
}

/** Lower case, no accents, single spaces: how column names are compared. */
export const norm = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9()]+/g, " ")
    .trim();

/** "Solde au 30/11/2024 4 321,09 €" anywhere in a header line (one cell or spread over two). */
function soldeAu(header: string[][]): { date: string; amount: number } | undefined {
  for (const row of header) {
    const line = row.join(" ");
    const m = /solde\s+(?:au|du|le)\s*:?\s*(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})\s*:?\s*([-+]?[\d\s\u00a0\u202f.]*\d(?:,\d{1,2})?)/i.exec(line);
    if (m) {
      const date = parseDate(m[1]);
      const amount = parseAmount(m[2]);
      if (date && amount !== undefined) return { date, amount };
    }
  }
  return undefined;
}

/** The first header cells that look like a date then an amount (BNP Paribas' first line). */
function dateThenAmount(header: string[][]): { date: string; amount: number } | undefined {
  for (const row of header) {
    const i = row.findIndex((c) => parseDate(c));
    if (i >= 0) {
      const amount = row
        .slice(i + 1)
        .map((c) => parseAmount(c))
        .find((a) => a !== undefined);
      if (amount !== undefined) return { date: parseDate(row[i])!, amount };
    }
  }
  return undefined;
}

/** La Banque Postale: `Date ;30/11/2024` and `Solde (EUROS) ;4 321,09` on their own lines. */
function labelledLines(header: string[][]): { date: string; amount: number } | undefined {
  const cell = (name: RegExp) => header.find((r) => r[0] && name.test(norm(r[0])))?.[1];
  const date = parseDate(cell(/^date$/));
  const amount = parseAmount(cell(/^solde \(euros\)$/));
  return date && amount !== undefined ? { date, amount } : undefined;
}

export const CSV_PRESETS: CsvPreset[] = [
  {
    id: "credit-agricole",
    bank: "Crédit Agricole",
    columns: { date: ["date"], label: ["libelle"], debit: ["debit euros"], credit: ["credit euros"] },
    closing: soldeAu,
  },
  {
    id: "societe-generale",
    bank: "Société Générale",
    columns: { date: ["date de l operation"], label: ["libelle"], detail: ["detail de l ecriture"], amount: ["montant de l operation"], currency: ["devise"] },
    closing: soldeAu,
  },
  {
    id: "bnp-paribas",
    bank: "BNP Paribas",
    columns: { date: ["date operation"], label: ["libelle operation"], amount: ["montant operation"] },
    closing: dateThenAmount,
  },
  {
    id: "credit-mutuel",
    bank: "Crédit Mutuel / CIC",
    columns: {
      date: ["date", "date d operation"],
      valueDate: ["date de valeur"],
      label: ["libelle"],
      debit: ["debit"],
      credit: ["credit"],
      balance: ["solde"],
    },
  },
  {
    id: "banque-postale",
    bank: "La Banque Postale",
    columns: { date: ["date"], label: ["libelle"], amount: ["montant(euros)", "montant (euros)"] },
    closing: labelledLines,
  },
];

/** Names the generic mapping tries when the caller names no column. */
const GENERIC: ColumnNames = {
  date: ["date", "date operation", "date de l operation", "date comptable", "booking date", "date d operation"],
  valueDate: ["date de valeur", "value date", "date valeur"],
  label: ["libelle", "libelle operation", "label", "description", "intitule", "libelle de l operation"],
  amount: ["montant", "amount", "montant operation", "montant (eur)", "montant(euros)"],
  debit: ["debit", "debit euros", "debit (eur)"],
  credit: ["credit", "credit euros", "credit (eur)"],
  balance: ["solde"],
  currency: ["devise", "currency"],
};

export interface CsvOptions {
  preset?: string;
  /** Generic mapping: the caller's column names. */
  columns?: Partial<Record<keyof ColumnNames, string>>;
  delimiter?: string;
}

const unreadable = (message: string) => new ValidationError([{ path: "(body)", message }], "The statement file cannot be read.");

function findColumns(header: string[], names: ColumnNames): Record<keyof ColumnNames, number> | undefined {
  const cells = header.map(norm);
  const find = (cands?: string[]) => (cands ? cells.findIndex((c) => cands.map(norm).includes(c)) : -1);
  const idx = {
    date: find(names.date),
    valueDate: find(names.valueDate),
    label: find(names.label),
    detail: find(names.detail),
    amount: find(names.amount),
    debit: find(names.debit),
    credit: find(names.credit),
    balance: find(names.balance),
    currency: find(names.currency),
  };
  if (idx.date < 0 || idx.label < 0) return undefined;
  if (idx.amount < 0 && (idx.debit < 0 || idx.credit < 0)) return undefined;
  return idx;
}

function guessDelimiter(text: string): string {
  const sample = text.split(/\r?\n/).slice(0, 30).join("\n");
  const count = (c: string) => sample.split(c).length;
  return [";", "\t", ","].sort((a, b) => count(b) - count(a))[0]!;
}

/** An account number in the header lines: an IBAN, an 11-character French account number, a RIB. */
function accountIn(header: string[][]): string | undefined {
  const text = header.map((r) => r.join(" ")).join(" \n ");
  const iban = /\bFR\d{2}(?:\s?[0-9A-Z]{4}){5}\s?[0-9A-Z]{3}\b/.exec(text)?.[0];
  if (iban) return iban.replace(/\s/g, "");
  const rib = /="?(\d{23})"?/.exec(text)?.[1] ?? /\b(\d{5}\s?\d{5}\s?[0-9A-Z]{11}\s?\d{2})\b/.exec(text)?.[1];
  if (rib) return rib.replace(/\s/g, "");
  const n =
    /n(?:°|o|umero)\.?\s*(?:de\s+)?(?:compte\s*)?:?\s*([0-9]{7,11}[A-Z]?[0-9]{0,3})\b/i.exec(text)?.[1] ??
    /compte\s*;?\s*:?\s*;?\s*([0-9]{7}[A-Z][0-9]{3})\b/i.exec(text)?.[1];
  return n;
}

export function parseCsv(text: string, opts: CsvOptions = {}): ParsedFile {
  const delimiter = opts.delimiter ?? guessDelimiter(text);
  let rows: string[][];
  try {
    rows = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true, trim: false }) as string[][];
  } catch (err) {
    throw unreadable(`the CSV cannot be read (${(err as Error).message.split("\n")[0]})`);
  }
  const presets = opts.preset && opts.preset !== "generic" ? CSV_PRESETS.filter((p) => p.id === opts.preset) : CSV_PRESETS;
  if (opts.preset && opts.preset !== "generic" && !presets.length)
    throw new ValidationError([{ path: "preset", message: `unknown preset; one of ${[...CSV_PRESETS.map((p) => p.id), "generic"].join(", ")}` }]);
  const custom: ColumnNames | undefined = opts.columns?.date
    ? {
        date: [opts.columns.date],
        label: [opts.columns.label ?? "libelle"],
        ...(opts.columns.amount ? { amount: [opts.columns.amount] } : {}),
        ...(opts.columns.debit ? { debit: [opts.columns.debit] } : {}),
        ...(opts.columns.credit ? { credit: [opts.columns.credit] } : {}),
        ...(opts.columns.valueDate ? { valueDate: [opts.columns.valueDate] } : {}),
        ...(opts.columns.balance ? { balance: [opts.columns.balance] } : {}),
      }
    : undefined;

  // The table starts at the first row a layout recognises as its header.
  let found: { preset: CsvPreset | undefined; row: number; idx: Record<keyof ColumnNames, number> } | undefined;
  for (let r = 0; r < Math.min(rows.length, 60) && !found; r++) {
    const row = rows[r]!;
    if (custom) {
      const idx = findColumns(row, custom);
      if (idx) found = { preset: undefined, row: r, idx };
      continue;
    }
    for (const p of opts.preset === "generic" ? [] : presets) {
      const idx = findColumns(row, p.columns);
      if (idx) {
        found = { preset: p, row: r, idx };
        break;
      }
    }
    if (!found && (!opts.preset || opts.preset === "generic")) {
      const idx = findColumns(row, GENERIC);
      if (idx) found = { preset: undefined, row: r, idx };
    }
  }
  if (!found) throw unreadable("no table header found (a date, a label and an amount or debit/credit columns)");
  const { preset, idx } = found;
  const header = rows.slice(0, found.row);
  const cell = (row: string[], i: number) => (i >= 0 ? (row[i] ?? "").trim() : "");

  const lines: ParsedLine[] = [];
  const balances: number[] = [];
  let currency = "EUR";
  rows.slice(found.row + 1).forEach((row, n) => {
    if (row.every((c) => !c.trim())) return;
    const where = `line ${found!.row + n + 2}`;
    const date = parseDate(cell(row, idx.date));
    if (!date) {
      // Footer lines ("Total", "Solde final") end the table; anything else is unreadable.
      if (/^(total|solde|fin)/i.test(norm(row.join(" ")))) return;
      throw unreadable(`${where}: ${JSON.stringify(cell(row, idx.date))} is not a date`);
    }
    let amount: number | undefined;
    if (idx.amount >= 0) amount = parseAmount(cell(row, idx.amount));
    else {
      const d = cell(row, idx.debit);
      const c = cell(row, idx.credit);
      const debit = d ? parseAmount(d) : 0;
      const credit = c ? parseAmount(c) : 0;
      if (debit !== undefined && credit !== undefined) amount = Math.abs(credit) - Math.abs(debit);
    }
    if (amount === undefined) throw unreadable(`${where}: the amount is not a decimal amount`);
    const valueDate = parseDate(cell(row, idx.valueDate));
    const label = cleanLabel([cell(row, idx.label), cell(row, idx.detail)].filter(Boolean).join(" ")) || "(sans libellé)";
    const ccy = cell(row, idx.currency);
    if (ccy) {
      if (currency !== "EUR" && ccy !== currency) throw unreadable(`${where}: two currencies in one file`);
      currency = ccy.toUpperCase();
    }
    if (idx.balance >= 0) {
      const b = parseAmount(cell(row, idx.balance));
      if (b === undefined) throw unreadable(`${where}: the running balance is not an amount`);
      balances.push(b);
    }
    lines.push({ date, ...(valueDate ? { valueDate } : {}), amount, label });
  });

  const statement: ParsedStatement = { currency, lines };
  const account = accountIn(header);
  if (account) {
    if (/^[A-Z]{2}\d{2}/.test(account)) statement.iban = account;
    else statement.accountNumber = account;
  }
  const closing = preset?.closing?.(header);
  if (closing) statement.closing = closing;
  if (balances.length === lines.length && lines.length) runningBalances(statement, balances);
  return { format: "csv", variant: preset?.id ?? "generic", statements: [statement] };
}

/**
 * A running-balance column gives the opening and closing balances, and each line is checked
 * against it (in file order, or newest first as some banks list them).
 */
function runningBalances(st: ParsedStatement, balances: number[]) {
  const fits = (ls: ParsedLine[], bs: number[]) => ls.every((l, i) => i === 0 || bs[i - 1]! + l.amount === bs[i]);
  let ls = st.lines;
  let bs = balances;
  if (!fits(ls, bs)) {
    ls = [...st.lines].reverse();
    bs = [...balances].reverse();
    if (!fits(ls, bs)) {
      const i = st.lines.findIndex((l, n) => n > 0 && balances[n - 1]! + l.amount !== balances[n]);
      throw new StatementRefusedError(
        "running-balance",
        `The running balance does not follow the amounts: line ${i + 1} (${st.lines[i]!.date}, ${st.lines[i]!.amount} cents) takes ${balances[i - 1]} to ${balances[i]}, not ${balances[i - 1]! + st.lines[i]!.amount}.`,
      );
    }
  }
  const dates = ls.map((l) => l.date).sort();
  st.lines = ls;
  st.opening = { date: dates[0]!, amount: bs[0]! - ls[0]!.amount };
  st.closing = { date: dates[dates.length - 1]!, amount: bs[bs.length - 1]! };
}
