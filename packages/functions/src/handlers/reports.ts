/** Lambda: the annual report, its figures and social metrics. */
import { dbFromEnv } from "@asso/core/db/client";
import { loadConfig } from "@asso/core/config";
import { withStoredAnswer } from "@asso/core/idempotency";
import { sha256Hex } from "@asso/core/hash";
import { figuresCsv } from "@asso/core/reports/csv";
import { reportFigures } from "@asso/core/reports/figures";
import { loadReportInputs } from "@asso/core/reports/store";
import { readSocialYear, saveSocialMonth } from "@asso/core/social/store";
import { actorOf, idempotencyOf } from "../audit.js";
import { defineGroup } from "../http.js";

const figures = async (year: number) => {
  const { current, previous } = await loadReportInputs(dbFromEnv(), year);
  return reportFigures(current, previous);
};

export const handler = defineGroup("reports", {
  reportFigures: async (req) => figures(req.params.year),
  reportFiguresCsv: async (req) => ({
    body: figuresCsv(await figures(req.params.year)),
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="chiffres-${req.params.year}.csv"` },
  }),
  annualReportPdf: async (req) => {
    // The PDF renderer and the spreadsheet/zip readers load on first use only.
    const { renderAnnualReport } = await import("@asso/core/reports/pdf");
    const pdf = await renderAnnualReport(await figures(req.params.year), { association: loadConfig().name });
    return {
      body: Buffer.from(pdf),
      headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="rapport-financier-${req.params.year}.pdf"` },
    };
  },
  putSocialMetrics: async (req) =>
    saveSocialMonth(dbFromEnv(), req.params.platform, req.params.month, req.body, { source: "manual", at: new Date().toISOString(), by: actorOf(req) }),
  listSocialMetrics: async (req) => ({ year: req.query.year, items: await readSocialYear(dbFromEnv(), req.query.year) }),
  importSocialMetrics: async (req) => {
    const db = dbFromEnv();
    const idem = idempotencyOf(req, { platform: req.params.platform, query: req.query, body: sha256Hex(req.rawBody) });
    return withStoredAnswer(db, idem, async () =>
      (await import("@asso/core/social/imports")).importSocialFile(db, req.params.platform, req.rawBody, req.query, new Date().toISOString(), actorOf(req)),
    );
  },
});
