/**
 * Gifts and projects (dons affectés): the gifts of a year with the project each is on (paged,
 * newest first, the totals per project over the whole year), and the
 * trésorier's re-assignment of a gift to another project (or to none, or a split between projects by
 * share, `projects`: each side's lines split to the cent). A re-assignment writes one
 * OD entry through the ledger's posting path — the gift's kept amount (amount − refunded) leaves
 * the old project and reaches the new one on its revenue account (7541), its Stripe fee (627) with
 * it — in the same transaction as the gift's record (its project and its history), on the
 * condition that the record is still as read: two re-assignments at once, or one racing a refund,
 * write one entry or none, never two.
 *
 * The entry is dated on the gift's date, so that the year's figures by project show the gift where
 * it belongs; when that fiscal year is closed, on the first day of the first open year (the piece
 * keeps the gift's date).
 *
 * Errors: NotFoundError (no such gift), ValidationError (an unknown project), ConflictError (a
 * membership fee, the same project, nothing left to move, a concurrent change).
 */
import { randomUUID } from "node:crypto";
import * as z from "zod";
import { nowIso } from "../clock.js";
import type { Db } from "../db/client.js";
import { UnitOfWork } from "../db/unit-of-work.js";
import { fiscalYearBounds, fiscalYearOf } from "../dates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import type { Idempotency } from "../idempotency.js";
import { awaitValidation, listYears, readIdempotency, writeDraft, type Actor } from "../ledger/index.js";
import { projectNames } from "../projects/index.js";
import { allocationCodes, DONATIONS, giftAllocation, type GiftAllocation, payerName, projectMoveEntry, splitByShare } from "./bookings.js";
import { donationsOfYear, getDonation, giftProjectItem, giftsCursor } from "./store.js";
import type { Donation, GiftProjectChange, GiftProjectShare } from "./types.js";

/** What a gift's project is called where a person reads it. */
export const NO_PROJECT = "Sans projet";

const Code = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9_-]{1,19}$/, "un code de projet (2 à 20 lettres, chiffres, - ou _)");

export const GiftIdParam = z.strictObject({ id: z.string().regex(/^[\w-]{1,100}$/, "l'identifiant d'un don (ch_…)") });

export const GiftListQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2200),
  project: z
    .union([z.literal("none"), Code])
    .optional()
    .describe("only the gifts on this project; `none`: those on no project"),
  limit: z.coerce.number().int().min(1).max(500).default(200).describe("gifts per page (200 by default, 500 at most)"),
  cursor: z.string().max(4096).optional().describe("the `nextCursor` of the page before"),
});
export type GiftListQuery = z.output<typeof GiftListQuery>;

/** The shares' total in hundredths of a percent (10 000 is 100 %), each share rounded to 0,01 %. */
const sharesTotal = (parts: readonly { share: number }[]) => parts.reduce((s, p) => s + Math.round(p.share * 10_000), 0);
const pct = (basisPoints: number) => `${(basisPoints / 100).toLocaleString("fr-FR", { maximumFractionDigits: 2 })} %`;

/** One project's share of a gift: a fraction to 0,01 % (0.6 is 60 %), as a grant's or an expense's. */
const GiftProjectPart = z.strictObject({
  projectId: Code.describe("the project's code (`GET /v1/projects`)"),
  share: z
    .number("une part en fraction (0.6 pour 60 %)")
    .positive("une part de plus de 0 %")
    .max(1, "une part de 100 % au plus (1)")
    .refine((n) => Math.abs(n * 10_000 - Math.round(n * 10_000)) < 1e-6, "une part au centième de pourcent près (0,01 %)")
    .describe("a fraction: 0.6 is 60 % (to 0,01 %)"),
});

/** The projects a gift is split between, by share: 2 to 10, each once, adding up to 1 (100 %). */
const GiftProjects = z
  .array(GiftProjectPart, "une liste de projets et de parts")
  .min(2, "une répartition compte de 2 à 10 projets (pour un seul projet : project)")
  .max(10, "une répartition compte de 2 à 10 projets")
  .superRefine((parts, ctx) => {
    const seen = new Set<string>();
    parts.forEach((p, i) => {
      if (seen.has(p.projectId))
        ctx.addIssue({ code: "custom", path: [i, "projectId"], message: `le projet ${p.projectId} figure deux fois dans la répartition` });
      seen.add(p.projectId);
    });
    const total = sharesTotal(parts);
    if (parts.length && total !== 10_000) ctx.addIssue({ code: "custom", path: [], message: `les parts font ${pct(total)} au total, pas 100 %` });
  })
  .describe(
    "or the projects of the registry the gift is split between, by share adding up to 1 (100 %): its kept amount (7541) and Stripe fee (627) lines, and those of its later refunds and disputes, are split between them to the cent",
  );

