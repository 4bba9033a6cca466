/**
 * Membership periods: the dates a payment covers, as pure functions of Europe/Paris calendar dates
 * (`YYYY-MM-DD`). A tier says its period:
 *
 * - `calendar_year`: 1 January – 31 December of the year paid for (the payment's year; from
 *   1 November, `NEXT_YEAR_FROM`, the payer may choose the next year instead);
 * - `rolling_12_months`: from the payment date to the day before the same date a year later
 *   (paid 2026-03-15 → 2027-03-14; paid on 29 February → 28 February).
 *
 * A renewal paid while the membership still runs extends it: for a rolling tier the new period
 * starts the day after the current `validUntil`; for a calendar tier it is the calendar year of the
 * day after the current end (from that day, when an earlier rolling period ends inside that year).
 * A renewal never makes a second member: the member is the e-mail address.
 */
import { ValidationError } from "../errors.js";

export type MembershipPeriod = "calendar_year" | "rolling_12_months";

/** How many applied charges a member record keeps (a redelivery comes within days, not years). */
export const MEMBER_CHARGES_KEPT = 20;

/** The stored value before periods were named: a calendar year. */
export const periodOf = (stored: string | undefined): MembershipPeriod => (stored === "rolling_12_months" ? "rolling_12_months" : "calendar_year");

/** What a person reads for each period. */
export const PERIOD_LABELS: Record<MembershipPeriod, string> = {
  calendar_year: "année civile (1er janvier – 31 décembre)",
  rolling_12_months: "12 mois à partir du paiement",
};

/** From this day of the year (MM-DD) a calendar-year payment may be for the next year. */
export const NEXT_YEAR_FROM = "11-01";

