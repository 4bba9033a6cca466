/**
 * The scheduled runs (issue 17): what EventBridge Scheduler invokes, and when. The stack makes one
 * schedule per row (stacks/constructs/schedules.ts), the local stack one timer per row
 * (infra/schedules.ts); both hand the group's handler the same event, `{ source, job }`.
 */
import type { Group } from "./route.js";

export const SCHEDULE_SOURCE = "asso.schedule";

export interface ScheduleDef {
  job: "renewal-reminders" | "annual-recap" | "personal-data-retention";
  /** The Lambda group whose handler runs the job. */
  group: Group;
  description: string;
  /** When, in Europe/Paris (EventBridge Scheduler cron fields). */
  cron: { minute: string; hour: string; day: string; month: string };
}

export const SCHEDULES = [
  {
    job: "renewal-reminders",
    group: "people",
    description: "Rappels de renouvellement des adhésions (30 jours avant la fin, et le dernier jour)",
    cron: { minute: "0", hour: "8", day: "*", month: "*" },
  },
  {
    job: "annual-recap",
    group: "people",
    description: "Reçus récapitulatifs de l'année écoulée des dons mensuels (15 janvier)",
    cron: { minute: "0", hour: "8", day: "15", month: "1" },
  },
  {
    job: "personal-data-retention",
    group: "people",
    description: "Effacement des données des personnes sans contact depuis trois ans (le 1er de chaque mois)",
    cron: { minute: "0", hour: "3", day: "1", month: "*" },
  },
] as const satisfies readonly ScheduleDef[];

export type ScheduledJob = { source: typeof SCHEDULE_SOURCE; job: ScheduleDef["job"] };

export const scheduledEvent = (job: ScheduleDef["job"]): ScheduledJob => ({ source: SCHEDULE_SOURCE, job });

export const isScheduledJob = (e: unknown): e is ScheduledJob =>
  (e as { source?: unknown } | null)?.source === SCHEDULE_SOURCE && SCHEDULES.some((s) => s.job === (e as { job?: unknown }).job);
