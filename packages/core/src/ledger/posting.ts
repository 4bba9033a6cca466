/**
 * Posting. An entry is written at once as a draft (brouillard) together with its idempotency marker
 * (and, for a reversal, the reversed entry's reversal marker) in one transaction; then the single
 * sequencer (sequencer.ts) validates it: number, chain hash, balances. The poster waits for that and
 * answers with the number.
 *
 * Errors: ValidationError (malformed entry, unknown account, reserved journal), ConflictError (closed year, already
 * reversed, entry not validated, idempotency key reused with another body), NotFoundError.
 */
import { randomUUID } from "node:crypto";
import type { NamedItem } from "../db/store.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { Db } from "../db/client.js";
import { fiscalYearOf, isCalendarDate, parisDate } from "../dates.js";
import { ConflictError, NotFoundError, ValidationError, type FieldError } from "../errors.js";
import { chartFor } from "./accounts.js";
import { Chart } from "./chart.js";
import { MANUAL_JOURNALS, type JournalCode } from "./journals.js";
import { entryView, type Actor, type Entry, type EntryOwner, type EntryView, type Line } from "./model.js";
import { MAX_LINES, type PostEntryInput } from "./schemas.js";
import { drain } from "./sequencer.js";
import { appendDraft, MAX_BATCH_ITEMS, readEntry, readEntryAndLease, readIdempotency } from "./store.js";
import { now, nowMs, nowIso } from "../clock.js";
import { checkProjects, splitAmount } from "../projects/index.js";

/** The marker a posting writes in its transaction: the key the HTTP edge claimed (core/idempotency.ts). */
export type { Idempotency } from "../idempotency.js";
import type { Idempotency } from "../idempotency.js";

export { requestHash } from "../hash.js";

export const getEntry = readEntry;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the sequencer until the entry is validated (or rejected), then returns it. Whoever holds the
 * sequencer's lease validates every pending entry; the others wait for it.
 */
export async function awaitValidation(db: Db, id: string, timeoutMs = 20_000): Promise<Entry> {
  const deadline = nowMs() + timeoutMs;
  let settled = await drain(db);
  for (let attempt = 0; ; attempt++) {
    let e = settled.get(id);
    let leaseFree = false;
    if (!e) ({ entry: e, leaseFree } = await readEntryAndLease(db, id));
    if (!e) throw new NotFoundError(`No entry ${id}.`);
    if (e.status !== "draft" || nowMs() > deadline) return e;
    // Another caller holds the sequencer and will validate this entry: back off, so that waiting
    // clients do not crowd the table, and take the sequencer only once it is free.
    if (!leaseFree) await sleep(Math.min(20 * 2 ** attempt, 200) * (0.5 + Math.random()));
    settled = leaseFree ? await drain(db) : new Map();
  }
}

function answer(e: Entry): EntryView {
  if (e.status === "rejected") throw new ConflictError(e.rejection ?? "The entry was rejected.", { id: e.id });
  return entryView(e);
}

async function replay(db: Db, idem: Idempotency): Promise<EntryView | undefined> {
  const marker = await readIdempotency(db, idem.operation, idem.key);
  if (!marker?.entryId) return undefined;
  if (marker.requestHash !== idem.requestHash) throw new ConflictError("This Idempotency-Key was already used with a different request.", { key: idem.key });
  return answer(await awaitValidation(db, marker.entryId));
}

const isCents = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

/**
 * The rules every entry obeys whoever posts it (the HTTP schema checks them too, for the answer's
 * sake): a real date, two lines or more and no more than a validation batch takes, one side per
 * line in whole positive cents, debits equal to credits, known accounts. Every fault is named.
 */
export function checkEntry(input: Pick<DraftInput, "date" | "pieceDate" | "label" | "lines">, chart: Chart = new Chart()): void {
  const errors: FieldError[] = [];
  if (!isCalendarDate(input.date)) errors.push({ path: "date", message: "must be a real calendar date written YYYY-MM-DD" });
  if (input.pieceDate !== undefined && !isCalendarDate(input.pieceDate))
    errors.push({ path: "pieceDate", message: "must be a real calendar date written YYYY-MM-DD" });
  if (!input.label?.trim()) errors.push({ path: "label", message: "must not be empty" });
  const lines = Array.isArray(input.lines) ? input.lines : [];
  if (lines.length < 2) errors.push({ path: "lines", message: "an entry has at least two lines" });
  if (lines.length > MAX_LINES) errors.push({ path: "lines", message: `an entry has at most ${MAX_LINES} lines` });
  let debit = 0;
  let credit = 0;
  let sided = true;
  lines.forEach((l, i) => {
    for (const side of ["debit", "credit"] as const)
      if (!isCents(l[side])) errors.push({ path: `lines.${i}.${side}`, message: "must be a whole, non-negative number of cents" });
    if (isCents(l.debit) && isCents(l.credit)) {
      if (l.debit > 0 === l.credit > 0) {
        sided = false;
        errors.push({ path: `lines.${i}`, message: "a line has exactly one of debit or credit" });
      }
      debit += l.debit;
      credit += l.credit;
    } else sided = false;
    if (!chart.find(l.account)) errors.push({ path: `lines.${i}.account`, message: `unknown account ${l.account}` });
  });
  if (sided && lines.length >= 2 && debit !== credit) errors.push({ path: "lines", message: `debits (${debit}) and credits (${credit}) must be equal` });
  if (errors.length) throw new ValidationError(errors);
}

