/**
 * Money to text: the one formatter of integer cents, with integer arithmetic only (money is never
 * a float here). Every place that writes an amount for a person or a file calls one of the
 * functions below, which differ only by the style the reader expects:
 *
 * | function         | example          | used by                                             |
 * | ---------------- | ---------------- | --------------------------------------------------- |
 * | `frenchAmount`   | `1234,56`        | FEC, CSV (decimal comma, no thousands separator)    |
 * | `decimalAmount`  | `1234.56`        | XML formats (CAMT.053)                              |
 * | `plainEuros`     | `1234,56 €`      | error messages                                      |
 * | `euros`          | `1 234,56 €`     | the report, the console (as Intl fr-FR writes it)   |
 * | `eurosWhole`     | `1 235 €`        | the report's tables and charts (rounded half up)    |
 * | `receiptEuros`   | `1 234,56 €`     | the tax receipt (its frozen form: "−", plain space) |
 */

export interface EuroStyle {
  /** Thousands separator (none when omitted). */
  group?: string;
  /** What stands between the figure and "€" (no "€" when omitted). */
  currencySpace?: string;
  /** Whole euros, rounded half up (as Math.round does), instead of cents. */
  whole?: boolean;
  /** The sign of a negative amount. */
  minus?: string;
  /** The decimal separator. */
  decimal?: string;
}

const NNBSP = "\u202f";
const NBSP = "\u00a0";

/** Integer cents to text in the given style. Throws on anything that is not a whole number of cents. */
export function formatCents(cents: number, style: EuroStyle = {}): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`an amount is a whole number of cents, not ${cents}`);
  const { group = "", currencySpace, whole = false, minus = "-", decimal = "," } = style;
  // Math.round(x / 100) rounds half towards +∞; so does floor((x + 50) / 100) in integers.
  const value = whole ? Math.floor((cents + 50) / 100) : cents;
  const negative = value < 0;
  const abs = Math.abs(value);
  const units = whole ? abs : Math.floor(abs / 100);
  let text = group ? String(units).replace(/\B(?=(\d{3})+(?!\d))/g, group) : String(units);
  if (!whole) text += `${decimal}${String(abs % 100).padStart(2, "0")}`;
  if (negative) text = `${minus}${text}`;
  return currencySpace === undefined ? text : `${text}${currencySpace}€`;
}

/** `123456` → `"1234,56"`: decimal comma, no thousands separator (the FEC's and a spreadsheet's form). */
export const frenchAmount = (cents: number) => formatCents(cents);

/** `123456` → `"1234,56 €"`, for messages. */
export const plainEuros = (cents: number) => formatCents(cents, { currencySpace: " " });

/** `123456` → `"1234.56"`: a decimal point, as XML formats (CAMT.053) write amounts. */
export const decimalAmount = (cents: number) => formatCents(cents, { decimal: "." });

/** `123456` → `"1 234,56 €"` exactly as Intl fr-FR writes it (narrow no-break groups, no-break space before €). */
export const euros = (cents: number) => formatCents(cents, { group: NNBSP, currencySpace: NBSP });

/** `123456` → `"1 235 €"`: whole euros, rounded half up, as Intl fr-FR writes them. */
export const eurosWhole = (cents: number) => formatCents(cents, { group: NNBSP, currencySpace: NBSP, whole: true });

/** `123456` → `"1 235 €"` with a plain space before € (the report's commentary sentences). */
export const eurosRoundedText = (cents: number) => formatCents(cents, { group: NNBSP, currencySpace: " ", whole: true });

/** `-123456` → `"−1 234,56 €"`: the receipt's form (true minus sign, plain space), frozen on issued receipts. */
export const receiptEuros = (cents: number) => formatCents(cents, { group: NNBSP, currencySpace: " ", minus: "\u2212" });
