/** The ledger's storage — The association's own accounts (sub-accounts of the chart). */
import type { Db } from "../../db/client.js";
import { batchGet, queryPrefix, transact, TransactionFailed, withConflictRetry, type Item } from "../../db/store.js";
import { keys } from "../keys.js";
import type { Account } from "../chart.js";

const toAccount = (i: Item): Account => ({
  number: i.number as string,
  label: i.label as string,
  class: i.class as number,
  custom: true,
  parent: i.parent as string,
});

/** Every sub-account the association added. */
export async function readCustomAccounts(db: Db): Promise<Account[]> {
  return (await queryPrefix(db, keys.chartPartition, "ACCOUNT#")).map(toAccount);
}

/** The sub-accounts among `numbers` (one batch read; seeded numbers need none). */
export async function readCustomAccountsByNumber(db: Db, numbers: readonly string[]): Promise<Account[]> {
  if (!numbers.length) return [];
  return (
    await batchGet(
      db,
      numbers.map((n) => keys.account(n)),
    )
  ).map(toAccount);
}

/** Stores a new sub-account; false when its number is already taken. */
export async function saveCustomAccount(db: Db, a: Account & { createdAt: string; createdBy?: unknown }): Promise<boolean> {
  try {
    await withConflictRetry(() =>
      transact(db, [
        {
          name: "account",
          item: {
            Put: {
              Item: {
                ...keys.account(a.number),
                kind: "account",
                number: a.number,
                label: a.label,
                class: a.class,
                parent: a.parent,
                createdAt: a.createdAt,
                ...(a.createdBy ? { createdBy: a.createdBy } : {}),
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        },
      ]),
    );
    return true;
  } catch (err) {
    if (err instanceof TransactionFailed && err.has("account")) return false;
    throw err;
  }
}
