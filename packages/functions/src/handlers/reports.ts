/** Lambda: the annual report, its figures and social metrics. */
import { dbFromEnv } from "@asso/core/db";
import { associationOf } from "@asso/core/settings";
import { figuresCsv, loadReportFigures } from "@asso/core/reports";
import { readSocialYear, saveSocialMonth } from "@asso/core/social";
import { todoList } from "@asso/core/workflows/todo";
// The PDF renderer and the spreadsheet/zip readers load on first use.
import { renderAnnualReport } from "@asso/core/reports/lazy";
import { importSocialFile } from "@asso/core/social/lazy";
import { actorOf } from "../audit.js";
import { defineGroup } from "../http.js";

const figures = (year: number) => loadReportFigures(dbFromEnv(), year);

export const handler = defineGroup("reports", {
  reportFigures: async (req) => figures(req.params.year),
  reportFiguresCsv: async (req) => ({
    body: figuresCsv(await figures(req.params.year)),
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="chiffres-${req.params.year}.csv"` },
  }),
  annualReportPdf: async (req) => {
    const pdf = await renderAnnualReport(await figures(req.params.year), { association: (await associationOf(dbFromEnv())).name });
    return {
      body: Buffer.from(pdf),
      headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="rapport-financier-${req.params.year}.pdf"` },
    };
  },
  putSocialMetrics: async (req) =>
    saveSocialMonth(dbFromEnv(), req.params.platform, req.params.month, req.body, { source: "manual", at: new Date().toISOString(), by: actorOf(req) }),
  listSocialMetrics: async (req) => ({ year: req.query.year, items: await readSocialYear(dbFromEnv(), req.query.year) }),
  todoList: async (req) => todoList(dbFromEnv(), req.query.year !== undefined ? { year: req.query.year } : {}),
  importSocialMetrics: async (req) => {
    return importSocialFile(dbFromEnv(), req.params.platform, req.rawBody, req.query, new Date().toISOString(), actorOf(req));
  },
});
