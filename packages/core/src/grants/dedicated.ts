/**
 * Fonds dédiés (pure). For a restricted grant, each fiscal year: what was recognised as income,
 * what was spent on it, and what is carried. The balance at the end of a year is what was
 * recognised and not yet spent, never below zero: `max(0, Σ recognised − Σ spent)` up to that
 * year. Spending uses the funds carried from earlier years first (released through 789x), then the
 * year's own income; what is left of the year's income is carried (reported through 689x).
 * The same function gives the year-end entries and the annexe's table (at start, new, used, at end).
 */
export interface YearFigures {
  recognised: number;
  spent: number;
  /** Given back to the funder from the fonds dédiés carried (19x → debt), in the year. */
  repaid?: number;
}

export interface GrantForFunds {
  grantId: string;
  title: string;
  funderId: string;
  funderName: string;
  restricted: boolean;
  accounts: { dedicated: string; report: string; release: string };
  /** Per fiscal year, what was recognised and spent (years without any may be missing). */
  years: ReadonlyMap<number, YearFigures>;
}

export interface DedicatedFundsRow {
  grantId: string;
  title: string;
  funderId: string;
  funderName: string;
  dedicatedAccount: string;
  reportAccount: string;
  releaseAccount: string;
  /** Recognised, spent and repaid (from the funds carried, 19x → debt, outside the result) in the year. */
  recognised: number;
  spent: number;
  repaid: number;
  /** Fonds dédiés at the start of the year, reported (new), used (released), at the end. */
  atStart: number;
  new: number;
  used: number;
  atEnd: number;
  /** Since the grant began, up to the end of the year. */
  recognisedToDate: number;
  spentToDate: number;
}

/** One grant's row for `year` (the fold over its earlier years gives the balance at start). */
export function dedicatedFundsRow(g: GrantForFunds, year: number): DedicatedFundsRow {
  const years = [...g.years.keys()].filter((y) => y <= year).sort((a, b) => a - b);
  let atStart = 0;
  let cumR = 0;
  let cumS = 0;
  let row = { recognised: 0, spent: 0, repaid: 0, atStart: 0, new: 0, used: 0, atEnd: 0 };
  for (const y of [...years.filter((y) => y < year), year]) {
    const f = g.years.get(y) ?? { recognised: 0, spent: 0 };
    const repaid = f.repaid ?? 0;
    cumR += f.recognised;
    cumS += f.spent + repaid;
    // What was repaid left the funds carried straight to the debt (not through 689x/789x).
    const atEnd = Math.max(0, cumR - cumS);
    const used = Math.min(Math.max(0, atStart - repaid), f.spent);
    row = { recognised: f.recognised, spent: f.spent, repaid, atStart, new: atEnd - atStart + used + repaid, used, atEnd };
    atStart = atEnd;
  }
  return {
    grantId: g.grantId,
    title: g.title,
    funderId: g.funderId,
    funderName: g.funderName,
    dedicatedAccount: g.accounts.dedicated,
    reportAccount: g.accounts.report,
    releaseAccount: g.accounts.release,
    ...row,
    recognisedToDate: cumR,
    spentToDate: cumS - repaidTo(g, year),
  };
}

const repaidTo = (g: GrantForFunds, year: number) => [...g.years].reduce((s, [y, f]) => (y <= year ? s + (f.repaid ?? 0) : s), 0);

export interface DedicatedFundsTable {
  year: number;
  rows: DedicatedFundsRow[];
  totals: { atStart: number; new: number; used: number; atEnd: number; recognised: number; spent: number };
}

/**
 * The annexe's table of fonds dédiés for `year`: one row per restricted grant that has a figure in
 * the year or a balance at its start, and the totals. Unrestricted grants carry no fonds dédiés.
 */
export function dedicatedFundsTable(grants: readonly GrantForFunds[], year: number): DedicatedFundsTable {
  const rows = grants
    .filter((g) => g.restricted)
    .map((g) => dedicatedFundsRow(g, year))
    .filter((r) => r.atStart || r.new || r.used || r.atEnd || r.recognised || r.spent || r.repaid)
    .sort((a, b) => a.funderName.localeCompare(b.funderName) || a.title.localeCompare(b.title) || a.grantId.localeCompare(b.grantId));
  const totals = { atStart: 0, new: 0, used: 0, atEnd: 0, recognised: 0, spent: 0 };
  for (const r of rows) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
  return { year, rows, totals };
}

export interface FundsLine {
  account: string;
  debit: number;
  credit: number;
  label: string;
}

/**
 * The lines that bring what was posted for the year (`posted`) to what the row says: the report
 * (689x / 19x) and the release (19x / 789x), or their reversal when a figure went down since.
 */
export function dedicatedFundsLines(row: DedicatedFundsRow, posted: { new: number; used: number } = { new: 0, used: 0 }): FundsLine[] {
  const lines: FundsLine[] = [];
  const pair = (debit: string, credit: string, amount: number, label: string) => {
    if (amount === 0) return;
    const [d, c] = amount > 0 ? [debit, credit] : [credit, debit];
    const a = Math.abs(amount);
    lines.push({ account: d, debit: a, credit: 0, label }, { account: c, debit: 0, credit: a, label });
  };
  pair(row.reportAccount, row.dedicatedAccount, row.new - posted.new, `Report en fonds dédiés : ${row.title}`.slice(0, 200));
  pair(row.dedicatedAccount, row.releaseAccount, row.used - posted.used, `Utilisation des fonds dédiés : ${row.title}`.slice(0, 200));
  return lines;
}
