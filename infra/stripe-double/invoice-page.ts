/**
 * The hosted invoice page (`hosted_invoice_url`, `/i/{invoice}`): what a donor whose monthly
 * payment failed opens to pay it with another card. Paying it delivers `invoice.paid` (and the
 * subscription, past due, is active again).
 */
import { frenchAmount } from "@asso/core/money";
import { emit } from "./events.js";
import { escapeHtml, page, parisDate } from "./html.js";
import type { Route } from "./router.js";
import { get, type Obj, unix } from "./state.js";
import { cardFor, changeCard, payInvoice } from "./subscriptions.js";

function invoicePage(invoice: Obj): string {
  const open = invoice.status === "open";
  return page(
    "Facture",
    `<h1>Don mensuel</h1>
<p>Montant : <strong id="amount">${escapeHtml(frenchAmount(invoice.amount_due as number))} €</strong> · ${escapeHtml(parisDate(invoice.created))}</p>
<p id="status" data-status="${escapeHtml(invoice.status)}">${open ? "Le paiement a échoué." : invoice.status === "paid" ? "Payée. Merci !" : escapeHtml(invoice.status)}</p>
${
  open
    ? `<form method="post" action="/i/${escapeHtml(invoice.id)}"><label>Numéro de carte <input name="card" inputmode="numeric" autocomplete="cc-number" value="4242 4242 4242 4242"></label>
<button type="submit" id="pay">Payer</button></form>`
    : ""
}`,
  );
}

export const invoicePageRoutes: Route[] = [
  { method: "GET", path: "/i/{id}", handler: ({ s, params }) => ({ html: invoicePage(get(s, params.id!, "invoice")) }) },
  {
    method: "POST",
    path: "/i/{id}",
    handler: async ({ s, params, p }) => {
      const invoice = get(s, params.id!, "invoice");
      if (invoice.status === "open") {
        const pm = cardFor(s, String(invoice.customer), unix(), String(p.card ?? ""));
        await emit(s, "payment_method.attached", pm);
        const sub = s.objects.get(String(invoice.subscription));
        if (sub && sub.status !== "canceled") await changeCard(s, sub, pm);
        await payInvoice(s, invoice);
      }
      return { redirect: `/i/${invoice.id}` };
    },
  },
];
