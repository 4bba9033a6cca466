/**
 * Where receipts live in the single table, read and written with the shared storage helper
 * (db/store.ts). The gifts are the giving domain's donation records: read here, never written
 * (a transaction only checks that a gift's refunds did not move while its receipt was decided).
 *
 * | item | pk | sk | index |
 * | --- | --- | --- | --- |
 * | receipt | `RECEIPT#<number>` | `RECEIPT` | gsi2 `RECEIPTS#<year>` / number |
 * | counter of a year | `RECEIPTS` | `COUNTER#<year>` (`next`) | |
 * | declaration totals of a year | `RECEIPTS` | `TOTALS#<year>` (`count`, `total`: issued receipts) | |
 * | art. 222 bis figures as filed | `RECEIPTS` | `FILED#<year>` (frozen: count, total, period, filedOn, who) | |
 * | a gift's current receipt | `RECEIPTLINK#<charge>` | `LINK` (`receiptId`) | |
 * | a subscription's annual recap | `RECEIPTS` | `ANNUAL#<year>#<subscription>` (`receiptId`) | |
 */
import type { Db } from "../db/client.js";
import { listingCursor } from "../db/cursor.js";
import {
  TransactionFailed,
  batchGet,
  counterItem,
  getItem,
  queryPage,
  queryPages,
  readCounter,
  transact,
  type Item,
  type Key,
  type NamedItem,
} from "../db/store.js";
import { donationKey, type Donation } from "../giving/index.js";
import type { Receipt } from "./model.js";

export const receiptKey = (id: string): Key => ({ pk: `RECEIPT#${id}`, sk: "RECEIPT" });
const counterKey = (year: number): Key => ({ pk: "RECEIPTS", sk: `COUNTER#${year}` });
const totalsKey = (year: number): Key => ({ pk: "RECEIPTS", sk: `TOTALS#${year}` });
const filedKey = (year: number): Key => ({ pk: "RECEIPTS", sk: `FILED#${year}` });
const giftLinkKey = (chargeId: string): Key => ({ pk: `RECEIPTLINK#${chargeId}`, sk: "LINK" });
const annualKey = (year: number, subscriptionId: string): Key => ({ pk: "RECEIPTS", sk: `ANNUAL#${year}#${subscriptionId}` });

/** What a receipt is attached to: one gift, or one subscription's year. */
export type Anchor = { kind: "gift"; chargeId: string } | { kind: "annual"; year: number; subscriptionId: string };
const anchorKey = (a: Anchor) => (a.kind === "gift" ? giftLinkKey(a.chargeId) : annualKey(a.year, a.subscriptionId));

/** The receipt of an item (`kind` is the receipt's own field, single | annual; the item's is `itemKind`). */
const strip = (i: Item): Receipt => {
  const { pk: _p, sk: _s, gsi2pk: _g, gsi2sk: _h, itemKind: _k, ...r } = i;
  return r as unknown as Receipt;
};

// ---------------------------------------------------------------- gifts (read only)

export async function readGift(db: Db, chargeId: string): Promise<Donation | undefined> {
  return (await getItem(db, donationKey(chargeId))) as Donation | undefined;
}

/** Gifts by charge, read again by key (consistent). */
export async function readGifts(db: Db, chargeIds: readonly string[]): Promise<Donation[]> {
  return (await batchGet(db, chargeIds.map(donationKey))) as unknown as Donation[];
}

/** The gifts of a calendar year, read again by key (consistent) after the index gave their charges. */
export async function readGiftsOfYear(db: Db, year: number, keep: (d: Donation) => boolean): Promise<Donation[]> {
  const charges: string[] = [];
  for await (const page of queryPages(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": `DONATIONS#${year}` },
  }))
    for (const d of page as unknown as Donation[]) if (keep(d)) charges.push(d.chargeId);
  return readGifts(db, charges);
}

// ---------------------------------------------------------------- receipts

export async function readReceipt(db: Db, id: string): Promise<Receipt | undefined> {
  const i = await getItem(db, receiptKey(id));
  return i ? strip(i) : undefined;
}

