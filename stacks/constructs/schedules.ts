/**
 * The scheduled runs (issue 17), with EventBridge Scheduler: one schedule per row of SCHEDULES
 * (packages/functions/src/schedules.ts), a cron in Europe/Paris (so 08:00 stays 08:00 across
 * summer time), invoking its group's Lambda with `{ source: "asso.schedule", job }`. Today: the
 * renewal reminders every day at 08:00, and on 15 January the recap receipts of the year just
 * ended. Both runs are idempotent (each message once per fact, each recap once per subscription),
 * so the scheduler's retries and a rerun by hand never send twice. The people function gets
 * PUBLIC_BASE_URL, for the reminders' renewal links.
 */
import { Duration, TimeZone } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { Schedule, ScheduleExpression, ScheduleTargetInput } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import { type Group, SCHEDULES, scheduledEvent } from "@asso/functions";
import type { StackContext } from "./context.js";

/** Schedule names by job (logical ids `Schedule<Name>`). */
const nameOf = (job: string) => job.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

export function defineSchedules({ scope, stack, stage }: StackContext, functions: Map<Group, LambdaFunction>, opts: { publicBaseUrl: string }) {
  // The scheduler's own role, assumable only for this account's schedules: it may invoke the targets, nothing else.
  const role = new Role(scope, "SchedulesRole", {
    assumedBy: new ServicePrincipal("scheduler.amazonaws.com", { conditions: { StringEquals: { "aws:SourceAccount": stack.account } } }),
    description: `EventBridge Scheduler: the back-office's scheduled runs (${stage})`,
  });
  const schedules = new Map<string, Schedule>();
  for (const s of SCHEDULES) {
    const fn = functions.get(s.group)!;
    if (s.job === "renewal-reminders") fn.addEnvironment("PUBLIC_BASE_URL", opts.publicBaseUrl);
    const schedule = new Schedule(scope, `Schedule${nameOf(s.job)}`, {
      description: s.description,
      schedule: ScheduleExpression.cron({ ...s.cron, timeZone: TimeZone.EUROPE_PARIS }),
      target: new LambdaInvoke(fn, {
        role,
        input: ScheduleTargetInput.fromObject(scheduledEvent(s.job)),
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
    schedules.set(s.job, schedule);
  }
  return { role, schedules };
}
