/**
 * The compte-rendu financier of a grant (CERFA 15059): the action's budget and actual per budget
 * row (the CERFA 12156 rows, classes 60 … 68 / 70 … 78 and 86/87), the gaps, the grant's share of
 * the action, and the expenses the grant paid for. A pure function of plain data: the workflow
 * (workflows/grant-report.ts) reads the grant, its expenses, the project's budget and balances.
 *
 * The action is the grant's project when it names one: its budget lines and the lines of entries
 * carrying it, over the fiscal years the grant covers. Without a project the action is the grant
 * itself: its expenses by account, and the grant's income; it has no budget of its own but the
 * grant's amount.
 *
 * The report is due within six months of the action's end (décret 2001-495 art. 10 and the
 * convention's terms): the grant's final reporting deadline when one was given, else its end date
 * plus six months.
 */
import { csvFigure, csvLine, CSV_BOM } from "../csv.js";
import { frenchAmount } from "../money.js";

/** An amount as a CSV figure (a negative one is a number, not a formula to guard). */
const money = (cents: number) => csvFigure(frenchAmount(cents));
import { cerfaRowOf } from "./cerfa.js";
import { compareBudget, type ActualBalance, type Comparison } from "./budgets.js";
import type { BudgetLine } from "./store.js";
import type { ReportTexts } from "./report-texts.js";

export interface GrantFacts {
  id: string;
  title: string;
  funderName: string;
  amount: number;
  agreementDate: string;
  agreementRef: string | null;
  startDate: string;
  endDate: string;
  restricted: boolean;
  /** Income booked so far (the grant's recognition). */
  recognised: number;
  /** The grant's running total of expenses tagged to it. */
  spent: number;
  incomeAccount: string;
  reportingDeadlines: ReadonlyArray<{ kind: "interim" | "final"; dueDate: string }>;
}

export interface GrantExpense {
  id: string;
  date: string;
  supplier: string;
  account: string;
  label: string;
  pieceRef: string;
  /** The expense's whole amount, and the part spent on this grant (cents). */
  total: number;
  amount: number;
}

export type ReportStatus = "en-cours" | "a-remettre" | "en-retard";

export interface CompteRendu {
  association: string;
  grant: GrantFacts;
  project: { code: string; name: string } | null;
  period: { from: string; to: string; years: number[] };
  dueDate: string;
  status: ReportStatus;
  daysLeft: number;
  comparison: Comparison;
  grantShare: { amount: number; ofBudget: number | null; ofActual: number | null };
  expenses: { items: GrantExpense[]; total: number };
  /** The expenses listed against the grant's own total of expenses tagged to it: 0 when they tie. */
  tie: { listed: number; spent: number; difference: number };
  /** Rows whose gap is 15 % of their budget or more (or with no budget): the form asks why; its explanation when given. */
  gapsToExplain: Array<{
    rubrique: string;
    label: string;
    budget: number;
    actual: number;
    gap: number;
    gapShare: number | null;
    explanation: string | null;
  }>;
  /** The texts typed for the form (PUT …/financial-report/explanations), as given. */
  explanations: {
    gaps: Array<{ rubrique: string; label: string; text: string }>;
    summary: string | null;
    actions: string | null;
    signer: { name: string; quality: string | null } | null;
    /** The day the report was sent to the funder (« remis le »), null: not sent. */
    sentOn: string | null;
    version: number;
    updatedAt: string | null;
  };
  /** The day the report was sent to the funder, null: not sent (then it leaves the to-do). */
  sentOn: string | null;
  /** Which figures the « Réalisé » column holds, in words: the project's fiscal years, whole, or the grant's expenses. */
  coverage: string;
  /** Whether the action has a budget by rubrique (budget lines on its charges): without one, no gap is asked to explain. */
  budgetByRubrique: boolean;
  /** Said once when the action has no budget by rubrique; null otherwise. */
  budgetNote: string | null;
  /** The gaps to explain that have no explanation yet. */
  unexplained: number;
  /** Why the report cannot be sent yet, in French (empty when ready). */
  missing: string[];
  /** Every gap to explain has its explanation and the bilan is written: the report can be sent. */
  ready: boolean;
}

