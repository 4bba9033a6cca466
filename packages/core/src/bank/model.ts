/**
 * What a bank statement is once parsed, whatever its format (CAMT.053, OFX, CSV), and what the
 * bank domain stores: imported lines, statements and the lettrage (match groups).
 *
 * Amounts are integer cents, signed from the association's side: a credit on the account (money
 * in) is positive, a debit negative. Dates are the bank's calendar dates (`YYYY-MM-DD`).
 */

/** One movement as the file gives it. */
export interface ParsedLine {
  /** Booking date (`BookgDt`, `DTPOSTED`, the CSV's date column). */
  date: string;
  valueDate?: string;
  amount: number;
  label: string;
  /** The other party's name (CAMT `RltdPties`, OFX `NAME`), when the file gives it. */
  counterparty?: string;
  /** The bank's own reference (`AcctSvcrRef`, `FITID`): kept for display, never trusted alone. */
  bankRef?: string;
  /** End-to-end or remittance reference. */
  reference?: string;
}

export interface ParsedBalance {
  date: string;
  amount: number;
}

/** One account's statement within a file (a CAMT file may hold several accounts). */
export interface ParsedStatement {
  /** IBAN when the file gives it; otherwise a national account number (`accountNumber`). */
  iban?: string;
  /** French RIB parts (OFX `BANKID`/`BRANCHID`/`ACCTID`, a CSV header's account number). */
  accountNumber?: string;
  /** A credit-card statement's card number (OFX `CCACCTFROM/ACCTID`), often masked. */
  card?: string;
  currency: string;
  opening?: ParsedBalance;
  closing?: ParsedBalance;
  /** The period the bank says the statement covers, when it says so. */
  from?: string;
  to?: string;
  lines: ParsedLine[];
  /**
   * Why this statement of the file cannot be read (a bad amount, a missing date): raised only if
   * the statement is to be imported, so that a file's unconfigured account does not refuse the rest.
   */
  unreadable?: Error;
}

/** A statement of the file that was not imported, and why (the answer's `skipped`). */
export interface SkippedStatement {
  /** The statement's rank in the file, from 1. */
  statement: number;
  /** The account as the file names it (IBAN, account or card number). */
  account: string;
  reason: "not-configured" | "not-asked";
  /** The reason in French, as the trésorier reads it. */
  message: string;
  lines: number;
}

export type StatementFormat = "camt053" | "ofx" | "csv";

export interface ParsedFile {
  format: StatementFormat;
  /** `camt.053.001.02`, `OFX 102`, the CSV preset… */
  variant: string;
  statements: ParsedStatement[];
}

/** An imported line, as stored and shown: the parsed line with its identity and state. */
export interface BankLine extends ParsedLine {
  id: string;
  /** The ledger account of the bank account (`512`). */
  account: string;
  iban: string;
  /** Rank among identical lines (same account, day, amount and label) of that day. */
  rank: number;
  status: "unmatched" | "matched";
  matchId?: string;
  importedAt: string;
  statementId: string;
  /** Proposals the trésorier rejected for this line: these entries are not proposed for it again. */
  rejections?: Rejection[];
  /** Corrections of the line's rule entry (its counterpart moved), oldest first. */
  ruleCorrections?: RuleCorrection[];
}

/** A rule entry's counterpart corrected: an OD entry from the old counterpart to the new one. */
export interface RuleCorrection {
  entryId: string;
  date: string;
  /** The date asked, when it fell in a closed year. */
  askedDate?: string;
  reason: string;
  from: { account: string; aux?: { number: string; label: string } };
  to: { account: string; aux?: { number: string; label: string } };
  at: string;
  by: string;
}

export interface Rejection {
  entryId: string;
  rejectedAt: string;
  rejectedBy: string;
}

/** A lettrage group: bank lines and ledger entries that explain each other, amounts equal. */
export interface MatchGroup {
  id: string;
  account: string;
  lineIds: string[];
  entryIds: string[];
  /** Net amount of the group on the bank account, in cents (lines' sum = entries' sum). */
  amount: number;
  /** Dates, to tell at a given date whether the whole group is on both sides. */
  lineDates: string[];
  entryDates: string[];
  matchedAt: string;
  matchedBy: string;
  /** `manual`, `rule` (entry created from a rule), `proposal`. */
  how: "manual" | "rule" | "proposal";
}

/** A statement as imported: its balances anchor the bank balance of the état de rapprochement. */
export interface StatementRecord {
  id: string;
  account: string;
  iban: string;
  format: StatementFormat;
  variant: string;
  from: string;
  to: string;
  opening: ParsedBalance | null;
  closing: ParsedBalance | null;
  lines: number;
  imported: number;
  importedAt: string;
}
