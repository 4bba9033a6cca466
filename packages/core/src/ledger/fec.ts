/**
 * The FEC (fichier des écritures comptables, LPF art. A47 A-1) and the same lines as a spreadsheet
 * CSV. Both are async generators of text chunks, one query page at a time. Closing entries (journal
 * CL) are not in the FEC, as the rules require.
 *
 * Lettrage (`EcritureLet`, `DateLet`), computed before the lines are written (a first pass over the
 * year keeps only the lines that may be lettered):
 * - the bank: a line on the bank account of an entry in a bank lettrage group (given by the caller,
 *   `bankLetters`: the bank's records, which the ledger does not read), dated the day it was matched;
 * - third parties (401 suppliers, 411 customers, 441 grants, 4687 other receivables): on one account
 *   and one auxiliary account, debits and credits that settle each other — first the lines of one
 *   piece (`PieceRef`) whose debits equal their credits, then a debit and a credit of the same
 *   amount (oldest first), then the rest when it comes to zero; dated the last line's date.
 * Codes are letters per account (A, B, … Z, AA…), in the order the groups were settled.
 *
 * Encodings: UTF-8 (the default) or ISO-8859-15 (`encoding`), which some audit tools still expect;
 * a character that ISO-8859-15 lacks is written without its accent, or as its nearest ASCII form.
 */
import type { Db } from "../db/client.js";
import { compactDate, fiscalYearBounds } from "../dates.js";
import { frenchAmount } from "../money.js";
import { csvLine } from "../csv.js";
import { cleanText } from "../text.js";
import { loadChart } from "./accounts.js";
import type { Chart } from "./chart.js";
import { FEC_JOURNALS, JOURNALS } from "./journals.js";
import { entryRef, type Entry } from "./model.js";
import { journalPages } from "./store.js";
import { parisDate } from "../dates.js";
import * as z from "zod";
import { ConflictError } from "../errors.js";
import { ExportQuery } from "./schemas.js";
import { readYears } from "./store.js";

const FEC_ENCODINGS_LIST = ["utf-8", "iso-8859-15"] as const;

export const FEC_FIELDS = [
  "JournalCode",
  "JournalLib",
  "EcritureNum",
  "EcritureDate",
  "CompteNum",
  "CompteLib",
  "CompAuxNum",
  "CompAuxLib",
  "PieceRef",
  "PieceDate",
  "EcritureLib",
  "Debit",
  "Credit",
  "EcritureLet",
  "DateLet",
  "ValidDate",
  "Montantdevise",
  "Idevise",
] as const;

/** `GET /v1/ledger/export`'s query: the year, the format, the encoding, asynchronously or not. */
export const FecExportQuery = ExportQuery.extend({
  encoding: z.enum(FEC_ENCODINGS_LIST).default("utf-8").describe("utf-8 (the default) or iso-8859-15, which some audit tools still expect"),
});

/** The SIREN standing in while the identity has none: the FEC is named after it, so it is refused outside development. */
export const PLACEHOLDER_SIREN = "000000000";

/** Refuses an export named after the placeholder SIREN, except in development (demo data). */
export function checkFecSiren(siren: string, development: boolean): void {
  if (siren === PLACEHOLDER_SIREN && !development)
    throw new ConflictError(
      "Le SIREN de l'association n'est pas renseigné (Paramètres › Identité) : le FEC porte le SIREN dans son nom et l'administration le refuse sans. Renseignez-le, puis exportez à nouveau.",
      { siren },
    );
}

/**
 * Whether the year is still open (or being closed): its FEC may still change, and an auditor
 * should know. Answers the French notice, or undefined for a closed year.
 */
export async function openYearNotice(db: Db, year: number): Promise<string | undefined> {
  const record = (await readYears(db)).find((y) => y.year === year);
  if (record?.status === "closed") return undefined;
  return `L'exercice ${year} n'est pas clos : ce fichier est provisoire, ses écritures peuvent encore changer jusqu'à la clôture.`;
}

