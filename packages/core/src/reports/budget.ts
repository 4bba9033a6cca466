/**
 * The annual report's « Budget et réalisé »: the year's budget against the books per CERFA 12156
 * rubrique (charges 60 … 68, produits 70 … 78, then 86/87), with its totals and result, the rows
 * with a large gap marked, and one short table per project that has a budget, then « Sans projet »
 * (what no project carries) so that the tables add up to the year. A pure function of
 * the projects domain's comparisons (`compareBudget`): the report draws what they say, so its
 * figures are those of `GET /v1/budgets/{year}/comparison`.
 */
import type { Comparison } from "../projects/index.js";

export interface BudgetFigures {
  budget: number;
  actual: number;
  gap: number;
  /** gap ÷ budget (0.15 = 15 %); null when nothing was budgeted. */
  gapShare: number | null;
}

export interface ReportBudgetRow extends BudgetFigures {
  rubrique: string;
  label: string;
  side: "charges" | "produits" | "emplois" | "ressources";
  /** A gap worth explaining (see LARGE_GAP). */
  large: boolean;
}

export interface ReportBudgetProject {
  code: string;
  name: string;
  charges: BudgetFigures;
  produits: BudgetFigures;
  result: { budget: number; actual: number; gap: number };
  /** The charges' or the produits' gap is large (see LARGE_GAP). */
  large: { charges: boolean; produits: boolean };
}

export interface ReportBudget {
  year: number;
  rubriques: ReportBudgetRow[];
  totals: {
    charges: BudgetFigures;
    produits: BudgetFigures;
    result: { budget: number; actual: number; gap: number };
    emplois: BudgetFigures;
    ressources: BudgetFigures;
  };
  /** The projects with budget lines this year, by code. */
  projects: ReportBudgetProject[];
  /**
   * Beside the projects, what none carries (« Sans projet », the association's running): the budget
   * lines without a project against the books less every project's lines, so that the projects and
   * it add up to the year. Null when no project has a budget.
   */
  unassigned: Omit<ReportBudgetProject, "code" | "name"> | null;
  /** What a large gap is: at least `share` of the row's budget (or nothing budgeted) and at least `amount` cents. */
  largeGap: { share: number; amount: number };
}

/**
 * A large gap: 15 % of the row's budget or more (the compte-rendu financier's rule, CERFA 15059), or
 * an actual with nothing budgeted, and at least 1 000 € so that small rows are not flagged for a few
 * euros.
 */
export const LARGE_GAP = { share: 0.15, amount: 100_000 } as const;

export const isLargeGap = (f: BudgetFigures) =>
  f.gap !== 0 && Math.abs(f.gap) >= LARGE_GAP.amount && (f.gapShare === null || Math.abs(f.gapShare) >= LARGE_GAP.share);

const plain = (f: BudgetFigures): BudgetFigures => ({ budget: f.budget, actual: f.actual, gap: f.gap, gapShare: f.gapShare });

const sideFigures = (c: Comparison) => ({
  charges: plain(c.totals.charges),
  produits: plain(c.totals.produits),
  result: { ...c.totals.result },
  large: { charges: isLargeGap(c.totals.charges), produits: isLargeGap(c.totals.produits) },
});

/**
 * The report's budget block from the comparison of the whole books, those of the projects with a
 * budget, and (`unassigned`) that of what no project carries.
 */
export function reportBudget(whole: Comparison, projects: readonly Comparison[], unassigned?: Comparison): ReportBudget {
  const t = whole.totals;
  return {
    year: whole.year,
    rubriques: whole.rubriques.map((r) => ({ rubrique: r.rubrique, label: r.label, side: r.side, ...plain(r), large: isLargeGap(r) })),
    totals: {
      charges: plain(t.charges),
      produits: plain(t.produits),
      result: { ...t.result },
      emplois: plain(t.emplois),
      ressources: plain(t.ressources),
    },
    projects: projects
      .filter((c) => c.project)
      .map((c) => ({ code: c.project!.code, name: c.project!.name, ...sideFigures(c) }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    unassigned: unassigned && projects.some((c) => c.project) ? sideFigures(unassigned) : null,
    largeGap: { ...LARGE_GAP },
  };
}
