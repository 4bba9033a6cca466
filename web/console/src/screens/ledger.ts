/**
 * The ledger: entries (filters, paging, reversal), posting an entry with live balance checking,
 * the trial balance, the general ledger by account, the years and their closing, the hash chain check.
 */
import { useMemo, useState } from "preact/hooks";
import { api, ApiError, get, keyKeeper } from "../api.js";
import { formatDate, formatEuros, formatInt, formatPlain, parisToday, parseEuros } from "../money.js";
import { frenchSentence } from "../problems.js";
import { fiscalYearEnd, withQuery } from "../query.js";
import {
  AccountPicker,
  ActionButton,
  Balance,
  can,
  confirmDialog,
  currentFiscalYear,
  fiscalStartMonth,
  html,
  PieceRef,
  pickYear,
  useAccountUsage,
  useDraft,
  ROLE_LABELS,
  Loading,
  Money,
  Page,
  ProblemView,
  Success,
  Tabs,
  useLoad,
  useYears,
  YearSelect,
} from "../ui.js";
import type { TrialBalance } from "./dashboard.js";
import { Closing } from "./closing.js";
import { grantOfEntry } from "./grants.js";

/** An expense's entry id: the expense's id and its kind (purchase, payment, cancellation, credit note, reclassement, projects). */
const EXPENSE_ENTRY = /-(ha|rg|an|av\d+|rc\d+|pj\d+)$/;

/**
 * Where an entry written by a domain with records of its own is corrected (the ledger refuses its
 * reversal by hand): expenses and grants, the bank's rule entries. Stripe's bookings follow Stripe's
 * events, and have neither.
 */
function correctedIn(e: { id: string; owner?: string }): { href: string; screen: string } | undefined {
  // An expense's entries: its purchase, payment, cancellation, credit notes, reclassements, projects.
  if (e.owner === "grants" && can("cancelExpense"))
    return EXPENSE_ENTRY.test(e.id)
      ? { href: `#/depenses/corriger/${encodeURIComponent(e.id.replace(EXPENSE_ENTRY, ""))}`, screen: "Dépenses" }
      : { href: grantOfEntry(e.id) ? `#/subventions/corriger/${grantOfEntry(e.id)}` : "#/subventions", screen: "Financeurs et subventions" };
  if (e.owner === "bank" && can("correctBankLineEntry"))
    return { href: `#/banque/lignes/corriger/${encodeURIComponent(e.id)}`, screen: "Banque et rapprochement" };
  return undefined;
}

export interface Entry {
  id: string;
  journal: string;
  number: number | null;
  ref: string | null;
  status: string;
  date: string;
  year: number;
  label: string;
  pieceRef: string;
  lines: { account: string; debit: number; credit: number; label?: string; project?: string }[];
  hash: string | null;
  reversalOf?: string;
  /** The domain that wrote it with records of its own (grants, bank, giving…): never reversed by hand. */
  owner?: string;
  validDate?: string | null;
  createdBy?: { sub: string; role?: string };
}
interface Account {
  number: string;
  label: string;
  class: number;
}

const JOURNALS: Record<string, string> = { BQ: "Banque", ST: "Stripe", HA: "Achats", OD: "Opérations diverses", AN: "À-nouveaux", CL: "Clôture" };
/** The journals a person may post to (AN and CL are written by the closing). */
const POSTABLE = ["BQ", "HA", "OD", "ST"];

/** "Honoraires (6226)" when the chart is known, the number otherwise. */
const accountName = (chart: Account[] | undefined, n: string) => {
  const a = chart?.find((c) => c.number === n);
  return a ? `${a.label} (${n})` : n;
};

function useAccounts() {
  return useLoad(() => get<{ items: Account[] }>("/v1/ledger/accounts"), []);
}

// ------------------------------------------------------------------ projects (analytic axis, issue 20)

/** A project of the registry (`GET /v1/projects`). */
interface ProjectRef {
  code: string;
  name: string;
}
/** The association's projects, for whoever may read them ([] otherwise). */
function useProjects(): ProjectRef[] {
  const r = useLoad(() => (can("listProjects") ? get<{ items: ProjectRef[] }>("/v1/projects") : Promise.resolve({ items: [] as ProjectRef[] })), []);
  return r.data?.items ?? [];
}
/** A project's name from its code (the code itself when the registry no longer has it). */
const projectName = (projects: ProjectRef[], code: string) => projects.find((p) => p.code === code)?.name ?? code;
/** 7000 (in 0,01 %) → "70 %", 3333 → "33,33 %". */
const pctText = (basisPoints: number) => `${(basisPoints / 100).toLocaleString("fr-FR", { maximumFractionDigits: 2 })} %`;
/** What a person types as a share ("70", "33,33", "12.5 %") in 0,01 %; null when it is not a percentage over 0 and to 100 at most. */
const parsePct = (s: string): number | null => {
  const t = s.replace(/[\s\u202f%]/g, "").replace(",", ".");
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(t)) return null;
  const bp = Math.round(Number(t) * 100);
  return bp > 0 && bp <= 10_000 ? bp : null;
};

/** The English of the API's split refusals, in the form's words. */
const SPLIT_SENTENCES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^the shares add up to ([\d.]+) %, not 100 %$/, (m) => `les parts font ${pctText(Math.round(Number(m[1]) * 100))} au lieu de 100 %`],
  [
    /^the parts add up to (\d+) cents, not the amount (\d+)$/,
    (m) => `les parts font ${formatEuros(Number(m[1]))} au lieu du montant de la ligne (${formatEuros(Number(m[2]))})`,
  ],
  [/^project (\S+) is named twice$/, (m) => `le projet ${m[1]} figure deux fois dans la répartition`],
  [/^a line has a project or a split, not both$/, () => "une ligne porte un projet ou une répartition, pas les deux"],
  [/^the parts are all shares or all amounts, not both$/, () => "les parts sont toutes en pourcentage ou toutes en montant"],
];

