/**
 * The procès-verbal de clôture (`GET /v1/ledger/years/{year}/closing-report.pdf`): the checklist of a
 * closed year as it was signed, with its result, named beside the year's FEC. The PDF renderer
 * (pdf-lib, fonts) loads on first use.
 */
import type { Db } from "../db/client.js";
import { fiscalYearBounds } from "../dates.js";
import { NotFoundError } from "../errors.js";
import { exportFileName, readSignedClosing, type SignedClosingRecord } from "../ledger/index.js";
import { associationOf } from "../settings/index.js";

/** The checklist as signed at the closing of `year` (404 while the year is not closed). */
export async function signedClosing(db: Db, year: number): Promise<SignedClosingRecord> {
  const record = await readSignedClosing(db, year);
  if (!record?.closedAt)
    throw new NotFoundError(
      `L'exercice ${year} n'a pas de procès-verbal de clôture : il n'est pas clôturé, ou l'a été avant que la liste de contrôle existe.`,
      { year },
    );
  return record;
}

/** The file name of the procès-verbal: `<SIREN>PV<closing date>.pdf`, beside `<SIREN>FEC<closing date>.txt`. */
export const closingReportFileName = (siren: string, year: number) => `${siren}PV${fiscalYearBounds(year).end.replaceAll("-", "")}.pdf`;

/** The procès-verbal de clôture of `year` as PDF bytes, and its file name. */
export async function closingReportPdf(db: Db, year: number): Promise<{ pdf: Uint8Array; fileName: string }> {
  const record = await signedClosing(db, year);
  const association = await associationOf(db);
  const { renderClosingReport } = await import("./closing-pdf.js");
  const pdf = await renderClosingReport({
    record,
    association,
    bounds: fiscalYearBounds(year),
    fecFileName: exportFileName(association.siren, year, "fec"),
  });
  return { pdf, fileName: closingReportFileName(association.siren, year) };
}
