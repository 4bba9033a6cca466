/**
 * The annual report's door: its figures (a pure function of plain data), their CSV, the loader that
 * reads the other domains through their doors, and the PDF. Nothing outside `reports/` imports its
 * other files. The PDF renderer (pdf-lib, fonts) has its own door, `lazy.ts` (`@asso/core/reports/lazy`).
 */

export * from "./csv.js";
export * from "./figures.js";
export * from "./financial-statements.js";
export * from "./rubriques.js";
export * from "./store.js";
export type { ReportOptions } from "./pdf.js";
export * from "./annexe.js";
export * from "./thresholds.js";
export * from "./palette.js";
export * from "./budget.js";
