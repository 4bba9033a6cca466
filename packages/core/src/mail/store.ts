/**
 * The mail storage module: the outbox's messages and the addresses marked as bouncing. The only
 * file of mail/ that uses db/.
 *
 * Layout (one item per message, keyed by its id, itself a hash of (fact, kind)):
 * - `MSG#<id>` / `MSG`: the message; `gsi2` = `MSGTO#<email>` / `<createdAt>#<id>` (a person's
 *   messages, newest first); `gsi1` = `OUTBOX` / `<due instant>#<id>` while the message waits for
 *   the worker (queued, failed with a next attempt, or claimed until its lease ends), else
 *   `MSGDONE#<id>` (out of the queue: sent, bounced, failed for good). The queue partition is
 *   never removed, only moved, so a fact written again (`if_not_exists` on every field) can never
 *   put a sent message back in the queue.
 * - `MAILSUPPRESS#<hash of the address>` / `MAILSUPPRESS`: the address bounced or complained;
 *   `active` until the trésorier clears it; while active, `gsi1` = `MAILMARKED` / `<at>#<hash>`
 *   (the marked addresses, the console's "À traiter").
 * - `MAILRUN` / `LEASE`: the run lease of the AWS worker (one run at a time, so the pace holds).
 */
import type { Db } from "../db/client.js";
import { getItem, putItem, queryPages, updateItem, type Item, type NamedItem } from "../db/store.js";
import { sha256Hex } from "../hash.js";
import type { StoredMessage, Suppression } from "./schemas.js";

export const OUTBOX = "OUTBOX";
const msgKey = (id: string) => ({ pk: `MSG#${id}`, sk: "MSG" });
/** Keyed by the address's hash: the key itself holds no address (an erasure clears the item's fields). */
const suppressionKey = (email: string) => ({ pk: `MAILSUPPRESS#${sha256Hex(email).slice(0, 40)}`, sk: "MAILSUPPRESS" });
const RUN_LEASE = { pk: "MAILRUN", sk: "LEASE" };
const personPk = (email: string) => `MSGTO#${email}`;
const dueSk = (at: string, id: string) => `${at}#${id}`;
const done = (id: string) => `MSGDONE#${id}`;
/** The gsi1 partition of the addresses marked as bouncing (sparse: only while the mark is active). */
const MARKED = "MAILMARKED";

const strip = (item: Item | undefined): StoredMessage | undefined => {
  if (!item) return undefined;
  const { pk: _p, sk: _s, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...rest } = item;
  return rest as unknown as StoredMessage;
};

function fieldsOf(m: StoredMessage): Item {
  return {
    ...m,
    gsi1pk: OUTBOX,
    gsi1sk: dueSk(m.nextAttemptAt, m.id),
    gsi2pk: personPk(m.to),
    gsi2sk: `${m.createdAt}#${m.id}`,
  };
}

/**
 * The message as a write intent of another transaction: every field `if_not_exists`, so the same
 * (fact, kind) written again changes nothing (and never fails the fact's own transaction).
 */
export function messageItem(m: StoredMessage): NamedItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fieldsOf(m))
    .filter(([, v]) => v !== undefined)
    .map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:v${i}`] = v;
      return `#f${i} = if_not_exists(#f${i}, :v${i})`;
    });
  return {
    name: `mail:${m.id}`,
    item: { Update: { Key: msgKey(m.id), UpdateExpression: `SET ${sets.join(", ")}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values } },
  };
}

/** Writes the message unless its (fact, kind) is known: true when written. */
export async function putMessage(db: Db, m: StoredMessage): Promise<boolean> {
  return putItem(db, { ...msgKey(m.id), ...fieldsOf(m) }, { expression: "attribute_not_exists(pk)" });
}

export async function readMessage(db: Db, id: string): Promise<StoredMessage | undefined> {
  return strip(await getItem(db, msgKey(id)));
}

/** One person's messages, newest first. */
export async function messagesOf(db: Db, email: string, limit = 200): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  for await (const page of queryPages(db, {
    IndexName: "gsi2",
    KeyConditionExpression: "gsi2pk = :p",
    ExpressionAttributeValues: { ":p": personPk(email) },
    ScanIndexForward: false,
    Limit: Math.min(limit, 200),
  })) {
    out.push(...page.map((i) => strip(i)!));
    if (out.length >= limit) break;
  }
  return out.slice(0, limit);
}

/** The messages due at `at` (queued, failed with a next attempt at or before it, claims whose lease ended), oldest due first. */
export async function dueMessages(db: Db, at: string, limit: number): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  for await (const page of queryPages(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :q AND gsi1sk <= :t",
    ExpressionAttributeValues: { ":q": OUTBOX, ":t": `${at}#\uffff` },
    Limit: limit,
  })) {
    out.push(...page.map((i) => strip(i)!));
    if (out.length >= limit) break;
  }
  return out.slice(0, limit);
}

