/**
 * Expenses: the year's purchases, a new expense (booked in HA, paid or not) with its invoice in the
 * same form (a file dropped or a photo taken), the supplier's usual account, a warning before
 * saving the same invoice twice, a confirmation before it is booked; the invoice file of an expense
 * (upload, download); « Corriger » on each expense: its history (who, when, why) and its corrections
 * — the right account (reclassement), a supplier's credit note (avoir), the payment of an expense
 * booked unpaid, its allocation across grants, its cancellation — each confirmed before it is
 * written, since an entry is never erased. `#/depenses/corriger/<id>` opens that expense's
 * correction (the ledger's « Corriger » on one of its entries), whatever the year shown.
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get, keyKeeper } from "../api.js";
import { formatDate, formatEuros, formatPlain, parisToday, parseEuros } from "../money.js";
import { duplicatesOf, fiscalYearOf, usualAccount } from "../query.js";
import { parsePct, pctText, type ProjectRef, SplitLines } from "../project-split.js";
import {
  AccountPicker,
  ActionButton,
  can,
  confirmDialog,
  ROLE_LABELS,
  currentFiscalYear,
  fiscalStartMonth,
  html,
  Loading,
  loadChart,
  MoreButton,
  Page,
  ProblemView,
  Success,
  useAccountUsage,
  useDraft,
  useLoad,
  usePaged,
  useYears,
  YearSelect,
  type ChartAccount,
} from "../ui.js";
import type { Grant } from "./grants.js";

interface Expense {
  id: string;
  date: string;
  supplier: string;
  account: string;
  amount: number;
  label: string;
  pieceRef: string;
  grantId: string | null;
  paid: { date: string; method: string; amount?: number } | null;
  file: { contentType: string; size: number } | null;
  status?: "unpaid" | "paid" | "cancelled";
  net?: number;
  due?: number;
  grants?: { grantId: string; amount: number }[];
  /** Its projects (analytic axis), by share (0.6 is 60 %); [] for none. */
  projects?: { projectId: string; share: number }[];
  creditNotes?: { date: string; amount: number; pieceRef: string; reason: string }[];
  history?: ExpenseEvent[];
}
interface ExpenseEvent {
  kind: "booking" | "cancellation" | "credit-note" | "payment" | "allocation" | "reclassification";
  at: string;
  by: { sub: string; role: string } | null;
  reason: string;
  date: string | null;
  amount?: number;
  askedDate?: string;
  from?: string;
  to?: string;
  grants?: { grantId: string; amount: number }[];
  /** An allocation's projects, when it was given them (a change of projects: with its entry's date). */
  projects?: { projectId: string; share: number }[];
}
const METHODS: Record<string, string> = { bank: "Virement / prélèvement", card: "Carte", cash: "Espèces" };

/** The association's projects, for whoever may read them ([] otherwise). */
const loadProjects = () => (can("listProjects") ? get<{ items: ProjectRef[] }>("/v1/projects") : Promise.resolve({ items: [] as ProjectRef[] }));

