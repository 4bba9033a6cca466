/**
 * Giving: donors, the gifts and their projects (dons affectés), members, receipts (PDF, annual recap
 * receipts, the art. 222 bis figures), payment incidents. « Changer de projet » moves a gift to one
 * project, to none, or splits it between projects (« Répartir entre plusieurs projets »: a « Part (%) »
 * per project, making 100 %, checked as the grants' form does); the list reads « Plaidoyer 60 % ·
 * Éducation populaire 40 % », and the API's refusals of the projects are shown beside the field, in French.
 */
import { useState } from "preact/hooks";
import { api, download, keyKeeper, newKey } from "../api.js";
import { bpOf, checkSplit, pctText, type ProjectRef, projectFaults, SplitChoice, type SplitDraft, splitKey } from "../project-split.js";
import { formatDate, formatEuros, formatInt } from "../money.js";
import { get } from "../api.js";
import { can, confirmDialog, html, Loading, Money, MoreButton, Page, ProblemView, Success, Tabs, useLoad, usePaged, useYears, YearSelect } from "../ui.js";
import { ErasureSummary, PersonDataActions, type Erasure } from "./person-data.js";
import { MailButton, PersonMail } from "./person-mail.js";
import { DeclarationCard } from "./declaration.js";

/** The e-mails column: "E-mails" opens the person's messages above the list (roles that may read them). */
function usePersonMail() {
  const [open, setOpen] = useState<{ email: string; name: string }>();
  const shown = can("personMessages");
  return {
    panel: open ? html`<${PersonMail} email=${open.email} name=${open.name} onClose=${() => setOpen(undefined)} />` : null,
    head: shown ? html`<th scope="col"><span class="sr-only">E-mails</span></th>` : null,
    cell: (email: string, name: string) => (shown ? html`<td><${MailButton} email=${email} onOpen=${() => setOpen({ email, name })} /></td>` : null),
  };
}

/** The personal-data column (export, erasure): shown to the roles that may call them. */
function usePersonData(reload: () => void) {
  const [erased, setErased] = useState<Erasure>();
  const [error, setError] = useState<unknown>();
  const shown = can("exportPerson") || can("erasePerson");
  return {
    shown,
    error,
    summary: erased ? html`<${ErasureSummary} result=${erased} />` : null,
    head: shown ? html`<th scope="col"><span class="sr-only">Données personnelles</span></th>` : null,
    cell: (email: string, name: string) =>
      shown
        ? html`<td><${PersonDataActions} email=${email} name=${name} onError=${setError} onErased=${(r: Erasure) => (setErased(r), reload())} /></td>`
        : null,
  };
}

interface Address {
  line1: string;
  line2?: string;
  postalCode: string;
  city: string;
  country: string;
}
const addressText = (a: Address | undefined) =>
  a ? [a.line1, a.line2, `${a.postalCode} ${a.city}`, a.country !== "FR" ? a.country : ""].filter(Boolean).join(", ") : "";

export function Giving({ sub }: { sub: string }) {
  const tabs = [
    { id: "donateurs", label: "Donateurs", href: "#/dons/donateurs", show: can("listDonors") },
    { id: "dons", label: "Dons et projets", href: "#/dons/dons", show: can("listGifts") },
    { id: "adherents", label: "Adhérents", href: "#/dons/adherents", show: can("listMembers") },
    { id: "recus", label: "Reçus fiscaux", href: "#/dons/recus", show: can("listReceipts") },
    { id: "incidents", label: "Incidents de paiement", href: "#/dons/incidents", show: can("listIncidents") },
  ].filter((t) => t.show);
  const current = tabs.find((t) => t.id === sub)?.id ?? tabs[0]?.id;
  const { years, current: defaultYear } = useYears();
  const [picked, setYear] = useState<number>();
  const year = picked ?? defaultYear;
  const title = { donateurs: "Donateurs", dons: "Dons et projets", adherents: "Adhérents", recus: "Reçus fiscaux", incidents: "Incidents de paiement" }[
    current ?? "donateurs"
  ]!;
  return html`<${Page} title=${title} actions=${current !== "adherents" ? html`<${YearSelect} id="giving-year" value=${year} years=${years} onChange=${setYear} />` : null}>
    <${Tabs} label="Dons et adhésions" items=${tabs} current=${current} />
    ${current === "donateurs" ? html`<${Donors} year=${year} />` : null}
    ${current === "dons" ? html`<${Gifts} year=${year} />` : null}
    ${current === "adherents" ? html`<${Members} />` : null}
    ${current === "recus" ? html`<${Receipts} year=${year} />` : null}
    ${current === "incidents" ? html`<${Incidents} year=${year} />` : null}
  <//>`;
}