const asMessage = (r: Item | undefined | false) => (r ? strip(r) : undefined);

/**
 * Claims a waiting message for one worker: `sending`, with its send id (the Message-ID is built
 * from it) and a lease, one attempt more. Undefined when another worker has it or it is not due.
 */
export async function claim(db: Db, id: string, c: { sendId: string; messageId: string; now: string; leaseUntil: string }) {
  return asMessage(
    await updateItem(db, {
      Key: msgKey(id),
      UpdateExpression: "SET #st = :sending, sendId = :sid, messageId = :mid, leaseUntil = :lease, attempts = attempts + :one, #at = :now, gsi1sk = :due",
      ConditionExpression: "gsi1pk = :q AND (#st = :queued OR #st = :failed) AND nextAttemptAt <= :now",
      ExpressionAttributeNames: { "#st": "status", "#at": "at" },
      ExpressionAttributeValues: {
        ":sending": "sending",
        ":queued": "queued",
        ":failed": "failed",
        ":q": OUTBOX,
        ":sid": c.sendId,
        ":mid": c.messageId,
        ":lease": c.leaseUntil,
        ":one": 1,
        ":now": c.now,
        ":due": dueSk(c.leaseUntil, id),
      },
    }),
  );
}

/** The claimed message was sent: out of the queue (only by the worker holding the claim). */
export async function markSent(db: Db, id: string, sendId: string, now: string) {
  return asMessage(
    await updateItem(db, {
      Key: msgKey(id),
      UpdateExpression: "SET #st = :sent, sentAt = :now, #at = :now, gsi1pk = :done, gsi1sk = :now REMOVE leaseUntil, #err",
      ConditionExpression: "#st = :sending AND sendId = :sid",
      ExpressionAttributeNames: { "#st": "status", "#at": "at", "#err": "error" },
      ExpressionAttributeValues: { ":sent": "sent", ":sending": "sending", ":sid": sendId, ":now": now, ":done": done(id) },
    }),
  );
}

/**
 * The claimed message failed: with `nextAttemptAt` it waits for another attempt, without it it stays
 * failed (out of the queue until the trésorier resends it).
 */
export async function markFailed(db: Db, id: string, sendId: string, f: { now: string; error: string; nextAttemptAt?: string }) {
  const retry = f.nextAttemptAt !== undefined;
  return asMessage(
    await updateItem(db, {
      Key: msgKey(id),
      UpdateExpression: "SET #st = :failed, #err = :e, #at = :now, nextAttemptAt = :next, gsi1pk = :pk, gsi1sk = :sk REMOVE leaseUntil",
      ConditionExpression: "#st = :sending AND sendId = :sid",
      ExpressionAttributeNames: { "#st": "status", "#at": "at", "#err": "error" },
      ExpressionAttributeValues: {
        ":failed": "failed",
        ":sending": "sending",
        ":sid": sendId,
        ":e": f.error.slice(0, 500),
        ":now": f.now,
        ":next": f.nextAttemptAt ?? f.now,
        ":pk": retry ? OUTBOX : done(id),
        ":sk": retry ? dueSk(f.nextAttemptAt!, id) : f.now,
      },
    }),
  );
}

/** The claim goes back to the queue without counting as an attempt (an attachment not yet stored). */
export async function release(db: Db, id: string, sendId: string, f: { now: string; nextAttemptAt: string }) {
  return asMessage(
    await updateItem(db, {
      Key: msgKey(id),
      UpdateExpression: "SET #st = :queued, attempts = attempts - :one, nextAttemptAt = :next, gsi1sk = :sk REMOVE leaseUntil, sendId, messageId",
      ConditionExpression: "#st = :sending AND sendId = :sid",
      ExpressionAttributeNames: { "#st": "status" },
      ExpressionAttributeValues: {
        ":queued": "queued",
        ":sending": "sending",
        ":sid": sendId,
        ":one": 1,
        ":next": f.nextAttemptAt,
        ":sk": dueSk(f.nextAttemptAt, id),
      },
    }),
  );
}

