/**
 * The chart as the association has it: the seeded accounts and the sub-accounts the trésorier
 * added (`POST /v1/ledger/accounts`). Other domains validate an account number with
 * `accountExists(db, number)` or load the whole chart once with `loadChart(db)`.
 *
 * Errors: ValidationError (unknown class, extends no account), ConflictError (number taken).
 */
import type { Db } from "../db/client.js";
import { ConflictError } from "../errors.js";
import { Chart, findAccount, newSubAccount, type Account } from "./chart.js";
import type { Actor } from "./model.js";
import { readCustomAccounts, readCustomAccountsByNumber, saveCustomAccount } from "./store.js";
import { nowIso } from "../clock.js";

/** The seeded chart with every sub-account the association added (one query). */
export async function loadChart(db: Db): Promise<Chart> {
  return new Chart(await readCustomAccounts(db));
}

/**
 * A chart that knows at least `numbers`: seeded accounts cost nothing, unknown ones are looked up
 * among the sub-accounts (one batch read). For checking an entry's lines.
 */
export async function chartFor(db: Db, numbers: readonly string[]): Promise<Chart> {
  const unknown = [...new Set(numbers.filter((n) => !findAccount(n)))];
  return new Chart(await readCustomAccountsByNumber(db, unknown));
}

/** True when `number` is in the chart (seeded, or a sub-account the association added). */
export async function accountExists(db: Db, number: string): Promise<boolean> {
  return !!(await chartFor(db, [number])).find(number);
}

/** `POST /v1/ledger/accounts`: adds a sub-account under an existing account. */
export async function addAccount(db: Db, input: { number: string; label: string }, actor?: Actor): Promise<Account> {
  const account = newSubAccount(await loadChart(db), input.number, input.label);
  const saved = await saveCustomAccount(db, { ...account, createdAt: nowIso(), ...(actor ? { createdBy: actor } : {}) });
  if (!saved) throw new ConflictError(`Account ${input.number} already exists.`, { number: input.number });
  return account;
}

/**
 * `GET /v1/ledger/accounts`: the seeded chart (`{ number, label, class }`) and the association's
 * sub-accounts (with `custom: true` and their `parent`), by number.
 */
export async function listAccounts(db: Db): Promise<Account[]> {
  return (await loadChart(db))
    .list()
    .map((a) => ({ number: a.number, label: a.label, class: a.class, ...(a.custom ? { custom: true, parent: a.parent } : {}) }));
}
