/**
 * Development routes (`/__dev/…`): what a customer or the Stripe dashboard would do. JSON only and
 * never from another site's page (the dispatcher checks both before these run).
 */
import { completeSession } from "./checkout.js";
import { attempt, emit } from "./events.js";
import { balanceTransaction, payIntent } from "./money.js";
import { type Ctx, ok, type Route } from "./router.js";
import { get, newId, type Obj, publicView, put, StripeError, unix } from "./state.js";
import { DECLINE_CODES, renew, retryInvoice } from "./subscriptions.js";

/** Makes API calls fail as Stripe would (a key lacking a permission, a missing object, an outage). */
function addFailure({ s, p }: Ctx) {
  const status = Number(p.status ?? 403);
  const f = {
    method: String(p.method ?? "GET").toUpperCase(),
    path: String(p.path ?? ""),
    status,
    type: String(p.type ?? (status === 403 ? "invalid_request_error" : "api_error")),
    ...(p.code ? { code: String(p.code) } : {}),
    remaining: Number(p.times ?? Number.POSITIVE_INFINITY),
  };
  if (!f.path.startsWith("/v1/")) throw new StripeError(400, "path must start with /v1/");
  s.failures.push(f);
  return ok({ failures: s.failures.length });
}

async function redeliver({ s, params }: Ctx) {
  const e = s.events.find((x) => x.id === params.id);
  if (!e) throw new StripeError(404, `No such event: ${params.id}`);
  await attempt(s, e);
  return ok(e);
}

/** A SEPA debit settles days later: `{ succeeded: false }` fails it. */
async function settleAsync({ s, params, p }: Ctx) {
  const session = get(s, params.id!, "checkout.session");
  const pi = get(s, String(session.payment_intent), "payment_intent");
  if (p.succeeded === false) {
    pi.status = "requires_payment_method";
    await emit(s, "checkout.session.async_payment_failed", publicView(session), p.at);
  } else {
    payIntent(s, pi, unix(p.at), "sepa_debit");
    session.payment_status = "paid";
    await emit(s, "checkout.session.async_payment_succeeded", publicView(session), p.at);
  }
  return ok(publicView(session));
}

async function expireSession({ s, params, p }: Ctx) {
  const session = get(s, params.id!, "checkout.session");
  session.status = "expired";
  await emit(s, "checkout.session.expired", publicView(session), p.at);
  return ok(publicView(session));
}

/** The period ends: the next invoice, paid or declined (`{ fail: true }`, or `fail_next`); a canceled subscription is 400. */
async function renewRoute({ s, params, p }: Ctx) {
  return ok(await renew(s, get(s, params.id!, "subscription"), p.at, p.fail === true));
}

/** The subscription's next renewal is declined (`{ code?: card_declined | insufficient_funds | expired_card }`). */
function failNext({ s, params, p }: Ctx) {
  const sub = get(s, params.id!, "subscription");
  if (sub.status === "canceled") throw new StripeError(400, `Subscription ${sub.id} is canceled: it has no next renewal.`);
  const code = String(p.code ?? "card_declined");
  if (!DECLINE_CODES.includes(code)) throw new StripeError(400, `code must be one of ${DECLINE_CODES.join(", ")}.`);
  s.declines.set(sub.id, code);
  return ok(sub);
}

/** Stripe's automatic retry of an open invoice (`{ at?, fail? }`): paid, or declined again (the last decline cancels). */
async function retryRoute({ s, params, p }: Ctx) {
  return ok(await retryInvoice(s, get(s, params.id!, "invoice"), p.at, p.fail === true));
}

/** Pays out every balance transaction of the currency not paid out yet. */
async function payout({ s, p }: Ctx) {
  const payoutCurrency = String(p.currency ?? "eur").toLowerCase();
  const txns = [...s.objects.values()].filter(
    (o) => o.object === "balance_transaction" && o.type !== "payout" && !o.payout && String(o.currency) === payoutCurrency,
  );
  const amount = txns.reduce((sum, t) => sum + (t.net as number), 0);
  // A negative balance is paid out too: Stripe debits the bank (a negative payout).
  if (amount === 0) throw new StripeError(400, "Nothing to pay out.");
  const created = unix(p.at);
  const po = put(s, {
    id: newId("po"),
    object: "payout",
    amount,
    currency: payoutCurrency,
    status: "paid",
    arrival_date: created,
    created,
    balance_transaction: "",
    failure_code: null,
    method: "standard",
  });
  po.balance_transaction = balanceTransaction(s, -amount, 0, "payout", po.id, created, payoutCurrency).id;
  for (const t of txns) t.payout = po.id;
  await emit(s, "payout.paid", po, p.at);
  return ok(po);
}

