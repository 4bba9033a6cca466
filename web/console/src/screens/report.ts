/** The annual report: the year's figures with charts, the social statistics (entry and import), the PDF and CSV. */
import { useState } from "preact/hooks";
import { api, download, get, keyKeeper } from "../api.js";
import { formatDate, formatEuros, formatInt, formatPercent } from "../money.js";
import { ActionButton, can, ChartView, html, Loading, Page, ProblemView, Success, Tabs, useLoad, useYears, YearSelect } from "../ui.js";

interface Figures {
  year: number;
  income: { total: number; bySource: { source: string; label: string; funder?: string; amount: number; share: number }[]; donorShare: number };
  expenses: { total: number; byCategory: { category: string; label: string; amount: number; share: number }[] };
  result: number;
  grants: { funderId: string; funder: string; awarded: number | null; recognised: number; received: number | null; spent: number | null }[];
  members: number;
  donations: { count: number; total: number; average: number; donors: number; monthlyDonors: number; booked: number; unregistered: number };
  commentary: string[];
  exercise: { start: string; end: string; first: boolean };
  previousExercise: { year: number; status: "none" | "open" | "closing" | "closed" };
  thresholds: Thresholds;
  /** The charts' colours: the settings' main colour first, the same as the PDF's. */
  palette: string[];
  /** Budget et réalisé: the budget comparison of the year (null when no budget was voted). */
  budget?: ReportBudget | null;
}

interface BudgetFigures {
  budget: number;
  actual: number;
  gap: number;
  gapShare: number | null;
}
interface ProjectBudget {
  charges: BudgetFigures;
  produits: BudgetFigures;
  result: { budget: number; actual: number; gap: number };
  large: { charges: boolean; produits: boolean };
}
interface ReportBudget {
  year: number;
  rubriques: (BudgetFigures & { rubrique: string; label: string; side: "charges" | "produits" | "emplois" | "ressources"; large: boolean })[];
  totals: {
    charges: BudgetFigures;
    produits: BudgetFigures;
    result: { budget: number; actual: number; gap: number };
    emplois: BudgetFigures;
    ressources: BudgetFigures;
  };
  projects: (ProjectBudget & { code: string; name: string })[];
  /** « Sans projet »: what no project carries, so that the projects and it add up to the year. */
  unassigned: ProjectBudget | null;
  largeGap: { share: number; amount: number };
}

export interface Thresholds {
  year: number;
  items: {
    id: string;
    label: string;
    counted: string;
    source: string;
    amount: number;
    threshold: number;
    reached: number;
    exceeded: boolean;
    message: string;
    authorities?: { funderId: string; name: string; amount: number; exceeded: boolean }[];
  }[];
  publication: { required: boolean; text: string };
}

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
/** "2024-03" → "mars 2024". */
export const monthLabel = (month: string) => `${MONTHS[Number(month.slice(5, 7)) - 1] ?? month} ${month.slice(0, 4)}`;

/**
 * The legal thresholds of a year read from the books (`GET /v1/reports/{year}/thresholds`): each
 * one's figure against its amount, what follows once it is over, and the Journal officiel's PDF
 * when the accounts are to be published. Given `thresholds`, it draws them without asking again.
 */
