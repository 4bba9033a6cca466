/**
 * The FEC as an auditor reads it, across domains: the ledger writes the file, the bank says which
 * entries its lettrage groups hold (so the bank lines carry `EcritureLet` / `DateLet`). Used by the
 * direct export, the export jobs and the auditor's package alike.
 */
import type { Db } from "../db/client.js";
import { entryMatches, readMatches } from "../bank/index.js";
import type { BankLettrage, ExportOptions, FecEncoding } from "../ledger/index.js";

/** For some entry ids, the bank lettrage group each belongs to, its account and when it was matched. */
export async function bankLettersOf(db: Db, entryIds: readonly string[]): Promise<Map<string, BankLettrage>> {
  const byEntry = await entryMatches(db, entryIds);
  const groups = new Map((await readMatches(db, [...new Set(byEntry.values())])).map((g) => [g.id, g]));
  const out = new Map<string, BankLettrage>();
  for (const [entryId, matchId] of byEntry) {
    const g = groups.get(matchId);
    if (g) out.set(entryId, { group: g.id, account: g.account, matchedAt: g.matchedAt });
  }
  return out;
}

/** The options of a FEC export that letters the bank lines too. */
export const fecExportOptions = (db: Db, encoding?: FecEncoding): ExportOptions => ({
  ...(encoding ? { encoding } : {}),
  bankLetters: (ids) => bankLettersOf(db, ids),
});
