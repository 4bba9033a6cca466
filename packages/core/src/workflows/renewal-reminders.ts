/**
 * The renewal reminders (issue 17): for a Paris date, one `renewal_reminder` per member whose
 * membership ends 30 days later, and one per member whose membership ends that day. Each is queued
 * in the outbox under the fact `member#<email>#<validUntil>#d30` (or `#d0`), exactly once per
 * (fact, kind): a rerun of the same date, or of a later one, queues nothing twice; a member who
 * renewed meanwhile has another `validUntil`, so is not due. Run daily at 08:00 Paris by the
 * schedule (stacks/constructs/schedules.ts; locally infra/schedules.ts), and by the trésorier at a
 * chosen date (`POST /v1/members/reminders`).
 */
import { now } from "../clock.js";
import type { Db } from "../db/client.js";
import { parisDate } from "../dates.js";
import { membersDueForReminder, periodOf } from "../giving/index.js";
import { queueMessage } from "../mail/index.js";
import { givingSettingsOf } from "../settings/index.js";

/** `<PUBLIC_BASE_URL>/?adhesion=<tierId>&email=<email>`: the giving page opens the renewal prefilled. */
export function renewLinkOf(publicBase: string, tierId: string, email: string): string {
  const base = publicBase.replace(/\/+$/, "");
  return `${base}/?adhesion=${encodeURIComponent(tierId)}&email=${encodeURIComponent(email)}`;
}

export async function sendRenewalReminders(
  db: Db,
  opts: { date?: string | undefined; publicBaseUrl?: string | undefined } = {},
): Promise<{ date: string; members: number; queued: number }> {
  const date = opts.date ?? parisDate(now());
  const base = opts.publicBaseUrl ?? process.env.PUBLIC_BASE_URL ?? "http://127.0.0.1:3000";
  const { tiers } = await givingSettingsOf(db);
  const offered = tiers.filter((t) => t.active);
  const due = await membersDueForReminder(db, date);
  let queued = 0;
  for (const m of due) {
    const days = m.daysLeft;
    const tier = tiers.find((t) => t.id === m.tierId);
    // The renewal is offered on the member's tier while it is offered; else on the first of the same period.
    const renewOn = (tier?.active ? tier : undefined) ?? offered.find((t) => periodOf(t.period) === periodOf(tier?.period)) ?? offered[0];
    const r = await queueMessage(db, {
      fact: `member#${m.email}#${m.validUntil}#d${days}`,
      kind: "renewal_reminder",
      to: m.email,
      name: `${m.firstName} ${m.lastName}`.trim(),
      data: {
        tierLabel: tier?.label ?? renewOn?.label ?? "Adhésion",
        validUntil: m.validUntil,
        daysLeft: days,
        renewLink: renewLinkOf(base, renewOn?.id ?? m.tierId, m.email),
      },
    });
    if (r.queued) queued++;
  }
  return { date, members: due.length, queued };
}
