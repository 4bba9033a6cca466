/** The annual report: figures, statements, social metrics, the PDF. */
import * as z from "zod";
import { defineRoute, type RouteDef } from "../route.js";
import { YearParam } from "@asso/core/ledger";
import { ImportAnswer, ImportParams, ImportQuery, SocialMetricsInput, SocialMonthSchema, SocialParams, SocialYearQuery } from "@asso/core/social";
import { READERS } from "./common.js";

/** Who may write social statistics: the trésorier and the délégation générale (not the auditor). */
export const SOCIAL_WRITERS = ["tresorier", "delegation"] as const;

const Share = z.number().describe("a fraction: 0.078 is 7.8 %");
const Money = z.number().int();
const Line = z.object({
  rubrique: z.string(),
  label: z.string(),
  side: z.string(),
  section: z.string(),
  amount: Money,
  accounts: z.array(z.object({ account: z.string(), label: z.string(), amount: Money })),
});
const Totals = z.object({ produits: Money, charges: Money, result: Money });
const MetricsValue = z.number().int().nullable();
const YearFiguresSchema = z.object({
  year: z.number().int(),
  income: z.object({
    total: Money,
    denominator: z.object({ label: z.string(), amount: Money }),
    bySource: z.array(
      z.object({
        source: z.string(),
        label: z.string(),
        funder: z.string().optional(),
        funderId: z.string().optional(),
        accounts: z.array(z.string()),
        amount: Money,
        share: Share,
      }),
    ),
    donorShare: Share,
  }),
  expenses: z.object({
    total: Money,
    denominator: z.object({ label: z.string(), amount: Money }),
    byCategory: z.array(z.object({ category: z.string(), label: z.string(), accounts: z.array(z.string()), amount: Money, share: Share })),
  }),
  result: Money,
  grants: z.array(
    z.object({
      funderId: z.string(),
      funder: z.string(),
      kind: z.string(),
      awarded: Money.nullable(),
      recognised: Money,
      received: Money.nullable(),
      spent: Money.nullable(),
      dedicatedFunds: Money.nullable(),
    }),
  ),
  grantsSource: z.enum(["grants", "sub-accounts"]),
  dedicatedFunds: z.object({ opening: Money, added: Money, used: Money, closing: Money }),
  members: z.number().int(),
  donations: z.object({
    count: z.number().int(),
    total: Money,
    average: Money,
    donors: z.number().int(),
    monthlyDonors: z.number().int(),
    booked: Money.describe("what 7541 carries"),
    unregistered: Money.describe("booked − total: gifts booked without the online registry (cheques, transfers, summing entries)"),
  }),
  social: z.array(
    z.object({
      platform: z.string(),
      followers: MetricsValue,
      newFollowers: MetricsValue,
      impressions: MetricsValue,
      reactions: MetricsValue,
      pageVisits: MetricsValue,
      videosPublished: MetricsValue,
      views: MetricsValue,
      months: z.array(z.record(z.string(), z.union([z.string(), MetricsValue]))),
    }),
  ),
  statements: z.object({
    compteDeResultat: z.object({
      lines: z.array(Line),
      sections: z.object({ exploitation: Totals, financier: Totals, exceptionnel: Totals }),
      impot: Money,
      totals: z.object({ produits: Money, charges: Money }),
      result: Money,
      cvn: z.object({ ressources: Money, emplois: Money, lines: z.array(Line) }),
    }),
    bilan: z.object({
      lines: z.array(Line),
      totals: z.object({ actif: Money, passif: Money, bySection: z.record(z.string(), Money) }),
      result: Money,
      difference: Money,
    }),
    unmapped: z.array(z.string()),
  }),
  commentary: z.array(z.string()),
});
const ExerciseSchema = z.object({
  year: z.number().int(),
  start: z.string().describe("the exercise's first day: the creation date in the first exercise"),
  end: z.string(),
  first: z.boolean().describe("the association was created during this fiscal year"),
  fiscalStart: z.string(),
});
const ThresholdSchema = z.object({
  id: z.enum(["public-grants", "gifts", "public-aid", "commercial-income"]),
  label: z.string(),
  counted: z.string(),
  source: z.string().describe("where the figure comes from, in French (the grants register, the receipts issued, the balances)"),
  amount: Money,
  threshold: Money,
  reached: Share,
  exceeded: z.boolean(),
  consequence: z.string(),
  message: z.string(),
  authorities: z
    .array(z.object({ funderId: z.string(), name: z.string(), amount: Money, exceeded: z.boolean() }))
    .optional()
    .describe("public-aid: each public funder of the year (the 23 000 € threshold is per authority, décret 2001-495), largest first"),
  unattributed: Money.optional().describe("the 74 accounts' credit no funder explains"),
});
export const ThresholdsSchema = z
  .object({
    year: z.number().int(),
    items: z.array(ThresholdSchema),
    publication: z.object({ required: z.boolean(), deadline: z.string(), text: z.string() }),
  })
  .meta({ id: "ReportThresholds" });
