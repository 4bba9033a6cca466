/**
 * The FEC (fichier des écritures comptables, LPF art. A47 A-1) and the same lines as a spreadsheet
 * CSV. Both are async generators of text chunks, one query page at a time: memory stays flat however
 * large the year. Closing entries (journal CL) are not in the FEC, as the rules require.
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

/** 123456 cents → "1234,56": decimal comma, no thousands separator. */
export { frenchAmount } from "../money.js";

export type ExportFormat = "fec" | "csv";

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
export function entryRows(e: Entry, format: ExportFormat, chart: Chart): string[][] {
  const date = (d: string) => (format === "fec" ? compactDate(d) : isoToFrench(d));
  return e.lines.map((l) => [
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
    "",
    "",
    date(e.validDate!),
    "",
    "",
  ]);
}

/** One line of the file: tab-separated for the FEC, `;` with neutralised cells for the CSV; CRLF. */
export function formatLine(fields: readonly string[], format: ExportFormat): string {
  return format === "fec" ? `${fields.join("\t")}\r\n` : csvLine(fields);
}

/** The export of a year: header line first, then every validated entry's lines, journal by journal. */
export async function* exportLedger(db: Db, year: number, format: ExportFormat): AsyncGenerator<string> {
  const chart = await loadChart(db);
  yield (format === "csv" ? "\uFEFF" : "") + formatLine(FEC_FIELDS, format);
  for (const journal of FEC_JOURNALS) {
    for await (const page of journalPages(db, year, journal)) {
      let chunk = "";
      for (const e of page) for (const r of entryRows(e, format, chart)) chunk += formatLine(r, format);
      if (chunk) yield chunk;
    }
  }
}
