/**
 * Budgets: a year's amounts per account of classes 6, 7, 86 and 87, for the whole association or
 * one project, and their comparison with what the books say (budget, actual, gap per account and
 * per CERFA 12156 row). The comparison is a pure function of the budget lines and the balances.
 */
import type { Db } from "../db/client.js";
import { nowIso } from "../clock.js";
import { ConflictError, PreconditionFailedError, ValidationError, type FieldError } from "../errors.js";
import { CERFA_ROWS, cerfaRowOf, sideAmount, type BudgetSide } from "./cerfa.js";
import { checkProjects, type ProjectActor } from "./projects.js";
import type { BudgetInput } from "./schemas.js";
import { readBudget, writeBudget, type Budget, type BudgetLine } from "./store.js";

/** What the budget's accounts are checked against (the ledger's chart, given by the caller). */
export interface AccountBook {
  /** The account's label, or undefined when the chart does not know it. */
  labelOf(account: string): string | undefined;
}

export const budgetView = (b: Budget, chart: AccountBook) => ({
  year: b.year,
  lines: b.lines.map((l) => ({ account: l.account, label: chart.labelOf(l.account) ?? l.account, project: l.project, amount: l.amount })),
  note: b.note,
  version: b.version,
  updatedAt: b.updatedAt,
  history: b.history.map((h) => ({ ...h, by: h.by ? { sub: h.by.sub, role: h.by.role } : null })),
});

const emptyBudget = (year: number): Budget => ({ year, lines: [], note: null, version: 0, updatedAt: null, history: [] });

/** An optional `If-Match` of `PUT /v1/budgets/{year}`: the version the budget was read at (`"3"`, `3`, `W/"3"`). */
export function budgetVersionOf(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const raw = header.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
  if (!/^\d{1,9}$/.test(raw))
    throw new ValidationError([{ path: "If-Match", message: "la version du budget lue (GET /v1/budgets/{year}), 0 s'il n'y en a pas encore" }]);
  return Number(raw);
}

/** A year's budget (empty, version 0, when none was saved). */
export async function getBudget(db: Db, year: number): Promise<Budget> {
  return (await readBudget(db, year)) ?? emptyBudget(year);
}

/**
 * `PUT /v1/budgets/{year}`: the year's budget replaced by these lines (every project's). Each account
 * must be known and of classes 6, 7, 86 or 87, each project known; lines of 0 are dropped.
 */
export async function saveBudget(db: Db, year: number, input: BudgetInput, chart: AccountBook, actor?: ProjectActor, expected?: number): Promise<Budget> {
  const errors: FieldError[] = [];
  input.lines.forEach((l, i) => {
    if (!cerfaRowOf(l.account))
      errors.push({
        path: `lines.${i}.account`,
        message: `account ${l.account} is not a charge, a produit or a contribution en nature (classes 6, 7, 86, 87)`,
      });
    else if (chart.labelOf(l.account) === undefined) errors.push({ path: `lines.${i}.account`, message: `unknown account ${l.account}` });
  });
  if (errors.length) throw new ValidationError(errors);
  await checkProjects(
    db,
    input.lines.flatMap((l, i) => (l.project ? [{ path: `lines.${i}.project`, project: l.project }] : [])),
  );
  const lines: BudgetLine[] = input.lines
    .filter((l) => l.amount > 0)
    .map((l) => ({ account: l.account, project: l.project ?? null, amount: l.amount }))
    .sort((a, b) => a.account.localeCompare(b.account) || (a.project ?? "").localeCompare(b.project ?? ""));
  const stale = () =>
    new PreconditionFailedError(
      `Le budget ${year} a été enregistré entre-temps (par quelqu'un d'autre ou dans un autre onglet) : rechargez-le avant d'enregistrer.`,
    );
  const sum = (cls: string) => lines.reduce((n, l) => (l.account.startsWith(cls) ? n + l.amount : n), 0);
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await getBudget(db, year);
    if (expected !== undefined && current.version !== expected) throw stale();
    const at = nowIso();
    const by = actor ? { sub: actor.sub, role: actor.role, requestId: actor.requestId } : undefined;
    const next: Budget = {
      year,
      lines,
      note: input.note ?? null,
      version: current.version + 1,
      updatedAt: at,
      ...(by ? { updatedBy: by } : {}),
      history: [
        ...current.history,
        { version: current.version + 1, at, by: by ?? null, lines: lines.length, charges: sum("6"), produits: sum("7"), note: input.note ?? null },
      ].slice(-100),
    };
    if (await writeBudget(db, next, current.version)) return next;
    if (expected !== undefined) throw stale();
  }
  throw new ConflictError(`The ${year} budget was being saved by someone else at the same time; load it again.`, { year });
}

