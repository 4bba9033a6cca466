/**
 * The mail domain's data: what a fact asks to be sent (`OutgoingMessage`, checked by zod), a message
 * as the outbox keeps it, and what the people route answers.
 */
import { z } from "zod";

export const MESSAGE_KINDS = [
  "gift_confirmation",
  "membership_welcome",
  "membership_renewed",
  "receipt_issued",
  "receipt_cancelled",
  "annual_recap",
  "payment_failed",
  "renewal_reminder",
  "donor_access",
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The status a person's message is shown with. */
export const MESSAGE_STATUSES = ["queued", "sent", "failed", "bounced"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** The status kept on the item: `sending` is a claimed message (shown as `queued`). */
export type StoredStatus = MessageStatus | "sending";

export const AttachmentSchema = z.object({
  key: z.string().min(1).max(1024),
  filename: z.string().min(1).max(200),
  contentType: z.string().max(200).optional(),
});

export const OutgoingMessageSchema = z.object({
  fact: z.string().min(1).max(500),
  kind: z.enum(MESSAGE_KINDS),
  to: z.email("n'est pas une adresse e-mail").max(254),
  name: z.string().max(200).optional(),
  data: z.record(z.string(), z.unknown()),
  attachments: z.array(AttachmentSchema).max(5).optional(),
});

export interface OutgoingMessage {
  /** The fact that causes it (e.g. "donation#<charge>"); with kind, the exactly-once key. */
  fact: string;
  kind: MessageKind;
  /** E-mail address (lower-cased by the door). */
  to: string;
  /** The person's name, for the greeting. */
  name?: string;
  data: Record<string, unknown>;
  /** key = an S3 key in the files bucket, fetched at send time. */
  attachments?: { key: string; filename: string; contentType?: string }[];
}

/** A message as the outbox keeps it. */
export interface StoredMessage extends OutgoingMessage {
  id: string;
  subject: string;
  status: StoredStatus;
  attempts: number;
  createdAt: string;
  /** The last change of status. */
  at: string;
  nextAttemptAt: string;
  error?: string;
  /** The claim of the worker sending it (its Message-ID is derived from it) and until when it holds. */
  sendId?: string;
  leaseUntil?: string;
  messageId?: string;
  sentAt?: string;
  resends?: number;
}

/** One person's message as listed. */
export interface MessageView {
  id: string;
  kind: MessageKind;
  subject: string;
  status: MessageStatus;
  at: string;
  error?: string;
  /** A failed message with an attempt to come: when. */
  retryAt?: string;
}

export const MessageViewSchema = z
  .object({
    id: z.string(),
    kind: z.enum(MESSAGE_KINDS),
    subject: z.string(),
    status: z.enum(MESSAGE_STATUSES).describe("queued: en attente; sent: envoyé; failed: échec; bounced: adresse en erreur"),
    at: z.string().describe("ISO instant of the last change of status"),
    error: z.string().optional(),
    retryAt: z.string().optional().describe("failed with an attempt to come: its ISO instant (exponential back-off)"),
  })
  .meta({ id: "PersonMessage" });

export const SuppressionSchema = z
  .object({ email: z.string(), type: z.enum(["bounce", "complaint"]), reason: z.string(), at: z.string() })
  .meta({ id: "MailSuppression" });
export type Suppression = z.output<typeof SuppressionSchema>;

export const PersonMessagesSchema = z
  .object({
    items: z.array(MessageViewSchema),
    suppressed: SuppressionSchema.nullable().describe("the address is marked as bouncing: nothing is sent to it until the trésorier clears the mark"),
  })
  .meta({ id: "PersonMessages" });
