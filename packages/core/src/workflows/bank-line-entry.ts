/**
 * A bank line's entry from a rule, across domains: a line that pays a supplier settles the
 * supplier's open expense of that amount (the expense's payment, 401 / 512, lettered with the line;
 * the expense shows paid) instead of an entry the expense never hears of; a line booked to a charge
 * account while it pays an open expense of its supplier is refused (it would book the purchase a
 * second time). Any other line: the bank's rule entry.
 */
import type { Db } from "../db/client.js";
import { ConflictError, ValidationError } from "../errors.js";
import {
  correctRuleEntry,
  entryFromRule,
  entryMatches,
  findSupplier,
  readLine,
  readMatch,
  ruleOf,
  type RuleCorrectionInput,
  type RuleInput,
  type Who,
} from "../bank/index.js";
import { openExpenseOf, payExpense } from "../spending/index.js";
import type { Actor } from "../ledger/index.js";
import { formatCents } from "../money.js";

/** 1 300,00 € (plain spaces: read in an error message). */
const euros = (cents: number) => formatCents(cents, { group: " ", currencySpace: " " });

/** `POST /v1/bank/lines/{id}/entry`. */
export async function bankLineEntry(db: Db, lineId: string, input: RuleInput, who: Who) {
  const line = await readLine(db, lineId);
  if (line?.status !== "unmatched" || line.amount >= 0) return entryFromRule(db, lineId, input, who);
  const rule = ruleOf(line, input);
  if (rule !== "supplier" && !(rule === "account" && input.account?.startsWith("6"))) return entryFromRule(db, lineId, input, who);
  let supplier: { number: string; label: string } | undefined;
  try {
    supplier = await findSupplier(db, line, input.supplier);
  } catch (err) {
    // A charge account named, and no supplier in the label: the bank's entry as asked.
    if (err instanceof ValidationError && rule === "account") return entryFromRule(db, lineId, input, who);
    throw err;
  }
  const open = await openExpenseOf(db, supplier.number, -line.amount, line.date);
  if (!open) return entryFromRule(db, lineId, input, who);
  if (rule === "account")
    throw new ConflictError(
      `Cette ligne (${euros(line.amount)}) règle la dépense ${open.pieceRef} de ${open.supplier} du ${open.date}, déjà comptée en charge : choisissez « Règlement fournisseur » pour la solder, plutôt qu'une seconde charge.`,
      { lineId, expenseId: open.id },
    );
  const paid = await payExpense(db, open.id, { date: line.date, method: "bank", bankLineId: lineId }, undefined, who as Actor);
  const entry = paid.entries[0]!;
  const matchId = (await entryMatches(db, [entry.id])).get(entry.id);
  const match = matchId ? await readMatch(db, matchId) : undefined;
  if (!match) throw new ConflictError(`La ligne ${lineId} a été rapprochée entre-temps.`, { lineId });
  return { entry, match, expenseId: open.id };
}

/**
 * `POST /v1/bank/lines/{id}/entry/corrections`: a rule entry's counterpart moved to the right one.
 * A correction to a supplier whose open expense has the line's amount is refused: it would settle
 * the supplier's account (401) while the expense stays unpaid, and the expense's payment cannot be
 * written on a line already booked. Any other correction: the bank's.
 */
export async function correctBankLineEntry(db: Db, lineId: string, input: RuleCorrectionInput, who: Who) {
  const line = await readLine(db, lineId);
  const rule = input.rule ?? (input.supplier ? "supplier" : input.account ? "account" : undefined);
  if (line?.status === "matched" && line.amount < 0 && rule === "supplier") {
    const supplier = await findSupplier(db, line, input.supplier);
    const open = await openExpenseOf(db, supplier.number, -line.amount, line.date);
    if (open)
      throw new ConflictError(
        `Cette ligne (${euros(line.amount)}) paie la dépense ${open.pieceRef} de ${open.supplier} du ${open.date}, encore à régler : la corriger vers le fournisseur solderait son compte en laissant la dépense impayée, la correction est donc refusée. Si la ligne paie bien cette dépense, faites reprendre son écriture par votre expert-comptable, puis réglez la dépense depuis « Dépenses » avec cette ligne de relevé.`,
        { lineId, expenseId: open.id },
      );
  }
  return correctRuleEntry(db, lineId, input, who);
}
