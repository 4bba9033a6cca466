/**
 * Stripe seen from the bank: what a payout is made of (its balance transactions: gross gifts,
 * fees, refunds, disputes, other deductions), Stripe's balance at a date against the books'
 * 4671 (Stripe funds in transit), and the booking of what Stripe deducted that the webhook never
 * books (billing fees, adjustments), keyed by balance-transaction id so that it is booked once.
 */
import type Stripe from "stripe";
import type { Db } from "../db/client.js";
import { TZDate } from "@date-fns/tz";
import { parisDate, TIME_ZONE } from "../dates.js";
import { type Line, awaitValidation, writeDraft } from "../ledger/index.js";
import { bookItems } from "./books.js";
import { unbookedMovements } from "../giving/index.js";

export const CLEARING = "4671";

interface Bt {
  id: string;
  type: string;
  amount: number;
  fee: number;
  net: number;
  created: number;
  source: string | null;
  description?: string | null;
  payout?: string | null;
  currency: string;
}

const asBt = (t: Stripe.BalanceTransaction): Bt => {
  const src = t.source as unknown;
  return {
    id: t.id,
    type: t.type,
    amount: t.amount,
    fee: t.fee,
    net: t.net,
    created: t.created,
    source: typeof src === "string" ? src : ((src as { id?: string } | null)?.id ?? null),
    description: t.description ?? null,
    currency: String(t.currency ?? "").toLowerCase(),
  };
};

async function listBts(stripe: Stripe, params: Stripe.BalanceTransactionListParams): Promise<Bt[]> {
  const out: Bt[] = [];
  for await (const t of stripe.balanceTransactions.list({ limit: 100, ...params })) out.push(asBt(t));
  return out;
}

const isCharge = (t: Bt) => t.type === "charge" || t.type === "payment";
const isRefund = (t: Bt) => t.type === "refund" || t.type === "payment_refund";
const isDispute = (t: Bt) => !!t.source?.startsWith("dp_") || t.type.startsWith("dispute");

/** What a payout is made of, from `GET /v1/balance_transactions?payout=`. */
export async function explainPayout(stripe: Stripe, payoutId: string) {
  const bts = (await listBts(stripe, { payout: payoutId })).filter((t) => t.type !== "payout");
  const sum = (xs: Bt[], f: (t: Bt) => number) => xs.reduce((s, t) => s + f(t), 0);
  const charges = bts.filter(isCharge);
  const refunds = bts.filter(isRefund);
  const disputes = bts.filter((t) => !isCharge(t) && !isRefund(t) && isDispute(t));
  const other = bts.filter((t) => !isCharge(t) && !isRefund(t) && !isDispute(t));
  const payout = await stripe.payouts.retrieve(payoutId);
  const net = sum(bts, (t) => t.net);
  return {
    payoutId,
    amount: payout.amount,
    transactions: bts.length,
    gross: sum(charges, (t) => t.amount),
    fees: sum(charges, (t) => t.fee) + sum(refunds, (t) => t.fee),
    refunds: sum(refunds, (t) => t.amount),
    disputes: sum(disputes, (t) => t.net),
    other: sum(other, (t) => t.net),
    otherDetail: other.map((t) => ({ id: t.id, type: t.type, net: t.net, description: t.description ?? null })),
    net,
    /** The balance transactions add up to the payout. */
    consistent: net === payout.amount,
  };
}

/** The day a balance transaction belongs to (Europe/Paris). */
const dayOf = (t: Bt) => parisDate(new Date(t.created * 1000));

/**
 * A balance transaction that nothing else books: not a charge, refund, dispute or payout (the
 * webhook books those, keyed by their own ids).
 */
const bookedHere = (t: Bt) => !isCharge(t) && !isRefund(t) && !isDispute(t) && t.type !== "payout" && t.net !== 0;

/**
 * `GET /v1/bank/stripe-balance?date=`: the books' 4671 against Stripe's balance at the end of the
 * day. The books hold euros, so only EUR balance transactions are added up; another currency's are
 * totalled apart (`otherCurrencies`). A movement the webhook decided not to book (a payment not
 * ours or not its checkout's, a payout in another currency: an incident says why) is listed in
 * `notBooked`, not as awaiting a webhook that has already come.
 */
