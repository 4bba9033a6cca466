/**
 * The five figures of a grant and of a funder (pure): awarded, recognised, received, spent, unspent
 * restricted; with outstanding (awarded − received) and deferred (awarded − recognised). They come
 * from the running totals kept on the grant and funder items, never from a scan of expenses.
 */
import type { Funder, Grant } from "./store.js";

export interface Figures {
  awarded: number;
  recognised: number;
  deferred: number;
  received: number;
  outstanding: number;
  spent: number;
  /** Given back to the funder (unspent restricted funds). */
  repaid: number;
  unspentRestricted: number;
}

type Years = Grant["years"];
const recognisedUpTo = (years: Years, asOfYear: number) => [...years].reduce((s, [y, f]) => (y <= asOfYear ? s + f.recognised : s), 0);
/** What repayments took from the fonds dédiés carried (the part taken from a year's income is already off its recognised). */
export const repaidFromFunds = (years: Years) => [...years.values()].reduce((s, f) => s + (f.repaid ?? 0), 0);

export const byYear = (years: Years) =>
  [...years.entries()].sort(([a], [b]) => a - b).map(([year, f]) => ({ year, recognised: f.recognised, received: f.received, spent: f.spent }));

/** A grant's figures as of the end of fiscal year `asOfYear` for what is recognised (received and spent: all). */
export function grantFigures(g: Grant, asOfYear: number): Figures {
  const recognised = recognisedUpTo(g.years, asOfYear);
  return {
    awarded: g.amount,
    recognised,
    deferred: g.amount - recognised,
    received: g.received,
    outstanding: g.amount - g.received,
    spent: g.spent,
    repaid: g.repaid ?? 0,
    unspentRestricted: g.restricted ? Math.max(0, recognised - g.spent - repaidFromFunds(g.years)) : 0,
  };
}

/** A funder's figures: its running totals, and the unspent restricted money of its grants. */
export function funderFigures(f: Funder, grants: readonly Grant[], asOfYear: number): Figures {
  const recognised = recognisedUpTo(f.years, asOfYear);
  return {
    awarded: f.awarded,
    recognised,
    deferred: f.awarded - recognised,
    received: f.received,
    outstanding: f.awarded - f.received,
    spent: f.spent,
    repaid: f.repaid ?? 0,
    unspentRestricted: grants.reduce((s, g) => s + grantFigures(g, asOfYear).unspentRestricted, 0),
  };
}

/** The last day a payment may be dated: the end of the grant, or a later installment's due date. */
export const grantEnds = (g: Pick<Grant, "endDate" | "installments">) => g.installments.reduce((d, i) => (i.dueDate > d ? i.dueDate : d), g.endDate);
