/**
 * The one CSV cell writer: every CSV the project writes (the ledger's spreadsheet export, the
 * report's figures.csv) builds its cells here, so none can reach a spreadsheet as a formula.
 *
 * - Text (any string: a label, a funder's or a donor's name, a piece reference) that starts with
 *   `=`, `+`, `-`, `@`, a tab or a carriage return would be taken for a formula, so it is prefixed
 *   with `'` (OWASP's advice); then it is quoted when it holds the separator, a quote or a line
 *   break.
 * - A figure this code computed (a number, or `csvFigure(frenchAmount(cents))`) is written as it
 *   is, so a spreadsheet reads `-12,50` as a negative amount; a figure is checked to be only
 *   digits, one decimal comma and a leading minus, so no text can pass for one.
 */

/** A figure written as a number: only `-?digits(,digits)?`. */
export interface CsvFigure {
  readonly figure: string;
}

const FIGURE = /^-?\d+(?:,\d+)?$/;

/** Marks a formatted figure (`1234,56`, `-7,8`) as a number cell; anything else throws. */
export function csvFigure(text: string): CsvFigure {
  if (!FIGURE.test(text)) throw new Error(`not a figure: ${JSON.stringify(text)}`);
  return { figure: text };
}

export type CsvValue = string | number | CsvFigure | null | undefined;

/** One CSV cell (`;` separated files): text neutralised and quoted as needed; figures as they are; null and undefined empty. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return csvFigure(String(value).replace(".", ",")).figure;
  }
  if (typeof value === "object") return csvFigure(value.figure).figure;
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One line of a `;` CSV, CRLF ended. */
export const csvLine = (cells: readonly CsvValue[]) => `${cells.map(csvCell).join(";")}\r\n`;

/** The byte order mark spreadsheets need to read UTF-8. */
export const CSV_BOM = "\uFEFF";
