/**
 * Budgets and figures by project, from the books: a budget is checked against the ledger's chart;
 * its comparison reads the year's balances (the whole books, or one project's balances); the
 * compte de résultat of a project is the annual statements' own builder run on that project's
 * balances. Each is one function over the domains' doors.
 */
import type { Db } from "../db/client.js";
import { loadChart, projectBalances, trialBalance, type Chart } from "../ledger/index.js";
import {
  budgetView,
  compareBudget,
  getBudget,
  getProject,
  listProjects,
  saveBudget,
  sideAmount,
  cerfaRowOf,
  type AccountBook,
  type BudgetInput,
  type Comparison,
  type ProjectActor,
} from "../projects/index.js";
import { buildStatements } from "../reports/index.js";

const bookOf = (chart: Chart): AccountBook => ({ labelOf: (a) => (chart.find(a) ? chart.label(a) : undefined) });

/** `GET /v1/budgets/{year}`: the year's budget, every project's lines, with the accounts' labels. */
export async function yearBudget(db: Db, year: number) {
  const [budget, chart] = await Promise.all([getBudget(db, year), loadChart(db)]);
  return budgetView(budget, bookOf(chart));
}

/** `PUT /v1/budgets/{year}`: the year's budget replaced, its accounts checked against the chart. */
export async function putYearBudget(db: Db, year: number, input: BudgetInput, actor?: ProjectActor, expected?: number) {
  const chart = await loadChart(db);
  return budgetView(await saveBudget(db, year, input, bookOf(chart), actor, expected), bookOf(chart));
}

/** The year's balances (before closing entries): the whole books, or one project's. */
async function actualsOf(db: Db, year: number, project?: string) {
  if (project) return (await projectBalances(db, year, project)).accounts;
  return (await trialBalance(db, year, { closing: "exclude" })).accounts;
}

/** What no project carries: the books less every project's lines, per account. */
async function unassignedActuals(db: Db, year: number) {
  const [books, projects] = await Promise.all([actualsOf(db, year), projectBalances(db, year)]);
  const left = new Map(books.map((a) => [a.account, { ...a }]));
  for (const p of projects.accounts) {
    const a = left.get(p.account);
    if (a) a.balance -= p.balance;
  }
  return [...left.values()];
}

/**
 * `GET /v1/budgets/{year}/comparison?project=`: budget, actual and gap per account and CERFA row —
 * the whole books, one project's, or (`none`) the lines without a project against what no project carries.
 */
export async function budgetComparison(db: Db, year: number, project?: string): Promise<Comparison & { unassigned: boolean }> {
  const chart = await loadChart(db);
  const labelOf = (a: string) => chart.label(a);
  if (project === "none") {
    const [budget, actuals] = await Promise.all([getBudget(db, year), unassignedActuals(db, year)]);
    const mine = budget.lines.filter((l) => !l.project);
    return { ...compareBudget({ year, project: null, budget: mine, actuals, labelOf }), unassigned: true };
  }
  const p = project ? await getProject(db, project) : undefined;
  const [budget, actuals] = await Promise.all([getBudget(db, year), actualsOf(db, year, p?.code)]);
  return { ...compareBudget({ year, project: p ? { code: p.code, name: p.name } : null, budget: budget.lines, actuals, labelOf }), unassigned: false };
}

/** The compte de résultat of one project's lines in a year (ANC 2018-06 rubriques), as the annual statements build it. */
export async function projectStatement(db: Db, year: number, project: string) {
  const p = await getProject(db, project);
  const { accounts } = await projectBalances(db, year, p.code);
  const { compteDeResultat, unmapped } = buildStatements(accounts);
  return { year, project: { code: p.code, name: p.name }, compteDeResultat, unmapped };
}

interface SideTotals {
  charges: number;
  produits: number;
  result: number;
  emplois: number;
  ressources: number;
}

const totalsOf = (accounts: ReadonlyArray<{ account: string; balance: number }>): SideTotals => {
  const t = { charges: 0, produits: 0, result: 0, emplois: 0, ressources: 0 };
  for (const a of accounts) {
    const row = cerfaRowOf(a.account);
    if (row) t[row.side] += sideAmount(row.side, a.balance);
  }
  t.result = t.produits - t.charges;
  return t;
};

/**
 * `GET /v1/projects/figures?year=`: each project's charges, produits, result and contributions en
 * nature, with its budget; what no project carries ("sans projet") and the whole books, so that
 * the projects and the rest add up to the compte de résultat.
 */
export async function projectFigures(db: Db, year: number) {
  const [projects, pb, tb, budget] = await Promise.all([
    listProjects(db),
    projectBalances(db, year),
    trialBalance(db, year, { closing: "exclude" }),
    getBudget(db, year),
  ]);
  const budgetTotals = (code: string | null): SideTotals => {
    const t = { charges: 0, produits: 0, result: 0, emplois: 0, ressources: 0 };
    for (const l of budget.lines) {
      const row = cerfaRowOf(l.account);
      if (row && l.project === code) t[row.side] += l.amount;
    }
    t.result = t.produits - t.charges;
    return t;
  };
  const items = projects.map((p) => ({
    code: p.code,
    name: p.name,
    actual: totalsOf(pb.accounts.filter((a) => a.project === p.code)),
    budget: budgetTotals(p.code),
  }));
  const total = totalsOf(tb.accounts);
  const inProjects = items.reduce(
    (s, i) => ({
      charges: s.charges + i.actual.charges,
      produits: s.produits + i.actual.produits,
      result: s.result + i.actual.result,
      emplois: s.emplois + i.actual.emplois,
      ressources: s.ressources + i.actual.ressources,
    }),
    { charges: 0, produits: 0, result: 0, emplois: 0, ressources: 0 },
  );
  const unassigned: SideTotals = {
    charges: total.charges - inProjects.charges,
    produits: total.produits - inProjects.produits,
    result: total.result - inProjects.result,
    emplois: total.emplois - inProjects.emplois,
    ressources: total.ressources - inProjects.ressources,
  };
  return { year, items, unassigned: { actual: unassigned, budget: budgetTotals(null) }, total };
}
