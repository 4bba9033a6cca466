/**
 * Recognition at signature (pure). A signed agreement is income of the fiscal year it is signed in;
 * the share that covers later fiscal years is income received in advance (487) and comes back in
 * its own year. The shares are pro rata of the days of the grant's period (start to end, both
 * included) falling in each fiscal year; days before the signature's year count for that year (a
 * year already past cannot receive income). Cents are shared by largest remainder, so the shares
 * add up to the amount exactly.
 */
import { fiscalYearBounds, fiscalYearOf } from "../dates.js";

const DAY = 86_400_000;
const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY;
const later = (a: string, b: string) => (a > b ? a : b);
const earlier = (a: string, b: string) => (a < b ? a : b);

export interface YearShare {
  year: number;
  amount: number;
}

/** The days of [from, to] (both included) in each fiscal year. */
export function daysByFiscalYear(from: string, to: string): Map<number, number> {
  const out = new Map<number, number>();
  for (let y = fiscalYearOf(from); ; y++) {
    const b = fiscalYearBounds(y);
    if (b.start > to) break;
    const days = dayNumber(earlier(to, b.end)) - dayNumber(later(from, b.start)) + 1;
    if (days > 0) out.set(y, days);
  }
  return out;
}

/** Shares `amount` cents by integer weights, largest remainder first (ties: earlier first). */
export function shareByWeights(amount: number, weights: number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total === 0) return weights.map((_, i) => (i === 0 ? amount : 0));
  const exact = weights.map((w) => (amount * w) / total);
  const out = exact.map(Math.floor);
  let left = amount - out.reduce((s, v) => s + v, 0);
  const order = exact.map((v, i) => ({ i, r: v - Math.floor(v) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left -= 1;
  }
  return out;
}

/**
 * The income of a grant by fiscal year: the first share is the signature's year (booked at
 * signature), the others are the later years (487 at signature, taken back on the first day of
 * their year). Shares of 0 for later years are left out.
 */
export function recognitionSchedule(amount: number, agreementDate: string, startDate: string, endDate: string): YearShare[] {
  const signed = fiscalYearOf(agreementDate);
  const days = daysByFiscalYear(startDate, endDate);
  const weights = new Map<number, number>([[signed, 0]]);
  for (const [y, d] of days) weights.set(Math.max(y, signed), (weights.get(Math.max(y, signed)) ?? 0) + d);
  const years = [...weights.keys()].sort((a, b) => a - b);
  const shares = shareByWeights(
    amount,
    years.map((y) => weights.get(y)!),
  );
  return years.map((year, i) => ({ year, amount: shares[i]! })).filter((s, i) => i === 0 || s.amount > 0);
}
