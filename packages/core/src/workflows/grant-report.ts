/**
 * The compte-rendu financier of a grant (CERFA 15059), from the books: the grant (grants), the
 * expenses tagged to it (spending), the action's project, its budget lines and its balances over
 * the fiscal years the grant covers (projects, ledger), the association's name (settings). The
 * layout, CSV and PDF are the projects domain's (projects/compte-rendu.ts, grant-report-pdf.ts).
 */
import type { Db } from "../db/client.js";
import { fiscalYearOf, parisDate } from "../dates.js";
import { now } from "../clock.js";
import { getGrant, listGrants } from "../grants/index.js";
import { loadChart, projectBalances } from "../ledger/index.js";
import {
  buildCompteRendu,
  getBudget,
  getProject,
  getReportTexts,
  reportTextsView,
  saveReportTexts,
  listProjects,
  reportDue,
  STATUS_LABELS,
  yearsBetween,
  type ActualBalance,
  type BudgetLine,
  type CompteRendu,
  type GrantExpense,
  type ProjectActor,
  type ReportTextsInput,
} from "../projects/index.js";
import { associationOf } from "../settings/index.js";
import { listGrantExpenses } from "../spending/index.js";

/** An expense as the spending domain answers it, with the fields of later versions read when present. */
interface ExpenseRow {
  id: string;
  date: string;
  supplier: string;
  account: string;
  amount: number;
  label: string;
  pieceRef: string;
  grantId: string | null;
  grants?: Array<{ grantId: string; amount: number }>;
  cancelled?: unknown;
  creditNotes?: Array<{ amount: number }>;
}

