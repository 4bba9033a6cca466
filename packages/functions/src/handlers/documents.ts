/** Lambda: generated documents (receipt PDFs, answered as frozen when issued). */
import { dbFromEnv } from "@asso/core/db";
import { receiptPdf } from "@asso/core/receipts/lazy";
import { defineGroup } from "../http.js";

export const handler = defineGroup("documents", {
  receiptPdf: async (req) => {
    const id = req.params.file.replace(/\.pdf$/, "");
    const pdf = await receiptPdf(dbFromEnv(), id);
    return { body: Buffer.from(pdf), headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="recu-fiscal-${id}.pdf"` } };
  },
});
