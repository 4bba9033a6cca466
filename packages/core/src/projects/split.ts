/**
 * Splitting one amount between projects: by shares (fractions to 0,01 %, adding to 1: 100 %) or by amounts (adding
 * to the total). The parts always add up to the amount to the cent: shares are rounded down and the
 * cents left go one by one to the largest remainders (the first part on a tie).
 */
import { ValidationError, type FieldError } from "../errors.js";
import type { SplitPart } from "./schemas.js";

export interface ProjectAmount {
  project: string;
  amount: number;
}

/** The faults of a split of `amount` (paths under `path`), empty when it is sound. */
export function splitFaults(amount: number, parts: readonly SplitPart[], path = "split"): FieldError[] {
  const errors: FieldError[] = [];
  if (!parts.length) return [{ path, message: "a split has at least one part" }];
  const shares = parts.filter((p) => p.share !== undefined).length;
  if (shares && shares !== parts.length) return [{ path, message: "the parts are all shares or all amounts, not both" }];
  if (shares) {
    const total = parts.reduce((s, p) => s + Math.round(p.share! * 10_000), 0);
    if (total !== 10_000) errors.push({ path, message: `the shares add up to ${total / 100} %, not 100 %` });
  } else {
    const total = parts.reduce((s, p) => s + (p.amount ?? 0), 0);
    if (total !== amount) errors.push({ path, message: `the parts add up to ${total} cents, not the amount ${amount}` });
  }
  const seen = new Set<string>();
  parts.forEach((p, i) => {
    if (seen.has(p.projectId)) errors.push({ path: `${path}.${i}.projectId`, message: `project ${p.projectId} is named twice` });
    seen.add(p.projectId);
  });
  return errors;
}

/** The amount of each project; throws a ValidationError naming the faults of an unsound split. */
export function splitAmount(amount: number, parts: readonly SplitPart[], path = "split"): ProjectAmount[] {
  const errors = splitFaults(amount, parts, path);
  if (errors.length) throw new ValidationError(errors);
  if (parts[0]!.amount !== undefined) return parts.map((p) => ({ project: p.projectId, amount: p.amount! }));
  const raw = parts.map((p) => (amount * Math.round(p.share! * 10_000)) / 10_000);
  const out = raw.map((r, i) => ({ project: parts[i]!.projectId, amount: Math.floor(r) }));
  let left = amount - out.reduce((s, p) => s + p.amount, 0);
  const order = raw.map((r, i) => ({ i, rest: r - Math.floor(r) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]!.i]!.amount += 1;
  return out;
}
