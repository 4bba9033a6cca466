/**
 * Suppliers' auxiliary accounts (FEC CompAuxNum under 401): each supplier gets its own number, once,
 * kept with its name, and no two suppliers ever share one whatever their names. The number is the
 * name in capitals (`FLEAPETIT`), cut at 17 letters; when another supplier already has that number
 * (two names alike in their first letters), a two-digit suffix makes it unique (`F…02`, `F…03`…).
 */
import type { Db } from "../db/client.js";
import type { AuxAccount } from "../ledger/index.js";
import { claimSupplierAux, readSupplierAux, supplierAuxTaken, supplierKey } from "./store.js";

/** The numbers tried for a supplier, in order: the plain one, then with a suffix. */
export function auxCandidates(key: string): string[] {
  const k = key || "X";
  const out = [`F${k.slice(0, 17)}`];
  for (let n = 2; n < 100; n++) out.push(`F${k.slice(0, 15)}${String(n).padStart(2, "0")}`);
  return out;
}

/** The supplier's auxiliary account: the one it was given, else a new number no other supplier has. */
export async function supplierAccount(db: Db, name: string): Promise<AuxAccount> {
  const key = supplierKey(name) || "X";
  for (let round = 0; round < 5; round++) {
    const known = await readSupplierAux(db, key);
    if (known) return known;
    for (const number of auxCandidates(key)) {
      if (await supplierAuxTaken(db, number)) continue;
      const outcome = await claimSupplierAux(db, key, name, number);
      if (outcome === "ok") return { number, label: name };
      if (outcome === "name") break;
    }
  }
  throw new Error(`No auxiliary number could be given to the supplier ${name}.`);
}
