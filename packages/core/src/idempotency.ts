/**
 * Idempotency for operations that are not a single transaction (the year closing): the first
 * answer is stored under the key and returned to every replay. Posting and reversal write their
 * marker inside their own transaction instead (ledger/posting.ts).
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./db/client.js";
import { ConflictError } from "./errors.js";
import { keys } from "./ledger/keys.js";
import type { Idempotency } from "./ledger/posting.js";

export async function withStoredAnswer<T>(db: Db, idem: Idempotency | undefined, run: () => Promise<T>): Promise<T> {
  if (!idem) return run();
  const key = keys.idempotency(idem.operation, idem.key);
  const found = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }));
  if (found.Item) {
    if (found.Item.requestHash !== idem.requestHash)
      throw new ConflictError("This Idempotency-Key was already used with a different request.", { key: idem.key });
    return JSON.parse(found.Item.answer as string) as T;
  }
  const answer = await run();
  await db.doc.send(
    new PutCommand({ TableName: db.tableName, Item: { ...key, kind: "idempotency", requestHash: idem.requestHash, answer: JSON.stringify(answer), createdAt: new Date().toISOString() } }),
  );
  return answer;
}
