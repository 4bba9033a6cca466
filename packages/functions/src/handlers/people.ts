/** Lambda: donors, members, receipts and payment incidents. The délégation sees no postal address. */
import { now } from "@asso/core/clock";
import { parisDate } from "@asso/core/dates";
import { dbFromEnv } from "@asso/core/db";
import { listDonors, listGifts, listIncidents, listMembers, reassignGiftProject } from "@asso/core/giving";
import { getDeclaration, listReceipts, markDeclarationFiled } from "@asso/core/receipts/lazy";
import { issueAnnualReceipts } from "@asso/core/workflows/receipts";
import { sendRenewalReminders } from "@asso/core/workflows/renewal-reminders";
import { applyRetention, erasePerson, exportPerson } from "@asso/core/workflows/personal-data";
import { actorOf } from "../audit.js";
import { defineGroup, type HttpEvent, type Request } from "../http.js";
import { isScheduledJob, type ScheduledJob } from "../schedules.js";
import type { RouteDef } from "../route.js";

const withAddresses = (req: Request<RouteDef>) => !!req.principal?.roles.some((r) => r === "tresorier" || r === "auditor");
const page = (q: { limit: number; cursor?: string | undefined }) => ({ limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });

const http = defineGroup("people", {
  listDonors: async (req) => listDonors(dbFromEnv(), req.query.year, { withAddresses: withAddresses(req), ...page(req.query) }),
  listMembers: async (req) =>
    listMembers(dbFromEnv(), { ...(req.query.status ? { status: req.query.status } : {}), withAddresses: withAddresses(req), ...page(req.query) }),
  listReceipts: async (req) => listReceipts(dbFromEnv(), req.query.year, { withAddresses: withAddresses(req), ...page(req.query) }),
  listIncidents: async (req) => listIncidents(dbFromEnv(), req.query.year),
  listGifts: async (req) => listGifts(dbFromEnv(), req.query),
  reassignGiftProject: async (req) => reassignGiftProject(dbFromEnv(), req.params.id, req.body, req.idempotency, actorOf(req)),
  annualReceipts: async (req) => issueAnnualReceipts(dbFromEnv(), req.body.year),
  getReceiptsDeclaration: async (req) => getDeclaration(dbFromEnv(), req.params.year),
  fileReceiptsDeclaration: async (req) => markDeclarationFiled(dbFromEnv(), req.params.year, req.body, actorOf(req)),
  renewalReminders: async (req) => sendRenewalReminders(dbFromEnv(), { date: req.body.date }),
  exportPerson: async (req) => exportPerson(dbFromEnv(), req.params.email),
  erasePerson: async (req) => erasePerson(dbFromEnv(), req.params.email),
  applyRetention: async (req) => applyRetention(dbFromEnv(), { dryRun: req.body.dryRun }),
});

/** The scheduled runs (packages/functions/src/schedules.ts): today's reminders; on 15 January, the year just ended's recaps; on the 1st of each month, the personal-data retention. */
const jobs: Record<ScheduledJob["job"], () => Promise<Record<string, unknown>>> = {
  "renewal-reminders": async () => sendRenewalReminders(dbFromEnv()),
  "annual-recap": async () => {
    const year = Number(parisDate(now()).slice(0, 4)) - 1;
    const r = await issueAnnualReceipts(dbFromEnv(), year);
    return { year, issued: r.issued.length, skipped: r.skipped };
  },
  // Counts only: the run's log names nobody.
  "personal-data-retention": async () => {
    const r = await applyRetention(dbFromEnv());
    return { cutoff: r.cutoff, erased: r.people.filter((p) => p.action === "erased").length, skipped: r.people.filter((p) => p.action === "skipped").length };
  },
};

/** HTTP, or a scheduled run (EventBridge Scheduler, stacks/constructs/schedules.ts; locally infra/schedules.ts). */
export async function handler(event: HttpEvent | ScheduledJob) {
  if (!isScheduledJob(event)) return http(event);
  const result = await jobs[event.job]();
  console.log(JSON.stringify({ level: "info", msg: "scheduled run", job: event.job, ...result }));
  return result;
}
