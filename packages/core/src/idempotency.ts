/**
 * Idempotency, done once. A route declares `idempotent` in the route table; the HTTP edge
 * (packages/functions/src/http.ts) then, for every request that carries an `Idempotency-Key`:
 *
 * 1. scopes the key to the caller (`sub:<token subject>` for staff, `ip:<caller address>` for the
 *    public routes) and hashes it with a server secret (`scopedKey`): one caller's key never meets
 *    another's, and what is stored (or sent to Stripe) is never the client's key;
 * 2. CLAIMS it with one conditional write before the operation runs (`claimKey`): of two
 *    concurrent requests with one key, one runs; the other waits for its answer (same body) or is
 *    refused (409, another body);
 * 3. stores the first successful answer under the claim (`completeClaim`), which every replay gets
 *    back as it was, writing nothing; a failure gives the key back (`releaseClaim`);
 * 4. lets it expire: every claim carries DynamoDB's `ttl` (epoch seconds), 24 h after the claim.
 *
 * A use case that must write its marker inside its own transaction (ledger posting and reversal,
 * the grants' and expenses' entries: `writeDraft`) receives the claim's `Idempotency` from the
 * edge as a write intent and puts it in the transaction; a run taken over after a crash finds it.
 *
 * | item | pk | sk | ttl |
 * | --- | --- | --- | --- |
 * | staff claim | `IDEM#<operation>#<scoped key>` | `CLAIM` | 24 h |
 * | public claim | `PUBIDEM#<operation>#<scoped key>` | `PUBIDEM` | 24 h |
 * | in-transaction marker (writeDraft) | `IDEM#<operation>#<scoped key>` | `IDEM` | 24 h |
 *
 * The claims' items are written by `idempotency/store.ts`; the marker by the ledger's store.
 */
import { createHmac, randomUUID } from "node:crypto";
import { nowMs } from "./clock.js";
import type { Db } from "./db/client.js";
import { claimKey, putClaim, readClaim, releaseClaimItem, saveClaimAnswer, takeOverClaim } from "./idempotency/store.js";
import { ConflictError, ValidationError } from "./errors.js";

/** How long a key is remembered (staff and public alike; Stripe keeps its own keys about 24 h). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** Longest key accepted: staff routes, public routes. */
export const IDEMPOTENCY_KEY_MAX = { staff: 255, public: 100 } as const;
/** A claim older than this is taken to be a run that died (the longest Lambda timeout is 300 s). */
export const STALE_CLAIM_MS = 6 * 60 * 1000;
/** How long a replay waits for a concurrent first run with the same body before answering 409. */
export const WAIT_FOR_FIRST_MS = 25_000;

/** What a use case receives to write its marker inside its own transaction (ledger/posting.ts). */
export interface Idempotency {
  operation: string;
  /** The scoped key (never the client's). */
  key: string;
  /** sha256 of what the request asked for; a replay with another body is refused. */
  requestHash: string;
  /** When the marker expires (epoch seconds, DynamoDB's `ttl`). */
  ttl?: number;
}

/** An answer as the edge stored it. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string;
  base64?: boolean;
}

export interface Claim extends Idempotency {
  ttl: number;
  /** Whose claim this is: only its holder completes or releases it. */
  token: string;
  public: boolean;
}

const secret = (env: Record<string, string | undefined> = process.env) => env.IDEMPOTENCY_SECRET || env.CURSOR_SECRET || "local-development-idempotency-key";

/** A client's key scoped by caller (`sub:<subject>`, `ip:<address>`) and hashed with the server secret. */
export function scopedKey(scope: string, key: string): string {
  return createHmac("sha256", secret()).update(`${scope}\u0000${key}`).digest("hex");
}

/** The claim's item key: public claims stay under `PUBIDEM#` (the public function may write only there). */
export { claimKey };

/** Checks the client's key: 1 to 255 characters (100 on public routes), printable ASCII. */
export function checkKey(key: string, isPublic: boolean): void {
  const max = isPublic ? IDEMPOTENCY_KEY_MAX.public : IDEMPOTENCY_KEY_MAX.staff;
  if (key.length === 0 || key.length > max || !/^[\x21-\x7e]+$/.test(key))
    throw new ValidationError([{ path: "Idempotency-Key", message: `must be 1 to ${max} printable characters` }]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type ClaimOutcome = { run: Claim } | { replay: StoredAnswer };

const differentRequest = () => new ConflictError("This Idempotency-Key was already used with a different request.");

/**
 * Claims `key` for `operation` with one conditional write. Answers `{ run }` when this request is
 * the first (or takes over a run that died), `{ replay }` with the stored answer of the first;
 * another body under the key is a 409, and so is a first run still going after the wait.
 */
export async function claim(
  db: Db,
  input: { operation: string; scope: string; key: string; requestHash: string; public: boolean },
  opts: { waitMs?: number } = {},
): Promise<ClaimOutcome> {
  const deadline = nowMs() + (opts.waitMs ?? WAIT_FOR_FIRST_MS);
  const key = scopedKey(input.scope, input.key);
  for (let attempt = 0; ; attempt++) {
    const now = nowMs();
    const mine: Claim = {
      operation: input.operation,
      key,
      requestHash: input.requestHash,
      ttl: Math.floor(now / 1000) + IDEMPOTENCY_TTL_SECONDS,
      token: randomUUID(),
      public: input.public,
    };
    // Free, or expired but not yet removed by DynamoDB's TTL sweep.
    const won = await putClaim(db, mine, { requestHash: mine.requestHash, token: mine.token, claimedAt: now, ttl: mine.ttl }, Math.floor(now / 1000));
    if (won) return { run: mine };
    const found = await readClaim(db, mine);
    if (!found || found.state === "released" || found.ttl < Math.floor(now / 1000)) continue;
    if (found.requestHash !== input.requestHash) throw differentRequest();
    if (found.state === "done") return { replay: JSON.parse(found.answer as string) as StoredAnswer };
    if (now - (found.claimedAt as number) > STALE_CLAIM_MS) {
      // The first run died: take its claim over (its in-transaction marker, if any, says what it wrote).
      if (await takeOverClaim(db, mine, found.token, { token: mine.token, claimedAt: now, ttl: mine.ttl })) return { run: mine };
      continue;
    }
    if (now > deadline) throw new ConflictError("A request with this Idempotency-Key is still being processed; retry in a moment.");
    await sleep(Math.min(25 * 2 ** attempt, 500) * (0.5 + Math.random()));
  }
}

/** Stores the first answer under the claim; every replay answers it. */
export async function completeClaim(db: Db, c: Claim, answer: StoredAnswer): Promise<void> {
  await saveClaimAnswer(db, c, c.token, JSON.stringify(answer));
}

/** Gives the key back after a failure (nothing stored: a retry runs again): the claim is marked expired. */
export async function releaseClaim(db: Db, c: Claim): Promise<void> {
  await releaseClaimItem(db, c, c.token);
}

/** The write intent a use case puts in its own transaction (no claim token: the marker is the use case's). */
export const intentOf = (c: Claim): Idempotency => ({ operation: c.operation, key: c.key, requestHash: c.requestHash, ttl: c.ttl });
