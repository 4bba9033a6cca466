/**
 * Splitting a grant or a gift between projects by share, as the console's forms type it: the
 * shares in %, checked as the API checks them (2 to 10 projects, each once, making 100 %), the box
 * « Répartir entre plusieurs projets » with a line per project, and the API's refusals of the
 * projects shown beside the field in French with the projects' names.
 */
import { ApiError } from "./api.js";
import { fieldName, frenchSentence } from "./problems.js";
import { html } from "./ui.js";

export interface ProjectRef {
  code: string;
  name: string;
}

/** 6000 (0,01 %) → "60 %", 3333 → "33,33 %". */
export const pctText = (basisPoints: number) => `${(basisPoints / 100).toLocaleString("fr-FR", { maximumFractionDigits: 2 })} %`;
/** What a person types as a share ("60", "33,33", "12.5 %") in 0,01 %; null when it is not a percentage over 0 and to 100 at most. */
export const parsePct = (s: string): number | null => {
  const t = s.replace(/[\s\u202f%]/g, "").replace(",", ".");
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(t)) return null;
  const bp = Math.round(Number(t) * 100);
  return bp > 0 && bp <= 10_000 ? bp : null;
};
export const bpOf = (share: number) => Math.round(share * 10_000);
/** Two splits compared, whatever their order. */
export const splitKey = (parts: { projectId: string; share: number }[]) =>
  JSON.stringify(parts.map((p) => [p.projectId, bpOf(p.share)]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));

/** « Répartir entre plusieurs projets » as typed: a line per project and its share in %. */
export interface SplitDraft {
  split: boolean;
  parts: { project: string; pct: string }[];
}
export const blankParts = () => [
  { project: "", pct: "" },
  { project: "", pct: "" },
];

/**
 * The split checked as the API will: 2 to 10 projects, each once, each with a share, the shares
 * making 100 % (`toDo`: what the button does, « enregistrer la subvention »).
 */
export function checkSplit(x: SplitDraft, toDo: string) {
  const parts = x.parts.filter((p) => p.project || p.pct.trim()).map((p) => ({ project: p.project, bp: parsePct(p.pct) }));
  const total = parts.reduce((t, p) => t + (p.bp ?? 0), 0);
  const problem = !x.split
    ? undefined
    : parts.some((p) => !p.project)
      ? "Choisissez le projet de chaque ligne de la répartition."
      : parts.length < 2
        ? "Une répartition compte au moins deux projets : choisissez-les, ou décochez « Répartir entre plusieurs projets »."
        : parts.some((p) => p.bp === null)
          ? "Indiquez la part de chaque projet en pourcentage, plus de 0 et 100 au plus (par exemple 60 ou 33,33)."
          : new Set(parts.map((p) => p.project)).size !== parts.length
            ? "Chaque projet ne figure qu'une fois dans la répartition."
            : total !== 10_000
              ? `Les parts font ${pctText(total)} : elles doivent faire 100 % pour ${toDo}.`
              : undefined;
  const shares = parts.map((p) => ({ projectId: p.project, share: (p.bp ?? 0) / 10_000 }));
  return { shares, total, problem };
}

/**
 * The API's refusals of an item's projects (its one project at `single.path` — `projectId` for a
 * grant, `project` for a gift —, `projects`, `projects.1.projectId`…), in French and with the
 * projects' names, to show beside the field under `single.label`; `rest`: the same problem without
 * them, for the form's ProblemView.
 */
export function projectFaults(
  err: unknown,
  projects: ProjectRef[],
  single: { path: string; label: string } = { path: "projectId", label: "Projet" },
): { beside: string[]; rest: unknown } {
  if (!(err instanceof ApiError) || !err.problem.errors?.length) return { beside: [], rest: err };
  const mine = (path: string) => path === single.path || path === "projects" || path.startsWith("projects.");
  const named = (text: string) =>
    projects
      .reduce((t, p) => t.replace(new RegExp(`\\b${p.code}\\b`, "g"), `« ${p.name} »`), text)
      .replace(/\s*\(pour un seul projet : project\)/, ` (pour un seul projet, choisissez-le dans « ${single.label} »)`)
      .replace(/\s*\((?:projectId|projects|project)\)/g, "")
      .replace(/\b(?:projectId|projects)\b/g, "projets");
  const beside = err.problem.errors
    .filter((e) => mine(e.path))
    .map((e) => {
      const field = e.path === single.path ? single.label : e.path === "projects" ? "Répartition entre projets" : fieldName(e.path);
      return `${field} : ${named(frenchSentence(e.message) ?? "valeur refusée")}`;
    });
  if (!beside.length) return { beside, rest: err };
  return { beside, rest: new ApiError({ ...err.problem, errors: err.problem.errors.filter((e) => !mine(e.path)) }) };
}

