/**
 * Stripe's customer portal: `POST /v1/billing_portal/sessions` gives a URL on the double
 * (`/p/session/{id}`), a page listing the customer's subscriptions with "cancel" and "update the
 * card" forms that post back to the double, and a link back to `return_url`. A `flow_data` of type
 * `subscription_cancel` or `payment_method_update` opens on that one action, and its
 * `after_completion.redirect.return_url` is where the customer lands once it is done.
 */
import { frenchAmount } from "@asso/core/money";
import { emit } from "./events.js";
import { escapeHtml, page, parisDate, safeLink } from "./html.js";
import { type Answer, type Ctx, ok, type Route } from "./router.js";
import { get, newId, type Obj, put, type State, StripeError, unix } from "./state.js";
import { cardFor, changeCard, endSubscription } from "./subscriptions.js";

type Flow = { type: string; subscription?: string; redirect?: string };

const FLOWS = ["subscription_cancel", "payment_method_update"];

const dig = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((n, k) => (n && typeof n === "object" ? (n as Record<string, unknown>)[k] : undefined), o);

function flowOf(s: State, customer: string, data: unknown): Flow | undefined {
  if (!data || typeof data !== "object") return undefined;
  const type = String(dig(data, "type") ?? "");
  if (!FLOWS.includes(type)) throw new StripeError(400, `Invalid flow_data[type]: must be one of ${FLOWS.join(", ")}.`);
  const redirect = dig(data, "after_completion", "type") === "redirect" ? String(dig(data, "after_completion", "redirect", "return_url") ?? "") : undefined;
  if (redirect !== undefined && !URL.canParse(redirect)) throw new StripeError(400, "Invalid URL: flow_data[after_completion][redirect][return_url].");
  if (type === "payment_method_update") return { type, ...(redirect ? { redirect } : {}) };
  const subId = String(dig(data, "subscription_cancel", "subscription") ?? "");
  const sub = get(s, subId, "subscription");
  if (sub.customer !== customer) throw new StripeError(400, `The subscription ${subId} does not belong to customer ${customer}.`);
  if (sub.status === "canceled") throw new StripeError(400, `The subscription ${subId} has already been canceled.`);
  return { type, subscription: subId, ...(redirect ? { redirect } : {}) };
}

/** `POST /v1/billing_portal/sessions` (`customer`, `return_url`, `locale`, `flow_data`). */
function createPortalSession({ s, p }: Ctx): Answer {
  if (!p.customer) throw new StripeError(400, "Missing required param: customer.");
  const customer = get(s, String(p.customer), "customer");
  if (p.return_url !== undefined && !URL.canParse(String(p.return_url))) throw new StripeError(400, "Invalid URL: return_url.");
  const flow = flowOf(s, customer.id, p.flow_data);
  const session = put(s, {
    id: newId("bps"),
    object: "billing_portal.session",
    configuration: "bpc_test_double",
    created: unix(),
    customer: customer.id,
    customer_account: null,
    flow: flow
      ? {
          type: flow.type,
          after_completion: flow.redirect
            ? { type: "redirect", redirect: { return_url: flow.redirect }, hosted_confirmation: null }
            : { type: "portal_homepage", redirect: null, hosted_confirmation: null },
          subscription_cancel: flow.subscription ? { subscription: flow.subscription, retention: null } : null,
          subscription_update: null,
          subscription_update_confirm: null,
        }
      : null,
    livemode: false,
    locale: p.locale ?? null,
    on_behalf_of: null,
    return_url: p.return_url ?? null,
    url: "",
  });
  session.url = `${s.baseUrl}/p/session/${session.id}`;
  return ok(session);
}

const subscriptionsOf = (s: State, customer: unknown) => [...s.objects.values()].filter((o) => o.object === "subscription" && o.customer === customer);

function statusLine(sub: Obj): string {
  if (sub.status === "canceled") return `Annulé le ${parisDate(sub.ended_at ?? sub.canceled_at)}`;
  if (sub.cancel_at_period_end) return `Se termine le ${parisDate(sub.cancel_at)}`;
  if (sub.status === "past_due") return "Paiement en échec : mettez à jour votre carte";
  return "Actif";
}

