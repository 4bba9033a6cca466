/** Projects: the analytic axis lines, expenses, gifts and grants carry. */
import type { Db } from "../db/client.js";
import { ConflictError, NotFoundError, ValidationError, type FieldError } from "../errors.js";
import { nowIso } from "../clock.js";
import type { ProjectInput, ProjectUpdateInput } from "./schemas.js";
import { insertProject, readAllProjects, readProject, readProjects, updateProject, type Project } from "./store.js";

export interface ProjectActor {
  sub: string;
  role: string;
  requestId: string;
}

export const projectView = (p: Project) => ({
  id: p.code,
  code: p.code,
  name: p.name,
  description: p.description,
  createdAt: p.createdAt,
  version: p.version,
  history: p.history.map((h) => ({ ...h, by: h.by ? { sub: h.by.sub, role: h.by.role } : null })),
});
export type ProjectView = ReturnType<typeof projectView>;

/** `POST /v1/projects`: a new project; its code is unique (409 when taken). */
export async function createProject(db: Db, input: ProjectInput, actor?: ProjectActor): Promise<ProjectView> {
  const code = input.code.trim().toUpperCase();
  const p: Project = {
    code,
    name: input.name,
    description: input.description ?? null,
    createdAt: nowIso(),
    ...(actor ? { createdBy: { sub: actor.sub, role: actor.role, requestId: actor.requestId } } : {}),
    version: 0,
    history: [],
  };
  if (!(await insertProject(db, p))) {
    const existing = await readProject(db, code);
    // The same project sent again (a retry without a key) answers it; another name under the code is a conflict.
    if (existing && existing.name === p.name) return projectView(existing);
    throw new ConflictError(`A project already has the code ${code}.`, { code });
  }
  return projectView(p);
}

/**
 * `PATCH /v1/projects/{code}`: the project's name or description corrected, the change kept in its
 * history (who, when, before, after, why). The code stays: the lines, budgets and grants carry it,
 * and every screen and document shows the new name from now on.
 */
export async function correctProject(db: Db, code: string, input: ProjectUpdateInput, actor?: ProjectActor): Promise<ProjectView> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const p = await readProject(db, code.toUpperCase());
    if (!p) throw new NotFoundError(`No project ${code}.`);
    const after = {
      name: input.name ?? p.name,
      description: input.description === undefined ? p.description : input.description || null,
    };
    if (after.name === p.name && after.description === p.description) return projectView(p);
    const next: Project = {
      ...p,
      ...after,
      version: p.version + 1,
      history: [
        ...p.history,
        {
          version: p.version + 1,
          at: nowIso(),
          by: actor ? { sub: actor.sub, role: actor.role, requestId: actor.requestId } : null,
          reason: input.reason || null,
          before: { name: p.name, description: p.description },
          after,
        },
      ].slice(-100),
    };
    if (await updateProject(db, next, p.version)) return projectView(next);
  }
  throw new ConflictError(`The project ${code} was being corrected by someone else at the same time; load it again.`, { code });
}

/** `GET /v1/projects`, in code order. */
export async function listProjects(db: Db): Promise<ProjectView[]> {
  return (await readAllProjects(db)).map(projectView).sort((a, b) => a.code.localeCompare(b.code));
}

export async function getProject(db: Db, code: string): Promise<ProjectView> {
  const p = await readProject(db, code.toUpperCase());
  if (!p) throw new NotFoundError(`No project ${code}.`);
  return projectView(p);
}

/**
 * Checks that every project named exists; throws one ValidationError naming each unknown one at
 * its path (`lines.2.project`). Nothing is read when nothing is named.
 */
export async function checkProjects(db: Db, named: ReadonlyArray<{ path: string; project: string }>): Promise<void> {
  if (!named.length) return;
  const known = new Set((await readProjects(db, [...new Set(named.map((n) => n.project))])).map((p) => p.code));
  const errors: FieldError[] = named.filter((n) => !known.has(n.project)).map((n) => ({ path: n.path, message: `unknown project ${n.project}` }));
  if (errors.length) throw new ValidationError(errors);
}

/** The projects by code (those that exist), for labels. */
export async function projectNames(db: Db, codes: readonly string[]): Promise<Map<string, string>> {
  return new Map((await readProjects(db, [...new Set(codes)])).map((p) => [p.code, p.name]));
}
