/** Shared pieces of the console: permissions, loading, problems, money, years, tabs, dialogs, charts. */
import { html } from "htm/preact";
import { render, type ComponentChildren } from "preact";
import { useEffect, useRef, useState, useCallback } from "preact/hooks";
import { ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip } from "chart.js";

// Only the two chart types the console draws (smaller than chart.js/auto).
Chart.register(DoughnutController, BarController, ArcElement, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
import { ApiError, get, NetworkError } from "./api.js";
import { SignedOut } from "./auth.js";
import { networkProblem } from "./problems.js";
import { formatDate, formatEuros, parisToday } from "./money.js";
import { fiscalYearEnd, fiscalYearOf, searchAccounts, stripePiece, type PickableAccount } from "./query.js";

export { html };

// ------------------------------------------------------------------ who may do what

export interface Me {
  sub: string;
  roles: string[];
  operations: { operationId: string; method: string; path: string }[];
}
let me: Me = { sub: "", roles: [], operations: [] };
let ops = new Set<string>();
export const setMe = (m: Me) => {
  me = m;
  ops = new Set(m.operations.map((o) => o.operationId));
  fiscalStart = 1;
};
export const getMe = () => me;
/** True when the caller's roles may call this operation of the route table (read from `GET /v1/me`). */
export const can = (operationId: string): boolean => ops.has(operationId);

export const ROLE_LABELS: Record<string, string> = {
  tresorier: "Trésorier",
  delegation: "Délégation générale",
  auditor: "Auditeur (commissaire aux comptes)",
};

// ------------------------------------------------------------------ loading

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Two dependency lists hold the same values. */
const sameDeps = (a: unknown[] | undefined, b: unknown[]) => !!a && a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** The retry of a failed load (ProblemView's "Réessayer" finds it here). */
const retries = new WeakMap<object, () => void>();
const withRetry = (error: unknown, retry: () => void) => {
  if (error && typeof error === "object") retries.set(error, retry);
  return error;
};

/**
 * Runs `load` when `deps` change; `reload()` runs it again. Data loaded for other deps (last
 * year's table while this year's loads) is never returned: `data` is undefined and `loading` true
 * until the new answer is there. A reload keeps the data shown while it runs.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean; deps?: unknown[] }>({ loading: true });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    const at = deps;
    setState((s) => (sameDeps(s.deps, at) ? { ...s, loading: true, error: undefined } : { loading: true, deps: at }));
    load().then(
      (data) => live && setState({ data, loading: false, deps: at }),
      (error) => live && setState({ error: withRetry(error, reload), loading: false, deps: at }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  if (!sameDeps(state.deps, deps)) return { data: undefined, error: undefined, loading: true, reload };
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export interface Paged<T, R> {
  /** The rows loaded so far (the pages joined). */
  items: T[];
  /** The first page's whole answer (totals that come with a listing). */
  first: R | undefined;
  error: unknown;
  loading: boolean;
  /** Loads the next page; undefined when there is none. */
  more: (() => void) | undefined;
  reload: () => void;
}

/** A paginated listing (`{ items, nextCursor }`): the first page, then "Afficher plus" appends the next. */
export function usePaged<T, R extends { items: T[]; nextCursor?: string | null } = { items: T[]; nextCursor?: string | null }>(
  path: string,
  query: Record<string, string | number | undefined>,
  deps: unknown[],
): Paged<T, R> {
  const [pages, setPages] = useState<{ first?: R; items: T[]; next?: string | null; error?: unknown; loading: boolean; deps?: unknown[] }>({
    items: [],
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    const at = deps;
    setPages({ items: [], loading: true, deps: at });
    get<R>(path, query).then(
      (r) => live && setPages({ first: r, items: r.items, next: r.nextCursor, loading: false, deps: at }),
      (error) => live && setPages({ items: [], error: withRetry(error, reload), loading: false, deps: at }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const more = pages.next
    ? () => {
        const cursor = pages.next!;
        setPages((p) => ({ ...p, loading: true, next: undefined }));
        get<R>(path, { ...query, cursor }).then(
          (r) => setPages((p) => ({ ...p, items: [...p.items, ...r.items], next: r.nextCursor, loading: false })),
          (error) => setPages((p) => ({ ...p, error, loading: false })),
        );
      }
    : undefined;
  if (!sameDeps(pages.deps, deps)) return { items: [], first: undefined, error: undefined, loading: true, more: undefined, reload };
  return { items: pages.items, first: pages.first, error: pages.error, loading: pages.loading, more, reload };
}

export const MoreButton = ({ paged, what }: { paged: { more: (() => void) | undefined; loading: boolean }; what: string }) =>
  paged.more
    ? html`<div class="pager"><button type="button" class="secondary" onClick=${paged.more}>Afficher plus de ${what}</button></div>`
    : paged.loading
      ? html`<${Loading} />`
      : null;

// ------------------------------------------------------------------ the year shown

/** The first month of the fiscal year (settings, section `year`), read once after sign-in. */
let fiscalStart = 1;
export const fiscalStartMonth = () => fiscalStart;

/** Reads the fiscal year start from the settings (1, calendar years, when they cannot be read). */
export async function loadFiscalStart(): Promise<void> {
  if (!can("getSettings")) return;
  try {
    const s = await get<{ sections: Record<string, { value?: { startMonth?: unknown } } | undefined> }>("/v1/settings");
    const m = s.sections.year?.value?.startMonth;
    fiscalStart = typeof m === "number" && m >= 1 && m <= 12 ? m : 1;
  } catch {
    fiscalStart = 1;
  }
}

/** The fiscal year of today's Paris date: the console's default year, never a future one. */
export const currentFiscalYear = (): number => fiscalYearOf(parisToday(), fiscalStart);

/** The last day of a fiscal year, as a French sentence ("2 décembre 2026"). */
export const longDate = (iso: string): string => {
  const [y, m, d] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y!, m! - 1, d!)));
};

/**
 * The date a year's balances are read at: today in the current year, the year's last day for a
 * past one (and for a future one, its last day too: what is booked there so far).
 */
export const balanceDate = (year: number): string => {
  const today = parisToday();
  const end = fiscalYearEnd(year, fiscalStart);
  return fiscalYearOf(today, fiscalStart) === year && today < end ? today : end;
};

const YEAR_EVENT = "console:year";
const yearKey = () => `console.year.${me.sub}`;

/**
 * The year this person picked, kept in localStorage under their token's subject. A choice made in
 * an earlier fiscal year is forgotten once a new one has begun (the console then opens on the new
 * year again).
 */
function pickedYear(): number | undefined {
  try {
    const raw = JSON.parse(localStorage.getItem(yearKey()) ?? "null") as { year?: unknown; during?: unknown } | null;
    if (raw && typeof raw.year === "number" && raw.during === currentFiscalYear()) return raw.year;
  } catch {
    /* unreadable: no choice */
  }
  return undefined;
}

/** Keeps the year picked on any screen, for this person, and tells every screen. */
export function pickYear(year: number): void {
  try {
    localStorage.setItem(yearKey(), JSON.stringify({ year, during: currentFiscalYear() }));
  } catch {
    /* storage refused (private mode): the choice lasts for this page only */
  }
  dispatchEvent(new CustomEvent(YEAR_EVENT, { detail: year }));
}

/**
 * The fiscal years to choose from (those of the ledger, and the current one; most recent first),
 * and the year shown: the one this person picked, else the current fiscal year — never the latest
 * year that has entries (a grant's second year would make a future year the default).
 */
export function useYears(): { years: number[]; current: number; year: number; setYear: (y: number) => void } {
  const { data } = useLoad(() => get<{ items: { year: number }[] }>("/v1/ledger/years"), []);
  const [year, setLocal] = useState<number>(() => pickedYear() ?? currentFiscalYear());
  useEffect(() => {
    const on = (e: Event) => setLocal((e as CustomEvent<number>).detail);
    addEventListener(YEAR_EVENT, on);
    return () => removeEventListener(YEAR_EVENT, on);
  }, []);
  const years = [...new Set([...(data?.items.map((y) => y.year) ?? []), currentFiscalYear(), year])].sort((a, b) => b - a);
  return { years, current: year, year, setYear: pickYear };
}

/**
 * A draft kept in sessionStorage (per person and form) while it is typed: a session that expires
 * (or a sign-in through the hosted page, which reloads the console) gives it back. `clear()` after
 * it was saved.
 */
export function useDraft<T extends object>(name: string, initial: () => T): [T, (next: T) => void, () => void] {
  const key = `console.draft.${me.sub}.${name}`;
  const [value, setValue] = useState<T>(() => {
    try {
      const saved = sessionStorage.getItem(key);
      if (saved) return { ...initial(), ...(JSON.parse(saved) as Partial<T>) };
    } catch {
      /* unreadable: a fresh draft */
    }
    return initial();
  });
  const set = (next: T) => {
    setValue(next);
    try {
      sessionStorage.setItem(key, JSON.stringify(next));
    } catch {
      /* storage refused: kept in memory only */
    }
  };
  const clear = () => {
    try {
      sessionStorage.removeItem(key);
    } catch {
      /* nothing kept */
    }
    setValue(initial());
  };
  return [value, set, clear];
}

// ------------------------------------------------------------------ small components

export const Money = ({ cents, signed }: { cents: number | undefined | null; signed?: boolean }) =>
  cents === undefined || cents === null
    ? html`<span class="num">—</span>`
    : html`<span class=${`num${signed && cents < 0 ? " neg" : ""}`}>${formatEuros(cents)}</span>`;

/** A balance as accountants read it: the amount, then D (débiteur) or C (créditeur). */
export const Balance = ({ cents }: { cents: number }) =>
  cents === 0
    ? html`<span class="num">${formatEuros(0)}</span>`
    : html`<span class="num">${formatEuros(Math.abs(cents))} <abbr title=${cents > 0 ? "débiteur" : "créditeur"}>${cents > 0 ? "D" : "C"}</abbr></span>`;

/**
 * A problem answered by the API, a network fault or any error, in French, with what to do next
 * (problems.ts) and a "Réessayer" button when a retry may work: `onRetry`, or the reload of the
 * load that failed.
 */
export function ProblemView({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const retry = onRetry ?? (typeof error === "object" ? retries.get(error) : undefined);
  const french =
    error instanceof ApiError || error instanceof NetworkError
      ? error.french
      : error instanceof TypeError && /fetch|network|load failed/i.test(error.message)
        ? networkProblem(navigator.onLine)
        : error instanceof SignedOut
          ? {
              title: "Session terminée",
              next: "Reconnectez-vous : ce que vous avez saisi est conservé.",
              fields: [],
              retryable: true,
              detail: undefined,
              technical: undefined,
            }
          : {
              title: "Erreur inattendue",
              next: "Rechargez la page, puis recommencez.",
              fields: [],
              retryable: false,
              detail: undefined,
              technical: error instanceof Error ? error.message : String(error),
            };
  return html`<div class="alert error" role="alert" data-testid="problem">
    <strong>${french.title}</strong>${french.detail ? html` — ${french.detail}` : null}
    ${french.fields.length ? html`<ul>${french.fields.map((f) => html`<li><strong>${f.field}</strong> : ${f.message}</li>`)}</ul>` : null}
    <p class="next">${french.next}</p>
    ${french.technical ? html`<details class="technical"><summary>Détail technique</summary><code>${french.technical}</code></details>` : null}
    ${retry && french.retryable ? html`<button type="button" class="secondary small" onClick=${retry}>Réessayer</button>` : null}
  </div>`;
}

export const Success = ({ children }: { children: ComponentChildren }) => html`<div class="alert success" role="status">${children}</div>`;

export const Loading = ({ what = "Chargement" }: { what?: string }) => html`<p class="loading" role="status">${what}…</p>`;

export function YearSelect({
  id,
  value,
  years,
  onChange,
  label = "Exercice",
}: {
  id: string;
  value: number;
  years: number[];
  onChange: (y: number) => void;
  label?: string;
}) {
  return html`<div class="field inline">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value} onChange=${(e: Event) => onChange(Number((e.target as HTMLSelectElement).value))}>
      ${years.map((y) => html`<option value=${y}>${y}</option>`)}
    </select>
  </div>`;
}

/** Sub-navigation between the views of one screen (links: the hash holds the view). */
export function Tabs({ items, current, label }: { items: { id: string; label: string; href: string }[]; current: string; label: string }) {
  return html`<nav class="tabs" aria-label=${label}>
    ${items.map((t) => html`<a href=${t.href} aria-current=${t.id === current ? "page" : undefined}>${t.label}</a>`)}
  </nav>`;
}

export function Page({ title, actions, children }: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Console de gestion`;
    h1.current?.focus({ preventScroll: true });
  }, [title]);
  return html`<div class="page">
    <div class="page-head"><h1 tabindex="-1" ref=${h1}>${title}</h1>${actions ? html`<div class="actions">${actions}</div>` : null}</div>
    ${children}
  </div>`;
}

/**
 * A modal confirmation (native <dialog>: focus is kept inside, Escape cancels). Resolves with the
 * values of the named inputs the body holds (an empty object when none) when confirmed, null when not.
 */
export function confirmDialog(opts: { title: string; body: ComponentChildren; confirm: string; danger?: boolean }): Promise<Record<string, string> | null> {
  return new Promise((resolve) => {
    const host = document.createElement("div");
    document.body.append(host);
    const done = (ok: boolean) => {
      const d = host.querySelector("dialog");
      const values: Record<string, string> = {};
      d?.querySelectorAll<HTMLInputElement>("input[name]").forEach((i) => (values[i.name] = i.value));
      d?.close();
      render(null, host);
      host.remove();
      resolve(ok ? values : null);
    };
    render(
      html`<dialog aria-labelledby="confirm-title" onCancel=${(e: Event) => (e.preventDefault(), done(false))}>
        <h2 id="confirm-title">${opts.title}</h2>
        <div class="dialog-body">${opts.body}</div>
        <div class="dialog-actions">
          <button type="button" class="secondary" onClick=${() => done(false)}>Annuler</button>
          <button type="button" class=${opts.danger ? "danger" : "primary"} onClick=${() => done(true)}>${opts.confirm}</button>
        </div>
      </dialog>`,
      host,
    );
    const dialog = host.querySelector("dialog")!;
    dialog.showModal();
    (dialog.querySelector("button.secondary") as HTMLButtonElement).focus();
  });
}

/** A chart.js chart with its accessible name; the figures are also given as a table next to it. */
export function ChartView({
  type,
  labels,
  values,
  label,
  money = true,
  colors,
}: {
  type: "doughnut" | "bar";
  labels: string[];
  values: number[];
  label: string;
  money?: boolean;
  /** The colours to draw with (the report's palette, the PDF's too); the console's PALETTE otherwise. */
  colors?: string[];
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type,
      data: {
        labels,
        datasets: [{ label, data: values.map((v) => (money ? v / 100 : v)), backgroundColor: colors ?? PALETTE, borderWidth: type === "doughnut" ? 2 : 0 }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: type === "doughnut", position: "bottom", labels: { boxWidth: 14 } },
          tooltip: { callbacks: { label: (c) => `${c.label} : ${money ? formatEuros(Math.round(Number(c.raw) * 100)) : String(c.raw)}` } },
        },
        ...(type === "bar"
          ? { indexAxis: "y" as const, scales: { x: { ticks: { callback: (v: string | number) => (money ? `${Number(v).toLocaleString("fr-FR")} €` : v) } } } }
          : {}),
      },
    });
    return () => chart.destroy();
  }, [type, labels.join("|"), values.join("|"), label, colors?.join("|")]);
  return html`<div class="chart"><canvas ref=${canvas} role="img" aria-label=${label}></canvas></div>`;
}

/** Colours with enough contrast on white, told apart without relying on hue alone (order in the legend); the report's PDF starts from the same (core/reports/palette.ts). */
export const PALETTE = ["#1d4e89", "#d1495b", "#2e8540", "#edae49", "#6a4c93", "#00798c", "#8c564b", "#5c5c5c"];

/** A button that runs an async action once at a time, with its own busy label. */
export function ActionButton({
  onClick,
  children,
  busy,
  className = "primary",
  disabled,
  type = "button",
  ariaLabel,
}: {
  onClick?: () => Promise<void> | void;
  children: ComponentChildren;
  busy?: string;
  className?: string;
  disabled?: boolean;
  type?: "button" | "submit";
  ariaLabel?: string;
}) {
  const [running, setRunning] = useState(false);
  return html`<button type=${type} class=${className} disabled=${disabled || running} aria-busy=${running ? "true" : undefined} aria-label=${ariaLabel}
    onClick=${
      onClick
        ? async () => {
            setRunning(true);
            try {
              await onClick();
            } finally {
              setRunning(false);
            }
          }
        : undefined
    }>${running && busy ? busy : children}</button>`;
}

// ------------------------------------------------------------------ accounts by their names

export interface ChartAccount extends PickableAccount {
  class: number;
}

let chartCache: Promise<ChartAccount[]> | undefined;
/** The chart of accounts (seeded chart and the association's sub-accounts), read once per page. */
export function loadChart(fresh = false): Promise<ChartAccount[]> {
  if (fresh || !chartCache)
    chartCache = get<{ items: ChartAccount[] }>("/v1/ledger/accounts").then(
      (r) => r.items,
      (err) => {
        chartCache = undefined;
        throw err;
      },
    );
  return chartCache;
}

/**
 * How much each account is used: the number of lines of the current fiscal year's trial balance
 * is not given by the API, so the year's movements (debit + credit) stand for it, in cents.
 */
export function useAccountUsage(): Record<string, number> {
  const { data } = useLoad(
    () =>
      get<{ accounts: { account: string; debit: number; credit: number }[] }>("/v1/ledger/trial-balance", {
        year: currentFiscalYear(),
        closing: "exclude",
      }).catch(() => ({ accounts: [] })),
    [],
  );
  const usage: Record<string, number> = {};
  for (const a of data?.accounts ?? []) usage[a.account] = a.debit + a.credit;
  return usage;
}

let pickerSeq = 0;

/**
 * An account picked by its name: type "hono" or "frais banc" (or the number's first digits) and
 * choose in the list, the most used first, the number beside each name. The value is the account
 * number ("" when none); typing a whole known number picks it too.
 */
export function AccountPicker({
  id,
  label,
  value,
  onChange,
  accounts,
  usage,
  hint,
  placeholder = "Tapez un nom (ex. honoraires) ou un numéro",
  ariaLabel,
}: {
  id?: string;
  label?: string;
  value: string;
  onChange: (number: string) => void;
  accounts: ChartAccount[] | undefined;
  usage?: Record<string, number>;
  hint?: string;
  placeholder?: string;
  /** When there is no visible label (a table cell). */
  ariaLabel?: string;
}) {
  const [uid] = useState(() => id ?? `account-${++pickerSeq}`);
  const known = accounts?.find((a) => a.number === value);
  const shown = (a: PickableAccount | undefined) => (a ? `${a.label} (${a.number})` : value);
  const [text, setText] = useState(shown(known));
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  // Follow a value set from outside (the supplier's usual account, a form reset).
  useEffect(() => {
    if (!open) setText(shown(known));
  }, [value, known?.label]);
  const typed = text === shown(known) ? "" : text;
  const matches = accounts ? searchAccounts(accounts, typed, usage).slice(0, 50) : [];
  const choose = (a: ChartAccount) => {
    onChange(a.number);
    setText(shown(a));
    setOpen(false);
  };
  const listId = `${uid}-list`;
  return html`<div class="picker">
    ${label ? html`<label for=${uid}>${label}</label>` : null}
    <input id=${uid} role="combobox" autocomplete="off" aria-autocomplete="list" aria-expanded=${open ? "true" : "false"} aria-controls=${listId}
      aria-label=${ariaLabel} aria-describedby=${hint ? `${uid}-hint` : undefined}
      aria-activedescendant=${open && matches[active] ? `${uid}-o-${matches[active]!.number}` : undefined}
      aria-invalid=${value && accounts && !known ? "true" : undefined}
      placeholder=${placeholder} value=${text}
      onFocus=${(e: Event) => ((e.target as HTMLInputElement).select(), setOpen(true), setActive(0))}
      onInput=${(e: Event) => {
        const t = (e.target as HTMLInputElement).value;
        setText(t);
        setOpen(true);
        setActive(0);
        const exact = accounts?.find((a) => a.number === t.trim());
        onChange(exact ? exact.number : "");
      }}
      onKeyDown=${(e: KeyboardEvent) => {
        if (e.key === "ArrowDown") e.preventDefault(), setOpen(true), setActive((i) => Math.min(i + 1, matches.length - 1));
        else if (e.key === "ArrowUp") e.preventDefault(), setActive((i) => Math.max(i - 1, 0));
        else if (e.key === "Enter" && open && matches[active]) e.preventDefault(), choose(matches[active]!);
        else if (e.key === "Escape") setOpen(false), setText(shown(known));
      }}
      onBlur=${() =>
        setTimeout(() => {
          setOpen(false);
          setText((t) => (value ? shown(accounts?.find((a) => a.number === value)) : t));
        }, 150)} />
    ${hint ? html`<small id=${`${uid}-hint`} class="hint">${hint}</small>` : null}
    ${
      open
        ? html`<ul class="picker-list" id=${listId} role="listbox" aria-label=${label ?? ariaLabel ?? "Comptes"}>
          ${matches.length === 0 ? html`<li class="empty" role="presentation">${accounts ? "Aucun compte ne correspond." : "Chargement des comptes…"}</li>` : null}
          ${matches.map(
            (a, i) => html`<li id=${`${uid}-o-${a.number}`} role="option" aria-selected=${i === active ? "true" : "false"} class=${i === active ? "active" : ""}
              onMouseDown=${(e: Event) => (e.preventDefault(), choose(a))}><span>${a.label}</span> <span class="account-number">${a.number}</span></li>`,
          )}
        </ul>`
        : null
    }
  </div>`;
}

// ------------------------------------------------------------------ pieces

/** A piece reference as a person reads it: a Stripe id becomes its kind, the id kept as a detail. */
export function PieceRef({ piece, date }: { piece: string; date?: string }) {
  const kind = stripePiece(piece);
  if (!kind) return html`<span>${piece}</span>`;
  return html`<span class="piece">${kind}${date ? ` du ${formatDate(date)}` : ""} <small class="detail" title="Référence chez Stripe">${piece}</small></span>`;
}
