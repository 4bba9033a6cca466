/**
 * The projects' storage.
 *
 * | item | pk | sk |
 * | --- | --- | --- |
 * | project | `PROJECTS` | `PROJECT#<code>` |
 * | budget of a year (all its lines, every project) | `BUDGET#<year>` | `BUDGET` |
 * | a grant's compte-rendu texts (gaps explained, bilan, signer) | `GRANTREPORT#<grantId>` | `TEXTS` |
 *
 * A budget is one item (5 000 lines at most, well under DynamoDB's 400 KB), written whole by
 * `PUT /v1/budgets/{year}` under its version, so two treasurers saving at once do not mix lines.
 */
import type { Db } from "../db/client.js";
import { batchGet, getItem, putItem, queryPrefix } from "../db/store.js";

export const projectKeys = {
  project: (code: string) => ({ pk: "PROJECTS", sk: `PROJECT#${code}` }),
  projects: "PROJECTS",
  budget: (year: number) => ({ pk: `BUDGET#${year}`, sk: "BUDGET" }),
  reportTexts: (grantId: string) => ({ pk: `GRANTREPORT#${grantId}`, sk: "TEXTS" }),
};

type By = { sub: string; role: string; requestId: string };

export interface ProjectChange {
  version: number;
  at: string;
  by: By | null;
  reason: string | null;
  before: { name: string; description: string | null };
  after: { name: string; description: string | null };
}

export interface Project {
  code: string;
  name: string;
  description: string | null;
  createdAt: string;
  createdBy?: By;
  /** 0 until corrected. */
  version: number;
  history: ProjectChange[];
}

/** One save of a year's budget, as its history keeps it. */
export interface BudgetSave {
  version: number;
  at: string;
  by: By | null;
  lines: number;
  charges: number;
  produits: number;
  note: string | null;
}

export interface BudgetLine {
  account: string;
  project: string | null;
  amount: number;
}

export interface Budget {
  year: number;
  lines: BudgetLine[];
  note: string | null;
  version: number;
  updatedAt: string | null;
  updatedBy?: { sub: string; role: string; requestId: string };
  history: BudgetSave[];
}

const toProject = (i: Record<string, unknown>): Project => ({
  code: i.code as string,
  name: i.name as string,
  description: (i.description as string | null | undefined) ?? null,
  createdAt: i.createdAt as string,
  ...(i.createdBy ? { createdBy: i.createdBy as Project["createdBy"] } : {}),
  version: (i.version as number | undefined) ?? 0,
  history: (i.history as ProjectChange[] | undefined) ?? [],
});

/** Writes a new project; false when its code is taken. */
export function insertProject(db: Db, p: Project): Promise<boolean> {
  return putItem(db, { ...projectKeys.project(p.code), kind: "project", ...p }, { expression: "attribute_not_exists(pk)" });
}

/** Writes a corrected project over the version read; false when another correction came first. */
export function updateProject(db: Db, p: Project, readVersion: number): Promise<boolean> {
  return putItem(
    db,
    { ...projectKeys.project(p.code), kind: "project", ...p },
    readVersion === 0
      ? { expression: "attribute_exists(pk) AND (attribute_not_exists(version) OR version = :v)", values: { ":v": 0 } }
      : { expression: "version = :v", values: { ":v": readVersion } },
  );
}

export async function readProject(db: Db, code: string): Promise<Project | undefined> {
  const i = await getItem(db, projectKeys.project(code));
  return i ? toProject(i) : undefined;
}

/** The projects named (those that exist). */
export async function readProjects(db: Db, codes: readonly string[]): Promise<Project[]> {
  return (await batchGet(db, codes.map(projectKeys.project))).map(toProject);
}

export async function readAllProjects(db: Db): Promise<Project[]> {
  return (await queryPrefix(db, projectKeys.projects, "PROJECT#")).map(toProject);
}

export async function readBudget(db: Db, year: number): Promise<Budget | undefined> {
  const i = await getItem(db, projectKeys.budget(year));
  if (!i) return undefined;
  return {
    year,
    lines: i.lines as BudgetLine[],
    note: (i.note as string | null | undefined) ?? null,
    version: i.version as number,
    updatedAt: (i.updatedAt as string | undefined) ?? null,
    ...(i.updatedBy ? { updatedBy: i.updatedBy as Budget["updatedBy"] } : {}),
    history: (i.history as BudgetSave[] | undefined) ?? [],
  };
}

/** Writes a year's budget over the version read (0: none yet); false when another save came first. */
export function writeBudget(db: Db, b: Budget, readVersion: number): Promise<boolean> {
  return putItem(
    db,
    { ...projectKeys.budget(b.year), kind: "budget", ...b },
    readVersion === 0 ? { expression: "attribute_not_exists(pk)" } : { expression: "version = :v", values: { ":v": readVersion } },
  );
}

/** The free texts of a grant's compte-rendu financier (CERFA 15059), kept whole under a version. */
export interface ReportTexts {
  grantId: string;
  /** Each gap's explanation, by budget row (CERFA 12156 rubrique). */
  gaps: Array<{ rubrique: string; text: string }>;
  /** Bilan qualitatif: the action carried out. */
  summary: string | null;
  /** Its results: beneficiaries, places, dates, objectives reached. */
  actions: string | null;
  /** Who signs the attestation, as typed. */
  signer: { name: string; quality: string | null } | null;
  /** The day the report was sent to the funder (« remis le »); null: not sent. */
  sentOn: string | null;
  version: number;
  updatedAt: string | null;
  updatedBy?: { sub: string; role: string; requestId: string };
}

export async function readReportTexts(db: Db, grantId: string): Promise<ReportTexts | undefined> {
  const i = await getItem(db, projectKeys.reportTexts(grantId));
  if (!i) return undefined;
  return {
    grantId,
    gaps: (i.gaps as ReportTexts["gaps"] | undefined) ?? [],
    summary: (i.summary as string | null | undefined) ?? null,
    actions: (i.actions as string | null | undefined) ?? null,
    signer: (i.signer as ReportTexts["signer"] | undefined) ?? null,
    sentOn: (i.sentOn as string | null | undefined) ?? null,
    version: i.version as number,
    updatedAt: (i.updatedAt as string | undefined) ?? null,
    ...(i.updatedBy ? { updatedBy: i.updatedBy as ReportTexts["updatedBy"] } : {}),
  };
}

/** Writes a grant's report texts over the version read (0: none yet); false when another save came first. */
export function writeReportTexts(db: Db, t: ReportTexts, readVersion: number): Promise<boolean> {
  return putItem(
    db,
    { ...projectKeys.reportTexts(t.grantId), kind: "grant-report-texts", ...t },
    readVersion === 0 ? { expression: "attribute_not_exists(pk)" } : { expression: "version = :v", values: { ":v": readVersion } },
  );
}
