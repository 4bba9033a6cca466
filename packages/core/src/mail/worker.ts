/**
 * The outbox's worker: takes the due messages in order, claims each one (a lease, so two workers
 * never send the same message), composes it with the association's identity of the moment, sends
 * it through the transport, paced, and marks it.
 *
 * Exactly once, as far as SMTP and SES allow: neither takes an idempotency key nor can be asked
 * whether a Message-ID left, so between "sent" and "marked" a stop cannot be told apart from a
 * send that never happened. The choice is AT MOST ONCE: the claim (`sending`, a send id, the
 * Message-ID derived from it, a lease) is written before the message is handed over; a claim whose
 * lease ends still `sending` is never sent again by itself: it becomes `failed` with a French
 * error saying it may have left, and the trésorier resends it if the person did not receive it.
 * A failure that certainly did not deliver (the server said no, or no connection) is retried
 * with exponential back-off (`backoffMs` × 2^(attempt − 1), at most 6 h), up to `maxAttempts`,
 * then stays `failed`. A failure that may have delivered (the connection lost during the content)
 * is not retried either.
 *
 * An address marked as bouncing is not written to: the message becomes `bounced`.
 */
import { randomUUID } from "node:crypto";
import { elapsedMs, nowIso, nowMs } from "../clock.js";
import type { Db } from "../db/client.js";
import { getObject } from "../files/index.js";
import { compose, messageIdFor } from "./compose.js";
import type { StoredMessage } from "./schemas.js";
import { abandon, claim, dueMessages, markBounced, markFailed, markSent, readSuppression, release, releaseRunLease, takeRunLease } from "./store.js";
import type { Sender } from "./templates.js";
import { SendFailed, type MailTransport } from "./transports.js";

export interface SendOptions {
  /** Who writes (the association's identity and e-mail settings), read once per run, at send time. */
  sender: () => Promise<Sender>;
  /** An attachment's bytes by key (default: the files bucket); undefined when not (yet) there. */
  attachment?: (key: string) => Promise<Uint8Array | undefined>;
  /** Messages a second at most (SES: 1 in the sandbox, 14 by default in production). Default `MAIL_RATE_PER_SECOND`, else 1. */
  ratePerSecond?: number;
  /** Attempts before a message stays failed (default 5). */
  maxAttempts?: number;
  /** The first retry's delay (default 60 s), doubled at each attempt. */
  backoffMs?: number;
  /** How long a claim holds (default 5 min). */
  leaseMs?: number;
  /** Messages taken in one run (default 100). */
  limit?: number;
  /** Stop claiming new messages once this much real time has passed (ms; a Lambda's remaining time). */
  budgetMs?: number;
  /**
   * One run at a time across processes (the AWS worker: a scheduled Lambda every minute): a lease
   * in the table held this long; a run that finds it held sends nothing. So the pace holds.
   */
  runLeaseMs?: number;
  /** Called between the send and the mark (tests stop the worker there). */
  afterSend?: (m: StoredMessage) => Promise<void> | void;
}

export interface SendReport {
  sent: number;
  failed: number;
  bounced: number;
  abandoned: number;
  deferred: number;
}

/** How long an attachment not yet stored (a receipt's PDF rendered right after its transaction) is waited for. */
const ATTACHMENT_GRACE_MS = 10 * 60_000;
const MAX_DELAY_MS = 6 * 3600_000;
const INTERRUPTED =
  "Envoi interrompu entre l'envoi et sa confirmation : le message est peut-être parti. Il n'est pas renvoyé automatiquement ; renvoyez-le si la personne ne l'a pas reçu.";

export const rateFromEnv = (env: Record<string, string | undefined> = process.env) => {
  const n = Number(env.MAIL_RATE_PER_SECOND);
  return Number.isFinite(n) && n > 0 ? n : 1;
};

