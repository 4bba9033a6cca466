/**
 * Bank CSV exports. French banks write `;`-separated tables with a decimal comma, in Windows-1252,
 * below a few header lines (account number, balance "Solde au …"), with labels spread over several
 * lines inside quotes, and either one signed amount column or separate debit and credit columns.
 * A preset knows one bank's layout; the generic mapping finds the columns by name (or takes the
 * names from the caller). The table is read by csv-parse.
 */
import { parse } from "csv-parse/sync";
import { ValidationError } from "../errors.js";
import { StatementRefusedError, unreadable } from "./errors.js";
import type { ParsedFile, ParsedLine, ParsedStatement } from "./model.js";
import { cleanLabel, formatEuros as euros, parseAmount, parseDate } from "./text.js";

const frDate = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

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
  /** The account of each line, when one export holds several accounts (Boursorama): one statement per account. */
  account?: string[];
  /** A line's status (Qonto): lines whose status is pending or declined are left out. */
  status?: string[];
}

export interface CsvPreset {
  id: string;
  bank: string;
  columns: ColumnNames;
  /** Columns the header must also have to be this bank's (they tell apart layouts sharing names). */
  also?: string[];
  /** A layout with no header row: fixed column positions, recognised by its first rows. */
  headerless?: { detect: (rows: string[][]) => boolean; first: number; idx: Partial<Record<keyof ColumnNames, number>> };
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

/**
 * A header cell against a column name: equal once normalised, where a character the bank's export
 * lost (U+FFFD, `Date op\ufffdration`) stands for one letter.
 */
function sameName(cell: string, name: string): boolean {
  const n = norm(name);
  if (!cell.includes("\ufffd")) return norm(cell) === n;
  const key = cell
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\ufffd+/g, "\u0001")
    .replace(/[^a-z0-9()\u0001]+/g, " ")
    .trim();
  const re = new RegExp(`^${key.replace(/[()]/g, "\\$&").replace(/\u0001/g, "[a-z]{0,2}")}$`);
  return re.test(n);
}

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

/** BNP Paribas' export without a header row: `label;label;****1234;31/01/2025;;2 216,30`, then `date;;;label;amount`. */
const bnpHeaderless = (rows: string[][]) => {
  const [a, b] = rows;
  return !!a && !!b && !!parseDate(a[3]?.trim()) && parseAmount(a.at(-1)) !== undefined && !!parseDate(b[0]?.trim()) && parseAmount(b[4]) !== undefined;
};

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
    id: "bnp-paribas-sans-entete",
    bank: "BNP Paribas (export sans en-tête)",
    columns: { date: [], label: [], amount: [] },
    headerless: { detect: bnpHeaderless, first: 1, idx: { date: 0, label: 3, amount: 4 } },
    closing: (header) => {
      const row = header[0];
      const date = parseDate(row?.[3]?.trim());
      const amount = parseAmount(row?.at(-1));
      return date && amount !== undefined ? { date, amount } : undefined;
    },
  },
  {
    id: "caisse-epargne",
    bank: "Caisse d'Épargne",
    // The booking date ("date de comptabilisation") dates the line, not the operation's.
    columns: {
      date: ["date de comptabilisation"],
      valueDate: ["date de valeur"],
      label: ["libelle operation"],
      debit: ["debit"],
      credit: ["credit"],
    },
  },
  {
    id: "boursorama",
    bank: "Boursorama Banque",
    columns: { date: ["dateop"], valueDate: ["dateval"], label: ["label"], amount: ["amount"], account: ["accountnum"] },
  },
  {
    id: "fortuneo",
    bank: "Fortuneo",
    columns: { date: ["date operation"], valueDate: ["date valeur"], label: ["libelle"], debit: ["debit"], credit: ["credit"] },
  },
  {
    id: "lcl",
    bank: "LCL",
    columns: { date: ["date"], label: ["libelle"], detail: ["reference"], amount: ["montant"] },
    also: ["type"],
  },
  {
    id: "qonto",
    bank: "Qonto",
    columns: {
      date: ["settlement date (utc)", "date de reglement (utc)"],
      valueDate: ["operation date (utc)", "date de l operation (utc)"],
      label: ["counterparty name", "nom de la contrepartie"],
      detail: ["reference"],
      amount: ["total amount (incl vat)", "montant total (ttc)"],
      currency: ["currency", "devise"],
      status: ["status", "statut"],
    },
  },
  {
    id: "shine",
    bank: "Shine",
    columns: { date: ["date de la transaction"], label: ["libelle"], debit: ["debit"], credit: ["credit"] },
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
  account: ["numero de compte", "n de compte", "account number", "accountnum", "compte"],
};

