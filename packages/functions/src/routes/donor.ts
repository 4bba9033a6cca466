/**
 * The donor's space (issue 17 item 4): a link without an account. The link is asked for by e-mail
 * (the same answer for any address), and the space's routes take the token it carries in
 * `Authorization: Bearer <token>` (never in the query: the page keeps it in sessionStorage).
 * Public routes of their own group, `donor`: they read a person's gifts by e-mail (an index the
 * checkout's function may not touch) and open Stripe's customer portal with a key of their own.
 */
import { DonorAccessInput, DonorAccessSchema, DonorPortalInput, DonorPortalSchema, DonorReceiptFileParam, DonorSpaceSchema } from "@asso/core/giving";
import { defineRoute, type RouteDef } from "../route.js";

const LINK_401 = "The link is not one this back-office signed (donor-link-invalid), or it has expired (donor-link-expired): ask for a new one";

export const donorRoutes = [
  defineRoute({
    method: "POST",
    path: "/v1/public/donor-access",
    group: "donor",
    operationId: "donorAccess",
    errors: { 429: "Too many requests from this address, or right now (Retry-After)" },
    summary:
      "Sends a link to the donor's space (valid 30 minutes, any device) to a known address (a donor, a member, a gift's e-mail). The answer is 202 { sent: true } whatever the address; rate-limited like the checkout.",
    auth: "public",
    body: DonorAccessInput,
    response: { status: 202, schema: DonorAccessSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/public/donor/space",
    group: "donor",
    operationId: "donorSpace",
    errors: { 401: LINK_401 },
    summary:
      "The link's person: gifts (date, amount, once or monthly, reference), receipts, monthly gifts (running or stopped) and membership (validity, renewal link). Token in Authorization: Bearer.",
    auth: "public",
    response: { status: 200, schema: DonorSpaceSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/public/donor/receipts/{file}",
    group: "donor",
    operationId: "donorReceiptPdf",
    errors: { 401: LINK_401, 404: "No receipt of that number issued to the link's address" },
    summary: "One of the link's person's tax receipts as a PDF (GET /v1/public/donor/receipts/{id}.pdf); anyone else's is a 404.",
    auth: "public",
    params: DonorReceiptFileParam,
    response: { status: 200, contentType: "application/pdf" },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/public/donor/portal-sessions",
    group: "donor",
    operationId: "donorPortalSession",
    errors: { 401: LINK_401, 404: "Not a monthly gift of the link's address", 502: "Stripe did not answer" },
    summary: "A Stripe customer portal session for one of the person's monthly gifts (change the card, or stop it), coming back to the space: { url }.",
    auth: "public",
    body: DonorPortalInput,
    response: { status: 201, schema: DonorPortalSchema },
  }),
] as const satisfies readonly RouteDef[];