export function ThresholdsCard({ year, thresholds }: { year: number; thresholds?: Thresholds }) {
  const loaded = useLoad(() => (thresholds ? Promise.resolve(thresholds) : get<Thresholds>(`/v1/reports/${year}/thresholds`)), [year, thresholds]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const t = loaded.data;
  return html`<section class="card thresholds" aria-labelledby="r-thresholds"><h2 id="r-thresholds">Seuils légaux ${year}</h2>
    <${ProblemView} error=${error ?? loaded.error} />
    ${
      t
        ? html`<ul class="threshold-list">${t.items.map(
            (i) => html`<li class=${i.exceeded ? "over" : ""}>
              <div class="threshold-head"><strong>${i.label}</strong><span>${formatEuros(i.amount)} / ${formatEuros(i.threshold)}</span></div>
              <meter min="0" max="1" low="0.8" high="0.999" optimum="0" value=${Math.min(1, i.reached)} aria-label=${`${i.label} : ${formatPercent(i.reached)} du seuil`}></meter>
              <small>${i.exceeded ? i.message : `${i.counted} : ${formatPercent(i.reached)} du seuil.`}</small>
              ${
                i.authorities?.length
                  ? html`<ul class="threshold-authorities" aria-label="Aides par autorité publique">${i.authorities.map(
                      (a) => html`<li class=${a.exceeded ? "over" : ""}>${a.name} : ${formatEuros(a.amount)}${a.exceeded ? " — convention requise" : ""}</li>`,
                    )}</ul>`
                  : null
              }
              <small class="hint">${i.source}</small>
            </li>`,
          )}</ul>
          <p>${t.publication.text}</p>
          ${
            can("journalOfficielPdf")
              ? html`<${ActionButton} className=${t.publication.required ? "primary" : "secondary"} busy="Préparation du PDF…" onClick=${async () => {
                  setError(undefined);
                  try {
                    setDone(`Fichier « ${await download(`/v1/reports/${year}/journal-officiel.pdf`, undefined, `comptes-annuels-${year}.pdf`)} » téléchargé.`);
                  } catch (err) {
                    setError(err);
                  }
                }}>Comptes et annexe ${year} pour le Journal officiel (PDF)<//>`
              : null
          }
          ${done ? html`<${Success}>${done}<//>` : null}`
        : html`<${Loading} />`
    }
  </section>`;
}

/** What the figures say of the exercise: its dates (the creation date for the first one) and the year before. */
function exerciseNote(f: Figures): string {
  const dates = `du ${formatDate(f.exercise.start)} au ${formatDate(f.exercise.end)}`;
  if (f.exercise.first) return `Premier exercice de l'association, ${dates} : aucun exercice précédent à comparer.`;
  if (f.previousExercise.status === "none") return `Exercice ${dates}.`;
  if (f.previousExercise.status !== "closed")
    return `Exercice ${dates}. L'exercice ${f.previousExercise.year} n'est pas clôturé : ses chiffres sont provisoires.`;
  return `Exercice ${dates}.`;
}

/** « dont 1 donateur mensuel », « 3 donateurs mensuels », « aucun donateur mensuel ». */
const monthlyText = (n: number) => (n ? `dont ${formatInt(n)} donateur${n > 1 ? "s" : ""} mensuel${n > 1 ? "s" : ""}` : "aucun donateur mensuel");

/** The gap between 7541 and the online registry, said. */
function giftsNote(d: Figures["donations"]): string {
  if (d.booked === 0 && d.total === 0) return "Aucun don n'a été comptabilisé ni reçu en ligne sur l'exercice.";
  if (d.unregistered === 0) return `Les ${formatEuros(d.booked)} de dons comptabilisés (7541) sont les dons en ligne.`;
  if (d.unregistered > 0)
    return `Dons comptabilisés (7541) : ${formatEuros(d.booked)}, dont ${formatEuros(d.total)} de dons en ligne et ${formatEuros(d.unregistered)} reçus hors du paiement en ligne (chèques, virements, écritures récapitulatives).`;
  return `Les dons en ligne (${formatEuros(d.total)}) dépassent de ${formatEuros(-d.unregistered)} les dons comptabilisés (7541, ${formatEuros(d.booked)}) : dons payés pas encore comptabilisés, ou sur un autre compte.`;
}

const PLATFORMS: Record<string, string> = {
  linkedin: "LinkedIn",
  youtube: "YouTube",
  instagram: "Instagram",
  facebook: "Facebook",
  x: "X",
  mastodon: "Mastodon",
  bluesky: "Bluesky",
};
/** Column headings of the monthly table (the form keeps the long names). */
const SHORT: Record<string, string> = {
  followers: "Abonnés",
  newFollowers: "Nouveaux",
  impressions: "Impressions",
  reactions: "Réactions",
  pageVisits: "Visites",
  videosPublished: "Vidéos",
  views: "Vues",
};
const METRICS: Record<string, string> = {
  followers: "Abonnés (fin de mois)",
  newFollowers: "Nouveaux abonnés",
  impressions: "Impressions",
  reactions: "Réactions",
  pageVisits: "Visites de la page",
  videosPublished: "Vidéos publiées",
  views: "Vues",
};

/** A source of income as the report names it: the funder when the source is one funder’s contribution. */
const sourceName = (s: { label: string; funder?: string }) => s.funder ?? s.label;
export function Report({ sub }: { sub: string }) {
  const { years, year, setYear } = useYears();
  const tabs = [
    { id: "chiffres", label: "Chiffres", href: "#/rapport/chiffres" },
    { id: "reseaux", label: "Réseaux sociaux", href: "#/rapport/reseaux", show: can("listSocialMetrics") },
  ].filter((t) => t.show !== false);
  const tab = tabs.find((t) => t.id === sub)?.id ?? "chiffres";
  return html`<${Page} title=${tab === "chiffres" ? "Rapport annuel" : "Statistiques des réseaux sociaux"} actions=${html`<${YearSelect} id="report-year" value=${year} years=${years} onChange=${setYear} />`}>
    <${Tabs} label="Rapport annuel" items=${tabs} current=${tab} />
    ${tab === "chiffres" ? html`<${FiguresView} year=${year} />` : html`<${Social} year=${year} />`}
  <//>`;
}

function FiguresView({ year }: { year: number }) {
  const figures = useLoad(() => get<Figures>(`/v1/reports/${year}/figures`), [year]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const f = figures.data;
  const dl = (path: string, name: string) => async () => {
    setError(undefined);
    setDone(undefined);
    try {
      setDone(`Fichier « ${await download(path, undefined, name)} » téléchargé.`);
    } catch (err) {
      setError(err);
    }
  };
  return html`<div class="toolbar">
      ${can("annualReportPdf") ? html`<${ActionButton} busy="Préparation du PDF…" onClick=${dl(`/v1/reports/${year}/annual-report.pdf`, `rapport-${year}.pdf`)}>Télécharger le rapport annuel ${year} (PDF)<//>` : null}
      ${can("reportFiguresCsv") ? html`<${ActionButton} className="secondary" busy="Préparation…" onClick=${dl(`/v1/reports/${year}/figures.csv`, `chiffres-${year}.csv`)}>Chiffres en CSV<//>` : null}
    </div>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error ?? figures.error} />
    ${
      f
        ? html`<p class="exercise-note">${exerciseNote(f)}</p>
        <section class="kpis" aria-label="Chiffres clés ${year}">
          <div class="kpi"><h2>Produits</h2><p>${formatEuros(f.income.total)}</p></div>
          <div class="kpi"><h2>Charges</h2><p>${formatEuros(f.expenses.total)}</p></div>
          <div class="kpi"><h2>Résultat</h2><p class=${f.result < 0 ? "neg" : ""}>${formatEuros(f.result)}</p></div>
          <div class="kpi"><h2>Dons des particuliers</h2><p>${formatPercent(f.income.donorShare)}</p><small>des produits · ${formatInt(f.donations.donors)} donateurs</small></div>
          <div class="kpi"><h2>Adhérents · donateurs en ligne</h2><p>${formatInt(f.members)} · ${formatInt(f.donations.donors)}</p><small>${monthlyText(f.donations.monthlyDonors)}</small></div>
        </section>
        <p class="gifts-note">${giftsNote(f.donations)}</p>
        <div class="grid2">
          <section class="card" aria-labelledby="r-income"><h2 id="r-income">Origine des ressources</h2>
            <${ChartView} type="doughnut" label=${`Ressources ${year} par origine`} labels=${f.income.bySource.map(sourceName)} values=${f.income.bySource.map((s) => s.amount)} colors=${f.palette} />
            <${ShareTable} caption="Ressources par origine" rows=${f.income.bySource.map((s) => ({ label: sourceName(s), amount: s.amount, share: s.share }))} /></section>
          <section class="card" aria-labelledby="r-exp"><h2 id="r-exp">Emploi des ressources</h2>
            <${ChartView} type="bar" label=${`Charges ${year} par nature`} labels=${f.expenses.byCategory.map((c) => c.label)} values=${f.expenses.byCategory.map((c) => c.amount)} colors=${f.palette} />
            <${ShareTable} caption="Charges par nature" rows=${f.expenses.byCategory.map((c) => ({ label: c.label, amount: c.amount, share: c.share }))} /></section>
        </div>
        ${
          f.grants.length
            ? html`<section class="card"><h2>Financeurs</h2><table class="compact"><caption class="sr-only">Subventions par financeur</caption>
              <thead><tr><th scope="col">Financeur</th><th scope="col" class="num">Accordé</th><th scope="col" class="num">Produit de l'exercice</th><th scope="col" class="num">Reçu</th><th scope="col" class="num">Dépensé</th></tr></thead>
              <tbody>${f.grants.map((g) => html`<tr><td>${g.funder}</td><td class="num">${g.awarded === null ? "—" : formatEuros(g.awarded)}</td><td class="num">${formatEuros(g.recognised)}</td><td class="num">${g.received === null ? "—" : formatEuros(g.received)}</td><td class="num">${g.spent === null ? "—" : formatEuros(g.spent)}</td></tr>`)}</tbody></table></section>`
            : null
        }
        ${f.budget !== undefined ? html`<${BudgetCard} year=${year} budget=${f.budget} />` : null}
        ${f.commentary?.length ? html`<section class="card"><h2>Commentaire</h2>${f.commentary.map((c) => html`<p>${c}</p>`)}</section>` : null}
        <${ThresholdsCard} year=${year} thresholds=${f.thresholds} />`
        : html`<${Loading} />`
    }`;
}

const signedEuros = (c: number) => (c > 0 ? `+${formatEuros(c)}` : formatEuros(c));
const gapShare = (s: number | null) => (s === null ? "—" : formatPercent(s));
const BUDGET_SIDES = [
  ["charges", "Charges", "Total des charges"],
  ["produits", "Produits", "Total des produits"],
] as const;

/**
 * Whether a gap is unfavourable, by what the row counts: charges over their budget, produits (or a
 * result) under theirs. An underspent charge or produits over budget stay neutral (the sign says it);
 * the contributions en nature (86 = 87) are neutral either way.
 */
const unfavourable = (sense: "charges" | "produits" | undefined, gap: number) => (sense === "charges" ? gap > 0 : sense === "produits" ? gap < 0 : false);
/** One row of « Budget et réalisé »: budget, réalisé, écart (réalisé − budget) in the warning colour when unfavourable, écart en %, and a large gap said in words. */
const budgetRow = (label: string, f: BudgetFigures, opts: { cls?: string; large?: boolean; head?: "th"; sense?: "charges" | "produits" } = {}) =>
  html`<tr class=${opts.cls ?? ""}>${opts.head ? html`<th scope="row">${label}</th>` : html`<td>${label}</td>`}<td class="num">${formatEuros(f.budget)}</td><td class="num">${formatEuros(f.actual)}</td><td class=${`num${unfavourable(opts.sense, f.gap) ? " neg" : ""}`}>${signedEuros(f.gap)}</td><td class="num">${gapShare(f.gapShare)}</td><td>${opts.large ? html`<span class="tag warn">Écart important</span>` : null}</td></tr>`;
/** The same columns in each table of the block, so that the figures line up from one to the next. */
const budgetHead = (first: string) =>
  html`<colgroup><col /><col width="13%" /><col width="13%" /><col width="13%" /><col width="10%" /><col width="12%" /></colgroup><thead><tr><th scope="col">${first}</th><th scope="col" class="num">Budget</th><th scope="col" class="num">Réalisé</th><th scope="col" class="num">Écart</th><th scope="col" class="num">Écart en %</th><th scope="col"><span class="sr-only">Remarque</span></th></tr></thead>`;
const resultLabel = (actual: number) => (actual >= 0 ? "Résultat (produits − charges) : excédent" : "Résultat (produits − charges) : déficit");
const resultFigures = (r: { budget: number; actual: number; gap: number }): BudgetFigures => ({ ...r, gapShare: null });

/**
 * « Budget et réalisé », as the annual report's PDF prints it: the year's budget against the books
 * per rubrique of the CERFA 12156 budget, the totals and the result, the large gaps said in words,
 * then one table per project with a budget; one sentence when no budget was voted for the year.
 */
function BudgetCard({ year, budget: b }: { year: number; budget: ReportBudget | null }) {
  if (!b)
    return html`<section class="card budget-report" aria-labelledby="r-budget"><h2 id="r-budget">Budget et réalisé</h2>
      <p>Aucun budget n'a été voté pour l'exercice ${year} : pas de comparaison entre budget et réalisé.</p></section>`;
  const rows = (side: ReportBudget["rubriques"][number]["side"]) =>
    b.rubriques
      .filter((r) => r.side === side)
      .map((r) => budgetRow(`${r.rubrique} – ${r.label}`, r, { large: r.large, sense: side === "charges" ? "charges" : "produits" }));
  const cvn = [...b.rubriques.filter((r) => r.side === "emplois" || r.side === "ressources")];
  const withCvn = cvn.length > 0 && [b.totals.emplois, b.totals.ressources].some((t) => t.budget || t.actual);
  const anyLarge = b.rubriques.some((r) => r.large);
  return html`<section class="card budget-report" aria-labelledby="r-budget"><h2 id="r-budget">Budget et réalisé</h2>
    <p>Budget de l'exercice ${year} comparé aux comptes, par rubrique du budget des formulaires de subvention (CERFA n° 12156) ; écart = réalisé − budget.</p>
    ${BUDGET_SIDES.map(
      ([side, title, total]) => html`<div class="scroll"><table class="compact" data-side=${side}><caption>${title} ${year}</caption>
        ${budgetHead("Rubrique")}
        <tbody>${rows(side)}</tbody>
        <tfoot>${budgetRow(total, b.totals[side], { head: "th", sense: side })}</tfoot></table></div>`,
    )}
    <div class="scroll"><table class="compact" data-side="result"><caption>Résultat ${year}</caption>
      ${budgetHead("")}
      <tbody>${budgetRow(resultLabel(b.totals.result.actual), resultFigures(b.totals.result), { cls: "rubrique", sense: "produits" })}
      ${withCvn ? html`<tr class="rubrique"><td colspan="6">Contributions volontaires en nature</td></tr>${cvn.map((r) => budgetRow(`${r.rubrique} – ${r.label}`, r, { cls: "indent", large: r.large }))}` : null}</tbody></table></div>
    ${
      anyLarge
        ? html`<p class="hint">Écart important : au moins ${formatPercent(b.largeGap.share)} du budget de la rubrique (ou une rubrique sans budget) et au moins ${formatEuros(b.largeGap.amount)}.</p>`
        : html`<p class="hint">Aucun écart important (au moins ${formatPercent(b.largeGap.share)} du budget de la rubrique et au moins ${formatEuros(b.largeGap.amount)}).</p>`
    }
    ${
      b.projects.length
        ? html`<h3>Budget et réalisé par projet</h3>${[
            ...b.projects.map((p) => ({ key: p.code, title: `${p.name} (${p.code})`, p })),
            ...(b.unassigned ? [{ key: "none", title: "Sans projet (fonctionnement de l'association)", p: b.unassigned }] : []),
          ].map(
            ({ key, title, p }) => html`<div class="scroll"><table class="compact" data-project=${key}><caption>${title}</caption>
              ${budgetHead("")}
              <tbody>${budgetRow("Charges", p.charges, { sense: "charges", large: p.large.charges })}${budgetRow("Produits", p.produits, { sense: "produits", large: p.large.produits })}</tbody>
              <tfoot>${budgetRow("Résultat", resultFigures(p.result), { head: "th", sense: "produits" })}</tfoot></table></div>`,
          )}
          ${
            b.unassigned
              ? html`<p class="hint">Les projets et le fonctionnement font ensemble le résultat de l'exercice : ${formatEuros(b.totals.result.actual)} réalisés pour ${formatEuros(b.totals.result.budget)} prévus.</p>`
              : null
          }`
        : null
    }
  </section>`;
}

const ShareTable = ({ caption, rows }: { caption: string; rows: { label: string; amount: number; share: number }[] }) =>
  html`<table class="compact"><caption class="sr-only">${caption}</caption>
    <thead><tr><th scope="col">Poste</th><th scope="col" class="num">Montant</th><th scope="col" class="num">Part</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr><td>${r.label}</td><td class="num">${formatEuros(r.amount)}</td><td class="num">${formatPercent(r.share)}</td></tr>`)}</tbody></table>`;

type Month = { platform: string; month: string } & Partial<Record<keyof typeof METRICS, number>>;

function Social({ year }: { year: number }) {
  const list = useLoad(() => get<{ items: Month[] }>("/v1/social-metrics", { year }), [year]);
  return html`<${ProblemView} error=${list.error} />
    ${can("putSocialMetrics") ? html`<${SocialEntry} year=${year} onDone=${list.reload} />` : null}
    ${can("importSocialMetrics") ? html`<${SocialImport} onDone=${list.reload} />` : null}
    ${
      list.data
        ? html`<div class="scroll"><table>
          <caption class="sr-only">Statistiques mensuelles ${year}</caption>
          <thead><tr><th scope="col">Réseau</th><th scope="col">Mois</th>${Object.entries(METRICS).map(([k, m]) => html`<th scope="col" class="num"><abbr title=${m}>${SHORT[k]}</abbr></th>`)}</tr></thead>
          <tbody>
            ${list.data.items.length === 0 ? html`<tr><td colspan="9">Aucune statistique pour ${year}.</td></tr>` : null}
            ${list.data.items.map((m) => html`<tr><td>${PLATFORMS[m.platform] ?? m.platform}</td><td class="nowrap">${monthLabel(m.month)}</td>${Object.keys(METRICS).map((k) => html`<td class="num">${m[k as keyof typeof METRICS] === undefined ? "" : formatInt(m[k as keyof typeof METRICS]!)}</td>`)}</tr>`)}
          </tbody>
        </table></div>`
        : html`<${Loading} />`
    }`;
}

function SocialEntry({ year, onDone }: { year: number; onDone: () => void }) {
  const [platform, setPlatform] = useState("linkedin");
  const [month, setMonth] = useState(`${year}-01`);
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  return html`<form class="card" onSubmit=${(e: Event) => e.preventDefault()}>
    <h2>Saisir un mois</h2>
    <div class="row">
      <div class="field"><label for="s-platform">Réseau</label><select id="s-platform" value=${platform} onChange=${(e: Event) => setPlatform((e.target as HTMLSelectElement).value)}>
        ${Object.entries(PLATFORMS).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select></div>
      <div class="field"><label for="s-month">Mois</label><input id="s-month" type="month" value=${month} onInput=${(e: Event) => setMonth((e.target as HTMLInputElement).value)} /></div>
      ${Object.entries(METRICS).map(([k, v]) => html`<div class="field"><label for=${`s-${k}`}>${v}</label><input id=${`s-${k}`} inputmode="numeric" size="8" value=${values[k] ?? ""} onInput=${(e: Event) => setValues({ ...values, [k]: (e.target as HTMLInputElement).value })} /></div>`)}
      <${ActionButton} busy="Enregistrement…" onClick=${async () => {
        setError(undefined);
        setDone(undefined);
        try {
          const given = Object.entries(values)
            .map(([k, v]) => [k, v.replace(/[\s\u00a0\u202f]/g, "")] as const)
            .filter(([, v]) => v !== "");
          const bad = given.filter(([k, v]) => !(k === "newFollowers" ? /^-?\d{1,12}$/ : /^\d{1,12}$/).test(v));
          if (bad.length) {
            setError(new Error(`Nombre entier attendu : ${bad.map(([k]) => METRICS[k]).join(", ")}.`));
            return;
          }
          // A field left empty is not sent (the month keeps its value); only whole numbers go out.
          const body = Object.fromEntries(given.map(([k, v]) => [k, Number(v)]));
          await api("PUT", `/v1/social-metrics/${platform}/${month}`, { body });
          setDone(`${PLATFORMS[platform]}, ${monthLabel(month)} : enregistré.`);
          onDone();
        } catch (err) {
          setError(err);
        }
      }}>Enregistrer le mois<//>
    </div>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error} />
  </form>`;
}

function SocialImport({ onDone }: { onDone: () => void }) {
  const [platform, setPlatform] = useState("linkedin");
  const [file, setFile] = useState<File>();
  const [followers, setFollowers] = useState("");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [keys] = useState(keyKeeper);
  return html`<form class="card" onSubmit=${(e: Event) => e.preventDefault()}>
    <h2>Importer l'export d'une plateforme</h2>
    <div class="row">
      <div class="field"><label for="si-platform">Plateforme</label><select id="si-platform" value=${platform} onChange=${(e: Event) => setPlatform((e.target as HTMLSelectElement).value)}>
        <option value="linkedin">LinkedIn (statistiques de page)</option><option value="youtube">YouTube Studio</option></select></div>
      <div class="field grow"><label for="si-file">Fichier (XLS, XLSX, CSV ou ZIP)</label><input id="si-file" type="file" accept=".xls,.xlsx,.csv,.zip" onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0])} /></div>
      ${platform === "linkedin" ? html`<div class="field"><label for="si-followers">Abonnés à la fin du fichier (fichier « followers »)</label><input id="si-followers" inputmode="numeric" value=${followers} onInput=${(e: Event) => setFollowers((e.target as HTMLInputElement).value)} /></div>` : null}
      <${ActionButton} disabled=${!file} busy="Import…" onClick=${async () => {
        setError(undefined);
        setDone(undefined);
        try {
          const q = followers.trim() && platform === "linkedin" ? `?followers=${encodeURIComponent(followers.replace(/\s/g, ""))}` : "";
          const out = await api<{ months: unknown[]; from: string; to: string }>("POST", `/v1/social-metrics/${platform}/import${q}`, {
            raw: file!,
            contentType: file!.type || "application/octet-stream",
            idempotencyKey: keys.for({ platform, name: file!.name, size: file!.size, modified: file!.lastModified, q }),
          });
          setDone(`${out.months.length} mois importés (du ${formatDate(out.from)} au ${formatDate(out.to)}).`);
          keys.reset();
          onDone();
        } catch (err) {
          setError(err);
        }
      }}>Importer le fichier<//>
    </div>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error} />
  </form>`;
}