/** The receipt currently attached to a gift or a subscription's year, if any. */
export async function readAnchored(db: Db, anchor: Anchor): Promise<Receipt | undefined> {
  const link = await getItem(db, anchorKey(anchor));
  const id = link?.receiptId as string | undefined;
  return id ? readReceipt(db, id) : undefined;
}

/** The receipts currently attached to these gifts and subscriptions' years (a person's receipts), in two batched reads. */
export async function readAnchoredMany(db: Db, anchors: readonly Anchor[]): Promise<Receipt[]> {
  const links = await batchGet(db, anchors.map(anchorKey));
  const ids = [...new Set(links.flatMap((l) => (typeof l.receiptId === "string" ? [l.receiptId] : [])))];
  return (await batchGet(db, ids.map(receiptKey))).map(strip);
}

export const readNextNumber = async (db: Db, year: number) => (await readCounter(db, counterKey(year))) + 1;

/** One page of a year's receipts in number order; `after` is the last number of the previous page. */
/** The receipts' listing cursor (signed): the year and the last receipt's id. */
export const receiptsCursor = listingCursor<{ y: number; a: string }>("receipts");

export async function readReceiptPage(db: Db, year: number, limit: number, after?: string): Promise<{ items: Receipt[]; more: boolean }> {
  const { items, lastKey } = await queryPage(db, {
    IndexName: "gsi2",
    KeyConditionExpression: after ? "gsi2pk = :p AND gsi2sk > :a" : "gsi2pk = :p",
    ExpressionAttributeValues: { ":p": `RECEIPTS#${year}`, ...(after ? { ":a": after } : {}) },
    Limit: limit,
  });
  return { items: items.map(strip), more: !!lastKey };
}

/** The art. 222 bis figures of a year (issued receipts); read from the totals kept with every issue and cancellation. */
export async function readDeclaration(db: Db, year: number): Promise<{ count: number; total: number } | undefined> {
  const t = await getItem(db, totalsKey(year));
  return t ? { count: (t.count as number) ?? 0, total: (t.total as number) ?? 0 } : undefined;
}

/** The art. 222 bis figures of a period as filed: frozen, never moved by later receipts. */
export interface FiledDeclaration {
  year: number;
  basis: "calendar" | "fiscal";
  period: { start: string; end: string };
  count: number;
  total: number;
  filedOn: string;
  filedAt: string;
  filedBy: { sub: string; role: string };
}

export async function readFiled(db: Db, year: number): Promise<FiledDeclaration | undefined> {
  const i = await getItem(db, filedKey(year), { consistent: true });
  if (!i) return undefined;
  const { pk: _p, sk: _s, itemKind: _k, ...r } = i;
  return r as unknown as FiledDeclaration;
}

/** Writes the figures as filed, once: false when that period was filed already. */
export async function writeFiled(db: Db, f: FiledDeclaration): Promise<boolean> {
  try {
    await transact(db, [
      {
        name: "filed",
        item: { Put: { Item: { ...filedKey(f.year), itemKind: "receipt-declaration-filed", ...f }, ConditionExpression: "attribute_not_exists(pk)" } },
      },
    ]);
    return true;
  } catch (err) {
    if (err instanceof TransactionFailed && err.has("filed")) return false;
    throw err;
  }
}

/** Every receipt of a year (for totals kept before the totals item existed). */
export async function readAllReceipts(db: Db, year: number): Promise<Receipt[]> {
  const out: Receipt[] = [];
  for await (const page of queryPages(db, {
    IndexName: "gsi2",
    KeyConditionExpression: "gsi2pk = :p",
    ExpressionAttributeValues: { ":p": `RECEIPTS#${year}` },
  }))
    out.push(...page.map(strip));
  return out;
}

export interface Change {
  anchor: Anchor;
  /** The receipt the anchor points at now (the transaction fails if another writer moved it). */
  current?: Receipt;
  /** `current` was found through the gift record of a receipt issued before links existed (no link yet). */
  legacy?: boolean;
  /** A new receipt, numbered `counter + 1` of its year. */
  issue?: Receipt;
  /** Cancel `current` (it must still be issued). */
  cancel?: { on: string; reason: string };
  /** Gifts whose refunds must not have moved since they were read. */
  gifts: Array<{ chargeId: string; refunded: number }>;
  /** Other intents committed with the change (the messages telling the donor: the mail outbox). */
  also?: NamedItem[];
}

