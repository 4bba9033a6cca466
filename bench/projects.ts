/**
 * Projects and budgets benchmarks (pure parts, no I/O): `npx tsx bench/projects.ts`.
 * - a year of 100 000 entries whose lines carry one of 12 projects (a third split between two):
 *   folded into the balances per project and account the sequencer keeps, then the figures of
 *   every project, the budget comparison of the books and of each project (target: under 300 ms
 *   once the balances are read, as for the annual report's figures);
 * - a compte-rendu financier (CERFA 15059) of a project with 300 expenses, as a PDF (target: under 1 s).
 */
import { buildCompteRendu, compareBudget, splitAmount, type BudgetLine } from "@asso/core/projects";
import { renderGrantReport } from "@asso/core/projects/lazy";

function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const CHARGES = ["606", "6064", "611", "613", "6226", "623", "6251", "6257", "626", "627", "641", "645", "6811"];
const INCOME = ["7541", "756", "741", "742", "7551", "706", "768"];
const PROJECTS = Array.from({ length: 12 }, (_, i) => `P${String(i + 1).padStart(2, "0")}`);

type L = { account: string; balance: number; project?: string };
function lines(n: number, seed: number): L[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: L[] = [];
  for (let i = 0; i < n; i++) {
    const amount = 100 + Math.floor(r() * 200_000);
    const charge = r() < 0.55;
    const account = charge ? pick(CHARGES) : pick(INCOME);
    const sign = charge ? 1 : -1;
    const p = r();
    if (p < 0.2) out.push({ account, balance: sign * amount });
    else if (p < 0.66) out.push({ account, balance: sign * amount, project: pick(PROJECTS) });
    else
      for (const part of splitAmount(amount, [
        { projectId: pick(PROJECTS.slice(0, 11)), share: 0.6 },
        { projectId: "P12", share: 0.4 },
      ]))
        out.push({ account, balance: sign * part.amount, project: part.project });
    out.push({ account: charge ? "512" : "411", balance: -sign * amount });
  }
  return out;
}

async function main() {
  const all = lines(100_000, 42);
  const budget: BudgetLine[] = PROJECTS.flatMap((p) => [...CHARGES, ...INCOME].map((account) => ({ account, project: p, amount: 500_000 })));
  const times: number[] = [];
  let projectsShown = 0;
  for (let run = 0; run < 7; run++) {
    // What the sequencer keeps: balances per account, and per project and account.
    const books = new Map<string, number>();
    const byProject = new Map<string, Map<string, number>>();
    for (const l of all) {
      books.set(l.account, (books.get(l.account) ?? 0) + l.balance);
      if (l.project) {
        const m = byProject.get(l.project) ?? new Map<string, number>();
        m.set(l.account, (m.get(l.account) ?? 0) + l.balance);
        byProject.set(l.project, m);
      }
    }
    const t0 = performance.now();
    const label = (a: string) => a;
    const whole = compareBudget({ year: 2024, project: null, budget, actuals: [...books].map(([account, balance]) => ({ account, balance })), labelOf: label });
    const each = PROJECTS.map((code) =>
      compareBudget({
        year: 2024,
        project: { code, name: code },
        budget,
        actuals: [...(byProject.get(code) ?? new Map())].map(([account, balance]) => ({ account, balance })),
        labelOf: label,
      }),
    );
    times.push(performance.now() - t0);
    projectsShown = each.length + (whole ? 1 : 0);
  }
  console.log(
    `budget comparisons (the books and ${projectsShown - 1} projects, 100 000 entries' balances): median ${median(times).toFixed(1)} ms (target < 300 ms)`,
  );

  const r = rng(7);
  const expenses = Array.from({ length: 300 }, (_, i) => {
    const amount = 1_000 + Math.floor(r() * 100_000);
    return {
      id: `e${i}`,
      date: `2024-${String(1 + (i % 12)).padStart(2, "0")}-15`,
      supplier: `Fournisseur ${i % 40}`,
      account: CHARGES[i % CHARGES.length]!,
      label: `Facture ${i}`,
      pieceRef: `F-${i}`,
      total: amount,
      amount,
    };
  });
  const spent = expenses.reduce((s, e) => s + e.amount, 0);
  const cr = buildCompteRendu({
    association: "Association de démonstration",
    grant: {
      id: "g",
      title: "Programme 2024",
      funderName: "Région",
      amount: 5_000_000,
      agreementDate: "2024-01-10",
      agreementRef: "CONV-1",
      startDate: "2024-01-01",
      endDate: "2024-12-31",
      restricted: true,
      recognised: 5_000_000,
      spent,
      incomeAccount: "742",
      reportingDeadlines: [],
    },
    project: { code: "P01", name: "Projet 1" },
    years: [2024],
    budget,
    actuals: [...CHARGES.map((account) => ({ account, balance: 400_000 })), { account: "742", balance: -5_000_000 }],
    expenses,
    labelOf: (a) => a,
    today: "2025-03-01",
  });
  const pdfTimes: number[] = [];
  let pages = 0;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    const pdf = await renderGrantReport(cr);
    pdfTimes.push(performance.now() - t0);
    pages = (
      Buffer.from(pdf)
        .toString("latin1")
        .match(/\/Type \/Page\b/g) ?? []
    ).length;
  }
  console.log(
    `compte-rendu financier PDF: ${pages} pages, first ${pdfTimes[0]!.toFixed(0)} ms, median ${median(pdfTimes.slice(1)).toFixed(0)} ms (target < 1 s)`,
  );
}

await main();
