/**
 * Annual report benchmarks (pure parts, no I/O): `npx tsx bench/reports.ts`.
 * - figures for a year of 100 000 entries: the lines folded into balances, then the figures and
 *   statements of the year and the year before (target: under 300 ms);
 * - the same year's lines carrying 12 projects (most charge and income lines on one, the rest on
 *   none), folded into balances per project too, and the report's « Budget et réalisé » block: the
 *   budget of the books and of each project compared with them (inside the 300 ms);
 * - the Rapport financier PDF of about 20 pages, budget pages included (target: under 1 s).
 */
import { reportFigures, type FunderFigures, type SocialMonth, type YearInput, type Balance, PLATFORMS } from "@asso/core/reports";
import { renderAnnualReport } from "@asso/core/reports/lazy";
import { reportBudget } from "@asso/core/reports";
import { chartOfAccounts } from "@asso/core/ledger";
import { compareBudget, type BudgetLine } from "@asso/core/projects";

/** A deterministic pseudo-random generator (mulberry32), so runs compare. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const accounts = [
  ...chartOfAccounts.map((a) => a.number).filter((n) => !n.startsWith("8")),
  ...Array.from({ length: 120 }, (_, i) => `6226${String(i).padStart(3, "0")}`),
  ...Array.from({ length: 80 }, (_, i) => `7551${String(i).padStart(3, "0")}`),
];

const charges = accounts.filter((a) => a.startsWith("6"));
const income = accounts.filter((a) => a.startsWith("7"));
const PROJECTS = Array.from({ length: 12 }, (_, i) => `P${String(i + 1).padStart(2, "0")}`);
const balanceSheet = accounts.filter((a) => /^[1-5]/.test(a));

/** 100 000 entries shaped like a year: charges paid or owed, income received, a few balance-sheet moves; some split over three lines. */
function entries(n: number, seed: number) {
  const r = rng(seed);
  const pick = (xs: string[]) => xs[Math.floor(r() * xs.length)]!;
  const out: Array<Array<{ account: string; debit: number; credit: number; project?: string }>> = [];
  for (let i = 0; i < n; i++) {
    const amount = 100 + Math.floor(r() * 200_000);
    const kind = r();
    const [debit, credit] =
      kind < 0.48 ? [pick(charges), r() < 0.5 ? "401" : "512"] : kind < 0.96 ? ["512", pick(income)] : [pick(balanceSheet), pick(balanceSheet)];
    const part = Math.floor(amount / 3);
    const project = r() < 0.7 ? PROJECTS[Math.floor(r() * PROJECTS.length)] : undefined;
    const onProject = <T extends { account: string }>(l: T) => (project && /^[67]/.test(l.account) ? { ...l, project } : l);
    out.push(
      r() < 0.7
        ? [
            { account: debit, debit: amount, credit: 0 },
            { account: credit, debit: 0, credit: amount },
          ].map(onProject)
        : [
            { account: debit, debit: amount - part, credit: 0 },
            { account: kind < 0.48 ? pick(charges) : debit, debit: part, credit: 0 },
            { account: credit, debit: 0, credit: amount },
          ].map(onProject),
    );
  }
  return out;
}

function fold(es: ReturnType<typeof entries>): Balance[] {
  const m = new Map<string, { debit: number; credit: number }>();
  for (const e of es)
    for (const l of e) {
      const s = m.get(l.account) ?? { debit: 0, credit: 0 };
      s.debit += l.debit;
      s.credit += l.credit;
      m.set(l.account, s);
    }
  return [...m].map(([account, s]) => ({ account, label: account, ...s, balance: s.debit - s.credit }));
}

/** The balances per project and account the ledger keeps (PBAL), folded from the lines. */
function foldProjects(es: ReturnType<typeof entries>) {
  const m = new Map<string, { account: string; project: string; balance: number }>();
  for (const e of es)
    for (const l of e) {
      if (!l.project) continue;
      const k = `${l.project}#${l.account}`;
      const s = m.get(k) ?? { account: l.account, project: l.project, balance: 0 };
      s.balance += l.debit - l.credit;
      m.set(k, s);
    }
  return [...m.values()];
}

/** A budget on every 6/7 account of the bench, per project and for the rest. */
const BUDGET: BudgetLine[] = [...charges, ...income].flatMap((account, i) => [
  { account, project: PROJECTS[i % PROJECTS.length]!, amount: 200_000 + i * 1_000 },
  { account, project: null, amount: 100_000 + i * 500 },
]);

