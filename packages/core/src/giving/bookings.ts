/**
 * What the ledger and the receipts make of each payment fact: pure functions, no I/O. The webhook
 * (`webhook.ts`) reads our records, calls these, and writes what they answer.
 *
 * Stripe journal (`ST`), Stripe's balance held on 4671:
 * - a gift or fee paid: 4671 ← gross (7541, or 7561 / 7562 for membership fees), the Stripe fee 627;
 * - a refund that succeeded: the revenue account back to 4671; a refund that fails after: reversed;
 * - a dispute opened: the withdrawn amount (revenue → 4671) and the dispute fee (627 → 4671), as
 *   Stripe's balance moves; won: the returned funds back to revenue; lost: nothing more (the gift
 *   stays reversed);
 * - a payout: 512 ← 4671; a payout that fails after it was paid: back to 4671; a negative payout
 *   (Stripe taking money back from the bank): 4671 ← 512.
 */
import { fiscalYearOf } from "../dates.js";
import type { Line } from "../ledger/index.js";
import { cleanText } from "../text.js";
import type { MembershipTier } from "./settings.js";
import { splitAmount } from "../projects/index.js";
import type { CheckoutMetadata, CheckoutRecord, FactOf, GiftProjectShare, IncidentType, Kind, PaymentFact } from "./types.js";
import { plainEuros } from "../money.js";

export const CLEARING = "4671";
export const BANK = "512";
export const FEES = "627";
export const DONATIONS = "7541";
export const FEES_WITHOUT_COUNTERPART = "7561";
export const FEES_WITH_COUNTERPART = "7562";

/** The account a payment's gross goes to: gifts 7541; membership fees 7561, or 7562 for a tier with a counterpart. */
export function revenueAccount(kind: Kind, tier?: Pick<MembershipTier, "counterpart">): string {
  if (kind === "donation") return DONATIONS;
  return tier?.counterpart ? FEES_WITH_COUNTERPART : FEES_WITHOUT_COUNTERPART;
}

/** `amount` debited to one account and credited to another: the two lines of one movement. */
export const pair = (debit: string, credit: string, amount: number, label?: string): Line[] => [
  { account: debit, debit: amount, credit: 0, ...(label ? { label } : {}) },
  { account: credit, debit: 0, credit: amount, ...(label ? { label } : {}) },
];

export interface EntryDraft {
  date: string;
  label: string;
  pieceRef: string;
  lines: Line[];
}

const label = (s: string) => cleanText(s, 200);

// ---------------------------------------------------------------- is it ours?

/**
 * Only payments that come from this back-office's own checkout (a checkout id in the metadata that
 * names a checkout record we wrote) and in EUR are booked as gifts or fees; anything else is an
 * incident for the trésorier. Answers why not, or undefined when it is ours.
 */
export function whyNotOurs(p: { currency: string; metadata: CheckoutMetadata }, checkout: CheckoutRecord | undefined): string | undefined {
  if (!p.metadata.checkoutId) return "paiement sans référence de notre formulaire de don (métadonnées absentes)";
  if (!checkout) return `paiement dont la référence ${p.metadata.checkoutId} ne correspond à aucun passage par notre formulaire`;
  if (p.currency !== "eur") return `paiement en ${p.currency.toUpperCase() || "devise inconnue"} : seuls les paiements en euros sont comptabilisés`;
  return undefined;
}

/**
 * A payment that names one of our checkouts must be that checkout's: the amount asked, in EUR,
 * and (a one-off payment) in the Checkout Session made for it. A session made elsewhere that
 * carries a checkout's id (7 777 € under a 1 € checkout's reference) is not that checkout's gift.
 * Answers why not, or undefined when it matches.
 */
export function whyNotThisCheckout(p: FactOf<"DonationPaid">, checkout: CheckoutRecord): string | undefined {
  if (p.currency !== "eur") return `paiement en ${p.currency.toUpperCase() || "devise inconnue"} : seuls les paiements en euros sont comptabilisés`;
  if (p.amount !== checkout.amount)
    return `montant payé ${plainEuros(p.amount)} différent des ${plainEuros(checkout.amount)} demandés par notre formulaire (référence ${checkout.checkoutId})`;
  if (p.sessionId && checkout.sessionId && p.sessionId !== checkout.sessionId)
    return `payé dans la session ${p.sessionId}, qui n'est pas celle créée pour la référence ${checkout.checkoutId} (${checkout.sessionId})`;
  return undefined;
}

// ---------------------------------------------------------------- entries