interface Donor {
  email: string;
  firstName: string;
  lastName: string;
  address?: Address;
  total: number;
  gifts: number;
  monthly: boolean;
  lastGift: string;
  subscription?: string;
}

function Donors({ year }: { year: number }) {
  const r = usePaged<Donor>("/v1/donors", { year, limit: 200 }, [year]);
  const withAddress = r.items.some((d) => d.address);
  const person = usePersonData(() => r.reload());
  const mail = usePersonMail();
  return html`${person.summary}<${ProblemView} error=${person.error ?? r.error} />${mail.panel}
    ${
      r.first
        ? html`<p class="summary">${formatInt(r.items.length)} donateurs${r.more ? " affichés" : ""}, <${Money} cents=${r.items.reduce((s, d) => s + d.total, 0)} /> reçus en ${year}.</p>
        <table>
          <caption class="sr-only">Donateurs ${year}</caption>
          <thead><tr><th scope="col">Nom</th><th scope="col">E-mail</th>${withAddress ? html`<th scope="col">Adresse</th>` : null}<th scope="col" class="num">Dons</th><th scope="col" class="num">Total</th><th scope="col">Mensuel</th><th scope="col">Dernier don</th>${mail.head}${person.head}</tr></thead>
          <tbody>
            ${r.items.length === 0 ? html`<tr><td colspan="7">Aucun don en ${year}.</td></tr>` : null}
            ${r.items.map(
              (d) => html`<tr>
              <td>${d.lastName.toUpperCase()} ${d.firstName}</td><td>${d.email}</td>${withAddress ? html`<td>${addressText(d.address)}</td>` : null}
              <td class="num">${d.gifts}</td><td class="num">${formatEuros(d.total)}</td>
              <td>${d.monthly ? (d.subscription === "active" || !d.subscription ? "oui" : `oui (${d.subscription === "canceled" ? "arrêté" : d.subscription})`) : "non"}</td><td>${formatDate(d.lastGift)}</td>${mail.cell(d.email, `${d.firstName} ${d.lastName}`.trim())}${person.cell(d.email, `${d.firstName} ${d.lastName}`.trim())}</tr>`,
            )}
          </tbody>
        </table><${MoreButton} paged=${r} what="donateurs" />`
        : html`<${Loading} />`
    }`;
}

/** One project's share of a gift as the API answers it (0.6 is 60 %). */
interface ProjectPart extends ProjectRef {
  share: number;
}
interface GiftRow {
  id: string;
  date: string;
  amount: number;
  refunded: number;
  kept: number;
  fee: number;
  frequency: "once" | "monthly";
  firstName: string;
  lastName: string;
  email: string;
  project: ProjectRef | null;
  /** Or the projects the gift is split between, by share; null when it is on one project or none. */
  projects?: ProjectPart[] | null;
  history: {
    at: string;
    date: string;
    from: ProjectRef | null;
    to: ProjectRef | null;
    fromProjects?: ProjectPart[] | null;
    toProjects?: ProjectPart[] | null;
    reason: string;
  }[];
}
interface GiftList {
  year: number;
  items: GiftRow[];
  nextCursor: string | null;
  byProject: { project: ProjectRef | null; count: number; kept: number }[];
}
const projectName = (p: ProjectRef | null) => (p ? p.name : "Sans projet");

/** A split as it reads: « Plaidoyer 60 % · Éducation populaire 40 % ». */
const splitText = (parts: { name: string; share: number }[]) => parts.map((p) => `${p.name} ${pctText(bpOf(p.share))}`).join(" · ");
/** Where a gift is, or was, in words: its split, its project, or « Sans projet ». */
const sideText = (project: ProjectRef | null, parts: ProjectPart[] | null | undefined) => (parts?.length ? splitText(parts) : projectName(project));

