/**
 * The association's settings as data: read (cached a short time in the process, so a change is
 * live everywhere within `SETTINGS_CACHE_SECONDS`, 30 s by default), saved section by section with
 * optimistic concurrency (the version read, `If-Match`), each save kept in the history with who made
 * it, when, and the value before and after.
 *
 * A section never saved has its first value from the old environment variables (`seed.ts`); the
 * first save replaces it for good.
 */
import { nowMs, nowIso } from "../clock.js";
import type { Db } from "../db/index.js";
import { useFiscalStartMonth } from "../dates.js";
import { ConflictError, ForbiddenError, PreconditionFailedError, ValidationError, type FieldError } from "../errors.js";
import { listYears, trialBalance, type Actor } from "../ledger/index.js";
import { projectNames } from "../projects/index.js";
import { seedValue } from "./seed.js";
import { DELEGATION_SECTIONS, identityMissing, SECTION_SCHEMAS, SECTIONS, type Section, type SettingsValues } from "./schemas.js";
import { readHistory, readStoredSections, writeSection, type HistoryRecord, type StoredSection } from "./store.js";

export interface CurrentSettings {
  values: SettingsValues;
  versions: Record<Section, number>;
  /** Sections saved at least once (the others come from the environment). */
  stored: Set<Section>;
}

const cache = new Map<string, { at: number; stored: StoredSection[] }>();
const ttlMs = () => {
  const s = Number(process.env.SETTINGS_CACHE_SECONDS ?? "30");
  return Number.isFinite(s) && s >= 0 ? s * 1000 : 30_000;
};

/** Forgets what this process read (after a save here, so the next read sees it at once). */
export function forgetSettings(db?: Db): void {
  if (db) cache.delete(db.tableName);
  else cache.clear();
}

function sectionValue<S extends Section>(section: S, stored: StoredSection | undefined, env: Record<string, string | undefined>): SettingsValues[S] {
  if (!stored) return seedValue(section, env);
  const r = SECTION_SCHEMAS[section].safeParse(stored.value);
  return (r.success ? r.data : stored.value) as SettingsValues[S];
}

function assemble(stored: StoredSection[], env: Record<string, string | undefined>): CurrentSettings {
  const bySection = new Map(stored.map((s) => [s.section, s]));
  const values = {} as Record<Section, unknown>;
  const versions = {} as Record<Section, number>;
  for (const section of SECTIONS) {
    const s = bySection.get(section);
    values[section] = sectionValue(section, s, env);
    versions[section] = s?.version ?? 0;
  }
  const current = { values: values as SettingsValues, versions, stored: new Set(bySection.keys()) };
  // The ledger's dates read the fiscal year start synchronously: the saved one, else the environment's.
  useFiscalStartMonth(current.stored.has("year") ? current.values.year.startMonth : undefined);
  return current;
}

/** The current settings, from this process's cache when it is fresh enough. */
export async function currentSettings(db: Db, opts: { fresh?: boolean } = {}): Promise<CurrentSettings> {
  const hit = cache.get(db.tableName);
  if (!opts.fresh && hit && nowMs() - hit.at < ttlMs()) return assemble(hit.stored, process.env);
  const stored = await readStoredSections(db);
  cache.set(db.tableName, { at: nowMs(), stored });
  return assemble(stored, process.env);
}

/** `GET /v1/settings`: every section with its version (0: never saved, from the environment). */
export async function viewSettings(db: Db) {
  const c = await currentSettings(db, { fresh: true });
  const sections = Object.fromEntries(SECTIONS.map((s) => [s, { version: c.versions[s], value: c.values[s] }]));
  const missing = identityMissing(c.values.identity);
  return { sections, complete: missing.length === 0, missing };
}

/** May this caller change this section? The trésorier every one; the délégation identity, look, volunteers. */
export function mayEdit(roles: readonly string[], section: Section): boolean {
  if (roles.includes("tresorier")) return true;
  return roles.includes("delegation") && DELEGATION_SECTIONS.includes(section);
}

/** The `If-Match` header as a version: a number, possibly quoted (`"3"`, `W/"3"`). */
export function parseIfMatch(header: string | undefined): number {
  const raw = header?.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
  if (raw === undefined || raw === "" || !/^\d{1,9}$/.test(raw))
    throw new ValidationError([{ path: "If-Match", message: "requis : la version de la section lue (GET /v1/settings)" }]);
  return Number(raw);
}

const stale = (section: Section) =>
  new PreconditionFailedError(
    `La section « ${section} » a été modifiée entre-temps (par quelqu'un d'autre ou dans un autre onglet) : rechargez-la avant d'enregistrer.`,
  );

