/** A receipt's PDF rendered from the receipt alone (pdf-lib, fonts), loaded on first use. */
import type { Receipt } from "./model.js";

/** A receipt's PDF, rendered from the receipt alone (pdf-lib loads on first use). */
export async function renderReceiptPdf(receipt: Receipt): Promise<Uint8Array> {
  return (await import("./pdf.js")).renderReceiptPdf(receipt);
}