/** The gifts of the year with their project: a filter by project, the totals per project, « Changer de projet » for the trésorier. */
function Gifts({ year }: { year: number }) {
  const [filter, setFilter] = useState("");
  const [editing, setEditing] = useState<GiftRow>();
  const [done, setDone] = useState<string>();
  const projects = useLoad(() => get<{ items: ProjectRef[] }>("/v1/projects"), []);
  const r = usePaged<GiftRow, GiftList>("/v1/gifts", { year, project: filter || undefined, limit: 200 }, [year, filter]);
  const byProject = r.first?.byProject;
  const mayChange = can("reassignGiftProject");
  const list = projects.data?.items ?? [];
  return html`<${OfferedProjects} projects=${list} />
    <div class="toolbar"><div class="field inline"><label for="gift-project-filter">Projet</label>
      <select id="gift-project-filter" value=${filter} onChange=${(e: Event) => (setFilter((e.target as HTMLSelectElement).value), setEditing(undefined))}>
        <option value="">Tous les projets</option><option value="none">Sans projet</option>
        ${list.map((p) => html`<option value=${p.code}>${p.name}</option>`)}
      </select></div></div>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${r.error ?? projects.error} />
    ${
      editing
        ? html`<${ChangeProject} gift=${editing} projects=${list} onClose=${() => setEditing(undefined)} onDone=${(msg: string) => (setEditing(undefined), setDone(msg), r.reload())} />`
        : null
    }
    ${
      byProject
        ? html`<table class="gift-projects">
            <caption>Dons ${year} par projet</caption>
            <thead><tr><th scope="col">Projet</th><th scope="col" class="num">Dons</th><th scope="col" class="num">Montant conservé</th></tr></thead>
            <tbody>
              ${byProject.length === 0 ? html`<tr><td colspan="3">Aucun don en ${year}.</td></tr>` : null}
              ${byProject.map((t) => html`<tr><td>${projectName(t.project)}</td><td class="num">${formatInt(t.count)}</td><td class="num">${formatEuros(t.kept)}</td></tr>`)}
            </tbody>
          </table>
          <table class="gifts">
            <caption class="sr-only">Dons ${year}</caption>
            <thead><tr><th scope="col">Date</th><th scope="col">Donateur</th><th scope="col">Type</th><th scope="col" class="num">Montant</th><th scope="col" class="num">Remboursé</th><th scope="col">Projet</th>${mayChange ? html`<th scope="col"><span class="sr-only">Actions</span></th>` : null}</tr></thead>
            <tbody>
              ${r.items.length === 0 ? html`<tr><td colspan="7">Aucun don${filter ? " pour ce projet" : ""} en ${year}.</td></tr>` : null}
              ${r.items.map((g) => {
                const last = g.history.at(-1);
                return html`<tr data-gift=${g.id}>
                  <td>${formatDate(g.date)}</td><td>${g.lastName.toUpperCase()} ${g.firstName}</td><td>${g.frequency === "monthly" ? "mensuel" : "ponctuel"}</td>
                  <td class="num">${formatEuros(g.amount)}</td><td class="num">${g.refunded ? formatEuros(g.refunded) : ""}</td>
                  <td class="gift-project">${sideText(g.project, g.projects)}${last ? html`<br /><small>changé le ${formatDate(last.at.slice(0, 10))} (avant : ${sideText(last.from, last.fromProjects)}) : ${last.reason}</small>` : null}</td>
                  ${mayChange ? html`<td><button type="button" class="link" onClick=${() => (setDone(undefined), setEditing(g))}>Changer de projet<span class="sr-only"> du don de ${g.firstName} ${g.lastName} du ${formatDate(g.date)}</span></button></td>` : null}
                </tr>`;
              })}
            </tbody>
          </table>
          <${MoreButton} paged=${r} what="dons" />`
        : html`<${Loading} />`
    }`;
}

/**
 * « Changer de projet »: the new project (or none), or « Répartir entre plusieurs projets », and why;
 * one OD entry moves the gift's amount.
 */
