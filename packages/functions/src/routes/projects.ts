/** Projects (the analytic axis), budgets and their comparison with the books, and the grants' comptes-rendus financiers. */
import * as z from "zod";
import { IdParam } from "@asso/core/grants";
import { YearParam } from "@asso/core/ledger";
import {
  BudgetInput,
  BudgetSchema,
  BudgetYearParam,
  ComparisonQuery,
  ComparisonSchema,
  ProjectCode,
  ProjectInput,
  ProjectUpdateInput,
  ProjectListSchema,
  ProjectSchema,
  ReportTextsInput,
  ReportTextsSchema,
} from "@asso/core/projects";
import { defineRoute, type RouteDef } from "../route.js";
import { READERS, TRESORIER } from "./common.js";

const Money = z.number().int();
const YearQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2200) });
const ProjectParam = z.strictObject({ code: ProjectCode });
const ReportQuery = z.strictObject({ project: ProjectCode.optional().describe("the action's project, when the grant does not name it") });

const SideTotals = z.object({ charges: Money, produits: Money, result: Money, emplois: Money, ressources: Money });
const ProjectFiguresSchema = z
  .object({
    year: z.number().int(),
    items: z.array(z.object({ code: z.string(), name: z.string(), actual: SideTotals, budget: SideTotals })),
    unassigned: z.object({ actual: SideTotals, budget: SideTotals }).describe("what no project carries"),
    total: SideTotals.describe("the whole books: the projects and the rest add up to it"),
  })
  .meta({ id: "ProjectFigures" });
const StatementLine = z.object({
  rubrique: z.string(),
  label: z.string(),
  side: z.string(),
  section: z.string(),
  amount: Money,
  accounts: z.array(z.object({ account: z.string(), label: z.string(), amount: Money })),
});
const SectionTotals = z.object({ produits: Money, charges: Money, result: Money });
const ProjectStatementSchema = z
  .object({
    year: z.number().int(),
    project: z.object({ code: z.string(), name: z.string() }),
    compteDeResultat: z.object({
      lines: z.array(StatementLine),
      sections: z.object({ exploitation: SectionTotals, financier: SectionTotals, exceptionnel: SectionTotals }),
      impot: Money,
      totals: z.object({ produits: Money, charges: Money }),
      result: Money,
      cvn: z.object({ ressources: Money, emplois: Money, lines: z.array(StatementLine) }),
    }),
    unmapped: z.array(z.string()),
  })
  .meta({ id: "ProjectStatement" });
const Status = z
  .enum(["en-cours", "a-remettre", "en-retard"])
  .describe("en-cours: the action runs; a-remettre: ended, within the deadline; en-retard: past it");
const CompteRenduSchema = z
  .object({
    association: z.string(),
    grant: z.object({
      id: z.string(),
      title: z.string(),
      funderName: z.string(),
      amount: Money,
      agreementDate: z.string(),
      agreementRef: z.string().nullable(),
      startDate: z.string(),
      endDate: z.string(),
      restricted: z.boolean(),
      recognised: Money,
      spent: Money,
      incomeAccount: z.string(),
      reportingDeadlines: z.array(z.object({ kind: z.enum(["interim", "final"]), dueDate: z.string() })),
    }),
    project: z.object({ code: z.string(), name: z.string() }).nullable(),
    period: z.object({ from: z.string(), to: z.string(), years: z.array(z.number().int()) }),
    dueDate: z.string().describe("six months after the end, or the final reporting deadline"),
    status: Status,
    daysLeft: z.number().int(),
    comparison: ComparisonSchema.omit({ unassigned: true }).describe("the action's budget and actual per row"),
    grantShare: z.object({ amount: Money, ofBudget: z.number().nullable(), ofActual: z.number().nullable() }),
    expenses: z.object({
      items: z.array(
        z.object({
          id: z.string(),
          date: z.string(),
          supplier: z.string(),
          account: z.string(),
          label: z.string(),
          pieceRef: z.string(),
          total: Money,
          amount: Money,
        }),
      ),
      total: Money,
    }),
    tie: z.object({ listed: Money, spent: Money, difference: Money }).describe("the expenses listed against the grant's own total spent: 0 when they tie"),
    gapsToExplain: z.array(
      z.object({
        rubrique: z.string(),
        label: z.string(),
        budget: Money,
        actual: Money,
        gap: Money,
        gapShare: z.number().nullable(),
        explanation: z.string().nullable().describe("as saved with PUT …/explanations; null: « Écart non expliqué »"),
      }),
    ),
    explanations: z
      .object({
        gaps: z.array(z.object({ rubrique: z.string(), label: z.string(), text: z.string() })),
        summary: z.string().nullable(),
        actions: z.string().nullable(),
        signer: z.object({ name: z.string(), quality: z.string().nullable() }).nullable(),
        sentOn: z.string().nullable().describe("remis le: the day the report was sent to the funder"),
        version: z.number().int(),
        updatedAt: z.string().nullable(),
      })
      .describe("the texts typed for the form, printed as given"),
    sentOn: z.string().nullable().describe("the day the report was sent to the funder (« remis le »); null: not sent"),
    coverage: z.string().describe("which figures the actual column holds, in French: « Réalisé : exercices 2024 et 2025 du projet … »"),
    budgetByRubrique: z.boolean().describe("the action has budget lines on its charges; without, no gap is asked to explain"),
    budgetNote: z.string().nullable().describe("said once when the action has no budget by rubrique"),
    unexplained: z.number().int().describe("gaps to explain without an explanation"),
    missing: z.array(z.string()).describe("why the report cannot be sent yet, in French (gaps to explain, the bilan not written)"),
    ready: z.boolean().describe("every gap to explain has its explanation and the bilan is written"),
  })
  .meta({ id: "CompteRenduFinancier" });
