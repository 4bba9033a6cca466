/**
 * The storage of the HTTP edge's idempotency claims (`idempotency.ts` decides; this module only
 * knows the items), written with db/store.ts.
 *
 * | item | pk | sk | ttl |
 * | --- | --- | --- | --- |
 * | staff claim | `IDEM#<operation>#<scoped key>` | `CLAIM` | 24 h |
 * | public claim | `PUBIDEM#<operation>#<scoped key>` | `PUBIDEM` | 24 h |
 */
import type { Db } from "../db/client.js";
import { getItem, putItem, updateItem, type Item, type Key } from "../db/store.js";

/** Where a claim is kept: public claims stay under `PUBIDEM#` (the public function may write only there). */
export interface ClaimPlace {
  operation: string;
  key: string;
  public: boolean;
}

/** The claim's item key. */
export const claimKey = (c: ClaimPlace): Key =>
  c.public ? { pk: `PUBIDEM#${c.operation}#${c.key}`, sk: "PUBIDEM" } : { pk: `IDEM#${c.operation}#${c.key}`, sk: "CLAIM" };

/** A running claim as written, and as read back (`state` running, done or released). */
export interface ClaimRecord {
  state: "running" | "done" | "released";
  requestHash: string;
  token: string;
  claimedAt?: number;
  ttl: number;
  answer?: string;
}

/** Writes a running claim when the key is free, or expired but not yet removed by DynamoDB's TTL sweep (`nowSeconds`); false when another holds it. */
export function putClaim(
  db: Db,
  place: ClaimPlace,
  claim: { requestHash: string; token: string; claimedAt: number; ttl: number },
  nowSeconds: number,
): Promise<boolean> {
  const item: Item = {
    ...claimKey(place),
    kind: "idempotency",
    state: "running",
    requestHash: claim.requestHash,
    token: claim.token,
    claimedAt: claim.claimedAt,
    ttl: claim.ttl,
  };
  return putItem(db, item, {
    expression: "attribute_not_exists(pk) OR #ttl < :now",
    names: { "#ttl": "ttl" },
    values: { ":now": nowSeconds },
  });
}

/** The claim under the key (strongly consistent), or undefined. */
export async function readClaim(db: Db, place: ClaimPlace): Promise<ClaimRecord | undefined> {
  return (await getItem(db, claimKey(place), { consistent: true })) as ClaimRecord | undefined;
}

/** Takes over a running claim whose run died (still `theirs`): false when it moved meanwhile. */
export async function takeOverClaim(db: Db, place: ClaimPlace, theirs: string, mine: { token: string; claimedAt: number; ttl: number }): Promise<boolean> {
  const taken = await updateItem(db, {
    Key: claimKey(place),
    UpdateExpression: "SET #token = :mine, claimedAt = :now, #ttl = :ttl",
    ConditionExpression: "#token = :theirs AND #state = :running",
    ExpressionAttributeNames: { "#token": "token", "#ttl": "ttl", "#state": "state" },
    ExpressionAttributeValues: { ":mine": mine.token, ":now": mine.claimedAt, ":ttl": mine.ttl, ":theirs": theirs, ":running": "running" },
  });
  return !!taken;
}

/** Stores the first answer under the claim held with `token`. */
export async function saveClaimAnswer(db: Db, place: ClaimPlace, token: string, answer: string): Promise<void> {
  await updateItem(db, {
    Key: claimKey(place),
    UpdateExpression: "SET #state = :done, answer = :answer REMOVE claimedAt",
    ConditionExpression: "#token = :mine",
    ExpressionAttributeNames: { "#state": "state", "#token": "token" },
    ExpressionAttributeValues: { ":done": "done", ":answer": answer, ":mine": token },
  });
}

/** Gives the key back: the claim held with `token` is marked released and expired. */
export async function releaseClaimItem(db: Db, place: ClaimPlace, token: string): Promise<void> {
  await updateItem(db, {
    Key: claimKey(place),
    UpdateExpression: "SET #ttl = :gone, #state = :released",
    ConditionExpression: "#token = :mine",
    ExpressionAttributeNames: { "#ttl": "ttl", "#state": "state", "#token": "token" },
    ExpressionAttributeValues: { ":gone": 0, ":released": "released", ":mine": token },
  });
}
