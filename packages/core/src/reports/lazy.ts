/** The annual report's PDFs (pdf-lib, fonts), loaded on first use: only the reports handler imports this door. */
import type { Annexe } from "./annexe.js";
import type { ReportFigures } from "./figures.js";
import type { ReportOptions } from "./pdf.js";

/** The annual report as a PDF (pdf-lib loads on first use). */
export async function renderAnnualReport(f: ReportFigures, opts: ReportOptions): Promise<Uint8Array> {
  return (await import("./pdf.js")).renderAnnualReport(f, opts);
}

/** The accounts and the annexe for the Journal officiel's site, as a PDF (no person's data). */
export async function renderJournalOfficiel(f: ReportFigures, annexe: Annexe, opts: ReportOptions & { identity: string[] }): Promise<Uint8Array> {
  return (await import("./pdf.js")).renderJournalOfficiel(f, annexe, opts);
}
