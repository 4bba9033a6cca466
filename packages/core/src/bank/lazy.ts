/**
 * The bank's heavy capabilities, loaded on first use: the statement parsers (CSV, CAMT.053, OFX,
 * iconv) and the état de rapprochement's PDF (pdf-lib, fonts). Only the handler that uses them
 * imports this door, so only its bundle carries their chunks.
 */
import type { ReconciliationState } from "./etat-rapprochement.js";

type StatementImport = typeof import("./statement-import.js");

/** Parses a statement file and writes the lines not imported before (the parsers load on first use). */
export async function importStatementFile(...args: Parameters<StatementImport["importStatementFile"]>): ReturnType<StatementImport["importStatementFile"]> {
  return (await import("./statement-import.js")).importStatementFile(...args);
}

/** The état de rapprochement as a PDF (pdf-lib loads on first use). */
export async function renderReconciliationPdf(state: ReconciliationState, association: { name: string }): Promise<Uint8Array> {
  return (await import("./pdf.js")).renderReconciliationPdf(state, association);
}
