/**
 * The one clock of the core. Every "now" the domain reads comes from here, so a test or a
 * scheduled run can set the date it works at (a reminder run "at a chosen date", a closing
 * "after the year's last day") without touching the system clock.
 *
 * The composition root (a Lambda handler, the local stack, a test) may install another clock with
 * `useClock`; the default reads the system time.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock stopped at `at` (an ISO instant or a Date). */
export const fixedClock = (at: string | Date): Clock => {
  const t = new Date(at).getTime();
  if (Number.isNaN(t)) throw new RangeError(`not an instant: ${String(at)}`);
  return { now: () => new Date(t) };
};

let current: Clock = systemClock;

/** Installs `clock` for the process; answers the one it replaced, to put back. */
export function useClock(clock: Clock): Clock {
  const previous = current;
  current = clock;
  return previous;
}

/** The current instant. */
export const now = (): Date => current.now();

/** The current instant in milliseconds since the epoch. */
export const nowMs = (): number => current.now().getTime();

/** The current instant as an ISO string (UTC). */
export const nowIso = (): string => current.now().toISOString();

/**
 * Elapsed real time in milliseconds (monotonic, from an arbitrary origin), for pacing and time
 * budgets: not an instant, and not fixed by a test's clock (a fixed clock would never let time pass).
 */
export const elapsedMs = (): number => performance.now();
