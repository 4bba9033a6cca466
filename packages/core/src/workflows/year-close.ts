/**
 * Closing a fiscal year across domains: the ledger closes the year (result, à-nouveaux, lock) once
 * every other domain's condition holds — today, the grants' fonds dédiés of the year are posted.
 * The guard runs inside the ledger's closing, after the year is marked closing and its drafts are
 * validated, so nothing can slip in between; a refusal (409) gives the year back open.
 */
import type { Db } from "../db/client.js";
import { ConflictError } from "../errors.js";
import { pendingDedicatedFunds } from "../grants/index.js";
import { closeYear as closeLedgerYear, type Actor } from "../ledger/index.js";

/** 409 while a restricted grant's fonds dédiés of `year` are not posted. */
export async function dedicatedFundsPosted(db: Db, year: number): Promise<void> {
  const pending = await pendingDedicatedFunds(db, year);
  if (pending.length)
    throw new ConflictError(
      `Post the fonds dédiés of ${year} first (POST /v1/ledger/years/${year}/dedicated-funds): ${pending.length} restricted grant(s) pending.`,
      {
        year,
        grants: pending,
      },
    );
}

/** `POST /v1/ledger/years/{year}/close`: the year closed in the ledger, once the grants allow it. */
export async function closeYear(db: Db, year: number, opts: { actor?: Actor; today?: string } = {}) {
  return closeLedgerYear(db, year, { ...opts, guard: (y) => dedicatedFundsPosted(db, y) });
}
