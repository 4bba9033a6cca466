/**
 * The spending domain's storage: expenses and their invoice files. Written with `db/store.ts`; the
 * domain calls these functions by intent and never the SDK. An expense tagged to a grant moves the
 * grant's and funder's running totals in the same transaction (the grants door's write items).
 *
 * | item | pk | sk | gsi1 | gsi2 |
 * | --- | --- | --- | --- | --- |
 * | expense | `EXPENSE#<id>` | `EXPENSE` | `EXPENSES#<year>` / `<date>#<id>` | `GRANT#<grantId>#EXPENSES` / `<date>#<id>` (tagged before allocations existed) |
 * | an expense's share of a grant | `EXPENSE#<id>` | `GRANT#<grantId>` | | `GRANT#<grantId>#EXPENSES` / `<date>#<id>` |
 * | issued upload | `EXPENSE#<id>` | `UPLOAD#<key>` | | | (expires with `ttl`) |
 * | supplier (its auxiliary account) | `SUPPLIER#<name in capitals, no accents>` | `SUPPLIER` | | |
 * | an auxiliary number taken | `SUPPLIERAUX#<number>` | `SUPPLIERAUX` | | |
 *
 * Corrections (cancellation, credit notes, later payment, reclassement, allocation) update the
 * expense under its `version` (absent on expenses written before: version 0) and append to its
 * `history`, in the transaction of their entry.
 */
import type { Db } from "../db/client.js";
import { decodeCursor, encodeCursor } from "../db/cursor.js";
import { nowIso } from "../clock.js";
import { batchGet, getItem, putItem, queryPage, TransactionFailed, transact, type Item, type NamedItem } from "../db/store.js";

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
  paid: { date: string; method: "bank" | "card" | "cash"; amount?: number } | null;
  purchaseEntryId: string;
  paymentEntryId: string | null;
  file: InvoiceFile | null;
  createdAt: string;
  /** Who booked it (audit trail). */
  createdBy?: { sub: string; role: string } | null;
  /** Moved by one at each correction, under a condition (absent: 0). */
  version?: number;
  /** The grants it is spent on, by amount (absent: the whole amount on `grantId`, if any). */
  grants?: GrantShare[];
  creditNotes?: CreditNote[];
  /** Its projects (analytic axis), by share adding up to 1 (absent: none). */
  projects?: { projectId: string; share: number }[];
  cancelled?: { date: string; reason: string; entryId: string } | null;
  history?: ExpenseEvent[];
}

export interface GrantShare {
  grantId: string;
  amount: number;
}

export interface CreditNote {
  date: string;
  amount: number;
  pieceRef: string;
  reason: string;
  entryId: string;
}

