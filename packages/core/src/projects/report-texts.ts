/**
 * The free texts of a grant's compte-rendu financier (CERFA 15059): each gap's explanation, the
 * bilan of the action carried out, and who signs. One item per grant, saved whole under its
 * version (`If-Match`, 412 when another save came first), so two treasurers do not mix texts.
 * The texts are printed as given: nothing is added to them.
 */
import type { Db } from "../db/client.js";
import { now, nowIso } from "../clock.js";
import { parisDate } from "../dates.js";
import { PreconditionFailedError, ValidationError, type FieldError } from "../errors.js";
import type { ProjectActor } from "./projects.js";
import type { ReportTextsInput } from "./schemas.js";
import { readReportTexts, writeReportTexts, type ReportTexts } from "./store.js";

export type { ReportTexts } from "./store.js";

const emptyTexts = (grantId: string): ReportTexts => ({
  grantId,
  gaps: [],
  summary: null,
  actions: null,
  signer: null,
  sentOn: null,
  version: 0,
  updatedAt: null,
});

/** What the GET answers: the texts with their version (0 when none were saved). */
export const reportTextsView = (t: ReportTexts) => ({
  grantId: t.grantId,
  gaps: t.gaps,
  summary: t.summary,
  actions: t.actions,
  signer: t.signer,
  sentOn: t.sentOn,
  version: t.version,
  updatedAt: t.updatedAt,
});

export async function getReportTexts(db: Db, grantId: string): Promise<ReportTexts> {
  return (await readReportTexts(db, grantId)) ?? emptyTexts(grantId);
}

/** The `If-Match` header as a version: a number, possibly quoted (`"3"`, `W/"3"`). */
export function reportVersionOf(header: string | undefined): number {
  const raw = header?.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
  if (raw === undefined || raw === "" || !/^\d{1,9}$/.test(raw))
    throw new ValidationError([{ path: "If-Match", message: "requis : la version des textes lue (GET …/financial-report/explanations), 0 la première fois" }]);
  return Number(raw);
}

const stale = () =>
  new PreconditionFailedError(
    "Les explications de ce compte rendu ont été modifiées entre-temps (par quelqu'un d'autre ou dans un autre onglet) : rechargez-les avant d'enregistrer.",
  );

/**
 * `PUT /v1/grants/{id}/financial-report/explanations`: the texts replaced, over the version read.
 * `rows` are the report's budget rows: a gap explained must be one of them (400 naming
 * `gaps.<i>.rubrique`, nothing written).
 */
export async function saveReportTexts(
  db: Db,
  grantId: string,
  input: ReportTextsInput,
  ifMatch: number,
  rows: ReadonlyMap<string, string>,
  actor?: ProjectActor,
): Promise<ReportTexts> {
  const errors: FieldError[] = [];
  input.gaps.forEach((g, i) => {
    if (!rows.has(g.rubrique))
      errors.push({
        path: `gaps.${i}.rubrique`,
        message: `la rubrique ${g.rubrique} n'est pas une ligne de ce compte rendu (${[...rows.keys()].join(", ") || "aucune ligne"})`,
      });
  });
  const today = parisDate(now());
  if (input.sentOn && input.sentOn > today)
    errors.push({ path: "sentOn", message: `le compte rendu ne peut pas être remis après aujourd'hui (${today.split("-").reverse().join("/")})` });
  if (errors.length) throw new ValidationError(errors);
  const current = await getReportTexts(db, grantId);
  if (current.version !== ifMatch) throw stale();
  const order = [...rows.keys()];
  const next: ReportTexts = {
    grantId,
    gaps: [...input.gaps].sort((a, b) => order.indexOf(a.rubrique) - order.indexOf(b.rubrique)).map((g) => ({ rubrique: g.rubrique, text: g.text })),
    summary: input.summary ?? null,
    actions: input.actions ?? null,
    signer: input.signer ? { name: input.signer.name, quality: input.signer.quality || null } : null,
    sentOn: input.sentOn ?? null,
    version: ifMatch + 1,
    updatedAt: nowIso(),
    ...(actor ? { updatedBy: { sub: actor.sub, role: actor.role, requestId: actor.requestId } } : {}),
  };
  if (!(await writeReportTexts(db, next, ifMatch))) throw stale();
  return next;
}
