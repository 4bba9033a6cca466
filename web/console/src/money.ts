/**
 * Money at the console's edge: typed as French decimals ("1 234,56", "1234.5", "12 €"), sent as
 * integer cents, shown by the core's money formatter (integers only). Never a float on the way in.
 */

import { euros, formatCents } from "../../../packages/core/src/money.js";

const INT = new Intl.NumberFormat("fr-FR");
const PCT = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 });

/** The largest amount the API accepts (10^13 cents). */
export const MAX_CENTS = 1e13;

/**
 * "1 234,56" → 123456; "" or anything that is not a positive amount with at most two decimals →
 * null. Spaces (including the no-break spaces Intl writes) and a trailing "€" are ignored; the
 * decimal separator is a comma or a dot.
 */
export function parseEuros(text: string): number | null {
  const s = text.replace(/[\s\u00a0\u202f]/g, "").replace(/€$/, "");
  const m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const whole = m[1]!.replace(/^0+(?=\d)/, "");
  if (whole.length > 12) return null;
  const cents = Number(whole) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return cents > MAX_CENTS ? null : cents;
}

/** 123456 → "1 234,56 €" (fr-FR, with its no-break spaces): the core's one money formatter. */
export const formatEuros = (cents: number): string => euros(cents);
/** 123456 → "1 234,56" (for an input's value). */
export const formatPlain = (cents: number): string => formatCents(cents, { group: "\u202f" });
export const formatInt = (n: number): string => INT.format(n);
export const formatPercent = (share: number): string => PCT.format(share);

/** "2024-03-20" → "20/03/2024" (a calendar date: no time zone involved). */
export function formatDate(iso: string | undefined | null): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** Today's calendar date in Europe/Paris, YYYY-MM-DD. */
export const parisToday = (): string => new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