/**
 * Writes a receipt decision in one transaction: the counter moved by one (gapless numbers), the
 * new receipt, the old one cancelled, the anchor pointed at the new one, the year's declaration
 * totals, and a check on every gift's refunds. Throws `TransactionFailed` when anything moved
 * meanwhile (the caller reads again and decides again).
 */
export async function writeChange(db: Db, c: Change): Promise<void> {
  const items: NamedItem[] = [];
  const totals = new Map<number, { count: number; total: number }>();
  const add = (year: number, count: number, total: number) => {
    const t = totals.get(year) ?? { count: 0, total: 0 };
    totals.set(year, { count: t.count + count, total: t.total + total });
  };
  if (c.issue) {
    const n = Number(c.issue.id.slice(5));
    items.push({ name: "counter", item: counterItem(counterKey(c.issue.year), n - 1, n, { itemKind: "receipt-counter" }) });
    items.push({
      name: "receipt",
      item: {
        Put: {
          Item: { ...receiptKey(c.issue.id), ...c.issue, itemKind: "receipt", gsi2pk: `RECEIPTS#${c.issue.year}`, gsi2sk: c.issue.id },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    });
    add(c.issue.year, 1, c.issue.amount);
  }
  if (c.cancel && c.current) {
    items.push({
      name: "cancel",
      item: {
        Update: {
          Key: receiptKey(c.current.id),
          UpdateExpression: `SET #s = :c, cancelledOn = :d, cancelReason = :r${c.issue ? ", replacedBy = :b" : ""}`,
          ConditionExpression: "#s = :i",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":c": "cancelled", ":i": "issued", ":d": c.cancel.on, ":r": c.cancel.reason, ...(c.issue ? { ":b": c.issue.id } : {}) },
        },
      },
    });
    add(c.current.year, -1, -c.current.amount);
  }
  items.push({
    name: "anchor",
    item: {
      Put: {
        Item: {
          ...anchorKey(c.anchor),
          itemKind: "receipt-link",
          ...(c.issue ? { receiptId: c.issue.id } : {}),
          ...(c.current && !c.issue ? { lastReceiptId: c.current.id } : {}),
        },
        // A legacy receipt has no link yet: its cancellation (status must still be issued) is what makes the change exclusive.
        ConditionExpression: c.current && !c.legacy ? "receiptId = :old" : "attribute_not_exists(receiptId)",
        ...(c.current && !c.legacy ? { ExpressionAttributeValues: { ":old": c.current.id } } : {}),
      },
    },
  });
  for (const g of c.gifts)
    items.push({
      name: `gift:${g.chargeId}`,
      item: {
        ConditionCheck: {
          Key: donationKey(g.chargeId),
          ConditionExpression: g.refunded ? "refunded = :r" : "attribute_not_exists(refunded) OR refunded = :r",
          ExpressionAttributeValues: { ":r": g.refunded },
        },
      },
    });
  for (const [year, t] of totals)
    if (t.count || t.total)
      items.push({
        name: `totals:${year}`,
        item: {
          Update: {
            Key: totalsKey(year),
            UpdateExpression: "ADD #c :c, #t :t SET itemKind = :k",
            ExpressionAttributeNames: { "#c": "count", "#t": "total" },
            ExpressionAttributeValues: { ":c": t.count, ":t": t.total, ":k": "receipt-totals" },
          },
        },
      });
  items.push(...(c.also ?? []));
  await transact(db, items);
}

/**
 * Records the SHA-256 of a receipt's PDF, once: answers the one recorded (this one, or the one a
 * concurrent writer recorded first).
 */
export async function recordSha256(db: Db, id: string, sha256: string): Promise<string | undefined> {
  try {
    await transact(db, [
      {
        name: "receipt",
        item: {
          Update: {
            Key: receiptKey(id),
            UpdateExpression: "SET sha256 = :s",
            ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(sha256)",
            ExpressionAttributeValues: { ":s": sha256 },
          },
        },
      },
    ]);
    return sha256;
  } catch (err) {
    if (!(err instanceof TransactionFailed) || !err.has("receipt")) throw err;
    return (await getItem(db, receiptKey(id)))?.sha256 as string | undefined;
  }
}
