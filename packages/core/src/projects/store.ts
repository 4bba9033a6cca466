/**
 * The projects' storage.
 *
 * | item | pk | sk |
 * | --- | --- | --- |
 * | project | `PROJECTS` | `PROJECT#<code>` |
 * | budget of a year (all its lines, every project) | `BUDGET#<year>` | `BUDGET` |
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
};

export interface Project {
  code: string;
  name: string;
  description: string | null;
  createdAt: string;
  createdBy?: { sub: string; role: string; requestId: string };
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
}

const toProject = (i: Record<string, unknown>): Project => ({
  code: i.code as string,
  name: i.name as string,
  description: (i.description as string | null | undefined) ?? null,
  createdAt: i.createdAt as string,
  ...(i.createdBy ? { createdBy: i.createdBy as Project["createdBy"] } : {}),
});

/** Writes a new project; false when its code is taken. */
export function insertProject(db: Db, p: Project): Promise<boolean> {
  return putItem(db, { ...projectKeys.project(p.code), kind: "project", ...p }, { expression: "attribute_not_exists(pk)" });
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
