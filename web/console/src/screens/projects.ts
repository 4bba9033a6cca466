/**
 * Projects and budgets: the projects (the analytic axis) with each one's figures and compte de
 * résultat, the year's budget entered as a grid by rubrique (CERFA 12156 rows), copied from last
 * year's actuals or read from a spreadsheet, the budget against the books, and a grant's
 * compte-rendu financier (CERFA 15059) with its due date and its files.
 */
import { useState } from "preact/hooks";
import { CERFA_ROWS } from "../../../../packages/core/src/projects/cerfa.js";
import { api, ApiError, download, get, keyKeeper } from "../api.js";
import { formatDate, formatEuros, formatPercent, formatPlain, parseEuros } from "../money.js";
import {
  AccountPicker,
  ActionButton,
  can,
  html,
  Loading,
  loadChart,
  Page,
  ProblemView,
  ROLE_LABELS,
  Success,
  Tabs,
  useLoad,
  useYears,
  YearSelect,
  type ChartAccount,
} from "../ui.js";

interface Project {
  id: string;
  code: string;
  name: string;
  description?: string | null;
  version?: number;
  history?: { version: number; at: string; reason: string | null; before: { name: string }; after: { name: string } }[];
}
interface Totals {
  charges: number;
  produits: number;
  result: number;
  emplois: number;
  ressources: number;
}
interface ProjectFigures {
  year: number;
  items: { code: string; name: string; actual: Totals; budget: Totals }[];
  unassigned: { actual: Totals; budget: Totals };
  total: Totals;
}
interface Figures {
  budget: number;
  actual: number;
  gap: number;
  gapShare: number | null;
}
interface Comparison {
  year: number;
  project: { code: string; name: string } | null;
  rubriques: ({ rubrique: string; label: string; side: string; accounts: ({ account: string; label: string } & Figures)[] } & Figures)[];
  totals: { charges: Figures; produits: Figures; result: { budget: number; actual: number; gap: number }; emplois: Figures; ressources: Figures };
}
interface BudgetLine {
  account: string;
  project: string | null;
  amount: number;
}
interface Budget {
  year: number;
  lines: (BudgetLine & { label: string })[];
  version: number;
  updatedAt: string | null;
  history?: { version: number; at: string; by: { role: string } | null }[];
}
interface StatementLine {
  rubrique: string;
  label: string;
  side: string;
  amount: number;
}

/** The CERFA 12156 rows a budget is entered by (the chart's two-digit classes), named as the report and the forms name them. */
const ROWS: { rubrique: string; label: string; side: "charges" | "produits" | "emplois" | "ressources" }[] = CERFA_ROWS.filter((r) => r.always).map((r) => ({
  rubrique: r.rubrique,
  label: r.label,
  side: r.side,
}));
const SIDES = [
  ["charges", "Charges"],
  ["produits", "Produits"],
  ["emplois", "Emplois des contributions en nature"],
  ["ressources", "Contributions volontaires en nature"],
] as const;
const isBudgetAccount = (n: string) => ROWS.some((r) => n.startsWith(r.rubrique)) && !/^(69|71|72|79)/.test(n);
const share = (s: number | null) => (s === null ? "—" : formatPercent(s));
const signedEuros = (c: number) => (c > 0 ? `+${formatEuros(c)}` : formatEuros(c));

export function Projects({ sub }: { sub: string }) {
  const [view = "projets", id] = sub.split("/");
  const tabs = [
    { id: "projets", label: "Projets", href: "#/projets" },
    { id: "budget", label: "Budget", href: "#/projets/budget" },
    { id: "comparaison", label: "Budget et réalisé", href: "#/projets/comparaison" },
    { id: "comptes-rendus", label: "Comptes-rendus financiers", href: "#/projets/comptes-rendus" },
  ];
  return html`<${Page} title="Projets et budgets">
    <${Tabs} items=${tabs} current=${view === "compte-rendu" ? "comptes-rendus" : view} label="Vues des projets" />
    ${
      view === "budget"
        ? html`<${BudgetGrid} />`
        : view === "comparaison"
          ? html`<${BudgetComparison} />`
          : view === "comptes-rendus"
            ? html`<${ReportsDue} />`
            : view === "compte-rendu" && id
              ? html`<${GrantReport} grantId=${id} />`
              : html`<${ProjectList} />`
    }
  <//>`;
}

// ------------------------------------------------------------------ projects

function useProjects() {
  return useLoad(() => get<{ items: Project[] }>("/v1/projects").then((r) => r.items), []);
}

/** The project filter: the whole association, or one project. */
function ProjectFilter({
  id,
  value,
  onChange,
  projects,
  none,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  projects: Project[] | undefined;
  none: string;
}) {
  return html`<div class="field inline">
    <label for=${id}>Projet</label>
    <select id=${id} value=${value} onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
      <option value="">${none}</option>
      ${(projects ?? []).map((p) => html`<option value=${p.code}>${p.name} (${p.code})</option>`)}
    </select>
  </div>`;
}