function subscriptionCard(s: State, session: Obj, sub: Obj, only?: "cancel" | "card"): string {
  const card = s.objects.get(String(sub.default_payment_method))?.card as { last4?: string } | undefined;
  const base = `/p/session/${escapeHtml(session.id)}/subscriptions/${escapeHtml(sub.id)}`;
  const live = sub.status !== "canceled";
  const cancel = `<form method="post" action="${base}/cancel"><button type="submit" id="cancel-${escapeHtml(sub.id)}" data-action="cancel">${only ? "Confirmer l'annulation" : "Annuler l'abonnement"}</button></form>`;
  const update = `<form method="post" action="${base}/payment_method"><label>Numéro de carte <input name="card" inputmode="numeric" autocomplete="cc-number" value="4242 4242 4242 4242"></label>
<button type="submit" id="card-${escapeHtml(sub.id)}" data-action="payment_method">Mettre à jour le moyen de paiement</button></form>`;
  return `<section class="sub" data-subscription="${escapeHtml(sub.id)}" data-status="${escapeHtml(sub.status)}">
<h2>Don mensuel · ${escapeHtml(frenchAmount(sub.amount as number))} € par mois</h2>
<p class="status">${escapeHtml(statusLine(sub))}</p>${card?.last4 ? `<p class="muted">Carte •••• ${escapeHtml(card.last4)}</p>` : ""}
${live && only !== "card" ? cancel : ""}${live && only !== "cancel" ? update : ""}</section>`;
}

function portalPage(s: State, session: Obj): string {
  const flow = session.flow as { type: string; subscription_cancel: { subscription: string } | null } | null;
  const back = safeLink(session.return_url);
  const customer = get(s, String(session.customer), "customer");
  let subs = subscriptionsOf(s, customer.id);
  let only: "cancel" | "card" | undefined;
  if (flow?.type === "subscription_cancel") {
    subs = subs.filter((x) => x.id === flow.subscription_cancel?.subscription);
    only = "cancel";
  } else if (flow?.type === "payment_method_update") {
    subs = subs.filter((x) => x.status !== "canceled");
    only = "card";
  }
  const list = subs.length ? subs.map((x) => subscriptionCard(s, session, x, only)).join("\n") : `<p id="none">Aucun abonnement.</p>`;
  return page(
    "Espace client",
    `<h1>${only === "cancel" ? "Annuler l'abonnement" : only === "card" ? "Mettre à jour le moyen de paiement" : "Vos abonnements"}</h1>
<p class="muted" id="customer">${escapeHtml(customer.email)}</p>
${list}
${back ? `<p><a id="return" href="${escapeHtml(back)}">Retour</a></p>` : ""}`,
  );
}

/** The session and one of its customer's subscriptions (404 for another customer's). */
function sessionAndSubscription({ s, params }: Ctx): { session: Obj; sub: Obj } {
  const session = get(s, params.session!, "billing_portal.session");
  const sub = get(s, params.sub!, "subscription");
  if (sub.customer !== session.customer) throw new StripeError(404, `No such subscription: '${sub.id}'`);
  return { session, sub };
}

/** Where the customer goes after an action: the flow's redirect, else the portal's page. */
const after = (session: Obj): Answer => {
  const redirect = (session.flow as { after_completion?: { redirect?: { return_url?: string } | null } } | null)?.after_completion?.redirect?.return_url;
  return { redirect: redirect ?? `/p/session/${session.id}` };
};

async function cancelFromPortal(c: Ctx): Promise<Answer> {
  const { session, sub } = sessionAndSubscription(c);
  await endSubscription(c.s, sub, "cancellation_requested");
  return after(session);
}

async function cardFromPortal(c: Ctx): Promise<Answer> {
  const { session, sub } = sessionAndSubscription(c);
  const pm = cardFor(c.s, String(sub.customer), unix(), String(c.p.card ?? ""));
  await emit(c.s, "payment_method.attached", pm);
  const customer = get(c.s, String(sub.customer), "customer");
  customer.invoice_settings = { default_payment_method: pm.id };
  await changeCard(c.s, sub, pm);
  return after(session);
}

export const portalApiRoutes: Route[] = [{ method: "POST", path: "/v1/billing_portal/sessions", handler: createPortalSession }];

export const portalPageRoutes: Route[] = [
  { method: "GET", path: "/p/session/{id}", handler: ({ s, params }) => ({ html: portalPage(s, get(s, params.id!, "billing_portal.session")) }) },
  { method: "POST", path: "/p/session/{session}/subscriptions/{sub}/cancel", handler: cancelFromPortal },
  { method: "POST", path: "/p/session/{session}/subscriptions/{sub}/payment_method", handler: cardFromPortal },
];
