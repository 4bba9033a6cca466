/**
 * The annual report's figures: a pure function of plain data (a year's balances, funders' figures,
 * the people registries' counts, the social metrics), for the year and the year before. No I/O:
 * `store.ts` loads the inputs, the PDF and CSV renderers only draw the result.
 */
import { buildStatements, type Balance, type Statements } from "./financial-statements.js";
import { findAccount } from "../ledger/index.js";
import { eurosRoundedText } from "../money.js";
import { percent } from "./format.js";
import { METRICS, PLATFORMS, type Metric, type Platform, type SocialMonth } from "../social/index.js";
import { fiscalYearBounds } from "../dates.js";
import { exerciseDates, type ExerciseDates, type PreviousExercise } from "./annexe.js";
import { thresholdsOf, type Thresholds } from "./thresholds.js";

// ---------------------------------------------------------------- inputs

export type FunderKind = "foundation" | "endowment_fund" | "public" | "association" | "company";

/** One funder's figures for a year (from the grants domain, or read off funders' sub-accounts). */
export interface FunderFigures {
  funderId: string;
  name: string;
  kind: FunderKind;
  /** Cents; null when the source does not know it (sub-accounts only give what was recognised). */
  awarded: number | null;
  /** Income recognised in the year. */
  recognised: number;
  received: number | null;
  spent: number | null;
  /** Unspent restricted money carried at year end (fonds dédiés). */
  dedicatedFunds: number | null;
}

export { METRICS, PLATFORMS, type Metric, type Platform, type SocialMonth };

export interface PeopleFigures {
  /** Members whose membership covered the year. */
  members: number;
  donors: number;
  monthlyDonors: number;
  gifts: { count: number; total: number };
}

export interface YearInput {
  year: number;
  balances: readonly Balance[];
  /** Funders' figures; empty when none are known. */
  funders: readonly FunderFigures[];
  /** Where the funders' figures come from. */
  fundersSource: "grants" | "sub-accounts";
  people: PeopleFigures;
  social: readonly SocialMonth[];
  /** The receipts issued for the year's gifts (receipts door): the gifts threshold counts them. */
  receipted?: { count: number; total: number };
}

// ---------------------------------------------------------------- outputs

export const SOURCES = [
  ["individual_gifts", "Dons de particuliers", ["7541"]],
  ["company_giving", "Mécénat d'entreprises", ["7542"]],
  ["legacies", "Legs et donations", ["7543"]],
  ["public_generosity_other", "Autres ressources de générosité", ["754"]],
  ["membership_fees", "Cotisations", ["756"]],
  ["foundation_contributions", "Fondations et autres organismes", ["755"]],
  ["public_subsidies", "Subventions publiques", ["74"]],
  ["sales", "Ventes et prestations", ["70"]],
  ["dedicated_funds_used", "Utilisations de fonds dédiés", ["789"]],
  ["other", "Autres produits", ["7"]],
] as const;
export type Source = (typeof SOURCES)[number][0];
export const SOURCE_LABELS: Record<Source, string> = Object.fromEntries(SOURCES.map(([s, l]) => [s, l])) as Record<Source, string>;

/** What the part of a split source that no funder explains is called. */
const REST_LABELS: Partial<Record<Source, string>> = {
  foundation_contributions: "Autres fondations et organismes",
  public_subsidies: "Autres subventions publiques",
  company_giving: "Autres mécènes",
};

/** How a line of income by source is named in the PDF and the CSV: the funder's name when split by funder. */
export function sourceDisplay(s: { source: Source; label: string; funder?: string; funderId?: string }): string {
  if (!s.funder) return s.label;
  return s.funderId ? s.funder : (REST_LABELS[s.source] ?? `${s.label} (autres)`);
}

/** The source an income account belongs to: its longest matching prefix. */
export function sourceOf(account: string): Source {
  let best: { s: Source; n: number } = { s: "other", n: 0 };
  for (const [s, , prefixes] of SOURCES) for (const p of prefixes) if (account.startsWith(p) && p.length > best.n) best = { s, n: p.length };
  return best.s;
}

/** A share rounded to 4 decimals (0.078 = 7.8 %); 0 when the denominator is 0. */
export const share = (amount: number, total: number) => (total === 0 ? 0 : Math.round((amount / total) * 10_000) / 10_000);