export function Expenses({ sub = "" }: { sub?: string }) {
  const [head, linkId] = sub.split("/");
  const linkedId = head === "corriger" && linkId ? decodeURIComponent(linkId) : undefined;
  const { years, year, setYear } = useYears();
  // « Dépenses du projet »: only the expenses a project carries, whole or a share (GET /v1/expenses?project=).
  const [projectFilter, setProjectFilter] = useState("");
  const list = usePaged<Expense>("/v1/expenses", { year, limit: 200, project: projectFilter || undefined }, [year, projectFilter]);
  const chart = useLoad(() => loadChart(), []);
  const projects = useLoad(loadProjects, []);
  const projectList = projects.data?.items ?? [];
  const projectName = (code: string) => projectList.find((p) => p.code === code)?.name ?? code;
  const filterName = projectFilter ? projectName(projectFilter) : undefined;
  const accountName = (n: string) => {
    const a = chart.data?.find((c) => c.number === n);
    return a ? html`${a.label} <span class="account-number">${n}</span>` : n;
  };
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [fixing, setFixing] = useState<string | undefined>(linkedId);
  useEffect(() => setFixing(linkedId), [linkedId]);
  // The linked expense may be of another year than the one listed: read it on its own.
  const linked = useLoad(() => (linkedId ? get<Expense>(`/v1/expenses/${encodeURIComponent(linkedId)}`) : Promise.resolve(undefined)), [linkedId]);
  const fixed = list.items.find((e) => e.id === fixing) ?? (linked.data && linked.data.id === fixing ? linked.data : undefined);
  const upload = async (e: Expense, file: File) => {
    setError(undefined);
    setDone(undefined);
    try {
      await uploadInvoice(e.id, file);
      setDone(`Facture « ${file.name} » jointe à ${e.pieceRef}.`);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const open = async (e: Expense) => {
    setError(undefined);
    try {
      const link = await get<{ url: string }>(`/v1/expenses/${encodeURIComponent(e.id)}/invoice`);
      window.open(link.url, "_blank", "noopener");
    } catch (err) {
      setError(err);
    }
  };
  const actions = html`${
    projectList.length
      ? html`<div class="field inline"><label for="exp-project">Dépenses du projet</label>
        <select id="exp-project" value=${projectFilter} onChange=${(ev: Event) => setProjectFilter((ev.target as HTMLSelectElement).value)}>
          <option value="">Tous les projets</option>${projectList.map((p) => html`<option value=${p.code}>${p.name}</option>`)}</select></div>`
      : null
  }<${YearSelect} id="exp-year" value=${year} years=${years} onChange=${setYear} />`;
  return html`<${Page} title="Dépenses" actions=${actions}>
    ${can("createExpense") ? html`<${NewExpense} onDone=${list.reload} chart=${chart.data} projects=${projectList} />` : null}
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error ?? list.error ?? linked.error ?? projects.error} />
    ${
      list.first
        ? html`<div class="scroll"><table>
          <caption class="sr-only">Dépenses ${year}${filterName ? ` du projet « ${filterName} »` : ""}</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">Fournisseur</th><th scope="col">Libellé</th>${projectList.length ? html`<th scope="col">Projet</th>` : null}<th scope="col">Compte</th><th scope="col">Facture n°</th><th scope="col" class="num">Montant</th><th scope="col">Payée</th><th scope="col">Justificatif</th><th scope="col"><span class="sr-only">Corrections</span></th></tr></thead>
          <tbody>
            ${
              list.items.length === 0
                ? html`<tr><td colspan=${projectList.length ? "10" : "9"}>${filterName ? `Aucune dépense du projet « ${filterName} » en ${year}.` : `Aucune dépense en ${year}.`}</td></tr>`
                : null
            }
            ${list.items.map(
              (e) => html`<tr>
              <td>${formatDate(e.date)}</td><td>${e.supplier}</td><td>${e.label}${e.status === "cancelled" ? html` <span class="tag">annulée</span>` : null}${
                e.creditNotes?.length ? html` <span class="tag">avoir ${formatEuros(e.creditNotes.reduce((t, c) => t + c.amount, 0))}</span>` : null
              }</td>${
                projectList.length
                  ? html`<td class="expense-projects">${
                      e.projects?.length
                        ? e.projects.map(
                            (p, i) =>
                              html`${i ? html`<br />` : null}${projectName(p.projectId)}${e.projects!.length > 1 ? html` <span class="nowrap">(${pctText(Math.round(p.share * 10_000))})</span>` : null}`,
                          )
                        : "—"
                    }</td>`
                  : null
              }<td>${accountName(e.account)}</td><td>${e.pieceRef}</td><td class="num">${formatEuros(e.amount)}</td>
              <td>${e.status === "cancelled" ? "—" : e.paid ? `${formatDate(e.paid.date)} (${METHODS[e.paid.method] ?? e.paid.method})` : "non"}</td>
              <td>${
                e.file
                  ? html`<button type="button" class="link" onClick=${() => open(e)}>Voir<span class="sr-only"> la facture ${e.pieceRef}</span></button>`
                  : can("uploadInvoice")
                    ? html`<label class="file-button">Joindre<span class="sr-only"> la facture ${e.pieceRef}</span><input type="file" class="sr-only" accept="application/pdf,image/jpeg,image/png" onChange=${(
                        ev: Event,
                      ) => {
                        const f = (ev.target as HTMLInputElement).files?.[0];
                        if (f) void upload(e, f);
                      }} /></label>`
                    : "—"
              }</td>
              <td><button type="button" class="secondary small" aria-expanded=${fixing === e.id ? "true" : "false"} onClick=${() => setFixing(fixing === e.id ? undefined : e.id)}>${
                can("reclassifyExpense") ? "Corriger" : "Historique"
              }<span class="sr-only"> la dépense ${e.pieceRef} (${e.supplier})</span></button></td></tr>`,
            )}
          </tbody>
        </table></div><${MoreButton} paged=${list} what="dépenses" />`
        : html`<${Loading} />`
    }
    ${
      fixed
        ? html`<${ExpenseCorrection} key=${fixed.id} expense=${fixed} chart=${chart.data} projects=${projectList}
            onClose=${() => setFixing(undefined)}
            onDone=${(message: string) => (setDone(message), setFixing(undefined), list.reload(), linked.reload())} />`
        : null
    }
  <//>`;
}

const EVENT_LABELS: Record<ExpenseEvent["kind"], string> = {
  booking: "Dépense enregistrée",
  cancellation: "Dépense annulée",
  "credit-note": "Avoir du fournisseur",
  payment: "Règlement enregistré",
  allocation: "Répartition entre subventions",
  reclassification: "Compte corrigé (reclassement)",
};

type Fix = "account" | "credit" | "payment" | "allocation" | "projects" | "cancel";
const FIX_OPS: Record<Fix, string> = {
  account: "reclassifyExpense",
  credit: "creditExpense",
  payment: "payExpense",
  allocation: "allocateExpense",
  projects: "allocateExpense",
  cancel: "cancelExpense",
};
const FIX_LABELS: Record<Fix, string> = {
  account: "Corriger le compte de charge (reclassement)",
  credit: "Enregistrer un avoir du fournisseur",
  payment: "Enregistrer le règlement",
  allocation: "Répartir entre subventions",
  projects: "Changer de projet",
  cancel: "Annuler la dépense",
};

/** Projects by share, in 0,01 %, in one order: two splits compared. */
const sharesKey = (ps: { projectId: string; share: number }[]) =>
  JSON.stringify(ps.map((p) => [p.projectId, Math.round(p.share * 10_000)]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
/** What « Changer de projet » starts from: the expense's projects as they are. */
function projectDraftOf(ps: { projectId: string; share: number }[]): ProjectDraft {
  const pct = (share: number) => (Math.round(share * 10_000) / 100).toLocaleString("fr-FR", { maximumFractionDigits: 2, useGrouping: false });
  if (ps.length <= 1 && (ps[0]?.share ?? 1) === 1) return { project: ps[0]?.projectId ?? "", split: false, parts: blank().parts };
  const parts = ps.map((p) => ({ project: p.projectId, pct: pct(p.share) }));
  return { project: "", split: true, parts: parts.length < 2 ? [...parts, { project: "", pct: "" }] : parts };
}

/**
 * The corrections of one expense, in the association's words. A wrong account is corrected by a
 * reclassement (one entry moves the amount to the right account; supplier, payment and invoice stay):
 * a volunteer reads « corriger le compte », not « annuler puis ressaisir ».
 */
function ExpenseCorrection({
  expense: e,
  chart,
  projects,
  onClose,
  onDone,
}: {
  expense: Expense;
  chart: ChartAccount[] | undefined;
  /** The association's projects ([] : no « Changer de projet »). */
  projects: ProjectRef[];
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const grants = useLoad(() => (can("listGrants") ? get<{ items: Grant[] }>("/v1/grants") : Promise.resolve({ items: [] as Grant[] })), []);
  const cancelled = e.status === "cancelled";
  const net = e.net ?? e.amount;
  const choices = (Object.keys(FIX_LABELS) as Fix[]).filter(
    (k) => !cancelled && can(FIX_OPS[k]) && (k === "payment" || k === "cancel" ? !e.paid : k === "projects" ? projects.length > 0 : true),
  );
  const [fix, setFix] = useState<Fix | undefined>(choices[0]);
  const [date, setDate] = useState(parisToday());
  const [reason, setReason] = useState("");
  const [account, setAccount] = useState("");
  const [amount, setAmount] = useState("");
  const [pieceRef, setPieceRef] = useState("");
  const [method, setMethod] = useState("bank");
  const [bankLineId, setBankLineId] = useState("");
  const due = e.due ?? net;
  // The statement's unmatched lines of the amount due, since the invoice: the payment is lettered with the one picked.
  const bankLines = useLoad(
    () =>
      fix === "payment" && method !== "cash" && can("listBankLines")
        ? get<{ items: { id: string; account: string; date: string; amount: number; label: string }[] }>("/v1/bank/lines", {
            status: "unmatched",
            from: e.date,
            limit: 500,
          }).then((r) => r.items.filter((l) => l.amount === -due))
        : Promise.resolve([]),
    [fix, method, due],
  );
  const pickedLine = method === "cash" ? undefined : bankLines.data?.find((l) => l.id === bankLineId);
  const [shares, setShares] = useState<Record<string, string>>(() => Object.fromEntries((e.grants ?? []).map((g) => [g.grantId, formatPlain(g.amount)])));
  // « Changer de projet »: the expense's projects preselected, one project or a split by share.
  const currentProjects = e.projects ?? [];
  const [pj, setPj] = useState<ProjectDraft>(() => projectDraftOf(currentProjects));
  const split = checkSplit(pj, "changer de projet");
  const newProjects = pj.split
    ? split.parts.map((p) => ({ projectId: p.project, share: (p.bp ?? 0) / 10_000 }))
    : pj.project
      ? [{ projectId: pj.project, share: 1 }]
      : [];
  const projectsSame = sharesKey(newProjects) === sharesKey(currentProjects);
  const projectName = (code: string) => projects.find((p) => p.code === code)?.name ?? code;
  /** « Jardins partagés », « A » (60 %), « B » (40 %), or aucun projet. */
  const projectsText = (ps: { projectId: string; share: number }[]) =>
    ps.length === 0
      ? "aucun projet"
      : ps.length === 1 && ps[0]!.share === 1
        ? `« ${projectName(ps[0]!.projectId)} »`
        : ps.map((p) => `« ${projectName(p.projectId)} » (${pctText(Math.round(p.share * 10_000))})`).join(", ");
  /** An allocation that moved the charge between projects carries them and the date of its entry (the grants' alone have none). */
  const projectsMoved = (h: ExpenseEvent) => h.kind === "allocation" && !!h.projects && !!h.date;
  const eventLabel = (h: ExpenseEvent) => (projectsMoved(h) ? "Projet changé" : EVENT_LABELS[h.kind]);
  const [error, setError] = useState<unknown>();
  // The same key on a retry of the same correction: the API writes it once.
  const [keys] = useState(keyKeeper);
  const label = (n: string) => chart?.find((a) => a.number === n)?.label ?? n;
  const grantName = (id: string) => {
    const g = grants.data?.items.find((x) => x.id === id);
    return g ? `${g.funderName} — ${g.title}` : "une subvention";
  };
  const cents = parseEuros(amount);
  const shareCents = Object.entries(shares)
    .map(([grantId, v]) => ({ grantId, amount: v.trim() ? parseEuros(v) : 0 }))
    .filter((s) => s.amount !== 0);
  const sharesBad = shareCents.some((s) => s.amount === null);
  const sharesTotal = shareCents.reduce((t, s) => t + (s.amount ?? 0), 0);
  const charges = chart?.filter((a) => a.class === 6);
  const ready =
    fix === "account"
      ? !!account && account !== e.account && !!reason.trim()
      : fix === "credit"
        ? !!cents && !!pieceRef.trim() && !!reason.trim()
        : fix === "payment"
          ? !!date
          : fix === "allocation"
            ? !sharesBad && sharesTotal <= net
            : fix === "projects"
              ? !split.splitProblem && !projectsSame && !!reason.trim()
              : fix === "cancel"
                ? !!reason.trim()
                : false;
  const what = (): { title: string; body: string; path: string; payload: unknown; status: number; message: string } => {
    const base = `/v1/expenses/${encodeURIComponent(e.id)}`;
    switch (fix) {
      case "account":
        return {
          title: "Corriger le compte de la dépense",
          body: `Une écriture d'opérations diverses portera ${formatEuros(net)} du compte « ${label(e.account)} » au compte « ${label(account)} », datée du ${formatDate(date)}. La dépense, son fournisseur, son règlement et sa facture restent les mêmes.`,
          path: `${base}/reclassification`,
          payload: { date, account, reason: reason.trim() },
          status: 201,
          message: `Compte de la dépense ${e.pieceRef} corrigé : ${label(account)}.`,
        };
      case "credit":
        return {
          title: "Enregistrer l'avoir",
          body: `L'avoir n° ${pieceRef.trim()} de ${e.supplier} réduira la dépense ${e.pieceRef} de ${formatEuros(cents ?? 0)} (au journal des achats, le ${formatDate(date)}).`,
          path: `${base}/credit-notes`,
          payload: { date, amount: cents, pieceRef: pieceRef.trim(), reason: reason.trim() },
          status: 201,
          message: `Avoir ${pieceRef.trim()} de ${formatEuros(cents ?? 0)} enregistré sur la dépense ${e.pieceRef}.`,
        };
      case "payment":
        return {
          title: "Enregistrer le règlement",
          body: `Le règlement de ${formatEuros(e.due ?? net)} à ${e.supplier} (${METHODS[method]}) sera passé le ${formatDate(date)}${
            pickedLine ? `, rapproché de la ligne de relevé « ${pickedLine.label} » du ${formatDate(pickedLine.date)}` : ""
          }.`,
          path: `${base}/payments`,
          payload: { date, method, ...(pickedLine ? { bankLineId: pickedLine.id } : {}) },
          status: 201,
          message: `Règlement de la dépense ${e.pieceRef} enregistré.`,
        };
      case "allocation":
        return {
          title: "Répartir la dépense entre subventions",
          body: shareCents.length
            ? `La dépense ${e.pieceRef} sera imputée : ${shareCents.map((s) => `${formatEuros(s.amount ?? 0)} sur ${grantName(s.grantId)}`).join(", ")}.`
            : `La dépense ${e.pieceRef} ne sera plus imputée sur aucune subvention.`,
          path: `${base}/allocation`,
          payload: { grants: shareCents, ...(reason.trim() ? { reason: reason.trim() } : {}) },
          status: 200,
          message: `Répartition de la dépense ${e.pieceRef} enregistrée.`,
        };
      case "projects":
        // Its grants as they are (the API takes them with every allocation), its new projects.
        return {
          title: "Changer le projet de la dépense",
          body: `La dépense ${e.pieceRef} de ${e.supplier} passera de ${projectsText(currentProjects)} à ${projectsText(newProjects)} : une écriture d'opérations diverses, datée d'aujourd'hui, portera sa charge de ${formatEuros(net)} d'un projet à l'autre, au même compte « ${label(e.account)} ». Ses subventions ne changent pas.`,
          path: `${base}/allocation`,
          payload: { grants: (e.grants ?? []).map((g) => ({ grantId: g.grantId, amount: g.amount })), projects: newProjects, reason: reason.trim() },
          status: 200,
          message: `Dépense ${e.pieceRef} : ${newProjects.length ? `désormais sur ${projectsText(newProjects)}` : "plus sur aucun projet"}.`,
        };
      default:
        return {
          title: "Annuler la dépense",
          body: `Une écriture inverse de ${formatEuros(net)} annulera la dépense ${e.pieceRef} de ${e.supplier}, datée du ${formatDate(date)}. L'écriture d'origine reste au journal : rien n'est effacé.`,
          path: `${base}/cancellation`,
          payload: { date, reason: reason.trim() },
          status: 201,
          message: `Dépense ${e.pieceRef} annulée.`,
        };
    }
  };
  const submit = async () => {
    setError(undefined);
    const w = what();
    const ok = await confirmDialog({
      title: w.title,
      body: html`<p>${w.body}</p>${fix === "allocation" ? null : html`<p>Une écriture passée ne s'efface pas : elle ne pourra être corrigée que par une autre écriture.</p>`}`,
      confirm: "Confirmer",
      danger: fix === "cancel",
    });
    if (!ok) return;
    try {
      await api("POST", w.path, { body: w.payload, idempotencyKey: keys.for({ path: w.path, body: w.payload }) });
      onDone(w.message);
    } catch (err) {
      setError(err);
    }
  };
  const id = `fix-${e.id}`;
  return html`<section class="card expense-fix" aria-labelledby=${`${id}-title`}>
    <h2 id=${`${id}-title`}>${can("reclassifyExpense") ? "Corriger" : "Historique de"} la dépense ${e.pieceRef} — ${e.supplier}</h2>
    <p>${formatDate(e.date)}, ${e.label}, ${formatEuros(e.amount)}${net !== e.amount ? ` (${formatEuros(net)} après avoirs)` : ""}, au compte « ${label(e.account)} ».</p>
    <h3>Historique</h3>
    <ol class="history">
      ${(e.history ?? []).map(
        (h) =>
          html`<li>${eventLabel(h)}${h.date ? ` le ${formatDate(h.date)}` : ""}${h.amount !== undefined && h.kind !== "allocation" ? `, ${formatEuros(h.amount)}` : ""}${
            h.kind === "reclassification" && h.from && h.to ? ` : de « ${label(h.from)} » à « ${label(h.to)} »` : ""
          }${projectsMoved(h) && h.projects ? ` : désormais sur ${projectsText(h.projects)}` : ""}${h.askedDate ? ` (demandé au ${formatDate(h.askedDate)}, exercice clos)` : ""}${h.by ? ` — par ${ROLE_LABELS[h.by.role] ?? h.by.role}` : ""}${h.reason ? ` — « ${h.reason} »` : ""}</li>`,
      )}
    </ol>
    ${
      cancelled || !choices.length
        ? html`<p>${cancelled ? "Cette dépense est annulée : il n'y a plus rien à corriger." : "Les corrections sont faites par le trésorier."}</p>`
        : html`<fieldset class="choices"><legend>Que faut-il corriger ?</legend>
          ${choices.map(
            (k) =>
              html`<label class="radio"><input type="radio" name=${`${id}-kind`} checked=${fix === k} onChange=${() => (setFix(k), setError(undefined))} /> ${FIX_LABELS[k]}</label>`,
          )}
          ${e.paid ? html`<small class="hint">La dépense est réglée : pour l'annuler, enregistrez l'avoir du fournisseur.</small>` : null}
        </fieldset>
        <div class="row">
          ${fix !== "allocation" && fix !== "projects" ? html`<div class="field"><label for=${`${id}-date`}>Date</label><input id=${`${id}-date`} type="date" value=${date} onInput=${(ev: Event) => setDate((ev.target as HTMLInputElement).value)} /></div>` : null}
          ${
            fix === "account"
              ? html`<div class="field grow"><${AccountPicker} id=${`${id}-account`} label="Bon compte de charge" value=${account} accounts=${charges}
                  hint=${`Aujourd'hui : ${label(e.account)} (${e.account}).`} onChange=${setAccount} /></div>`
              : null
          }
          ${
            fix === "credit"
              ? html`<div class="field"><label for=${`${id}-piece`}>Avoir n°</label><input id=${`${id}-piece`} value=${pieceRef} onInput=${(ev: Event) => setPieceRef((ev.target as HTMLInputElement).value)} /></div>
                <div class="field"><label for=${`${id}-amount`}>Montant de l'avoir (€)</label><input id=${`${id}-amount`} class="num" inputmode="decimal" value=${amount}
                  aria-invalid=${amount && cents === null ? "true" : undefined} onInput=${(ev: Event) => setAmount((ev.target as HTMLInputElement).value)} />
                  <small class="hint">${formatEuros(net)} au plus.</small></div>`
              : null
          }
          ${
            fix === "payment"
              ? html`<div class="field"><label for=${`${id}-method`}>Moyen</label><select id=${`${id}-method`} value=${method} onChange=${(ev: Event) => setMethod((ev.target as HTMLSelectElement).value)}>
                  ${Object.entries(METHODS).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select></div>
                ${
                  method !== "cash" && bankLines.data?.length
                    ? html`<div class="field"><label for=${`${id}-line`}>Ligne de relevé</label><select id=${`${id}-line`} value=${bankLineId} onChange=${(
                        ev: Event,
                      ) => {
                        const v = (ev.target as HTMLSelectElement).value;
                        setBankLineId(v);
                        const l = bankLines.data?.find((x) => x.id === v);
                        if (l) setDate(l.date);
                      }}>
                        <option value="">pas encore sur un relevé</option>
                        ${bankLines.data.map((l) => html`<option value=${l.id}>${formatDate(l.date)} — ${l.label} (${formatEuros(l.amount)})</option>`)}</select></div>`
                    : null
                }`
              : null
          }
        </div>
        ${
          fix === "allocation"
            ? html`<div class="shares">
              ${(grants.data?.items ?? []).map(
                (
                  g,
                ) => html`<div class="field"><label for=${`${id}-g-${g.id}`}>${g.funderName} — ${g.title} (€)</label><input id=${`${id}-g-${g.id}`} class="num" inputmode="decimal"
                  value=${shares[g.id] ?? ""} onInput=${(ev: Event) => setShares({ ...shares, [g.id]: (ev.target as HTMLInputElement).value })} /></div>`,
              )}
              <p class=${sharesTotal > net ? "alert error" : "hint"} role="status">Parts : ${formatEuros(sharesTotal)} sur ${formatEuros(net)}${sharesTotal > net ? " — c'est plus que la dépense." : "."}</p>
            </div>`
            : null
        }
        ${
          fix === "projects"
            ? html`<${ProjectChoice} x=${pj} set=${(p: Partial<ProjectDraft>) => setPj({ ...pj, ...p })} projects=${projects}
                splitTotal=${split.splitTotal} splitProblem=${split.splitProblem} idp=${`${id}-pj`} />
              <p class="hint">Aujourd'hui : ${projectsText(currentProjects)}.${projectsSame && !split.splitProblem ? " Choisissez un autre projet ou une autre répartition." : ""}</p>`
            : null
        }
        ${
          fix === "payment"
            ? null
            : html`<div class="field"><label for=${`${id}-reason`}>Motif${fix === "allocation" ? " (facultatif)" : ""}</label><input id=${`${id}-reason`} value=${reason} onInput=${(ev: Event) => setReason((ev.target as HTMLInputElement).value)} /></div>`
        }
        <div class="form-actions">
          <${ActionButton} disabled=${!ready} busy="Enregistrement…" onClick=${submit}>Enregistrer la correction<//>
          <button type="button" class="secondary" onClick=${onClose}>Fermer</button>
        </div>`
    }
    <${ProblemView} error=${error} />
  </section>`;
}

const INVOICE_TYPES: Record<string, string> = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };

/** The type an invoice file is sent as (the API checks the content too). */
const invoiceType = (file: File) => file.type || INVOICE_TYPES[file.name.split(".").pop()?.toLowerCase() ?? ""] || "application/octet-stream";
const acceptedInvoice = (file: File) => Object.values(INVOICE_TYPES).includes(invoiceType(file));
const MAX_INVOICE = 10 * 1024 * 1024;

/** The invoice file booked with an expense. An invoice already there (the answer to an earlier try was lost) counts as done. */
async function uploadInvoice(expenseId: string, file: File): Promise<void> {
  try {
    await api("PUT", `/v1/expenses/${encodeURIComponent(expenseId)}/invoice`, { raw: file, contentType: invoiceType(file) });
  } catch (err) {
    if (err instanceof ApiError && err.problem.status === 409 && /already has its invoice/.test(err.problem.detail ?? "")) return;
    throw err;
  }
}

/** Photos over this size are re-encoded before they are sent (a phone's photo is often 4–12 MB). */
const SHRINK_OVER = 3 * 1024 * 1024;
const PHOTO_MAX_SIDE = 2400;

/**
 * A photographed invoice made lighter: a JPEG or PNG over 3 MB is redrawn at 2 400 px on its long
 * side at most and sent as a JPEG (still legible, well under the 10 MB the API takes); a PDF, a
 * small image, or one the browser cannot draw is sent as it is.
 */
async function shrinkPhoto(file: File): Promise<File> {
  const type = invoiceType(file);
  if (file.size <= SHRINK_OVER || (type !== "image/jpeg" && type !== "image/png")) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    const ctx = canvas.getContext("2d");
    if (!ctx) return file;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    if (!blob || blob.size >= file.size) return file;
    return new File([blob], file.name.replace(/\.(png|jpe?g)$/i, "") + ".jpg", { type: "image/jpeg" });
  } catch {
    return file;
  }
}

const size = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} ko` : `${(bytes / 1024 / 1024).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} Mo`;

/** Every expense of a fiscal year (all pages). */
async function expensesOf(year: number): Promise<Expense[]> {
  const out: Expense[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const r = await get<{ items: Expense[]; nextCursor?: string | null }>("/v1/expenses", { year, limit: 200, cursor });
    out.push(...r.items);
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return out;
}

const blank = () => ({
  date: parisToday(),
  supplier: "",
  account: "",
  /** The account was chosen by the person (the supplier's usual account no longer replaces it). */
  accountChosen: false,
  amount: "",
  label: "",
  pieceRef: "",
  grantId: "",
  paid: false,
  paidDate: parisToday(),
  method: "bank",
  /** The one project carrying the whole expense ("" for none). */
  project: "",
  /** « Répartir entre plusieurs projets »: the parts below, not `project`. */
  split: false,
  parts: [
    { project: "", pct: "" },
    { project: "", pct: "" },
  ] as { project: string; pct: string }[],
});

/**
 * The API names the project `project` and the split `projects`: the form calls both « Projet »
 * (problems.ts knows `projectId` only), so its refusals read as the other fields' do.
 */
function inFormWords(err: unknown): unknown {
  if (!(err instanceof ApiError) || !err.problem.errors?.some((e) => e.path === "project" || e.path === "projects")) return err;
  return new ApiError({
    ...err.problem,
    errors: err.problem.errors.map((e) => (e.path === "project" || e.path === "projects" ? { ...e, path: "projectId" } : e)),
  });
}

function NewExpense({ onDone, chart, projects }: { onDone: () => void; chart: ChartAccount[] | undefined; projects: ProjectRef[] }) {
  const grants = useLoad(() => (can("listGrants") ? get<{ items: Grant[] }>("/v1/grants") : Promise.resolve({ items: [] as Grant[] })), []);
  const [x, setDraft, clearDraft] = useDraft("expense", blank);
  const dirty = JSON.stringify({ ...x, date: "", paidDate: "" }) !== JSON.stringify({ ...blank(), date: "", paidDate: "" });
  const [open, setOpen] = useState(dirty);
  const [file, setFile] = useState<File>();
  const [dragging, setDragging] = useState(false);
  const [sameOk, setSameOk] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  /** The expense created by this submit whose invoice is still to send (a retry sends only the file). */
  const [created, setCreated] = useState<{ id: string; pieceRef: string }>();
  /** The expense (as sent) the person confirmed: asked once, not again on a retry. */
  const [confirmed, setConfirmed] = useState<string>();
  const [keys] = useState(keyKeeper);
  const thisYear = currentFiscalYear();
  const dateYear = /^\d{4}-\d{2}-\d{2}$/.test(x.date) ? fiscalYearOf(x.date, fiscalStartMonth()) : thisYear;
  // Past expenses: this year's and last year's (the suppliers' usual accounts), and those of the invoice's year (duplicates).
  const past = useLoad(async () => {
    const years = [...new Set([thisYear, thisYear - 1, dateYear])];
    return (await Promise.all(years.map((y) => expensesOf(y).catch(() => [] as Expense[])))).flat();
  }, [dateYear, open]);
  const tbUsage = useAccountUsage();
  const counts: Record<string, number> = {};
  for (const e of past.data ?? []) counts[e.account] = (counts[e.account] ?? 0) + 1;
  const usage: Record<string, number> = {};
  for (const a of chart ?? []) usage[a.number] = (counts[a.number] ?? 0) * 1e13 + (tbUsage[a.number] ?? 0);
  const charges = chart?.filter((a) => a.class === 6);
  const suppliers = [...new Set((past.data ?? []).map((e) => e.supplier))].sort((a, b) => a.localeCompare(b, "fr"));
  const cents = parseEuros(x.amount);
  const usual = x.supplier.trim() ? usualAccount(past.data ?? [], x.supplier) : undefined;
  const usualLabel = usual ? chart?.find((a) => a.number === usual)?.label : undefined;
  const same = duplicatesOf(past.data ?? [], { supplier: x.supplier, amount: cents, date: x.date });
  const set = (p: Partial<typeof x>) => setDraft({ ...x, ...p });
  // The supplier's usual account, until the person chooses another (also once past expenses arrive).
  useEffect(() => {
    if (usual && !x.accountChosen && x.account !== usual) set({ account: usual });
  }, [usual, x.accountChosen]);
  const badFile =
    file &&
    (!acceptedInvoice(file)
      ? "Ce fichier n'est ni un PDF, ni une photo JPEG ou PNG."
      : file.size > MAX_INVOICE
        ? `Ce fichier fait ${size(file.size)} : 10 Mo au plus.`
        : undefined);
  // The split: each line a project and its share; the form refuses to save unless the shares make 100 %.
  const { parts, splitTotal, splitProblem } = checkSplit(x, "enregistrer la dépense");
  const projectName = (code: string) => projects.find((p) => p.code === code)?.name ?? code;
  const ready =
    !!cents && !!x.supplier.trim() && !!x.label.trim() && !!x.pieceRef.trim() && !!x.account && !badFile && (same.length === 0 || sameOk) && !splitProblem;
  const pick = async (files: FileList | null | undefined) => {
    const f = files?.[0];
    if (f) setFile(await shrinkPhoto(f));
  };
  const finish = (message: string) => {
    setDone(message);
    keys.reset();
    clearDraft();
    setFile(undefined);
    setCreated(undefined);
    setConfirmed(undefined);
    setSameOk(false);
    setOpen(false);
    onDone();
  };
  const submit = async () => {
    setError(undefined);
    setDone(undefined);
    if (splitProblem) return;
    const shared = x.split ? parts.map((p) => ({ projectId: p.project, share: (p.bp ?? 0) / 10_000 })) : undefined;
    const whole = !x.split && x.project ? x.project : undefined;
    const body = {
      date: x.date,
      supplier: x.supplier.trim(),
      account: x.account,
      amount: cents,
      label: x.label.trim(),
      pieceRef: x.pieceRef.trim(),
      ...(x.grantId ? { grantId: x.grantId } : {}),
      ...(x.paid ? { paid: { date: x.paidDate, method: x.method } } : {}),
      ...(shared ? { projects: shared } : whole ? { project: whole } : {}),
    };
    let made = created;
    // Once per expense typed: a retry (offline, an error) does not ask again.
    const asked = JSON.stringify(body);
    if (!made && confirmed !== asked) {
      const ok = await confirmDialog({
        title: "Enregistrer la dépense",
        body: html`<p>${formatEuros(cents!)} payés à ${body.supplier} (facture n° ${body.pieceRef}) au compte « ${chart?.find((a) => a.number === body.account)?.label ?? body.account} »${
          x.paid ? `, réglée le ${formatDate(x.paidDate)}` : ", pas encore réglée"
        }${
          shared
            ? `, répartie entre les projets ${shared.map((p) => `« ${projectName(p.projectId)} » (${pctText(Math.round(p.share * 10_000))})`).join(", ")}`
            : whole
              ? `, sur le projet « ${projectName(whole)} »`
              : ""
        }.</p>
          <p>Une dépense enregistrée ne s'efface pas : une erreur se corrige ensuite avec « Corriger ».</p>`,
        confirm: "Enregistrer",
      });
      if (!ok) return;
      setConfirmed(asked);
    }
    try {
      if (!made) {
        // The same key on a retry: the API writes the expense once, whatever became of the first answer.
        const out = await api<{ id: string; pieceRef?: string }>("POST", "/v1/expenses", { body, idempotencyKey: keys.for(body) });
        made = { id: out.id, pieceRef: body.pieceRef };
        setCreated(made);
      }
      if (file) await uploadInvoice(made.id, file);
      finish(`Dépense « ${body.label} » enregistrée (${formatEuros(cents!)})${file ? `, avec sa facture « ${file.name} »` : ""}.`);
    } catch (err) {
      setError(inFormWords(err));
      if (made) onDone();
    }
  };
  if (!open)
    return html`<div class="toolbar"><button type="button" class="primary" onClick=${() => setOpen(true)}>Nouvelle dépense</button></div>${done ? html`<${Success}>${done}<//>` : null}`;
  return html`<form class="card expense-form" onSubmit=${(e: Event) => e.preventDefault()}>
    <h2>Nouvelle dépense</h2>
    <datalist id="x-suppliers">${suppliers.map((s) => html`<option value=${s}></option>`)}</datalist>
    <div class="row">
      <div class="field"><label for="x-date">Date de la facture</label><input id="x-date" type="date" value=${x.date} onInput=${(e: Event) => set({ date: (e.target as HTMLInputElement).value })} /></div>
      <div class="field grow"><label for="x-supplier">Fournisseur</label><input id="x-supplier" list="x-suppliers" autocomplete="off" value=${x.supplier}
        onInput=${(e: Event) => set({ supplier: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="x-piece">Facture n°</label><input id="x-piece" value=${x.pieceRef} onInput=${(e: Event) => set({ pieceRef: (e.target as HTMLInputElement).value })} /></div>
    </div>
    <div class="row">
      <div class="field grow"><label for="x-label">Libellé</label><input id="x-label" value=${x.label} onInput=${(e: Event) => set({ label: (e.target as HTMLInputElement).value })} /></div>
      <div class="field grow"><${AccountPicker} id="x-account" label="Compte de charge" value=${x.account} accounts=${charges} usage=${usage}
        hint=${usual && usualLabel ? `Compte habituel de ce fournisseur : ${usualLabel} (${usual}).` : "Ce que l'association a acheté : honoraires, fournitures, frais bancaires…"}
        onChange=${(n: string) => set({ account: n, accountChosen: !!n })} /></div>
      <div class="field"><label for="x-amount">Montant TTC (€)</label><input id="x-amount" class="num" inputmode="decimal" value=${x.amount} aria-invalid=${x.amount && cents === null ? "true" : undefined} onInput=${(e: Event) => set({ amount: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="x-grant">Subvention concernée</label><select id="x-grant" value=${x.grantId} onChange=${(e: Event) => set({ grantId: (e.target as HTMLSelectElement).value })}>
        <option value="">aucune</option>${grants.data?.items.map((g) => html`<option value=${g.id}>${g.funderName} — ${g.title}</option>`)}</select></div>
    </div>
    ${projects.length ? html`<${ProjectChoice} x=${x} set=${set} projects=${projects} splitTotal=${splitTotal} splitProblem=${splitProblem} />` : null}
    <div class=${`dropzone${dragging ? " over" : ""}${file ? " has-file" : ""}`} data-testid="invoice-drop"
      onDragOver=${(e: DragEvent) => (e.preventDefault(), setDragging(true))}
      onDragLeave=${() => setDragging(false)}
      onDrop=${(e: DragEvent) => (e.preventDefault(), setDragging(false), pick(e.dataTransfer?.files))}>
      <span class="dropzone-title">Facture (PDF ou photo)</span>
      <label class="file-pick secondary">${file ? "Choisir un autre fichier" : "Choisir un fichier ou prendre une photo"}
        <input id="x-file" class="sr-only" type="file" accept="image/*,application/pdf" capture="environment" aria-describedby="x-file-hint"
          onChange=${(e: Event) => pick((e.target as HTMLInputElement).files)} /></label>
      <small id="x-file-hint" class="hint">${
        file
          ? html`<strong>${file.name}</strong> (${size(file.size)}) — envoyée avec la dépense. <button type="button" class="link" onClick=${() => setFile(undefined)}>Retirer le fichier</button>`
          : "Déposez le fichier ici, choisissez-le, ou prenez la facture en photo avec le téléphone. 10 Mo au plus."
      }</small>
      ${badFile ? html`<p class="alert error" role="alert">${badFile}</p>` : null}
    </div>
    <div class="row">
      <label class="radio"><input type="checkbox" checked=${x.paid} onChange=${(e: Event) => set({ paid: (e.target as HTMLInputElement).checked })} /> Déjà payée</label>
      ${
        x.paid
          ? html`<div class="field"><label for="x-paid-date">Payée le</label><input id="x-paid-date" type="date" value=${x.paidDate} onInput=${(e: Event) => set({ paidDate: (e.target as HTMLInputElement).value })} /></div>
            <div class="field"><label for="x-method">Moyen</label><select id="x-method" value=${x.method} onChange=${(e: Event) => set({ method: (e.target as HTMLSelectElement).value })}>
              ${Object.entries(METHODS).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select></div>`
          : null
      }
    </div>
    ${
      same.length && !created
        ? html`<div class="alert warn" role="alert" data-testid="duplicate">
          <strong>Cette facture semble déjà enregistrée.</strong>
          ${same.map((e) => html`<p>Le ${formatDate(e.date)}, ${e.supplier}, ${formatEuros(e.amount)} : « ${e.label} » (facture n° ${e.pieceRef}).</p>`)}
          <label class="radio"><input type="checkbox" checked=${sameOk} onChange=${(e: Event) => setSameOk((e.target as HTMLInputElement).checked)} /> C'est une autre facture : l'enregistrer quand même</label>
        </div>`
        : null
    }
    <div class="form-actions">
      <${ActionButton} disabled=${!ready} busy=${file ? "Enregistrement et envoi de la facture…" : "Enregistrement…"} onClick=${submit}>${created ? "Envoyer la facture" : "Enregistrer la dépense"}<//>
      <button type="button" class="secondary" onClick=${() => (clearDraft(), setFile(undefined), setCreated(undefined), setError(undefined), setOpen(false))}>Annuler</button>
    </div>
    ${created ? html`<p class="hint" role="status">La dépense est enregistrée ; il reste à envoyer la facture.</p>` : null}
    <${ProblemView} error=${error} onRetry=${submit} />
  </form>`;
}

