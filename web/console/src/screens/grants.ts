/**
 * Funders and grants: each funder's five figures, its grants, new funders and grants, payments
 * received (confirmed before they are booked), « Corriger » on each grant and each of its payments
 * (amendment, cancellation, repayment of the unspent funds, and the grant's history of corrections),
 * the fonds dédiés of the year (confirmed before they are booked; those left on an ended grant shown
 * with the repayment proposed). `#/subventions/corriger/<id>` opens a grant's correction. A grant may
 * fund a project of the registry (« Projet », at creation or by an avenant), or be split between
 * projects by share (« Répartir entre plusieurs projets »: a « Part (%) » per project, making 100 %):
 * the list, the detail and the history read « Jardins partagés 60 % · Inclusion numérique 40 % »,
 * and the API's refusals of the projects are shown beside the field, in French.
 */
import { useState } from "preact/hooks";
import { api, get, keyKeeper } from "../api.js";
import { formatDate, formatEuros, parisToday, parseEuros } from "../money.js";
import { blankParts, bpOf, checkSplit, pctText, type ProjectRef, projectFaults, SplitChoice, type SplitDraft, splitKey } from "../project-split.js";
import { ActionButton, can, confirmDialog, html, Loading, Page, ProblemView, ROLE_LABELS, Success, Tabs, useLoad, useYears, YearSelect } from "../ui.js";

export const FUNDER_KINDS: Record<string, string> = {
  foundation: "Fondation",
  endowment_fund: "Fonds de dotation",
  public: "Organisme public",
  association: "Association",
  company: "Entreprise",
};

interface Funder {
  id: string;
  name: string;
  kind: string;
  awarded: number;
  recognised: number;
  received: number;
  outstanding: number;
  spent: number;
  unspentRestricted?: number;
}
export interface Grant {
  id: string;
  funderId: string;
  funderName: string;
  title: string;
  agreementDate: string;
  amount: number;
  restricted: boolean;
  startDate: string;
  endDate: string;
  status: string;
  /** The project of the registry the grant funds (its code, its name), null when none. */
  projectId?: string | null;
  projectName?: string | null;
  /** Or the projects it funds by share (0.6 is 60 %), 2 to 10; null when one project or none. */
  projects?: ProjectPart[] | null;
  installments: { dueDate: string; amount: number; received: number }[];
  received?: number;
  outstanding?: number;
  recognised?: number;
  spent?: number;
  repaid?: number;
  unspentRestricted?: number;
}

interface GrantCorrection {
  id: string;
  kind: "amendment" | "cancellation" | "repayment";
  date: string;
  bookedOn: string;
  closedYear: number | null;
  reason: string;
  by: { sub: string; role: string } | null;
  at: string;
  before: { amount: number; endDate: string };
  after: { amount: number; endDate: string };
  repayment: { amount: number; fromFunds: number; fromIncome: number } | null;
  /** A move of projects: `from`/`to` a project or none, `fromProjects`/`toProjects` a split. */
  projectMove?: { from: string | null; to: string | null; fromProjects?: ProjectPart[] | null; toProjects?: ProjectPart[] | null } | null;
  entries: { id: string; date: string }[];
}

const NO_PROJECT = "Aucun projet";
/** A project's name from its code (the code itself if the registry no longer has it); « Aucun projet » for none. */
const projectLabel = (projects: ProjectRef[], code: string | null | undefined) => (code ? (projects.find((p) => p.code === code)?.name ?? code) : NO_PROJECT);

/** One project's share of a grant: a fraction to 0,01 % (0.6 is 60 %), with its name in the answers. */
interface ProjectPart {
  projectId: string;
  share: number;
  name?: string | null;
}
/** What a grant funds, as a correction's move says it: a project, none, or a split. */
type ProjectSide = string | null | ProjectPart[];

/** A split as it reads: « Jardins partagés 60 % · Inclusion numérique 40 % ». */
const splitText = (projects: ProjectRef[], parts: ProjectPart[]) =>
  parts.map((p) => `${p.name ?? projectLabel(projects, p.projectId)} ${pctText(bpOf(p.share))}`).join(" · ");
/** What a grant funds, in words: its split, its project, or « Aucun projet ». */
const grantProjectText = (projects: ProjectRef[], g: Pick<Grant, "projectId" | "projectName" | "projects">) =>
  g.projects?.length ? splitText(projects, g.projects) : g.projectId ? (g.projectName ?? projectLabel(projects, g.projectId)) : NO_PROJECT;
/** The same, a split's shares kept whole on a line (the list, the detail). */
function GrantProject({ projects, g }: { projects: ProjectRef[]; g: Pick<Grant, "projectId" | "projectName" | "projects"> }) {
  if (!g.projects?.length) return grantProjectText(projects, g);
  return g.projects.map(
    (p, i) => html`${i ? " · " : ""}${p.name ?? projectLabel(projects, p.projectId)} <span class="nowrap">${pctText(bpOf(p.share))}</span>`,
  );
}
/** A correction's side of a move (a project, none, a split), in words. */
const sideText = (projects: ProjectRef[], side: ProjectSide | undefined) =>
  Array.isArray(side) ? (side.length ? splitText(projects, side) : NO_PROJECT) : projectLabel(projects, side);
/** Where a correction moved the grant from and to (a project, none, or a split). */
const moveSides = (m: NonNullable<GrantCorrection["projectMove"]>) => ({
  from: m.fromProjects?.length ? m.fromProjects : m.from,
  to: m.toProjects?.length ? m.toProjects : m.to,
});

