/**
 * Accounting dates are Europe/Paris calendar dates (`YYYY-MM-DD`). Instants are converted here and
 * nowhere else.
 */
import { isValid, parseISO, format } from "date-fns";
import { TZDate } from "@date-fns/tz";

export const TIME_ZONE = "Europe/Paris";

/** The Paris calendar date of an instant: 2024-12-31T23:30Z → "2025-01-01". */
export function parisDate(instant: Date): string {
  return format(new TZDate(instant.getTime(), TIME_ZONE), "yyyy-MM-dd");
}

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2024-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = parseISO(value);
  return isValid(d) && format(d, "yyyy-MM-dd") === value;
}

/** `2024-03-05` → `20240305` (FEC). */
export function compactDate(date: string): string {
  return date.replaceAll("-", "");
}