/**
 * The API names a line's project `project` and its split `split`: the form calls both « Projet »
 * (problems.ts knows `projectId`), and says the split's refusals in French, so they read as the
 * other fields' do (« Ligne 1 : Projet : les parts font 90 % au lieu de 100 % »).
 */
function inFormWords(err: unknown): unknown {
  const line = /^lines\.(\d+)\.(?:project|split)(?:\..*)?$/;
  if (!(err instanceof ApiError) || !err.problem.errors?.some((e) => line.test(e.path))) return err;
  const french = (message: string) => {
    for (const [re, fr] of SPLIT_SENTENCES) {
      const m = re.exec(message);
      if (m) return fr(m);
    }
    return message;
  };
  return new ApiError({
    ...err.problem,
    errors: err.problem.errors.map((e) => (line.test(e.path) ? { path: e.path.replace(line, "lines.$1.projectId"), message: french(e.message) } : e)),
  });
}

export function Ledger({ sub }: { sub: string }) {
  const tabs = [
    { id: "ecritures", label: "Écritures", href: "#/comptabilite/ecritures", show: true },
    { id: "saisie", label: "Saisir une écriture", href: "#/comptabilite/saisie", show: can("postEntry") },
    { id: "balance", label: "Balance", href: "#/comptabilite/balance", show: can("trialBalance") },
    { id: "grand-livre", label: "Grand livre", href: "#/comptabilite/grand-livre", show: can("generalLedger") },
    { id: "exercices", label: "Exercices", href: "#/comptabilite/exercices", show: can("listYears") },
    { id: "cloture", label: "Clôture", href: "#/comptabilite/cloture", show: can("closingChecklist") },
    { id: "integrite", label: "Intégrité", href: "#/comptabilite/integrite", show: can("integrity") },
  ].filter((t) => t.show);
  // The hash's query: `#/comptabilite/ecritures?projet=CODE` opens the entries of one project.
  const [path = "", query = ""] = sub.split("?");
  const [tab, ...args] = path.split("/");
  const project = new URLSearchParams(query).get("projet")?.trim().toUpperCase() || "";
  const current = tabs.find((t) => t.id === tab)?.id ?? "ecritures";
  const title = {
    ecritures: "Écritures",
    saisie: "Saisir une écriture",
    balance: "Balance générale",
    "grand-livre": "Grand livre",
    exercices: "Exercices et clôture",
    cloture: "Clôture de l'exercice",
    integrite: "Intégrité du journal",
  }[current]!;
  return html`<${Page} title=${title}>
    <${Tabs} label="Comptabilité" items=${tabs} current=${current} />
    ${current === "ecritures" ? html`<${Entries} project=${project} />` : null}
    ${current === "saisie" ? html`<${PostEntry} />` : null}
    ${current === "balance" ? html`<${TrialBalanceView} />` : null}
    ${current === "grand-livre" ? html`<${GeneralLedger} account=${args[0]} year=${args[1] ? Number(args[1]) : undefined} />` : null}
    ${current === "exercices" ? html`<${Years} />` : null}
    ${current === "cloture" ? html`<${Closing} year=${args[0] ? Number(args[0]) : undefined} />` : null}
    ${current === "integrite" ? html`<${Integrity} />` : null}
  <//>`;
}

// ------------------------------------------------------------------ entries

const total = (e: Entry) => e.lines.reduce((s, l) => s + l.debit, 0);
/** The projects an entry's lines carry, each once, in the lines' order. */
const projectsOf = (e: Entry) => [...new Set(e.lines.flatMap((l) => (l.project ? [l.project] : [])))];

/** The hash of the entries list, of one project or of all. */
export const entriesHref = (project?: string) => withQuery("#/comptabilite/ecritures", { projet: project });

/**
 * The entries, filtered by dates, journal, account and project. The project is the hash's
 * `?projet=CODE` (a link from another screen opens the list on it); choosing one in « Projet »
 * changes the hash and applies the other filters as typed.
 */