/** The same notice for a response header (ASCII only): the HTTP `Warning` form. */
export const openYearWarningHeader = (year: number) => `299 - "Exercice ${year} non clos : FEC provisoire"`.normalize("NFD").replace(/\p{M}/gu, "");

/** 123456 cents → "1234,56": decimal comma, no thousands separator. */
export { frenchAmount } from "../money.js";

export type ExportFormat = "fec" | "csv";
export type FecEncoding = "utf-8" | "iso-8859-15";
export const FEC_ENCODINGS = FEC_ENCODINGS_LIST;

/** The bank's lettrage of an entry: its group, the ledger account it letters, when it was matched (ISO instant). */
export interface BankLettrage {
  group: string;
  account: string;
  matchedAt: string;
}
/** For some entry ids, the bank lettrage group each belongs to (absent when unmatched). */
export type BankLetters = (entryIds: readonly string[]) => Promise<Map<string, BankLettrage>>;

export interface ExportOptions {
  encoding?: FecEncoding;
  bankLetters?: BankLetters;
}

/** A line's lettrage: its code and the date it was lettered (`YYYY-MM-DD`). */
export interface Letter {
  code: string;
  date: string;
}
/** Lettrage by line: key `<entry id>#<line index>`. */
export type Letters = ReadonlyMap<string, Letter>;
const lineKey = (entryId: string, index: number) => `${entryId}#${index}`;

export function exportFileName(siren: string, year: number, format: ExportFormat): string {
  return format === "fec" ? `${siren}FEC${compactDate(fiscalYearBounds(year).end)}.txt` : `ecritures-${year}.csv`;
}

/**
 * FEC text: the shared cleaning of typed text (one visible line: controls, tabs, line and paragraph
 * separators, bidi overrides gone), with no pipe either (some readers take it for a separator).
 */
export const fecText = (s: string) => cleanText(s.replaceAll("|", " "), 1000);
/** A field the FEC may not leave blank: a text made only of invisible characters becomes "-". */
const required = (s: string) => fecText(s) || "-";
const isoToFrench = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

/** One CSV cell, through the project's one cell writer (`../csv.ts`: formula guard, quoting). */
export { csvCell } from "../csv.js";

/** The 18 fields of each line of an entry, in FEC order; dates `AAAAMMJJ` (FEC) or `JJ/MM/AAAA` (CSV). */
export function entryRows(e: Entry, format: ExportFormat, chart: Chart, letters: Letters = new Map()): string[][] {
  const date = (d: string) => (format === "fec" ? compactDate(d) : isoToFrench(d));
  return e.lines.map((l, i) => {
    const letter = letters.get(lineKey(e.id, i));
    return [
      e.journal,
      JOURNALS[e.journal],
      entryRef(e) ?? "",
      date(e.date),
      l.account,
      required(chart.label(l.account)),
      l.aux ? fecText(l.aux.number) : "",
      l.aux ? fecText(l.aux.label) : "",
      required(e.pieceRef),
      date(e.pieceDate),
      required(l.label ?? e.label),
      frenchAmount(l.debit),
      frenchAmount(l.credit),
      letter?.code ?? "",
      letter ? date(letter.date) : "",
      date(e.validDate!),
      "",
      "",
    ];
  });
}

/** One line of the file: tab-separated for the FEC, `;` with neutralised cells for the CSV; CRLF. */
export function formatLine(fields: readonly string[], format: ExportFormat): string {
  return format === "fec" ? `${fields.join("\t")}\r\n` : csvLine(fields);
}

/**
 * The export of a year: header line first, then every validated entry's lines, journal by journal,
 * as text (`encoded` gives the bytes of the chosen encoding).
 */
export async function* exportLedger(db: Db, year: number, format: ExportFormat, opts: ExportOptions = {}): AsyncGenerator<string> {
  const chart = await loadChart(db);
  const letters = await yearLetters(db, year, opts.bankLetters);
  yield (format === "csv" && (opts.encoding ?? "utf-8") === "utf-8" ? "\uFEFF" : "") + formatLine(FEC_FIELDS, format);
  for (const journal of FEC_JOURNALS) {
    for await (const page of journalPages(db, year, journal)) {
      let chunk = "";
      for (const e of page) for (const r of entryRows(e, format, chart, letters)) chunk += formatLine(r, format);
      if (chunk) yield chunk;
    }
  }
}