const BudgetFiguresSchema = z.object({
  budget: Money,
  actual: Money,
  gap: Money.describe("actual − budget"),
  gapShare: Share.nullable().describe("gap ÷ budget; null when nothing was budgeted"),
});
const ResultFiguresSchema = z.object({ budget: Money, actual: Money, gap: Money });
const ReportBudgetSchema = z
  .object({
    year: z.number().int(),
    rubriques: z.array(
      BudgetFiguresSchema.extend({
        rubrique: z.string().describe("the CERFA 12156 row: 60 … 68, 70 … 78, 86, 87"),
        label: z.string(),
        side: z.enum(["charges", "produits", "emplois", "ressources"]),
        large: z.boolean().describe("a gap of at least largeGap.share of the budget (or nothing budgeted) and at least largeGap.amount"),
      }),
    ),
    totals: z.object({
      charges: BudgetFiguresSchema,
      produits: BudgetFiguresSchema,
      result: ResultFiguresSchema,
      emplois: BudgetFiguresSchema,
      ressources: BudgetFiguresSchema,
    }),
    projects: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        charges: BudgetFiguresSchema,
        produits: BudgetFiguresSchema,
        result: ResultFiguresSchema,
        large: z.object({ charges: z.boolean(), produits: z.boolean() }).describe("the charges' or produits' gap is large (largeGap)"),
      }),
    ),
    unassigned: z
      .object({
        charges: BudgetFiguresSchema,
        produits: BudgetFiguresSchema,
        result: ResultFiguresSchema,
        large: z.object({ charges: z.boolean(), produits: z.boolean() }),
      })
      .nullable()
      .describe(
        "« Sans projet »: the budget lines without a project against what no project carries; the projects and it add up to the year (null without project budgets)",
      ),
    largeGap: z.object({ share: Share, amount: Money }),
  })
  .meta({ id: "ReportBudget" });
export const FiguresSchema = YearFiguresSchema.extend({
  budget: ReportBudgetSchema.nullable().describe("the year's budget against the books (GET /v1/budgets/{year}/comparison), null when no budget was saved"),
  previous: YearFiguresSchema,
  exercise: ExerciseSchema,
  previousExercise: z.object({ year: z.number().int(), status: z.enum(["none", "open", "closing", "closed"]) }),
  thresholds: ThresholdsSchema,
  palette: z.array(z.string()).describe("the charts' colours: the settings' main colour first (the PDF uses the same)"),
}).meta({ id: "ReportFigures" });
const Row5 = { opening: Money, reports: Money, uses: Money, transfers: Money, closing: Money };
const Engagement = { awarded: Money, received: Money, toReceive: Money, laterYears: Money };
const CvnLineSchema = z.object({ account: z.string(), label: z.string(), amount: Money });
export const AnnexeSchema = z
  .object({
    year: z.number().int(),
    exercise: ExerciseSchema,
    rules: z.array(z.string()),
    dedicatedFunds: z.object({
      rows: z.array(z.object({ grantId: z.string(), label: z.string(), ...Row5, resources: Money.describe("the grant's income recognised in the year") })),
      totals: z.object({ ...Row5, resources: Money }),
    }),
    engagements: z.object({
      received: z.array(z.object({ grantId: z.string(), label: z.string(), agreementDate: z.string(), ...Engagement })),
      totals: z.object(Engagement),
      given: z.string().describe("one sentence: the engagements given and their total, or « Aucun engagement donné »"),
      givenItems: z
        .array(z.object({ label: z.string(), amount: Money.nullable(), beneficiary: z.string().nullable(), until: z.string().nullable() }))
        .describe("the settings' engagements given (section annexe)"),
      givenTotal: Money,
    }),
    contributionsInKind: z.object({
      ressources: z.array(CvnLineSchema),
      emplois: z.array(CvnLineSchema),
      totals: z.object({ ressources: Money, emplois: Money }),
      method: z.array(z.string()),
    }),
    headcount: z.object({ volunteers: z.number().int(), text: z.string() }),
    foreignResources: z.object({
      required: z.boolean(),
      gifts: Money,
      threshold: Money,
      rows: z.array(z.object({ country: z.string(), amount: Money, count: z.number().int() })),
      text: z.string(),
    }),
  })
  .meta({ id: "ReportAnnexe" });

