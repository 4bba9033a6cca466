/**
 * Corrections of a grant, never edits: each writes difference entries through the ledger's posting
 * path, with the grant's and the funder's running totals and the correction's record (who, when,
 * why, the entries) in the same transaction as its first entry.
 *
 * - Amendment (avenant): a new amount, schedule or end date. The fiscal years before the correction's
 *   year keep what they recognised; the correction's year gets what the new terms give up to it, less
 *   what was recognised before; each later year's share becomes the new terms' share. One entry on the
 *   correction's date (receivable ± the change of amount, income ± the year's difference, 487 ± the
 *   later years' difference), and one on the first day of each later year whose share changes (487 /
 *   income, or back).
 * - Cancellation: the amount becomes what was received; what was recognised and not received is
 *   reversed the same way; no payment is expected any more.
 * - Repayment of unspent restricted funds (ANC 2018-06): the fonds dédiés carried (19x), and for the
 *   rest the year's income, to the funder's debt (4419 public bodies, 467 others), then the debt paid
 *   from the bank (512).
 *
 * A correction dated in a closed fiscal year is written on the first day of the first open year, its
 * record keeping the year asked. Errors: NotFoundError (grant), ValidationError (a schedule that does
 * not add up, an end before the start, a date before the signature), ConflictError (an amendment below
 * what was received, a repayment above what is unspent or received, a cancelled grant, fonds dédiés of
 * the previous year not posted, an idempotency key reused with another body).
 */
import type { Db } from "../db/client.js";
import { decideAgain, UnitOfWork } from "../db/unit-of-work.js";
import { fiscalYearBounds, fiscalYearOf } from "../dates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { accountExists, addAccount, listYears, writeDraft, type Actor, type EntryView, type Idempotency, type Line } from "../ledger/index.js";
import { plainEuros as euros } from "../money.js";
import { nowIso } from "../clock.js";
import { BANK, DEFERRED_INCOME, REPAYMENT_DEBT, REPAYMENT_DEBT_LABEL, repaymentDebtAccount } from "./accounts.js";
import { dedicatedFundsRow } from "./dedicated.js";
import { repaidFromFunds } from "./figures.js";
import {
  allocationFields,
  checkAllocation,
  correctionLaterYears,
  correctionView,
  grantAllocation,
  grantAnswer,
  idempotentEntry,
  laterCorrectionEntries,
  onProject,
  projectMoveLines,
  sameAllocation,
  toFundsInput,
  validated,
  type Allocation,
} from "./grants.js";
import { idFor } from "./ids.js";
import { recognitionSchedule } from "./recognition.js";
import type { AmendmentInput, CancellationInput, RepaymentInput } from "./schemas.js";
import { funderTotalsItem, grantTotalsItem, readGrant, readGrantYearEndMarks, type Correction, type Grant, type Installment, type Movement } from "./store.js";
import { pendingDedicatedFunds } from "./yearend.js";

type Terms = Correction["before"];
const termsOf = (g: Pick<Grant, "amount" | "endDate" | "installments">): Terms => ({
  amount: g.amount,
  endDate: g.endDate,
  installments: g.installments.map((i) => ({ dueDate: i.dueDate, amount: i.amount })),
});

// ---------------------------------------------------------------- pure parts

/**
 * The income per fiscal year after new terms, from `booked` (what each year recognises now, before any
 * repayment took from it): years before `fromYear` keep theirs, `fromYear` catches up, later years take
 * the new schedule's share. Answers the differences (year → amount, non-zero only).
 */
export function recognitionDifferences(booked: ReadonlyMap<number, number>, schedule: readonly { year: number; amount: number }[], fromYear: number) {
  const next = new Map<number, number>();
  let before = 0;
  for (const [y, a] of booked) if (y < fromYear) before += a;
  let upTo = 0;
  for (const s of schedule) if (s.year <= fromYear) upTo += s.amount;
  next.set(fromYear, upTo - before);
  for (const s of schedule) if (s.year > fromYear) next.set(s.year, s.amount);
  const out: { year: number; amount: number }[] = [];
  const years = new Set([...booked.keys(), ...next.keys()]);
  for (const y of [...years].sort((a, b) => a - b)) {
    if (y < fromYear) continue;
    const d = (next.get(y) ?? 0) - (booked.get(y) ?? 0);
    if (d !== 0) out.push({ year: y, amount: d });
  }
  return out;
}