function ChangeProject({ gift, projects, onClose, onDone }: { gift: GiftRow; projects: ProjectRef[]; onClose: () => void; onDone: (msg: string) => void }) {
  const isSplit = !!gift.projects?.length;
  const others = isSplit ? projects : projects.filter((p) => p.code !== gift.project?.code);
  const [to, setTo] = useState(gift.project || isSplit ? "" : (others[0]?.code ?? ""));
  const [pj, setPj] = useState<SplitDraft>({ split: false, parts: [] });
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [keys] = useState(keyKeeper);
  const current = sideText(gift.project, gift.projects);
  const checked = checkSplit(pj, "enregistrer le changement");
  const sameSplit =
    isSplit && pj.split && !checked.problem && splitKey(checked.shares) === splitKey(gift.projects!.map((p) => ({ projectId: p.code, share: p.share })));
  const problem =
    checked.problem ??
    (sameSplit ? "C'est déjà la répartition du don : changez un projet ou une part, ou décochez « Répartir entre plusieurs projets »." : undefined);
  // Ticked: the split starts from the gift's own, or its project on the first line.
  const setSplit = (p: Partial<SplitDraft>) =>
    setPj((x) => {
      const next = { ...x, ...p };
      if (p.split && !x.split && !x.parts.length)
        next.parts = isSplit
          ? gift.projects!.map((q) => ({ project: q.code, pct: String(bpOf(q.share) / 100).replace(".", ",") }))
          : [
              { project: gift.project?.code ?? "", pct: "" },
              { project: "", pct: "" },
            ];
      return next;
    });
  const faults = projectFaults(error, projects, { path: "project", label: "Nouveau projet" });
  const nameOf = (code: string) => projects.find((p) => p.code === code)?.name ?? code;
  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    if (pj.split && problem) return;
    setBusy(true);
    try {
      const body = pj.split ? { projects: checked.shares, reason } : { project: to || null, reason };
      await api("POST", `/v1/gifts/${encodeURIComponent(gift.id)}/project`, { body, idempotencyKey: keys.for(body) });
      const name = pj.split ? splitText(checked.shares.map((p) => ({ name: nameOf(p.projectId), share: p.share }))) : to ? nameOf(to) : "Sans projet";
      keys.reset();
      onDone(
        `Le don de ${gift.firstName} ${gift.lastName} (${formatEuros(gift.amount)}) est passé de « ${current} » à « ${name} » : l'écriture de réaffectation est passée au journal des opérations diverses.`,
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="card change-project" aria-labelledby="change-project-title" onSubmit=${save}>
    <h2 id="change-project-title">Changer de projet : don de ${gift.firstName} ${gift.lastName} du ${formatDate(gift.date)}</h2>
    <p>Actuellement : « ${current} ». Le montant conservé (${formatEuros(gift.kept)}) et ses frais Stripe passent au nouveau projet (ou aux projets de la répartition, chacun pour sa part) par une écriture d'opérations diverses, à la date du don.</p>
    <${ProblemView} error=${faults.rest} />
    <div class="row">
      ${
        pj.split
          ? null
          : html`<div class="field"><label for="change-project-to">Nouveau projet</label>
      <select id="change-project-to" value=${to} aria-invalid=${faults.beside.length ? "true" : undefined} onChange=${(e: Event) => setTo((e.target as HTMLSelectElement).value)}>
        ${gift.project || isSplit ? html`<option value="">Sans projet</option>` : null}
        ${others.map((p) => html`<option value=${p.code}>${p.name}</option>`)}
      </select></div>`
      }
      ${
        projects.length >= 2
          ? html`<${SplitChoice} x=${pj} set=${setSplit} projects=${projects} total=${checked.total} problem=${problem} faults=${faults.beside} idp="change-project" />`
          : faults.beside.length
            ? html`<div class="field-error" role="alert" data-testid="project-faults">${faults.beside.map((f) => html`<p>${f}</p>`)}</div>`
            : null
      }
    </div>
    <div class="field"><label for="change-project-reason">Motif</label>
      <input id="change-project-reason" value=${reason} required minlength="3" maxlength="500" onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} /></div>
    <div class="toolbar"><button type="submit" class="primary" disabled=${busy || (pj.split && !!problem)}>Enregistrer le changement</button><button type="button" class="secondary" onClick=${onClose}>Annuler</button></div>
  </form>`;
}

/** The projects offered on the giving page (settings: giving.projects), ticked by the trésorier. */
function OfferedProjects({ projects }: { projects: ProjectRef[] }) {
  const shown = can("getSettings") && can("putSettingsSection");
  const settings = useLoad(
    () => (shown ? get<{ sections: Record<string, { version: number; value: Record<string, unknown> }> }>("/v1/settings") : Promise.resolve(undefined)),
    [],
  );
  const [picked, setPicked] = useState<string[]>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  if (!shown || !settings.data || !projects.length) return null;
  const giving = settings.data.sections.giving!;
  const current = (giving.value.projects as string[] | undefined) ?? [];
  const chosen = picked ?? current;
  const toggle = (code: string, on: boolean) => (setSaved(false), setPicked(on ? [...chosen, code] : chosen.filter((c) => c !== code)));
  const save = async () => {
    setError(undefined);
    try {
      // The projects in the registry's order; the rest of the section as it was read.
      const projectsOffered = projects.map((p) => p.code).filter((c) => chosen.includes(c));
      await api("PUT", "/v1/settings/giving", { body: { ...giving.value, projects: projectsOffered }, headers: { "if-match": String(giving.version) } });
      setPicked(undefined);
      setSaved(true);
      settings.reload();
    } catch (err) {
      setError(err);
    }
  };
  return html`<section class="card offered-projects" aria-labelledby="offered-title">
    <h2 id="offered-title">Projets proposés sur la page de don</h2>
    <p>Le donateur peut affecter son don à l'un de ces projets (« Affecter mon don à un projet ») ; sans choix, le don va à l'ensemble de l'action de l'association.</p>
    <fieldset><legend class="sr-only">Projets proposés</legend>
      ${projects.map(
        (p) =>
          html`<label class="check"><input type="checkbox" checked=${chosen.includes(p.code)} onChange=${(e: Event) => toggle(p.code, (e.target as HTMLInputElement).checked)} /> ${p.name}</label>`,
      )}
    </fieldset>
    <${ProblemView} error=${error} />
    ${saved ? html`<${Success}>Les projets proposés sont enregistrés.<//>` : null}
    <div class="toolbar"><button type="button" class="primary" disabled=${picked === undefined} onClick=${save}>Enregistrer les projets proposés</button></div>
  </section>`;
}

interface MemberRow {
  email: string;
  firstName: string;
  lastName: string;
  organisation?: string;
  address?: Address;
  tierId: string;
  validFrom?: string;
  validUntil: string;
  status: "active" | "upcoming" | "expired";
}
/** A member's status as the screen says it (upcoming: paid for a period not started yet). */
const MEMBER_STATUS: Record<MemberRow["status"], string> = { active: "à jour", upcoming: "à venir", expired: "expiré" };

function Members() {
  const [status, setStatus] = useState("");
  const r = usePaged<MemberRow>("/v1/members", { status: status || undefined, limit: 200 }, [status]);
  const withAddress = r.items.some((m) => m.address);
  const person = usePersonData(() => r.reload());
  const mail = usePersonMail();
  return html`<div class="toolbar"><div class="field inline"><label for="m-status">Statut</label>
      <select id="m-status" value=${status} onChange=${(e: Event) => setStatus((e.target as HTMLSelectElement).value)}>
        <option value="">Tous</option><option value="active">À jour</option><option value="upcoming">À venir</option><option value="expired">Expirés</option>
      </select></div></div>
    ${person.summary}<${ProblemView} error=${person.error ?? r.error} />${mail.panel}
    ${
      r.first
        ? html`<table>
          <caption class="sr-only">Adhérents</caption>
          <thead><tr><th scope="col">Nom</th><th scope="col">E-mail</th><th scope="col">Organisation</th>${withAddress ? html`<th scope="col">Adresse</th>` : null}<th scope="col">Formule</th><th scope="col">Valable du</th><th scope="col">Valable jusqu'au</th><th scope="col">Statut</th>${mail.head}${person.head}</tr></thead>
          <tbody>
            ${r.items.length === 0 ? html`<tr><td colspan="8">Aucun adhérent.</td></tr>` : null}
            ${r.items.map(
              (m) => html`<tr>
              <td>${m.lastName.toUpperCase()} ${m.firstName}</td><td>${m.email}</td><td>${m.organisation ?? ""}</td>${withAddress ? html`<td>${addressText(m.address)}</td>` : null}
              <td>${m.tierId}</td><td>${m.validFrom ? formatDate(m.validFrom) : ""}</td><td>${formatDate(m.validUntil)}</td><td><span class=${`tag ${m.status}`}>${MEMBER_STATUS[m.status]}</span></td>${mail.cell(m.email, `${m.firstName} ${m.lastName}`.trim())}${person.cell(m.email, `${m.firstName} ${m.lastName}`.trim())}</tr>`,
            )}
          </tbody>
        </table><${MoreButton} paged=${r} what="adhérents" />`
        : html`<${Loading} />`
    }`;
}

interface ReceiptRow {
  id: string;
  kind: "single" | "annual";
  status: "issued" | "cancelled";
  issuedOn: string;
  donor: { firstName: string; lastName: string; email: string; address?: Address };
  amount: number;
  cancelReason?: string;
}

function Receipts({ year }: { year: number }) {
  const r = usePaged<ReceiptRow, { items: ReceiptRow[]; nextCursor: string | null; declaration: { count: number; total: number } }>(
    "/v1/receipts",
    { year, limit: 200 },
    [year],
  );
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [key] = useState(newKey);
  const annual = async () => {
    setError(undefined);
    setDone(undefined);
    const ok = await confirmDialog({
      title: `Reçus récapitulatifs ${year}`,
      body: html`<p>Un reçu récapitulatif sera émis pour chaque donateur mensuel de ${year} qui n'en a pas encore. Les reçus sont numérotés et ne peuvent pas être effacés.</p>`,
      confirm: "Émettre les reçus",
    });
    if (!ok) return;
    try {
      const out = await api<{ issued: unknown[]; skipped: number }>("POST", "/v1/receipts/annual", { body: { year }, idempotencyKey: `${key}-${year}` });
      setDone(`${out.issued.length} reçu(s) récapitulatif(s) émis, ${out.skipped} donateur(s) en avaient déjà un.`);
      r.reload();
    } catch (err) {
      setError(err);
    }
  };
  const pdf = async (id: string) => {
    setError(undefined);
    try {
      await download(`/v1/receipts/${id}.pdf`, undefined, `recu-${id}.pdf`);
    } catch (err) {
      setError(err);
    }
  };
  return html`${can("annualReceipts") ? html`<div class="toolbar"><button type="button" class="primary" onClick=${annual}>Émettre les reçus récapitulatifs ${year}</button></div>` : null}
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error ?? r.error} />
    <${DeclarationCard} year=${year} />
    ${
      r.first
        ? html`<table>
          <caption class="sr-only">Reçus fiscaux ${year}</caption>
          <thead><tr><th scope="col">Numéro</th><th scope="col">Émis le</th><th scope="col">Donateur</th><th scope="col">Type</th><th scope="col" class="num">Montant</th><th scope="col">Statut</th><th scope="col"><span class="sr-only">PDF</span></th></tr></thead>
          <tbody>
            ${r.items.length === 0 ? html`<tr><td colspan="7">Aucun reçu en ${year}.</td></tr>` : null}
            ${r.items.map(
              (x) => html`<tr>
              <td>${x.id}</td><td>${formatDate(x.issuedOn)}</td><td>${x.donor.lastName.toUpperCase()} ${x.donor.firstName}</td><td>${x.kind === "annual" ? "récapitulatif" : "don ponctuel"}</td>
              <td class="num">${formatEuros(x.amount)}</td><td>${x.status === "issued" ? "valide" : html`<span title=${x.cancelReason}>annulé</span>`}</td>
              <td>${can("receiptPdf") ? html`<button type="button" class="link" onClick=${() => pdf(x.id)}>PDF<span class="sr-only"> du reçu ${x.id}</span></button>` : null}</td></tr>`,
            )}
          </tbody>
        </table><${MoreButton} paged=${r} what="reçus" />`
        : html`<${Loading} />`
    }`;
}

