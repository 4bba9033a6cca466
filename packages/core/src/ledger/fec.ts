/**
 * The FEC (fichier des écritures comptables, LPF art. A47 A-1) and the same lines as a spreadsheet
 * CSV. Both are async generators of text chunks, one query page at a time: memory stays flat however
 * large the year. Closing entries (journal CL) are not in the FEC, as the rules require.
 */
import type { Db } from "../db/client.js";
import { compactDate, fiscalYearBounds } from "../dates.js";
import { loadChart } from "./accounts.js";
import type { Chart } from "./chart.js";
import { FEC_JOURNALS, JOURNALS } from "./journals.js";
import { entryRef, type Entry } from "./model.js";
import { journalPages } from "./store.js";

export const FEC_FIELDS = [
  "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef",
  "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
] as const;

/** 123456 cents → "1234,56": decimal comma, no thousands separator. */
export function frenchAmount(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
}

export type ExportFormat = "fec" | "csv";

export function exportFileName(siren: string, year: number, format: ExportFormat): string {
  return format === "fec" ? `${siren}FEC${compactDate(fiscalYearBounds(year).end)}.txt` : `ecritures-${year}.csv`;
}

const clean = (s: string) => s.replace(/[\t\r\n|]+/g, " ").trim();
const isoToFrench = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
const csvField = (s: string) => (/[;"\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

function rows(e: Entry, format: ExportFormat, chart: Chart): string[][] {
  const date = (d: string) => (format === "fec" ? compactDate(d) : isoToFrench(d));
  return e.lines.map((l) => [
    e.journal,
    JOURNALS[e.journal],
    entryRef(e) ?? "",
    date(e.date),
    l.account,
    clean(chart.label(l.account)),
    l.aux ? clean(l.aux.number) : "",
    l.aux ? clean(l.aux.label) : "",
    clean(e.pieceRef),
    date(e.pieceDate),
    clean(l.label ?? e.label),
    frenchAmount(l.debit),
    frenchAmount(l.credit),
    "",
    "",
    date(e.validDate!),
    "",
    "",
  ]);
}

/** The export of a year: header line first, then every validated entry's lines, journal by journal. */
export async function* exportLedger(db: Db, year: number, format: ExportFormat): AsyncGenerator<string> {
  const sep = format === "fec" ? "\t" : ";";
  const line = (fields: readonly string[]) => (format === "fec" ? fields.join(sep) : fields.map(csvField).join(sep)) + "\r\n";
  const chart = await loadChart(db);
  yield (format === "csv" ? "\uFEFF" : "") + line(FEC_FIELDS);
  for (const journal of FEC_JOURNALS) {
    for await (const page of journalPages(db, year, journal)) {
      let chunk = "";
      for (const e of page) for (const r of rows(e, format, chart)) chunk += line(r);
      if (chunk) yield chunk;
    }
  }
}
