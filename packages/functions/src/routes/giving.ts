/** The giving routes: public checkout, the Stripe webhook, donors, members, receipts, incidents. */
import * as z from "zod";
import { defineRoute, type RouteDef } from "../route.js";
import { Year } from "@asso/core/ledger/schemas";
import {
  CheckoutSchema,
  DonationCheckoutInput,
  MembershipCheckoutInput,
  PublicGivingSettingsSchema,
  TiersSchema,
  WebhookAnswer,
} from "@asso/core/giving/schemas";
import { DonorListQuery, DonorListSchema, MemberListQuery, MemberListSchema } from "@asso/core/giving/people-schemas";
import { AnnualReceiptsInput, AnnualReceiptsSchema, ReceiptFileParam, ReceiptListQuery, ReceiptListSchema } from "@asso/core/receipts/schemas";
import { READERS, TRESORIER } from "./common.js";

export const givingRoutes = [
  defineRoute({
    method: "GET",
    path: "/v1/public/membership-tiers",
    group: "public",
    operationId: "membershipTiers",
    summary: "The membership tiers and their yearly amounts.",
    auth: "public",
    response: { status: 200, schema: TiersSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/public/giving-settings",
    group: "public",
    operationId: "givingSettings",
    summary: "What the giving page shows: the tax-reduction rate, whether receipts are issued, whether a CAPTCHA is asked.",
    auth: "public",
    response: { status: 200, schema: PublicGivingSettingsSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/public/donations/checkout",
    group: "public",
    operationId: "donationCheckout",
    summary:
      "Starts a Stripe Checkout for a donation (once, or monthly as a subscription). Rate-limited per address (429 with Retry-After); return URLs only on the public base URL.",
    auth: "public",
    body: DonationCheckoutInput,
    idempotent: true,
    response: { status: 201, schema: CheckoutSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/public/memberships/checkout",
    group: "public",
    operationId: "membershipCheckout",
    summary: "Starts a Stripe Checkout for a membership fee (valid for the calendar year). Rate-limited like donations.",
    auth: "public",
    body: MembershipCheckoutInput,
    idempotent: true,
    response: { status: 201, schema: CheckoutSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/webhooks/stripe",
    group: "webhooks",
    operationId: "stripeWebhook",
    summary: "Stripe events, signature checked on the raw body; each booked once whatever the deliveries.",
    auth: "public",
    rawBody: true,
    response: { status: 200, schema: WebhookAnswer },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/donors",
    group: "people",
    operationId: "listDonors",
    summary: "Donors of a year in email order, paged (limit ≤ 500, cursor): total kept, gift count, monthly or not (no addresses for the délégation).",
    auth: READERS,
    query: DonorListQuery,
    response: { status: 200, schema: DonorListSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/members",
    group: "people",
    operationId: "listMembers",
    summary: "Members in email order, paged (limit ≤ 500, cursor), and their status (active until the end of the calendar year paid for).",
    auth: READERS,
    query: MemberListQuery,
    response: { status: 200, schema: MemberListSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/receipts",
    group: "people",
    operationId: "listReceipts",
    summary:
      "The year's tax receipts in number order, paged (limit ≤ 500, cursor), each with the SHA-256 of its PDF; and the year's count and total for the art. 222 bis declaration.",
    auth: READERS,
    query: ReceiptListQuery,
    response: { status: 200, schema: ReceiptListSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/receipts/annual",
    group: "people",
    operationId: "annualReceipts",
    summary: "Issues one recap receipt per monthly subscription for a year that has ended (409 before); subscriptions that have one are skipped.",
    auth: TRESORIER,
    body: AnnualReceiptsInput,
    idempotent: true,
    response: { status: 201, schema: AnnualReceiptsSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/payment-incidents",
    group: "people",
    operationId: "listIncidents",
    summary: "Failed monthly payments, failed SEPA debits, disputes and failed payouts of a year.",
    auth: READERS,
    query: z.strictObject({ year: Year }),
    response: { status: 200, schema: z.object({ year: z.number().int(), items: z.array(z.record(z.string(), z.unknown())) }) },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/receipts/{file}",
    group: "documents",
    operationId: "receiptPdf",
    summary:
      "A tax receipt as a PDF: GET /v1/receipts/{id}.pdf (CERFA 11580), the bytes frozen when it was issued. Not for the délégation: it holds the address.",
    auth: ["tresorier", "auditor"],
    params: ReceiptFileParam,
    response: { status: 200, contentType: "application/pdf" },
  }),
] as const satisfies readonly RouteDef[];