/** Parses a section's body, naming every bad field. */
export function parseSection<S extends Section>(section: S, body: unknown): SettingsValues[S] {
  const r = SECTION_SCHEMAS[section].safeParse(body);
  if (r.success) return r.data as SettingsValues[S];
  const errors: FieldError[] = [];
  for (const issue of r.error.issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys")
      for (const key of issue.keys) errors.push({ path: [...path, key].join("."), message: "n'est pas un champ de cette section" });
    else errors.push({ path: path.join(".") || "(body)", message: issue.message });
  }
  throw new ValidationError(errors);
}

/**
 * Saves a section (`PUT /v1/settings/{section}`): role, body and version checked, then version + 1
 * written with its history item. The fiscal year start is refused (409) once the ledger holds
 * entries, since every year's bounds would move under them.
 */
export async function saveSection<S extends Section>(
  db: Db,
  section: S,
  body: unknown,
  ifMatch: number,
  actor: Actor,
  roles: readonly string[],
): Promise<{ version: number; value: SettingsValues[S] }> {
  if (!mayEdit(roles, section))
    throw new ForbiddenError(
      roles.includes("delegation")
        ? `La délégation modifie l'identité, l'apparence et les bénévoles ; la section « ${section} » est modifiée par le trésorier.`
        : "Ce rôle consulte les paramètres sans les modifier.",
    );
  let value = parseSection(section, body);
  const current = await currentSettings(db, { fresh: true });
  if (current.versions[section] !== ifMatch) throw stale(section);
  const before = current.values[section];
  if (section === "look") {
    // The logo is sent to PUT /v1/settings/logo; a look saved without it keeps the current one.
    const b = body as { logo?: unknown } | null;
    if (b && typeof b === "object" && !("logo" in b))
      value = { ...(value as SettingsValues["look"]), logo: (before as SettingsValues["look"]).logo } as SettingsValues[S];
  }
  if (section === "year") {
    const from = (before as SettingsValues["year"]).startMonth;
    const to = (value as SettingsValues["year"]).startMonth;
    if (from !== to) {
      const years = (await listYears(db)).filter((y) => (y.entries ?? 0) > 0);
      if (years.length)
        throw new ConflictError(
          `Le début de l'exercice ne peut plus changer : des écritures sont passées dans l'exercice ${years.map((y) => y.year).join(", ")}, dont les dates changeraient d'exercice.`,
        );
    }
  }
  if (section === "giving") {
    // The projects offered to gifts exist (the projects' registry).
    const codes = (value as SettingsValues["giving"]).projects;
    const known = await projectNames(db, codes);
    const errors: FieldError[] = codes.flatMap((c, i) =>
      known.has(c) ? [] : [{ path: `projects.${i}`, message: `projet inconnu : ${c} (créez-le dans « Projets et budgets »)` }],
    );
    if (errors.length) throw new ValidationError(errors);
  }
  if (section === "volunteers") {
    const from = (before as SettingsValues["volunteers"]).timeSourceAccount ?? "875";
    const to = (value as SettingsValues["volunteers"]).timeSourceAccount;
    if (from !== to) {
      // 870 and 875 would change meaning under the year's entries (time and gifts of goods swap accounts).
      const open = (await listYears(db)).filter((y) => y.status !== "closed" && (y.entries ?? 0) > 0);
      const held: number[] = [];
      for (const y of open)
        if ((await trialBalance(db, y.year)).accounts.some((a) => (a.account.startsWith("870") || a.account.startsWith("875")) && (a.debit || a.credit)))
          held.push(y.year);
      if (held.length)
        throw new ConflictError(
          `Le compte du bénévolat ne peut plus changer : l'exercice ${held.join(", ")} porte déjà des écritures sur 870 ou 875 (bénévolat ou dons en nature), qui changeraient de sens. Changez-le au début d'un exercice, avant toute contribution en nature.`,
        );
    }
  }
  return write(db, section, ifMatch, value, before, actor);
}

async function write<S extends Section>(db: Db, section: S, expected: number, value: SettingsValues[S], before: unknown, actor: Actor) {
  const ok = await writeSection(db, { section, expected, value, before, at: nowIso(), by: actor });
  forgetSettings(db);
  if (!ok) throw stale(section);
  return { version: expected + 1, value };
}

/** Saves a section on behalf of the system (the logo upload updates `look`), on top of its current version. */
export async function saveSectionAs<S extends Section>(db: Db, section: S, value: SettingsValues[S], actor: Actor, expected?: number) {
  const current = await currentSettings(db, { fresh: true });
  if (expected !== undefined && current.versions[section] !== expected) throw stale(section);
  return write(db, section, current.versions[section], value, current.values[section], actor);
}

/** `GET /v1/settings/history?section=`: who changed what, when, the value before and after; newest first. */
export async function settingsHistory(db: Db, section?: Section): Promise<{ items: HistoryRecord[] }> {
  return { items: await readHistory(db, section) };
}