export async function stripeBalance(db: Db, stripe: Stripe, date: string) {
  // Up to the end of that day in Paris (Stripe filters by instant; the day is checked again here).
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const endOfDay = Math.floor(new TZDate(y, m - 1, d + 1, 0, 0, 0, TIME_ZONE).getTime() / 1000) - 1;
  const all = (await listBts(stripe, { created: { lte: endOfDay } })).filter((t) => dayOf(t) <= date);
  const bts = all.filter((t) => t.currency === "eur");
  const others = new Map<string, { currency: string; net: number; transactions: number }>();
  for (const t of all)
    if (t.currency !== "eur") {
      const o = others.get(t.currency) ?? { currency: t.currency, net: 0, transactions: 0 };
      o.net += t.net;
      o.transactions += 1;
      others.set(t.currency, o);
    }
  const stripeTotal = bts.reduce((s, t) => s + t.net, 0);
  const items = await bookItems(db, CLEARING, { to: date });
  const ledger = items.reduce((s, i) => s + i.amount, 0);
  const booked = new Set(items.map((i) => i.pieceRef));
  const unbooked = bts.filter((t) => !booked.has(t.id) && !(t.source && booked.has(t.source)));
  const refused = await unbookedMovements(
    db,
    unbooked.flatMap((t) => (t.source && !bookedHere(t) ? [t.source] : [])),
  );
  const view = (t: Bt) => ({ id: t.id, type: t.type, date: dayOf(t), net: t.net, source: t.source, description: t.description ?? null });
  const webhookBooks = unbooked.filter((t) => !bookedHere(t) && t.net !== 0);
  return {
    date,
    account: CLEARING,
    ledger,
    stripe: stripeTotal,
    difference: stripeTotal - ledger,
    /** Deductions the bank domain books (POST /v1/bank/stripe-balance/book). */
    toBook: unbooked.filter(bookedHere).map(view),
    /** Movements the webhook books when their event arrives (or a dispute still open). */
    awaitingWebhook: webhookBooks.filter((t) => !(t.source && refused.has(t.source))).map(view),
    /** Movements the webhook will not book, each with its incident's reason: for the trésorier to examine. */
    notBooked: webhookBooks
      .filter((t) => t.source && refused.has(t.source))
      .map((t) => ({ ...view(t), incident: refused.get(t.source!)!.type, reason: refused.get(t.source!)!.detail })),
    /** Balance transactions in another currency than EUR, not added to `stripe`. */
    otherCurrencies: [...others.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
  };
}

/** Books Stripe's own deductions up to `date`: 627 (fees) or 658/758 (adjustments) against 4671, once each. */
export async function bookStripeDeductions(db: Db, stripe: Stripe, date: string, actor?: { sub: string; role: string; requestId: string }) {
  const state = await stripeBalance(db, stripe, date);
  const booked: Array<{ balanceTransaction: string; entryId: string; amount: number }> = [];
  for (const t of state.toBook) {
    const amount = Math.abs(t.net);
    const fee = /fee/.test(t.type);
    const lines: Line[] =
      t.net < 0
        ? [
            { account: fee ? "627" : "658", debit: amount, credit: 0 },
            { account: CLEARING, debit: 0, credit: amount },
          ]
        : [
            { account: CLEARING, debit: amount, credit: 0 },
            { account: "758", debit: 0, credit: amount },
          ];
    const label = `Stripe : ${t.description ?? (fee ? "frais de service" : "ajustement")} (${t.type})`.slice(0, 200);
    const { id, existed } = await writeDraft(
      db,
      { journal: "ST", date: t.date, label, pieceRef: t.id, lines },
      { idempotency: { operation: "bank-stripe-bt", key: t.id, requestHash: "bt" }, owner: "bank", ...(actor ? { actor } : {}) },
    );
    if (existed) continue;
    await awaitValidation(db, id);
    booked.push({ balanceTransaction: t.id, entryId: id, amount: t.net });
  }
  return { booked, balance: await stripeBalance(db, stripe, date) };
}