/** Said when the action has no budget by rubrique. */
export const NO_BUDGET_BY_RUBRIQUE = "Aucun budget par rubrique n'a été voté pour l'action : le compte rendu ne demande pas d'expliquer d'écart par rubrique.";
/** Said while the bilan is empty. */
export const NO_SUMMARY = "Le bilan qualitatif de l'action n'est pas rédigé";

/** « exercices 2024 et 2025 », « exercice 2025 », « exercices 2023, 2024 et 2025 ». */
export function yearsText(years: readonly number[]): string {
  if (years.length <= 1) return `exercice ${years[0] ?? ""}`.trim();
  return `exercices ${years.slice(0, -1).join(", ")} et ${years.at(-1)}`;
}

const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/** The calendar date six months after `date` (the month's last day when it is shorter). */
export function sixMonthsAfter(date: string): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) + 6;
  const year = y + Math.floor((m - 1) / 12);
  const month = ((m - 1) % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(Number(date.slice(8, 10)), last);
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** When the compte-rendu is due: the final reporting deadline given, else six months after the end. */
export function reportDue(g: Pick<GrantFacts, "endDate" | "reportingDeadlines">, today: string): { dueDate: string; status: ReportStatus; daysLeft: number } {
  const finals = g.reportingDeadlines.filter((d) => d.kind === "final").map((d) => d.dueDate);
  // The last final deadline, as the dashboard's « À traiter » reads it (workflows/todo.ts).
  const dueDate = finals.length ? finals.sort().at(-1)! : sixMonthsAfter(g.endDate);
  const status: ReportStatus = today <= g.endDate ? "en-cours" : today <= dueDate ? "a-remettre" : "en-retard";
  return { dueDate, status, daysLeft: daysBetween(today, dueDate) };
}

/** The fiscal years a period covers, given the year of each of its bounds. */
export const yearsBetween = (first: number, last: number) => Array.from({ length: Math.max(0, last - first) + 1 }, (_, i) => first + i);

const GAP_TO_EXPLAIN = 0.15;

export function buildCompteRendu(q: {
  association: string;
  grant: GrantFacts;
  project: { code: string; name: string } | null;
  years: number[];
  /** The project's budget lines of those years (none without a project). */
  budget: readonly BudgetLine[];
  /** The project's balances over those years (debit − credit); without a project, left empty. */
  actuals: readonly ActualBalance[];
  expenses: readonly GrantExpense[];
  labelOf: (account: string) => string;
  today: string;
  /** The texts saved for the report (none: every gap unexplained). */
  texts?: ReportTexts;
}): CompteRendu {
  const g = q.grant;
  let budget: BudgetLine[];
  let actuals: ActualBalance[];
  if (q.project) {
    budget = q.budget.filter((l) => l.project === q.project!.code);
    actuals = [...q.actuals];
  } else {
    // The grant alone: its expenses are its charges, its income the grant; its budget the grant's amount.
    budget = [{ account: g.incomeAccount, project: null, amount: g.amount }];
    const byAccount = new Map<string, number>();
    for (const e of q.expenses) byAccount.set(e.account, (byAccount.get(e.account) ?? 0) + e.amount);
    actuals = [...byAccount.entries()].map(([account, amount]) => ({ account, balance: amount }));
    if (g.recognised) actuals.push({ account: g.incomeAccount, balance: -g.recognised });
  }
  const comparison = compareBudget({
    year: q.years[q.years.length - 1] ?? Number(g.endDate.slice(0, 4)),
    project: q.project,
    budget,
    actuals,
    labelOf: q.labelOf,
  });
  const listed = q.expenses.reduce((s, e) => s + e.amount, 0);
  const { totals } = comparison;
  const due = reportDue(g, q.today);
  const textOf = new Map((q.texts?.gaps ?? []).map((t) => [t.rubrique, t.text]));
  // A budget by rubrique: lines on the action's charges. Without one (a grant with no project, a
  // project with no budget voted) every row would be « no budget »: nothing is asked by rubrique.
  const budgetByRubrique = budget.some((l) => l.amount !== 0 && cerfaRowOf(l.account)?.side === "charges");
  const gapsToExplain = comparison.rubriques
    .filter(
      (r) =>
        budgetByRubrique && (r.side === "charges" || r.side === "produits") && r.gap !== 0 && (r.gapShare === null || Math.abs(r.gapShare) >= GAP_TO_EXPLAIN),
    )
    .map((r) => ({
      rubrique: r.rubrique,
      label: r.label,
      budget: r.budget,
      actual: r.actual,
      gap: r.gap,
      gapShare: r.gapShare,
      explanation: textOf.get(r.rubrique) ?? null,
    }));
  const unexplained = gapsToExplain.filter((x) => x.explanation === null).length;
  const summary = q.texts?.summary?.trim() ? q.texts.summary : null;
  const missing = [...(unexplained ? [`${unexplained} écart${unexplained > 1 ? "s" : ""} à expliquer`] : []), ...(summary ? [] : [NO_SUMMARY])];
  const sentOn = q.texts?.sentOn ?? null;
  return {
    association: q.association,
    grant: g,
    project: q.project,
    period: { from: g.startDate, to: g.endDate, years: q.years },
    ...due,
    comparison,
    grantShare: {
      amount: g.amount,
      ofBudget: totals.produits.budget ? Math.round((g.amount / totals.produits.budget) * 10_000) / 10_000 : null,
      ofActual: totals.charges.actual ? Math.round((g.amount / totals.charges.actual) * 10_000) / 10_000 : null,
    },
    expenses: { items: [...q.expenses].sort((a, b) => a.date.localeCompare(b.date) || a.pieceRef.localeCompare(b.pieceRef)), total: listed },
    tie: { listed, spent: g.spent, difference: listed - g.spent },
    gapsToExplain,
    explanations: {
      // Texts of rows the report still shows (a row whose lines went away keeps its text stored, unprinted).
      gaps: comparison.rubriques.flatMap((r) => (textOf.has(r.rubrique) ? [{ rubrique: r.rubrique, label: r.label, text: textOf.get(r.rubrique)! }] : [])),
      summary: q.texts?.summary ?? null,
      actions: q.texts?.actions ?? null,
      signer: q.texts?.signer ?? null,
      sentOn,
      version: q.texts?.version ?? 0,
      updatedAt: q.texts?.updatedAt ?? null,
    },
    sentOn,
    coverage: q.project
      ? `Réalisé : ${yearsText(q.years)} ${q.project.code.includes(" + ") ? "des projets" : "du projet"} (prévision et réalisation de ${q.years.length > 1 ? "ces exercices entiers" : "l'exercice entier"})`
      : "Réalisé : les dépenses affectées à la subvention et ses produits comptabilisés",
    budgetByRubrique,
    budgetNote: budgetByRubrique ? null : NO_BUDGET_BY_RUBRIQUE,
    unexplained,
    missing,
    ready: missing.length === 0,
  };
}

/**
 * « Prêt à envoyer », or what is still missing (gaps to explain, the bilan), one sentence:
 * « 2 écarts à expliquer, le bilan qualitatif de l'action n'est pas rédigé ». `sections`: each with
 * the form's section that says it (the PDF: « (voir 6) », « (voir 1) »).
 */
export const readinessText = (cr: Pick<CompteRendu, "ready" | "missing">, sections = false) =>
  cr.ready
    ? "Prêt à envoyer"
    : cr.missing
        .map((m, i) => {
          const where = !sections ? "" : m === NO_SUMMARY ? " (voir 1)" : /à expliquer$/.test(m) ? " (voir 6)" : "";
          return `${i ? m.charAt(0).toLowerCase() + m.slice(1) : m}${where}`;
        })
        .join(", ");

/** What a gap row of the form says beside it: its explanation, or that it has none. */
export const UNEXPLAINED = "Écart non expliqué";

const frDate = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
/** A share as a figure in percent, one decimal: 0.2 → 20,0 (the column says "en %"). */
const pctText = (share: number | null) => (share === null ? "" : csvFigure((Math.round(share * 1000) / 10).toFixed(1).replace(".", ",")));

export const STATUS_LABELS: Record<ReportStatus, string> = {
  "en-cours": "action en cours",
  "a-remettre": "à remettre",
  "en-retard": "en retard",
};

/** The compte-rendu as a semicolon CSV (UTF-8 with BOM, decimal commas), in the form's order. */
export function compteRenduCsv(cr: CompteRendu): string {
  const out: string[] = [CSV_BOM];
  const g = cr.grant;
  out.push(csvLine(["Compte rendu financier de l'action subventionnée (CERFA 15059)"]));
  out.push(csvLine(["Association", cr.association]));
  out.push(csvLine(["Action", cr.project ? `${cr.project.name} (${cr.project.code})` : g.title]));
  out.push(csvLine(["Financeur", g.funderName]));
  out.push(csvLine(["Subvention", g.title]));
  out.push(csvLine(["Montant accordé", money(g.amount)]));
  out.push(csvLine(["Période", `du ${frDate(g.startDate)} au ${frDate(g.endDate)}`]));
  out.push(csvLine(["À remettre avant le", frDate(cr.dueDate), STATUS_LABELS[cr.status]]));
  if (cr.sentOn) out.push(csvLine(["Remis au financeur le", frDate(cr.sentOn)]));
  out.push(csvLine(["État", readinessText(cr)]));
  out.push(csvLine([]));
  out.push(csvLine(["Rubrique", "Compte", "Libellé", "Prévision", "Réalisation", "Écart", "Écart en %", "Explication de l'écart"]));
  const toExplain = new Set(cr.gapsToExplain.map((x) => x.rubrique));
  const explained = new Map(cr.explanations.gaps.map((x) => [x.rubrique, x.text]));
  const why = (rubrique: string) => explained.get(rubrique) ?? (toExplain.has(rubrique) ? UNEXPLAINED : undefined);
  const sides = [
    ["charges", "Total des charges"],
    ["produits", "Total des produits"],
    ["emplois", "Total des emplois des contributions volontaires"],
    ["ressources", "Total des contributions volontaires"],
  ] as const;
  for (const [side, total] of sides) {
    for (const r of cr.comparison.rubriques.filter((x) => x.side === side)) {
      const text = why(r.rubrique);
      out.push(csvLine([r.rubrique, "", r.label, money(r.budget), money(r.actual), money(r.gap), pctText(r.gapShare), ...(text ? [text] : [])]));
      for (const a of r.accounts) out.push(csvLine([r.rubrique, a.account, a.label, money(a.budget), money(a.actual), money(a.gap), pctText(a.gapShare)]));
    }
    const t = cr.comparison.totals[side];
    out.push(csvLine(["", "", total, money(t.budget), money(t.actual), money(t.gap), pctText(t.gapShare)]));
  }
  const res = cr.comparison.totals.result;
  out.push(csvLine(["", "", "Résultat (produits − charges)", money(res.budget), money(res.actual), money(res.gap), ""]));
  out.push(csvLine([]));
  out.push(
    csvLine([
      "Part de la subvention",
      money(cr.grantShare.amount),
      "en % des produits prévus",
      pctText(cr.grantShare.ofBudget),
      "en % des charges réalisées",
      pctText(cr.grantShare.ofActual),
    ]),
  );
  out.push(csvLine([]));
  out.push(csvLine(["Bilan de l'action réalisée", cr.explanations.summary ?? ""]));
  out.push(csvLine(["Résultats (bénéficiaires, lieux, objectifs)", cr.explanations.actions ?? ""]));
  const signer = cr.explanations.signer;
  out.push(csvLine(["Signataire", signer ? [signer.name, signer.quality].filter(Boolean).join(", ") : ""]));
  out.push(csvLine([]));
  out.push(csvLine(["Dépenses financées par la subvention"]));
  out.push(csvLine(["Date", "Fournisseur", "Compte", "Libellé", "Pièce", "Montant de la facture", "Part de la subvention"]));
  for (const e of cr.expenses.items) out.push(csvLine([frDate(e.date), e.supplier, e.account, e.label, e.pieceRef, money(e.total), money(e.amount)]));
  out.push(csvLine(["Total", "", "", "", "", "", money(cr.expenses.total)]));
  return out.join("");
}

/** Whether an account is a budget row's (for the callers that filter balances). */
export const isActionAccount = (account: string) => cerfaRowOf(account) !== undefined;