// ---------------------------------------------------------------- comparison (pure)

export interface Figures {
  budget: number;
  actual: number;
  gap: number;
  gapShare: number | null;
}

const figures = (budget: number, actual: number): Figures => ({
  budget,
  actual,
  gap: actual - budget,
  gapShare: budget ? Math.round(((actual - budget) / budget) * 10_000) / 10_000 : null,
});

export interface ComparisonRow extends Figures {
  rubrique: string;
  label: string;
  side: BudgetSide;
  accounts: Array<{ account: string; label: string } & Figures>;
}

export interface Comparison {
  year: number;
  project: { code: string; name: string } | null;
  rubriques: ComparisonRow[];
  totals: { charges: Figures; produits: Figures; result: { budget: number; actual: number; gap: number }; emplois: Figures; ressources: Figures };
}

/** One account's balance of the year (debit − credit, cents), before the closing entries. */
export interface ActualBalance {
  account: string;
  balance: number;
}

/**
 * Budget against actual: per account and per CERFA row, then per side. Without a project the
 * budget is every line (all projects and none), the actual the whole books; with one, that
 * project's lines and the lines of entries carrying it. Rows the forms print always show; the
 * others only when they hold something.
 */
export function compareBudget(q: {
  year: number;
  project: { code: string; name: string } | null;
  budget: readonly BudgetLine[];
  actuals: readonly ActualBalance[];
  labelOf: (account: string) => string;
}): Comparison {
  const byAccount = new Map<string, { budget: number; actual: number }>();
  const at = (account: string) => {
    const f = byAccount.get(account) ?? { budget: 0, actual: 0 };
    byAccount.set(account, f);
    return f;
  };
  for (const l of q.budget) if (cerfaRowOf(l.account) && (!q.project || l.project === q.project.code)) at(l.account).budget += l.amount;
  for (const a of q.actuals) {
    const row = cerfaRowOf(a.account);
    if (row && a.balance !== 0) at(a.account).actual += sideAmount(row.side, a.balance);
  }
  const rubriques: ComparisonRow[] = [];
  for (const row of CERFA_ROWS) {
    const accounts = [...byAccount.entries()]
      .filter(([account, f]) => cerfaRowOf(account) === row && (f.budget !== 0 || f.actual !== 0))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([account, f]) => ({ account, label: q.labelOf(account), ...figures(f.budget, f.actual) }));
    if (!accounts.length && !row.always) continue;
    const budget = accounts.reduce((s, a) => s + a.budget, 0);
    const actual = accounts.reduce((s, a) => s + a.actual, 0);
    rubriques.push({ rubrique: row.rubrique, label: row.label, side: row.side, ...figures(budget, actual), accounts });
  }
  const side = (s: BudgetSide) => {
    const rows = rubriques.filter((r) => r.side === s);
    return figures(
      rows.reduce((n, r) => n + r.budget, 0),
      rows.reduce((n, r) => n + r.actual, 0),
    );
  };
  const charges = side("charges");
  const produits = side("produits");
  const result = { budget: produits.budget - charges.budget, actual: produits.actual - charges.actual, gap: 0 };
  result.gap = result.actual - result.budget;
  return { year: q.year, project: q.project, rubriques, totals: { charges, produits, result, emplois: side("emplois"), ressources: side("ressources") } };
}
