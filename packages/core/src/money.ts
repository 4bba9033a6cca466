/** Cents to text, with integer arithmetic only (money is never a float here). */

/** `123456` → `"1234,56"`: decimal comma, no thousands separator (the FEC's and a spreadsheet's form). */
export function frenchAmount(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
}

/** `123456` → `"1234,56 €"`, for messages. */
export const plainEuros = (cents: number) => `${frenchAmount(cents)} €`;

/** `123456` → `"1234.56"`: a decimal point, as XML formats (CAMT.053) write amounts. */
export const decimalAmount = (cents: number) => frenchAmount(cents).replace(",", ".");
