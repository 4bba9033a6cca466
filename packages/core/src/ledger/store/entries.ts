/** The ledger's storage — Entries: reading validated entries (one, many, with the lease). */
import type { Db } from "../../db/client.js";
import { batchGet, getItem } from "../../db/store.js";
import { keys } from "../keys.js";
import type { Entry } from "../model.js";
import { nowMs } from "../../clock.js";

export async function readEntry(db: Db, id: string): Promise<Entry | undefined> {
  return (await getItem(db, keys.entry(id))) as Entry | undefined;
}

/** Entries by id, in the order asked (missing ones left out): 100 keys a call, whatever the count. */
export async function readEntries(db: Db, ids: readonly string[], opts: { consistent?: boolean } = {}): Promise<Entry[]> {
  if (!ids.length) return [];
  return (await batchGet(
    db,
    ids.map((id) => keys.entry(id)),
    opts,
  )) as unknown as Entry[];
}

/** One read for both: the entry, and whether the sequencer's lease is free to take. */
export async function readEntryAndLease(db: Db, id: string): Promise<{ entry: Entry | undefined; leaseFree: boolean }> {
  const items = await batchGet(db, [keys.entry(id), keys.lease]);
  const entry = items.find((i) => i.sk === "ENTRY") as Entry | undefined;
  const lease = items.find((i) => i.sk === keys.lease.sk);
  return { entry, leaseFree: !lease || (lease.expiresAt as number) < nowMs() };
}
