/**
 * The balance générale and the grand livre of a year as files for the auditor: a spreadsheet CSV
 * (`;`, decimal comma, UTF-8 with BOM, through the one cell writer) and a PDF (books-pdf.ts, loaded
 * on first use). Both say on their first line (the CSV) or on every page (the PDF) whether the year
 * is closed or still open — the figures of an open year may still move.
 *
 * The grand livre pages through each account of the trial balance (500 lines at a time), so memory
 * stays about one page of lines plus the text already written.
 */
import type { Db } from "../db/client.js";
import { fiscalYearBounds } from "../dates.js";
import { CSV_BOM, csvFigure, csvLine, type CsvValue } from "../csv.js";
import { frenchAmount } from "../money.js";
import { generalLedger, listYears, trialBalance } from "./queries.js";
import type { LedgerAccount, LedgerLine, TableDocument, TrialBalanceBook, YearStanding } from "./books-types.js";
export type * from "./books-types.js";

const frenchDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const amount = (cents: number) => csvFigure(frenchAmount(cents));

export const OPEN_YEAR_MARK = "Exercice non clôturé : document provisoire, les montants peuvent encore changer";

/** The year's status and the words that say it. */
export async function yearStanding(db: Db, year: number): Promise<YearStanding> {
  const y = (await listYears(db)).find((i) => i.year === year);
  const status = y?.status ?? "open";
  const { start, end } = fiscalYearBounds(year);
  const closedAt = y?.closedAt;
  return {
    year,
    status,
    ...(closedAt ? { closedAt } : {}),
    title: `Exercice ${year} (du ${frenchDate(start)} au ${frenchDate(end)})`,
    mark: status === "closed" ? `Exercice clôturé${closedAt ? ` le ${frenchDate(closedAt.slice(0, 10))}` : ""}` : OPEN_YEAR_MARK,
  };
}

export const bookFileName = (book: "balance" | "grand-livre", year: number, ext: "csv" | "pdf") => `${book}-${year}.${ext}`;

// ---------------------------------------------------------------- balance générale

export async function trialBalanceBook(db: Db, year: number, association: string): Promise<TrialBalanceBook> {
  const [tb, standing] = await Promise.all([trialBalance(db, year), yearStanding(db, year)]);
  return { standing, association, accounts: tb.accounts, totals: tb.totals };
}

const BALANCE_HEADER = ["Compte", "Intitulé", "Débit", "Crédit", "Solde débiteur", "Solde créditeur"];

/** The balance as a spreadsheet: a title line (the year and whether it is closed), then one line per account and the totals. */
export function trialBalanceCsv(b: TrialBalanceBook): string {
  let out = CSV_BOM + csvLine([`Balance générale — ${b.association} — ${b.standing.title} — ${b.standing.mark}`]);
  out += csvLine(BALANCE_HEADER);
  for (const a of b.accounts)
    out += csvLine([a.account, a.label, amount(a.debit), amount(a.credit), amount(Math.max(a.balance, 0)), amount(Math.max(-a.balance, 0))]);
  const debitBalances = b.accounts.reduce((s, a) => s + Math.max(a.balance, 0), 0);
  const creditBalances = b.accounts.reduce((s, a) => s + Math.max(-a.balance, 0), 0);
  out += csvLine(["", "Totaux", amount(b.totals.debit), amount(b.totals.credit), amount(debitBalances), amount(creditBalances)]);
  return out;
}

// ---------------------------------------------------------------- grand livre

/** Every account of the year's balance, each with its lines in date order and its running balance. */
export async function* generalLedgerAccounts(db: Db, year: number): AsyncGenerator<LedgerAccount> {
  const tb = await trialBalance(db, year);
  for (const a of tb.accounts) {
    const lines: LedgerLine[] = [];
    let cursor: string | undefined;
    do {
      const page = await generalLedger(db, { year, account: a.account, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const i of page.items)
        lines.push({
          date: i.date,
          journal: i.journal,
          ref: i.ref,
          entryId: i.entryId,
          label: i.label,
          pieceRef: i.pieceRef,
          debit: i.debit,
          credit: i.credit,
          balance: i.balance,
        });
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    yield { account: a.account, label: a.label, lines, debit: a.debit, credit: a.credit };
  }
}

const LEDGER_HEADER = ["Compte", "Intitulé du compte", "Date", "Journal", "N° d'écriture", "Pièce", "Libellé", "Débit", "Crédit", "Solde"];

/** The grand livre as a spreadsheet, account by account, chunk by chunk. */
export async function* generalLedgerCsv(db: Db, year: number, association: string): AsyncGenerator<string> {
  const standing = await yearStanding(db, year);
  yield CSV_BOM + csvLine([`Grand livre — ${association} — ${standing.title} — ${standing.mark}`]) + csvLine(LEDGER_HEADER);
  for await (const a of generalLedgerAccounts(db, year)) {
    let chunk = "";
    for (const l of a.lines) {
      const cells: CsvValue[] = [
        a.account,
        a.label,
        frenchDate(l.date),
        l.journal,
        l.ref ?? "",
        l.pieceRef,
        l.label,
        amount(l.debit),
        amount(l.credit),
        amount(l.balance),
      ];
      chunk += csvLine(cells);
    }
    chunk += csvLine([a.account, `Total ${a.label}`, "", "", "", "", "", amount(a.debit), amount(a.credit), amount(a.debit - a.credit)]);
    yield chunk;
  }
}

// ---------------------------------------------------------------- PDF (pdf-lib loads on first use)

/** Renders a table document (pdf-lib and the fonts load on first use). */
export async function renderTablePdf(doc: TableDocument): Promise<Uint8Array> {
  return (await import("./books-pdf.js")).renderTablePdf(doc);
}

/** Writes `text` on every page of an existing PDF (an état de rapprochement of a year still open). */
export async function stampPdf(pdf: Uint8Array, text: string): Promise<Uint8Array> {
  return (await import("./books-pdf.js")).stampPdf(pdf, text);
}

/** The balance as a PDF. */
export async function trialBalancePdf(b: TrialBalanceBook): Promise<Uint8Array> {
  return (await import("./books-pdf.js")).trialBalancePdf(b);
}

/** The grand livre as a PDF. */
export async function generalLedgerPdf(db: Db, year: number, association: string): Promise<Uint8Array> {
  const standing = await yearStanding(db, year);
  const accounts: LedgerAccount[] = [];
  for await (const a of generalLedgerAccounts(db, year)) accounts.push(a);
  return (await import("./books-pdf.js")).generalLedgerPdf({ association, standing, accounts });
}
