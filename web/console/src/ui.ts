/** Shared pieces of the console: permissions, loading, problems, money, years, tabs, dialogs, charts. */
import { html } from "htm/preact";
import { render, type ComponentChildren } from "preact";
import { useEffect, useRef, useState, useCallback } from "preact/hooks";
import { ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip } from "chart.js";

// Only the two chart types the console draws (smaller than chart.js/auto).
Chart.register(DoughnutController, BarController, ArcElement, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
import { ApiError, get } from "./api.js";
import { formatEuros } from "./money.js";

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

/** Runs `load` when `deps` change; `reload()` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
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
  const [pages, setPages] = useState<{ first?: R; items: T[]; next?: string | null; error?: unknown; loading: boolean }>({ items: [], loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setPages({ items: [], loading: true });
    get<R>(path, query).then(
      (r) => live && setPages({ first: r, items: r.items, next: r.nextCursor, loading: false }),
      (error) => live && setPages({ items: [], error, loading: false }),
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
  return { items: pages.items, first: pages.first, error: pages.error, loading: pages.loading, more, reload: () => setTick((t) => t + 1) };
}

export const MoreButton = ({ paged, what }: { paged: { more: (() => void) | undefined; loading: boolean }; what: string }) =>
  paged.more
    ? html`<div class="pager"><button type="button" class="secondary" onClick=${paged.more}>Afficher plus de ${what}</button></div>`
    : paged.loading
      ? html`<${Loading} />`
      : null;

/** The fiscal years known to the ledger (most recent first); the current calendar year when none. */
export function useYears(): { years: number[]; current: number } {
  const { data } = useLoad(() => get<{ items: { year: number }[] }>("/v1/ledger/years"), []);
  const thisYear = Number(new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", year: "numeric" }).format(new Date()));
  const years = [...new Set([...(data?.items.map((y) => y.year) ?? []), thisYear])].sort((a, b) => b - a);
  const withEntries = data?.items.map((y) => y.year).sort((a, b) => b - a)[0];
  return { years, current: withEntries ?? thisYear };
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

/** A problem answered by the API (or any error), announced to screen readers. */
export function ProblemView({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof ApiError) {
    const p = error.problem;
    return html`<div class="alert error" role="alert">
      <strong>${frenchTitle(p.status, p.title)}</strong>${p.detail ? html` — ${p.detail}` : null}
      ${p.errors?.length ? html`<ul>${p.errors.map((e) => html`<li><code>${e.path}</code> : ${e.message}</li>`)}</ul>` : null}
    </div>`;
  }
  return html`<div class="alert error" role="alert">${error instanceof Error ? error.message : String(error)}</div>`;
}

function frenchTitle(status: number, title: string): string {
  const fr: Record<number, string> = {
    400: "Saisie refusée",
    403: "Action non autorisée pour votre rôle",
    404: "Introuvable",
    409: "Opération impossible",
    413: "Fichier trop volumineux",
    415: "Format non accepté",
  };
  return fr[status] ?? title;
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
}: {
  type: "doughnut" | "bar";
  labels: string[];
  values: number[];
  label: string;
  money?: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type,
      data: {
        labels,
        datasets: [{ label, data: values.map((v) => (money ? v / 100 : v)), backgroundColor: PALETTE, borderWidth: type === "doughnut" ? 2 : 0 }],
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
  }, [type, labels.join("|"), values.join("|"), label]);
  return html`<div class="chart"><canvas ref=${canvas} role="img" aria-label=${label}></canvas></div>`;
}

/** Colours with enough contrast on white, told apart without relying on hue alone (order in the legend). */
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