export interface DraftOptions {
  idempotency?: Idempotency;
  /** The year closing writes to AN and CL; the API may not. */
  system?: boolean;
  /** A deterministic id (closing entries), so that a resumed closing writes nothing twice. */
  id?: string;
  /** More writes that must happen with the entry or not at all (a donation record…), each named. */
  extraItems?: NamedItem[];
  /**
   * The caller's write intents, as a unit of work, written with the entry or not at all; a failed
   * condition of one of them is thrown as the error the work declares for it (`failsWith`, `orFails`).
   */
  work?: UnitOfWork;
  /**
   * Where each of `lines` came from in the request, for the errors (`lines.1.split.0.projectId`):
   * a split line is written as several lines, so their index is not the request's.
   */
  linePaths?: readonly string[];
  /** Who asks (token subject and role) and the request id: kept on the entry, outside its hash. */
  actor?: Actor;
  /** The domain writing the entry with records of its own: the entry is then not reversed by hand. */
  owner?: EntryOwner;
}

/**
 * An entry is dated at most in the fiscal year after the current one (a typo such as 2200-01-01
 * would open a year of its own). The year closing's entries are exempt, and so is a domain's share
 * of a later year whose piece is dated within that horizon (a grant's 487 reprise, signed now).
 */
function checkHorizon(input: Pick<DraftInput, "date" | "pieceDate">, opts: Pick<DraftOptions, "system" | "owner">): void {
  if (opts.system || !isCalendarDate(input.date)) return;
  const horizon = fiscalYearOf(parisDate(now())) + 1;
  if (fiscalYearOf(input.date) <= horizon) return;
  if (opts.owner && input.pieceDate && isCalendarDate(input.pieceDate) && fiscalYearOf(input.pieceDate) <= horizon) return;
  throw new ValidationError([
    { path: "date", message: `must be in the fiscal year ${horizon} at the latest (the one after the current year): ${input.date} is too far ahead` },
  ]);
}

/** What a draft is made of. */
export interface DraftInput {
  journal: JournalCode;
  date: string;
  label: string;
  pieceRef: string;
  pieceDate?: string;
  lines: Line[];
  reversalOf?: string;
}

/**
 * Writes a draft entry in one transaction with its markers; returns its id. Rejects a closed year;
 * on a lost race for the idempotency key, defers to the winner.
 */
export async function writeDraft(db: Db, input: DraftInput, opts: DraftOptions = {}): Promise<{ id: string; existed: boolean }> {
  if (!opts.system && !MANUAL_JOURNALS.includes(input.journal))
    throw new ValidationError([{ path: "journal", message: `journal ${input.journal} is written by the year closing only` }]);
  const numbers = (Array.isArray(input.lines) ? input.lines : []).map((l) => l?.account).filter((a): a is string => typeof a === "string");
  checkEntry(input, await chartFor(db, numbers));
  // The projects the lines name exist (the analytic axis): read only when some line names one.
  await checkProjects(
    db,
    input.lines.flatMap((l, i) => (l.project ? [{ path: opts.linePaths?.[i] ?? `lines.${i}.project`, project: l.project }] : [])),
  );
  // The sequencer validates an entry in one transaction: its lines, a balance per account and one
  // per project and account, the counter, the year and the head must fit in it, or it never would.
  const balances = new Set(input.lines.flatMap((l) => [l.account, ...(l.project ? [`${l.project}#${l.account}`] : [])])).size;
  if (input.lines.length + balances + 4 > MAX_BATCH_ITEMS)
    throw new ValidationError([
      { path: "lines", message: `too many lines, accounts and projects for one entry (${input.lines.length} lines, ${balances} balances): split it in two` },
    ]);
  const year = fiscalYearOf(input.date);
  checkHorizon(input, opts);

  const id = opts.id ?? randomUUID();
  const entry: Entry = {
    id,
    journal: input.journal,
    year,
    date: input.date,
    label: input.label,
    pieceRef: input.pieceRef,
    pieceDate: input.pieceDate ?? input.date,
    lines: input.lines,
    status: "draft",
    createdAt: nowIso(),
    ...(opts.actor ? { createdBy: { sub: opts.actor.sub, role: opts.actor.role, requestId: opts.actor.requestId } } : {}),
    ...(opts.owner ? { owner: opts.owner } : {}),
    ...(input.reversalOf ? { reversalOf: input.reversalOf } : {}),
  };
  const outcome = await appendDraft(db, entry, { system: opts.system, idempotency: opts.idempotency, extraItems: opts.extraItems, work: opts.work });
  if (outcome.written) return { id, existed: false };
  switch (outcome.refusal) {
    case "books-closed":
      throw new ConflictError(`The fiscal year ${year} is closed: no entry may be dated in it.`, { year });
    case "year-closed":
      throw new ConflictError(`The fiscal year ${year} is closed or being closed: no entry may be dated in it.`, { year });
    case "entry-exists":
      if (opts.id) return { id, existed: true };
      throw new ConflictError(`Entry ${id} already exists.`, { id });
    case "idempotency-used":
      return { id: "", existed: true };
    case "already-reversed":
      throw new ConflictError(`Entry ${input.reversalOf} is already reversed.`, { id: input.reversalOf });
  }
}