function Entries({ project = "" }: { project?: string }) {
  const { year: current } = useYears();
  const usage = useAccountUsage();
  const accounts = useAccounts();
  const projects = useProjects();
  const [filters, setFilters] = useState<{ from: string; to: string; journal: string; account: string }>({ from: "", to: "", journal: "", account: "" });
  const [draft, setDraft] = useState(filters);
  // The pages read so far, for one project: another project starts again at the first page.
  const [paging, setPaging] = useState<{ project: string; cursors: (string | undefined)[] }>({ project, cursors: [undefined] });
  const cursors = paging.project === project ? paging.cursors : [undefined];
  const setCursors = (c: (string | undefined)[]) => setPaging({ project, cursors: c });
  const [open, setOpen] = useState<string>();
  const [message, setMessage] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const cursor = cursors[cursors.length - 1];
  const from = filters.from || `${current}-${String(fiscalStartMonth()).padStart(2, "0")}-01`;
  const to = filters.to || fiscalYearEnd(current, fiscalStartMonth());
  const page = useLoad(
    () =>
      get<{ items: Entry[]; nextCursor: string | null }>("/v1/ledger/entries", {
        from,
        to,
        journal: filters.journal,
        account: filters.account,
        project: project || undefined,
        limit: 50,
        cursor,
      }),
    [from, to, filters.journal, filters.account, project, cursor],
  );
  const projectLabel = project ? projectName(projects, project) : "";
  const pickProject = (code: string) => {
    setFilters(draft);
    setPaging({ project: code, cursors: [undefined] });
    location.hash = entriesHref(code || undefined);
  };
  const reverse = async (e: Entry) => {
    setMessage(undefined);
    setActionError(undefined);
    const ok = await confirmDialog({
      title: `Extourner l'écriture ${e.ref ?? ""}`,
      body: html`<p>Une écriture inverse de « ${e.label} » (${formatEuros(total(e))}) sera passée au journal ${e.journal}. L'écriture d'origine reste au journal : rien n'est effacé.</p>
        <div class="field"><label for="reverse-date">Date de l'extourne</label><input id="reverse-date" name="date" type="date" value=${parisToday()} required /></div>`,
      confirm: "Extourner",
      danger: true,
    });
    if (!ok) return;
    try {
      const body = ok.date ? { date: ok.date } : {};
      const rev = await api<Entry>("POST", `/v1/ledger/entries/${encodeURIComponent(e.id)}/reversal`, {
        body,
        idempotencyKey: `reverse-${e.id}-${ok.date ?? ""}`,
      });
      setMessage(`Écriture ${e.ref} extournée par l'écriture ${rev.ref}.`);
      page.reload();
    } catch (err) {
      setActionError(err);
    }
  };
  return html`
    <form class="filters" onSubmit=${(ev: Event) => {
      ev.preventDefault();
      setFilters(draft);
      setCursors([undefined]);
    }}>
      <div class="field"><label for="f-from">Du</label><input id="f-from" type="date" value=${draft.from || from} onInput=${(ev: Event) => setDraft({ ...draft, from: (ev.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="f-to">Au</label><input id="f-to" type="date" value=${draft.to || to} onInput=${(ev: Event) => setDraft({ ...draft, to: (ev.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="f-journal">Journal</label>
        <select id="f-journal" value=${draft.journal} onChange=${(ev: Event) => setDraft({ ...draft, journal: (ev.target as HTMLSelectElement).value })}>
          <option value="">Tous</option>${Object.entries(JOURNALS).map(([k, v]) => html`<option value=${k}>${k} — ${v}</option>`)}
        </select></div>
      <div class="field grow"><${AccountPicker} id="f-account" label="Compte" placeholder="Tous (ou tapez un nom, un numéro)" value=${draft.account} accounts=${accounts.data?.items} usage=${usage} onChange=${(n: string) => setDraft({ ...draft, account: n })} /></div>
      ${
        projects.length || project
          ? html`<div class="field"><label for="f-project">Projet</label>
        <select id="f-project" value=${project} onChange=${(ev: Event) => pickProject((ev.target as HTMLSelectElement).value)}>
          <option value="">Tous les projets</option>${projects.map((p) => html`<option value=${p.code}>${p.name}</option>`)}
          ${project && !projects.some((p) => p.code === project) ? html`<option value=${project}>${project}</option>` : null}
        </select></div>`
          : null
      }
      <button type="submit" class="secondary">Filtrer</button>
    </form>
    ${message ? html`<${Success}>${message}<//>` : null}
    <${ProblemView} error=${actionError ?? page.error} />
    ${page.loading && !page.data ? html`<${Loading} />` : null}
    ${
      page.data
        ? html`<table class="entries">
          <caption class="sr-only">Écritures${project ? ` du projet « ${projectLabel} »` : ""} du ${formatDate(from)} au ${formatDate(to)}</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">N°</th><th scope="col">Libellé</th><th scope="col">Pièce</th><th scope="col" class="num">Montant</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            ${page.data.items.length === 0 ? html`<tr><td colspan="6">${project ? `Aucune écriture du projet « ${projectLabel} » pour ces critères.` : "Aucune écriture pour ces critères."}</td></tr>` : null}
            ${page.data.items.map(
              (e) => html`<tr class=${open === e.id ? "open" : ""} data-entry=${e.ref}>
                  <td>${formatDate(e.date)}</td>
                  <td><span class="journal" title=${JOURNALS[e.journal] ?? e.journal}>${e.ref ?? e.journal}</span></td>
                  <td>${e.label}${e.reversalOf ? html` <span class="tag">extourne</span>` : null}${projectsOf(e).map((c) => html` <span class="tag" data-project=${c}>${projectName(projects, c)}</span>`)}</td>
                  <td><${PieceRef} piece=${e.pieceRef} /></td>
                  <td class="num">${formatEuros(total(e))}</td>
                  <td class="row-actions">
                    <button type="button" class="link" aria-expanded=${open === e.id} aria-controls=${`lines-${e.id}`} onClick=${() => setOpen(open === e.id ? undefined : e.id)}>Lignes<span class="sr-only"> de ${e.ref}</span></button>
                    ${
                      e.owner
                        ? correctedIn(e)
                          ? html`<a class="button secondary small" href=${correctedIn(e)!.href} title=${`Cette écriture se corrige depuis l'écran ${correctedIn(e)!.screen}`}>Corriger<span class="sr-only"> ${e.ref} depuis ${correctedIn(e)!.screen}</span></a>`
                          : null
                        : can("reverseEntry") && !e.reversalOf && e.journal !== "AN" && e.journal !== "CL"
                          ? html`<button type="button" class="secondary small" onClick=${() => reverse(e)}>Extourner<span class="sr-only"> ${e.ref}</span></button>`
                          : null
                    }
                  </td>
                </tr>
                ${
                  open === e.id
                    ? html`<tr class="lines" id=${`lines-${e.id}`}><td colspan="6"><table class="compact">
                      <thead><tr><th scope="col">Compte</th><th scope="col">Libellé</th>${projectsOf(e).length ? html`<th scope="col">Projet</th>` : null}<th scope="col" class="num">Débit</th><th scope="col" class="num">Crédit</th></tr></thead>
                      <tbody>${e.lines.map(
                        (l) =>
                          html`<tr><td>${accountName(accounts.data?.items, l.account)}</td><td>${l.label ?? ""}</td>${projectsOf(e).length ? html`<td class="line-project">${l.project ? projectName(projects, l.project) : "Aucun projet"}</td>` : null}<td class="num">${l.debit ? formatEuros(l.debit) : ""}</td><td class="num">${l.credit ? formatEuros(l.credit) : ""}</td></tr>`,
                      )}</tbody>
                    </table><p class="hash">${e.createdBy ? html`Saisie par ${ROLE_LABELS[e.createdBy.role ?? ""] ?? e.createdBy.role ?? "?"} (${e.createdBy.sub})${e.validDate ? `, validée le ${formatDate(e.validDate)}` : ""}. ` : null}Empreinte : <code>${e.hash}</code></p></td></tr>`
                    : null
                }`,
            )}
          </tbody>
        </table>
        <nav class="pager" aria-label="Pages d'écritures">
          <button type="button" class="secondary" disabled=${cursors.length < 2} onClick=${() => setCursors(cursors.slice(0, -1))}>Page précédente</button>
          <span>Page ${cursors.length}</span>
          <button type="button" class="secondary" disabled=${!page.data.nextCursor} onClick=${() => setCursors([...cursors, page.data!.nextCursor!])}>Page suivante</button>
        </nav>`
        : null
    }`;
}

// ------------------------------------------------------------------ posting

/** One part of a line's split: a project and its share (in %) or its amount (in €), as typed. */
interface PartDraft {
  project: string;
  value: string;
}
interface LineDraft {
  key: number;
  account: string;
  debit: string;
  credit: string;
  label: string;
  /** The one project the whole line belongs to ("" for none); a draft kept from before has none. */
  project?: string;
  /** « Répartir entre plusieurs projets »: the parts below, not `project`. */
  split?: boolean;
  /** The parts in % of the line (share) or in € adding to the line's amount (amount). */
  splitBy?: "share" | "amount";
  parts?: PartDraft[];
}
let lineKey = Date.now(); // above the keys of a draft kept from an earlier page
const emptyLine = (): LineDraft => ({ key: ++lineKey, account: "", debit: "", credit: "", label: "" });
const emptyParts = (): PartDraft[] => [
  { project: "", value: "" },
  { project: "", value: "" },
];
/** The « Projet » select's choice that opens the split. */
const SPLIT = "*plusieurs";

/**
 * A line's split as typed: the parts filled in (in 0,01 % or in cents), what is left to share
 * out, and what blocks posting (in French, without the line's number), checked as the API does:
 * shares adding to 100 %, amounts to the line's amount, each project once.
 */
export function checkSplit(l: LineDraft, amount: number) {
  const by = l.splitBy ?? "share";
  const parts = (l.parts ?? [])
    .filter((p) => p.project || p.value.trim())
    .map((p) => ({ project: p.project, n: by === "share" ? parsePct(p.value) : parseEuros(p.value) }));
  const sum = parts.reduce((t, p) => t + (p.n ?? 0), 0);
  const whole = by === "share" ? 10_000 : amount;
  const problem =
    parts.length === 0
      ? "choisissez les projets de la répartition et la part de chacun"
      : parts.some((p) => !p.project)
        ? "choisissez le projet de chaque part de la répartition"
        : parts.some((p) => p.n === null || p.n <= 0)
          ? by === "share"
            ? "part illisible : un pourcentage de plus de 0 et de 100 au plus (par exemple 70 ou 33,33)"
            : "montant de part illisible (par exemple 70,00)"
          : new Set(parts.map((p) => p.project)).size !== parts.length
            ? "chaque projet ne figure qu'une fois dans la répartition"
            : by === "share" && sum !== 10_000
              ? `les parts font ${pctText(sum)} : elles doivent faire 100 %`
              : by === "amount" && sum !== amount
                ? `les parts font ${formatEuros(sum)} : elles doivent faire le montant de la ligne (${formatEuros(amount)})`
                : undefined;
  const left = whole - sum;
  const status =
    by === "amount" && !amount
      ? "Saisissez d'abord le montant de la ligne."
      : left > 0
        ? `Reste à répartir : ${by === "share" ? pctText(left) : formatEuros(left)}.`
        : left < 0
          ? `${by === "share" ? pctText(-left) : formatEuros(-left)} de trop.`
          : by === "share"
            ? "Les parts font 100 %."
            : "Les parts font le montant de la ligne.";
  return { by, parts, problem, status };
}

/** What a line sends of its project: its `project`, its `split` (shares as fractions, amounts in cents), or nothing. */
function projectOfLine(l: LineDraft): { project?: string; split?: ({ projectId: string; share: number } | { projectId: string; amount: number })[] } {
  if (l.split) {
    const { by, parts } = checkSplit(l, 0);
    return { split: parts.map((p) => (by === "share" ? { projectId: p.project, share: p.n! / 10_000 } : { projectId: p.project, amount: p.n! })) };
  }
  return l.project ? { project: l.project } : {};
}

/** The draft's figures, recomputed on every keystroke: totals, difference, and what blocks posting. */
export function checkDraft(lines: LineDraft[], known: Set<string>) {
  let debit = 0;
  let credit = 0;
  const problems: string[] = [];
  lines.forEach((l, i) => {
    const d = l.debit.trim() ? parseEuros(l.debit) : 0;
    const c = l.credit.trim() ? parseEuros(l.credit) : 0;
    const n = i + 1;
    if (d === null) problems.push(`ligne ${n} : débit illisible`);
    if (c === null) problems.push(`ligne ${n} : crédit illisible`);
    if (d && c) problems.push(`ligne ${n} : un débit ou un crédit, pas les deux`);
    if (!d && !c && d !== null && c !== null) problems.push(`ligne ${n} : montant manquant`);
    if (!l.account) problems.push(`ligne ${n} : compte manquant`);
    else if (known.size && !known.has(l.account)) problems.push(`ligne ${n} : compte ${l.account} inconnu`);
    if (l.split) {
      const split = checkSplit(l, (d || c) ?? 0);
      if (split.problem) problems.push(`ligne ${n} : ${split.problem}`);
    }
    debit += d ?? 0;
    credit += c ?? 0;
  });
  if (lines.length < 2) problems.push("au moins deux lignes");
  if (debit !== credit) problems.push("débits et crédits différents");
  return { debit, credit, difference: debit - credit, problems };
}

function PostEntry() {
  const accounts = useAccounts();
  const usage = useAccountUsage();
  const known = useMemo(() => new Set(accounts.data?.items.map((a) => a.number) ?? []), [accounts.data]);
  const projects = useProjects();
  const [draft, setDraft, clearDraft] = useDraft("entry", () => ({
    head: { journal: "OD", date: parisToday(), label: "", pieceRef: "" },
    lines: [emptyLine(), emptyLine()],
  }));
  const { head, lines } = draft;
  const setHead = (h: typeof head) => setDraft({ ...draft, head: h });
  const setLines = (l: LineDraft[]) => setDraft({ ...draft, lines: l });
  const [keys] = useState(keyKeeper);
  const [error, setError] = useState<unknown>();
  const [posted, setPosted] = useState<Entry>();
  const check = checkDraft(lines, known);
  const ready = check.problems.length === 0 && head.label.trim() && head.pieceRef.trim() && head.date;
  const set = (i: number, patch: Partial<LineDraft>) => setLines(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  // « Projet » per line: shown once the association has projects (or a kept draft carries one).
  const withProjects = projects.length > 0 || lines.some((l) => l.project || l.split);
  const columns = withProjects ? 6 : 5;
  const pickProject = (i: number, l: LineDraft, v: string) =>
    v === SPLIT
      ? set(i, { split: true, parts: (l.parts ?? emptyParts()).map((p, k) => (k === 0 && !p.project && l.project ? { ...p, project: l.project } : p)) })
      : set(i, { split: false, project: v });
  const setPart = (i: number, l: LineDraft, k: number, patch: Partial<PartDraft>) =>
    set(i, { parts: (l.parts ?? emptyParts()).map((p, j) => (j === k ? { ...p, ...patch } : p)) });
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setError(undefined);
    setPosted(undefined);
    try {
      const body = {
        ...head,
        label: head.label.trim(),
        pieceRef: head.pieceRef.trim(),
        lines: lines.map((l) => ({
          account: l.account,
          ...(l.debit.trim() ? { debit: parseEuros(l.debit)! } : { credit: parseEuros(l.credit)! }),
          ...(l.label.trim() ? { label: l.label.trim() } : {}),
          ...projectOfLine(l),
        })),
      };
      const entry = await api<Entry>("POST", "/v1/ledger/entries", { body, idempotencyKey: keys.for(body) }).catch((err: unknown) => {
        throw inFormWords(err);
      });
      setPosted(entry);
      keys.reset();
      clearDraft();
      setDraft({ head: { ...head, label: "", pieceRef: "" }, lines: [emptyLine(), emptyLine()] });
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="card entry-form" onSubmit=${submit} aria-describedby="entry-balance">
    <div class="row">
      <div class="field"><label for="e-journal">Journal</label>
        <select id="e-journal" value=${head.journal} onChange=${(ev: Event) => setHead({ ...head, journal: (ev.target as HTMLSelectElement).value })}>
          ${POSTABLE.map((j) => html`<option value=${j}>${j} — ${JOURNALS[j]}</option>`)}
        </select></div>
      <div class="field"><label for="e-date">Date</label><input id="e-date" type="date" required value=${head.date} onInput=${(ev: Event) => setHead({ ...head, date: (ev.target as HTMLInputElement).value })} /></div>
      <div class="field grow"><label for="e-label">Libellé</label><input id="e-label" required maxlength="200" value=${head.label} onInput=${(ev: Event) => setHead({ ...head, label: (ev.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="e-piece">Pièce justificative</label><input id="e-piece" required maxlength="60" value=${head.pieceRef} onInput=${(ev: Event) => setHead({ ...head, pieceRef: (ev.target as HTMLInputElement).value })} /></div>
    </div>
    <table class="lines-input">
      <caption class="sr-only">Lignes de l'écriture</caption>
      <thead><tr><th scope="col">Compte</th><th scope="col">Libellé de ligne (facultatif)</th><th scope="col" class="num">Débit (€)</th><th scope="col" class="num">Crédit (€)</th>${withProjects ? html`<th scope="col">Projet (facultatif)</th>` : null}<th scope="col"><span class="sr-only">Retirer</span></th></tr></thead>
      <tbody>
        ${lines.map(
          (l, i) => html`<tr key=${l.key}>
          <td><${AccountPicker} ariaLabel=${`Compte, ligne ${i + 1}`} value=${l.account} accounts=${accounts.data?.items} usage=${usage} placeholder="Nom ou numéro"
                onChange=${(n: string) => set(i, { account: n })} /></td>
          <td><input aria-label=${`Libellé, ligne ${i + 1}`} value=${l.label} maxlength="200" onInput=${(ev: Event) => set(i, { label: (ev.target as HTMLInputElement).value })} /></td>
          <td><input aria-label=${`Débit, ligne ${i + 1}`} class="num" inputmode="decimal" placeholder="0,00" value=${l.debit}
                aria-invalid=${l.debit.trim() && parseEuros(l.debit) === null ? "true" : undefined}
                onInput=${(ev: Event) => set(i, { debit: (ev.target as HTMLInputElement).value })}
                onBlur=${() => {
                  const c = parseEuros(l.debit);
                  if (c !== null) set(i, { debit: formatPlain(c) });
                }} /></td>
          <td><input aria-label=${`Crédit, ligne ${i + 1}`} class="num" inputmode="decimal" placeholder="0,00" value=${l.credit}
                aria-invalid=${l.credit.trim() && parseEuros(l.credit) === null ? "true" : undefined}
                onInput=${(ev: Event) => set(i, { credit: (ev.target as HTMLInputElement).value })}
                onBlur=${() => {
                  const c = parseEuros(l.credit);
                  if (c !== null) set(i, { credit: formatPlain(c) });
                }} /></td>
          ${
            withProjects
              ? html`<td><select aria-label=${`Projet, ligne ${i + 1}`} value=${l.split ? SPLIT : (l.project ?? "")} onChange=${(ev: Event) => pickProject(i, l, (ev.target as HTMLSelectElement).value)}>
              <option value="">Aucun projet</option>${projects.map((p) => html`<option value=${p.code}>${p.name}</option>`)}
              ${l.project && !projects.some((p) => p.code === l.project) ? html`<option value=${l.project}>${l.project}</option>` : null}
              <option value=${SPLIT}>Répartir entre plusieurs projets…</option>
            </select></td>`
              : null
          }
          <td><button type="button" class="link" disabled=${lines.length <= 2} onClick=${() => setLines(lines.filter((_, j) => j !== i))}>Retirer<span class="sr-only"> la ligne ${i + 1}</span></button></td>
        </tr>
        ${l.split ? html`<tr key=${`${l.key}-split`} class="line-split"><td colspan=${columns}><${LineSplit} line=${l} n=${i + 1} projects=${projects} set=${(patch: Partial<LineDraft>) => set(i, patch)} setPart=${(k: number, patch: Partial<PartDraft>) => setPart(i, l, k, patch)} /></td></tr>` : null}`,
        )}
      </tbody>
      <tfoot><tr>
        <th scope="row" colspan="2"><button type="button" class="secondary small" onClick=${() => setLines([...lines, emptyLine()])}>Ajouter une ligne</button> <span class="total-label">Totaux</span></th>
        <td class="num" data-testid="total-debit">${formatEuros(check.debit)}</td><td class="num" data-testid="total-credit">${formatEuros(check.credit)}</td>${withProjects ? html`<td></td>` : null}<td></td>
      </tr></tfoot>
    </table>
    <p id="entry-balance" class=${check.difference === 0 && check.debit > 0 ? "balance ok" : "balance ko"} aria-live="polite" data-testid="entry-balance">
      ${check.difference === 0 && check.debit > 0 ? "Écriture équilibrée." : check.difference !== 0 ? `Écart de ${formatEuros(Math.abs(check.difference))} (${check.difference > 0 ? "débit" : "crédit"} en trop).` : "Saisissez les montants."}
    </p>
    ${check.problems.length && (check.debit || check.credit) ? html`<ul class="hint-list">${check.problems.filter((p) => p !== "débits et crédits différents").map((p) => html`<li>${p}</li>`)}</ul>` : null}
    <${ProblemView} error=${error ?? accounts.error} onRetry=${error ? () => void submit(new Event("submit")) : undefined} />
    ${posted ? html`<${Success}>Écriture <strong>${posted.ref}</strong> enregistrée (${formatEuros(total(posted))}).<//>` : null}
    <${ActionButton} type="submit" disabled=${!ready} busy="Enregistrement…">Enregistrer l'écriture<//>
  </form>`;
}

/**
 * « Répartir entre plusieurs projets » for one line: by share (in %, adding to 100 %) or by amount
 * (in €, adding to the line's amount), a row per project, what is left to share out said as it is
 * typed, with what blocks posting.
 */
function LineSplit({
  line,
  n,
  projects,
  set,
  setPart,
}: {
  line: LineDraft;
  n: number;
  projects: ProjectRef[];
  set: (patch: Partial<LineDraft>) => void;
  setPart: (k: number, patch: Partial<PartDraft>) => void;
}) {
  const d = line.debit.trim() ? parseEuros(line.debit) : 0;
  const c = line.credit.trim() ? parseEuros(line.credit) : 0;
  const split = checkSplit(line, (d || c) ?? 0);
  const parts = line.parts ?? emptyParts();
  const unit = split.by === "share" ? "Part (%)" : "Montant (€)";
  return html`<fieldset class="line-split" aria-describedby=${`split-status-${n}`}>
    <legend>Répartition de la ligne ${n} entre projets</legend>
    <div class="row">
      <label class="radio"><input type="radio" name=${`split-by-${line.key}`} checked=${split.by === "share"} onChange=${() => set({ splitBy: "share" })} /> En pourcentage</label>
      <label class="radio"><input type="radio" name=${`split-by-${line.key}`} checked=${split.by === "amount"} onChange=${() => set({ splitBy: "amount" })} /> En montant</label>
    </div>
    ${parts.map(
      (p, k) => html`<div class="row">
        <div class="field"><label for=${`split-${line.key}-${k}-project`}>Projet<span class="sr-only"> n° ${k + 1} de la ligne ${n}</span></label>
          <select id=${`split-${line.key}-${k}-project`} value=${p.project} onChange=${(ev: Event) => setPart(k, { project: (ev.target as HTMLSelectElement).value })}>
            <option value="">choisir un projet</option>${projects.map((q) => html`<option value=${q.code}>${q.name}</option>`)}</select></div>
        <div class="field"><label for=${`split-${line.key}-${k}-value`}>${unit}<span class="sr-only"> du projet n° ${k + 1} de la ligne ${n}</span></label>
          <input id=${`split-${line.key}-${k}-value`} class="num" inputmode="decimal" placeholder=${split.by === "share" ? "50" : "0,00"} value=${p.value}
            aria-invalid=${p.value.trim() && (split.by === "share" ? parsePct(p.value) : parseEuros(p.value)) === null ? "true" : undefined}
            onInput=${(ev: Event) => setPart(k, { value: (ev.target as HTMLInputElement).value })}
            onBlur=${() => {
              const cents = split.by === "amount" ? parseEuros(p.value) : null;
              if (cents !== null) setPart(k, { value: formatPlain(cents) });
            }} /></div>
        ${
          parts.length > 1
            ? html`<button type="button" class="secondary small" onClick=${() => set({ parts: parts.filter((_, j) => j !== k) })}>Retirer<span class="sr-only"> le projet n° ${k + 1} de la ligne ${n}</span></button>`
            : null
        }
      </div>`,
    )}
    ${parts.length < 20 ? html`<button type="button" class="secondary small" onClick=${() => set({ parts: [...parts, { project: "", value: "" }] })}>Ajouter un projet<span class="sr-only"> à la ligne ${n}</span></button>` : null}
    <p id=${`split-status-${n}`} class=${split.problem ? "alert warn" : "hint"} role="status" data-testid=${`split-status-${n}`}>
      ${split.status}${split.problem ? html` <strong>${split.problem[0]!.toUpperCase()}${split.problem.slice(1)}.</strong>` : null}
    </p>
  </fieldset>`;
}

// ------------------------------------------------------------------ trial balance, general ledger

function TrialBalanceView() {
  const { years, year, setYear } = useYears();
  const [beforeClosing, setBeforeClosing] = useState(false);
  const tb = useLoad(() => get<TrialBalance>("/v1/ledger/trial-balance", { year, closing: beforeClosing ? "exclude" : "include" }), [year, beforeClosing]);
  return html`<div class="toolbar"><${YearSelect} id="tb-year" value=${year} years=${years} onChange=${setYear} />
      <label class="radio"><input type="checkbox" checked=${beforeClosing} onChange=${(e: Event) => setBeforeClosing((e.target as HTMLInputElement).checked)} /> Avant les écritures de clôture</label></div>
    <${ProblemView} error=${tb.error} />
    ${
      tb.data
        ? html`<table>
          <caption class="sr-only">Balance générale ${year}</caption>
          <thead><tr><th scope="col">Compte</th><th scope="col">Intitulé</th><th scope="col" class="num">Mouvements débit</th><th scope="col" class="num">Mouvements crédit</th><th scope="col" class="num">Solde débiteur</th><th scope="col" class="num">Solde créditeur</th></tr></thead>
          <tbody>${tb.data.accounts.map((a) => html`<tr><td><a href=${`#/comptabilite/grand-livre/${a.account}/${year}`}>${a.account}</a></td><td>${a.label}</td><td class="num">${formatEuros(a.debit)}</td><td class="num">${formatEuros(a.credit)}</td><td class="num">${a.balance > 0 ? formatEuros(a.balance) : ""}</td><td class="num">${a.balance < 0 ? formatEuros(-a.balance) : ""}</td></tr>`)}</tbody>
          <tfoot><tr><th scope="row" colspan="2">Totaux</th><td class="num">${formatEuros(tb.data.totals.debit)}</td><td class="num">${formatEuros(tb.data.totals.credit)}</td>
            <td class="num">${formatEuros(tb.data.accounts.reduce((s, a) => s + Math.max(a.balance, 0), 0))}</td><td class="num">${formatEuros(tb.data.accounts.reduce((s, a) => s + Math.max(-a.balance, 0), 0))}</td></tr></tfoot>
        </table>`
        : html`<${Loading} />`
    }`;
}

interface GlLine {
  date: string;
  ref: string | null;
  journal: string;
  label: string;
  pieceRef: string;
  debit: number;
  credit: number;
  balance: number;
}

function GeneralLedger(props: { account?: string; year?: number }) {
  const { years, current } = useYears();
  const accounts = useAccounts();
  const [picked, setPicked] = useState<number | undefined>(props.year);
  const setYear = (y: number) => (setPicked(y), pickYear(y));
  const [account, setAccount] = useState(props.account && /^\d{3,10}$/.test(props.account) ? props.account : "512");
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const year = picked ?? current;
  const cursor = cursors[cursors.length - 1];
  const gl = useLoad(
    () => get<{ label: string; items: GlLine[]; nextCursor: string | null }>("/v1/ledger/general-ledger", { year, account, limit: 100, cursor }),
    [year, account, cursor],
  );
  return html`<div class="toolbar">
      <${YearSelect} id="gl-year" value=${year} years=${years} onChange=${(y: number) => (setYear(y), setCursors([undefined]))} />
      <div class="field inline"><label for="gl-account">Compte</label>
        <select id="gl-account" value=${account} onChange=${(ev: Event) => (setAccount((ev.target as HTMLSelectElement).value), setCursors([undefined]))}>
          ${(accounts.data?.items ?? [{ number: account, label: "", class: 0 }]).map((a) => html`<option value=${a.number}>${a.number} — ${a.label}</option>`)}
        </select></div>
    </div>
    <${ProblemView} error=${gl.error} />
    ${
      gl.data
        ? html`<table>
          <caption class="sr-only">Grand livre du compte ${account} ${gl.data.label}, ${year}</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">N°</th><th scope="col">Libellé</th><th scope="col">Pièce</th><th scope="col" class="num">Débit</th><th scope="col" class="num">Crédit</th><th scope="col" class="num">Solde</th></tr></thead>
          <tbody>
            ${gl.data.items.length === 0 ? html`<tr><td colspan="7">Aucun mouvement sur ce compte en ${year}.</td></tr>` : null}
            ${gl.data.items.map((l) => html`<tr><td>${formatDate(l.date)}</td><td>${l.ref ?? l.journal}</td><td>${l.label}</td><td><${PieceRef} piece=${l.pieceRef} /></td><td class="num">${l.debit ? formatEuros(l.debit) : ""}</td><td class="num">${l.credit ? formatEuros(l.credit) : ""}</td><td class="num"><${Balance} cents=${l.balance} /></td></tr>`)}
          </tbody>
        </table>
        <nav class="pager" aria-label="Pages du grand livre">
          <button type="button" class="secondary" disabled=${cursors.length < 2} onClick=${() => setCursors(cursors.slice(0, -1))}>Page précédente</button>
          <span>Page ${cursors.length}</span>
          <button type="button" class="secondary" disabled=${!gl.data.nextCursor} onClick=${() => setCursors([...cursors, gl.data!.nextCursor!])}>Page suivante</button>
        </nav>`
        : html`<${Loading} />`
    }`;
}

// ------------------------------------------------------------------ years, integrity

function Years() {
  const years = useLoad(() => get<{ items: { year: number; status: string; closedAt?: string; result?: number }[] }>("/v1/ledger/years"), []);
  const STATUS: Record<string, string> = { open: "ouvert", closing: "clôture en cours", closed: "clôturé" };
  return html`<${ProblemView} error=${years.error} />
    ${
      years.data
        ? html`<table>
          <caption class="sr-only">Exercices</caption>
          <thead><tr><th scope="col">Exercice</th><th scope="col">Statut</th><th scope="col">Clôturé le</th><th scope="col" class="num">Résultat</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>${years.data.items.map(
            (y) => html`<tr>
            <td>${y.year}</td><td>${STATUS[y.status] ?? y.status}</td><td>${y.closedAt ? formatDate(y.closedAt) : ""}</td><td class="num">${y.result !== undefined ? html`<${Money} cents=${y.result} signed />` : ""}</td>
            <td>${
              y.status === "closed" && can("closingChecklist")
                ? html`<a href=${`#/comptabilite/cloture/${y.year}`}>Liste de contrôle signée</a>`
                : y.status === "open" && can("closeYear")
                  ? y.year < currentFiscalYear() || fiscalYearEnd(y.year, fiscalStartMonth()) < parisToday()
                    ? html`<button type="button" class="secondary small" onClick=${() => (location.hash = `#/comptabilite/cloture/${y.year}`)}>Clôturer ${y.year}</button>`
                    : html`<span class="hint">${y.year > currentFiscalYear() ? "exercice à venir" : "en cours"} : clôture possible après le ${formatDate(fiscalYearEnd(y.year, fiscalStartMonth()))}</span>`
                  : null
            }</td>
          </tr>`,
          )}</tbody>
        </table>`
        : html`<${Loading} />`
    }`;
}

function Integrity() {
  const [result, setResult] = useState<{ ok: boolean; entries: number; head: string; firstBroken?: { ref: string | null; reason: string } }>();
  const [error, setError] = useState<unknown>();
  return html`<div class="card">
    <p>Chaque écriture validée porte l'empreinte de la précédente. La vérification recalcule toute la chaîne.</p>
    <${ActionButton} busy="Vérification…" onClick=${async () => {
      setError(undefined);
      try {
        setResult(await get("/v1/ledger/integrity"));
      } catch (err) {
        setError(err);
      }
    }}>Vérifier la chaîne des écritures<//>
    <${ProblemView} error=${error} />
    ${
      result
        ? result.ok
          ? html`<${Success}>Chaîne intacte : ${formatInt(result.entries)} écritures vérifiées. Dernière empreinte <code>${result.head}</code>.<//>`
          : html`<div class="alert error" role="alert">Chaîne rompue à l'écriture ${result.firstBroken?.ref ?? "?"} : ${frenchSentence(result.firstBroken?.reason) ?? result.firstBroken?.reason}.</div>`
        : null
    }
  </div>`;
}
