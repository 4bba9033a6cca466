/**
 * Mail across domains: the messages that payments and receipts send (built with the mail door's
 * `messageIntents`, handed to giving's and the receipts' commands to commit with their facts), and
 * the outbox's worker wired to the settings (the association's identity and e-mail section, read
 * at send time) and to the receipts (a receipt's PDF rendered again if its file is missing).
 */
import type { Db } from "../db/client.js";
import type { PaymentMessages } from "../giving/index.js";
import {
  messageIntents as intentsOf,
  type OutgoingMessage,
  sendQueued,
  startMailLoop,
  type MailTransport,
  type SendOptions,
  type SendReport,
  type Sender,
} from "../mail/index.js";
import { type Receipt, type ReceiptNotifier, receiptPdf } from "../receipts/lazy.js";
import { getObject } from "../files/index.js";
import { currentSettings } from "../settings/index.js";

/**
 * A fact never fails for its message: a message the outbox refuses (an address its schema reads
 * otherwise than the checkout did) is logged and left out, and the fact is written.
 */
function messageIntents(m: OutgoingMessage) {
  try {
    return intentsOf(m);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "message not queued", kind: m.kind, fact: m.fact, error: String((err as Error)?.message ?? err) }));
    return [];
  }
}

const fullName = (p: { firstName?: string; lastName?: string }) => [p.firstName, p.lastName].filter(Boolean).join(" ").trim();

/** The messages a payment sends: a gift's confirmation, a member's welcome or renewal with its dates. */
export const paymentMessages: PaymentMessages = {
  gift: (d) =>
    messageIntents({
      fact: `donation#${d.chargeId}`,
      kind: "gift_confirmation",
      to: d.email,
      name: fullName(d),
      data: { amount: d.amount, date: d.date, reference: d.chargeId, monthly: d.frequency === "monthly" },
    }),
  membership: (d, member, isNew, tier) =>
    messageIntents({
      fact: `membership#${d.chargeId}`,
      kind: isNew ? "membership_welcome" : "membership_renewed",
      to: d.email,
      name: fullName(member),
      data: {
        tierLabel: tier?.label ?? member.tierId,
        amount: d.amount,
        date: d.date,
        reference: d.chargeId,
        validFrom: member.validFrom ?? `${member.validUntil.slice(0, 4)}-01-01`,
        validUntil: member.validUntil,
      },
    }),
};

const pdfOf = (r: Receipt) => (r.file ? [{ key: r.file, filename: `recu-fiscal-${r.id}.pdf`, contentType: "application/pdf" }] : []);

/**
 * What a receipt decision sends: the receipt issued (PDF attached), the annual recap (PDF), or the
 * cancellation with its replacement (its PDF attached) when a refund cancels or re-issues one.
 */
export const receiptMessages: ReceiptNotifier = ({ issued, cancelled }) => {
  const donor = (cancelled ?? issued)!.donor;
  const to = donor.email;
  if (!to) return [];
  const name = fullName(donor);
  if (cancelled)
    return messageIntents({
      fact: `receipt#${cancelled.id}`,
      kind: "receipt_cancelled",
      to,
      name,
      data: { receiptNumber: cancelled.id, ...(issued ? { replacementNumber: issued.id } : {}) },
      ...(issued ? { attachments: pdfOf(issued) } : {}),
    });
  if (!issued) return [];
  if (issued.kind === "annual")
    return messageIntents({
      fact: `receipt#${issued.id}`,
      kind: "annual_recap",
      to,
      name,
      data: { year: issued.year, total: issued.amount, count: issued.gifts.length, receiptNumber: issued.id },
      attachments: pdfOf(issued),
    });
  return messageIntents({
    fact: `receipt#${issued.id}`,
    kind: "receipt_issued",
    to,
    name,
    data: { receiptNumber: issued.id, amount: issued.amount, year: issued.year },
    attachments: pdfOf(issued),
  });
};