/** The installments for a new amount when none are given: the last ones grow, or shrink down to what they received. */
export function adjustInstallments(installments: readonly Installment[], amount: number, endDate: string): { dueDate: string; amount: number }[] {
  const out = installments.map((i) => ({ dueDate: i.dueDate, amount: i.amount }));
  let diff = amount - out.reduce((s, i) => s + i.amount, 0);
  if (diff > 0) {
    if (out.length) out[out.length - 1]!.amount += diff;
    else out.push({ dueDate: endDate, amount: diff });
  }
  for (let i = out.length - 1; i >= 0 && diff < 0; i--) {
    const cut = Math.min(-diff, out[i]!.amount - installments[i]!.received);
    out[i]!.amount -= cut;
    diff += cut;
  }
  return out.filter((i) => i.amount > 0);
}

/** What was received, shared again among the installments in due-date order. */
export function reallocateReceived(installments: readonly { dueDate: string; amount: number }[], received: number): Installment[] {
  let left = received;
  return [...installments]
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
    .map((i) => {
      const r = Math.min(left, i.amount);
      left -= r;
      return { dueDate: i.dueDate, amount: i.amount, received: r };
    });
}

const side = (account: string, amount: number, label: string, aux?: Line["aux"]): Line =>
  amount > 0 ? { account, debit: amount, credit: 0, label, ...(aux ? { aux } : {}) } : { account, debit: 0, credit: -amount, label, ...(aux ? { aux } : {}) };

// ---------------------------------------------------------------- shared steps

/** Where a correction dated `date` is written: that day, or the first day of the first open year after a closed one. */
async function bookingDate(db: Db, date: string): Promise<{ bookedOn: string; closedYear: number | null }> {
  const asked = fiscalYearOf(date);
  const status = new Map((await listYears(db)).map((y) => [y.year, y.status]));
  let y = asked;
  while ((status.get(y) ?? "open") !== "open") y++;
  return y === asked ? { bookedOn: date, closedYear: null } : { bookedOn: fiscalYearBounds(y).start, closedYear: asked };
}

function mustFind(g: Grant | undefined, id: string): Grant {
  if (!g) throw new NotFoundError(`No grant ${id}.`);
  return g;
}

/** A replay of the same request: the correction as recorded; the same key with another body is a 409. */
async function replayed(db: Db, grantId: string, corrId: string, idem: Idempotency | undefined) {
  await idempotentEntry(db, idem);
  const g = mustFind(await readGrant(db, grantId), grantId);
  const c = g.corrections?.find((x) => x.id === corrId);
  if (!c) return undefined;
  if (idem && c.requestHash && c.requestHash !== idem.requestHash)
    throw new ConflictError("This Idempotency-Key was already used with a different request.", { key: idem.key });
  return answer(db, g, c);
}

/** Writes what is missing of the correction's later entries (a retry after a crash), then answers. */
async function answer(db: Db, g: Grant, c: Correction) {
  const entries: EntryView[] = [];
  for (const e of c.entries) {
    if (e.id.includes("-y")) await laterCorrectionEntries(db, g, { correctionId: c.id, onlyYear: e.year });
    else if (e.id.endsWith("-bank")) await writeDraft(db, repaymentBankDraft(g, c), { id: e.id, owner: "grants" });
    entries.push(await validated(db, e.id));
  }
  const fresh = (await readGrant(db, g.id))!;
  return { ...(await grantAnswer(db, fresh)), correction: correctionView(c), entries };
}

const movementsOf = (diffs: readonly { year: number; amount: number }[]): Movement[] => diffs.map((d) => ({ year: d.year, recognised: d.amount }));

// ---------------------------------------------------------------- amendment and cancellation

interface NewTerms {
  kind: "amendment" | "cancellation";
  date: string;
  amount: number;
  endDate: string;
  installments: { dueDate: string; amount: number }[];
  /** The project the grant funds after the correction, or its split, or none (its entries carry it). */
  allocation: Allocation;
  reason: string;
}

