/**
 * The receipts' door: reçus fiscaux (CERFA 11580*05) issued for gifts, their numbering, listing and
 * PDF. Nothing outside `receipts/` imports its other files. The PDF renderer (pdf-lib, fonts) loads on
 * first use; rendering a receipt that is not stored goes through `lazy.ts` (`@asso/core/receipts/lazy`).
 */

export * from "./receipts.js";
export * from "./schemas.js";
export * from "./settings.js";
