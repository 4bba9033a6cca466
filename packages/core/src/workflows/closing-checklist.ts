/**
 * The closing checklist of a fiscal year (`GET /v1/ledger/years/{year}/closing-checklist`): what an
 * expert-comptable checks before a year is closed for good, each point `ok`, `warning` (to be
 * acknowledged with a comment) or `blocking` (to be fixed). The ledger answers its own points
 * (year ended, year before closed, suspense accounts, social and tax debts, drafts, entries far
 * ahead); this workflow adds the other domains', through their doors: the bank (a statement reaching
 * the year end, lines left unmatched), Stripe (its balance against 4671), the grants (fonds dédiés
 * posted, and left on ended grants).
 *
 * Other flows read it: the dashboard's « À traiter » and the auditor's package call
 * `closingChecklist(db, year)`; the closing signs it (`workflows/year-close.ts`).
 */
import type Stripe from "stripe";
import type { Db } from "../db/client.js";
import { fiscalYearBounds, parisDate } from "../dates.js";
import { euros } from "../money.js";
import { listLines, reconciliationState, stripeBalance, type BankAccount } from "../bank/index.js";
import { stripeFromEnv } from "../giving/index.js";
import { dedicatedFunds, listGrants } from "../grants/index.js";
import { balanceOfPrefix, ledgerClosingChecks, listYears, readSignedClosing, trialBalance, type ChecklistItem } from "../ledger/index.js";
import { bankAccountsOf } from "../settings/index.js";
import { now } from "../clock.js";

export type { ChecklistItem, ChecklistStatus } from "../ledger/index.js";

export interface ClosingChecklist {
  year: number;
  /** No blocking point: the year may be closed once every warning is acknowledged. */
  ready: boolean;
  /** The warnings the closing asks a comment for. */
  toAcknowledge: string[];
  /** The year is closed: the checklist as it was signed (`items` are then the signed ones). */
  closed?: { closedAt: string; signedBy: { sub: string; role: string; name?: string }; signedAt: string };
  items: ChecklistItem[];
}

export interface ChecklistOptions {
  /** The day it is (Europe/Paris). */
  today?: string;
  /** Stripe's client; null: not asked (the 4671 point says so); default: the environment's. */
  stripe?: Stripe | null;
  /** The bank accounts; default: the settings'. */
  bankAccounts?: BankAccount[];
}

const frDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

async function stripeClient(opts: ChecklistOptions): Promise<Stripe | null> {
  if (opts.stripe !== undefined) return opts.stripe;
  try {
    return (await stripeFromEnv()).client;
  } catch {
    return null;
  }
}

/** Stripe's balance at the year end against the books' 4671 (Stripe funds in transit). */
async function stripeItem(db: Db, year: number, opts: ChecklistOptions): Promise<ChecklistItem> {
  const { end } = fiscalYearBounds(year);
  const base = { id: "stripe-balance", title: "Compte Stripe (4671) égal au solde Stripe" } as const;
  const client = await stripeClient(opts);
  let state: Awaited<ReturnType<typeof stripeBalance>> | undefined;
  if (client)
    try {
      state = await stripeBalance(db, client, end);
    } catch {
      state = undefined;
    }
  if (!state) {
    const ledger = await balanceOfPrefix(db, year, "4671");
    return ledger === 0
      ? { ...base, status: "ok", detail: `Aucun fonds Stripe en transit dans les comptes au ${frDate(end)}.`, figures: { ledger } }
      : {
          ...base,
          status: "warning",
          detail: `Les comptes portent ${euros(ledger)} chez Stripe au ${frDate(end)}, mais le solde Stripe n'a pas pu être lu : comparez-le au tableau de bord Stripe.`,
          figures: { ledger },
          fix: { screen: "banque/stripe", label: "Voir le solde Stripe" },
        };
  }
  const figures = { ledger: state.ledger, stripe: state.stripe, difference: state.difference };
  if (state.difference === 0)
    return { ...base, status: "ok", detail: `Les comptes et Stripe donnent le même solde au ${frDate(end)} : ${euros(state.ledger)}.`, figures };
  const reasons = [
    state.toBook.length ? `${state.toBook.length} frais ou ajustement(s) Stripe à comptabiliser` : "",
    state.awaitingWebhook.length ? `${state.awaitingWebhook.length} mouvement(s) attendant leur notification Stripe` : "",
    state.notBooked.length ? `${state.notBooked.length} mouvement(s) que la réception des paiements a écartés` : "",
  ].filter(Boolean);
  return {
    ...base,
    status: "warning",
    detail: `Au ${frDate(end)}, les comptes portent ${euros(state.ledger)} chez Stripe et Stripe annonce ${euros(state.stripe)} : écart de ${euros(state.difference)}${reasons.length ? ` (${reasons.join(", ")})` : ""}.`,
    figures,
    fix: { screen: "banque/stripe", label: "Comptabiliser ce que Stripe a prélevé" },
  };
}