export interface IncomeSource {
  source: Source;
  label: string;
  /** The funder, for contributions and subsidies split by funder. */
  funder?: string;
  funderId?: string;
  accounts: string[];
  amount: number;
  share: number;
}

export interface SocialPlatform {
  platform: Platform;
  /** Followers at the last month of the year that states them. */
  followers: number | null;
  newFollowers: number | null;
  impressions: number | null;
  reactions: number | null;
  pageVisits: number | null;
  videosPublished: number | null;
  views: number | null;
  /** Twelve months, January first; null where nothing was recorded. */
  months: Array<{ month: string } & Record<Metric, number | null>>;
}

export interface YearFigures {
  year: number;
  income: {
    total: number;
    denominator: { label: string; amount: number };
    bySource: IncomeSource[];
    /** Individual gifts ÷ total income. */
    donorShare: number;
  };
  expenses: {
    total: number;
    denominator: { label: string; amount: number };
    byCategory: Array<{ category: string; label: string; accounts: string[]; amount: number; share: number }>;
  };
  result: number;
  grants: Array<{
    funderId: string;
    funder: string;
    kind: FunderKind;
    awarded: number | null;
    recognised: number;
    received: number | null;
    spent: number | null;
    dedicatedFunds: number | null;
  }>;
  grantsSource: YearInput["fundersSource"];
  dedicatedFunds: { opening: number; added: number; used: number; closing: number };
  members: number;
  /**
   * The online gifts of the registry (count, total, donors) beside what 7541 carries (`booked`);
   * `unregistered` = booked − total: gifts booked without the registry (cheques, transfers, entries
   * summing a period) less refunds the registry nets.
   */
  donations: { count: number; total: number; average: number; donors: number; monthlyDonors: number; booked: number; unregistered: number };
  social: SocialPlatform[];
  statements: Statements;
  commentary: string[];
}

export interface ReportFigures extends YearFigures {
  previous: YearFigures;
  /** The exercise's dates: the fiscal year, from the creation date in the first one. */
  exercise: ExerciseDates;
  /** The year before: none (no exercise: before the creation, or nothing booked), or its ledger status. */
  previousExercise: PreviousExercise;
  thresholds: Thresholds;
}

/** What the report knows beyond the balances: the settings' creation date and the ledger's year status. */
export interface ReportContext {
  exercise?: ExerciseDates;
  previousExercise?: PreviousExercise;
}

// ---------------------------------------------------------------- the figures

const INCOME_DENOMINATOR = "Total des produits (comptes de classe 7, hors contributions volontaires en nature)";
const EXPENSE_DENOMINATOR = "Total des charges (comptes de classe 6, hors contributions volontaires en nature)";

/** Funder kinds whose money sits in each split source (see the chart: 755 / 74 / 7542). */
const SPLIT: Partial<Record<Source, readonly FunderKind[]>> = {
  foundation_contributions: ["foundation", "endowment_fund", "association"],
  public_subsidies: ["public"],
  company_giving: ["company"],
};

function incomeBySource(balances: readonly Balance[], funders: readonly FunderFigures[], total: number): IncomeSource[] {
  const amounts = new Map<Source, { amount: number; accounts: string[] }>();
  for (const b of balances) {
    if (b.account[0] !== "7" || b.balance === 0) continue;
    const s = sourceOf(b.account);
    const a = amounts.get(s) ?? { amount: 0, accounts: [] };
    a.amount -= b.balance;
    a.accounts.push(b.account);
    amounts.set(s, a);
  }
  const out: IncomeSource[] = [];
  for (const [source, label] of SOURCES) {
    const a = amounts.get(source);
    if (!a || a.amount === 0) continue;
    const kinds = SPLIT[source];
    const mine = kinds ? funders.filter((f) => kinds.includes(f.kind) && f.recognised !== 0) : [];
    const allocated = mine.reduce((s, f) => s + f.recognised, 0);
    if (mine.length && allocated <= a.amount) {
      for (const f of [...mine].sort((x, y) => y.recognised - x.recognised || x.name.localeCompare(y.name)))
        out.push({ source, label, funder: f.name, funderId: f.funderId, accounts: a.accounts, amount: f.recognised, share: share(f.recognised, total) });
      const rest = a.amount - allocated;
      if (rest !== 0) out.push({ source, label, funder: "Autres", accounts: a.accounts, amount: rest, share: share(rest, total) });
    } else out.push({ source, label, accounts: a.accounts, amount: a.amount, share: share(a.amount, total) });
  }
  return out;
}