async function reschedule(db: Db, grantId: string, corrId: string, terms: (g: Grant) => NewTerms, idem?: Idempotency, actor?: Actor) {
  return decideAgain(
    async () => {
      const g = mustFind(await readGrant(db, grantId), grantId);
      if (g.cancelled) throw new ConflictError(`The grant was cancelled on ${g.cancelled.date}; it is not corrected any more.`, { grantId });
      const t = terms(g);
      if (t.date < g.agreementDate)
        throw new ValidationError([{ path: "date", message: `the grant was signed on ${g.agreementDate}: a correction cannot come before it` }]);
      if (t.endDate < g.startDate) throw new ValidationError([{ path: "endDate", message: `must not be before the grant's start, ${g.startDate}` }]);
      if (t.amount < g.received)
        throw new ConflictError(`${euros(g.received)} was already received: the grant cannot be brought down to ${euros(t.amount)}.`, {
          received: g.received,
          amount: t.amount,
        });
      const sum = t.installments.reduce((s, i) => s + i.amount, 0);
      if (sum !== t.amount) throw new ValidationError([{ path: "installments", message: `the installments add up to ${sum}, not the amount ${t.amount}` }]);
      const projectBefore = grantAllocation(g);
      const moves = !sameAllocation(t.allocation, projectBefore);
      if (moves) await checkAllocation(db, t.allocation);

      const { bookedOn, closedYear } = await bookingDate(db, t.date);
      const year = fiscalYearOf(bookedOn);
      // What each year recognises from the grant's terms (a repayment's part taken from income is put back: it is not a term).
      const booked = new Map([...g.years].map(([y, f]) => [y, f.recognised + (f.repaidIncome ?? 0)] as [number, number]));
      const diffs = recognitionDifferences(booked, recognitionSchedule(t.amount, g.agreementDate, g.startDate, t.endDate), year);
      const change = t.amount - g.amount;
      const now = diffs.find((d) => d.year === year)?.amount ?? 0;
      const later = diffs.filter((d) => d.year > year).reduce((s, d) => s + d.amount, 0);

      const what = t.kind === "cancellation" ? "Annulation" : "Avenant";
      const label = `${what} ${g.funderName} : ${g.title} (${t.reason}${closedYear !== null ? `, exercice ${closedYear} clos` : ""})`.slice(0, 200);
      // A new project (or split): the income the booking year and each later year recognised so far moves to it
      // (the booking year's in this entry, a later year's on its first day); the years before keep theirs.
      const before = allocationFields(projectBefore);
      const after = allocationFields(t.allocation);
      const projectMove = moves
        ? {
            from: before.projectId,
            to: after.projectId,
            fromProjects: before.projects,
            toProjects: after.projects,
            moved: [...g.years]
              .filter(([y, f]) => y >= year && f.recognised !== 0)
              .map(([y, f]) => ({ year: y, amount: f.recognised }))
              .sort((a, b) => a.year - b.year),
          }
        : null;
      const lines: Line[] = [];
      if (change !== 0) lines.push(side(g.accounts.receivable, change, label, g.aux));
      if (now !== 0) lines.push(...onProject(side(g.accounts.income, -now, label), t.allocation));
      if (later !== 0) lines.push(...onProject(side(DEFERRED_INCOME, -later, `${label} (années suivantes)`.slice(0, 200)), t.allocation));
      if (projectMove)
        lines.push(...projectMoveLines(g.accounts.income, projectMove.moved.find((m) => m.year === year)?.amount ?? 0, projectBefore, t.allocation, label));
      // The fonds dédiés the ledger carries for the grant (19x: what its year ends reported and released,
      // less what was given back from them) move with it, so that the later postings on the new
      // allocation clear them (bug: they stayed on the old project, 19x never cleared per project).
      if (projectMove && g.restricted) {
        const marks = await readGrantYearEndMarks(db, g.id);
        const carried = marks.reduce((s, m) => s + m.new - m.used, 0) - [...g.years.values()].reduce((s, f) => s + (f.repaid ?? 0), 0);
        if (carried > 0) lines.push(...projectMoveLines(g.accounts.dedicated, carried, projectBefore, t.allocation, `${label} (fonds dédiés)`.slice(0, 200)));
      }

      const mainId = `${corrId}-0`;
      const c: Correction = {
        id: corrId,
        kind: t.kind,
        date: t.date,
        bookedOn,
        closedYear,
        reason: t.reason,
        by: actor ? { sub: actor.sub, role: actor.role } : null,
        at: nowIso(),
        before: termsOf(g),
        after: { amount: t.amount, endDate: t.endDate, installments: t.installments },
        recognition: diffs,
        repayment: null,
        ...after,
        projectMove,
        entries: [],
        requestHash: idem?.requestHash ?? null,
      };
      c.entries = [
        ...(lines.length ? [{ id: mainId, date: bookedOn, year }] : []),
        ...correctionLaterYears(c).map((y) => ({ id: `${corrId}-y${y}`, date: fiscalYearBounds(y).start, year: y })),
      ];
      const installments = reallocateReceived(t.installments, g.received);
      const set: Record<string, unknown> = { amount: t.amount, endDate: t.endDate, installments, corrections: [...(g.corrections ?? []), c] };
      if (projectMove) Object.assign(set, after);
      if (t.kind === "cancellation") set.cancelled = { date: t.date, reason: t.reason };
      const work = new UnitOfWork().add(
        grantTotalsItem(g.id, movementsOf(diffs), { version: g.version, set }),
        funderTotalsItem(g.funderId, [{ year, awarded: change }, ...movementsOf(diffs)]),
      );
      if (lines.length) {
        const { existed } = await writeDraft(
          db,
          { journal: "OD", date: bookedOn, label, pieceRef: (g.agreementRef ?? `CONV-${g.id.slice(0, 8)}`).slice(0, 60), pieceDate: t.date, lines },
          { id: mainId, idempotency: idem, actor, work, owner: "grants" },
        );
        if (existed) return (await replayed(db, grantId, corrId, idem))!;
      } else await work.commit(db);
      const fresh = (await readGrant(db, g.id))!;
      for (const id of await laterCorrectionEntries(db, fresh, { correctionId: corrId, actor })) await validated(db, id);
      return answer(db, fresh, c);
    },
    { attempts: 11, stale: ["grant"] },
  );
}