/** Per bank account of the books (512, 5121…): a statement reaching the year end, and the lines left unmatched. */
async function bankItems(db: Db, year: number, opts: ChecklistOptions): Promise<ChecklistItem[]> {
  const { start, end } = fiscalYearBounds(year);
  const accounts = opts.bankAccounts ?? (await bankAccountsOf(db));
  const tb = await trialBalance(db, year, { closing: "exclude" });
  const items: ChecklistItem[] = [];
  for (const ledgerAccount of [...new Set(accounts.map((a) => a.account))]) {
    const names = accounts
      .filter((a) => a.account === ledgerAccount)
      .map((a) => a.label)
      .join(", ");
    const moved = tb.accounts.find((a) => a.account === ledgerAccount);
    const state = await reconciliationState(db, accounts, ledgerAccount, end);
    const used = !!moved || state.since !== null;
    const statement: ChecklistItem = { id: `bank-statement:${ledgerAccount}`, status: "ok", title: `Relevé jusqu'au ${frDate(end)} : ${names}`, detail: "" };
    if (!used) statement.detail = `Aucun mouvement ni relevé sur ce compte en ${year}.`;
    else if (state.since === null) {
      statement.status = "warning";
      statement.detail = `Aucun relevé n'a été importé pour ce compte : le solde en banque au ${frDate(end)} n'a pas été rapproché des comptes.`;
      statement.fix = { screen: "banque/lignes", label: "Importer les relevés" };
    } else if (state.afterLastStatement) {
      statement.status = "warning";
      statement.detail = `Le dernier relevé importé s'arrête au ${frDate(state.lastStatementEnd!)} : importez celui qui couvre le ${frDate(end)}.`;
      statement.figures = { lastStatementEnd: state.lastStatementEnd! };
      statement.fix = { screen: "banque/lignes", label: "Importer le relevé de fin d'exercice" };
    } else {
      statement.detail = `Les relevés importés couvrent le ${frDate(end)} (solde en banque ${euros(state.bankBalance ?? 0)}).`;
      statement.figures = { lastStatementEnd: state.lastStatementEnd!, bankBalance: state.bankBalance ?? 0 };
    }
    items.push(statement);

    // Lines of the statements up to the year end that no entry explains (the bank's own lettrage).
    let count = 0;
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await listLines(db, accounts, { status: "unmatched", account: ledgerAccount, to: end, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const l of page.items) {
        count++;
        total += l.amount;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const difference = state.difference ?? 0;
    items.push({
      id: `bank-unmatched:${ledgerAccount}`,
      status: count || difference ? "warning" : "ok",
      title: `Lignes bancaires rapprochées au ${frDate(end)} : ${names}`,
      detail: count
        ? `${count} ligne${count > 1 ? "s" : ""} du relevé (${euros(total)}) ne ${count > 1 ? "sont" : "est"} rapprochée${count > 1 ? "s" : ""} d'aucune écriture : comptabilisez-les ou rapprochez-les.${difference ? ` L'état de rapprochement laisse un écart de ${euros(difference)}.` : ""}`
        : difference
          ? `L'état de rapprochement au ${frDate(end)} laisse un écart de ${euros(difference)} entre la banque et les comptes.`
          : used
            ? `Chaque ligne du relevé depuis le ${frDate(state.since ?? start)} est rapprochée.`
            : "Aucune ligne à rapprocher.",
      ...(count || difference ? { figures: { lines: count, total, difference }, fix: { screen: "banque/propositions", label: "Rapprocher les lignes" } } : {}),
    });
  }
  return items;
}

/** The grants' points: fonds dédiés posted for the year, and none left on a grant whose agreement has ended. */
async function grantItems(db: Db, year: number): Promise<ChecklistItem[]> {
  const { end } = fiscalYearBounds(year);
  const [funds, grants] = await Promise.all([dedicatedFunds(db, year), listGrants(db)]);
  const pending = funds.rows.filter((r) => !r.posted);
  const posted: ChecklistItem = {
    id: "dedicated-funds",
    status: pending.length ? "blocking" : "ok",
    title: "Fonds dédiés de l'exercice comptabilisés",
    detail: pending.length
      ? `Les fonds dédiés de ${year} ne sont pas comptabilisés pour : ${pending.map((r) => `${r.funderName}, ${r.title}`).join(" ; ")}.`
      : funds.rows.length
        ? `Les fonds dédiés de ${year} sont comptabilisés (${euros(funds.totals.atEnd)} en fin d'exercice).`
        : "Aucune subvention affectée n'a de fonds dédiés cette année.",
    figures: { grants: funds.rows.length, pending: pending.length, atEnd: funds.totals.atEnd },
    ...(pending.length ? { fix: { screen: "subventions/fonds-dedies", label: "Comptabiliser les fonds dédiés" } } : {}),
  };
  const endOf = new Map(grants.items.map((g) => [g.id, g.endDate]));
  const left = funds.rows.filter((r) => r.atEnd > 0 && (endOf.get(r.grantId) ?? "9999") <= end);
  const ended: ChecklistItem = {
    id: "dedicated-funds-ended",
    status: left.length ? "warning" : "ok",
    title: "Pas de fonds dédiés sur une convention terminée",
    detail: left.length
      ? `Restent en fonds dédiés sur des conventions terminées : ${left.map((r) => `${r.funderName}, ${r.title} (fin le ${frDate(endOf.get(r.grantId)!)}) ${euros(r.atEnd)}`).join(" ; ")}. À employer, à reverser au financeur ou à reprendre en ressources selon ce qu'il accepte.`
      : "Aucune convention terminée ne garde de fonds dédiés.",
    ...(left.length
      ? {
          figures: { grants: left.length, total: left.reduce((s, r) => s + r.atEnd, 0) },
          fix: { screen: "subventions/conventions", label: "Traiter le reliquat de la subvention" },
        }
      : {}),
  };
  return [posted, ended];
}

const ORDER: Record<string, number> = { blocking: 0, warning: 1, ok: 2 };

/**
 * The closing checklist of `year`: every point, blocking ones first. A closed year answers the
 * checklist as it was signed at its closing (with the comments given).
 */
export async function closingChecklist(db: Db, year: number, opts: ChecklistOptions = {}): Promise<ClosingChecklist> {
  const today = opts.today ?? parisDate(now());
  const [years, signed] = await Promise.all([listYears(db, today), readSignedClosing(db, year)]);
  if (years.find((y) => y.year === year)?.status === "closed" && signed?.closedAt)
    return {
      year,
      ready: false,
      toAcknowledge: [],
      closed: {
        closedAt: signed.closedAt,
        signedAt: signed.signedAt,
        signedBy: { sub: signed.signedBy.sub, role: signed.signedBy.role, ...(signed.signedBy.name ? { name: signed.signedBy.name } : {}) },
      },
      items: signed.items,
    };
  const groups = await Promise.all([ledgerClosingChecks(db, year, today), bankItems(db, year, opts), stripeItem(db, year, opts), grantItems(db, year)]);
  const items = groups.flat().map((it, i) => ({ it, i }));
  items.sort((a, b) => ORDER[a.it.status]! - ORDER[b.it.status]! || a.i - b.i);
  const list = items.map((x) => x.it);
  return {
    year,
    ready: !list.some((i) => i.status === "blocking"),
    toAcknowledge: list.filter((i) => i.status === "warning").map((i) => i.id),
    items: list,
  };
}
