/** Ids and the current fiscal year, shared by the grants domain's use cases. */
import { createHash, randomUUID } from "node:crypto";
import { fiscalYearOf, parisDate } from "../dates.js";
import type { Idempotency } from "../ledger/index.js";
import { now } from "../clock.js";

/** A new record's id: derived from the Idempotency-Key (a retry finds the same record), else random. */
export function idFor(idem: Idempotency | undefined): string {
  if (!idem) return randomUUID();
  const h = createHash("sha256").update(`${idem.operation}\u0000${idem.key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The fiscal year of today (Paris). */
export const currentYear = () => fiscalYearOf(parisDate(now()));