/** The claimed message is not sent: its address is marked as bouncing. */
export async function markBounced(db: Db, id: string, sendId: string, f: { now: string; error: string }) {
  return asMessage(
    await updateItem(db, {
      Key: msgKey(id),
      UpdateExpression: "SET #st = :bounced, #err = :e, #at = :now, gsi1pk = :done, gsi1sk = :now REMOVE leaseUntil",
      ConditionExpression: "#st = :sending AND sendId = :sid",
      ExpressionAttributeNames: { "#st": "status", "#at": "at", "#err": "error" },
      ExpressionAttributeValues: {
        ":bounced": "bounced",
        ":sending": "sending",
        ":sid": sendId,
        ":e": f.error.slice(0, 500),
        ":now": f.now,
        ":done": done(id),
      },
    }),
  );
}

/**
 * A claim whose lease ended while it was `sending` (the worker stopped between sending and marking):
 * it may have left, so it is never sent again by itself: failed, out of the queue.
 */
export async function abandon(db: Db, id: string, sendId: string, f: { now: string; error: string }) {
  return asMessage(
    await updateItem(db, {
      Key: msgKey(id),
      UpdateExpression: "SET #st = :failed, #err = :e, #at = :now, gsi1pk = :done, gsi1sk = :now REMOVE leaseUntil",
      ConditionExpression: "#st = :sending AND sendId = :sid AND leaseUntil <= :now",
      ExpressionAttributeNames: { "#st": "status", "#at": "at", "#err": "error" },
      ExpressionAttributeValues: { ":failed": "failed", ":sending": "sending", ":sid": sendId, ":e": f.error.slice(0, 500), ":now": f.now, ":done": done(id) },
    }),
  );
}

/**
 * Puts a message back in the queue (resend): from sent, failed or bounced only; a message already
 * waiting or being sent is left as it is (so a second resend sends nothing more). Undefined then.
 */
export async function requeue(db: Db, id: string, now: string) {
  return asMessage(
    await updateItem(db, {
      Key: msgKey(id),
      UpdateExpression:
        "SET #st = :queued, attempts = :zero, nextAttemptAt = :now, #at = :now, gsi1pk = :q, gsi1sk = :sk, resends = if_not_exists(resends, :zero) + :one REMOVE #err, leaseUntil, sendId, messageId",
      ConditionExpression: "attribute_exists(pk) AND (#st = :sent OR #st = :failed OR #st = :bounced)",
      ExpressionAttributeNames: { "#st": "status", "#at": "at", "#err": "error" },
      ExpressionAttributeValues: {
        ":queued": "queued",
        ":sent": "sent",
        ":failed": "failed",
        ":bounced": "bounced",
        ":zero": 0,
        ":one": 1,
        ":now": now,
        ":q": OUTBOX,
        ":sk": dueSk(now, id),
      },
    }),
  );
}

/** Pseudonymises one message: address, name, data and attachments gone; kind, status and dates kept. */
export async function pseudonymise(db: Db, m: StoredMessage, f: { alias: string; now: string }) {
  const pending = m.status === "queued" || m.status === "failed" || m.status === "sending";
  return asMessage(
    await updateItem(db, {
      Key: msgKey(m.id),
      UpdateExpression: `SET #to = :alias, #data = :empty, gsi2pk = :pp, erasedAt = :now${pending ? ", #st = :failed, #err = :e, #at = :now, gsi1pk = :done, gsi1sk = :now" : ""} REMOVE #name, attachments, leaseUntil`,
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeNames: { "#to": "to", "#data": "data", "#name": "name", ...(pending ? { "#st": "status", "#err": "error", "#at": "at" } : {}) },
      ExpressionAttributeValues: {
        ":alias": f.alias,
        ":empty": {},
        ":pp": personPk(f.alias),
        ":now": f.now,
        ...(pending ? { ":failed": "failed", ":e": "Données personnelles effacées : message non envoyé", ":done": done(m.id) } : {}),
      },
    }),
  );
}

// ---------------------------------------------------------------- bouncing addresses

