/**
 * The scheduled runs on one machine (`npm run dev`): the same rows as the stack's EventBridge
 * Scheduler (SCHEDULES, packages/functions/src/schedules.ts), checked once a minute against the
 * Europe/Paris wall clock (the core's clock), each handing its group's handler the same event as
 * in AWS. The runs are idempotent, so a restart within the minute sends nothing twice.
 */
import { now } from "@asso/core/clock";
import { SCHEDULES, type ScheduleDef, scheduledEvent } from "@asso/functions";

type Handler = (event: unknown) => Promise<unknown>;

/** Minute, hour, day and month of an instant on the Paris wall clock. */
export function parisParts(at: Date): { minute: number; hour: number; day: number; month: number } {
  const parts: Record<string, number> = {};
  for (const p of new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Paris",
    minute: "numeric",
    hour: "numeric",
    day: "numeric",
    month: "numeric",
    hourCycle: "h23",
  }).formatToParts(at))
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { minute: parts.minute!, hour: parts.hour!, day: parts.day!, month: parts.month! };
}

/** True when `at` (Paris) matches the row's cron fields (`*` or a number). */
export function isDue(cron: ScheduleDef["cron"], at: Date): boolean {
  const p = parisParts(at);
  const ok = (field: string, v: number) => field === "*" || Number(field) === v;
  return ok(cron.minute, p.minute) && ok(cron.hour, p.hour) && ok(cron.day, p.day) && ok(cron.month, p.month);
}

/** Starts the timers; answers a stop function. */
export function startSchedules(opts: { handlerOf: (group: ScheduleDef["group"]) => Promise<Handler>; log?: (line: string) => void; everyMs?: number }) {
  const log = opts.log ?? ((line: string) => console.log(line));
  let last = "";
  const tick = async () => {
    const at = now();
    const minute = at.toISOString().slice(0, 16);
    if (minute === last) return;
    last = minute;
    for (const s of SCHEDULES) {
      if (!isDue(s.cron, at)) continue;
      try {
        const result = await (await opts.handlerOf(s.group))(scheduledEvent(s.job));
        log(`Scheduled ${s.job}: ${JSON.stringify(result)}`);
      } catch (err) {
        log(`Scheduled ${s.job} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  const timer = setInterval(() => void tick(), opts.everyMs ?? 20_000);
  timer.unref();
  return () => clearInterval(timer);
}