/** `POST /v1/grants/{id}/amendments`: the grant as amended, its correction and the entries written. */
export async function amendGrant(db: Db, grantId: string, input: AmendmentInput, idem?: Idempotency, actor?: Actor) {
  const corrId = `${grantId.slice(0, 36)}-c${idFor(idem).slice(0, 8)}`;
  const previous = await replayed(db, grantId, corrId, idem);
  if (previous) return previous;
  return reschedule(
    db,
    grantId,
    corrId,
    (g) => {
      const amount = input.amount ?? (input.installments ? input.installments.reduce((s, i) => s + i.amount, 0) : g.amount);
      const endDate = input.endDate ?? g.endDate;
      return {
        kind: "amendment",
        date: input.date,
        amount,
        endDate,
        installments: input.installments ?? adjustInstallments(g.installments, amount, endDate),
        allocation: input.projects?.length ? input.projects : input.projectId === undefined ? grantAllocation(g) : input.projectId,
        reason: input.reason,
      };
    },
    idem,
    actor,
  );
}

/** `POST /v1/grants/{id}/cancellation`: what was recognised and not received reversed; no payment expected any more. */
export async function cancelGrant(db: Db, grantId: string, input: CancellationInput, idem?: Idempotency, actor?: Actor) {
  const corrId = `${grantId.slice(0, 36)}-c${idFor(idem).slice(0, 8)}`;
  const previous = await replayed(db, grantId, corrId, idem);
  if (previous) return previous;
  return reschedule(
    db,
    grantId,
    corrId,
    (g) => ({
      kind: "cancellation",
      date: input.date,
      amount: g.received,
      endDate: g.endDate,
      installments: g.installments.filter((i) => i.received > 0).map((i) => ({ dueDate: i.dueDate, amount: i.received })),
      allocation: grantAllocation(g),
      reason: input.reason,
    }),
    idem,
    actor,
  );
}

// ---------------------------------------------------------------- repayment

function repaymentBankDraft(g: Grant, c: Correction) {
  const r = c.repayment!;
  const label = `Remboursement à ${g.funderName} : ${g.title} (${c.reason})`.slice(0, 200);
  return {
    journal: "BQ" as const,
    date: c.bookedOn,
    label,
    pieceRef: (g.agreementRef ?? `CONV-${g.id.slice(0, 8)}`).slice(0, 60),
    pieceDate: c.date,
    lines: [
      { account: r.debtAccount, debit: r.amount, credit: 0, label, aux: g.aux },
      { account: BANK, debit: 0, credit: r.amount, label },
    ] as Line[],
  };
}

/** 4419 is not in the seeded chart: opened under 441 the first time a public body is repaid. */
async function ensureDebtAccount(db: Db, account: string, actor?: Actor) {
  if (account !== REPAYMENT_DEBT.public || (await accountExists(db, account))) return;
  try {
    await addAccount(db, { number: account, label: REPAYMENT_DEBT_LABEL }, actor);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err; // opened meanwhile
  }
}