/** One correction of an expense, with who made it and why (audit trail). */
export interface ExpenseEvent {
  kind: "booking" | "cancellation" | "credit-note" | "payment" | "allocation" | "reclassification";
  at: string;
  by: { sub: string; role: string } | null;
  reason: string;
  /** The accounting date of the correction's entry (null: none written, an allocation). */
  date: string | null;
  entryIds: string[];
  amount?: number;
  /** The date asked, when it fell in a closed year and the entry went to the first open one. */
  askedDate?: string;
  from?: string;
  to?: string;
  grants?: GrantShare[];
  projects?: { projectId: string; share: number }[];
  bankLineId?: string;
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

/**
 * A correction of the expense: `set` replaces fields, the event is appended to its history, the
 * version moves by one under the condition that nobody corrected it since it was read.
 */
export function expenseCorrectionItem(
  e: Pick<Expense, "id" | "version">,
  set: Partial<Expense>,
  event: ExpenseEvent,
  opts: { dropGrantIndex?: boolean } = {},
): NamedItem {
  const names: Record<string, string> = { "#v": "version", "#h": "history" };
  const values: Record<string, unknown> = { ":v": e.version ?? 0, ":v1": (e.version ?? 0) + 1, ":ev": [event], ":none": [] };
  const sets = ["#v = :v1", "#h = list_append(if_not_exists(#h, :none), :ev)"];
  Object.entries(set).forEach(([k, v], i) => {
    names[`#s${i}`] = k;
    values[`:s${i}`] = v;
    sets.push(`#s${i} = :s${i}`);
  });
  const remove = opts.dropGrantIndex ? " REMOVE gsi2pk, gsi2sk" : "";
  return {
    name: "expense",
    item: {
      Update: {
        Key: spendingKeys.expense(e.id),
        UpdateExpression: `SET ${sets.join(", ")}${remove}`,
        ConditionExpression: (e.version ?? 0) === 0 ? "attribute_exists(pk) AND (attribute_not_exists(#v) OR #v = :v)" : "attribute_exists(pk) AND #v = :v",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  };
}

/**
 * The expense's share of a grant, listed with the grant's expenses. A share brought to 0 is kept at
 * 0 without its index keys, so it leaves the grant's list: the grants group may delete nothing but
 * the ledger's lease (stacks/constructs/api.ts, TABLE_DELETES).
 */
export function grantShareItem(e: Pick<Expense, "id" | "date">, grantId: string, amount: number): NamedItem {
  const key = { pk: spendingKeys.expense(e.id).pk, sk: `GRANT#${grantId}` };
  if (amount === 0) return { name: `share:${grantId}`, item: { Put: { Item: { ...key, kind: "expense-grant-ended", expenseId: e.id, grantId, amount: 0 } } } };
  return {
    name: `share:${grantId}`,
    item: {
      Put: {
        Item: {
          ...key,
          kind: "expense-grant",
          expenseId: e.id,
          grantId,
          amount,
          gsi2pk: spendingKeys.grantExpenses(grantId),
          gsi2sk: `${e.date}#${e.id}`,
        },
      },
    },
  };
}

// ---------------------------------------------------------------- suppliers

/** A supplier's name as one key: capitals, no accents, spaces or punctuation ("Léa Petit" → `LEAPETIT`). */
export const supplierKey = (name: string) =>
  name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "");

/** The auxiliary number a supplier was given, if any. */
export async function readSupplierAux(db: Db, key: string): Promise<{ number: string; label: string } | undefined> {
  const it = await getItem(db, { pk: `SUPPLIER#${key}`, sk: "SUPPLIER" });
  return it ? { number: String(it.aux), label: String(it.name) } : undefined;
}

/** Is this auxiliary number already some supplier's? */
export async function supplierAuxTaken(db: Db, number: string): Promise<boolean> {
  return !!(await getItem(db, { pk: `SUPPLIERAUX#${number}`, sk: "SUPPLIERAUX" }));
}

/**
 * Gives a supplier its auxiliary number, once: the supplier's item and the number's, both new.
 * Answers "name" when the supplier got one meanwhile, "number" when the number is another's.
 */
export async function claimSupplierAux(db: Db, key: string, name: string, number: string): Promise<"ok" | "name" | "number"> {
  const at = nowIso();
  try {
    await transact(db, [
      {
        name: "supplier",
        item: {
          Put: {
            Item: { pk: `SUPPLIER#${key}`, sk: "SUPPLIER", kind: "supplier", name, aux: number, createdAt: at },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      },
      {
        name: "supplier-aux",
        item: {
          Put: {
            Item: { pk: `SUPPLIERAUX#${number}`, sk: "SUPPLIERAUX", kind: "supplier-aux", key, createdAt: at },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      },
    ]);
    return "ok";
  } catch (err) {
    if (err instanceof TransactionFailed && err.has("supplier")) return "name";
    if (err instanceof TransactionFailed && err.has("supplier-aux")) return "number";
    throw err;
  }
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

/**
 * A year's expenses in date order, a page at a time; the cursor is signed for the year's listing (a
 * forged one is a 400). With `keep`, only the expenses it keeps: the year is read on until `limit`
 * of them are found, and the cursor stops right after the last one answered.
 */
export async function listExpensePage(db: Db, year: number, limit: number, cursor?: string, keep?: (e: Expense) => boolean) {
  const purpose = `expenses-${year}`;
  let start = decodeCursor<Record<string, unknown>>(cursor, purpose);
  const items: Expense[] = [];
  for (;;) {
    const page = await queryPage(db, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :p",
      ExpressionAttributeValues: { ":p": spendingKeys.expenses(year) },
      Limit: keep ? Math.max(limit, 200) : limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    if (!keep) return { items: page.items.map((i) => strip(i) as unknown as Expense), nextCursor: page.lastKey ? encodeCursor(page.lastKey, purpose) : null };
    for (const [n, item] of page.items.entries()) {
      const e = strip(item) as unknown as Expense;
      if (!keep(e)) continue;
      items.push(e);
      if (items.length === limit) {
        const more = n < page.items.length - 1 || !!page.lastKey;
        const at = { pk: item.pk, sk: item.sk, gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk };
        return { items, nextCursor: more ? encodeCursor(at, purpose) : null };
      }
    }
    if (!page.lastKey) return { items, nextCursor: null };
    start = page.lastKey;
  }
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
  // Expenses tagged before allocations existed carry the index themselves; the others through a share item.
  const shares = new Map(page.items.filter((i) => i.kind === "expense-grant").map((i) => [String(i.expenseId), Number(i.amount)]));
  const read = new Map(
    (
      await batchGet(
        db,
        [...shares.keys()].map((id) => spendingKeys.expense(id)),
      )
    ).map((i) => [String(i.id), strip(i) as unknown as Expense]),
  );
  const items = page.items
    .map((i) => (i.kind === "expense-grant" ? read.get(String(i.expenseId)) : (strip(i) as unknown as Expense)))
    .filter((e): e is Expense => !!e);
  return { items, nextCursor: page.lastKey ? encodeCursor(page.lastKey, purpose) : null };
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
