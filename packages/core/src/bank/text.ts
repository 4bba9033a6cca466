/**
 * Bank notations to numbers: ISO/OFX decimals (`parseDecimalAmount`), CSV amounts with a decimal
 * comma or point and spaces between thousands (`parseAmount`); dates as `DD/MM/YYYY`, `YYYY-MM-DD`
 * (with or without an offset) or `YYYYMMDD`. Decoding a file's bytes is in `decode.ts` (it
 * loads iconv-lite, which only the statement import needs).
 */
import { isCalendarDate } from "../dates.js";

/**
 * A decimal as ISO 20022 (CAMT) and OFX write it → integer cents: one decimal point (OFX 1.x also a
 * comma), no thousands separator, up to five fraction digits. `"sub-cent"` when a digit after the
 * cents is not zero (a figure the books cannot hold), undefined when it is not such a decimal.
 * Never guesses thousands: `18.150` is eighteen euros fifteen.
 */
export function parseDecimalAmount(raw: string | undefined | null, opts: { comma?: boolean } = {}): number | "sub-cent" | undefined {
  if (raw === undefined || raw === null) return undefined;
  const s = String(raw).trim();
  const m = (opts.comma ? /^([+-]?)(\d+)?(?:[.,](\d{0,5}))?$/ : /^([+-]?)(\d+)?(?:\.(\d{0,5}))?$/).exec(s);
  if (!m || (!m[2] && !m[3])) return undefined;
  const frac = (m[3] ?? "").padEnd(5, "0");
  if (frac.slice(2) !== "000") return "sub-cent";
  const value = Number(m[2] ?? "0") * 100 + Number(frac.slice(0, 2));
  if (!Number.isSafeInteger(value)) return undefined;
  return m[1] === "-" && value !== 0 ? -value : value;
}

/**
 * A decimal amount as banks write it in their CSV exports → integer cents, or undefined when it is
 * not one (thousands groups guessed: only for CSV tables, never CAMT or OFX).
 * `1 234,56`, `-1234.56`, `+12,5`, `1.234,56`, `12,50 €`, `(12,50)`.
 */
export function parseAmount(raw: string | number | undefined | null): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  let s = String(raw)
    .trim()
    .replace(/[\s\u00a0\u202f]/g, "")
    .replace(/(EUR|€)$/i, "");
  if (!s) return undefined;
  let sign = 1;
  if (/^\(.*\)$/.test(s)) {
    sign = -1;
    s = s.slice(1, -1);
  }
  if (s.startsWith("-")) {
    sign = -sign;
    s = s.slice(1);
  } else if (s.startsWith("+")) s = s.slice(1);
  // The last separator is the decimal one when followed by 1 or 2 digits; others group thousands.
  const m = /^(\d{1,3}(?:[.,']\d{3})*|\d+)(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  const whole = m[1]!.replace(/[.,']/g, "");
  const cents = (m[2] ?? "").padEnd(2, "0");
  const value = Number(whole) * 100 + Number(cents || "0");
  if (!Number.isSafeInteger(value)) return undefined;
  return sign * value;
}

/** `05/11/2024`, `05-11-2024`, `05.11.24`, `2024-11-05`, `20241105`, `2024-11-05T10:00:00` → `2024-11-05`. */
export function parseDate(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  const s = String(raw).trim();
  let y: string | undefined, mo: string | undefined, d: string | undefined;
  let m: RegExpExecArray | null;
  // An ISO date may carry its offset (`2017-04-01+02:00`, `2017-04-01Z`): the bank's calendar day is kept.
  if ((m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ]|Z$|[+-]\d{2}:?\d{2}$)/.exec(s))) [, y, mo, d] = m;
  else if ((m = /^(\d{4})(\d{2})(\d{2})(?:$|\d|\[|\.)/.exec(s))) [, y, mo, d] = m;
  else if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:$|\s+\d{1,2}:\d{2}(?::\d{2})?$)/.exec(s))) {
    [, d, mo, y] = m;
    if (y!.length === 2) y = `20${y}`;
  }
  if (!y || !mo || !d) return undefined;
  const date = `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`;
  return isCalendarDate(date) ? date : undefined;
}

/** Unicode NFC, whitespace collapsed, trimmed: how a label is stored and compared. */
export const cleanLabel = (s: string | undefined | null) =>
  String(s ?? "")
    .normalize("NFC")
    .replace(/\s+/g, " ")
    .trim();

/** `FR76 3000 4000 …` → `FR7630004000…`. */
export const compactIban = (s: string) => s.replace(/\s+/g, "").toUpperCase();

/** 123456 → "1 234,56 €" (narrow no-break space between thousands), negative with a minus sign. */
export { receiptEuros as formatEuros } from "../money.js";