/** "Nom <adresse>" or a bare address. */
function parseFrom(v: string | undefined): { name: string; address: string } | undefined {
  const s = (v ?? "").trim();
  if (!s) return undefined;
  const m = /^(.*)<([^>]+)>$/.exec(s);
  if (m) return { name: m[1]!.trim().replace(/^"|"$/g, ""), address: m[2]!.trim() };
  return s.includes("@") ? { name: "", address: s } : undefined;
}

/** The deploy's verified senders: MAIL_IDENTITY (a domain or one address) and EMAIL_VERIFIED_SENDERS. */
const verifiedSenders = (env: Record<string, string | undefined>) =>
  [env.MAIL_IDENTITY ?? "", ...(env.EMAIL_VERIFIED_SENDERS ?? "").split(",")].map((s) => s.trim().toLowerCase()).filter(Boolean);

/**
 * Who writes, as the settings say now: the association's name, address and SIREN/RNA (footer);
 * the sender name and address and the reply-to of the `email` section. The address is used only
 * if the deploy verified it (or its domain) when it names verified senders; else the deploy's
 * MAIL_FROM, else no-reply at MAIL_IDENTITY.
 */
export async function mailSender(db: Db, env: Record<string, string | undefined> = process.env): Promise<Sender> {
  const { values } = await currentSettings(db);
  const id = values.identity;
  const mail = values.email;
  const verified = verifiedSenders(env);
  const ok = (a: string) => !verified.length || verified.includes(a.toLowerCase()) || verified.includes(a.split("@")[1]?.toLowerCase() ?? "");
  const deployFrom = parseFrom(env.MAIL_FROM);
  const identity = env.MAIL_IDENTITY?.trim();
  const fallback = deployFrom?.address ?? (identity ? (identity.includes("@") ? identity : `no-reply@${identity}`) : "no-reply@localhost");
  const fromAddress = mail.senderAddress && ok(mail.senderAddress) ? mail.senderAddress : fallback;
  const name = id.name || deployFrom?.name || "L'association";
  return {
    name,
    address: id.address,
    ...(id.siren ? { siren: id.siren } : {}),
    ...(id.rna ? { rna: id.rna } : {}),
    fromName: mail.senderName || deployFrom?.name || name,
    fromAddress,
    ...(mail.replyTo ? { replyTo: mail.replyTo } : mail.senderAddress && fromAddress !== mail.senderAddress ? { replyTo: mail.senderAddress } : {}),
  };
}

const RECEIPT_FILE = /^receipts\/\d{4}\/(\d{4}-\d{6})\.pdf$/;

/**
 * An attachment's bytes. A receipt's PDF as the receipts serve it: the stored file checked against
 * the SHA-256 recorded when it was issued (a file still being written, or lost, is rendered again
 * from the frozen receipt, identical); any other key from the files bucket.
 */
export async function mailAttachment(db: Db, key: string): Promise<Uint8Array | undefined> {
  const receipt = RECEIPT_FILE.exec(key)?.[1];
  if (!receipt) return getObject(key);
  try {
    return await receiptPdf(db, receipt);
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "receipt attachment not ready", receipt, error: String((err as Error)?.message ?? err) }));
    return undefined;
  }
}

/** One run of the outbox's worker, with the settings' sender and the receipts' PDFs. */
export function sendMail(db: Db, transport: MailTransport, opts: Omit<SendOptions, "sender" | "attachment"> = {}): Promise<SendReport> {
  return sendQueued(db, transport, { ...opts, sender: () => mailSender(db), attachment: (key) => mailAttachment(db, key) });
}

/** The worker as a loop (npm run dev, the test stack), with the settings' sender and the receipts' PDFs. */
export function startMailWorker(db: Db, transport: MailTransport, opts: Omit<SendOptions, "sender" | "attachment"> & { pollMs?: number } = {}) {
  return startMailLoop(db, transport, { ...opts, sender: () => mailSender(db), attachment: (key) => mailAttachment(db, key) });
}
