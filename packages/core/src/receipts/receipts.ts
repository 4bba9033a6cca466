/**
 * Tax receipts (reçus fiscaux, CERFA 11580). A receipt has a unique sequential number per year
 * (`2024-000001`), is issued in one transaction with its counter and the link from the gift it
 * covers, and is never deleted: a refund cancels it (kept, marked cancelled) and, for a partial
 * refund, a new receipt is issued for the remainder. Monthly donors get one annual recap.
 *
 * Errors: ConflictError (receipts disabled), NotFoundError.
 */
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { Db } from "../db/client.js";
import { parisDate } from "../dates.js";
import { ConflictError } from "../errors.js";
import { pad } from "../ledger/keys.js";
/** Receipts still send their own transactions (moved to the giving storage module next). */
type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];
import { queryPages } from "../ledger/queries.js";
import type { Address } from "../payments/schemas.js";
import type { GivingSettings } from "../payments/settings.js";
import { donationKey, type Donation } from "../payments/records.js";

export interface Receipt {
  id: string;
  year: number;
  kind: "single" | "annual";
  status: "issued" | "cancelled";
  issuedOn: string;
  donor: { firstName: string; lastName: string; email: string; address: Address };
  amount: number;
  gifts: Array<{ date: string; amount: number; reference: string }>;
  method: string;
  replaces?: string;
  replacedBy?: string;
  cancelledOn?: string;
  cancelReason?: string;
}

export const receiptKey = (id: string) => ({ pk: `RECEIPT#${id}`, sk: "RECEIPT" });
const counterKey = (year: number) => ({ pk: "RECEIPTS", sk: `COUNTER#${year}` });
const annualKey = (year: number, email: string) => ({ pk: "RECEIPTS", sk: `ANNUAL#${year}#${email}` });

export const methodLabel = (method: string | undefined) =>
  method === "sepa_debit" ? "Prélèvement SEPA" : method === "transfer" ? "Virement" : "Carte bancaire";

async function nextNumber(db: Db, year: number): Promise<{ next: number; condition: TransactItem }> {
  const r = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: counterKey(year), ConsistentRead: true }));
  const current = (r.Item?.next as number | undefined) ?? 0;
  return {
    next: current + 1,
    condition: {
      Put: {
        TableName: db.tableName,
        Item: { ...counterKey(year), kind: "receipt-counter", next: current + 1 },
        ConditionExpression: current === 0 ? "attribute_not_exists(pk)" : "#n = :n",
        ...(current === 0 ? {} : { ExpressionAttributeNames: { "#n": "next" }, ExpressionAttributeValues: { ":n": current } }),
      },
    },
  };
}

const receiptItem = (db: Db, r: Receipt): TransactItem => ({
  Put: {
    TableName: db.tableName,
    Item: { ...receiptKey(r.id), ...r, gsi2pk: `RECEIPTS#${r.year}`, gsi2sk: r.id },
    ConditionExpression: "attribute_not_exists(pk)",
  },
});

const cancelItem = (db: Db, id: string, reason: string, replacedBy?: string): TransactItem => ({
  Update: {
    TableName: db.tableName,
    Key: receiptKey(id),
    UpdateExpression: `SET #s = :c, cancelledOn = :d, cancelReason = :r${replacedBy ? ", replacedBy = :b" : ""}`,
    ConditionExpression: "#s = :i",
    ExpressionAttributeNames: { "#s": "status" },
    ExpressionAttributeValues: { ":c": "cancelled", ":i": "issued", ":d": parisDate(new Date()), ":r": reason, ...(replacedBy ? { ":b": replacedBy } : {}) },
  },
});

async function retrying<T>(run: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof TransactionCanceledException) || i >= 20) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (i + 1)));
    }
  }
}

/**
 * Brings the receipt of one gift in line with what was kept of it (amount − refunds): issues it,
 * or cancels it and issues the remainder. Safe to call any number of times, in any order.
 */
