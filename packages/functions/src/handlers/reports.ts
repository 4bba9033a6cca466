/** Lambda: the annual report, its figures and social metrics. */
import { dbFromEnv } from "@asso/core/db";
import { associationOf, readLogo } from "@asso/core/settings";
import { figuresCsv, frenchDate, loadAnnexe, loadAnnualReport, loadReportFigures, loadThresholds, reportPalette } from "@asso/core/reports";
import { readSocialYear, saveSocialMonth } from "@asso/core/social";
import { todoList } from "@asso/core/workflows/todo";
import { annualReportWithBudget, reportFiguresWithBudget } from "@asso/core/workflows/annual-report";
// The PDF renderer and the spreadsheet/zip readers load on first use.
import { renderAnnualReport, renderJournalOfficiel } from "@asso/core/reports/lazy";
import { importSocialFile } from "@asso/core/social/lazy";
import { actorOf } from "../audit.js";
import { defineGroup } from "../http.js";

const figures = (year: number) => loadReportFigures(dbFromEnv(), year);

/** What the PDFs draw of the settings: the name, the colour, the logo. */
async function look() {
  const db = dbFromEnv();
  const [association, logo] = await Promise.all([associationOf(db), readLogo(db)]);
  return { association, logo: logo ? { bytes: new Uint8Array(logo.bytes), contentType: logo.contentType } : undefined };
}

const pdfAnswer = (pdf: Uint8Array, name: string) => ({
  body: Buffer.from(pdf),
  headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="${name}"` },
});

export const handler = defineGroup("reports", {
  reportFigures: async (req) => {
    // The figures with the budget block (the console's « Budget et réalisé », as in the PDF).
    const [f, a] = await Promise.all([reportFiguresWithBudget(dbFromEnv(), req.params.year), associationOf(dbFromEnv())]);
    return { ...f, palette: reportPalette(a.colour) };
  },
  reportAnnexe: async (req) => loadAnnexe(dbFromEnv(), req.params.year),
  reportThresholds: async (req) => loadThresholds(dbFromEnv(), req.params.year),
  reportFiguresCsv: async (req) => ({
    body: figuresCsv(await figures(req.params.year)),
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="chiffres-${req.params.year}.csv"` },
  }),
  annualReportPdf: async (req) => {
    const [{ figures: f, annexe, budget }, { association, logo }] = await Promise.all([annualReportWithBudget(dbFromEnv(), req.params.year), look()]);
    const pdf = await renderAnnualReport(f, { association: association.name, colour: association.colour, annexe, budget, ...(logo ? { logo } : {}) });
    return pdfAnswer(pdf, `rapport-financier-${req.params.year}.pdf`);
  },
  journalOfficielPdf: async (req) => {
    const [{ figures: f, annexe }, { association, logo }] = await Promise.all([loadAnnualReport(dbFromEnv(), req.params.year), look()]);
    // The association's own identifiers only: no person is named.
    const identity = [
      association.address,
      [association.siren && association.siren !== "000000000" ? `SIREN ${association.siren}` : "", association.rna ? `RNA ${association.rna}` : ""]
        .filter(Boolean)
        .join(" · "),
      annexe.exercise.first ? `Créée le ${frenchDate(annexe.exercise.start)}` : "",
    ].filter(Boolean);
    const pdf = await renderJournalOfficiel(f, annexe, { association: association.name, colour: association.colour, identity, ...(logo ? { logo } : {}) });
    return pdfAnswer(pdf, `comptes-annuels-${req.params.year}-journal-officiel.pdf`);
  },
  putSocialMetrics: async (req) =>
    saveSocialMonth(dbFromEnv(), req.params.platform, req.params.month, req.body, { source: "manual", at: new Date().toISOString(), by: actorOf(req) }),
  listSocialMetrics: async (req) => ({ year: req.query.year, items: await readSocialYear(dbFromEnv(), req.query.year) }),
  todoList: async (req) => todoList(dbFromEnv(), req.query.year !== undefined ? { year: req.query.year } : {}),
  importSocialMetrics: async (req) => {
    return importSocialFile(dbFromEnv(), req.params.platform, req.rawBody, req.query, new Date().toISOString(), actorOf(req));
  },
});
