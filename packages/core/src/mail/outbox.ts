/**
 * The outbox's rules: a message is written once per (fact, kind), in the transaction of its fact
 * (`messageIntents`) or on its own (`queueMessage`); a person's messages are listed, resent, and
 * pseudonymised on erasure; an address that bounced is marked until the trésorier clears it.
 */
import { nowIso } from "../clock.js";
import type { Db } from "../db/client.js";
import type { NamedItem } from "../db/store.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { sha256Hex } from "../hash.js";
import { type MessageKind, type MessageView, type OutgoingMessage, OutgoingMessageSchema, type StoredMessage, type Suppression } from "./schemas.js";
import {
  clearSuppression,
  eraseSuppression,
  messageItem,
  messagesOf,
  pseudonymise,
  putMessage,
  readMessage,
  readSuppression,
  readSuppressions,
  requeue,
  writeSuppression,
} from "./store.js";
import { subjectOf } from "./templates.js";

/** Addresses are compared lower-case, trimmed. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * The exactly-once key's kind: a membership payment is welcomed or renewed, never both (a
 * redelivered payment of a new member finds the member already saved, and must not be "renewed").
 */
const onceKind = (kind: MessageKind): MessageKind => (kind === "membership_renewed" ? "membership_welcome" : kind);

/** The message's id: a function of (fact, kind) only, so the same fact cannot queue it twice. */
export const messageIdOf = (fact: string, kind: MessageKind) => sha256Hex(`${fact}\u0000${onceKind(kind)}`).slice(0, 32);

function parse(message: OutgoingMessage): OutgoingMessage {
  const r = OutgoingMessageSchema.safeParse({ ...message, to: normaliseEmail(message.to ?? "") });
  if (!r.success) throw new ValidationError(r.error.issues.map((i) => ({ path: i.path.join(".") || "message", message: i.message })));
  return r.data as OutgoingMessage;
}

function stored(message: OutgoingMessage, at = nowIso()): StoredMessage {
  const m = parse(message);
  return {
    id: messageIdOf(m.fact, m.kind),
    fact: m.fact,
    kind: m.kind,
    to: m.to,
    ...(m.name?.trim() ? { name: m.name.trim() } : {}),
    data: m.data,
    ...(m.attachments?.length ? { attachments: m.attachments } : {}),
    subject: subjectOf(m.kind, m.data),
    status: "queued",
    attempts: 0,
    createdAt: at,
    at,
    nextAttemptAt: at,
  };
}

/** Write intents to add to the fact's own transaction (UnitOfWork / store transaction): exactly once per (fact, kind). */
export function messageIntents(message: OutgoingMessage): NamedItem[] {
  return [messageItem(stored(message))];
}

/** A message with no other fact to join (a donor-access link, a reminder run): idempotent per (fact, kind). */
export async function queueMessage(db: Db, message: OutgoingMessage): Promise<{ id: string; queued: boolean }> {
  const m = stored(message);
  return { id: m.id, queued: await putMessage(db, m) };
}

/** The status a person reads: a claimed message is still waiting. */
export const viewOf = (m: StoredMessage): MessageView => ({
  id: m.id,
  kind: m.kind,
  subject: m.subject,
  status: m.status === "sending" ? "queued" : m.status,
  at: m.at,
  ...(m.error && m.status !== "sent" && m.status !== "queued" && m.status !== "sending" ? { error: m.error } : {}),
  // A failure with an attempt to come says when.
  ...(m.status === "failed" && m.nextAttemptAt > m.at ? { retryAt: m.nextAttemptAt } : {}),
});

/** One person's messages, newest first, plain data. */
export async function listMessages(db: Db, email: string): Promise<MessageView[]> {
  return (await messagesOf(db, normaliseEmail(email))).map(viewOf);
}

/** A person's messages with the mark of their address (the people route). */
export async function personMessages(db: Db, email: string): Promise<{ items: MessageView[]; suppressed: Suppression | null }> {
  const e = normaliseEmail(email);
  const [items, suppressed] = await Promise.all([listMessages(db, e), readSuppression(db, e)]);
  return { items, suppressed: suppressed ?? null };
}

/**
 * Sends a message again: back in the queue from sent, failed or bounced. Idempotent: a message
 * already waiting is answered as it is (a second resend sends nothing more). 404 when the message
 * is not this person's; 409 while the address is marked as bouncing (clear the mark first).
 */
export async function resendMessage(db: Db, email: string, id: string): Promise<MessageView> {
  const e = normaliseEmail(email);
  const m = await readMessage(db, id);
  if (!m || m.to !== e) throw new NotFoundError(`Aucun message ${id} pour ${e}.`);
  if (await readSuppression(db, e))
    throw new ConflictError(
      `L'adresse ${e} est marquée en erreur (message rejeté par le serveur du destinataire) : corrigez-la ou levez la marque avant de renvoyer.`,
      { email: e },
    );
  const again = await requeue(db, id, nowIso());
  return viewOf(again ?? (await readMessage(db, id))!);
}

/** Marks an address after a bounce or a complaint: later messages to it are not sent (`bounced`). */
export async function markAddressBounced(db: Db, email: string, f: { type: Suppression["type"]; reason: string; at?: string }): Promise<void> {
  await writeSuppression(db, { email: normaliseEmail(email), type: f.type, reason: f.reason, at: f.at ?? nowIso() });
}

/** The mark of an address, if it is marked. */
export async function addressMark(db: Db, email: string): Promise<Suppression | undefined> {
  return readSuppression(db, normaliseEmail(email));
}

/** Every address marked as bouncing (later messages to it are not sent), oldest first: what the trésorier has to correct. */
export async function markedAddresses(db: Db): Promise<Suppression[]> {
  return readSuppressions(db);
}

/** Clears an address's mark (the trésorier corrected it); false when it was not marked. */
export async function clearAddressMark(db: Db, email: string, by: string): Promise<boolean> {
  return clearSuppression(db, normaliseEmail(email), { now: nowIso(), by });
}

/**
 * Pseudonymises the address and body data of a person's messages (kind, status, subject and dates
 * are kept; one still waiting is never sent); removes the address's mark. Answers how many.
 * `alias`: the address the messages carry afterwards (the personal-data workflow passes the one
 * every domain's records get, so that a second erasure finds them under it).
 */
export async function eraseMessages(db: Db, email: string, alias = `effacé-${sha256Hex(normaliseEmail(email)).slice(0, 16)}@invalid`): Promise<number> {
  const e = normaliseEmail(email);
  const now = nowIso();
  const all = await messagesOf(db, e, 100_000);
  for (const m of all) await pseudonymise(db, m, { alias, now });
  await eraseSuppression(db, e, alias);
  return all.length;
}