async function failPayout({ s, params, p }: Ctx) {
  const po = get(s, params.id!, "payout");
  po.status = "failed";
  po.failure_code = "account_closed";
  await emit(s, "payout.failed", po, p.at);
  return ok(po);
}

/** A pending (SEPA) refund succeeds, or a refund fails (money already taken comes back). */
async function settleRefund({ s, params, p }: Ctx, outcome: "succeed" | "fail") {
  const re = get(s, params.id!, "refund");
  const ch = get(s, String(re.charge), "charge");
  const at = unix(p.at);
  if (outcome === "succeed") {
    if (re.status !== "pending") throw new StripeError(400, `Refund ${re.id} is ${re.status}.`);
    re.status = "succeeded";
    re.balance_transaction = balanceTransaction(s, -(re.amount as number), 0, "refund", re.id, at, String(re.currency)).id;
  } else {
    if (re.status !== "pending" && re.status !== "succeeded") throw new StripeError(400, `Refund ${re.id} is ${re.status}.`);
    if (re.status === "succeeded") balanceTransaction(s, re.amount as number, 0, "refund_failure", re.id, at, String(re.currency));
    re.status = "failed";
    re.failure_reason = "expired_or_canceled_card";
    ch.amount_refunded = (ch.amount_refunded as number) - (re.amount as number);
    ch.refunded = false;
  }
  await emit(s, "charge.refund.updated", re, p.at);
  return ok(re);
}

async function dispute({ s, params, p }: Ctx) {
  const ch = get(s, params.id!, "charge");
  ch.disputed = true;
  const created = unix(p.at);
  const dp = put(s, {
    id: newId("dp"),
    object: "dispute",
    amount: ch.amount,
    currency: "eur",
    charge: ch.id,
    payment_intent: ch.payment_intent,
    status: "needs_response",
    reason: "fraudulent",
    created,
    balance_transactions: [] as Obj[],
  });
  (dp.balance_transactions as Obj[]).push(balanceTransaction(s, -(ch.amount as number), 1500, "adjustment", dp.id, created, String(ch.currency)));
  await emit(s, "charge.dispute.created", dp, p.at);
  return ok(dp);
}

async function closeDispute({ s, params, p }: Ctx) {
  const dp = get(s, params.id!, "dispute");
  dp.status = p.status === "won" ? "won" : "lost";
  if (dp.status === "won") (dp.balance_transactions as Obj[]).push(balanceTransaction(s, dp.amount as number, 0, "adjustment", dp.id, unix(p.at)));
  await emit(s, "charge.dispute.closed", dp, p.at);
  return ok(dp);
}

export const devRoutes: Route[] = [
  { method: "GET", path: "/__dev/events", handler: ({ s }) => ok({ data: s.events }) },
  { method: "POST", path: "/__dev/failures", handler: addFailure },
  {
    method: "POST",
    path: "/__dev/failures/clear",
    handler: ({ s }) => {
      s.failures.length = 0;
      return ok({ failures: 0 });
    },
  },
  { method: "POST", path: "/__dev/events/{id}/redeliver", handler: redeliver },
  {
    method: "POST",
    path: "/__dev/checkout/sessions/{id}/complete",
    handler: async ({ s, params, p }) => ok(publicView(await completeSession(s, params.id!, p.at, p.async === true))),
  },
  { method: "POST", path: "/__dev/checkout/sessions/{id}/async", handler: settleAsync },
  { method: "POST", path: "/__dev/checkout/sessions/{id}/expire", handler: expireSession },
  { method: "POST", path: "/__dev/subscriptions/{id}/renew", handler: renewRoute },
  { method: "POST", path: "/__dev/subscriptions/{id}/fail_next", handler: failNext },
  { method: "POST", path: "/__dev/invoices/{id}/retry", handler: retryRoute },
  { method: "POST", path: "/__dev/payouts", handler: payout },
  { method: "POST", path: "/__dev/payouts/{id}/fail", handler: failPayout },
  { method: "POST", path: "/__dev/refunds/{id}/succeed", handler: (c) => settleRefund(c, "succeed") },
  { method: "POST", path: "/__dev/refunds/{id}/fail", handler: (c) => settleRefund(c, "fail") },
  { method: "POST", path: "/__dev/charges/{id}/dispute", handler: dispute },
  { method: "POST", path: "/__dev/disputes/{id}/close", handler: closeDispute },
];
