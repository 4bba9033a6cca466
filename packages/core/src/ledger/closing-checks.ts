/**
 * The points of the closing checklist the ledger answers by itself: the year has ended, the year
 * before is closed, the suspense and internal-transfer accounts are settled, the social and tax
 * debts still due, the drafts not validated, entries dated far ahead. The other domains' points
 * (bank, Stripe, fonds dédiés) are added by the workflow (`workflows/closing-checklist.ts`).
 *
 * Pure rules over what the ledger reads (`ledgerChecks`), in French: the checklist is read by the
 * trésorier and kept, signed, in the procès-verbal de clôture.
 */
import type { Db } from "../db/client.js";
import { fiscalYearBounds, fiscalYearOf, parisDate } from "../dates.js";
import { euros } from "../money.js";
import { drain } from "./sequencer.js";
import { listYears, trialBalance, type AccountBalance, type YearInfo } from "./queries.js";
import { pendingDraftIds, readEntries } from "./store.js";
import { now } from "../clock.js";

export type ChecklistStatus = "ok" | "warning" | "blocking";

/** One point of the closing checklist. */
export interface ChecklistItem {
  /** Stable id (`suspense`, `stripe-balance`, `bank-unmatched:512`…): acknowledgements name it. */
  id: string;
  status: ChecklistStatus;
  title: string;
  detail: string;
  /** The figures behind the point (cents, counts, dates). */
  figures?: Record<string, number | string>;
  /** Where to fix it: a console screen (`banque/lignes`, `subventions/fonds-dedies`, `comptabilite/saisie`…) and what to do there. */
  fix?: { screen: string; label: string };
}

const frDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** Suspense and transfer accounts: 471 to 475 (comptes d'attente) and 580 (virements internes) end the year at zero. */
export const SUSPENSE_PREFIXES = ["471", "472", "473", "474", "475", "580"] as const;
/**
 * Social and tax debts: staff (421–428), social bodies (43x), the State and public bodies (44x)
 * except grants receivable (441) — but 4419, what the association owes back to a public funder
 * (an unspent grant to repay), is a debt like the others.
 */
export const DEBT_PREFIXES = ["421", "422", "425", "427", "428", "43", "44"] as const;
const isDebtAccount = (a: string) => DEBT_PREFIXES.some((p) => a.startsWith(p)) && (!a.startsWith("441") || a.startsWith("4419"));
const isSuspense = (a: string) => SUSPENSE_PREFIXES.some((p) => a.startsWith(p));

export interface LedgerChecksInput {
  year: number;
  today: string;
  years: YearInfo[];
  /** The year's balances before its closing entries. */
  accounts: AccountBalance[];
  /** Drafts dated in the year that wait for validation. */
  pendingDrafts: number;
}

/** The year has ended (a year closes only once its last day has passed). */
function yearEnded({ year, today }: LedgerChecksInput): ChecklistItem {
  const { end } = fiscalYearBounds(year);
  const ended = today > end;
  return {
    id: "year-ended",
    status: ended ? "ok" : "blocking",
    title: "L'exercice est terminé",
    detail: ended
      ? `L'exercice ${year} s'est terminé le ${frDate(end)}.`
      : `L'exercice ${year} se termine le ${frDate(end)} : il ne peut être clôturé qu'après cette date.`,
    figures: { end },
  };
}

function previousYear({ year, years }: LedgerChecksInput): ChecklistItem {
  const open = years.filter((y) => y.year < year && y.status !== "closed" && (y.entries ?? 0) > 0).map((y) => y.year);
  return {
    id: "previous-year",
    status: open.length ? "blocking" : "ok",
    title: "L'exercice précédent est clôturé",
    detail: open.length
      ? `Clôturez d'abord ${open.length > 1 ? "les exercices" : "l'exercice"} ${open.join(", ")} : les exercices se clôturent dans l'ordre.`
      : "Aucun exercice antérieur n'est resté ouvert.",
    ...(open.length ? { figures: { years: open.join(", ") }, fix: { screen: `comptabilite/cloture/${open[0]}`, label: `Clôturer ${open[0]}` } } : {}),
  };
}

function suspense({ accounts }: LedgerChecksInput): ChecklistItem {
  const left = accounts.filter((a) => isSuspense(a.account) && a.balance !== 0);
  const figures: Record<string, number> = {};
  for (const a of left) figures[a.account] = a.balance;
  return {
    id: "suspense",
    status: left.length ? "blocking" : "ok",
    title: "Comptes d'attente soldés",
    detail: left.length
      ? `À solder avant la clôture (imputer chaque montant sur son vrai compte) : ${left.map((a) => `${a.label} ${euros(a.balance)}`).join(" ; ")}.`
      : "Les comptes d'attente et de virements internes sont à zéro en fin d'exercice.",
    ...(left.length ? { figures, fix: { screen: "comptabilite/saisie", label: "Passer l'écriture qui solde le compte d'attente" } } : {}),
  };
}

function debts({ accounts }: LedgerChecksInput): ChecklistItem {
  // A credit balance is a debt still due at year end (December's pay and charges paid in January…).
  const due = accounts.filter((a) => isDebtAccount(a.account) && a.balance < 0);
  const figures: Record<string, number> = {};
  for (const a of due) figures[a.account] = -a.balance;
  const total = due.reduce((s, a) => s - a.balance, 0);
  return {
    id: "social-tax-debts",
    status: due.length ? "warning" : "ok",
    title: "Dettes sociales et fiscales",
    detail: due.length
      ? `Restent dus en fin d'exercice ${euros(total)} : ${due.map((a) => `${a.label} ${euros(-a.balance)}`).join(" ; ")}. Vérifiez qu'ils sont bien dus (payés après la clôture) et non un paiement oublié.`
      : "Aucune dette sociale ou fiscale ne reste due en fin d'exercice.",
    ...(due.length ? { figures: { ...figures, total }, fix: { screen: "comptabilite/balance", label: "Voir la balance" } } : {}),
  };
}

function drafts({ pendingDrafts }: LedgerChecksInput): ChecklistItem {
  return {
    id: "drafts",
    status: pendingDrafts ? "blocking" : "ok",
    title: "Écritures du brouillard validées",
    detail: pendingDrafts
      ? `${pendingDrafts} écriture${pendingDrafts > 1 ? "s attendent" : " attend"} encore d'être validée${pendingDrafts > 1 ? "s" : ""} (numérotée${pendingDrafts > 1 ? "s" : ""} et chaînée${pendingDrafts > 1 ? "s" : ""}) : réessayez dans quelques minutes.`
      : "Toutes les écritures de l'exercice sont validées.",
    ...(pendingDrafts ? { figures: { drafts: pendingDrafts } } : {}),
  };
}

function farAhead({ year, today, years }: LedgerChecksInput): ChecklistItem {
  const horizon = Math.max(year, fiscalYearOf(today)) + 1;
  const ahead = years.filter((y) => y.year > horizon && (y.entries ?? 0) > 0);
  const count = ahead.reduce((s, y) => s + (y.entries ?? 0), 0);
  return {
    id: "far-ahead",
    status: ahead.length ? "warning" : "ok",
    title: "Pas d'écriture datée loin dans le futur",
    detail: ahead.length
      ? `${count} écriture${count > 1 ? "s sont datées" : " est datée"} de l'exercice ${ahead.map((y) => y.year).join(", ")} : sans doute une erreur de date. Corrigez la date là où chaque écriture a été faite (la subvention, la dépense, le don…), ou, pour une écriture saisie à la main, extournez-la et passez-la à la bonne date.`
      : "Aucune écriture n'est datée au-delà de l'exercice suivant.",
    ...(ahead.length
      ? { figures: { years: ahead.map((y) => y.year).join(", "), entries: count }, fix: { screen: "comptabilite/ecritures", label: "Voir les écritures" } }
      : {}),
  };
}

/** The ledger's own points, from what it read (pure). */
export function ledgerChecks(input: LedgerChecksInput): ChecklistItem[] {
  return [yearEnded(input), previousYear(input), drafts(input), suspense(input), debts(input), farAhead(input)];
}

/** Drafts dated in `year` still waiting for validation (after one run of the sequencer). */
export async function pendingDraftsOf(db: Db, year: number): Promise<number> {
  let ids = await pendingDraftIds(db, 100);
  if (ids.length) {
    await drain(db);
    ids = await pendingDraftIds(db, 100);
  }
  if (!ids.length) return 0;
  return (await readEntries(db, ids)).filter((e) => e.status === "draft" && e.year === year).length;
}

/** The ledger's points of the closing checklist of `year`. */
export async function ledgerClosingChecks(db: Db, year: number, today = parisDate(now())): Promise<ChecklistItem[]> {
  const [years, tb, pending] = await Promise.all([listYears(db, today), trialBalance(db, year, { closing: "exclude" }), pendingDraftsOf(db, year)]);
  return ledgerChecks({ year, today, years, accounts: tb.accounts, pendingDrafts: pending });
}

/** The balance of the accounts starting with `prefix` at the end of `year` (before its closing entries), from the trial balance. */
export async function balanceOfPrefix(db: Db, year: number, prefix: string): Promise<number> {
  const tb = await trialBalance(db, year, { closing: "exclude" });
  return tb.accounts.filter((a) => a.account.startsWith(prefix)).reduce((s, a) => s + a.balance, 0);
}
