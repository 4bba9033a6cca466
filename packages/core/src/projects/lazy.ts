/** The compte-rendu financier's PDF (pdf-lib, fonts), loaded on first use: only the projects handler imports this door. */
import type { CompteRendu } from "./compte-rendu.js";

export async function renderGrantReport(cr: CompteRendu): Promise<Uint8Array> {
  return (await import("./grant-report-pdf.js")).renderGrantReport(cr);
}

/** A budget read from a spreadsheet (CSV or XLSX; the readers load on first use). */
export async function readBudgetFile(bytes: Buffer) {
  return (await import("./budget-import.js")).readBudgetFile(bytes);
}