export const GiftProjectInput = z
  .strictObject({
    project: Code.nullable().optional().describe("the project the gift goes to; null: none (the association's work as a whole)"),
    projects: GiftProjects.optional(),
    reason: z.string("pourquoi le don change de projet").trim().min(3, "pourquoi le don change de projet (3 caractères au moins)").max(500),
  })
  .superRefine((x, ctx) => {
    if (x.project !== undefined && x.projects !== undefined)
      ctx.addIssue({ code: "custom", path: ["projects"], message: "un don va à un projet (project) ou se répartit entre projets (projects), pas les deux" });
    if (x.project === undefined && x.projects === undefined)
      ctx.addIssue({ code: "custom", path: ["project"], message: "le nouveau projet du don (null : aucun), ou sa répartition entre projets (projects)" });
  })
  .meta({ id: "GiftProjectInput" });
export type GiftProjectInput = z.output<typeof GiftProjectInput>;

const ProjectRef = z.object({ code: z.string(), name: z.string() }).nullable();
const ProjectParts = z.array(z.object({ code: z.string(), name: z.string(), share: z.number().describe("a fraction: 0.6 is 60 %") })).nullable();
const Change = z.object({
  at: z.string(),
  date: z.string(),
  from: ProjectRef.describe("the project before (null: none, or a split: fromProjects)"),
  to: ProjectRef.describe("the project after (null: none, or a split: toProjects)"),
  fromProjects: ProjectParts.describe("the split before, if it was one"),
  toProjects: ProjectParts.describe("the split after, if it is one"),
  amount: z.number().int(),
  fee: z.number().int(),
  reason: z.string(),
  entryId: z.string(),
  by: z.object({ sub: z.string(), role: z.string() }).nullable(),
});
export const GiftSchema = z
  .object({
    id: z.string().describe("the Stripe charge"),
    date: z.string(),
    amount: z.number().int(),
    refunded: z.number().int(),
    kept: z.number().int().describe("amount − refunded: what the project holds of it"),
    fee: z.number().int(),
    frequency: z.enum(["once", "monthly"]),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string(),
    project: ProjectRef.describe("the gift's project; null: none, or a split (projects)"),
    projects: ProjectParts.describe("or the projects the gift is split between, by share; null when it is on one project or none"),
    history: z.array(Change).describe("the re-assignments, oldest first"),
  })
  .meta({ id: "Gift" });
export const GiftListSchema = z.object({
  year: z.number().int(),
  items: z.array(GiftSchema),
  nextCursor: z.string().nullable().describe("the next page's cursor; null on the last page"),
  byProject: z
    .array(z.object({ project: ProjectRef, count: z.number().int(), kept: z.number().int() }))
    .describe("every gift of the year, whatever the filter; a split gift counts under each of its projects, its kept amount by share (to the cent)"),
});

type GiftView = z.output<typeof GiftSchema>;

const refOf = (code: string | null | undefined, names: Map<string, string>) => (code ? { code, name: names.get(code) ?? code } : null);
const partsOf = (parts: readonly GiftProjectShare[] | null | undefined, names: Map<string, string>) =>
  parts?.length ? parts.map((p) => ({ code: p.projectId, name: names.get(p.projectId) ?? p.projectId, share: p.share })) : null;

/** Every project code a gift names, now and in its history. */
const codesOfGift = (d: Donation) => [
  ...allocationCodes(giftAllocation(d)),
  ...(d.projectHistory ?? []).flatMap((h) => [
    h.from,
    h.to,
    ...(h.fromProjects ?? []).map((p) => p.projectId),
    ...(h.toProjects ?? []).map((p) => p.projectId),
  ]),
];

function giftView(d: Donation, names: Map<string, string>): GiftView {
  const refunded = d.refunded ?? 0;
  return {
    id: d.chargeId,
    date: d.date,
    amount: d.amount,
    refunded,
    kept: d.amount - refunded,
    fee: d.fee ?? 0,
    frequency: d.frequency,
    firstName: d.firstName,
    lastName: d.lastName,
    email: d.email,
    project: d.projects?.length ? null : refOf(d.project, names),
    projects: partsOf(d.projects, names),
    history: (d.projectHistory ?? []).map((h) => ({
      ...h,
      from: refOf(h.from, names),
      to: refOf(h.to, names),
      fromProjects: partsOf(h.fromProjects, names),
      toProjects: partsOf(h.toProjects, names),
    })),
  };
}