/** `POST /v1/grants/{id}/repayments`: unspent restricted funds given back (19x → 4419/467 → 512). */
export async function repayGrant(db: Db, grantId: string, input: RepaymentInput, idem?: Idempotency, actor?: Actor) {
  const corrId = `${grantId.slice(0, 36)}-c${idFor(idem).slice(0, 8)}`;
  const previous = await replayed(db, grantId, corrId, idem);
  if (previous) return previous;
  return decideAgain(
    async () => {
      const g = mustFind(await readGrant(db, grantId), grantId);
      if (!g.restricted)
        throw new ConflictError("Only a restricted grant carries unspent funds to give back; correct this grant by an amendment.", { grantId });
      if (input.date < g.agreementDate)
        throw new ValidationError([{ path: "date", message: `the grant was signed on ${g.agreementDate}: a repayment cannot come before it` }]);
      const { bookedOn, closedYear } = await bookingDate(db, input.date);
      const year = fiscalYearOf(bookedOn);
      if ((await pendingDedicatedFunds(db, year - 1)).includes(g.id))
        throw new ConflictError(`Post the fonds dédiés of ${year - 1} first: what this grant carries into ${year} is not in the ledger yet.`, {
          year: year - 1,
          grantId,
        });
      const recognised = [...g.years].reduce((s, [y, f]) => (y <= year ? s + f.recognised : s), 0);
      const unspent = recognised - g.spent - repaidFromFunds(g.years);
      if (input.amount > unspent)
        throw new ConflictError(
          `Only ${euros(Math.max(0, unspent))} of this grant is unspent (recognised ${euros(recognised)}, spent ${euros(g.spent)}, already repaid ${euros(g.repaid)}): ${euros(input.amount)} cannot be given back.`,
          { unspent: Math.max(0, unspent), recognised, spent: g.spent, repaid: g.repaid, amount: input.amount },
        );
      const kept = g.received - g.repaid;
      if (input.amount > kept)
        throw new ConflictError(
          `Only ${euros(kept)} was received from the funder and not given back: ${euros(input.amount)} cannot be repaid; lower the grant by an amendment instead.`,
          { received: g.received, repaid: g.repaid, amount: input.amount },
        );
      // What the ledger carries for the grant in 19x now: the funds at the year's start, less what was repaid from them since.
      const row = dedicatedFundsRow(toFundsInput(g), year);
      const fromFunds = Math.min(input.amount, Math.max(0, row.atStart - row.repaid));
      const fromIncome = input.amount - fromFunds;
      const debtAccount = repaymentDebtAccount(g.funderKind);
      await ensureDebtAccount(db, debtAccount, actor);

      const label = `Subvention ${g.funderName} à reverser : ${g.title} (${input.reason}${closedYear !== null ? `, exercice ${closedYear} clos` : ""})`.slice(
        0,
        200,
      );
      const lines: Line[] = [];
      if (fromFunds) lines.push(...onProject({ account: g.accounts.dedicated, debit: fromFunds, credit: 0, label }, grantAllocation(g)));
      if (fromIncome) lines.push(...onProject({ account: g.accounts.income, debit: fromIncome, credit: 0, label }, grantAllocation(g)));
      lines.push({ account: debtAccount, debit: 0, credit: input.amount, label, aux: g.aux });
      const mainId = `${corrId}-0`;
      const c: Correction = {
        id: corrId,
        kind: "repayment",
        date: input.date,
        bookedOn,
        closedYear,
        reason: input.reason,
        by: actor ? { sub: actor.sub, role: actor.role } : null,
        at: nowIso(),
        before: termsOf(g),
        after: termsOf(g),
        recognition: fromIncome ? [{ year, amount: -fromIncome }] : [],
        repayment: { amount: input.amount, fromFunds, fromIncome, debtAccount },
        ...allocationFields(grantAllocation(g)),
        projectMove: null,
        entries: [
          { id: mainId, date: bookedOn, year },
          { id: `${corrId}-bank`, date: bookedOn, year },
        ],
        requestHash: idem?.requestHash ?? null,
      };
      const m: Movement = { year, repaid: fromFunds, repaidIncome: fromIncome, recognised: -fromIncome };
      const work = new UnitOfWork().add(
        grantTotalsItem(g.id, m, { version: g.version, set: { corrections: [...(g.corrections ?? []), c] } }),
        funderTotalsItem(g.funderId, m),
      );
      const { existed } = await writeDraft(
        db,
        { journal: "OD", date: bookedOn, label, pieceRef: (g.agreementRef ?? `CONV-${g.id.slice(0, 8)}`).slice(0, 60), pieceDate: input.date, lines },
        { id: mainId, idempotency: idem, actor, work, owner: "grants" },
      );
      if (existed) return (await replayed(db, grantId, corrId, idem))!;
      await writeDraft(db, repaymentBankDraft(g, c), { id: `${corrId}-bank`, actor, owner: "grants" });
      return answer(db, (await readGrant(db, g.id))!, c);
    },
    { attempts: 11, stale: ["grant"] },
  );
}
