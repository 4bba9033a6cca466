/**
 * The receipts' door: reçus fiscaux (CERFA 11580*05) issued for gifts, their numbering, listing and
 * PDF. Nothing outside `receipts/` imports its other files. This door is light (settings, schemas,
 * the receipt's type): the commands that issue, list and render receipts load the PDF renderer
 * (pdf-lib, fonts) on first use, and are behind `lazy.ts` (`@asso/core/receipts/lazy`), so a bundle
 * that only reads the receipts' settings or schemas carries no PDF chunk.
 */

export type { Receipt } from "./model.js";
/** A person's receipts as plain data (the donor's space). */
export { receiptOwner, receiptsOfGifts, type PersonReceipt } from "./donor.js";
export * from "./schemas.js";
export * from "./settings.js";