function NewProject({ onDone }: { onDone: () => void }) {
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>();
  const [keys] = useState(keyKeeper);
  return html`<form class="card form-row" aria-label="Nouveau projet" onSubmit=${(e: Event) => e.preventDefault()}>
    <div class="field"><label for="pr-code">Code</label><input id="pr-code" value=${code} maxlength="20" placeholder="ECOLE" onInput=${(e: Event) => setCode((e.target as HTMLInputElement).value)} /></div>
    <div class="field grow"><label for="pr-name">Nom du projet</label><input id="pr-name" value=${name} maxlength="120" onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} /></div>
    <${ActionButton} type="submit" busy="Création…" onClick=${async () => {
      setError(undefined);
      const body = { code, name };
      try {
        await api("POST", "/v1/projects", { body, idempotencyKey: keys.for(body) });
        keys.reset();
        setCode("");
        setName("");
        onDone();
      } catch (err) {
        setError(err);
      }
    }}>Créer le projet<//>
    <${ProblemView} error=${error} />
  </form>`;
}

/**
 * « Corriger un projet »: its name or description (a typo, a renamed action), with a reason; the
 * code stays, since the lines, budgets and grants carry it. The history of its corrections below.
 */
function CorrectProject({ projects, onDone }: { projects: Project[]; onDone: () => void }) {
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [keys] = useState(keyKeeper);
  const p = projects.find((x) => x.code === code);
  const pick = (c: string) => {
    const q = projects.find((x) => x.code === c);
    setCode(c);
    setName(q?.name ?? "");
    setDescription(q?.description ?? "");
    setError(undefined);
    setDone(undefined);
  };
  const changed = !!p && (name.trim() !== p.name || description.trim() !== (p.description ?? ""));
  return html`<details class="card">
    <summary>Corriger un projet (nom, description)</summary>
    <form class="form-row" aria-label="Corriger un projet" onSubmit=${(e: Event) => e.preventDefault()}>
      <div class="field"><label for="pc-code">Projet à corriger</label>
        <select id="pc-code" value=${code} onChange=${(e: Event) => pick((e.target as HTMLSelectElement).value)}>
          <option value="">choisir un projet</option>${projects.map((q) => html`<option value=${q.code}>${q.name} (${q.code})</option>`)}</select></div>
      ${
        p
          ? html`<div class="field grow"><label for="pc-name">Nouveau nom</label><input id="pc-name" value=${name} maxlength="120" onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} /></div>
        <div class="field grow"><label for="pc-description">Description</label><input id="pc-description" value=${description} maxlength="1000" onInput=${(e: Event) => setDescription((e.target as HTMLInputElement).value)} /></div>
        <div class="field grow"><label for="pc-reason">Motif (facultatif)</label><input id="pc-reason" value=${reason} maxlength="500" onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} /></div>
        <${ActionButton} type="submit" busy="Enregistrement…" disabled=${!changed} onClick=${async () => {
          setError(undefined);
          const body = { name: name.trim(), description: description.trim() || null, ...(reason.trim() ? { reason: reason.trim() } : {}) };
          try {
            const r = await api<Project>("POST", `/v1/projects/${encodeURIComponent(p.code)}/correction`, {
              body,
              idempotencyKey: keys.for({ code: p.code, ...body }),
            });
            keys.reset();
            setReason("");
            setDone(`Projet ${p.code} corrigé : « ${r.name} ». Les écrans et les documents le nomment ainsi désormais.`);
            onDone();
          } catch (err) {
            setError(err);
          }
        }}>Enregistrer la correction<//>`
          : null
      }
    </form>
    <p class="hint">Le code d'un projet ne change pas : les écritures, les budgets et les subventions le portent.</p>
    <${ProblemView} error=${error} />
    ${done ? html`<${Success}>${done}<//>` : null}
    ${
      p?.history?.length
        ? html`<h3>Corrections de ce projet</h3><ol class="history">${p.history.map(
            (h) => html`<li>Le ${formatDate(h.at.slice(0, 10))} : « ${h.before.name} » → « ${h.after.name} »${h.reason ? ` — « ${h.reason} »` : ""}</li>`,
          )}</ol>`
        : null
    }
  </details>`;
}

function ProjectList() {
  const { years, year, setYear } = useYears();
  const projects = useProjects();
  const figures = useLoad(() => get<ProjectFigures>("/v1/projects/figures", { year }), [year, projects.data]);
  const [project, setProject] = useState("");
  const f = figures.data;
  const row = (label: string, a: Totals, b: Totals, cls = "") =>
    html`<tr class=${cls}><th scope="row">${label}</th><td class="num">${formatEuros(a.charges)}</td><td class="num">${formatEuros(a.produits)}</td>
      <td class="num">${signedEuros(a.result)}</td><td class="num">${formatEuros(b.charges)}</td><td class="num">${formatEuros(b.produits)}</td></tr>`;
  return html`<div class="toolbar"><${YearSelect} id="pr-year" value=${year} years=${years} onChange=${setYear} />
      <${ProjectFilter} id="pr-filter" value=${project} onChange=${setProject} projects=${projects.data} none="Tous les projets" /></div>
    ${can("createProject") ? html`<${NewProject} onDone=${projects.reload} />` : null}
    ${can("correctProject") && projects.data?.length ? html`<${CorrectProject} projects=${projects.data} onDone=${projects.reload} />` : null}
    <${ProblemView} error=${projects.error ?? figures.error} />
    ${
      project
        ? html`<${ProjectStatement} year=${year} code=${project} />`
        : f
          ? html`<table>
            <caption>Résultat ${year} par projet</caption>
            <thead><tr><th scope="col">Projet</th><th scope="col" class="num">Charges</th><th scope="col" class="num">Produits</th><th scope="col" class="num">Résultat</th><th scope="col" class="num">Charges prévues</th><th scope="col" class="num">Produits prévus</th></tr></thead>
            <tbody>
              ${f.items.length === 0 ? html`<tr><td colspan="6">Aucun projet : créez-en un pour suivre ses charges et ses produits.</td></tr>` : null}
              ${f.items.map((i) => row(`${i.name} (${i.code})`, i.actual, i.budget))}
              ${row("Sans projet", f.unassigned.actual, f.unassigned.budget, "muted")}
            </tbody>
            <tfoot>${row("Toute l'association", f.total, { charges: f.items.reduce((s, i) => s + i.budget.charges, f.unassigned.budget.charges), produits: f.items.reduce((s, i) => s + i.budget.produits, f.unassigned.budget.produits), result: 0, emplois: 0, ressources: 0 }, "total")}</tfoot>
          </table>`
          : html`<${Loading} />`
    }`;
}

function ProjectStatement({ year, code }: { year: number; code: string }) {
  const st = useLoad(
    () =>
      get<{ project: { name: string }; compteDeResultat: { lines: StatementLine[]; totals: { charges: number; produits: number }; result: number } }>(
        `/v1/projects/${code}/statement`,
        { year },
      ),
    [year, code],
  );
  const cr = st.data?.compteDeResultat;
  const side = (
    s: string,
    title: string,
  ) => html`<h3>${title}</h3><table><thead><tr><th scope="col">Rubrique</th><th scope="col" class="num">Montant</th></tr></thead><tbody>
    ${cr!.lines.filter((l) => l.side === s && l.amount !== 0).map((l) => html`<tr><td>${l.label}</td><td class="num">${formatEuros(l.amount)}</td></tr>`)}
    <tr class="total"><th scope="row">Total</th><td class="num">${formatEuros(s === "charges" ? cr!.totals.charges : cr!.totals.produits)}</td></tr></tbody></table>`;
  return html`<section class="card" aria-labelledby="pr-cr"><h2 id="pr-cr">Compte de résultat ${year} : ${st.data?.project.name ?? code}</h2>
    <${ProblemView} error=${st.error} />
    ${
      cr
        ? html`${side("charges", "Charges")}${side("produits", "Produits")}<p><strong>Résultat du projet : ${signedEuros(cr.result)}</strong></p>
        ${can("listEntries") ? html`<p><a href=${`#/comptabilite/ecritures?projet=${encodeURIComponent(code)}`}>Voir les écritures du projet</a></p>` : null}`
        : html`<${Loading} />`
    }
  </section>`;
}

// ------------------------------------------------------------------ budget grid

const keyOf = (account: string, project: string | null) => `${account}#${project ?? ""}`;

