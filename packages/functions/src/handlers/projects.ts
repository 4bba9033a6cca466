/** Lambda: projects, budgets and their comparison, the grants' comptes-rendus financiers. Each operation calls one use case. */
import { dbFromEnv } from "@asso/core/db";
import { budgetVersionOf, correctProject, createProject, compteRenduCsv, listProjects, reportVersionOf } from "@asso/core/projects";
import { budgetComparison, projectFigures, projectStatement, putYearBudget, yearBudget } from "@asso/core/workflows/budgets";
import { grantFinancialReport, grantReportsDue, grantReportTexts, putGrantReportTexts } from "@asso/core/workflows/grant-report";
// The PDF renderer loads on first use.
import { readBudgetFile, renderGrantReport } from "@asso/core/projects/lazy";
import { actorOf } from "../audit.js";
import { defineGroup } from "../http.js";

const fileName = (id: string, ext: string) => `compte-rendu-financier-${id.slice(0, 8)}.${ext}`;
/** The texts' version travels back as the ETag too, for the next If-Match. */
const versioned = <T extends { version: number }>(out: T) => ({ body: out, headers: { etag: `"${out.version}"` } });

export const handler = defineGroup("projects", {
  createProject: async (req) => createProject(dbFromEnv(), req.body, actorOf(req)),
  listProjects: async () => ({ items: await listProjects(dbFromEnv()) }),
  correctProject: async (req) => correctProject(dbFromEnv(), req.params.code, req.body, actorOf(req)),
  projectFigures: async (req) => projectFigures(dbFromEnv(), req.query.year),
  projectStatement: async (req) => projectStatement(dbFromEnv(), req.query.year, req.params.code),
  getBudget: async (req) => versioned(await yearBudget(dbFromEnv(), req.params.year)),
  putBudget: async (req) => versioned(await putYearBudget(dbFromEnv(), req.params.year, req.body, actorOf(req), budgetVersionOf(req.headers["if-match"]))),
  importBudget: async (req) => ({ year: req.params.year, ...(await readBudgetFile(req.rawBody)) }),
  budgetComparison: async (req) => budgetComparison(dbFromEnv(), req.params.year, req.query.project),
  grantFinancialReport: async (req) => grantFinancialReport(dbFromEnv(), req.params.id, { project: req.query.project }),
  grantFinancialReportPdf: async (req) => ({
    body: Buffer.from(await renderGrantReport(await grantFinancialReport(dbFromEnv(), req.params.id, { project: req.query.project }))),
    headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="${fileName(req.params.id, "pdf")}"` },
  }),
  grantFinancialReportCsv: async (req) => ({
    body: compteRenduCsv(await grantFinancialReport(dbFromEnv(), req.params.id, { project: req.query.project })),
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${fileName(req.params.id, "csv")}"` },
  }),
  grantReportTexts: async (req) => versioned(await grantReportTexts(dbFromEnv(), req.params.id)),
  putGrantReportTexts: async (req) =>
    versioned(
      await putGrantReportTexts(dbFromEnv(), req.params.id, req.body, reportVersionOf(req.headers["if-match"]), {
        project: req.query.project,
        actor: actorOf(req),
      }),
    ),
  grantReportsDue: async () => grantReportsDue(dbFromEnv()),
});
