/**
 * Correcting a rule entry (an unmatched line's entry written from a rule): its counterpart was
 * wrong — bank fees that were a supplier's payment, the wrong charge account. The bank side and the
 * lettrage stay as they are; one entry (OD, owner `bank`) moves the amount from the old counterpart
 * to the new one, and the line keeps the correction (who, when, why). A correction dated in a closed
 * fiscal year is written on the first day of the first open year.
 *
 * Errors: NotFoundError (line), ValidationError (rule, account, supplier, nothing to change),
 * ConflictError (no rule entry on the line, corrected meanwhile, closed year).
 */
import type { Db } from "../db/client.js";
import { UnitOfWork } from "../db/unit-of-work.js";
import { fiscalYearBounds, fiscalYearOf } from "../dates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { awaitValidation, entryView, getEntry, listYears, writeDraft, type Actor, type EntryView, type Line } from "../ledger/index.js";
import { nowIso } from "../clock.js";
import { ruleCounterpart, type RuleInput, type Who } from "./matching.js";
import type { BankLine, RuleCorrection } from "./model.js";
import { readLine, readMatch, ruleCorrectionItem } from "./store.js";

export interface RuleCorrectionInput extends RuleInput {
  date: string;
  reason: string;
}

type Side = { account: string; aux?: { number: string; label: string } };
const sideOf = (l: Line): Side => ({ account: l.account, ...(l.aux ? { aux: { number: l.aux.number, label: l.aux.label } } : {}) });
const same = (a: Side, b: Side) => a.account === b.account && (a.aux?.number ?? "") === (b.aux?.number ?? "");

/** The first open date on or after `date`: itself, or the first day of the first open year after a closed one. */
async function openDate(db: Db, date: string): Promise<{ date: string; askedDate?: string }> {
  const shut = new Set((await listYears(db)).filter((y) => y.status !== "open").map((y) => y.year));
  let year = fiscalYearOf(date);
  if (!shut.has(year)) return { date };
  while (shut.has(year)) year++;
  return { date: fiscalYearBounds(year).start, askedDate: date };
}

/** `POST /v1/bank/lines/{id}/entry/corrections`: the rule entry's counterpart moved to the right one. */
export async function correctRuleEntry(db: Db, lineId: string, input: RuleCorrectionInput, who: Who): Promise<{ entry: EntryView; line: BankLine }> {
  const line = await readLine(db, lineId);
  if (!line) throw new NotFoundError(`Aucune ligne de relevé ${lineId}.`);
  const group = line.matchId ? await readMatch(db, line.matchId) : undefined;
  if (line.status !== "matched" || !group || group.how !== "rule" || group.entryIds.length !== 1)
    throw new ConflictError(`La ligne « ${line.label} » n'a pas d'écriture créée par une règle : corrigez l'écriture là où elle a été passée.`, { lineId });
  const original = await getEntry(db, group.entryIds[0]!);
  const counter = original?.lines.find((l) => l.account !== line.account);
  if (!original || !counter) throw new ConflictError(`L'écriture de la ligne « ${line.label} » est introuvable.`, { lineId });
  const done = line.ruleCorrections ?? [];
  const from: Side = done.length ? done[done.length - 1]!.to : sideOf(counter);
  const rule = input.rule ?? (input.supplier ? "supplier" : input.account ? "account" : undefined);
  if (!rule) throw new ValidationError([{ path: "rule", message: "nommez la bonne règle (account, supplier, bank_fees, interest)" }]);
  const { counter: next } = await ruleCounterpart(db, line, rule, input);
  const to = sideOf(next);
  if (same(from, to)) throw new ValidationError([{ path: "account", message: `l'écriture est déjà au compte ${to.account}` }]);
  const at = await openDate(db, input.date);
  if (at.date < line.date) throw new ValidationError([{ path: "date", message: `la correction ne peut pas précéder la ligne (${line.date})` }]);
  const amount = Math.abs(line.amount);
  const out = line.amount < 0;
  // A payment out debited its counterpart: the new one is debited, the old one credited (and the other way for money in).
  const mk = (s: Side, debit: boolean, label: string): Line => ({
    account: s.account,
    debit: debit ? amount : 0,
    credit: debit ? 0 : amount,
    label,
    ...(s.aux ? { aux: s.aux } : {}),
  });
  const label = `Correction ${line.label} : ${input.reason}`.slice(0, 200);
  const entryId = `${original.id}-c${done.length + 1}`;
  const correction: RuleCorrection = {
    entryId,
    date: at.date,
    ...(at.askedDate ? { askedDate: at.askedDate } : {}),
    reason: input.reason,
    from,
    to,
    at: nowIso(),
    by: who.sub,
  };
  const work = new UnitOfWork()
    .add(ruleCorrectionItem(line.id, group.id, done.length, correction))
    .failsWith(`line:${line.id}`, () => new ConflictError(`La ligne « ${line.label} » a été corrigée ou dé-rapprochée entre-temps : relisez-la.`, { lineId }));
  await writeDraft(
    db,
    { journal: "OD", date: at.date, label, pieceRef: original.pieceRef, pieceDate: original.date, lines: [mk(to, out, label), mk(from, !out, label)] },
    { id: entryId, work, actor: who as Actor, owner: "bank" },
  );
  const entry = await awaitValidation(db, entryId);
  if (entry.status === "rejected") throw new ConflictError(entry.rejection ?? "L'écriture a été refusée.", { id: entryId });
  return { entry: entryView(entry), line: (await readLine(db, line.id))! };
}