function BudgetGrid() {
  const { years, year, setYear } = useYears();
  const projects = useProjects();
  const [project, setProject] = useState("");
  const [chart, setChart] = useState<ChartAccount[]>();
  const [cells, setCells] = useState<Record<string, string>>({});
  const [extra, setExtra] = useState<string[]>([]);
  const [picked, setPicked] = useState("");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [stale, setStale] = useState(false);
  const budget = useLoad(async () => {
    const [b, c] = await Promise.all([get<Budget>(`/v1/budgets/${year}`), loadChart()]);
    setChart(c.filter((a) => isBudgetAccount(a.number)));
    const next: Record<string, string> = {};
    for (const l of b.lines) next[keyOf(l.account, l.project)] = formatPlain(l.amount);
    setCells(next);
    setExtra([]);
    return b;
  }, [year]);
  const code = project || null;
  const accountsShown = [
    ...new Set([
      ...Object.keys(cells)
        .filter((k) => k.endsWith(`#${project}`) && k.split("#")[1] === project)
        .map((k) => k.split("#")[0]!),
      ...extra,
    ]),
  ].sort();
  const labelOf = (n: string) => chart?.find((a) => a.number === n)?.label ?? n;
  const set = (account: string, text: string) => setCells((c) => ({ ...c, [keyOf(account, code)]: text }));
  const amountOf = (account: string) => parseEuros(cells[keyOf(account, code)] ?? "") ?? 0;
  const bad = accountsShown.filter((a) => (cells[keyOf(a, code)] ?? "").trim() !== "" && parseEuros(cells[keyOf(a, code)]!) === null);

  const copyActuals = async () => {
    setError(undefined);
    try {
      // Without a project: what no project carried (the running costs), not the whole books, or a project's lines would count twice.
      const c = await get<Comparison>(`/v1/budgets/${year - 1}/comparison`, { project: project || "none" });
      const next = { ...cells };
      let n = 0;
      for (const r of c.rubriques)
        for (const a of r.accounts)
          if (a.actual > 0 && isBudgetAccount(a.account)) {
            next[keyOf(a.account, code)] = formatPlain(a.actual);
            n++;
          }
      setCells(next);
      setDone(`${n} compte${n > 1 ? "s" : ""} repris des réalisations ${year - 1}. Vérifiez, puis enregistrez.`);
    } catch (err) {
      setError(err);
    }
  };
  const importFile = async (file: File) => {
    setError(undefined);
    try {
      const r = await api<{ lines: BudgetLine[]; errors: { path: string; message: string }[] }>("POST", `/v1/budgets/${year}/import`, {
        raw: file,
        contentType: file.name.toLowerCase().endsWith(".csv") ? "text/csv" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      });
      const next = { ...cells };
      for (const l of r.lines) next[keyOf(l.account, l.project ?? null)] = formatPlain(l.amount);
      setCells(next);
      setDone(
        `${r.lines.length} ligne${r.lines.length > 1 ? "s" : ""} lue${r.lines.length > 1 ? "s" : ""} dans « ${file.name} ».${r.errors.length ? ` Non lues : ${r.errors.map((e) => `${e.path} (${e.message})`).join(" ; ")}.` : ""} Vérifiez, puis enregistrez.`,
      );
    } catch (err) {
      setError(err);
    }
  };
  const save = async () => {
    setError(undefined);
    const lines = Object.entries(cells)
      .map(([k, text]) => {
        const [account, p] = k.split("#");
        return { account: account!, ...(p ? { project: p } : {}), amount: parseEuros(text) ?? 0 };
      })
      .filter((l) => l.amount > 0);
    try {
      // Over the version read: a budget saved meanwhile (another tab, another person) is not overwritten.
      const b = await api<Budget>("PUT", `/v1/budgets/${year}`, { body: { lines }, headers: { "if-match": `"${budget.data?.version ?? 0}"` } });
      setStale(false);
      setDone(`Budget ${year} enregistré (${b.lines.length} ligne${b.lines.length > 1 ? "s" : ""}).`);
      budget.reload();
    } catch (err) {
      setStale(err instanceof ApiError && err.problem.status === 412);
      setError(err);
    }
  };
  const writable = can("putBudget");
  return html`<div class="toolbar"><${YearSelect} id="bu-year" value=${year} years=${years} onChange=${setYear} />
      <${ProjectFilter} id="bu-project" value=${project} onChange=${setProject} projects=${projects.data} none="Sans projet (fonctionnement)" /></div>
    <p class="hint">Montants prévus en euros, par compte, regroupés par rubrique du formulaire CERFA 12156. Le budget de l'année réunit toutes les lignes, de chaque projet et sans projet (le fonctionnement de l'association).</p>
    ${
      budget.data?.updatedAt
        ? html`<p class="hint" data-testid="budget-saved">Version ${budget.data.version}, enregistrée le ${formatDate(budget.data.updatedAt.slice(0, 10))}${(() => {
            const last = budget.data.history?.at(-1);
            return last?.by ? ` par ${ROLE_LABELS[last.by.role] ?? "un membre de l'équipe"}` : "";
          })()}${budget.data.history && budget.data.history.length > 1 ? ` (${budget.data.history.length} enregistrements depuis le premier)` : ""}.</p>`
        : null
    }
    ${
      writable
        ? html`<div class="toolbar">
          <${ActionButton} className="secondary" busy="Lecture…" onClick=${copyActuals}>Reprendre les réalisations ${year - 1}<//>
          <label class="file-button">Importer un tableur (CSV, XLSX)
            <input id="bu-file" type="file" class="sr-only" accept=".csv,.xlsx" onChange=${(e: Event) => {
              const input = e.target as HTMLInputElement;
              const f = input.files?.[0];
              if (f) void importFile(f);
              input.value = "";
            }} /></label>
        </div>`
        : null
    }
    <${ProblemView} error=${stale ? undefined : (error ?? budget.error)} />
    ${
      // A stale save says what to do here (the button below), not the generic « rechargez la page ».
      stale
        ? html`<div class="alert error" role="alert"><strong>Modifié entre-temps.</strong> Le budget ${year} a été enregistré entre-temps, par quelqu'un d'autre ou dans un autre onglet : le vôtre ne l'a pas été. Rechargez le budget enregistré, puis refaites votre modification.
            <p><button type="button" class="secondary" onClick=${() => (setStale(false), setError(undefined), setDone(undefined), budget.reload())}>
            Recharger le budget enregistré (vos saisies non enregistrées seront perdues)</button></p></div>`
        : null
    }
    ${done ? html`<${Success}>${done}<//>` : null}
    ${
      budget.data && chart
        ? html`${SIDES.map(([side, title]) => {
            const rows = ROWS.filter((r) => r.side === side);
            const total = accountsShown.filter((a) => rows.some((r) => a.startsWith(r.rubrique))).reduce((s, a) => s + amountOf(a), 0);
            return html`<table class="budget-grid">
              <caption>${title}</caption>
              <thead><tr><th scope="col">Rubrique et compte</th><th scope="col" class="num">Montant prévu</th></tr></thead>
              <tbody>${rows.map((r) => {
                const accounts = accountsShown.filter((a) => a.startsWith(r.rubrique));
                const sub = accounts.reduce((s, a) => s + amountOf(a), 0);
                return html`<tr class="rubrique"><th scope="rowgroup">${r.rubrique} – ${r.label}</th><td class="num">${formatEuros(sub)}</td></tr>
                  ${accounts.map(
                    (a) => html`<tr><td class="indent"><label for=${`bu-${a}`}>${labelOf(a)} (${a})</label></td>
                      <td class="num"><input id=${`bu-${a}`} class="num" inputmode="decimal" value=${cells[keyOf(a, code)] ?? ""} disabled=${!writable}
                        aria-invalid=${bad.includes(a) ? "true" : undefined} onInput=${(e: Event) => set(a, (e.target as HTMLInputElement).value)} /></td></tr>`,
                  )}`;
              })}</tbody>
              <tfoot><tr class="total"><th scope="row">Total ${title.toLowerCase()}</th><td class="num">${formatEuros(total)}</td></tr></tfoot>
            </table>`;
          })}
          ${
            writable
              ? html`<div class="form-row">
                <${AccountPicker} id="bu-add" label="Ajouter un compte au budget" value=${picked} accounts=${chart} onChange=${(n: string) => {
                  setPicked("");
                  if (n && isBudgetAccount(n) && !accountsShown.includes(n)) setExtra((x) => [...x, n]);
                }} />
                <${ActionButton} busy="Enregistrement…" disabled=${bad.length > 0} onClick=${save}>Enregistrer le budget ${year}<//>
              </div>
              ${bad.length ? html`<p class="error-text" role="alert">Montant illisible pour ${bad.map(labelOf).join(", ")} : écrivez par exemple 1 250,50.</p>` : null}`
              : null
          }`
        : html`<${Loading} />`
    }`;
}

// ------------------------------------------------------------------ comparison

function BudgetComparison() {
  const { years, year, setYear } = useYears();
  const projects = useProjects();
  const [project, setProject] = useState("");
  const cmp = useLoad(() => get<Comparison>(`/v1/budgets/${year}/comparison`, project ? { project } : undefined), [year, project]);
  const c = cmp.data;
  const line = (label: string, f: Figures, cls = "") =>
    html`<tr class=${cls}><td>${label}</td><td class="num">${formatEuros(f.budget)}</td><td class="num">${formatEuros(f.actual)}</td><td class="num">${signedEuros(f.gap)}</td><td class="num">${share(f.gapShare)}</td></tr>`;
  return html`<div class="toolbar"><${YearSelect} id="cmp-year" value=${year} years=${years} onChange=${setYear} />
      <${ProjectFilter} id="cmp-project" value=${project} onChange=${setProject} projects=${projects.data} none="Toute l'association" /></div>
    <${ProblemView} error=${cmp.error} />
    ${
      c
        ? html`${SIDES.map(
            ([side, title]) => html`<table>
              <caption>${title} ${year}${c.project ? ` — ${c.project.name}` : ""}</caption>
              <thead><tr><th scope="col">Rubrique</th><th scope="col" class="num">Budget</th><th scope="col" class="num">Réalisé</th><th scope="col" class="num">Écart</th><th scope="col" class="num">Écart en %</th></tr></thead>
              <tbody>${c.rubriques
                .filter((r) => r.side === side)
                .map(
                  (r) =>
                    html`${line(`${r.rubrique} – ${r.label}`, r, "rubrique")}${r.accounts.map((a) => line(`${a.label} (${a.account})`, a, "indent muted"))}`,
                )}</tbody>
              <tfoot>${line(`Total ${title.toLowerCase()}`, c.totals[side], "total")}</tfoot>
            </table>`,
          )}
          <p><strong>Résultat : prévu ${signedEuros(c.totals.result.budget)}, réalisé ${signedEuros(c.totals.result.actual)} (écart ${signedEuros(c.totals.result.gap)}).</strong></p>`
        : html`<${Loading} />`
    }`;
}

// ------------------------------------------------------------------ comptes-rendus financiers

interface Due {
  grantId: string;
  title: string;
  funderName: string;
  endDate: string;
  dueDate: string;
  status: "en-cours" | "a-remettre" | "en-retard";
  statusLabel: string;
  /** The day the report was sent to the funder (then statusLabel says « Remis le … »). */
  sentOn?: string | null;
  daysLeft: number;
}

function ReportsDue() {
  const due = useLoad(() => get<{ items: Due[] }>("/v1/grant-reports"), []);
  return html`<${ProblemView} error=${due.error} />
    ${
      due.data
        ? html`<table>
          <caption>Comptes-rendus financiers des subventions (dans les six mois de la fin de l'action)</caption>
          <thead><tr><th scope="col">Subvention</th><th scope="col">Financeur</th><th scope="col">Fin de l'action</th><th scope="col">À remettre avant le</th><th scope="col">État</th></tr></thead>
          <tbody>
            ${due.data.items.length === 0 ? html`<tr><td colspan="5">Aucune subvention.</td></tr>` : null}
            ${due.data.items.map(
              (
                d,
              ) => html`<tr class=${d.status === "en-retard" && !d.sentOn ? "late" : ""}><td><a href=${`#/projets/compte-rendu/${d.grantId}`}>${d.title}</a></td><td>${d.funderName}</td>
                <td>${formatDate(d.endDate)}</td><td>${formatDate(d.dueDate)}</td><td><span class="tag">${d.statusLabel}</span></td></tr>`,
            )}
          </tbody></table>`
        : html`<${Loading} />`
    }`;
}

interface Gap {
  rubrique: string;
  label: string;
  budget: number;
  actual: number;
  gap: number;
  gapShare: number | null;
  explanation: string | null;
}
interface CompteRendu {
  grant: { title: string; funderName: string; amount: number; startDate: string; endDate: string };
  project: { code: string; name: string } | null;
  dueDate: string;
  statusLabel?: string;
  status: Due["status"];
  daysLeft: number;
  comparison: Comparison;
  grantShare: { amount: number; ofBudget: number | null; ofActual: number | null };
  expenses: { items: { date: string; supplier: string; label: string; pieceRef: string; amount: number }[]; total: number };
  tie: { listed: number; spent: number; difference: number };
  gapsToExplain: Gap[];
  sentOn: string | null;
  coverage: string;
  budgetNote: string | null;
  unexplained: number;
  /** Why it cannot be sent yet, in French. */
  missing: string[];
  ready: boolean;
}
/** The texts typed for the compte-rendu, whole: PUT replaces them all, under their version. */
interface ReportTexts {
  gaps: { rubrique: string; text: string }[];
  summary: string | null;
  actions: string | null;
  signer: { name: string; quality: string | null } | null;
  sentOn: string | null;
  version: number;
}
const STATUS: Record<Due["status"], string> = { "en-cours": "action en cours", "a-remettre": "à remettre", "en-retard": "en retard" };
const days = (n: number) => `${n} jour${n > 1 ? "s" : ""}`;

/** When the compte-rendu is due and whether it can be sent, in words. */
function readiness(r: CompteRendu): { deadline: string; state: string } {
  const due = formatDate(r.dueDate);
  // Worded apart from the « À remettre avant le … » line above it.
  const deadline =
    r.status === "en-cours"
      ? `L'action se termine le ${formatDate(r.grant.endDate)} ; le compte-rendu est dû au plus tard le ${due} (dans ${days(r.daysLeft)}).`
      : r.status === "a-remettre"
        ? r.daysLeft === 0
          ? `Dernier jour pour le remettre : aujourd'hui, ${due}.`
          : `Il reste ${days(r.daysLeft)} pour le remettre : dernier délai le ${due}.`
        : `En retard de ${days(-r.daysLeft)} : le dernier délai était le ${due}.`;
  if (r.sentOn) return { deadline: `Remis au financeur le ${formatDate(r.sentOn)} (dernier délai : ${due}).`, state: r.ready ? "Compte-rendu remis." : "" };
  // What is missing: the gaps to explain, the bilan (as the API says it).
  const missing = r.missing.map((m) => (/à expliquer$/.test(m) ? `${m} avant l'envoi.` : `${m}.`)).join(" ");
  const state = r.ready
    ? r.gapsToExplain.length
      ? "Prêt à envoyer : chaque écart important est expliqué."
      : "Prêt à envoyer : aucun écart important à expliquer."
    : `Pas encore prêt : ${missing.charAt(0).toLowerCase()}${missing.slice(1)}`;
  return { deadline, state };
}