interface GrantDetail extends Grant {
  payments: { entryId: string; date: string; amount: number; afterEnd: boolean }[];
  corrections: GrantCorrection[];
}

/**
 * The grant an entry of the grants belongs to, from the entry's id (signature `<id>-sig`, reprise
 * `<id>-pca<year>`, payment `<id>-p…`, correction `<id>-c…`, fonds dédiés `df<year>-<id>-<n>`), for
 * the ledger's « Corriger »: `#/subventions/corriger/<id>`. Undefined for another entry.
 */
export function grantOfEntry(entryId: string): string | undefined {
  const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  const m = new RegExp(`^(?:df\\d{4}-)?(${uuid})(?:-sig|-pca\\d{4}|-p[0-9a-f]+|-c[0-9a-f]+(?:-.+)?|-\\d+)$`).exec(entryId);
  return m?.[1];
}

const CORRECTION_KINDS: Record<GrantCorrection["kind"], string> = {
  amendment: "Avenant",
  cancellation: "Annulation",
  repayment: "Remboursement au financeur",
};

export function Grants({ sub }: { sub: string }) {
  const tabs = [
    { id: "financeurs", label: "Financeurs", href: "#/subventions/financeurs" },
    { id: "conventions", label: "Subventions", href: "#/subventions/conventions", show: can("listGrants") },
    { id: "fonds-dedies", label: "Fonds dédiés", href: "#/subventions/fonds-dedies", show: can("dedicatedFunds") },
  ].filter((t) => t.show !== false);
  const [head, fixId, action] = sub.split("/");
  const correcting = head === "corriger" && fixId ? decodeURIComponent(fixId) : undefined;
  const tab = correcting ? "conventions" : (tabs.find((t) => t.id === sub)?.id ?? "financeurs");
  const title = { financeurs: "Financeurs", conventions: "Subventions", "fonds-dedies": "Fonds dédiés" }[tab]!;
  return html`<${Page} title=${title}>
    <${Tabs} label="Financeurs et subventions" items=${tabs} current=${tab} />
    ${tab === "financeurs" ? html`<${Funders} />` : tab === "conventions" ? html`<${GrantList} correcting=${correcting} repay=${action === "rembourser"} />` : html`<${DedicatedFunds} />`}
  <//>`;
}

function Funders() {
  const list = useLoad(() => get<{ items: Funder[] }>("/v1/funders", { limit: 500 }), []);
  const [open, setOpen] = useState<string>();
  const detail = useLoad(() => (open ? get<Funder & { grants: Grant[] }>(`/v1/funders/${encodeURIComponent(open)}`) : Promise.resolve(undefined)), [open]);
  return html`${can("createFunder") ? html`<${NewFunder} onDone=${list.reload} />` : null}
    <${ProblemView} error=${list.error ?? detail.error} />
    ${
      list.data
        ? html`<table>
          <caption class="sr-only">Financeurs et leurs chiffres</caption>
          <thead><tr><th scope="col">Financeur</th><th scope="col">Type</th><th scope="col" class="num">Accordé</th><th scope="col" class="num">Reçu</th><th scope="col" class="num">Reste à recevoir</th><th scope="col" class="num">Dépensé</th><th scope="col"><span class="sr-only">Détail</span></th></tr></thead>
          <tbody>
            ${list.data.items.length === 0 ? html`<tr><td colspan="7">Aucun financeur.</td></tr>` : null}
            ${list.data.items.map(
              (f) => html`<tr>
              <td>${f.name}</td><td>${FUNDER_KINDS[f.kind] ?? f.kind}</td><td class="num">${formatEuros(f.awarded)}</td><td class="num">${formatEuros(f.received)}</td>
              <td class="num">${formatEuros(f.outstanding)}</td><td class="num">${formatEuros(f.spent)}</td>
              <td><button type="button" class="link" aria-expanded=${open === f.id} onClick=${() => setOpen(open === f.id ? undefined : f.id)}>Détail<span class="sr-only"> de ${f.name}</span></button></td></tr>
              ${
                open === f.id && detail.data
                  ? html`<tr class="lines"><td colspan="7">
                    <dl class="figures">
                      <div><dt>Accordé</dt><dd>${formatEuros(detail.data.awarded)}</dd></div>
                      <div><dt>Reçu</dt><dd>${formatEuros(detail.data.received)}</dd></div>
                      <div><dt>Reste à recevoir</dt><dd>${formatEuros(detail.data.outstanding)}</dd></div>
                      <div><dt>Dépensé</dt><dd>${formatEuros(detail.data.spent)}</dd></div>
                      <div><dt>Non dépensé (fonds affectés)</dt><dd>${formatEuros(detail.data.unspentRestricted ?? 0)}</dd></div>
                    </dl>
                    ${detail.data.grants.length ? html`<ul class="plain">${detail.data.grants.map((g) => html`<li>${g.title} · signée le ${formatDate(g.agreementDate)} · ${formatEuros(g.amount)}${g.restricted ? " · affectée" : ""}${g.projects?.length ? ` · projets ${splitText([], g.projects)}` : g.projectName ? ` · projet ${g.projectName}` : ""}</li>`)}</ul>` : html`<p>Aucune subvention.</p>`}
                  </td></tr>`
                  : null
              }`,
            )}
          </tbody>
        </table>`
        : html`<${Loading} />`
    }`;
}