type Draft = ReturnType<typeof blank>;
/** What « Projet » / « Répartir entre plusieurs projets » hold (a new expense, or a change of projects). */
type ProjectDraft = Pick<Draft, "project" | "split" | "parts">;

/**
 * The split as typed, checked as the API will: each line a project and its share, each project
 * once, the shares making 100 % (`toDo`: what the button does, « enregistrer la dépense »).
 */
function checkSplit(x: ProjectDraft, toDo: string) {
  const parts = x.parts.filter((p) => p.project || p.pct.trim()).map((p) => ({ project: p.project, bp: parsePct(p.pct) }));
  const splitTotal = parts.reduce((t, p) => t + (p.bp ?? 0), 0);
  const splitProblem = !x.split
    ? undefined
    : parts.length === 0
      ? "Choisissez les projets et la part de chacun, ou décochez « Répartir entre plusieurs projets »."
      : parts.some((p) => !p.project)
        ? "Choisissez le projet de chaque ligne de la répartition."
        : parts.some((p) => p.bp === null)
          ? "Indiquez la part de chaque projet en pourcentage, plus de 0 et 100 au plus (par exemple 60 ou 33,33)."
          : new Set(parts.map((p) => p.project)).size !== parts.length
            ? "Chaque projet ne figure qu'une fois dans la répartition."
            : splitTotal !== 10_000
              ? `Les parts font ${pctText(splitTotal)} : elles doivent faire 100 % pour ${toDo}.`
              : undefined;
  return { parts, splitTotal, splitProblem };
}