export interface Validity {
  validFrom: string;
  validUntil: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const ymd = (d: Date) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const utc = (date: string) => new Date(`${date}T00:00:00Z`);

/** A calendar date moved by `days` (negative: earlier). */
export function addDays(date: string, days: number): string {
  const d = utc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return ymd(d);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string) => Math.round((utc(to).getTime() - utc(from).getTime()) / 86_400_000);

export const yearOf = (date: string) => Number(date.slice(0, 4));

/** The same day a year later; 29 February becomes 1 March (so the period ends on 28 February). */
function sameDayNextYear(date: string): string {
  const [y, m, d] = [yearOf(date) + 1, Number(date.slice(5, 7)), Number(date.slice(8, 10))];
  const next = new Date(Date.UTC(y, m - 1, d));
  return next.getUTCMonth() === m - 1 ? ymd(next) : `${pad(y, 4)}-03-01`;
}

/** The calendar year a payment on `date` may be for: its own, and the next one from `NEXT_YEAR_FROM`. */
export function membershipYears(period: MembershipPeriod, date: string): { current: number; next?: number } {
  const current = yearOf(date);
  if (period !== "calendar_year" || date.slice(5) < NEXT_YEAR_FROM) return { current };
  return { current, next: current + 1 };
}

/**
 * The year asked at checkout (`membershipYear`), checked against the day of the checkout: the
 * current year, or the next one for a calendar-year tier from `NEXT_YEAR_FROM`. Throws a
 * ValidationError naming `membershipYear`.
 */
export function checkMembershipYear(period: MembershipPeriod, year: number | undefined, today: string): number | undefined {
  if (year === undefined) return undefined;
  const { current, next } = membershipYears(period, today);
  const fail = (message: string) => new ValidationError([{ path: "membershipYear", message }]);
  if (period !== "calendar_year") throw fail("cette formule court 12 mois à partir du paiement : il n'y a pas d'année à choisir");
  if (year === current || year === next) return year;
  if (year === current + 1) throw fail(`l'adhésion pour ${year} s'ouvre le 1er novembre ${current} ; en attendant, seule l'année ${current} est proposée`);
  throw fail(next ? `l'année doit être ${current} ou ${next}` : `l'année doit être ${current}`);
}

/**
 * The period a payment on `paidOn` covers. `current` is the member's validity before this payment
 * (none for a new member); `membershipYear` the year chosen at checkout (calendar tiers). A payment
 * while the membership runs starts after its end; a payment after it ended starts afresh.
 */
export function validityOf(
  period: MembershipPeriod,
  paidOn: string,
  opts: { current?: Validity | undefined; membershipYear?: number | undefined } = {},
): Validity {
  const running = opts.current && opts.current.validUntil >= paidOn ? opts.current : undefined;
  const start = running ? addDays(running.validUntil, 1) : paidOn;
  if (period === "rolling_12_months") return { validFrom: start, validUntil: addDays(sameDayNextYear(start), -1) };
  const year = Math.max(yearOf(start), opts.membershipYear ?? 0);
  const validFrom = running && yearOf(start) === year ? start : `${year}-01-01`;
  return { validFrom, validUntil: `${year}-12-31` };
}

/** A member's dates as stored; records written before `validFrom` existed held a calendar year. */
export const validityOfRecord = (m: { validFrom?: string | undefined; validUntil: string }): Validity => ({
  validFrom: m.validFrom ?? `${m.validUntil.slice(0, 4)}-01-01`,
  validUntil: m.validUntil,
});

/**
 * The first day of the membership that runs to the new `validUntil`: kept from the current one
 * when the payment extends it (a renewal paid before the end), else the new period's first day.
 */
export function coveredFromOf(
  paidOn: string,
  next: Validity,
  current?: (Validity & { coveredFrom?: string | undefined; lastPaymentOn?: string | undefined }) | undefined,
): string {
  if (!current || current.validUntil < paidOn) return next.validFrom;
  return coveredFromOfRecord(current);
}

/**
 * A record's `coveredFrom`; records older than it: the earlier of the period's first day and the
 * last payment (a renewal paid before the end, under the old calendar rule, kept the member active).
 */
export function coveredFromOfRecord(m: {
  validFrom?: string | undefined;
  validUntil: string;
  coveredFrom?: string | undefined;
  lastPaymentOn?: string | undefined;
}): string {
  if (m.coveredFrom) return m.coveredFrom;
  const { validFrom } = validityOfRecord(m);
  return m.lastPaymentOn && m.lastPaymentOn < validFrom ? m.lastPaymentOn : validFrom;
}

export type MemberStatus = "active" | "upcoming" | "expired";

/**
 * A member's status on `today`: `expired` after `validUntil`; `active` from the first day of the
 * membership (`coveredFrom`, else the period's `validFrom`); `upcoming` before it (paid for the next
 * year, not started).
 */
export function statusOf(
  m: { validFrom?: string | undefined; validUntil: string; coveredFrom?: string | undefined; lastPaymentOn?: string | undefined },
  today: string,
): MemberStatus {
  if (m.validUntil < today) return "expired";
  return coveredFromOfRecord(m) <= today ? "active" : "upcoming";
}

/**
 * What a payment made on `today` would cover, for the public page: the dates, and for a calendar
 * tier from 1 November the next year's too.
 */
export function offeredPeriods(
  period: MembershipPeriod,
  today: string,
): { current: Validity & { membershipYear?: number }; next?: Validity & { membershipYear: number } } {
  const { current, next } = membershipYears(period, today);
  if (period === "rolling_12_months") return { current: validityOf(period, today) };
  return {
    current: { membershipYear: current, ...validityOf(period, today, { membershipYear: current }) },
    ...(next ? { next: { membershipYear: next, ...validityOf(period, today, { membershipYear: next }) } } : {}),
  };
}

/** The reminders due on `date` for a membership ending on `validUntil`: 30 days before, and on the day. */
export const REMINDER_DAYS = [30, 0] as const;
export function reminderDue(validUntil: string, date: string): (typeof REMINDER_DAYS)[number] | undefined {
  const left = daysBetween(date, validUntil);
  return REMINDER_DAYS.find((d) => d === left);
}

/**
 * What the public page shows of each tier offered: its period (and in French), whether it gives a
 * tax receipt, the dates a payment today covers, and from 1 November for a calendar-year tier the
 * next year's (the checkout's `membershipYear`).
 */
export function publicMemberships(tiers: readonly { id: string; label: string; amount: number; period: string; receipt: boolean }[], today: string) {
  return tiers.map((t) => {
    const period = periodOf(t.period);
    const offered = offeredPeriods(period, today);
    return {
      tierId: t.id,
      label: t.label,
      amount: t.amount,
      period,
      periodLabel: PERIOD_LABELS[period],
      receipt: t.receipt,
      current: offered.current,
      ...(offered.next ? { next: offered.next } : {}),
    };
  });
}

/**
 * `GET /v1/public/membership-tiers`: each tier offered with its period and, flat, the dates a
 * payment today covers (`year` for a calendar tier) and from 1 November `next` (`year`, dates).
 */
export function publicTiers(tiers: readonly { id: string; label: string; amount: number; period: string; receipt: boolean }[], today: string) {
  return publicMemberships(tiers, today).map((m) => ({
    id: m.tierId,
    label: m.label,
    amount: m.amount,
    period: m.period,
    periodLabel: m.periodLabel,
    receipt: m.receipt,
    ...(m.current.membershipYear ? { year: m.current.membershipYear } : {}),
    validFrom: m.current.validFrom,
    validUntil: m.current.validUntil,
    ...(m.next ? { next: { year: m.next.membershipYear, validFrom: m.next.validFrom, validUntil: m.next.validUntil } } : {}),
  }));
}
