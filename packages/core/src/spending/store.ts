/**
 * The spending domain's storage: expenses and their invoice files. Written with `db/store.ts`; the
 * domain calls these functions by intent and never the SDK. An expense tagged to a grant moves the
 * grant's and funder's running totals in the same transaction (the grants door's write items).
 *
 * | item | pk | sk | gsi1 | gsi2 |
 * | --- | --- | --- | --- | --- |
 * | expense | `EXPENSE#<id>` | `EXPENSE` | `EXPENSES#<year>` / `<date>#<id>` | `GRANT#<grantId>#EXPENSES` / `<date>#<id>` (tagged only) |
 * | issued upload | `EXPENSE#<id>` | `UPLOAD#<key>` | | | (expires with `ttl`) |
 */
import type { Db } from "../db/client.js";
import { decodeCursor, encodeCursor } from "../db/cursor.js";
import { getItem, putItem, queryPage, type Item, type NamedItem } from "../db/store.js";

export const spendingKeys = {
  expense: (id: string) => ({ pk: `EXPENSE#${id}`, sk: "EXPENSE" }),
  expenses: (year: number) => `EXPENSES#${year}`,
  grantExpenses: (grantId: string) => `GRANT#${grantId}#EXPENSES`,
};

// ---------------------------------------------------------------- stored shapes

export interface InvoiceFile {
  key: string;
  sha256: string;
  contentType: string;
  size: number;
  uploadedAt: string;
}

export interface Expense {
  id: string;
  date: string;
  year: number;
  supplier: string;
  supplierAux: string;
  account: string;
  amount: number;
  label: string;
  pieceRef: string;
  grantId: string | null;
  paid: { date: string; method: "bank" | "card" | "cash" } | null;
  purchaseEntryId: string;
  paymentEntryId: string | null;
  file: InvoiceFile | null;
  createdAt: string;
}

// ---------------------------------------------------------------- transaction items

export function newExpenseItem(e: Expense): NamedItem {
  return {
    name: "expense",
    item: {
      Put: {
        Item: {
          ...spendingKeys.expense(e.id),
          kind: "expense",
          ...e,
          gsi1pk: spendingKeys.expenses(e.year),
          gsi1sk: `${e.date}#${e.id}`,
          ...(e.grantId ? { gsi2pk: spendingKeys.grantExpenses(e.grantId), gsi2sk: `${e.date}#${e.id}` } : {}),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

/** The expense's payment entry, recorded with that entry (once). */
export function expensePaidItem(expenseId: string, entryId: string): NamedItem {
  return {
    name: "expense-paid",
    item: {
      Update: {
        Key: spendingKeys.expense(expenseId),
        UpdateExpression: "SET paymentEntryId = :e",
        ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(paymentEntryId) OR paymentEntryId = :null)",
        ExpressionAttributeValues: { ":e": entryId, ":null": null },
      },
    },
  };
}

// ---------------------------------------------------------------- reads

const strip = (item: Item) => {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, kind: _k, ...rest } = item;
  return rest;
};

export async function readExpense(db: Db, id: string): Promise<Expense | undefined> {
  const item = await getItem(db, spendingKeys.expense(id));
  return item ? (strip(item) as unknown as Expense) : undefined;
}

/** A year's expenses in date order, a page at a time; the cursor is signed for the year's listing (a forged one is a 400). */
export async function listExpensePage(db: Db, year: number, limit: number, cursor?: string) {
  const purpose = `expenses-${year}`;
  const start = decodeCursor<Record<string, unknown>>(cursor, purpose);
  const page = await queryPage(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": spendingKeys.expenses(year) },
    Limit: limit,
    ...(start ? { ExclusiveStartKey: start } : {}),
  });
  return { items: page.items.map((i) => strip(i) as unknown as Expense), nextCursor: page.lastKey ? encodeCursor(page.lastKey, purpose) : null };
}

/** A grant's expenses in date order, a page at a time (the cursor signed for the grant's listing). */
export async function listGrantExpensePage(db: Db, grantId: string, limit: number, cursor?: string) {
  const purpose = `grant-expenses-${grantId}`;
  const start = decodeCursor<Record<string, unknown>>(cursor, purpose);
  const page = await queryPage(db, {
    IndexName: "gsi2",
    KeyConditionExpression: "gsi2pk = :p",
    ExpressionAttributeValues: { ":p": spendingKeys.grantExpenses(grantId) },
    Limit: limit,
    ...(start ? { ExclusiveStartKey: start } : {}),
  });
  return { items: page.items.map((i) => strip(i) as unknown as Expense), nextCursor: page.lastKey ? encodeCursor(page.lastKey, purpose) : null };
}

/** Records the invoice file of an expense, once: a second, different file is refused by the condition. */
export function expenseFileItem(expenseId: string, file: InvoiceFile): NamedItem {
  return {
    name: "expense-file",
    item: {
      Update: {
        Key: spendingKeys.expense(expenseId),
        UpdateExpression: "SET #f = :f",
        ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(#f) OR #f = :null)",
        ExpressionAttributeNames: { "#f": "file" },
        ExpressionAttributeValues: { ":f": file, ":null": null },
      },
    },
  };
}

// ---------------------------------------------------------------- issued uploads

/** An upload key the server gave for an expense, with what the link was signed for. */
export interface IssuedUpload {
  key: string;
  contentType: string;
  size: number;
  /** Unix seconds after which the record may be gone (DynamoDB TTL). */
  ttl: number;
}

const uploadKey = (expenseId: string, key: string) => ({ pk: spendingKeys.expense(expenseId).pk, sk: `UPLOAD#${key}` });

/** Keeps the upload key issued for an expense, so confirm accepts that key only. */
export async function saveIssuedUpload(db: Db, expenseId: string, upload: IssuedUpload): Promise<void> {
  await putItem(db, { ...uploadKey(expenseId, upload.key), kind: "invoice-upload", ...upload });
}

/** The upload issued for this expense under this exact key, or undefined. */
export async function readIssuedUpload(db: Db, expenseId: string, key: string): Promise<IssuedUpload | undefined> {
  const it = await getItem(db, uploadKey(expenseId, key));
  if (!it) return undefined;
  return { key: String(it.key), contentType: String(it.contentType), size: Number(it.size), ttl: Number(it.ttl) };
}