const INCIDENTS: Record<string, string> = {
  invoice_payment_failed: "Prélèvement mensuel échoué",
  async_payment_failed: "Prélèvement SEPA échoué",
  dispute_opened: "Contestation ouverte",
  dispute_won: "Contestation gagnée",
  dispute_lost: "Contestation perdue",
  payout_failed: "Virement Stripe échoué",
  refund_failed: "Remboursement échoué",
  foreign_payment: "Paiement hors formulaire",
  checkout_mismatch: "Paiement différent du formulaire",
  livemode_mismatch: "Événement d'un autre mode Stripe",
  payout_currency: "Virement Stripe hors euros",
  stripe_api_error: "Lecture refusée par Stripe",
  closed_year: "Exercice clos",
  member_identity_mismatch: "Adhérent sous un autre nom",
};

function Incidents({ year }: { year: number }) {
  const r = useLoad(
    () => get<{ items: { ref: string; type: string; date: string; amount: number; email?: string; detail: string }[] }>("/v1/payment-incidents", { year }),
    [year],
  );
  return html`<${ProblemView} error=${r.error} />
    ${
      r.data
        ? html`<table>
          <caption class="sr-only">Incidents de paiement ${year}</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">Incident</th><th scope="col">Donateur</th><th scope="col">Détail</th><th scope="col" class="num">Montant</th></tr></thead>
          <tbody>
            ${r.data.items.length === 0 ? html`<tr><td colspan="5">Aucun incident en ${year}.</td></tr>` : null}
            ${r.data.items.map((i) => html`<tr><td>${formatDate(i.date)}</td><td>${INCIDENTS[i.type] ?? i.type}</td><td>${i.email ?? ""}</td><td>${i.detail}</td><td class="num">${formatEuros(i.amount)}</td></tr>`)}
          </tbody>
        </table>`
        : html`<${Loading} />`
    }`;
}
