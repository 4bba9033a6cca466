/** The annual report's PDF (pdf-lib, fonts), loaded on first use: only the reports handler imports this door. */
import type { ReportFigures } from "./figures.js";
import type { ReportOptions } from "./pdf.js";

/** The annual report as a PDF (pdf-lib loads on first use). */
export async function renderAnnualReport(f: ReportFigures, opts: ReportOptions): Promise<Uint8Array> {
  return (await import("./pdf.js")).renderAnnualReport(f, opts);
}