/**
 * After the one-project select of a grant (new, or changed by an avenant) or a gift (« Changer de
 * projet »): the box « Répartir entre plusieurs projets » and, ticked, a line per project with its share in %, added
 * and removed, what is left to share out shown as it is typed, the refusal beside it (the form's
 * own, or the API's `faults`).
 */
export function SplitChoice({
  x,
  set,
  projects,
  total,
  problem,
  faults,
  idp,
  hint,
  wide = false,
}: {
  x: SplitDraft;
  set: (p: Partial<SplitDraft>) => void;
  projects: ProjectRef[];
  total: number;
  problem: string | undefined;
  faults: string[];
  /** The fields' ids start with it. */
  idp: string;
  /** Said after the box, before the lines. */
  hint?: unknown;
  /** In a form laid out in a wrapping row (the grants'): the lines take the row's whole width. */
  wide?: boolean;
}) {
  const faultList = faults.length
    ? html`<div id=${`${idp}-faults`} class="field-error" style=${wide ? "flex: 1 1 100%" : undefined} role="alert" data-testid="project-faults">${faults.map((f) => html`<p>${f}</p>`)}</div>`
    : null;
  return html`<label class="radio"><input type="checkbox" checked=${x.split} onChange=${(e: Event) => set({ split: (e.target as HTMLInputElement).checked })} /> Répartir entre plusieurs projets</label>
  ${hint ?? null}
  ${
    x.split
      ? html`<${SplitLines} x=${x} set=${set} projects=${projects} total=${total} problem=${problem} idp=${idp} minParts=${2} className="grant-split"
          style=${wide ? "flex: 1 1 100%; min-width: 0" : "min-width: 0"} describedBy=${`${idp}-split-status${faults.length ? ` ${idp}-faults` : ""}`}>${faultList}<//>`
      : faultList
  }`;
}

/**
 * The box's lines, the same in every form that splits between projects (grants, gifts, expenses): a
 * project and its « Part (%) » per line, « Retirer » down to `minParts` lines, « Ajouter un projet »
 * up to 10, and what is left to share out as it is typed, with the form's own refusal.
 */
export function SplitLines({
  x,
  set,
  projects,
  total,
  problem,
  idp,
  minParts,
  className,
  style,
  describedBy,
  children,
}: {
  x: { parts: { project: string; pct: string }[] };
  set: (p: { parts: { project: string; pct: string }[] }) => void;
  projects: ProjectRef[];
  total: number;
  problem: string | undefined;
  idp: string;
  /** « Retirer » shows while there are more lines than this. */
  minParts: number;
  className: string;
  style?: string;
  describedBy?: string;
  /** Said at the end of the box (the API's refusals). */
  children?: unknown;
}) {
  const left = 10_000 - total;
  const setPart = (i: number, p: Partial<{ project: string; pct: string }>) => set({ parts: x.parts.map((q, j) => (j === i ? { ...q, ...p } : q)) });
  return html`<fieldset class=${className} style=${style} aria-describedby=${describedBy ?? `${idp}-split-status`}>
        <legend>Répartition entre projets</legend>
        ${x.parts.map(
          (p, i) => html`<div class="row">
            <div class="field"><label for=${`${idp}-part-${i}-project`}>Projet<span class="sr-only"> n° ${i + 1}</span></label>
              <select id=${`${idp}-part-${i}-project`} value=${p.project} onChange=${(e: Event) => setPart(i, { project: (e.target as HTMLSelectElement).value })}>
                <option value="">choisir un projet</option>${projects.map((q) => html`<option value=${q.code}>${q.name}</option>`)}</select></div>
            <div class="field"><label for=${`${idp}-part-${i}-pct`}>Part (%)<span class="sr-only"> du projet n° ${i + 1}</span></label>
              <input id=${`${idp}-part-${i}-pct`} class="num" inputmode="decimal" value=${p.pct} aria-invalid=${p.pct.trim() && parsePct(p.pct) === null ? "true" : undefined}
                onInput=${(e: Event) => setPart(i, { pct: (e.target as HTMLInputElement).value })} /></div>
            ${
              x.parts.length > minParts
                ? html`<button type="button" class="secondary small" onClick=${() => set({ parts: x.parts.filter((_, j) => j !== i) })}>Retirer<span class="sr-only"> le projet n° ${i + 1}</span></button>`
                : null
            }
          </div>`,
        )}
        ${x.parts.length < 10 ? html`<button type="button" class="secondary small" onClick=${() => set({ parts: [...x.parts, { project: "", pct: "" }] })}>Ajouter un projet</button>` : null}
        <p id=${`${idp}-split-status`} class=${problem ? "alert warn" : "hint"} role="status" data-testid="split-status">
          ${left > 0 ? `Reste à répartir : ${pctText(left)}.` : left < 0 ? `${pctText(-left)} de trop.` : "Les parts font 100 %."}
          ${problem ? html` <strong>${problem}</strong>` : null}
        </p>
        ${children ?? null}
      </fieldset>`;
}
