/** The Stripe API rows the back-office calls (secret-key auth, form bodies, idempotency: the dispatcher's). */
import { createSession } from "./checkout.js";
import { emit } from "./events.js";
import { balance, balanceTransaction, expanded } from "./money.js";
import { portalApiRoutes } from "./portal.js";
import { type Ctx, ok, type Route } from "./router.js";
import { get, newId, type Obj, publicView, put, type State, StripeError, unix } from "./state.js";
import { endSubscription, updateSubscription } from "./subscriptions.js";

const list = (data: Obj[], url: string) => ({ object: "list", data, has_more: false, url });

const all = (s: State, object: string) => [...s.objects.values()].filter((o) => o.object === object);

/** `GET /v1/<plural>/{id}` for each object the back-office retrieves (with `expand[]`). */
const RETRIEVABLE = [
  "payment_intents",
  "charges",
  "balance_transactions",
  "invoices",
  "subscriptions",
  "payouts",
  "refunds",
  "disputes",
  "customers",
  "payment_methods",
];

/** `GET /v1/<plural>` lists (the first `limit`, at most 100). */
const LISTABLE: Record<string, string> = {
  payment_intents: "payment_intent",
  charges: "charge",
  payouts: "payout",
  disputes: "dispute",
  subscriptions: "subscription",
  invoices: "invoice",
  customers: "customer",
};

/** Stripe's list filters: `customer`; for subscriptions `status` (by default every one not canceled, `all` for all). */
function listed(objects: Obj[], p: Record<string, unknown>): Obj[] {
  let out = p.customer ? objects.filter((o) => o.customer === p.customer) : objects;
  if (objects[0]?.object === "subscription" && p.status !== "all") out = out.filter((o) => (p.status ? o.status === p.status : o.status !== "canceled"));
  return out;
}

async function expireSession({ s, params }: Ctx) {
  const session = get(s, params.id!, "checkout.session");
  session.status = "expired";
  await emit(s, "checkout.session.expired", publicView(session));
  return ok(publicView(session));
}

async function createRefund({ s, p }: Ctx) {
  const ch = get(s, String(p.charge ?? ""), "charge");
  const remaining = (ch.amount as number) - (ch.amount_refunded as number);
  const amount = p.amount === undefined ? remaining : Number(p.amount);
  if (!(amount > 0) || amount > remaining) throw new StripeError(400, `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining}).`);
  const created = unix();
  // A SEPA debit is refunded by transfer: the refund stays pending until it succeeds (or fails).
  const pending = (ch.payment_method_details as { type?: string } | undefined)?.type === "sepa_debit";
  const re = put(s, {
    id: newId("re"),
    object: "refund",
    amount,
    charge: ch.id,
    payment_intent: ch.payment_intent,
    currency: String(ch.currency),
    status: pending ? "pending" : "succeeded",
    created,
    balance_transaction: "",
    reason: p.reason ?? null,
    failure_reason: null,
    metadata: p.metadata ?? {},
  });
  if (!pending) re.balance_transaction = balanceTransaction(s, -amount, 0, "refund", re.id, created, String(ch.currency)).id;
  ch.amount_refunded = (ch.amount_refunded as number) + amount;
  ch.refunded = ch.amount_refunded === ch.amount;
  (ch.refunds as { data: Obj[] }).data.unshift(re);
  await emit(s, "charge.refunded", ch, undefined);
  return ok(re);
}

/** `stripe.subscriptions.cancel(id)` (and the older DELETE): ends it now, `customer.subscription.deleted`. */
async function cancelSubscription({ s, params }: Ctx) {
  return ok(await endSubscription(s, get(s, params.id!, "subscription"), "cancellation_requested"));
}

/** `stripe.subscriptions.update(id, { cancel_at_period_end, metadata, default_payment_method })`: `customer.subscription.updated`. */
async function updateSubscriptionRoute({ s, params, p }: Ctx) {
  return ok(await updateSubscription(s, get(s, params.id!, "subscription"), p));
}

export const apiRoutes: Route[] = [
  { method: "POST", path: "/v1/checkout/sessions", handler: ({ s, p }) => ok(publicView(createSession(s, p))) },
  { method: "GET", path: "/v1/checkout/sessions/{id}", handler: ({ s, params }) => ok(publicView(get(s, params.id!, "checkout.session"))) },
  { method: "POST", path: "/v1/checkout/sessions/{id}/expire", handler: expireSession },
  ...RETRIEVABLE.map(
    (plural): Route => ({ method: "GET", path: `/v1/${plural}/{id}`, handler: ({ s, params, p }) => ok(expanded(s, get(s, params.id!), p.expand)) }),
  ),
  { method: "GET", path: "/v1/balance", handler: ({ s }) => ok(balance(s)) },
  ...Object.entries(LISTABLE).map(
    ([plural, object]): Route => ({
      method: "GET",
      path: `/v1/${plural}`,
      handler: ({ s, p, path }) => ok(list(listed(all(s, object), p).slice(0, Math.min(100, Number(p.limit ?? 10) || 10)), path)),
    }),
  ),
  {
    method: "GET",
    path: "/v1/balance_transactions",
    handler: ({ s, p, path }) =>
      ok(
        list(
          all(s, "balance_transaction").filter((o) => !p.payout || o.payout === p.payout || o.source === p.payout),
          path,
        ),
      ),
  },
  {
    method: "GET",
    path: "/v1/refunds",
    handler: ({ s, p, path }) =>
      ok(
        list(
          all(s, "refund").filter((o) => !p.charge || o.charge === p.charge),
          path,
        ),
      ),
  },
  { method: "POST", path: "/v1/refunds", handler: createRefund },
  { method: "POST", path: "/v1/subscriptions/{id}", handler: updateSubscriptionRoute },
  { method: "DELETE", path: "/v1/subscriptions/{id}", handler: cancelSubscription },
  { method: "POST", path: "/v1/subscriptions/{id}/cancel", handler: cancelSubscription },
  ...portalApiRoutes,
];