/** The person a payment is from, one clean line. */
export function payerName(checkout: Pick<CheckoutRecord, "firstName" | "lastName"> | undefined, billingName?: string): string {
  return cleanText(checkout ? `${checkout.firstName} ${checkout.lastName}` : (billingName ?? "donateur"), 120) || "donateur";
}

/** What a gift is on, on the analytic axis: one project (its code), a split between projects by share, or none. */
export type GiftAllocation = string | readonly GiftProjectShare[] | null | undefined;

/** The gift's allocation as its record holds it: its split, else its project, else none. */
export const giftAllocation = (d: { project?: string | undefined; projects?: readonly GiftProjectShare[] | undefined }): GiftAllocation =>
  d.projects?.length ? d.projects : (d.project ?? null);

/** The codes an allocation names. */
export const allocationCodes = (a: GiftAllocation): string[] => (!a ? [] : typeof a === "string" ? [a] : a.map((p) => p.projectId));

/** `amount` (of either sign) split by the allocation's shares, to the cent: one part per project, adding up to it. */
export function splitByShare(amount: number, parts: readonly GiftProjectShare[]): { project: string; amount: number }[] {
  const sign = amount < 0 ? -1 : 1;
  return splitAmount(Math.abs(amount), parts, "projects").map((p) => ({ project: p.project, amount: sign * p.amount }));
}

/** A line on the allocation: on its project, or one line per project of its split (the parts to the cent, none of 0). */
export function lineOn(line: Line, allocation: GiftAllocation, nameOf?: (code: string) => string): Line[] {
  if (!allocation) return [line];
  if (typeof allocation === "string") return [{ ...line, project: allocation }];
  const side = line.debit > 0 ? "debit" : "credit";
  return splitByShare(line[side], allocation)
    .filter((p) => p.amount > 0)
    .map((p) => ({ ...line, [side]: p.amount, project: p.project, ...(nameOf && line.label ? { label: nameOf(p.project) } : {}) }));
}

/**
 * A split gift as a movement on it (a refund, a dispute) finds it: its shares, and what it kept
 * before the movement (amount − refunded). Each project holds `splitByShare(kept)` of it, so a
 * movement changing the kept amount from K to K′ moves `split(K) − split(K′)` on each project: what
 * the projects hold stays the split of what the gift keeps, to the cent, whatever the movements
 * (and a later re-assignment moves exactly that).
 */
export interface SplitHolding {
  shares: readonly GiftProjectShare[];
  kept: number;
}

/** What a movement on the gift is booked on: its project, its split with what it keeps now, or none. */
export const giftBooking = (d: {
  project?: string | undefined;
  projects?: readonly GiftProjectShare[] | undefined;
  amount: number;
  refunded?: number | undefined;
}): GiftAllocation | SplitHolding => (d.projects?.length ? { shares: d.projects, kept: d.amount - (d.refunded ?? 0) } : (d.project ?? null));

/**
 * The gift's project on the lines of the profit and loss account (the revenue account and the
 * Stripe fee, 627); with a split, each of them one line per project, to the cent (a revenue line by
 * what it changes of each project's holding, a fee line by share). The Stripe balance (4671) and the
 * bank carry none. Unchanged without a project.
 */
export function onProject(entry: EntryDraft, on: GiftAllocation | SplitHolding): EntryDraft {
  if (!on) return entry;
  if (typeof on === "string" || !("shares" in on))
    return { ...entry, lines: entry.lines.flatMap((l) => (l.account.startsWith("6") || l.account.startsWith("7") ? lineOn(l, on) : [l])) };
  let kept = on.kept;
  const lines = entry.lines.flatMap((l): Line[] => {
    if (l.account.startsWith("6")) return lineOn(l, on.shares);
    if (!l.account.startsWith("7")) return [l];
    // Revenue debited: the gift keeps less (a refund, a dispute); credited: more (a failed refund, a dispute won).
    const after = kept - l.debit + l.credit;
    const before = splitByShare(kept, on.shares);
    const now = splitByShare(after, on.shares);
    kept = after;
    return before.flatMap((b, i) => {
      const taken = b.amount - now[i]!.amount;
      if (taken === 0) return [];
      return [{ ...l, debit: taken > 0 ? taken : 0, credit: taken < 0 ? -taken : 0, project: b.project }];
    });
  });
  return { ...entry, lines };
}

export function giftEntry(
  fact: FactOf<"DonationPaid">,
  ctx: { kind: Kind; frequency: "once" | "monthly"; who: string; account: string; project?: string | undefined },
): EntryDraft {
  const what = ctx.kind === "membership" ? `Cotisation ${ctx.who}` : `Don ${ctx.frequency === "monthly" ? "mensuel " : ""}${ctx.who}`;
  return onProject(
    {
      date: fact.date,
      label: label(what),
      pieceRef: fact.chargeId,
      lines: [...pair(CLEARING, ctx.account, fact.amount), ...(fact.fee > 0 ? pair(FEES, CLEARING, fact.fee, "Frais Stripe") : [])],
    },
    ctx.project,
  );
}

