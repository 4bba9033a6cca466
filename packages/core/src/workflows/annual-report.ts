/**
 * The annual report with its « Budget et réalisé »: the report's figures and annexe (reports door)
 * beside the year's budget compared with the same balances (projects door: `compareBudget`, as
 * `GET /v1/budgets/{year}/comparison` does), for the whole books and for each project that has
 * budget lines (the ledger's project balances, read once). No budget, no block (`budget: null`).
 */
import type { Db } from "../db/client.js";
import { loadChart, projectBalances } from "../ledger/index.js";
import { compareBudget, getBudget, listProjects } from "../projects/index.js";
import {
  loadAnnexe,
  loadReportContext,
  loadReportInputs,
  reportBudget,
  reportFigures,
  type Annexe,
  type Balance,
  type ReportBudget,
  type ReportFigures,
} from "../reports/index.js";

/** The year's budget against `balances` (the year's trial balance before closing), or null when no budget was saved. */
export async function annualReportBudget(db: Db, year: number, balances: readonly Balance[]): Promise<ReportBudget | null> {
  const budget = await getBudget(db, year);
  if (!budget.lines.length) return null;
  const codes = [...new Set(budget.lines.flatMap((l) => (l.project ? [l.project] : [])))];
  const [chart, projects, pb] = await Promise.all([
    loadChart(db),
    codes.length ? listProjects(db) : Promise.resolve([]),
    codes.length ? projectBalances(db, year) : Promise.resolve({ year, accounts: [] }),
  ]);
  const labelOf = (a: string) => chart.label(a);
  const whole = compareBudget({ year, project: null, budget: budget.lines, actuals: balances, labelOf });
  const perProject = projects
    .filter((p) => codes.includes(p.code))
    .map((p) =>
      compareBudget({
        year,
        project: { code: p.code, name: p.name },
        budget: budget.lines,
        actuals: pb.accounts.filter((a) => a.project === p.code),
        labelOf,
      }),
    );
  if (!perProject.length) return reportBudget(whole, perProject);
  // What no project carries: the books less every project's lines, against the budget lines without a project.
  const carried = new Map<string, number>();
  for (const a of pb.accounts) carried.set(a.account, (carried.get(a.account) ?? 0) + a.balance);
  const rest = balances.map((b) => ({ ...b, balance: b.balance - (carried.get(b.account) ?? 0) }));
  const unassigned = compareBudget({ year, project: null, budget: budget.lines.filter((l) => !l.project), actuals: rest, labelOf });
  return reportBudget(whole, perProject, unassigned);
}

/** `GET /v1/reports/{year}/figures`: the report's figures and the budget block. */
export async function reportFiguresWithBudget(db: Db, year: number): Promise<ReportFigures & { budget: ReportBudget | null }> {
  const [{ current, previous }, context] = await Promise.all([loadReportInputs(db, year), loadReportContext(db, year)]);
  const budget = await annualReportBudget(db, year, current.balances);
  return { ...reportFigures(current, previous, context), budget };
}

/** The annual report's PDF inputs: the figures, the annexe and the budget block, the balances read once. */
export async function annualReportWithBudget(db: Db, year: number): Promise<{ figures: ReportFigures; annexe: Annexe; budget: ReportBudget | null }> {
  const [{ current, previous }, context] = await Promise.all([loadReportInputs(db, year), loadReportContext(db, year)]);
  const [annexe, budget] = await Promise.all([loadAnnexe(db, year, { balances: current.balances, context }), annualReportBudget(db, year, current.balances)]);
  return { figures: reportFigures(current, previous, context), annexe, budget };
}
