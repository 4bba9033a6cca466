/** The customer's pages (no API key): Checkout's payment page, the customer portal, the hosted invoice page. */
import { completeSession, payPage } from "./checkout.js";
import { invoicePageRoutes } from "./invoice-page.js";
import { portalPageRoutes } from "./portal.js";
import type { Route } from "./router.js";
import { get } from "./state.js";

export const pageRoutes: Route[] = [
  { method: "GET", path: "/c/pay/{id}", handler: ({ s, params }) => ({ html: payPage(get(s, params.id!, "checkout.session")) }) },
  {
    method: "POST",
    path: "/c/pay/{id}",
    handler: async ({ s, params }) => {
      const session = get(s, params.id!, "checkout.session");
      await completeSession(s, session.id);
      return { redirect: String(session.success_url).replace("{CHECKOUT_SESSION_ID}", session.id) };
    },
  },
  ...portalPageRoutes,
  ...invoicePageRoutes,
];