/**
 * A gift moved from one allocation to another (a project, a split by share, or `null`: none): its
 * kept amount on the revenue account and its Stripe fee, each leaving the old and reaching the new,
 * in one OD entry; a split side is one line per project, to the cent (`nameOf` names each line's
 * project; without it, the side's name).
 */
export function projectMoveEntry(
  gift: { chargeId: string; account: string; who: string },
  move: {
    date: string;
    pieceDate: string;
    from: GiftAllocation;
    to: GiftAllocation;
    amount: number;
    fee: number;
    fromName: string;
    toName: string;
    nameOf?: (code: string) => string;
  },
): EntryDraft & { pieceDate: string } {
  // A line on one side: labelled with the side's name, or with each project's name when the side is a split.
  const on = (line: Line, side: GiftAllocation, name: string, sentence: (name: string) => string) =>
    lineOn({ ...line, label: label(sentence(name)) }, side, (code) => label(sentence(move.nameOf?.(code) ?? code)));
  const lines: Line[] = [];
  if (move.amount > 0)
    lines.push(
      ...on({ account: gift.account, debit: move.amount, credit: 0 }, move.from, move.fromName, (n) => `Sortie de « ${n} »`),
      ...on({ account: gift.account, debit: 0, credit: move.amount }, move.to, move.toName, (n) => `Affectation à « ${n} »`),
    );
  if (move.fee > 0)
    lines.push(
      ...on({ account: FEES, debit: move.fee, credit: 0 }, move.to, move.toName, (n) => `Frais Stripe vers « ${n} »`),
      ...on({ account: FEES, debit: 0, credit: move.fee }, move.from, move.fromName, (n) => `Frais Stripe hors de « ${n} »`),
    );
  return {
    date: move.date,
    pieceDate: move.pieceDate,
    label: label(`Réaffectation du don ${gift.who} (${gift.chargeId}) : ${move.fromName} → ${move.toName}`),
    pieceRef: gift.chargeId,
    lines,
  };
}

const giftWord = (kind: Kind) => (kind === "membership" ? "de cotisation" : "de don");

export function refundEntry(fact: FactOf<"RefundSucceeded">, kind: Kind, account: string): EntryDraft {
  return {
    date: fact.date,
    label: label(`Remboursement ${giftWord(kind)} (${fact.chargeId})`),
    pieceRef: fact.refundId,
    lines: pair(account, CLEARING, fact.amount),
  };
}

/** A refund that failed after it was booked: the money is back on Stripe's balance. */
export function refundFailedEntry(fact: FactOf<"RefundFailed">, kind: Kind, account: string): EntryDraft {
  return {
    date: fact.date,
    label: label(`Remboursement ${giftWord(kind)} échoué (${fact.chargeId})`),
    pieceRef: fact.refundId,
    lines: pair(CLEARING, account, fact.amount),
  };
}

export function disputeOpenedEntry(fact: FactOf<"DisputeOpened">, account: string): EntryDraft {
  return {
    date: fact.date,
    label: label(`Litige ouvert : fonds retirés (${fact.chargeId})`),
    pieceRef: fact.disputeId,
    lines: [...pair(account, CLEARING, fact.amount), ...(fact.fee > 0 ? pair(FEES, CLEARING, fact.fee, "Frais de litige") : [])],
  };
}

/** The opening a dispute's close implies (booked by the close when the opening was never booked). */
export function openingOf(fact: FactOf<"DisputeClosed">): FactOf<"DisputeOpened"> {
  return {
    type: "DisputeOpened",
    disputeId: fact.disputeId,
    chargeId: fact.chargeId,
    amount: fact.withdrawn,
    fee: fact.withdrawalFee,
    currency: fact.currency,
    date: fact.openedOn,
    reason: fact.reason,
    metadata: fact.metadata,
  };
}

/** A won dispute: the funds (and a returned fee, if any) come back. Undefined when nothing moved. */
export function disputeWonEntry(fact: FactOf<"DisputeClosed">, account: string): EntryDraft | undefined {
  if (fact.outcome !== "won" || fact.returned + fact.feeReturned <= 0) return undefined;
  return {
    date: fact.date,
    label: label(`Litige gagné : fonds restitués (${fact.chargeId})`),
    pieceRef: fact.disputeId,
    lines: [
      ...(fact.returned > 0 ? pair(CLEARING, account, fact.returned) : []),
      ...(fact.feeReturned > 0 ? pair(CLEARING, FEES, fact.feeReturned, "Frais de litige restitués") : []),
    ],
  };
}