function dedicatedFunds(balances: readonly Balance[]) {
  let opening = 0;
  let added = 0;
  let used = 0;
  let closing = 0;
  for (const b of balances) {
    if (b.account.startsWith("19") && !b.account.startsWith("191")) closing -= b.balance;
    if (b.account.startsWith("689")) added += b.balance;
    if (b.account.startsWith("789")) used -= b.balance;
  }
  opening = closing - added + used;
  return { opening, added, used, closing };
}

/** Funders read off sub-accounts of 755x, 74x and 7542 that the chart does not have (e.g. `75511 Fondation de France`). */
export function fundersFromBalances(balances: readonly Balance[]): FunderFigures[] {
  const out: FunderFigures[] = [];
  for (const b of balances) {
    if (b.balance === 0 || findAccount(b.account)) continue;
    const kind: FunderKind | undefined = b.account.startsWith("755")
      ? "foundation"
      : b.account.startsWith("74")
        ? "public"
        : b.account.startsWith("7542")
          ? "company"
          : undefined;
    if (!kind) continue;
    out.push({
      funderId: b.account,
      name: b.label && b.label !== b.account ? b.label : `Compte ${b.account}`,
      kind,
      awarded: null,
      recognised: -b.balance,
      received: null,
      spent: null,
      dedicatedFunds: null,
    });
  }
  return out;
}

const monthsOf = (year: number) => Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, "0")}`);

export function socialFigures(year: number, rows: readonly SocialMonth[]): SocialPlatform[] {
  const platforms = PLATFORMS.filter((p) => rows.some((r) => r.platform === p && r.month.startsWith(`${year}-`)));
  return platforms.map((platform) => {
    const byMonth = new Map(rows.filter((r) => r.platform === platform).map((r) => [r.month, r]));
    const months = monthsOf(year).map((month) => {
      const r = byMonth.get(month);
      return { month, ...(Object.fromEntries(METRICS.map((m) => [m, r?.[m] ?? null])) as Record<Metric, number | null>) };
    });
    const total = (m: Metric) => (months.some((x) => x[m] !== null) ? months.reduce((s, x) => s + (x[m] ?? 0), 0) : null);
    const lastFollowers = [...months].reverse().find((x) => x.followers !== null)?.followers ?? null;
    return {
      platform,
      followers: lastFollowers,
      newFollowers: total("newFollowers"),
      impressions: total("impressions"),
      reactions: total("reactions"),
      pageVisits: total("pageVisits"),
      videosPublished: total("videosPublished"),
      views: total("views"),
      months,
    };
  });
}

const PLATFORM_NAMES: Record<Platform, string> = {
  linkedin: "LinkedIn",
  youtube: "YouTube",
  instagram: "Instagram",
  facebook: "Facebook",
  x: "X",
  mastodon: "Mastodon",
  bluesky: "Bluesky",
};
export const platformName = (p: Platform) => PLATFORM_NAMES[p];

const nf = new Intl.NumberFormat("fr-FR");
const eurosRounded = eurosRoundedText;

function commentary(f: Omit<YearFigures, "commentary">): string[] {
  const out: string[] = [];
  const { income, expenses } = f;
  if (income.total > 0) {
    out.push(`Les dons de particuliers représentent ${percent(income.donorShare)} des produits.`);
    const bySource = new Map<string, number>();
    for (const s of income.bySource) bySource.set(s.source, (bySource.get(s.source) ?? 0) + s.amount);
    const [mainSource, mainAmount] = [...bySource.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const topFunder = income.bySource.filter((s) => s.source === mainSource && s.funderId).sort((a, b) => b.amount - a.amount)[0];
    out.push(
      `Première source de produits : ${SOURCE_LABELS[mainSource as Source].toLowerCase()}, ${percent(share(mainAmount, income.total))} des produits${topFunder ? ` (dont ${topFunder.funder} : ${eurosRounded(topFunder.amount)})` : ""}.`,
    );
  }
  if (expenses.total > 0) {
    const topCat = [...expenses.byCategory].sort((a, b) => b.amount - a.amount)[0]!;
    out.push(`Le poste « ${topCat.label.toLowerCase()} » représente ${percent(topCat.share)} des charges.`);
  }
  if (income.total > 0 || expenses.total > 0) {
    const r = f.result;
    const ratio = income.total ? Math.abs(r) / income.total : 1;
    out.push(
      r === 0
        ? "Les produits et les charges sont égaux : le résultat est nul."
        : ratio < 0.02
          ? `Produits et charges sont presque égaux : ${r > 0 ? "excédent" : "déficit"} de ${eurosRounded(Math.abs(r))}.`
          : `L'exercice se solde par un ${r > 0 ? "excédent" : "déficit"} de ${eurosRounded(Math.abs(r))}.`,
    );
  }
  if (f.dedicatedFunds.closing > 0) out.push(`Les fonds dédiés s'élèvent à ${eurosRounded(f.dedicatedFunds.closing)} en fin d'exercice.`);
  for (const p of f.social) {
    const bits: string[] = [];
    if (p.followers !== null) bits.push(`${nf.format(p.followers)} abonnés`);
    if (p.impressions !== null) bits.push(`${nf.format(p.impressions)} impressions`);
    if (p.videosPublished !== null) bits.push(`${nf.format(p.videosPublished)} vidéos publiées`);
    if (p.views !== null) bits.push(`${nf.format(p.views)} vues`);
    if (bits.length) out.push(`${platformName(p.platform)} : ${bits.join(", ")}.`);
  }
  return out;
}

