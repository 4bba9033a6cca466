/**
 * The receipts' commands (issue, reconcile, list, download) and a receipt's PDF rendered from the
 * receipt alone: what may render a PDF (pdf-lib, fonts, loaded on first use). Imported only by the
 * handlers and workflows that issue or serve receipts.
 */
import type { Receipt } from "./model.js";

export * from "./receipts.js";
/** Art. 222 bis: the figures of a period, and as filed. */
export { getDeclaration, markDeclarationFiled, declarationDue, declarationPeriod } from "./declaration.js";

/** A receipt's PDF, rendered from the receipt alone (pdf-lib loads on first use). */
export async function renderReceiptPdf(receipt: Receipt): Promise<Uint8Array> {
  return (await import("./pdf.js")).renderReceiptPdf(receipt);
}

/** One person's receipts (the personal-data export and erasure: they are kept, never pseudonymised). */
export { receiptsOfPerson, receiptKeptUntil, RECEIPT_RETENTION_YEARS, type HeldReceipt } from "./person.js";
