/**
 * Volunteers and gifts in kind (contributions volontaires en nature, 86x / 87x): hours per month
 * valued at the hourly rate, gifts in kind by nature, their lists per fiscal year and their
 * correction by reversal. Served by the grants Lambda: like grants and expenses, each booking is an
 * entry written with the domain's own record, and the resources it values sit beside the grants in
 * the compte de résultat; that Lambda already writes such entries, so no new function or grant.
 */
import {
  ContributionIdParam,
  ContributionYearQuery,
  CorrectionInput,
  GiftInKindInput,
  GiftInKindListSchema,
  GiftInKindSchema,
  VolunteerTimeInput,
  VolunteerTimeListSchema,
  VolunteerTimeSchema,
} from "@asso/core/volunteers";
import { defineRoute, type RouteDef } from "../route.js";
import { READERS, TRESORIER } from "./common.js";

export const volunteerRoutes = [
  defineRoute({
    method: "POST",
    path: "/v1/volunteer-time",
    group: "grants",
    operationId: "recordVolunteerTime",
    errors: { 409: "The year is closed, or the request was already recorded" },
    summary:
      "A month's volunteer hours (per project if given), valued at the rate given or the settings' hourly rate, booked OD 864 Personnel bénévole / 875 Bénévolat (or 870, the 1999 chart's « Bénévolat », per the settings' volunteers.timeSourceAccount) on the month's last day; the record states the valuation method.",
    auth: TRESORIER,
    body: VolunteerTimeInput,
    idempotent: true,
    response: { status: 201, schema: VolunteerTimeSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/volunteer-time",
    group: "grants",
    operationId: "listVolunteerTime",
    summary: "The fiscal year's volunteer hours, with the booked totals (hours, value) and the valuation in force (rate, method).",
    auth: READERS,
    query: ContributionYearQuery,
    response: { status: 200, schema: VolunteerTimeListSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/volunteer-time/{id}/reversal",
    group: "grants",
    operationId: "reverseVolunteerTime",
    errors: { 404: "No such record", 409: "Already reversed" },
    summary:
      "Corrects a month's hours: the reversing entry, dated as the hours while their fiscal year is open (else today, in the first open year, its label naming the closed year), and the record marked reversed with the reason, in one transaction.",
    auth: TRESORIER,
    params: ContributionIdParam,
    body: CorrectionInput,
    idempotent: true,
    response: { status: 201, schema: VolunteerTimeSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/gifts-in-kind",
    group: "grants",
    operationId: "recordGiftInKind",
    errors: { 409: "The year is closed, or the request was already recorded" },
    summary:
      "A gift in kind by nature, booked OD on its nature's accounts: biens 860 / 870 (860 / 875 when the settings' volunteers.timeSourceAccount is 870), mise-a-disposition 861 / 871, prestations 862 / 871 (ANC 2018-06, 86x / 87x).",
    auth: TRESORIER,
    body: GiftInKindInput,
    idempotent: true,
    response: { status: 201, schema: GiftInKindSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/gifts-in-kind",
    group: "grants",
    operationId: "listGiftsInKind",
    summary: "The fiscal year's gifts in kind, with the booked totals per nature.",
    auth: READERS,
    query: ContributionYearQuery,
    response: { status: 200, schema: GiftInKindListSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/gifts-in-kind/{id}/reversal",
    group: "grants",
    operationId: "reverseGiftInKind",
    errors: { 404: "No such record", 409: "Already reversed" },
    summary:
      "Corrects a gift in kind: the reversing entry, dated as the gift while its fiscal year is open (else today, in the first open year, its label naming the closed year), and the record marked reversed with the reason, in one transaction.",
    auth: TRESORIER,
    params: ContributionIdParam,
    body: CorrectionInput,
    idempotent: true,
    response: { status: 201, schema: GiftInKindSchema },
  }),
] as const satisfies readonly RouteDef[];