/**
 * `GET /v1/gifts?year=&project=`: the gifts (not the membership fees) of a calendar year — the
 * donors' year — newest first, with their project; `byProject` totals every gift of the year.
 */
export async function listGifts(db: Db, q: GiftListQuery) {
  const gifts: Donation[] = [];
  for await (const page of donationsOfYear(db, q.year)) gifts.push(...page.filter((d) => d.kind === "donation"));
  const codes = [...new Set(gifts.flatMap(codesOfGift).filter((c): c is string => !!c))];
  const names = await projectNames(db, codes);
  const totals = new Map<string, { project: string | null; count: number; kept: number }>();
  const add = (project: string | null, kept: number) => {
    const t = totals.get(project ?? "") ?? { project, count: 0, kept: 0 };
    t.count++;
    t.kept += kept;
    totals.set(project ?? "", t);
  };
  for (const d of gifts) {
    const kept = d.amount - (d.refunded ?? 0);
    // A split gift: its kept amount under each of its projects by share, the parts adding up to it to the cent.
    if (d.projects?.length) for (const p of splitByShare(kept, d.projects)) add(p.project, p.amount);
    else add(d.project ?? null, kept);
  }
  const onIt = (d: Donation) => {
    const codes = allocationCodes(giftAllocation(d));
    return q.project === "none" ? codes.length === 0 : codes.includes(q.project!);
  };
  const shown = q.project === undefined ? gifts : gifts.filter(onIt);
  // Newest first; a page resumes after the last gift of the one before (its date and id, signed).
  shown.sort((a, b) => b.date.localeCompare(a.date) || b.chargeId.localeCompare(a.chargeId));
  const after = giftsCursor.read(q.cursor);
  if (after && (after.project !== (q.project ?? null) || after.year !== q.year))
    throw new ValidationError([{ path: "cursor", message: "was given for other filters" }]);
  const from = after ? shown.findIndex((d) => d.date < after.date || (d.date === after.date && d.chargeId < after.id)) : 0;
  const page = from < 0 ? [] : shown.slice(from, from + q.limit);
  const last = page.at(-1);
  const more = from >= 0 && from + q.limit < shown.length;
  return {
    year: q.year,
    items: page.map((d) => giftView(d, names)),
    nextCursor: more && last ? giftsCursor.write({ year: q.year, date: last.date, id: last.chargeId, project: q.project ?? null }) : null,
    byProject: [...totals.values()]
      .sort((a, b) => (a.project === null ? 1 : b.project === null ? -1 : a.project.localeCompare(b.project)))
      .map((t) => ({ ...t, project: refOf(t.project, names) })),
  };
}

/** The gift's date, or the first day of the first open fiscal year when its year is closed. */
async function entryDate(db: Db, date: string): Promise<string> {
  const year = fiscalYearOf(date);
  const shut = new Set((await listYears(db)).filter((y) => y.status !== "open").map((y) => y.year));
  if (!shut.has(year)) return date;
  let open = year;
  while (shut.has(open)) open++;
  return fiscalYearBounds(open).start;
}

/**
 * `POST /v1/gifts/{id}/project`: the gift on another project (or none), or split between projects by
 * share (`projects`); one OD entry, each line on a split side split to the cent; the gift's history.
 */
