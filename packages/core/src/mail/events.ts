/**
 * What SES says after sending (the configuration set's events, through the SNS topic
 * `MailEvents`): a permanent bounce or a complaint marks the address, so nothing more is written to
 * it until the trésorier clears the mark; the message that bounced (found by our header
 * `X-Asso-Message`) is shown `bounced`. A transient bounce (mailbox full, greylisting) and SES's
 * own rejections mark nothing: they are logged.
 */
import { z } from "zod";
import { nowIso } from "../clock.js";
import type { Db } from "../db/client.js";
import { markAddressBounced, normaliseEmail } from "./outbox.js";
import { bounceSent } from "./store.js";

const Recipient = z.object({ emailAddress: z.string(), diagnosticCode: z.string().optional(), status: z.string().optional() });
export const SesEventSchema = z.object({
  eventType: z.string().optional(),
  notificationType: z.string().optional(),
  bounce: z
    .object({ bounceType: z.string(), bounceSubType: z.string().optional(), bouncedRecipients: z.array(Recipient), timestamp: z.string().optional() })
    .optional(),
  complaint: z.object({ complainedRecipients: z.array(Recipient), complaintFeedbackType: z.string().optional(), timestamp: z.string().optional() }).optional(),
  mail: z
    .object({
      messageId: z.string().optional(),
      headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
    })
    .optional(),
});

export interface SesEventOutcome {
  type: string;
  marked: string[];
}

/** Applies one SES event (the SNS message's body, parsed JSON or text). */
export async function recordSesEvent(db: Db, message: unknown): Promise<SesEventOutcome> {
  const raw = typeof message === "string" ? safeJson(message) : message;
  const r = SesEventSchema.safeParse(raw);
  if (!r.success) return { type: "unreadable", marked: [] };
  const e = r.data;
  const type = e.eventType ?? e.notificationType ?? "unknown";
  const ours = e.mail?.headers?.find((h) => h.name.toLowerCase() === "x-asso-message")?.value;
  const marked: string[] = [];
  if (type === "Bounce" && e.bounce?.bounceType === "Permanent") {
    for (const rec of e.bounce.bouncedRecipients) {
      const email = normaliseEmail(rec.emailAddress);
      const reason = `Adresse rejetée par le serveur du destinataire${rec.diagnosticCode ? ` : ${rec.diagnosticCode}` : ""}`;
      await markAddressBounced(db, email, { type: "bounce", reason, at: e.bounce.timestamp ?? nowIso() });
      if (ours) await bounceSent(db, ours, email, { now: nowIso(), error: reason });
      marked.push(email);
    }
  } else if (type === "Complaint" && e.complaint) {
    for (const rec of e.complaint.complainedRecipients) {
      const email = normaliseEmail(rec.emailAddress);
      const reason = "La personne a signalé un message comme indésirable";
      await markAddressBounced(db, email, { type: "complaint", reason, at: e.complaint.timestamp ?? nowIso() });
      if (ours) await bounceSent(db, ours, email, { now: nowIso(), error: reason });
      marked.push(email);
    }
  }
  return { type, marked };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