/**
 * « Projet » of a new expense (and of « Changer de projet »): one project for the whole amount (« Aucun projet » by default), or
 * « Répartir entre plusieurs projets »: a line per project with its share in %, what is left to
 * share out shown as it is typed.
 */
function ProjectChoice({
  x,
  set,
  projects,
  splitTotal,
  splitProblem,
  idp = "x",
}: {
  x: ProjectDraft;
  set: (p: Partial<ProjectDraft>) => void;
  projects: ProjectRef[];
  splitTotal: number;
  splitProblem: string | undefined;
  /** The fields' ids start with it ("x": the new expense's form). */
  idp?: string;
}) {
  const toggle = (on: boolean) =>
    set(on ? { split: true, parts: x.parts.map((p, i) => (i === 0 && !p.project && x.project ? { ...p, project: x.project } : p)) } : { split: false });
  return html`<div class="row expense-project">
    ${
      x.split
        ? null
        : html`<div class="field"><label for=${`${idp}-project`}>Projet</label><select id=${`${idp}-project`} value=${x.project} onChange=${(e: Event) => set({ project: (e.target as HTMLSelectElement).value })}>
        <option value="">Aucun projet</option>${projects.map((p) => html`<option value=${p.code}>${p.name}</option>`)}</select></div>`
    }
    <label class="radio"><input type="checkbox" checked=${x.split} onChange=${(e: Event) => toggle((e.target as HTMLInputElement).checked)} /> Répartir entre plusieurs projets</label>
  </div>
  ${
    x.split
      ? html`<${SplitLines} x=${x} set=${set} projects=${projects} total=${splitTotal} problem=${splitProblem} idp=${idp} minParts=${1} className="expense-split" />`
      : null
  }`;
}