export const reportRoutes = [
  defineRoute({
    method: "GET",
    path: "/v1/reports/{year}/figures",
    group: "reports",
    operationId: "reportFigures",
    summary: "The annual report's figures (income by source, charges by ANC rubrique, result, grants, people, social), the statements, and year − 1.",
    auth: READERS,
    params: YearParam,
    response: { status: 200, schema: FiguresSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/reports/{year}/figures.csv",
    group: "reports",
    operationId: "reportFiguresCsv",
    summary: "The figures as a semicolon CSV (UTF-8 with BOM, decimal commas) for slides: year and year − 1 side by side.",
    auth: READERS,
    params: YearParam,
    response: { status: 200, contentType: "text/csv; charset=utf-8" },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/reports/{year}/annual-report.pdf",
    group: "reports",
    operationId: "annualReportPdf",
    summary: "The Rapport financier as a PDF with charts (same bytes for the same data).",
    auth: READERS,
    params: YearParam,
    response: { status: 200, contentType: "application/pdf" },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/reports/{year}/annexe",
    group: "reports",
    operationId: "reportAnnexe",
    summary:
      "The annexe of the accounts (ANC 2018-06): règles et méthodes, fonds dédiés (opening, reports, uses, transfers, closing: the grants' table), engagements, contributions in kind and their method, headcount, resources from abroad above 153 000 € of gifts.",
    auth: READERS,
    params: YearParam,
    response: { status: 200, schema: AnnexeSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/reports/{year}/thresholds",
    group: "reports",
    operationId: "reportThresholds",
    summary:
      "The legal thresholds: 153 000 € of public grants (summed over the public funders) or of gifts with a tax receipt issued (commissaire aux comptes, publication on the Journal officiel's site), 23 000 € of public aid per public authority (each one listed), 80 011 € of commercial income; each says where its figure comes from.",
    auth: READERS,
    params: YearParam,
    response: { status: 200, schema: ThresholdsSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/reports/{year}/journal-officiel.pdf",
    group: "reports",
    operationId: "journalOfficielPdf",
    summary:
      "The accounts (bilan, compte de résultat) and the annexe as published on the Journal officiel's site: no person's data (same bytes for the same data).",
    auth: READERS,
    params: YearParam,
    response: { status: 200, contentType: "application/pdf" },
  }),
  defineRoute({
    method: "PUT",
    path: "/v1/social-metrics/{platform}/{month}",
    group: "reports",
    operationId: "putSocialMetrics",
    summary: "Sets a platform's metrics for a month (YYYY-MM): the fields given are set, null clears one, the others are kept.",
    auth: SOCIAL_WRITERS,
    params: SocialParams,
    body: SocialMetricsInput,
    response: { status: 200, schema: SocialMonthSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/social-metrics",
    group: "reports",
    operationId: "listSocialMetrics",
    summary: "Every platform's monthly metrics of a year.",
    auth: READERS,
    query: SocialYearQuery,
    response: { status: 200, schema: z.object({ year: z.number().int(), items: z.array(SocialMonthSchema) }) },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/social-metrics/{platform}/import",
    group: "reports",
    operationId: "importSocialMetrics",
    errors: { 415: "Not a file of that platform", 422: "The file reads but cannot be taken" },
    rawTypes: [
      "text/csv",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.ms-excel",
      "application/zip",
      "application/octet-stream",
    ],
    summary:
      "Imports a platform's own export, sent as the raw body: LinkedIn page analytics (content, followers or visitors file; XLS, XLSX or CSV; the followers file needs ?followers=<total>&followersAt=<date>) or YouTube Studio (the zip, or its Table data.csv / Chart data.csv / Totals.csv). All months or nothing.",
    auth: SOCIAL_WRITERS,
    params: ImportParams,
    query: ImportQuery,
    rawBody: true,
    maxBodyBytes: 10 * 1024 * 1024,
    idempotent: true,
    response: { status: 201, schema: ImportAnswer },
  }),
] as const satisfies readonly RouteDef[];