export async function reassignGiftProject(db: Db, chargeId: string, input: GiftProjectInput, idem?: Idempotency, actor?: Actor): Promise<GiftView> {
  const d = await getDonation(db, chargeId);
  if (!d?.kind) throw new NotFoundError(`Aucun don ${chargeId}.`);
  if (idem) {
    const marker = await readIdempotency(db, idem.operation, idem.key);
    if (marker && marker.requestHash !== idem.requestHash)
      throw new ConflictError("Cette clé d'idempotence a déjà servi pour une autre demande.", { key: idem.key });
    if (marker) return viewOf(db, d);
  }
  if (d.kind !== "donation") throw new ConflictError("Seuls les dons changent de projet : une cotisation n'est affectée à aucun projet.", { id: chargeId });
  const from = giftAllocation(d) ?? null;
  const to: GiftAllocation = input.projects?.length ? input.projects : (input.project ?? null);
  const names = await projectNames(db, [...allocationCodes(from), ...allocationCodes(to)]);
  // Each project named is one of the registry's: a 400 naming project, or each projects.<i>.projectId unknown; nothing written.
  if (typeof to === "string" && !names.has(to))
    throw new ValidationError([{ path: "project", message: `projet inconnu : ${to} (créez-le dans « Projets et budgets »)` }]);
  if (to && typeof to !== "string") {
    const unknown = to
      .map((p, i) => ({
        path: `projects.${i}.projectId`,
        message: `projet inconnu : ${p.projectId} (créez-le dans « Projets et budgets »)`,
        code: p.projectId,
      }))
      .filter((e) => !names.has(e.code));
    if (unknown.length) throw new ValidationError(unknown.map(({ path, message }) => ({ path, message })));
  }
  const name = (code: string) => names.get(code) ?? code;
  const nameOf = (a: GiftAllocation) =>
    !a ? NO_PROJECT : typeof a === "string" ? name(a) : a.map((p) => `${name(p.projectId)} ${pct(Math.round(p.share * 10_000))}`).join(" · ");
  if (sameAllocation(from, to))
    throw new ConflictError(
      typeof to === "string"
        ? `Le don est déjà affecté à « ${name(to)} ».`
        : to
          ? `Le don est déjà réparti ainsi : ${nameOf(to)}.`
          : "Le don n'est déjà affecté à aucun projet.",
      { id: chargeId },
    );
  const refunded = d.refunded ?? 0;
  const amount = d.amount - refunded;
  const fee = d.fee ?? 0;
  if (amount <= 0 && fee <= 0) throw new ConflictError("Le don a été entièrement remboursé : il n'y a plus rien à changer de projet.", { id: chargeId });
  const date = await entryDate(db, d.date);
  const entryId = randomUUID();
  const draft = projectMoveEntry(
    { chargeId, account: d.account ?? DONATIONS, who: payerName(d) },
    { date, pieceDate: d.date, from, to, amount: Math.max(0, amount), fee, fromName: nameOf(from), toName: nameOf(to), nameOf: name },
  );
  const shares = (a: GiftAllocation): GiftProjectShare[] | null =>
    a && typeof a !== "string" ? a.map((p) => ({ projectId: p.projectId, share: p.share })) : null;
  const code = (a: GiftAllocation) => (typeof a === "string" ? a : null);
  const change: GiftProjectChange = {
    at: nowIso(),
    date,
    from: code(from),
    to: code(to),
    fromProjects: shares(from),
    toProjects: shares(to),
    amount: Math.max(0, amount),
    fee,
    reason: input.reason,
    entryId,
    by: actor ? { sub: actor.sub, role: actor.role } : null,
  };
  const work = new UnitOfWork()
    .add(
      giftProjectItem(
        chargeId,
        { from: code(from), split: !!from && typeof from !== "string", changes: d.projectHistory?.length ?? 0, refunded },
        { project: code(to), projects: shares(to) },
        change,
      ),
    )
    .failsWith(
      "gift-project",
      () =>
        new ConflictError("Le don a changé entre-temps (un remboursement ou un autre changement de projet) : rechargez-le avant de recommencer.", {
          id: chargeId,
        }),
    );
  const { id } = await writeDraft(db, { journal: "OD", ...draft }, { id: entryId, ...(idem ? { idempotency: idem } : {}), work, actor, owner: "giving" });
  // A request taken over by its own retry (same Idempotency-Key) answers the gift as the first one left it.
  if (id) {
    const e = await awaitValidation(db, id);
    if (e.status === "rejected") throw new ConflictError(e.rejection ?? "L'écriture a été refusée.", { id });
  }
  return viewOf(db, (await getDonation(db, chargeId)) ?? d);
}

/** The same allocation: the same project, or the same projects with the same shares (in any order), or both none. */
function sameAllocation(a: GiftAllocation, b: GiftAllocation): boolean {
  if (!a || !b || typeof a === "string" || typeof b === "string") return (a ?? null) === (b ?? null);
  const key = (x: readonly GiftProjectShare[]) =>
    x
      .map((p) => `${p.projectId}:${Math.round(p.share * 10_000)}`)
      .sort()
      .join(",");
  return key(a) === key(b);
}

async function viewOf(db: Db, d: Donation): Promise<GiftView> {
  const codes = codesOfGift(d).filter((c): c is string => !!c);
  return giftView(d, await projectNames(db, codes));
}

export const PublicProjectsSchema = z
  .object({ items: z.array(z.object({ code: z.string(), name: z.string() })).describe("in the order the association set (settings: giving.projects)") })
  .meta({ id: "PublicProjects" });

/** `GET /v1/public/projects`: the projects offered to gifts (settings: giving.projects), code and name only. */
export async function publicProjects(db: Db, offered: readonly string[]) {
  const names = await projectNames(db, offered);
  return { items: offered.filter((c) => names.has(c)).map((code) => ({ code, name: names.get(code)! })) };
}
