/**
 * The bank's door: statement import, the lines, matching (lettrage) and the état de rapprochement,
 * the Stripe balance. Nothing outside `bank/` imports its other files.
 * The statement parsers (CSV, CAMT.053, OFX, iconv) and the PDF renderer (pdf-lib, fonts) are heavy:
 * their door is `lazy.ts` (`@asso/core/bank/lazy`), which loads them on first use.
 */

export * from "./errors.js";
export * from "./etat-rapprochement.js";
export * from "./lines.js";
export * from "./link.js";
export * from "./matching.js";
export * from "./rule-corrections.js";
export * from "./manual.js";
export type * from "./model.js";
export * from "./schemas.js";
export * from "./settings.js";
export * from "./stripe.js";
export { compactIban } from "./text.js";
/** Reads of stored lines and lettrages (plain data). */
export { entryMatches, readLine, readMatch, readMatches } from "./store.js";
export type { ImportOptions, ImportResult } from "./statement-import.js";