/** The export's chunks in the chosen encoding: UTF-8 text as it is, or ISO-8859-15 bytes. */
export async function* encoded(source: AsyncIterable<string>, encoding: FecEncoding = "utf-8"): AsyncGenerator<string | Uint8Array> {
  for await (const chunk of source) yield encoding === "utf-8" ? chunk : toIso885915(chunk);
}

/** The content type of an export in an encoding. */
export const exportContentType = (format: ExportFormat, encoding: FecEncoding = "utf-8") =>
  `${format === "fec" ? "text/plain" : "text/csv"}; charset=${encoding}`;

// ---------------------------------------------------------------- lettrage

/** The general accounts whose third-party lines are lettered when they settle each other. */
export const LETTERED_ACCOUNTS = ["401", "411", "441", "4687"] as const;
const isLettered = (account: string) => LETTERED_ACCOUNTS.some((a) => account.startsWith(a));
const isBank = (account: string) => account.startsWith("51");

/** A line that may be lettered, as the first pass keeps it. */
export interface LetterCandidate {
  key: string;
  entryId: string;
  account: string;
  aux: string;
  pieceRef: string;
  date: string;
  /** Debit − credit, in cents. */
  amount: number;
}

/** 0 → A, 25 → Z, 26 → AA, 27 → AB… */
export function letterCode(n: number): string {
  let code = "";
  for (let i = n + 1; i > 0; i = Math.floor((i - 1) / 26)) code = String.fromCharCode(65 + ((i - 1) % 26)) + code;
  return code;
}

async function yearLetters(db: Db, year: number, bankLetters?: BankLetters): Promise<Letters> {
  const thirdParty: LetterCandidate[] = [];
  const bank: LetterCandidate[] = [];
  for (const journal of FEC_JOURNALS)
    for await (const page of journalPages(db, year, journal))
      for (const e of page)
        e.lines.forEach((l, i) => {
          const c = {
            key: lineKey(e.id, i),
            entryId: e.id,
            account: l.account,
            aux: l.aux?.number ?? "",
            pieceRef: e.pieceRef,
            date: e.date,
            amount: l.debit - l.credit,
          };
          if (isLettered(l.account)) thirdParty.push(c);
          else if (bankLetters && isBank(l.account)) bank.push(c);
        });
  const matches = new Map<string, BankLettrage>();
  const ids = [...new Set(bank.map((c) => c.entryId))];
  for (let i = 0; i < ids.length; i += 100) for (const [id, m] of await bankLetters!(ids.slice(i, i + 100))) matches.set(id, m);
  return letterLines(thirdParty, bank, matches);
}

/**
 * The lettrage of a year's lines (pure): the bank's groups on their bank account, and the third
 * parties' lines that settle each other. See the module's comment for the rules.
 */