function NewFunder({ onDone }: { onDone: () => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState("foundation");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [keys] = useState(keyKeeper);
  return html`<form class="card" onSubmit=${(e: Event) => e.preventDefault()}>
    <h2>Nouveau financeur</h2>
    <div class="row">
      <div class="field grow"><label for="fu-name">Nom</label><input id="fu-name" value=${name} maxlength="200" onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} /></div>
      <div class="field"><label for="fu-kind">Type</label><select id="fu-kind" value=${kind} onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value)}>
        ${Object.entries(FUNDER_KINDS).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select></div>
      <${ActionButton} disabled=${!name.trim()} busy="Création…" onClick=${async () => {
        setError(undefined);
        try {
          const body = { name: name.trim(), kind };
          const f = await api<Funder>("POST", "/v1/funders", { body, idempotencyKey: keys.for(body) });
          setDone(`Financeur « ${f.name} » créé.`);
          setName("");
          keys.reset();
          onDone();
        } catch (err) {
          setError(err);
        }
      }}>Créer le financeur<//>
    </div>
    ${done ? html`<${Success}>${done}<//>` : null}<${ProblemView} error=${error} />
  </form>`;
}

function GrantList({ correcting, repay }: { correcting?: string; repay?: boolean }) {
  const { years, year, setYear } = useYears();
  const [project, setProject] = useState("");
  const projects = useLoad(() => get<{ items: ProjectRef[] }>("/v1/projects").then((r) => r.items), []);
  const list = useLoad(() => get<{ items: Grant[] }>("/v1/grants", { year, project: project || undefined }), [year, project]);
  const all = projects.data ?? [];
  const [paying, setPaying] = useState<string>();
  const [fixing, setFixing] = useState<string | undefined>(correcting);
  const [done, setDone] = useState<string>();
  const inList = !!fixing && !!list.data?.items.some((g) => g.id === fixing);
  const projectName = project && project !== "none" ? projectLabel(all, project) : undefined;
  return html`<div class="toolbar"><${YearSelect} id="grants-year" value=${year} years=${years} onChange=${setYear} />
      ${
        all.length
          ? html`<div class="field inline"><label for="grants-project">Projet</label>
        <select id="grants-project" value=${project} onChange=${(e: Event) => setProject((e.target as HTMLSelectElement).value)}>
          <option value="">Tous les projets</option><option value="none">Sans projet</option>${all.map((p) => html`<option value=${p.code}>${p.name}</option>`)}
        </select></div>`
          : null
      }</div>
    ${can("createGrant") ? html`<${NewGrant} projects=${all} onDone=${list.reload} />` : null}
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${list.error ?? projects.error} />
    ${fixing && list.data && !inList ? html`<${Correction} grantId=${fixing} projects=${all} repay=${repay && fixing === correcting} onClose=${() => setFixing(undefined)} onDone=${(m: string) => (setDone(m), list.reload())} />` : null}
    ${
      list.data
        ? html`<table>
          <caption class="sr-only">Subventions ${year}${projectName ? ` du projet ${projectName}` : project === "none" ? " sans projet" : ""}</caption>
          <thead><tr><th scope="col">Financeur</th><th scope="col">Objet</th><th scope="col">Projet</th><th scope="col">Signée le</th><th scope="col">Période</th><th scope="col" class="num">Montant</th><th scope="col" class="num">Reçu</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            ${list.data.items.length === 0 ? html`<tr><td colspan="8">Aucune subvention ${projectName ? `du projet « ${projectName} » ` : project === "none" ? "sans projet " : ""}pour ${year}.</td></tr>` : null}
            ${list.data.items.map(
              (g) => html`<tr>
              <td>${g.funderName}</td><td>${g.title}${g.restricted ? html` <span class="tag">affectée</span>` : null}</td>
              <td class="grant-project"><${GrantProject} projects=${all} g=${g} /></td><td>${formatDate(g.agreementDate)}</td>
              <td>${formatDate(g.startDate)} – ${formatDate(g.endDate)}</td><td class="num">${formatEuros(g.amount)}</td>
              <td class="num">${formatEuros(g.installments.reduce((s, i) => s + i.received, 0))}</td>
              <td>${g.status === "cancelled" ? html`<span class="tag">annulée</span> ` : null}${can("recordGrantPayment") && g.status !== "cancelled" ? html`<button type="button" class="secondary small" aria-expanded=${paying === g.id} onClick=${() => setPaying(paying === g.id ? undefined : g.id)}>Encaisser<span class="sr-only"> ${g.title}</span></button>` : null}
                <button type="button" class="secondary small" aria-expanded=${fixing === g.id ? "true" : "false"} onClick=${() => setFixing(fixing === g.id ? undefined : g.id)}>Corriger<span class="sr-only"> la subvention ${g.title} (${g.funderName})</span></button>
                ${can("grantFinancialReport") ? html`<a class="small" href=${`#/projets/compte-rendu/${g.id}`}>Compte-rendu financier<span class="sr-only"> ${g.title}</span></a>` : null}</td></tr>
              ${paying === g.id ? html`<tr class="lines"><td colspan="8"><${Payment} grant=${g} onDone=${(m: string) => (setPaying(undefined), setDone(m), list.reload())} /></td></tr>` : null}
              ${fixing === g.id ? html`<tr class="lines"><td colspan="8"><${Correction} grantId=${g.id} projects=${all} onClose=${() => setFixing(undefined)} onDone=${(m: string) => (setDone(m), list.reload())} /></td></tr>` : null}`,
            )}
          </tbody>
        </table>`
        : html`<${Loading} />`
    }`;
}

function Payment({ grant, onDone }: { grant: Grant; onDone: (m: string) => void }) {
  const [date, setDate] = useState(parisToday());
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<unknown>();
  const [keys] = useState(keyKeeper);
  const cents = parseEuros(amount);
  return html`<div class="row">
    <div class="field"><label for=${`pay-date-${grant.id}`}>Date de réception</label><input id=${`pay-date-${grant.id}`} type="date" value=${date} onInput=${(e: Event) => setDate((e.target as HTMLInputElement).value)} /></div>
    <div class="field"><label for=${`pay-amount-${grant.id}`}>Montant reçu (€)</label><input id=${`pay-amount-${grant.id}`} class="num" inputmode="decimal" value=${amount} aria-invalid=${amount && cents === null ? "true" : undefined} onInput=${(e: Event) => setAmount((e.target as HTMLInputElement).value)} /></div>
    <${ActionButton} disabled=${!cents} busy="Enregistrement…" onClick=${async () => {
      setError(undefined);
      const late = date > grant.endDate;
      const ok = await confirmDialog({
        title: "Enregistrer ce versement ?",
        body: html`<p>Le versement de ${formatEuros(cents!)} reçu le ${formatDate(date)} de ${grant.funderName} pour « ${grant.title} » sera comptabilisé (banque / financeur). Il ne pourra pas être supprimé : une erreur se corrige ensuite avec « Corriger ».</p>
          ${late ? html`<p><strong>Ce versement arrive après la fin de la subvention (${formatDate(grant.endDate)}) :</strong> il est accepté et signalé comme tel.</p>` : null}`,
        confirm: "Enregistrer le versement",
      });
      if (!ok) return;
      try {
        await api("POST", `/v1/grants/${encodeURIComponent(grant.id)}/payments`, {
          body: { date, amount: cents },
          idempotencyKey: keys.for({ date, amount: cents }),
        });
        onDone(`Versement de ${formatEuros(cents!)} enregistré pour « ${grant.title} ».`);
      } catch (err) {
        setError(err);
      }
    }}>Enregistrer le versement<//>
    <${ProblemView} error=${error} />
  </div>`;
}

function NewGrant({ projects, onDone }: { projects: ProjectRef[]; onDone: () => void }) {
  const funders = useLoad(() => get<{ items: Funder[] }>("/v1/funders", { limit: 500 }), []);
  const [g, setG] = useState({
    funderId: "",
    title: "",
    agreementDate: parisToday(),
    amount: "",
    restricted: false,
    startDate: parisToday(),
    endDate: parisToday(),
    projectId: "",
  });
  const [pj, setPj] = useState<SplitDraft>({ split: false, parts: blankParts() });
  const [installments, setInstallments] = useState<{ dueDate: string; amount: string }[]>([{ dueDate: parisToday(), amount: "" }]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [keys] = useState(keyKeeper);
  const [open, setOpen] = useState(false);
  const amount = parseEuros(g.amount);
  const sum = installments.reduce((s, i) => s + (parseEuros(i.amount) ?? 0), 0);
  const set = (patch: Partial<typeof g>) => setG({ ...g, ...patch });
  const split = checkSplit(pj, "enregistrer la subvention");
  const setSplit = (p: Partial<SplitDraft>) =>
    setPj((x) => {
      const next = { ...x, ...p };
      // Ticked with a project chosen: it starts the split's first line.
      if (p.split && !x.split && g.projectId && !next.parts[0]!.project) next.parts = next.parts.map((q, i) => (i === 0 ? { ...q, project: g.projectId } : q));
      return next;
    });
  const faults = projectFaults(error, projects);
  const hint = html`<p id="g-project-hint" class="hint grow">${pj.split ? "Les projets que la subvention finance, chacun pour sa part : ses produits (et ses fonds dédiés) leur sont rattachés dans cette proportion." : "Le projet que la subvention finance : ses produits (et ses fonds dédiés) lui sont rattachés dans les chiffres du projet et son compte-rendu financier."}</p>`;
  if (!open) return html`<div class="toolbar"><button type="button" class="primary" onClick=${() => setOpen(true)}>Nouvelle subvention</button></div>`;
  return html`<form class="card" aria-labelledby="g-form-title" onSubmit=${(e: Event) => e.preventDefault()}>
    <h2 id="g-form-title">Nouvelle subvention</h2>
    <div class="row">
      <div class="field"><label for="g-funder">Financeur</label><select id="g-funder" value=${g.funderId} onChange=${(e: Event) => set({ funderId: (e.target as HTMLSelectElement).value })}>
        <option value="">— choisir —</option>${funders.data?.items.map((f) => html`<option value=${f.id}>${f.name}</option>`)}</select></div>
      <div class="field grow"><label for="g-title">Objet</label><input id="g-title" value=${g.title} onInput=${(e: Event) => set({ title: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="g-amount">Montant accordé (€)</label><input id="g-amount" class="num" inputmode="decimal" value=${g.amount} onInput=${(e: Event) => set({ amount: (e.target as HTMLInputElement).value })} /></div>
    </div>
    <div class="row">
      <div class="field"><label for="g-agreement">Signée le</label><input id="g-agreement" type="date" value=${g.agreementDate} onInput=${(e: Event) => set({ agreementDate: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="g-start">Début</label><input id="g-start" type="date" value=${g.startDate} onInput=${(e: Event) => set({ startDate: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="g-end">Fin</label><input id="g-end" type="date" value=${g.endDate} onInput=${(e: Event) => set({ endDate: (e.target as HTMLInputElement).value })} /></div>
      <label class="radio"><input type="checkbox" checked=${g.restricted} onChange=${(e: Event) => set({ restricted: (e.target as HTMLInputElement).checked })} /> Subvention affectée par le financeur (fonds dédiés)</label>
    </div>
    <div class="row">
      ${
        pj.split
          ? null
          : html`<div class="field"><label for="g-project">Projet</label><select id="g-project" aria-describedby="g-project-hint" aria-invalid=${faults.beside.length ? "true" : undefined} value=${g.projectId} onChange=${(e: Event) => set({ projectId: (e.target as HTMLSelectElement).value })}>
        <option value="">${NO_PROJECT}</option>${projects.map((p) => html`<option value=${p.code}>${p.name}</option>`)}</select></div>`
      }
      ${projects.length >= 2 ? html`<${SplitChoice} x=${pj} set=${setSplit} projects=${projects} total=${split.total} problem=${split.problem} faults=${faults.beside} idp="g" hint=${hint} wide />` : hint}
    </div>
    ${projects.length < 2 && faults.beside.length ? html`<div class="field-error" role="alert" data-testid="project-faults">${faults.beside.map((f) => html`<p>${f}</p>`)}</div>` : null}
    <fieldset><legend>Échéancier</legend>
      ${installments.map(
        (i, n) => html`<div class="row">
        <div class="field"><label for=${`inst-date-${n}`}>Date de l'échéance ${n + 1}</label><input id=${`inst-date-${n}`} type="date" value=${i.dueDate} onInput=${(e: Event) => setInstallments(installments.map((x, j) => (j === n ? { ...x, dueDate: (e.target as HTMLInputElement).value } : x)))} /></div>
        <div class="field"><label for=${`inst-amount-${n}`}>Montant de l'échéance ${n + 1} (€)</label><input id=${`inst-amount-${n}`} class="num" inputmode="decimal" value=${i.amount} onInput=${(e: Event) => setInstallments(installments.map((x, j) => (j === n ? { ...x, amount: (e.target as HTMLInputElement).value } : x)))} /></div>
      </div>`,
      )}
      <button type="button" class="secondary small" onClick=${() => setInstallments([...installments, { dueDate: g.endDate, amount: "" }])}>Ajouter une échéance</button>
      <p aria-live="polite" class=${amount !== null && sum === amount ? "balance ok" : "balance ko"}>Échéances : ${formatEuros(sum)} sur ${amount !== null ? formatEuros(amount) : "—"}</p>
    </fieldset>
    <${ActionButton} disabled=${!g.funderId || !g.title.trim() || amount === null || sum !== amount || !!split.problem} busy="Création…" onClick=${async () => {
      setError(undefined);
      if (split.problem) return;
      try {
        const { projectId: one, ...rest } = g;
        const shares = pj.split ? split.shares : undefined;
        const projectId = shares ? "" : one;
        const body = {
          ...rest,
          ...(shares ? { projects: shares } : projectId ? { projectId } : {}),
          title: g.title.trim(),
          amount,
          installments: installments.map((i) => ({ dueDate: i.dueDate, amount: parseEuros(i.amount) })),
        };
        await api("POST", "/v1/grants", { body, idempotencyKey: keys.for(body) });
        setDone(
          `Subvention « ${g.title} » enregistrée${shares ? `, répartie entre les projets ${splitText(projects, shares)}` : projectId ? ` pour le projet « ${projectLabel(projects, projectId)} »` : ""}.`,
        );
        keys.reset();
        onDone();
      } catch (err) {
        setError(err);
      }
    }}>Enregistrer la subvention<//>
    ${done ? html`<${Success}>${done}<//>` : null}<${ProblemView} error=${faults.rest ?? funders.error} />
  </form>`;
}

interface DedicatedRow {
  grantId: string;
  title: string;
  funderName: string;
  recognised: number;
  spent: number;
  atStart: number;
  new: number;
  used: number;
  atEnd: number;
  posted: boolean;
  grantEnded?: boolean;
  proposedTransfer?: { amount: number; from: string; to: string } | null;
}

/** The year's fonds dédiés per restricted grant, and booking them before the closing. */
function DedicatedFunds() {
  const { years, year, setYear } = useYears();
  const funds = useLoad(
    () =>
      get<{ rows: DedicatedRow[]; totals: { atStart: number; new: number; used: number; atEnd: number }; pending: string[] }>("/v1/grants/dedicated-funds", {
        year,
      }),
    [year],
  );
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [keys] = useState(keyKeeper);
  const f = funds.data;
  return html`<div class="toolbar"><${YearSelect} id="df-year" value=${year} years=${years} onChange=${setYear} />
      ${
        can("postDedicatedFunds") && f?.pending.length
          ? html`<${ActionButton} busy="Comptabilisation…" onClick=${async () => {
              setError(undefined);
              setDone(undefined);
              const ok = await confirmDialog({
                title: `Comptabiliser les fonds dédiés ${year} ?`,
                body: html`<p>${f.pending.length} subvention(s) affectée(s) : la part non dépensée sera mise de côté (reportée) et celle utilisée dans l'année reprise, au ${formatDate(`${year}-12-31`)}. Ces écritures ne s'effacent pas ; si une dépense de ${year} arrive ensuite, comptabiliser à nouveau n'écrit que la différence.</p>`,
                confirm: "Comptabiliser",
              });
              if (!ok) return;
              try {
                const out = await api<{ entries: unknown[] }>("POST", `/v1/ledger/years/${year}/dedicated-funds`, {
                  idempotencyKey: keys.for({ year, pending: f.pending }),
                });
                setDone(`Fonds dédiés ${year} comptabilisés (${out.entries.length} écriture(s)).`);
                keys.reset();
                funds.reload();
              } catch (err) {
                setError(err);
              }
            }}>Comptabiliser les fonds dédiés ${year}<//>`
          : null
      }
    </div>
    <p class="hint">Les fonds dédiés, c'est la part d'une subvention réservée à un projet qui n'a pas encore été dépensée à la fin de l'exercice : elle est mise de côté pour l'année suivante, où elle reviendra au fil des dépenses du projet. À comptabiliser avant la clôture.</p>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error ?? funds.error} />
    ${
      f
        ? html`<table>
          <caption class="sr-only">Fonds dédiés ${year}</caption>
          <thead><tr><th scope="col">Subvention</th><th scope="col" class="num">Au début</th><th scope="col" class="num">Reportés</th><th scope="col" class="num">Utilisés</th><th scope="col" class="num">À la fin</th><th scope="col">Comptabilisé</th></tr></thead>
          <tbody>
            ${f.rows.length === 0 ? html`<tr><td colspan="6">Aucune subvention affectée en ${year}.</td></tr>` : null}
            ${f.rows.map(
              (r) =>
                html`<tr><td>${r.funderName} — ${r.title}${
                  r.proposedTransfer
                    ? html`<p class="hint"><strong>Subvention terminée :</strong> ${formatEuros(r.proposedTransfer.amount)} de fonds dédiés restent sans emploi. À rembourser au financeur (ou à garder avec son accord écrit). <a href=${`#/subventions/corriger/${encodeURIComponent(r.grantId)}/rembourser`}>Préparer le remboursement<span class="sr-only"> de ${r.title}</span></a></p>`
                    : null
                }</td><td class="num">${formatEuros(r.atStart)}</td><td class="num">${formatEuros(r.new)}</td><td class="num">${formatEuros(r.used)}</td><td class="num">${formatEuros(r.atEnd)}</td><td>${r.posted ? "oui" : html`<strong>non</strong>`}</td></tr>`,
            )}
          </tbody>
          <tfoot><tr><th scope="row">Totaux</th><td class="num">${formatEuros(f.totals.atStart)}</td><td class="num">${formatEuros(f.totals.new)}</td><td class="num">${formatEuros(f.totals.used)}</td><td class="num">${formatEuros(f.totals.atEnd)}</td><td></td></tr></tfoot>
        </table>`
        : html`<${Loading} />`
    }`;
}

/**
 * A grant's correction: its history (who, when, why, the entries written), its payments (each with
 * « Corriger », which brings here), and the three corrections — amendment, cancellation, repayment of
 * the unspent funds — each confirmed before it is written (a correction is never undone, only
 * corrected again).
 */
function Correction({
  grantId,
  projects,
  repay,
  onClose,
  onDone,
}: {
  grantId: string;
  projects: ProjectRef[];
  repay?: boolean;
  onClose: () => void;
  onDone: (m: string) => void;
}) {
  const grant = useLoad(() => get<GrantDetail>(`/v1/grants/${encodeURIComponent(grantId)}`), [grantId]);
  const g = grant.data;
  const [kind, setKind] = useState<"amendment" | "cancellation" | "repayment">(repay ? "repayment" : "amendment");
  const [date, setDate] = useState(parisToday());
  const [typed, setAmount] = useState<string>();
  const [endDate, setEndDate] = useState("");
  // The avenant's project: "" leaves it as it is, "none" takes the grant off its project, a code moves it.
  const [moveTo, setMoveTo] = useState("");
  // Or « Répartir entre plusieurs projets »: the new split (ticked, it starts from the grant's own, if it has one).
  const [pj, setPj] = useState<SplitDraft>({ split: false, parts: [] });
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [keys] = useState(keyKeeper);
  const id = `fix-${grantId}`;
  if (!g) return html`<div class="card"><${ProblemView} error=${grant.error} />${grant.error ? null : html`<${Loading} />`}</div>`;
  // Opened to repay (from the fonds dédiés): the unspent funds proposed until the person types another amount.
  const amount = typed ?? (kind === "repayment" && g.unspentRestricted ? String(g.unspentRestricted / 100).replace(".", ",") : "");
  const cents = amount.trim() ? parseEuros(amount) : undefined;
  const cancelled = g.status === "cancelled";
  const kinds = (["amendment", "cancellation", "repayment"] as const).filter((k) => !cancelled && (k !== "repayment" || g.restricted));
  const pct = (share: number) => (bpOf(share) / 100).toLocaleString("fr-FR", { maximumFractionDigits: 2, useGrouping: false });
  const setSplit = (p: Partial<SplitDraft>) =>
    setPj((x) => {
      const next = { ...x, ...p };
      if (p.split && !x.parts.length)
        next.parts = g.projects?.length
          ? g.projects.map((q) => ({ project: q.projectId, pct: pct(q.share) }))
          : [
              { project: moveTo && moveTo !== "none" ? moveTo : (g.projectId ?? ""), pct: "" },
              { project: "", pct: "" },
            ];
      return next;
    });
  const checked = checkSplit(pj, "enregistrer l'avenant");
  const sameSplit = pj.split && !checked.problem && !!g.projects?.length && splitKey(checked.shares) === splitKey(g.projects);
  const splitProblem =
    checked.problem ??
    (sameSplit ? "C'est déjà la répartition de la subvention : changez un projet ou une part, ou décochez « Répartir entre plusieurs projets »." : undefined);
  // The move asked for: a split, « Aucun projet » (null), a project, or nothing (undefined).
  const newSide: ProjectSide | undefined = pj.split ? checked.shares : moveTo ? (moveTo === "none" ? null : moveTo) : undefined;
  const beforeText = grantProjectText(projects, g);
  const submit = async () => {
    setError(undefined);
    setDone(undefined);
    const body: Record<string, unknown> = { date, reason: reason.trim() };
    let what: string;
    if (kind === "amendment") {
      if (cents) body.amount = cents;
      if (endDate) body.endDate = endDate;
      if (Array.isArray(newSide)) body.projects = newSide;
      else if (newSide !== undefined) body.projectId = newSide;
      const terms = cents || endDate;
      const move =
        newSide !== undefined
          ? ` La subvention passera ${g.projects?.length ? `de la répartition « ${beforeText} »` : `du projet « ${beforeText} »`} à ${Array.isArray(newSide) ? `la répartition « ${sideText(projects, newSide)} »` : `« ${sideText(projects, newSide)} »`} : les produits de l'exercice et des années suivantes déjà comptabilisés changent de projet ; les années closes gardent le leur.`
          : "";
      what = `${
        terms
          ? `L'avenant portera la subvention ${cents ? `à ${formatEuros(cents)}` : `à ${formatEuros(g.amount)}`}${endDate ? `, jusqu'au ${formatDate(endDate)}` : ""}. Le produit de l'exercice, la créance sur le financeur et les quotes-parts des années suivantes seront ajustés par des écritures de différence.`
          : "Le montant et la période de la subvention ne changent pas."
      }${move}`;
    } else if (kind === "cancellation")
      what = `La subvention sera ramenée à ce qui a été reçu (${formatEuros(g.received ?? 0)}) : ce qui était comptabilisé et n'a pas été reçu sera contre-passé, et aucun versement ne sera plus attendu.`;
    else {
      body.amount = cents;
      what = `${formatEuros(cents ?? 0)} seront rendus à ${g.funderName} : les fonds dédiés (et, pour le reste, le produit de l'année) passent en dette envers le financeur, puis la banque la règle.`;
    }
    const ok = await confirmDialog({
      title: `${CORRECTION_KINDS[kind]} — ${g.title}`,
      body: html`<p>${what}</p><p>Motif : « ${reason.trim()} ». Une correction ne s'efface pas : elle reste dans l'historique de la subvention, avec son auteur et son motif.</p><p>Si l'exercice de cette date est clos, les écritures seront passées au premier jour du premier exercice ouvert.</p>`,
      confirm: "Enregistrer la correction",
      danger: kind !== "amendment",
    });
    if (!ok) return;
    const path = { amendment: "amendments", cancellation: "cancellation", repayment: "repayments" }[kind];
    try {
      const out = await api<{ entries: unknown[]; correction: GrantCorrection }>("POST", `/v1/grants/${encodeURIComponent(grantId)}/${path}`, {
        body,
        idempotencyKey: keys.for({ grantId, kind, ...body }),
      });
      const pm = out.correction.projectMove;
      const moved = pm
        ? { from: sideText(projects, moveSides(pm).from), to: sideText(projects, moveSides(pm).to) }
        : pm === undefined && kind === "amendment" && newSide !== undefined
          ? { from: beforeText, to: sideText(projects, newSide) }
          : undefined;
      const m = `${CORRECTION_KINDS[kind]} ${kind === "cancellation" ? "enregistrée" : "enregistré"} pour « ${g.title} » : ${out.entries.length} écriture(s)${out.correction.closedYear ? `, passée(s) le ${formatDate(out.correction.bookedOn)} (exercice ${out.correction.closedYear} clos)` : ""}${moved ? ` ; la subvention relève désormais de « ${moved.to} » (auparavant « ${moved.from} »)` : ""}.`;
      setDone(m);
      keys.reset();
      setReason("");
      setAmount(undefined);
      setMoveTo("");
      setPj({ split: false, parts: [] });
      grant.reload();
      onDone(m);
    } catch (err) {
      setError(err);
    }
  };
  const ready =
    reason.trim() &&
    date &&
    (kind === "cancellation" ||
      (kind === "repayment" ? !!cents : cents !== null && (kind !== "amendment" || !pj.split || !splitProblem) && (cents || endDate || newSide !== undefined)));
  const otherProjects = projects.filter((p) => p.code !== g.projectId);
  const faults = projectFaults(error, projects);
  return html`<section class="card" aria-labelledby=${`${id}-title`}>
    <h2 id=${`${id}-title`}>Corriger la subvention « ${g.title} » — ${g.funderName}</h2>
    <dl class="figures">
      <div><dt>Accordé</dt><dd>${formatEuros(g.amount)}</dd></div>
      <div><dt>Reçu</dt><dd>${formatEuros(g.received ?? 0)}</dd></div>
      <div><dt>Reste à recevoir</dt><dd>${formatEuros(g.outstanding ?? 0)}</dd></div>
      <div><dt>Dépensé</dt><dd>${formatEuros(g.spent ?? 0)}</dd></div>
      <div><dt>${g.projects?.length ? "Projets" : "Projet"}</dt><dd><${GrantProject} projects=${projects} g=${g} /></dd></div>
      ${g.restricted ? html`<div><dt>Non dépensé</dt><dd>${formatEuros(g.unspentRestricted ?? 0)}</dd></div>` : null}
      ${g.repaid ? html`<div><dt>Remboursé</dt><dd>${formatEuros(g.repaid)}</dd></div>` : null}
    </dl>
    <h3>Versements reçus</h3>
    ${
      g.payments.length
        ? html`<ul class="plain">${g.payments.map(
            (p) => html`<li>${formatDate(p.date)} · ${formatEuros(p.amount)}${p.afterEnd ? html` <span class="tag">après la fin</span>` : null}
              <button type="button" class="link" onClick=${() => (setKind(kinds.includes("amendment") ? "amendment" : kinds[0]!), document.getElementById(`${id}-reason`)?.focus())}>Corriger<span class="sr-only"> le versement du ${formatDate(p.date)}</span></button></li>`,
          )}</ul>
          <p class="hint">Un versement comptabilisé ne s'efface pas : un montant accordé à revoir se corrige par un avenant, un trop-perçu par un remboursement.</p>`
        : html`<p>Aucun versement.</p>`
    }
    <h3>Historique des corrections</h3>
    ${
      g.corrections.length
        ? html`<ol class="plain">${g.corrections.map(
            (
              c,
            ) => html`<li><strong>${CORRECTION_KINDS[c.kind]}</strong> du ${formatDate(c.date)}${c.closedYear ? ` (exercice ${c.closedYear} clos : passée le ${formatDate(c.bookedOn)})` : ""} — « ${c.reason} »,
              par ${c.by ? (ROLE_LABELS[c.by.role] ?? c.by.role) : "le système"} le ${formatDate(c.at.slice(0, 10))}${" · "}${
                c.kind === "repayment"
                  ? `${formatEuros(c.repayment?.amount ?? 0)} rendus`
                  : [
                      c.projectMove && c.before.amount === c.after.amount ? "" : `${formatEuros(c.before.amount)} → ${formatEuros(c.after.amount)}`,
                      c.before.endDate !== c.after.endDate ? `fin ${formatDate(c.before.endDate)} → ${formatDate(c.after.endDate)}` : "",
                      c.projectMove ? `projet ${sideText(projects, moveSides(c.projectMove).from)} → ${sideText(projects, moveSides(c.projectMove).to)}` : "",
                    ]
                      .filter(Boolean)
                      .join(", ")
              }${" · "}${c.entries.length} écriture(s)</li>`,
          )}</ol>`
        : html`<p>Aucune correction.</p>`
    }
    ${
      cancelled
        ? html`<p>Cette subvention est annulée : elle ne se corrige plus.</p>`
        : can("amendGrant")
          ? html`<form onSubmit=${(e: Event) => e.preventDefault()}>
          <fieldset><legend>Correction</legend>
            ${kinds.map((k) => html`<label class="radio"><input type="radio" name=${`${id}-kind`} value=${k} checked=${kind === k} onChange=${() => (setKind(k), setAmount(undefined))} /> ${CORRECTION_KINDS[k]}</label>`)}
          </fieldset>
          <div class="row">
            <div class="field"><label for=${`${id}-date`}>Date</label><input id=${`${id}-date`} type="date" value=${date} onInput=${(e: Event) => setDate((e.target as HTMLInputElement).value)} /></div>
            ${kind !== "cancellation" ? html`<div class="field"><label for=${`${id}-amount`}>${kind === "repayment" ? "Montant rendu (€)" : "Nouveau montant accordé (€)"}</label><input id=${`${id}-amount`} class="num" inputmode="decimal" value=${amount} aria-invalid=${amount && cents === null ? "true" : undefined} onInput=${(e: Event) => setAmount((e.target as HTMLInputElement).value)} /></div>` : null}
            ${kind === "amendment" ? html`<div class="field"><label for=${`${id}-end`}>Nouvelle date de fin</label><input id=${`${id}-end`} type="date" value=${endDate} onInput=${(e: Event) => setEndDate((e.target as HTMLInputElement).value)} /></div>` : null}
            <div class="field grow"><label for=${`${id}-reason`}>Motif</label><input id=${`${id}-reason`} value=${reason} maxlength="200" onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} /></div>
          </div>
          ${
            kind === "amendment" && (otherProjects.length || g.projectId || g.projects?.length)
              ? html`<div class="row">
              ${
                pj.split
                  ? null
                  : html`<div class="field"><label for=${`${id}-project`}>Projet</label><select id=${`${id}-project`} value=${moveTo} aria-invalid=${faults.beside.length ? "true" : undefined} onChange=${(e: Event) => setMoveTo((e.target as HTMLSelectElement).value)}>
                <option value="">Inchangé (${beforeText})</option>
                ${g.projectId || g.projects?.length ? html`<option value="none">${NO_PROJECT}</option>` : null}
                ${otherProjects.map((p) => html`<option value=${p.code}>${p.name}</option>`)}</select></div>`
              }
              ${projects.length >= 2 ? html`<${SplitChoice} x=${pj} set=${setSplit} projects=${projects} total=${checked.total} problem=${splitProblem} faults=${faults.beside} idp=${`${id}-pj`} hint=${pj.split ? html`<p class="hint grow">Aujourd'hui : ${beforeText}.</p>` : null} wide />` : null}
            </div>
            ${projects.length < 2 && faults.beside.length ? html`<div class="field-error" role="alert" data-testid="project-faults">${faults.beside.map((f) => html`<p>${f}</p>`)}</div>` : null}`
              : null
          }
          <div class="toolbar">
            <${ActionButton} disabled=${!ready} busy="Enregistrement…" onClick=${submit}>Enregistrer la correction<//>
            <button type="button" class="secondary" onClick=${onClose}>Fermer</button>
          </div>
        </form>`
          : null
    }
    ${done ? html`<${Success}>${done}<//>` : null}<${ProblemView} error=${faults.rest} />
  </section>`;
}
