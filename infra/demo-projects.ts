/**
 * The demo association's analytic axis, budget and volunteers (issue 20):
 * - three projects, created in the books before the 2024 entries so that grants, purchases and
 *   payroll carry them (`seedProjects2024`, through the projects domain);
 * - through the running API as the trésorier would (`seedPlans2024`): the 2024 budget voted by the
 *   assemblée générale, per project and for the association's running costs, on the chart's
 *   accounts; volunteers' hours per month and project, valued at that month's SMIC; and one
 *   gift in kind (a room lent for the masterclasses).
 * None of it changes the 2024 compte de résultat: projects are an axis on existing lines, and
 * contributions in kind sit in classes 86/87, below the result.
 */
import type { Db } from "@asso/core";
import { createProject } from "@asso/core/projects";

export const DEMO_PROJECTS = [
  { code: "MILLIARD", name: "Campagne « Un milliard pour la transition juste »", description: "Recenser les organisations et mobiliser l'épargne citoyenne" },
  { code: "EDUCPOP", name: "Éducation populaire", description: "Masterclasses et vidéos sur la finance solidaire" },
  { code: "PLAIDOYER", name: "Plaidoyer", description: "Propositions aux pouvoirs publics et aux réseaux bancaires" },
] as const;

/** Payroll split between the projects, as the time sheets of 2024 say. */
export const DEMO_PAYROLL_SPLIT = [
  { projectId: "MILLIARD", share: 0.5 },
  { projectId: "EDUCPOP", share: 0.2 },
  { projectId: "PLAIDOYER", share: 0.3 },
];

export async function seedProjects2024(db: Db): Promise<void> {
  for (const p of DEMO_PROJECTS) await createProject(db, { ...p });
}

const eur = (euros: number) => Math.round(euros * 100);

/** The 2024 budget (euros): per project, then the association's running costs and unassigned income. */
const BUDGET_2024: Array<[account: string, project: string | undefined, euros: number]> = [
  ["604", "MILLIARD", 20_000],
  ["6226", "MILLIARD", 90_000],
  ["641", "MILLIARD", 38_000],
  ["645", "MILLIARD", 17_500],
  ["7551", "MILLIARD", 100_000],
  ["7541", "MILLIARD", 20_000],
  ["623", "EDUCPOP", 24_000],
  ["641", "EDUCPOP", 15_000],
  ["645", "EDUCPOP", 7_000],
  ["7551", "EDUCPOP", 30_000],
  ["623", "PLAIDOYER", 12_000],
  ["6226", "PLAIDOYER", 10_000],
  ["641", "PLAIDOYER", 22_000],
  ["645", "PLAIDOYER", 10_000],
  ["613", undefined, 9_000],
  ["627", undefined, 800],
  ["7551", undefined, 135_000],
  ["756", undefined, 2_500],
  ["864", undefined, 30_000],
  ["875", undefined, 30_000],
];

/** Volunteers' hours of 2024, per month (April to December) and project. */
const HOURS_2024: Array<[month: string, project: string, hours: number, label: string]> = [
  ["2024-04", "MILLIARD", 120, "Recensement des organisations"],
  ["2024-05", "MILLIARD", 160, "Recensement des organisations"],
  ["2024-06", "MILLIARD", 210, "Recensement des organisations"],
  ["2024-07", "PLAIDOYER", 60, "Rencontres avec les élus"],
  ["2024-09", "EDUCPOP", 140, "Préparation des masterclasses"],
  ["2024-10", "EDUCPOP", 220, "Animation des masterclasses"],
  ["2024-10", "MILLIARD", 180, "Enquête auprès des épargnants"],
  ["2024-11", "PLAIDOYER", 95, "Rédaction des propositions"],
  ["2024-11", "MILLIARD", 250, "Relecture du recensement"],
  ["2024-12", "EDUCPOP", 130, "Montage des vidéos"],
];

/** The SMIC horaire brut of a month of 2024 (cents): 11,65 € from January, 11,88 € from November. */
export const smic2024 = (month: string) => (month >= "2024-11" ? 1_188 : 1_165);

/** Budget, volunteers' hours (at the month's SMIC) and a gift in kind for 2024, through the API; answers what it wrote. */
export async function seedPlans2024(api: string, token: string): Promise<{ budgetLines: number; hours: number; value: number; giftsInKind: number }> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  let n = 0;
  const send = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { ...headers, "idempotency-key": `demo-plans-2024-${++n}` },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`demo: ${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const lines = BUDGET_2024.map(([account, project, euros]) => ({ account, ...(project ? { project } : {}), amount: eur(euros) }));
  await send("PUT", "/v1/budgets/2024", { lines, note: "Budget prévisionnel voté par l'assemblée générale du 12 mars 2024" });
  let hours = 0;
  let value = 0;
  for (const [month, project, h, label] of HOURS_2024) {
    await send("POST", "/v1/volunteer-time", { month, hours: h, label, project, rate: smic2024(month) });
    hours += h;
    value += h * smic2024(month);
  }
  await send("POST", "/v1/gifts-in-kind", {
    date: "2024-10-15",
    nature: "mise-a-disposition",
    amount: eur(1_800),
    label: "Salle prêtée pour les masterclasses (6 soirées)",
    giver: "Maison des associations du 11e",
    project: "EDUCPOP",
  });
  return { budgetLines: lines.length, hours, value, giftsInKind: 1 };
}
