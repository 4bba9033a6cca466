/** The scheduled runs on one machine (infra/schedules.ts): the same rows as EventBridge Scheduler, on the Paris wall clock. */
import { describe, expect, it } from "vitest";
import { fixedClock, useClock } from "@asso/core/clock";
import { SCHEDULES } from "@asso/functions";
import { isDue, startSchedules } from "../infra/schedules.js";

const reminders = SCHEDULES.find((s) => s.job === "renewal-reminders")!.cron;
const recap = SCHEDULES.find((s) => s.job === "annual-recap")!.cron;

describe("local schedules", () => {
  it("08:00 Paris is 07:00 UTC in winter and 06:00 UTC in summer; the recap only on 15 January", () => {
    expect(isDue(reminders, new Date("2026-12-02T07:00:30Z"))).toBe(true);
    expect(isDue(reminders, new Date("2026-12-02T08:00:00Z"))).toBe(false);
    expect(isDue(reminders, new Date("2026-07-02T06:00:00Z"))).toBe(true);
    expect(isDue(reminders, new Date("2026-07-02T07:00:00Z"))).toBe(false);
    expect(isDue(recap, new Date("2027-01-15T07:00:00Z"))).toBe(true);
    expect(isDue(recap, new Date("2027-01-16T07:00:00Z"))).toBe(false);
  });

  it("hands each due row's group handler the same event as in AWS, once per minute", async () => {
    const previous = useClock(fixedClock("2027-01-15T07:00:10Z"));
    const events: unknown[] = [];
    const lines: string[] = [];
    const stop = startSchedules({
      handlerOf: async (group) => async (e) => {
        events.push({ group, e });
        return { ok: true };
      },
      log: (l) => lines.push(l),
      everyMs: 20,
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      stop();
      useClock(previous);
    }
    expect(events).toEqual([
      { group: "people", e: { source: "asso.schedule", job: "renewal-reminders" } },
      { group: "people", e: { source: "asso.schedule", job: "annual-recap" } },
    ]);
    expect(lines).toEqual(['Scheduled renewal-reminders: {"ok":true}', 'Scheduled annual-recap: {"ok":true}']);
  });
});