/** Every expense spent on the grant, with the part of it the grant paid for. */
async function grantExpenses(db: Db, grantId: string): Promise<GrantExpense[]> {
  const out: GrantExpense[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 1000; n++) {
    const page = await listGrantExpenses(db, grantId, { limit: 500, ...(cursor ? { cursor } : {}) });
    for (const raw of page.items as unknown as ExpenseRow[]) {
      if (raw.cancelled) continue;
      const net = raw.amount - (raw.creditNotes ?? []).reduce((s, c) => s + c.amount, 0);
      const part = raw.grants ? (raw.grants.find((x) => x.grantId === grantId)?.amount ?? 0) : raw.grantId === grantId ? net : 0;
      if (part > 0)
        out.push({
          id: raw.id,
          date: raw.date,
          supplier: raw.supplier,
          account: raw.account,
          label: raw.label,
          pieceRef: raw.pieceRef,
          total: net,
          amount: part,
        });
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

/** The project a grant's action is: the one asked, else its `projectId`, else the project its `project` text names by code (grants recorded before). */
async function actionProject(db: Db, named: string | null, asked?: string) {
  if (asked) return getProject(db, asked);
  if (!named) return undefined;
  const code = named.trim().toUpperCase();
  return (await listProjects(db)).find((p) => p.code === code);
}

/** `GET /v1/grants/{id}/financial-report` (and its .pdf, .csv): the compte-rendu, as data. */
export async function grantFinancialReport(db: Db, grantId: string, opts: { project?: string; today?: string } = {}): Promise<CompteRendu> {
  const today = opts.today ?? parisDate(now());
  const g = await getGrant(db, grantId);
  // A grant split between projects, no project asked: the action is its projects together.
  const split = !opts.project && g.projects?.length ? g.projects : null;
  const [project, expenses, chart, association, texts] = await Promise.all([
    split ? undefined : actionProject(db, g.projectId ?? g.project, opts.project),
    grantExpenses(db, grantId),
    loadChart(db),
    associationOf(db),
    getReportTexts(db, grantId),
  ]);
  const years = yearsBetween(fiscalYearOf(g.startDate), fiscalYearOf(g.endDate));
  let budget: BudgetLine[] = [];
  let actuals: ActualBalance[] = [];
  // The action's projects: the one of the action, or the split's (their budget lines and balances summed by account).
  const action = split
    ? {
        code: split.map((p) => p.projectId).join(" + "),
        // Each with its share of the grant, as the funder reads it: « Ateliers (60 %) + Plaidoyer (40 %) ».
        name: split.map((p) => `${p.name} (${(p.share * 100).toLocaleString("fr-FR", { maximumFractionDigits: 2 })} %)`).join(" + "),
        codes: split.map((p) => p.projectId),
      }
    : project
      ? { code: project.code, name: project.name, codes: [project.code] }
      : null;
  if (action) {
    const [budgets, balances] = await Promise.all([
      Promise.all(years.map((y) => getBudget(db, y))),
      Promise.all(years.flatMap((y) => action.codes.map((code) => projectBalances(db, y, code)))),
    ]);
    // Each of the projects' budget lines counts for the action (compareBudget sums them by account).
    budget = budgets.flatMap((b) => b.lines.filter((l) => l.project !== null && action.codes.includes(l.project)).map((l) => ({ ...l, project: action.code })));
    actuals = balances.flatMap((b) => b.accounts.map((a) => ({ account: a.account, balance: a.balance })));
    // The grant's income, when the books do not carry it on the project (its entry names none).
    if (g.recognised && !actuals.some((a) => a.account === g.accounts.income)) actuals.push({ account: g.accounts.income, balance: -g.recognised });
  }
  return buildCompteRendu({
    association: association.name,
    grant: {
      id: g.id,
      title: g.title,
      funderName: g.funderName,
      amount: g.amount,
      agreementDate: g.agreementDate,
      agreementRef: g.agreementRef,
      startDate: g.startDate,
      endDate: g.endDate,
      restricted: g.restricted,
      recognised: g.recognised,
      spent: g.spent,
      incomeAccount: g.accounts.income,
      reportingDeadlines: g.reportingDeadlines,
    },
    project: action ? { code: action.code, name: action.name } : null,
    years,
    budget,
    actuals,
    expenses,
    labelOf: (a) => chart.label(a),
    today,
    texts,
  });
}

/**
 * `GET /v1/grant-reports`: when each grant's compte-rendu financier is due (six months after its
 * end, or its final reporting deadline), soonest first, for the dashboard.
 */
export async function grantReportsDue(db: Db, opts: { today?: string } = {}) {
  const today = opts.today ?? parisDate(now());
  const grants = (await listGrants(db)).items.filter((g) => !(g as { cancelled?: unknown }).cancelled);
  const sent = await Promise.all(grants.map(async (g) => (await getReportTexts(db, g.id)).sentOn));
  return {
    today,
    items: grants
      .map((g, i) => {
        const due = reportDue(g, today);
        const sentOn = sent[i] ?? null;
        return {
          grantId: g.id,
          title: g.title,
          funderName: g.funderName,
          amount: g.amount,
          endDate: g.endDate,
          ...due,
          // Sent: « Remis le 12/03/2025 » rather than late or due.
          sentOn,
          statusLabel: sentOn ? `Remis le ${sentOn.split("-").reverse().join("/")}` : STATUS_LABELS[due.status],
          pdf: `/v1/grants/${g.id}/financial-report.pdf`,
          csv: `/v1/grants/${g.id}/financial-report.csv`,
        };
      })
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.title.localeCompare(b.title)),
  };
}

/** `GET /v1/grants/{id}/financial-report/explanations`: the texts typed for the report, with their version. */
export async function grantReportTexts(db: Db, grantId: string) {
  await getGrant(db, grantId);
  return reportTextsView(await getReportTexts(db, grantId));
}

/**
 * `PUT /v1/grants/{id}/financial-report/explanations`: the texts replaced over the version read;
 * each gap explained must be a row of the report (the action's rows, as `?project=` names it).
 */
export async function putGrantReportTexts(
  db: Db,
  grantId: string,
  input: ReportTextsInput,
  ifMatch: number,
  opts: { project?: string; actor?: ProjectActor } = {},
) {
  const cr = await grantFinancialReport(db, grantId, opts.project ? { project: opts.project } : {});
  const rows = new Map(cr.comparison.rubriques.map((r) => [r.rubrique, r.label]));
  return reportTextsView(await saveReportTexts(db, grantId, input, ifMatch, rows, opts.actor));
}