export function letterLines(
  thirdParty: readonly LetterCandidate[],
  bank: readonly LetterCandidate[],
  matches: ReadonlyMap<string, BankLettrage>,
): Map<string, Letter> {
  const groups: { account: string; keys: string[]; date: string; order: string }[] = [];
  // The bank: each group's lines on the account it letters.
  const byMatch = new Map<string, LetterCandidate[]>();
  for (const c of bank) {
    const m = matches.get(c.entryId);
    if (m && m.account === c.account) (byMatch.get(m.group) ?? byMatch.set(m.group, []).get(m.group)!).push(c);
  }
  for (const [group, lines] of byMatch) {
    const date = parisDate(new Date(matches.get(lines[0]!.entryId)!.matchedAt));
    groups.push({ account: lines[0]!.account, keys: lines.map((l) => l.key), date, order: `${date}#${group}` });
  }
  // Third parties: per account and auxiliary account.
  const byAccount = new Map<string, LetterCandidate[]>();
  for (const c of thirdParty) {
    const k = `${c.account}\u0000${c.aux}`;
    (byAccount.get(k) ?? byAccount.set(k, []).get(k)!).push(c);
  }
  for (const lines of byAccount.values()) {
    const open = new Set(lines);
    const settle = (set: LetterCandidate[]) => {
      const date = set.reduce((d, c) => (c.date > d ? c.date : d), "");
      groups.push({ account: set[0]!.account, keys: set.map((c) => c.key), date, order: `${date}#${set.map((c) => c.key).sort()[0]}` });
      for (const c of set) open.delete(c);
    };
    const settles = (set: LetterCandidate[]) =>
      set.length > 1 && set.some((c) => c.amount > 0) && set.some((c) => c.amount < 0) && set.reduce((s, c) => s + c.amount, 0) === 0;
    // 1. One piece whose debits equal its credits.
    const byPiece = new Map<string, LetterCandidate[]>();
    for (const c of lines) (byPiece.get(c.pieceRef) ?? byPiece.set(c.pieceRef, []).get(c.pieceRef)!).push(c);
    for (const set of byPiece.values()) if (settles(set)) settle(set);
    // 2. A debit and a credit of the same amount, oldest first.
    const sorted = [...open].sort((a, b) => a.date.localeCompare(b.date) || a.key.localeCompare(b.key));
    for (const d of sorted) {
      if (!open.has(d) || d.amount <= 0) continue;
      const c = sorted.find((x) => open.has(x) && x.amount === -d.amount);
      if (c) settle([d, c]);
    }
    // 3. What is left, when it comes to zero.
    const rest = sorted.filter((c) => open.has(c));
    if (settles(rest)) settle(rest);
  }
  // Codes per account, in the order the groups were settled.
  const letters = new Map<string, Letter>();
  const counters = new Map<string, number>();
  for (const g of groups.sort((a, b) => a.order.localeCompare(b.order))) {
    const n = counters.get(g.account) ?? 0;
    counters.set(g.account, n + 1);
    for (const key of g.keys) letters.set(key, { code: letterCode(n), date: g.date });
  }
  return letters;
}

// ---------------------------------------------------------------- ISO-8859-15

/** The characters where ISO-8859-15 differs from Latin-1 (€, Š, š, Ž, ž, Œ, œ, Ÿ). */
const ISO_15: ReadonlyMap<string, number> = new Map([
  ["€", 0xa4],
  ["Š", 0xa6],
  ["š", 0xa8],
  ["Ž", 0xb4],
  ["ž", 0xb8],
  ["Œ", 0xbc],
  ["œ", 0xbd],
  ["Ÿ", 0xbe],
]);
/** The Latin-1 characters ISO-8859-15 replaced (they are not in it). */
const NOT_IN_15 = new Set([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]);
/** Nearest forms of common typographic characters. */
const NEAREST: ReadonlyMap<string, string> = new Map([
  ["\u2018", "'"],
  ["\u2019", "'"],
  ["\u201c", '"'],
  ["\u201d", '"'],
  ["\u2013", "-"],
  ["\u2014", "-"],
  ["\u2026", "..."],
  ["\u202f", " "],
  ["\u2009", " "],
  ["\ufeff", ""],
]);

/** Text as ISO-8859-15 bytes: accents kept where the charset has them, dropped elsewhere, `?` for the rest. */
export function toIso885915(text: string): Uint8Array {
  const byteOf = (ch: string): number | undefined => {
    const special = ISO_15.get(ch);
    if (special !== undefined) return special;
    const code = ch.codePointAt(0)!;
    return code < 0x100 && !NOT_IN_15.has(code) ? code : undefined;
  };
  const bytes: number[] = [];
  for (const ch of text) {
    const b = byteOf(ch);
    if (b !== undefined) {
      bytes.push(b);
      continue;
    }
    const near = NEAREST.get(ch) ?? ch.normalize("NFD").replace(/\p{M}/gu, "");
    const mapped = near !== ch ? [...near].map(byteOf) : [undefined];
    if (mapped.every((m) => m !== undefined)) bytes.push(...(mapped as number[]));
    else bytes.push(0x3f);
  }
  return Uint8Array.from(bytes);
}
