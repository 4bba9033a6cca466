/**
 * Idempotency for operations that are not a single transaction (the year closing, adding an
 * account): the first answer is stored under the key and returned to every replay. Posting and
 * reversal write their marker inside their own transaction instead (ledger/posting.ts).
 */
import type { Db } from "./db/client.js";
import { ConflictError } from "./errors.js";
import type { Idempotency } from "./ledger/posting.js";
import { readIdempotency, saveIdempotentAnswer } from "./ledger/store.js";

export async function withStoredAnswer<T>(db: Db, idem: Idempotency | undefined, run: () => Promise<T>): Promise<T> {
  if (!idem) return run();
  const stored = async () => {
    const found = await readIdempotency(db, idem.operation, idem.key);
    if (!found) return undefined;
    if (found.requestHash !== idem.requestHash) throw new ConflictError("This Idempotency-Key was already used with a different request.", { key: idem.key });
    return { answer: JSON.parse(found.answer ?? "null") as T };
  };
  const first = await stored();
  if (first) return first.answer;
  const answer = await run();
  // Two concurrent first calls: the one stored first is the answer every replay gets.
  if (!(await saveIdempotentAnswer(db, idem, JSON.stringify(answer)))) return (await stored())!.answer;
  return answer;
}
