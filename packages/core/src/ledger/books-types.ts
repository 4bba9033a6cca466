/** The shapes of the auditor's book files (books.ts builds them, books-pdf.ts draws them). */
import type { AccountBalance } from "./queries.js";

/** Whether the year is closed, in the words every page of the auditor's files carries. */
export interface YearStanding {
  year: number;
  status: "open" | "closing" | "closed";
  closedAt?: string;
  /** "Exercice 2025 (du 01/01/2025 au 31/12/2025)". */
  title: string;
  /** "Exercice clôturé le 12/03/2026" or "Exercice non clôturé : document provisoire, les montants peuvent encore changer". */
  mark: string;
}

export interface TrialBalanceBook {
  standing: YearStanding;
  association: string;
  accounts: AccountBalance[];
  totals: { debit: number; credit: number };
}

export interface LedgerLine {
  date: string;
  journal: string;
  ref: string | null;
  entryId: string;
  label: string;
  pieceRef: string;
  debit: number;
  credit: number;
  balance: number;
}

export interface LedgerAccount {
  account: string;
  label: string;
  lines: LedgerLine[];
  debit: number;
  credit: number;
}

/** A table document for the auditor's files (books-pdf.ts): a title, the year's mark on every page, sections of rows. */
export interface TableDocument {
  title: string;
  association: string;
  standing: Pick<YearStanding, "title" | "mark" | "status">;
  sections: TableSection[];
}

export interface TableSection {
  heading?: string;
  /** Column headings; a column whose `align` is "right" holds amounts. */
  columns: Array<{ label: string; width: number; align?: "left" | "right" }>;
  rows: Array<{ cells: string[]; bold?: boolean }>;
  note?: string;
}