export async function readSuppression(db: Db, email: string): Promise<Suppression | undefined> {
  const item = await getItem(db, suppressionKey(email));
  if (!item?.active) return undefined;
  return { email: item.email as string, type: item.type as Suppression["type"], reason: item.reason as string, at: item.at as string };
}

/** Every address marked as bouncing, oldest mark first (the gsi1 partition the marks keep while active). */
export async function readSuppressions(db: Db): Promise<Suppression[]> {
  const out: Suppression[] = [];
  for await (const page of queryPages(db, { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": MARKED } }))
    for (const item of page)
      if (item.active) out.push({ email: item.email as string, type: item.type as Suppression["type"], reason: item.reason as string, at: item.at as string });
  return out;
}

/** Marks the address (a bounce or a complaint); a second event keeps the first mark's date. */
export async function writeSuppression(db: Db, s: Suppression): Promise<void> {
  await updateItem(db, {
    Key: suppressionKey(s.email),
    UpdateExpression:
      "SET email = :e, #t = :t, reason = :r, #at = :at, active = :yes, events = if_not_exists(events, :zero) + :one, gsi1pk = :ix, gsi1sk = :ixs REMOVE clearedAt, clearedBy",
    ExpressionAttributeNames: { "#t": "type", "#at": "at" },
    ExpressionAttributeValues: {
      ":e": s.email,
      ":t": s.type,
      ":r": s.reason.slice(0, 500),
      ":at": s.at,
      ":yes": true,
      ":zero": 0,
      ":one": 1,
      ":ix": MARKED,
      ":ixs": `${s.at}#${sha256Hex(s.email).slice(0, 40)}`,
    },
  });
}

/** Clears the mark (the trésorier corrected the address or checked it): kept, inactive. False when there was none. */
export async function clearSuppression(db: Db, email: string, f: { now: string; by: string }): Promise<boolean> {
  const r = await updateItem(db, {
    Key: suppressionKey(email),
    UpdateExpression: "SET active = :no, clearedAt = :now, clearedBy = :by REMOVE gsi1pk, gsi1sk",
    ConditionExpression: "active = :yes",
    ExpressionAttributeValues: { ":no": false, ":yes": true, ":now": f.now, ":by": f.by },
  });
  return r !== false;
}

/** Pseudonymises the mark of an erased address (kept inactive, no address, no reason). */
export async function eraseSuppression(db: Db, email: string, alias: string): Promise<void> {
  await updateItem(db, {
    Key: suppressionKey(email),
    UpdateExpression: "SET email = :a, active = :no, reason = :r REMOVE gsi1pk, gsi1sk",
    ConditionExpression: "attribute_exists(pk)",
    ExpressionAttributeValues: { ":a": alias, ":no": false, ":r": "" },
  });
}

/** Takes the run lease until `until` (ISO) unless another run holds it: true when taken. */
export async function takeRunLease(db: Db, owner: string, now: string, until: string): Promise<boolean> {
  return putItem(
    db,
    { ...RUN_LEASE, owner, until },
    { expression: "attribute_not_exists(pk) OR #u <= :now", names: { "#u": "until" }, values: { ":now": now } },
  );
}

/** Gives the run lease back (only its owner). */
export async function releaseRunLease(db: Db, owner: string, now: string): Promise<void> {
  await updateItem(db, {
    Key: RUN_LEASE,
    UpdateExpression: "SET #u = :now",
    ConditionExpression: "#o = :o",
    ExpressionAttributeNames: { "#u": "until", "#o": "owner" },
    ExpressionAttributeValues: { ":now": now, ":o": owner },
  });
}

/** A sent message that bounced afterwards (an SES event naming it): shown `bounced`. */
export async function bounceSent(db: Db, id: string, to: string, f: { now: string; error: string }) {
  return asMessage(
    await updateItem(db, {
      Key: msgKey(id),
      UpdateExpression: "SET #st = :bounced, #err = :e, #at = :now",
      ConditionExpression: "#st = :sent AND #to = :to",
      ExpressionAttributeNames: { "#st": "status", "#at": "at", "#err": "error", "#to": "to" },
      ExpressionAttributeValues: { ":bounced": "bounced", ":sent": "sent", ":to": to, ":e": f.error.slice(0, 500), ":now": f.now },
    }),
  );
}
