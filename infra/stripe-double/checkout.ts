/** Stripe Checkout: sessions, the customer's payment page, completion. */
import { frenchAmount } from "@asso/core/money";
import { emit } from "./events.js";
import { escapeHtml, safeLink } from "./html.js";
import { paymentIntent, payIntent } from "./money.js";
import { get, newId, type Obj, publicView, put, type State, StripeError, unix } from "./state.js";
import { createSubscription, invoiceFor } from "./subscriptions.js";

/** The session's amount and currency from its line items (price_data only, as the back-office sends). */
function totalOf(mode: string, items: Array<Record<string, unknown>>): { amount: number; currency: string } {
  if (!items.length) throw new StripeError(400, "Missing required param: line_items.");
  let amount = 0;
  let currency = "eur";
  for (const li of items) {
    const pd = li.price_data as Record<string, unknown> | undefined;
    if (!pd?.unit_amount) throw new StripeError(400, "Missing required param: line_items[0][price_data][unit_amount].");
    if (mode === "subscription" && !(pd.recurring as Record<string, unknown> | undefined)?.interval)
      throw new StripeError(400, "Subscription mode needs a recurring price.");
    amount += Number(pd.unit_amount) * Number(li.quantity ?? 1);
    currency = String(pd.currency ?? currency).toLowerCase();
  }
  return { amount, currency };
}

export function createSession(s: State, p: Record<string, unknown>): Obj {
  const mode = String(p.mode ?? "payment");
  if (!["payment", "subscription"].includes(mode)) throw new StripeError(400, `Invalid mode: ${mode}`);
  const items = (p.line_items as Array<Record<string, unknown>> | undefined) ?? [];
  const { amount, currency } = totalOf(mode, items);
  if (!p.success_url) throw new StripeError(400, "Missing required param: success_url.");
  const session = put(s, {
    id: newId("cs"),
    object: "checkout.session",
    mode,
    status: "open",
    payment_status: "unpaid",
    amount_total: amount,
    amount_subtotal: amount,
    currency,
    customer: null,
    customer_email: p.customer_email ?? null,
    customer_details: null,
    client_reference_id: p.client_reference_id ?? null,
    metadata: p.metadata ?? {},
    locale: p.locale ?? null,
    success_url: p.success_url,
    cancel_url: p.cancel_url ?? null,
    payment_intent: null,
    subscription: null,
    created: unix(),
    expires_at: unix() + 24 * 3600,
    livemode: false,
    url: "",
    __subscription_metadata: (p.subscription_data as Record<string, unknown> | undefined)?.metadata ?? {},
    __payment_metadata: (p.payment_intent_data as Record<string, unknown> | undefined)?.metadata ?? p.metadata ?? {},
    __product: String(((items[0]!.price_data as Record<string, unknown>).product_data as Record<string, unknown> | undefined)?.name ?? ""),
  });
  session.url = `${s.baseUrl}/c/pay/${session.id}`;
  return session;
}

/** The customer pays: the session completes and its events are delivered. */
export async function completeSession(s: State, sid: string, at?: unknown, asyncPayment = false): Promise<Obj> {
  const session = get(s, sid, "checkout.session");
  if (session.status !== "open") throw new StripeError(400, `Checkout session ${sid} is ${session.status}.`);
  const created = unix(at);
  const email = (session.customer_email as string | null) ?? "client@example.org";
  const customer = put(s, { id: newId("cus"), object: "customer", email, name: null, created });
  session.customer = customer.id;
  session.customer_details = { email, name: null };
  session.status = "complete";
  if (session.mode === "payment") {
    const status = asyncPayment ? "processing" : "succeeded";
    const pi = paymentIntent(s, session.amount_total as number, customer.id, session.__payment_metadata, created, status, String(session.currency));
    session.payment_intent = pi.id;
    if (!asyncPayment) payIntent(s, pi, created);
    session.payment_status = asyncPayment ? "unpaid" : "paid";
    await emit(s, "checkout.session.completed", publicView(session), at);
  } else {
    const sub = createSubscription(s, customer, session, created);
    session.subscription = sub.id;
    session.payment_status = "paid";
    const { invoice } = invoiceFor(s, sub, created, "subscription_create", true);
    await emit(s, "checkout.session.completed", publicView(session), at);
    await emit(s, "invoice.paid", invoice, at);
  }
  return session;
}

/** The customer's page: everything shown is escaped (names, e-mail, URLs come from callers). */
export function payPage(session: Obj): string {
  const euros = frenchAmount(session.amount_total as number);
  const cancel = safeLink(session.cancel_url);
  const currency = String(session.currency).toUpperCase();
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Paiement (double de test Stripe)</title></head><body style="font-family:sans-serif;max-width:30rem;margin:2rem auto">
<h1>Paiement de test</h1><p id="product">${escapeHtml(session.__product)}</p>
<p>Montant : <strong>${escapeHtml(euros)} ${currency === "EUR" ? "€" : escapeHtml(currency)}</strong>${session.mode === "subscription" ? " par mois" : ""}</p>
${session.customer_email ? `<p id="email">${escapeHtml(session.customer_email)}</p>` : ""}
<form method="post" action="/c/pay/${escapeHtml(session.id)}"><button type="submit" id="pay">Payer</button></form>
${cancel ? `<p><a href="${escapeHtml(cancel)}">Annuler</a></p>` : ""}</body></html>`;
}
