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

// ---------------------------------------------------------------- fiscal years

let savedStartMonth: number | undefined;

/** The fiscal year start saved in the settings (settings/, section `year`); undefined: the environment's. */
export function useFiscalStartMonth(month: number | undefined): void {
  savedStartMonth = month;
}

/**
 * The first month (1–12) of the association's fiscal year (the saved setting when there is one): `FISCAL_YEAR_START_MONTH`, default 1
 * (calendar years, the contract's default). A fiscal year is named after the calendar year of its
 * first day: with a start in September, 2024 runs from 2024-09-01 to 2025-08-31.
 */
export function fiscalStartMonth(env?: Record<string, string | undefined>): number {
  if (env === undefined && savedStartMonth !== undefined) return savedStartMonth;
  const raw = (env ?? process.env).FISCAL_YEAR_START_MONTH;
  if (raw === undefined || raw === "") return 1;
  const m = Number(raw);
  if (!Number.isInteger(m) || m < 1 || m > 12) throw new Error(`FISCAL_YEAR_START_MONTH must be a month number from 1 to 12, not ${JSON.stringify(raw)}`);
  return m;
}

/** The fiscal year an accounting date (`YYYY-MM-DD`) belongs to. */
export function fiscalYearOf(date: string, startMonth = fiscalStartMonth()): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return m >= startMonth ? y : y - 1;
}

/** The first and last dates of a fiscal year. */
export function fiscalYearBounds(year: number, startMonth = fiscalStartMonth()): { start: string; end: string } {
  const start = `${year}-${String(startMonth).padStart(2, "0")}-01`;
  if (startMonth === 1) return { start, end: `${year}-12-31` };
  const endMonth = startMonth - 1;
  const lastDay = new Date(Date.UTC(year + 1, endMonth, 0)).getUTCDate();
  return { start, end: `${year + 1}-${String(endMonth).padStart(2, "0")}-${String(lastDay).padStart(2, "0")}` };
}