/** The report's budget block, as `workflows/annual-report.ts` builds it. */
function budgetBlock(year: number, balances: Balance[], byProject: ReturnType<typeof foldProjects>) {
  const labelOf = (a: string) => a;
  const whole = compareBudget({ year, project: null, budget: BUDGET, actuals: balances, labelOf });
  const perProject = PROJECTS.map((code) =>
    compareBudget({ year, project: { code, name: `Projet ${code}` }, budget: BUDGET, actuals: byProject.filter((a) => a.project === code), labelOf }),
  );
  return reportBudget(whole, perProject);
}

function social(year: number): SocialMonth[] {
  const out: SocialMonth[] = [];
  for (const platform of PLATFORMS)
    for (let m = 1; m <= 12; m++)
      out.push({
        platform,
        month: `${year}-${String(m).padStart(2, "0")}`,
        followers: 1000 + m * 150,
        newFollowers: 100 + ((m * 37) % 150),
        impressions: 20_000 + m * 321,
        reactions: 600 + m,
        pageVisits: 1900 + m * 7,
        videosPublished: m % 3,
        views: 300 + m * 41,
      });
  return out;
}

function funders(n: number): FunderFigures[] {
  return Array.from({ length: n }, (_, i) => ({
    funderId: `f${i}`,
    name: `Fondation n° ${i + 1} pour l’œuvre commune`,
    kind: "foundation" as const,
    awarded: 1_000_000 + i,
    recognised: 10_000 + i,
    received: 9_000,
    spent: 8_000,
    dedicatedFunds: 2_000,
  }));
}

const people = { members: 120, donors: 800, monthlyDonors: 60, gifts: { count: 2_400, total: 22_600_000 } };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const es = entries(100_000, 42);
  const prev = entries(100_000, 7);
  const times: number[] = [];
  const foldTimes: number[] = [];
  const budgetTimes: number[] = [];
  let last: ReturnType<typeof reportFigures> | undefined;
  let block: ReturnType<typeof budgetBlock> | undefined;
  for (let run = 0; run < 7; run++) {
    const t0 = performance.now();
    const cur = fold(es);
    const before = fold(prev);
    const byProject = foldProjects(es);
    const t1 = performance.now();
    const input = (year: number, balances: Balance[]): YearInput => ({
      year,
      balances,
      funders: funders(40),
      fundersSource: "grants",
      people,
      social: social(year),
    });
    last = reportFigures(input(2024, cur), input(2023, before));
    const t2 = performance.now();
    block = budgetBlock(2024, cur, byProject);
    const t3 = performance.now();
    foldTimes.push(t1 - t0);
    times.push(t2 - t1);
    budgetTimes.push(t3 - t2);
  }
  console.log(`figures from balances (2 years, ${accounts.length} accounts): median ${median(times).toFixed(1)} ms`);
  console.log(
    `folding 2 × 100 000 entries into balances (and per project) + figures: median ${(median(foldTimes) + median(times)).toFixed(1)} ms (target < 300 ms)`,
  );
  console.log(
    `budget block (books + ${PROJECTS.length} projects, ${BUDGET.length} budget lines): median ${median(budgetTimes).toFixed(1)} ms; with the figures: ${(median(foldTimes) + median(times) + median(budgetTimes)).toFixed(1)} ms (target < 300 ms)`,
  );
  if (!block?.projects.length) throw new Error("no budget block");

  // A long report: many funders and every platform, about 20 pages.
  const cur = fold(es);
  const long = reportFigures(
    { year: 2024, balances: cur, funders: funders(150), fundersSource: "grants", people, social: social(2024) },
    { year: 2023, balances: fold(prev), funders: funders(20), fundersSource: "grants", people, social: social(2023) },
  );
  if (process.env.FIGS_OUT) (await import("node:fs")).writeFileSync(process.env.FIGS_OUT, JSON.stringify(long));
  const pdfTimes: number[] = [];
  let pages = 0;
  let size = 0;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    const pdf = await renderAnnualReport(long, { association: "Association de démonstration", budget: block });
    pdfTimes.push(performance.now() - t0);
    if (process.env.REPORT_PDF_OUT) (await import("node:fs")).writeFileSync(process.env.REPORT_PDF_OUT, pdf);
    pages = (
      Buffer.from(pdf)
        .toString("latin1")
        .match(/\/Type \/Page\b/g) ?? []
    ).length;
    size = pdf.length;
  }
  console.log(
    `PDF: ${pages} pages, ${(size / 1024).toFixed(0)} KiB, first ${pdfTimes[0]!.toFixed(0)} ms, median ${median(pdfTimes.slice(1)).toFixed(0)} ms (target < 1 s)`,
  );
  if (!last) throw new Error("no figures");
}

await main();