function GrantReport({ grantId }: { grantId: string }) {
  const cr = useLoad(() => get<CompteRendu>(`/v1/grants/${grantId}/financial-report`), [grantId]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const r = cr.data;
  const file = async (ext: "pdf" | "csv") => {
    setError(undefined);
    try {
      setDone(`Fichier « ${await download(`/v1/grants/${grantId}/financial-report.${ext}`, undefined, `compte-rendu-financier.${ext}`)} » téléchargé.`);
    } catch (err) {
      setError(err);
    }
  };
  const t = r?.comparison.totals;
  return html`<${ProblemView} error=${error ?? cr.error} />
    ${done ? html`<${Success}>${done}<//>` : null}
    ${
      r && t
        ? html`<section class="card" aria-labelledby="crf-title">
          <h2 id="crf-title">Compte-rendu financier : ${r.grant.title}</h2>
          <p>${r.grant.funderName} · ${formatEuros(r.grant.amount)} · du ${formatDate(r.grant.startDate)} au ${formatDate(r.grant.endDate)}${r.project ? ` · projet ${r.project.name}` : ""}</p>
          <p data-testid="crf-coverage">${r.coverage}.</p>
          <p><strong>À remettre avant le ${formatDate(r.dueDate)}</strong> ${
            r.sentOn
              ? html`<span class="tag">Remis le ${formatDate(r.sentOn)}</span>`
              : html`<span class=${r.status === "en-retard" ? "tag expired" : "tag"}>${STATUS[r.status]}</span>`
          }</p>
          <div class=${r.ready && (r.sentOn || r.status !== "en-retard") ? "alert success" : "alert warn"} role="status" data-testid="crf-readiness">
            <p>${readiness(r).deadline}</p>${readiness(r).state ? html`<p><strong>${readiness(r).state}</strong></p>` : null}
          </div>
          <table><thead><tr><th scope="col"></th><th scope="col" class="num">Prévision</th><th scope="col" class="num">Réalisation</th><th scope="col" class="num">Écart</th></tr></thead>
            <tbody>
              <tr><th scope="row">Charges de l'action</th><td class="num">${formatEuros(t.charges.budget)}</td><td class="num">${formatEuros(t.charges.actual)}</td><td class="num">${signedEuros(t.charges.gap)}</td></tr>
              <tr><th scope="row">Produits de l'action</th><td class="num">${formatEuros(t.produits.budget)}</td><td class="num">${formatEuros(t.produits.actual)}</td><td class="num">${signedEuros(t.produits.gap)}</td></tr>
            </tbody></table>
          <p>Part de la subvention : ${share(r.grantShare.ofBudget)} des produits prévus, ${share(r.grantShare.ofActual)} des charges réalisées.</p>
          <p>${r.expenses.items.length ? `Dépenses financées par la subvention : ${r.expenses.items.length} dépense${r.expenses.items.length > 1 ? "s" : ""}, ${formatEuros(r.expenses.total)}` : "Aucune dépense n'est encore imputée sur la subvention"}${r.tie.difference === 0 ? (r.expenses.items.length ? " (égal au total affecté dans les comptes)." : ".") : ` — écart de ${signedEuros(r.tie.difference)} avec le total affecté dans les comptes (${formatEuros(r.tie.spent)}).`}</p>
          <${GapExplanations} grantId=${grantId} gaps=${r.gapsToExplain} budgetNote=${r.budgetNote} onSaved=${cr.reload} />
          <div class="toolbar">
            <${ActionButton} busy="Préparation du PDF…" onClick=${() => file("pdf")}>Compte-rendu financier (PDF, CERFA 15059)<//>
            <${ActionButton} className="secondary" busy="Préparation…" onClick=${() => file("csv")}>Tableau (CSV)<//>
          </div>
        </section>`
        : html`<${Loading} />`
    }`;
}

/** The bilan, the results, who signs and the day it was sent, as typed (strings for the fields). */
interface OtherDrafts {
  summary: string;
  actions: string;
  signerName: string;
  signerQuality: string;
  sentOn: string;
}
const OTHER_LABELS: Record<keyof OtherDrafts, string> = {
  summary: "Bilan qualitatif de l'action réalisée",
  actions: "Résultats : bénéficiaires, lieux, dates, objectifs atteints",
  signerName: "Nom du signataire",
  signerQuality: "Qualité du signataire",
  sentOn: "Remis au financeur le",
};
const othersOf = (t: ReportTexts): OtherDrafts => ({
  summary: t.summary ?? "",
  actions: t.actions ?? "",
  signerName: t.signer?.name ?? "",
  signerQuality: t.signer?.quality ?? "",
  sentOn: t.sentOn ?? "",
});
/** Where the API names a field (400), the draft it is. */
const FIELD_OF: Record<string, keyof OtherDrafts> = {
  summary: "summary",
  actions: "actions",
  "signer.name": "signerName",
  "signer.quality": "signerQuality",
  signer: "signerName",
  sentOn: "sentOn",
};
const todayIso = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

/**
 * The texts of the compte-rendu, saved together with PUT …/explanations over the version read
 * (`If-Match`): the lines whose gap the form asks to explain (15 % of their budget or more, or no
 * budget), each with its « Explication de l'écart »; the bilan of the action and its results; who
 * signs; the day the report was sent to the funder. The explanations of lines not shown here are
 * sent back as they are, since PUT replaces them all. A 412 says someone else saved in the
 * meantime, shows what was typed and reloads.
 */
function GapExplanations({ grantId, gaps, budgetNote, onSaved }: { grantId: string; gaps: Gap[]; budgetNote: string | null; onSaved: () => void }) {
  const path = `/v1/grants/${grantId}/financial-report/explanations`;
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [others, setOthers] = useState<OtherDrafts>({ summary: "", actions: "", signerName: "", signerQuality: "", sentOn: "" });
  const [error, setError] = useState<unknown>();
  const [stale, setStale] = useState<{ gaps: Record<string, string>; others: Partial<OtherDrafts> }>();
  const [done, setDone] = useState<string>();
  const texts = useLoad(async () => {
    const t = await get<ReportTexts>(path);
    setDrafts(Object.fromEntries(t.gaps.map((g) => [g.rubrique, g.text])));
    setOthers(othersOf(t));
    return t;
  }, [grantId]);
  const writable = can("putGrantReportTexts");
  const t = texts.data;
  const shown = new Set(gaps.map((g) => g.rubrique));
  const sent = gaps.filter((g) => (drafts[g.rubrique] ?? "").trim() !== "");
  const fieldErrors = new Map<string, string>();
  const otherErrors = new Map<keyof OtherDrafts, string>();
  if (error instanceof ApiError && error.problem.status === 400)
    for (const e of error.problem.errors ?? []) {
      const m = /^gaps\.(\d+)\./.exec(e.path);
      const rubrique = m ? sent[Number(m[1])]?.rubrique : undefined;
      if (rubrique) fieldErrors.set(rubrique, e.message);
      const other = FIELD_OF[e.path];
      if (other) otherErrors.set(other, e.message);
    }
  const typed = (g: Gap) => (drafts[g.rubrique] ?? "").trim() !== (t?.gaps.find((x) => x.rubrique === g.rubrique)?.text ?? "");
  const saved = t ? othersOf(t) : undefined;
  const typedOthers = (Object.keys(OTHER_LABELS) as (keyof OtherDrafts)[]).filter((k) => saved && others[k].trim() !== saved[k]);
  const changed = t ? gaps.some(typed) || typedOthers.length > 0 : false;
  const setOther = (k: keyof OtherDrafts) => (e: Event) => {
    const v = (e.target as HTMLInputElement | HTMLTextAreaElement).value;
    setOthers((o) => ({ ...o, [k]: v }));
  };
  const save = async () => {
    if (!t) return;
    setError(undefined);
    setDone(undefined);
    setStale(undefined);
    const name = others.signerName.trim();
    const quality = others.signerQuality.trim();
    const body = {
      // The other lines' texts kept as saved; the lines shown as typed (left empty: no explanation).
      gaps: [...sent.map((g) => ({ rubrique: g.rubrique, text: drafts[g.rubrique]!.trim() })), ...t.gaps.filter((g) => !shown.has(g.rubrique))],
      summary: others.summary.trim() || null,
      actions: others.actions.trim() || null,
      // A quality without a name is sent so that the API says the name is missing.
      signer: name || quality ? { name, ...(quality ? { quality } : {}) } : null,
      sentOn: others.sentOn || null,
    };
    try {
      await api("PUT", path, { body, headers: { "if-match": `"${t.version}"` } });
      setDone(
        gaps.length
          ? `Explications enregistrées (${sent.length} écart${sent.length > 1 ? "s" : ""} expliqué${sent.length > 1 ? "s" : ""} sur ${gaps.length}).`
          : "Compte-rendu enregistré.",
      );
      texts.reload();
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.problem.status === 412) {
        // What the person typed and would lose, shown to copy back.
        setStale({
          gaps: Object.fromEntries(sent.filter(typed).map((g) => [g.rubrique, drafts[g.rubrique]!.trim()])),
          others: Object.fromEntries(typedOthers.filter((k) => others[k].trim()).map((k) => [k, others[k].trim()])),
        });
        texts.reload();
        onSaved();
      } else setError(err);
    }
  };
  const otherField = (k: keyof OtherDrafts, kind: "textarea" | "text" | "date", hint?: string) => {
    const id = `crf-${k}`;
    const fault = otherErrors.get(k);
    return html`<div class="field">
      <label for=${id}>${OTHER_LABELS[k]}</label>
      ${
        kind === "textarea"
          ? html`<textarea id=${id} rows="4" maxlength="2000" disabled=${!writable} aria-invalid=${fault ? "true" : undefined} value=${others[k]} onInput=${setOther(k)}></textarea>`
          : html`<input id=${id} type=${kind} maxlength=${kind === "text" ? 120 : undefined} max=${kind === "date" ? todayIso() : undefined} disabled=${!writable}
              aria-invalid=${fault ? "true" : undefined} value=${others[k]} onInput=${setOther(k)} />`
      }
      ${hint ? html`<p class="hint">${hint}</p>` : null}
      ${fault ? html`<p class="field-error">${fault}</p>` : null}
    </div>`;
  };
  const staleOthers = stale ? (Object.keys(stale.others) as (keyof OtherDrafts)[]) : [];
  const faults = fieldErrors.size + otherErrors.size;
  return html`<section aria-labelledby="crf-gaps">
    <h3 id="crf-gaps">Écarts à expliquer</h3>
    ${
      budgetNote
        ? html`<p data-testid="crf-no-budget">${budgetNote}</p>`
        : gaps.length
          ? html`<p class="hint">Le formulaire demande d'expliquer chaque ligne dont la réalisation s'écarte de 15 % ou plus de la prévision, et chaque ligne sans prévision qui a une réalisation. Les explications sont imprimées telles quelles dans le PDF et le tableau.</p>`
          : html`<p>Aucun écart important entre la prévision et la réalisation : le formulaire ne demande pas d'explication.</p>`
    }
    ${
      stale
        ? html`<div class="alert error" role="alert"><strong>Modifié entre-temps.</strong> Quelqu'un d'autre (ou un autre onglet) a enregistré les explications de ce compte-rendu pendant que vous les lisiez : votre saisie n'a pas été enregistrée. Les explications ont été rechargées ; vérifiez-les, puis refaites votre modification.
          ${
            Object.keys(stale.gaps).length || staleOthers.length
              ? html`<ul>${gaps.filter((g) => stale.gaps[g.rubrique]).map((g) => html`<li>Votre texte pour ${g.label} : « ${stale.gaps[g.rubrique]} »</li>`)}${staleOthers.map(
                  (k) => html`<li>Votre saisie pour « ${OTHER_LABELS[k]} » : « ${stale.others[k]} »</li>`,
                )}</ul>`
              : null
          }</div>`
        : null
    }
    <${ProblemView} error=${texts.error ?? (error instanceof ApiError && error.problem.status === 400 && faults ? undefined : error)} />
    ${
      t
        ? html`${gaps.map((g) => {
            const id = `crf-gap-${g.rubrique}`;
            const fault = fieldErrors.get(g.rubrique);
            return html`<div class="card" data-testid=${`gap-${g.rubrique}`}>
              <h4>${g.rubrique} – ${g.label}</h4>
              <p>Prévision ${formatEuros(g.budget)}, réalisation ${formatEuros(g.actual)} : écart de ${signedEuros(g.gap)}${g.gapShare === null ? " (rien n'était prévu)" : ` (${g.gapShare > 0 ? "+" : ""}${formatPercent(g.gapShare)})`}.</p>
              ${g.explanation ? null : html`<p><span class="tag expired">Écart non expliqué</span></p>`}
              <div class="field">
                <label for=${id}>Explication de l'écart — ${g.label}</label>
                <textarea id=${id} rows="3" maxlength="2000" disabled=${!writable} aria-invalid=${fault ? "true" : undefined}
                  value=${drafts[g.rubrique] ?? ""} onInput=${(e: Event) => setDrafts((d) => ({ ...d, [g.rubrique]: (e.target as HTMLTextAreaElement).value }))}></textarea>
                ${fault ? html`<p class="field-error">${fault}</p>` : null}
              </div>
            </div>`;
          })}
          <h3>Bilan de l'action</h3>
          ${otherField("summary", "textarea", "Ce que l'action a réalisé : requis avant l'envoi, imprimé tel quel.")}
          ${otherField("actions", "textarea")}
          <h3>Signature et envoi</h3>
          ${otherField("signerName", "text")}
          ${otherField("signerQuality", "text", "Président(e), trésorier(e)…")}
          ${otherField("sentOn", "date", "Le jour où le compte-rendu a été envoyé au financeur ; laissez vide tant qu'il ne l'est pas (effacez la date pour corriger).")}
          ${faults ? html`<div class="alert error" role="alert"><strong>Saisie refusée</strong> — ${faults} champ${faults > 1 ? "s" : ""} à corriger, indiqué${faults > 1 ? "s" : ""} ci-dessus.</div>` : null}
          ${done ? html`<${Success}>${done}<//>` : null}
          ${
            writable
              ? html`<${ActionButton} busy="Enregistrement…" disabled=${!changed} onClick=${save}>Enregistrer le compte-rendu<//>`
              : html`<p class="hint" role="note">Lecture seule pour votre rôle : seul le trésorier rédige le compte-rendu.</p>`
          }`
        : html`<${Loading} />`
    }
  </section>`;
}