export interface CsvOptions {
  preset?: string;
  /** Generic mapping: the caller's column names. */
  columns?: Partial<Record<keyof ColumnNames, string>>;
  delimiter?: string;
}

type Columns = Record<keyof ColumnNames, number>;

function findColumns(header: string[], names: ColumnNames, also: string[] = []): Columns | undefined {
  const find = (cands?: string[]) => (cands?.length ? header.findIndex((c) => cands.some((k) => sameName(c, k))) : -1);
  if (also.some((a) => find([a]) < 0)) return undefined;
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
    account: find(names.account),
    status: find(names.status),
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

type Table = { preset: CsvPreset | undefined; row: number; idx: Columns; headerRow: boolean };
type Group = { lines: ParsedLine[]; balances: number[]; currency: string };

/** The columns the caller named (`?dateColumn=…`), or undefined. */
function customColumns(opts: CsvOptions): ColumnNames | undefined {
  return opts.columns?.date
    ? {
        date: [opts.columns.date],
        label: [opts.columns.label ?? "libelle"],
        ...(opts.columns.amount ? { amount: [opts.columns.amount] } : {}),
        ...(opts.columns.debit ? { debit: [opts.columns.debit] } : {}),
        ...(opts.columns.credit ? { credit: [opts.columns.credit] } : {}),
        ...(opts.columns.valueDate ? { valueDate: [opts.columns.valueDate] } : {}),
        ...(opts.columns.balance ? { balance: [opts.columns.balance] } : {}),
        ...(opts.columns.account ? { account: [opts.columns.account] } : { account: GENERIC.account! }),
      }
    : undefined;
}

/** The table starts at the first row a layout recognises as its header (or a header-less layout's first row). */
function findTable(rows: string[][], presets: CsvPreset[], custom: ColumnNames | undefined, opts: CsvOptions, named: boolean): Table {
  let found: Table | undefined;
  if (!custom && opts.preset !== "generic")
    for (const p of presets)
      if (p.headerless?.detect(rows)) {
        const idx = Object.fromEntries(
          ["date", "valueDate", "label", "detail", "amount", "debit", "credit", "balance", "currency", "account", "status"].map((k) => [k, -1]),
        ) as Columns;
        found = { preset: p, row: p.headerless.first, idx: { ...idx, ...p.headerless.idx }, headerRow: false };
        break;
      }
  for (let r = 0; r < Math.min(rows.length, 60) && !found; r++) {
    const row = rows[r]!;
    if (custom) {
      const idx = findColumns(row, custom);
      if (idx) found = { preset: undefined, row: r, idx, headerRow: true };
      continue;
    }
    for (const p of opts.preset === "generic" ? [] : presets) {
      if (p.headerless) continue;
      const idx = findColumns(row, p.columns, p.also);
      if (idx) {
        found = { preset: p, row: r, idx, headerRow: true };
        break;
      }
    }
    if (!found && !named) {
      const idx = findColumns(row, GENERIC);
      if (idx) found = { preset: undefined, row: r, idx, headerRow: true };
    }
  }
  if (!found)
    throw unreadable(
      named
        ? `ce fichier n'a pas la mise en page ${presets[0]!.bank} (modèle ${opts.preset}) : pas de ligne d'en-tête reconnue`
        : "pas de ligne d'en-tête reconnue (une colonne de date, un libellé et un montant ou des colonnes débit et crédit) ; nommez le modèle de la banque (?preset=) ou les colonnes (?dateColumn=…)",
    );
  return found;
}

/** The table's lines, one group per account of the account column (one group when there is none). */
function readLines(rows: string[][], firstLine: number, idx: Columns): Map<string, Group> {
  const cell = (row: string[], i: number) => (i >= 0 ? (row[i] ?? "").trim() : "");
  const groups = new Map<string, Group>();
  rows.slice(firstLine).forEach((row, n) => {
    if (row.every((c) => !c.trim())) return;
    const where = `ligne ${firstLine + n + 1}`;
    const date = parseDate(cell(row, idx.date));
    if (!date) {
      // Footer lines ("Total", "Solde final") end the table; anything else is unreadable.
      if (/^(total|solde|fin)/i.test(norm(row.join(" ")))) return;
      throw unreadable(`${where} : ${JSON.stringify(cell(row, idx.date))} n'est pas une date (colonne ${idx.date + 1})`);
    }
    if (idx.status >= 0 && /^(pending|declined|reversed|en attente|refusee?|annulee?)$/.test(norm(cell(row, idx.status)))) return;
    let amount: number | undefined;
    if (idx.amount >= 0) amount = parseAmount(cell(row, idx.amount));
    else {
      const d = cell(row, idx.debit);
      const c = cell(row, idx.credit);
      const debit = d ? parseAmount(d) : 0;
      const credit = c ? parseAmount(c) : 0;
      if (debit !== undefined && credit !== undefined) amount = Math.abs(credit) - Math.abs(debit);
    }
    if (amount === undefined) {
      const raw = idx.amount >= 0 ? cell(row, idx.amount) : [cell(row, idx.debit), cell(row, idx.credit)].filter(Boolean).join(" / ");
      throw unreadable(`${where} : le montant ${JSON.stringify(raw)} n'est pas un montant décimal`);
    }
    const valueDate = parseDate(cell(row, idx.valueDate));
    const label = cleanLabel([cell(row, idx.label), cell(row, idx.detail)].filter(Boolean).join(" ")) || "(sans libellé)";
    const key = cell(row, idx.account);
    const group = groups.get(key) ?? { lines: [], balances: [], currency: "" };
    groups.set(key, group);
    const ccy = cell(row, idx.currency).toUpperCase();
    if (ccy) {
      if (group.currency && ccy !== group.currency)
        throw unreadable(`${where} : un montant en ${ccy} dans un relevé en ${group.currency} (deux devises pour un compte)`);
      group.currency = ccy;
    }
    if (idx.balance >= 0) {
      const b = parseAmount(cell(row, idx.balance));
      if (b === undefined) throw unreadable(`${where} : le solde ${JSON.stringify(cell(row, idx.balance))} n'est pas un montant`);
      group.balances.push(b);
    }
    group.lines.push({ date, ...(valueDate && valueDate !== date ? { valueDate } : {}), amount, label });
  });
  if (!groups.size) groups.set("", { lines: [], balances: [], currency: "" });
  return groups;
}

/** One statement per group: its account (the column's, else the header lines'), its balances. */
function toStatements(groups: Map<string, Group>, header: string[][], preset: CsvPreset | undefined): ParsedStatement[] {
  const headerAccount = accountIn(header);
  return [...groups].map(([key, g]) => {
    const statement: ParsedStatement = { currency: g.currency || "EUR", lines: g.lines };
    const account = key ? key.replace(/\s/g, "") : headerAccount;
    if (account && !/^[*Xx]+\d{0,4}$/.test(account)) {
      if (/^[A-Z]{2}\d{2}[0-9A-Z]{11,30}$/.test(account)) statement.iban = account;
      else statement.accountNumber = account;
    }
    // Header lines speak of the file's one account; a file of several accounts has no such balance.
    const closing = groups.size === 1 ? preset?.closing?.(header) : undefined;
    if (closing) statement.closing = closing;
    if (g.balances.length === g.lines.length && g.lines.length) runningBalances(statement, g.balances);
    return statement;
  });
}

export function parseCsv(text: string, opts: CsvOptions = {}): ParsedFile {
  const delimiter = opts.delimiter ?? guessDelimiter(text);
  let rows: string[][];
  try {
    rows = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true, trim: false }) as string[][];
  } catch (err) {
    throw unreadable(`le CSV ne peut pas être lu (${(err as Error).message.split("\n")[0]})`);
  }
  const named = !!opts.preset && opts.preset !== "generic";
  const presets = named ? CSV_PRESETS.filter((p) => p.id === opts.preset) : CSV_PRESETS;
  if (named && !presets.length)
    throw new ValidationError([{ path: "preset", message: `modèle inconnu ; l'un de ${[...CSV_PRESETS.map((p) => p.id), "generic"].join(", ")}` }]);
  const found = findTable(rows, presets, customColumns(opts), opts, named);
  const groups = readLines(rows, found.row + (found.headerRow ? 1 : 0), found.idx);
  return { format: "csv", variant: found.preset?.id ?? "generic", statements: toStatements(groups, rows.slice(0, found.row), found.preset) };
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
        `Le solde de la colonne « solde » ne suit pas les montants : l'opération ${i + 1} du ${frDate(st.lines[i]!.date)} (${euros(st.lines[i]!.amount)}) fait passer le solde de ${euros(balances[i - 1]!)} à ${euros(balances[i]!)}, au lieu de ${euros(balances[i - 1]! + st.lines[i]!.amount)}. Rien n'a été importé.`,
      );
    }
  }
  const dates = ls.map((l) => l.date).sort();
  st.lines = ls;
  st.opening = { date: dates[0]!, amount: bs[0]! - ls[0]!.amount };
  st.closing = { date: dates[dates.length - 1]!, amount: bs[bs.length - 1]! };
}
