/**
 * A grant payment received, across domains: the grants book it (512 or the bank line's account /
 * the funder's receivable, with the grant's running totals, in one transaction), and when it names
 * a bank statement line the bank letters the line with the payment's entry (lettrage). The line is
 * checked first (imported, not matched, of the payment's amount) so its account is the one booked.
 */
import type { Db } from "../db/client.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { acceptMatch, entryMatches, readLine } from "../bank/index.js";
import { recordPayment, type PaymentInput } from "../grants/index.js";
import type { Actor, Idempotency } from "../ledger/index.js";
import { plainEuros as euros } from "../money.js";

/** `POST /v1/grants/{id}/payments`: the payment, its entry, the grant, and the lettrage's id (null when none). */
export async function recordGrantPayment(db: Db, grantId: string, input: PaymentInput, idem?: Idempotency, actor?: Actor) {
  const { payment, fresh } = await recordPayment(db, grantId, input, idem, actor, (lineId, amount) => paymentLineAccount(db, lineId, amount));
  const { grant, ...rest } = payment;
  let bankMatchId: string | null = null;
  if (fresh && input.bankLineId) bankMatchId = await letterPayment(db, input.bankLineId, payment.entryId, actor);
  else if (!fresh && payment.bankLineId) bankMatchId = (await entryMatches(db, [payment.entryId])).get(payment.entryId) ?? null;
  return { ...rest, bankMatchId, grant };
}

/**
 * The bank line a payment names: it must be imported, not matched yet, and of the payment's amount;
 * the payment is booked on its bank account (512, 5121…).
 */
async function paymentLineAccount(db: Db, bankLineId: string, amount: number): Promise<string> {
  const line = await readLine(db, bankLineId);
  if (!line) throw new NotFoundError(`No bank line ${bankLineId}.`);
  if (line.status !== "unmatched") throw new ConflictError(`Bank line ${bankLineId} is already matched.`, { bankLineId });
  if (line.amount !== amount)
    throw new ValidationError([
      { path: "amount", message: `bank line ${bankLineId} is ${euros(line.amount)}, the payment ${euros(amount)}: they must be equal` },
    ]);
  return line.account;
}

/** Letters the payment's entry with its bank line (bank reconciliation); null when it could not be. */
async function letterPayment(db: Db, bankLineId: string, entryId: string, actor?: Actor): Promise<string | null> {
  try {
    const group = await acceptMatch(db, bankLineId, { entryIds: [entryId] }, actor ?? { sub: "system", role: "system", requestId: "grants" });
    return group.id;
  } catch (err) {
    // Matched meanwhile by someone else: the payment stands, the trésorier letters it by hand.
    if (err instanceof ConflictError || err instanceof ValidationError) return null;
    throw err;
  }
}