export async function reconcileReceipt(db: Db, settings: GivingSettings, chargeId: string): Promise<Receipt | undefined> {
  if (!settings.receiptsEnabled) return undefined;
  return retrying(async () => {
    const d = (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: donationKey(chargeId), ConsistentRead: true }))).Item as Donation | undefined;
    if (!d?.amount || !d.receiptWanted || d.frequency !== "once" || !d.address) return undefined;
    const net = d.amount - (d.refunded ?? 0);
    const current = d.receiptId ? ((await db.doc.send(new GetCommand({ TableName: db.tableName, Key: receiptKey(d.receiptId), ConsistentRead: true }))).Item as Receipt) : undefined;
    if (current && current.amount === net && current.status === "issued") return current;
    if (!current && net <= 0) return undefined;
    const items: TransactItem[] = [];
    let issued: Receipt | undefined;
    if (net > 0) {
      const { next, condition } = await nextNumber(db, d.year);
      issued = {
        id: `${d.year}-${pad(next, 6)}`,
        year: d.year,
        kind: "single",
        status: "issued",
        issuedOn: parisDate(new Date()),
        donor: { firstName: d.firstName, lastName: d.lastName, email: d.email, address: d.address },
        amount: net,
        gifts: [{ date: d.date, amount: net, reference: chargeId }],
        method: methodLabel(d.method),
        ...(current ? { replaces: current.id } : {}),
      };
      items.push(condition, receiptItem(db, issued));
    }
    if (current?.status === "issued") items.push(cancelItem(db, current.id, net > 0 ? "Remboursement partiel : remplacé" : "Don remboursé", issued?.id));
    items.push({
      Update: {
        TableName: db.tableName,
        Key: donationKey(chargeId),
        UpdateExpression: issued ? "SET receiptId = :new" : "REMOVE receiptId",
        ConditionExpression: `refunded = :seen AND ${d.receiptId ? "receiptId = :old" : "attribute_not_exists(receiptId)"}`,
        ExpressionAttributeValues: { ":seen": d.refunded ?? 0, ...(d.receiptId ? { ":old": d.receiptId } : {}), ...(issued ? { ":new": issued.id } : {}) },
      },
    });
    await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
    return issued ?? current;
  });
}

/** One recap receipt per monthly donor for the year; a donor who has one already is skipped. */
export async function issueAnnualReceipts(db: Db, settings: GivingSettings, year: number) {
  if (!settings.receiptsEnabled) throw new ConflictError("This association does not issue tax receipts (setting RECEIPTS_ENABLED).");
  const byDonor = new Map<string, Donation[]>();
  for await (const page of queryPages(db, { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": `DONATIONS#${year}` } }))
    for (const d of page as unknown as Donation[])
      if (d.frequency === "monthly" && d.receiptWanted && d.address && d.amount - (d.refunded ?? 0) > 0) byDonor.set(d.email, [...(byDonor.get(d.email) ?? []), d]);
  const issued: Receipt[] = [];
  let skipped = 0;
  for (const [email, gifts] of byDonor) {
    const done = await retrying(async () => {
      const marker = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: annualKey(year, email), ConsistentRead: true }));
      if (marker.Item) return false;
      gifts.sort((a, b) => a.date.localeCompare(b.date));
      const last = gifts.at(-1)!;
      const { next, condition } = await nextNumber(db, year);
      const receipt: Receipt = {
        id: `${year}-${pad(next, 6)}`,
        year,
        kind: "annual",
        status: "issued",
        issuedOn: parisDate(new Date()),
        donor: { firstName: last.firstName, lastName: last.lastName, email, address: last.address! },
        amount: gifts.reduce((s, g) => s + g.amount - (g.refunded ?? 0), 0),
        gifts: gifts.map((g) => ({ date: g.date, amount: g.amount - (g.refunded ?? 0), reference: g.chargeId })),
        method: methodLabel(last.method),
      };
      await db.doc.send(
        new TransactWriteCommand({
          TransactItems: [condition, receiptItem(db, receipt), { Put: { TableName: db.tableName, Item: { ...annualKey(year, email), kind: "annual-receipt", receiptId: receipt.id }, ConditionExpression: "attribute_not_exists(pk)" } }],
        }),
      );
      issued.push(receipt);
      return true;
    });
    if (!done) skipped++;
  }
  return { year, issued, skipped };
}

export async function getReceipt(db: Db, id: string): Promise<Receipt | undefined> {
  return (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: receiptKey(id), ConsistentRead: true }))).Item as Receipt | undefined;
}

/** The year's receipts, and the two figures of the art. 222 bis declaration (issued ones only). */
export async function listReceipts(db: Db, year: number, opts: { withAddresses: boolean }) {
  const items: Receipt[] = [];
  for await (const page of queryPages(db, { IndexName: "gsi2", KeyConditionExpression: "gsi2pk = :p", ExpressionAttributeValues: { ":p": `RECEIPTS#${year}` } }))
    for (const i of page) {
      const { pk: _pk, sk: _sk, gsi2pk: _a, gsi2sk: _b, ...r } = i as Receipt & Record<string, unknown>;
      const receipt = r as unknown as Receipt;
      items.push(opts.withAddresses ? receipt : { ...receipt, donor: { ...receipt.donor, address: undefined as unknown as Address } });
    }
  const valid = items.filter((r) => r.status === "issued");
  return { year, items, declaration: { count: valid.length, total: valid.reduce((s, r) => s + r.amount, 0) } };
}

