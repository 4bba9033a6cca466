/** Lambda: generated documents (receipt PDFs). */
import { dbFromEnv } from "@asso/core/db/client";
import { NotFoundError } from "@asso/core/errors";
import { loadGivingSettings } from "@asso/core/payments/settings";
import { renderReceiptPdf } from "@asso/core/receipts/pdf";
import { getReceipt } from "@asso/core/receipts/receipts";
import { defineGroup } from "../http.js";

export const handler = defineGroup("documents", {
  receiptPdf: async (req) => {
    const id = req.params.file.replace(/\.pdf$/, "");
    const receipt = await getReceipt(dbFromEnv(), id);
    if (!receipt) throw new NotFoundError(`No receipt ${id}.`);
    const pdf = await renderReceiptPdf(receipt, loadGivingSettings());
    return { body: Buffer.from(pdf), headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="recu-fiscal-${id}.pdf"` } };
  },
});
