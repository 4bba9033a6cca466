/**
 * The allocation of a closed year's result (affectation du résultat), as the general assembly
 * decided it, in the year after: the surplus on 120 (or the deficit on 129) carried by the
 * à-nouveaux is moved to report à nouveau (110 credit / 119 debit) and the reserves (106…), in one
 * OD entry dated the day of the decision. The amounts add up to the result; once per year (again
 * only after the previous allocation's entry was reversed).
 *
 * Errors: ValidationError (the amounts do not add up, a date outside the next year), ConflictError
 * (the year not closed, the result already allocated, the next year closed).
 */
import type { Db } from "../db/client.js";
import { fiscalYearOf } from "../dates.js";
import { ConflictError, ValidationError } from "../errors.js";
import { plainEuros } from "../money.js";
import type { ResultAllocationInput } from "./closing-schemas.js";
import { entryView, type Actor, type Line } from "./model.js";
import { awaitValidation, writeDraft } from "./posting.js";
import { listYears, trialBalance } from "./queries.js";
import { allocationItems, readAllocationMarker } from "./store.js";
import { randomUUID } from "node:crypto";
import { addAccount, loadChart } from "./accounts.js";
import { ancAccount } from "./anc-2018-06.js";

/** The allocation's lines (pure): the result account settled, each destination opened on the result's side. */
export function allocationLines(result: number, lines: ResultAllocationInput["lines"], label: string): Line[] {
  const resultAccount = result >= 0 ? "120" : "129";
  const abs = Math.abs(result);
  // A surplus is credited to its destinations (a 119 credit clears an earlier deficit); a deficit is debited.
  const out: Line[] = [result >= 0 ? { account: resultAccount, debit: abs, credit: 0, label } : { account: resultAccount, debit: 0, credit: abs, label }];
  for (const l of lines)
    out.push(result >= 0 ? { account: l.account, debit: 0, credit: l.amount, label } : { account: l.account, debit: l.amount, credit: 0, label });
  return out;
}

/** `POST /v1/ledger/years/{year}/result-allocation`. */
export async function allocateResult(db: Db, year: number, input: ResultAllocationInput, actor?: Actor) {
  const info = (await listYears(db)).find((y) => y.year === year);
  if (info?.status !== "closed" || info.result === undefined)
    throw new ConflictError(`L'exercice ${year} n'est pas clôturé : son résultat ne peut pas encore être affecté.`, { year });
  const result = info.result;
  const errors = [];
  if (fiscalYearOf(input.date) !== year + 1)
    errors.push({ path: "date", message: `must be in the fiscal year ${year + 1} (the allocation is written in the year after the one closed)` });
  const total = input.lines.reduce((s, l) => s + l.amount, 0);
  if (total !== Math.abs(result))
    errors.push({
      path: "lines",
      message: `les montants (${plainEuros(total)}) doivent faire le ${result >= 0 ? "résultat excédentaire" : "déficit"} de ${year} (${plainEuros(Math.abs(result))})`,
    });
  if (new Set(input.lines.map((l) => l.account)).size !== input.lines.length) errors.push({ path: "lines", message: "each account appears once" });
  if (errors.length) throw new ValidationError(errors);
  if (result === 0) throw new ConflictError(`Le résultat de ${year} est nul : il n'y a rien à affecter.`, { year });

  const previous = await readAllocationMarker(db, year);
  const resultAccount = result >= 0 ? "120" : "129";
  const open = (await trialBalance(db, year + 1)).accounts.find((a) => a.account === resultAccount)?.balance ?? 0;
  // The à-nouveaux carry the result on 120 (credit) or 129 (debit); an allocation brings it to zero.
  if (open !== -result)
    throw new ConflictError(
      `Le résultat de ${year} (${plainEuros(Math.abs(result))}) n'est plus entier au compte ${resultAccount} en ${year + 1} (solde ${plainEuros(Math.abs(open))}) : il a déjà été affecté.`,
      { year, result, balance: open },
    );
  // A reserve account of the ANC list not opened yet (1063, 1068…) is opened with its label.
  const chart = await loadChart(db);
  for (const l of input.lines) {
    const listed = ancAccount(l.account);
    if (!chart.find(l.account) && listed)
      await addAccount(db, listed, actor).catch((err: unknown) => (err instanceof ConflictError ? undefined : Promise.reject(err)));
  }
  const label = input.label ?? `Affectation du résultat ${year} (décision de l'assemblée générale)`;
  const id = `alloc-${year}-${randomUUID().slice(0, 8)}`;
  const { id: written } = await writeDraft(
    db,
    { journal: "OD", date: input.date, label, pieceRef: `AG-${year}`, lines: allocationLines(result, input.lines, label) },
    { id, actor, extraItems: allocationItems(year, id, previous) },
  ).catch((err: unknown) => {
    if (err instanceof Error && err.name === "TransactionFailed") throw new ConflictError(`Le résultat de ${year} a déjà été affecté.`, { year });
    throw err;
  });
  return { year, result, entry: entryView(await awaitValidation(db, written)) };
}