/** The figures of one year. */
export function yearFigures(input: YearInput): YearFigures {
  const statements = buildStatements(input.balances);
  const cr = statements.compteDeResultat;
  const total = cr.totals.produits;
  const bySource = incomeBySource(input.balances, input.funders, total);
  const individual = bySource.filter((s) => s.source === "individual_gifts").reduce((s, x) => s + x.amount, 0);
  const charges = cr.totals.charges;
  const byCategory = cr.lines
    .filter((l) => l.side === "charges" && l.amount !== 0)
    .map((l) => ({ category: l.rubrique, label: l.label, accounts: l.accounts.map((a) => a.account), amount: l.amount, share: share(l.amount, charges) }));
  const { gifts } = input.people;
  const figures: Omit<YearFigures, "commentary"> = {
    year: input.year,
    income: { total, denominator: { label: INCOME_DENOMINATOR, amount: total }, bySource, donorShare: share(individual, total) },
    expenses: { total: charges, denominator: { label: EXPENSE_DENOMINATOR, amount: charges }, byCategory },
    result: cr.result,
    grants: [...input.funders]
      .sort((a, b) => b.recognised - a.recognised || a.name.localeCompare(b.name))
      .map((f) => ({
        funderId: f.funderId,
        funder: f.name,
        kind: f.kind,
        awarded: f.awarded,
        recognised: f.recognised,
        received: f.received,
        spent: f.spent,
        dedicatedFunds: f.dedicatedFunds,
      })),
    grantsSource: input.fundersSource,
    dedicatedFunds: dedicatedFunds(input.balances),
    members: input.people.members,
    donations: {
      count: gifts.count,
      total: gifts.total,
      average: gifts.count ? Math.round(gifts.total / gifts.count) : 0,
      donors: input.people.donors,
      monthlyDonors: input.people.monthlyDonors,
      booked: individual,
      unregistered: individual - gifts.total,
    },
    social: socialFigures(input.year, input.social),
    statements,
  };
  return { ...figures, commentary: commentary(figures) };
}

/** The report: the year and the year before it, side by side. */
export function reportFigures(current: YearInput, previous: YearInput, context: ReportContext = {}): ReportFigures {
  const exercise = context.exercise ?? exerciseDates(current.year, fiscalYearBounds(current.year), "");
  const hasPrevious = previous.balances.some((b) => b.balance !== 0);
  const previousExercise: PreviousExercise =
    exercise.first || (!hasPrevious && !context.previousExercise)
      ? { year: previous.year, status: "none" }
      : (context.previousExercise ?? { year: previous.year, status: "open" });
  return { ...yearFigures(current), previous: yearFigures(previous), exercise, previousExercise, thresholds: thresholdsOf(current) };
}