/** One pacer per process: sends are at least 1/rate seconds apart, across runs. */
let lastSendAt = Number.NEGATIVE_INFINITY;
async function pace(ratePerSecond: number) {
  const gap = 1000 / ratePerSecond;
  const wait = lastSendAt + gap - elapsedMs();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  lastSendAt = elapsedMs();
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Sends the due messages; answers what became of them. */
export async function sendQueued(db: Db, transport: MailTransport, opts: SendOptions): Promise<SendReport> {
  if (!opts.runLeaseMs) return run(db, transport, opts);
  const owner = randomUUID();
  if (!(await takeRunLease(db, owner, nowIso(), iso(nowMs() + opts.runLeaseMs)))) return { sent: 0, failed: 0, bounced: 0, abandoned: 0, deferred: 0 };
  try {
    return await run(db, transport, opts);
  } finally {
    await releaseRunLease(db, owner, nowIso());
  }
}

async function run(db: Db, transport: MailTransport, opts: SendOptions): Promise<SendReport> {
  const report: SendReport = { sent: 0, failed: 0, bounced: 0, abandoned: 0, deferred: 0 };
  const rate = opts.ratePerSecond ?? rateFromEnv();
  const maxAttempts = opts.maxAttempts ?? 5;
  const backoffMs = opts.backoffMs ?? 60_000;
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  const stopAt = opts.budgetMs === undefined ? undefined : elapsedMs() + opts.budgetMs;
  const fetch = opts.attachment ?? ((key: string) => getObject(key));
  let sender: Sender | undefined;

  for (const due of await dueMessages(db, nowIso(), opts.limit ?? 100)) {
    if (stopAt !== undefined && elapsedMs() >= stopAt) break;
    if (due.status === "sending") {
      if (due.sendId && due.leaseUntil && due.leaseUntil <= nowIso() && (await abandon(db, due.id, due.sendId, { now: nowIso(), error: INTERRUPTED })))
        report.abandoned++;
      continue;
    }
    sender ??= await opts.sender();
    const sendId = randomUUID();
    const messageId = messageIdFor(sendId, sender.fromAddress);
    const m = await claim(db, due.id, { sendId, messageId, now: nowIso(), leaseUntil: iso(nowMs() + leaseMs) });
    if (!m) continue; // another worker has it, or it is no longer due

    const mark = await readSuppression(db, m.to);
    if (mark) {
      await markBounced(db, m.id, sendId, {
        now: nowIso(),
        error: `Adresse en erreur (${mark.type === "complaint" ? "plainte" : "rejet"} du ${mark.at.slice(0, 10)}) : non envoyé`,
      });
      report.bounced++;
      continue;
    }

    const files: { filename: string; contentType: string; content: Uint8Array }[] = [];
    let missing: string | undefined;
    for (const a of m.attachments ?? []) {
      const content = await fetch(a.key);
      if (!content) {
        missing = a.filename;
        break;
      }
      files.push({ filename: a.filename, contentType: a.contentType ?? "application/octet-stream", content });
    }
    if (missing) {
      if (nowMs() - Date.parse(m.createdAt) < ATTACHMENT_GRACE_MS) {
        await release(db, m.id, sendId, { now: nowIso(), nextAttemptAt: iso(nowMs() + 2_000) });
        report.deferred++;
      } else {
        await fail(m, sendId, new SendFailed(`Pièce jointe introuvable : ${missing}`, true));
      }
      continue;
    }

    const mail = await compose(m, sender, files, messageId);
    await pace(rate);
    try {
      await transport.send(mail.raw, mail.envelope);
    } catch (err) {
      await fail(m, sendId, err instanceof SendFailed ? err : new SendFailed(String((err as Error)?.message ?? err), false, { cause: err }));
      continue;
    }
    // Nothing may run between the send and the mark but this (a test stops the worker here).
    if (opts.afterSend) await opts.afterSend(m);
    if (await markSent(db, m.id, sendId, nowIso())) report.sent++;
  }
  return report;

  async function fail(m: StoredMessage, sendId: string, err: SendFailed) {
    const retry = err.definite && m.attempts < maxAttempts;
    const delay = Math.min(MAX_DELAY_MS, backoffMs * 2 ** Math.max(0, m.attempts - 1));
    const error = retry
      ? `${err.message} — nouvel essai (${m.attempts + 1}/${maxAttempts})`
      : err.definite
        ? `${err.message} — abandonné après ${m.attempts} essais`
        : `${err.message} — le message est peut-être parti : pas de nouvel essai automatique`;
    await markFailed(db, m.id, sendId, { now: nowIso(), error, ...(retry ? { nextAttemptAt: iso(nowMs() + delay) } : {}) });
    console.error(JSON.stringify({ level: "warn", msg: "mail send failed", id: m.id, kind: m.kind, attempts: m.attempts, retry, error: err.message }));
    report.failed++;
  }
}

/**
 * The worker as a loop (npm run dev, the test stack): a run every `pollMs`, until stopped.
 * Errors of a run are logged, the loop goes on.
 */
export function startMailLoop(db: Db, transport: MailTransport, opts: SendOptions & { pollMs?: number }): { stop(): Promise<void>; kick(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = async () => {
    timer = undefined;
    if (stopped) return;
    try {
      await sendQueued(db, transport, opts);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "mail worker run failed", error: String((err as Error)?.stack ?? err) }));
    }
    if (!stopped) timer = setTimeout(tick, opts.pollMs ?? 500);
  };
  const tick = () => {
    running = run();
  };
  tick();
  return {
    kick() {
      if (timer && !stopped) {
        clearTimeout(timer);
        tick();
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
