/**
 * Lambda: the mail outbox. HTTP: a person's messages, resend, clear a bounced address's mark. SNS:
 * the SES configuration set's bounce and complaint events (topic MailEvents) mark the address.
 * EventBridge, every minute: the worker sends what is due (SES v2, paced to MAIL_RATE_PER_SECOND;
 * a run lease in the table keeps one run at a time), until 10 s before the function's timeout.
 */
import { dbFromEnv } from "@asso/core/db";
import { clearAddressMark, personMessages, recordSesEvent, resendMessage, transportFromEnv, type MailTransport } from "@asso/core/mail";
import { sendMail } from "@asso/core/workflows/mail";
import { actorOf } from "../audit.js";
import { defineGroup, type HttpEvent } from "../http.js";

const http = defineGroup("mail", {
  personMessages: async (req) => personMessages(dbFromEnv(), req.params.email),
  resendMessage: async (req) => resendMessage(dbFromEnv(), req.params.email, req.params.id),
  clearMailBounce: async (req) => ({ email: req.params.email, cleared: await clearAddressMark(dbFromEnv(), req.params.email, actorOf(req).sub) }),
});

interface SnsEvent {
  Records: { EventSource?: string; Sns: { Message: string } }[];
}
interface ScheduledEvent {
  source: "aws.events";
  "detail-type"?: string;
}
interface LambdaContext {
  getRemainingTimeInMillis?: () => number;
}

const isSns = (e: unknown): e is SnsEvent =>
  Array.isArray((e as SnsEvent | null)?.Records) && (e as SnsEvent).Records.every((r) => r?.Sns && typeof r.Sns.Message === "string");
const isSchedule = (e: unknown): e is ScheduledEvent => (e as ScheduledEvent | null)?.source === "aws.events";

let transport: MailTransport | undefined;

export async function handler(event: HttpEvent | SnsEvent | ScheduledEvent, context?: LambdaContext) {
  if (isSns(event)) {
    const db = dbFromEnv();
    const outcomes = [];
    for (const r of event.Records) outcomes.push(await recordSesEvent(db, r.Sns.Message));
    // Counts and types only: no address in the logs.
    console.log(
      JSON.stringify({ level: "info", msg: "ses events", types: outcomes.map((o) => o.type), marked: outcomes.reduce((s, o) => s + o.marked.length, 0) }),
    );
    return { records: outcomes.length };
  }
  if (isSchedule(event)) {
    transport ??= await transportFromEnv();
    const remaining = context?.getRemainingTimeInMillis?.() ?? 50_000;
    const report = await sendMail(dbFromEnv(), transport, { budgetMs: Math.max(0, remaining - 10_000), limit: 1000, runLeaseMs: remaining + 5_000 });
    console.log(JSON.stringify({ level: "info", msg: "mail worker run", ...report }));
    return report;
  }
  return http(event as HttpEvent);
}