/**
 * The input's lines as stored: a line split between projects becomes one line per project, same
 * account, side, label and auxiliary account, the amounts adding up to the line's to the cent.
 */
export const toLines = (lines: PostEntryInput["lines"]): Line[] =>
  lines.flatMap((l, i) => {
    const line: Line = {
      account: l.account,
      debit: l.debit ?? 0,
      credit: l.credit ?? 0,
      ...(l.label ? { label: l.label } : {}),
      ...(l.aux ? { aux: { number: l.aux.number, label: l.aux.label } } : {}),
      ...(l.project ? { project: l.project } : {}),
    };
    if (!l.split) return [line];
    const side = line.debit > 0 ? "debit" : "credit";
    return splitAmount(line[side], l.split, `lines.${i}.split`).map((p) => ({ ...line, [side]: p.amount, project: p.project }));
  });

/** Where each line `toLines` writes came from in the request: its line, or its part of the line's split. */
export const linePaths = (lines: PostEntryInput["lines"]): string[] =>
  lines.flatMap((l, i) => (l.split ? l.split.map((_, j) => `lines.${i}.split.${j}.projectId`) : [`lines.${i}.project`]));

/** `POST /v1/ledger/entries`: validates, writes the draft, waits for its number. */
export async function postEntry(db: Db, input: PostEntryInput, idem?: Idempotency, actor?: Actor): Promise<EntryView> {
  if (idem) {
    const previous = await replay(db, idem);
    if (previous) return previous;
  }
  const { id, existed } = await writeDraft(db, { ...input, lines: toLines(input.lines) }, { idempotency: idem, actor, linePaths: linePaths(input.lines) });
  if (existed && idem) return (await replay(db, idem))!;
  return answer(await awaitValidation(db, id));
}

const OWNER_NAMES: Record<EntryOwner, string> = {
  grants: "the grants and expenses",
  giving: "the Stripe bookings",
  bank: "the bank reconciliation",
  volunteers: "the volunteers and gifts in kind",
};

/** `POST /v1/ledger/entries/{id}/reversal`: the mirror entry; a second reversal is refused. */
export async function reverseEntry(db: Db, id: string, input: { date?: string; label?: string }, idem?: Idempotency, actor?: Actor): Promise<EntryView> {
  if (idem) {
    const previous = await replay(db, idem);
    if (previous) return previous;
  }
  const original = await getEntry(db, id);
  if (!original) throw new NotFoundError(`No entry ${id}.`);
  if (original.journal === "AN" || original.journal === "CL")
    throw new ConflictError(`Entry ${id} belongs to the year closing (${original.journal}); it is not reversed by hand.`, { id });
  if (original.owner)
    throw new ConflictError(
      `Entry ${id} was written by ${OWNER_NAMES[original.owner]} with records of its own (totals, fonds dédiés, lettrage); it is corrected there, not reversed by hand.`,
      { id, owner: original.owner },
    );
  if (original.status !== "validated") throw new ConflictError(`Entry ${id} is not validated; only validated entries are reversed.`, { id });
  // Dated the day it is written (Europe/Paris), unless a date is given: a correction is not backdated.
  const date = input.date ?? parisDate(now());
  const { id: newId, existed } = await writeDraft(
    db,
    {
      journal: original.journal,
      date,
      label: input.label ?? `Extourne : ${original.label}`.slice(0, 200),
      pieceRef: original.pieceRef,
      pieceDate: original.pieceDate,
      lines: original.lines.map((l) => ({ ...l, debit: l.credit, credit: l.debit })),
      reversalOf: id,
    },
    { idempotency: idem, actor },
  );
  if (existed && idem) return (await replay(db, idem))!;
  return answer(await awaitValidation(db, newId));
}