const ReportsDueSchema = z
  .object({
    today: z.string(),
    items: z.array(
      z.object({
        grantId: z.string(),
        title: z.string(),
        funderName: z.string(),
        amount: Money,
        endDate: z.string(),
        dueDate: z.string(),
        status: Status,
        sentOn: z.string().nullable().describe("the day the report was sent to the funder; null: not sent"),
        statusLabel: z.string().describe("« Remis le 12/03/2025 » once sent, else the status in French"),
        daysLeft: z.number().int(),
        pdf: z.string(),
        csv: z.string(),
      }),
    ),
  })
  .meta({ id: "GrantReportsDue" });

const ImportedBudgetSchema = z
  .object({
    year: z.number().int(),
    lines: z.array(z.object({ account: z.string(), project: z.string().optional(), amount: Money })),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).describe("rows that could not be read: `ligne 4` and why"),
    skipped: z.number().int().describe("empty rows, titles and sub-totals left out"),
  })
  .meta({ id: "ImportedBudget" });

export const projectRoutes = [
  defineRoute({
    method: "POST",
    path: "/v1/projects",
    group: "projects",
    operationId: "createProject",
    summary: "A new project (analytic axis): entry lines, expenses, gifts and grants then carry its code.",
    auth: TRESORIER,
    body: ProjectInput,
    idempotent: true,
    errors: { 409: "Another project has this code" },
    response: { status: 201, schema: ProjectSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/projects",
    group: "projects",
    operationId: "listProjects",
    summary: "The projects, in code order.",
    auth: READERS,
    response: { status: 200, schema: ProjectListSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/projects/{code}/correction",
    group: "projects",
    operationId: "correctProject",
    summary:
      "Corrects a project's name or description (a reason may be given), kept in its history; the code stays, as the lines, budgets and grants carry it.",
    auth: TRESORIER,
    params: ProjectParam,
    body: ProjectUpdateInput,
    idempotent: true,
    errors: { 404: "No such project", 409: "Someone else corrected the project at the same time" },
    response: { status: 200, schema: ProjectSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/projects/figures",
    group: "projects",
    operationId: "projectFigures",
    summary: "Each project's charges, produits and result of a year with its budget, what no project carries, and the whole books.",
    auth: READERS,
    query: YearQuery,
    response: { status: 200, schema: ProjectFiguresSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/projects/{code}/statement",
    group: "projects",
    operationId: "projectStatement",
    summary: "The compte de résultat of one project's lines in a year (ANC 2018-06 rubriques).",
    auth: READERS,
    params: ProjectParam,
    query: YearQuery,
    errors: { 404: "No such project" },
    response: { status: 200, schema: ProjectStatementSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/budgets/{year}",
    group: "projects",
    operationId: "getBudget",
    summary: "The year's budget: every line (account, project, amount), version 0 when none was saved.",
    auth: READERS,
    params: BudgetYearParam,
    response: { status: 200, schema: BudgetSchema },
  }),
  defineRoute({
    method: "PUT",
    path: "/v1/budgets/{year}",
    group: "projects",
    operationId: "putBudget",
    summary:
      "Replaces the year's budget: accounts of classes 6, 7, 86 and 87, each with or without a project; lines of 0 are dropped. With `If-Match: <version>` (the ETag of GET), saved only over that version (412 otherwise); each save is kept in the budget's history.",
    auth: TRESORIER,
    params: BudgetYearParam,
    body: BudgetInput,
    errors: { 409: "Someone else saved the budget at the same time", 412: "The budget was saved since the version given in If-Match (reload it)" },
    response: { status: 200, schema: BudgetSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/budgets/{year}/import",
    group: "projects",
    operationId: "importBudget",
    summary:
      "Reads a budget from a spreadsheet sent as the raw body (CSV or XLSX; columns « compte », « montant » in euros, « projet » if wanted). Writes nothing: the lines go back to be checked and saved with PUT.",
    auth: TRESORIER,
    params: BudgetYearParam,
    rawBody: true,
    rawTypes: ["text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream"],
    maxBodyBytes: 5 * 1024 * 1024,
    idempotent: true,
    errors: { 413: "The file is over 5 MiB, 5 000 rows or 20 MB once inflated" },
    response: { status: 200, schema: ImportedBudgetSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/budgets/{year}/comparison",
    group: "projects",
    operationId: "budgetComparison",
    summary: "Budget, actual and gap per account and per CERFA 12156 row (60 … 68, 70 … 78, 86, 87): the whole books, or one project's.",
    auth: READERS,
    params: YearParam,
    query: ComparisonQuery,
    errors: { 404: "No such project" },
    response: { status: 200, schema: ComparisonSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/grants/{id}/financial-report",
    group: "projects",
    operationId: "grantFinancialReport",
    summary:
      "The grant's compte-rendu financier (CERFA 15059) as data: the action's budget and actual per row, gaps, the grant's share, its expenses, the due date.",
    auth: READERS,
    params: IdParam,
    query: ReportQuery,
    errors: { 404: "No such grant or project" },
    response: { status: 200, schema: CompteRenduSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/grants/{id}/financial-report.pdf",
    group: "projects",
    operationId: "grantFinancialReportPdf",
    summary: "The grant's compte-rendu financier as a PDF in the CERFA 15059 layout, with the attestation to sign.",
    auth: READERS,
    params: IdParam,
    query: ReportQuery,
    errors: { 404: "No such grant or project" },
    response: { status: 200, contentType: "application/pdf" },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/grants/{id}/financial-report.csv",
    group: "projects",
    operationId: "grantFinancialReportCsv",
    summary: "The grant's compte-rendu financier as a semicolon CSV (UTF-8 with BOM, decimal commas).",
    auth: READERS,
    params: IdParam,
    query: ReportQuery,
    errors: { 404: "No such grant or project" },
    response: { status: 200, contentType: "text/csv; charset=utf-8" },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/grants/{id}/financial-report/explanations",
    group: "projects",
    operationId: "grantReportTexts",
    summary: "The texts typed for the grant's compte-rendu financier (each gap's explanation, the bilan, who signs) with their version (0 when none).",
    auth: READERS,
    params: IdParam,
    errors: { 404: "No such grant" },
    response: { status: 200, schema: ReportTextsSchema },
  }),
  defineRoute({
    method: "PUT",
    path: "/v1/grants/{id}/financial-report/explanations",
    group: "projects",
    operationId: "putGrantReportTexts",
    summary:
      "Replaces the texts of the grant's compte-rendu financier with `If-Match: <version>` (412 when they changed in the meantime): each gap's explanation by row of the report (400 naming `gaps.<i>.rubrique` for another), the bilan of the action, its results, who signs, the day it was sent to the funder (`sentOn`, not after today; null: not sent); 2 000 characters each at most, printed as given.",
    auth: TRESORIER,
    params: IdParam,
    query: ReportQuery,
    body: ReportTextsInput,
    errors: { 404: "No such grant or project", 412: "The texts changed since the version given in If-Match (reload them)" },
    response: { status: 200, schema: ReportTextsSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/grant-reports",
    group: "projects",
    operationId: "grantReportsDue",
    summary: "When each grant's compte-rendu financier is due (six months after its end, or its final reporting deadline), soonest first.",
    auth: READERS,
    response: { status: 200, schema: ReportsDueSchema },
  }),
] as const satisfies readonly RouteDef[];