/**
 * A payout: Stripe's balance (4671) goes to the bank (512). A negative payout is Stripe taking money
 * back from the bank when its balance is below zero (refunds or disputes after the gifts were paid
 * out): the same movement the other way, 4671 ← 512, so the entry stays on positive amounts.
 */
export function payoutEntry(fact: FactOf<"PayoutPaid">): EntryDraft {
  if (fact.amount < 0)
    return {
      date: fact.date,
      label: "Prélèvement de Stripe sur la banque (virement négatif)",
      pieceRef: fact.payoutId,
      lines: pair(CLEARING, BANK, -fact.amount),
    };
  return { date: fact.date, label: "Virement Stripe vers la banque", pieceRef: fact.payoutId, lines: pair(BANK, CLEARING, fact.amount) };
}

/** A payout that failed after it was paid: its movement undone (for a negative one, the money comes back to the bank). */
export function payoutFailedEntry(fact: FactOf<"PayoutFailed">): EntryDraft {
  if (fact.amount < 0)
    return { date: fact.date, label: "Prélèvement de Stripe échoué : retour à la banque", pieceRef: fact.payoutId, lines: pair(BANK, CLEARING, -fact.amount) };
  return { date: fact.date, label: "Virement Stripe échoué : retour en attente", pieceRef: fact.payoutId, lines: pair(CLEARING, BANK, fact.amount) };
}

/** How much of the gift was taken back by a movement (positive) or given back (negative). */
export function keptDelta(fact: FactOf<"RefundSucceeded" | "RefundFailed" | "DisputeOpened" | "DisputeClosed">): number {
  switch (fact.type) {
    case "RefundSucceeded":
      return fact.amount;
    case "RefundFailed":
      return -fact.amount;
    case "DisputeOpened":
      return fact.amount;
    case "DisputeClosed":
      return -fact.returned;
  }
}

// ---------------------------------------------------------------- closed years

/** The French date `31/12/2023` of `2023-12-31`. */
const frDate = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

/**
 * An entry whose date falls in a closed fiscal year, moved to the first open date with a label
 * saying so (the piece keeps its own date).
 */
export function movedToOpenDate(entry: EntryDraft, openDate: string, startMonth?: number): EntryDraft & { pieceDate: string } {
  const year = fiscalYearOf(entry.date, startMonth);
  const suffix = ` (mouvement du ${frDate(entry.date)}, exercice ${year} clos)`;
  return { ...entry, date: openDate, pieceDate: entry.date, label: `${cleanText(entry.label, 200 - suffix.length)}${suffix}` };
}

// ---------------------------------------------------------------- receipts and incidents

/**
 * The gift whose receipt a fact may change: a gift or fee paid, or money of it taken or given back
 * (refund, failed refund, dispute). The receipts module then brings that receipt in line
 * (`reconcileReceipt`): it decides whether one is due (settings, donor's wish, one-off gift or
 * monthly recap, membership tiers marked), so payments never second-guesses it.
 */
export function receiptToReconcile(fact: PaymentFact): string | undefined {
  switch (fact.type) {
    case "DonationPaid":
    case "RefundSucceeded":
    case "RefundFailed":
    case "DisputeOpened":
    case "DisputeClosed":
      return fact.chargeId;
    default:
      return undefined;
  }
}

const eur = plainEuros;

/** The incident a dispute fact leaves for the trésorier. */
export function disputeIncident(
  fact: FactOf<"DisputeOpened" | "DisputeClosed">,
  email?: string,
): { ref: string; type: IncidentType; date: string; amount: number; email?: string; detail: string } {
  const type: IncidentType = fact.type === "DisputeOpened" ? "dispute_opened" : fact.outcome === "won" ? "dispute_won" : "dispute_lost";
  const amount = fact.type === "DisputeOpened" ? fact.amount : fact.returned;
  const what =
    fact.type === "DisputeOpened"
      ? `ouvert (${fact.reason}) : ${eur(fact.amount)} retirés, ${eur(fact.fee)} de frais`
      : fact.outcome === "won"
        ? "gagné : fonds restitués"
        : "perdu : le don reste annulé";
  return { ref: fact.disputeId, type, date: fact.date, amount, ...(email ? { email } : {}), detail: `Litige sur ${fact.chargeId} ${what}` };
}

/** Tax receipts and the donors' registry follow the calendar year (income tax), whatever the fiscal year. */
export const taxYearOf = (date: string) => fiscalYearOf(date, 1);
