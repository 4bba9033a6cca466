/**
 * Receipts with the association's settings of the moment: the identity saved in the settings domain
 * (cached a short time), else the environment's rules (a deployment whose identity was never saved).
 * The receipts domain takes its settings as an argument and never reads the settings domain itself.
 */
import type { Db } from "../db/client.js";
import { loadReceiptSettings, type ReceiptSettings } from "../receipts/index.js";
import { issueAnnualReceipts as issueYearReceipts, reconcileReceipt } from "../receipts/lazy.js";
import { receiptSettingsOf } from "../settings/index.js";
import { receiptMessages } from "./mail.js";

/** The receipt settings of the moment. */
export async function currentReceiptSettings(db: Db): Promise<ReceiptSettings> {
  return (await receiptSettingsOf(db)) ?? loadReceiptSettings();
}

/**
 * Brings one gift's receipt in line with what was kept of it (see the receipts' `reconcileReceipt`);
 * the donor is told in the same transaction (the receipt attached, or its cancellation).
 */
export async function followGiftReceipt(db: Db, chargeId: string) {
  return reconcileReceipt(db, chargeId, await currentReceiptSettings(db), receiptMessages);
}

/** `POST /v1/receipts/annual`: one recap receipt per monthly subscription of an ended year, each sent to its donor. */
export async function issueAnnualReceipts(db: Db, year: number) {
  return issueYearReceipts(db, year, await currentReceiptSettings(db), receiptMessages);
}
