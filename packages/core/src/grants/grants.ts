/**
 * Grants received (recipient side). Signing books the income of the agreement's fiscal year against
 * the funder's receivable, and the share of later years to 487; each later year's share comes back
 * on the first day of that year (entries written at signature). Installments received settle the
 * receivable. Every entry is written with the grant's and the funder's running totals in the same
 * transaction.
 *
 * Errors: NotFoundError (funder, grant), ConflictError (closed year, over-payment of an installment
 * or of the grant, a payment after the grant ended or before it was signed, a bank line already
 * used, an idempotency key reused with another body).
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.js";
import { decideAgain, UnitOfWork } from "../db/unit-of-work.js";
import { fiscalYearBounds, fiscalYearOf, parisDate } from "../dates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { entryView, type Actor, type EntryView, type Line, awaitValidation, readIdempotency, writeDraft, type Idempotency } from "../ledger/index.js";
import { checkProjects, projectNames, splitAmount } from "../projects/index.js";
import { BANK, DEFERRED_INCOME } from "./accounts.js";
import type { GrantForFunds } from "./dedicated.js";
import { byYear, grantEnds, grantFigures } from "./figures.js";
import { currentYear, idFor } from "./ids.js";
import { recognitionSchedule } from "./recognition.js";
import type { GrantInput, PaymentInput } from "./schemas.js";
import {
  bankLineItem,
  funderTotalsItem,
  grantTotalsItem,
  newGrantItem,
  paymentItem,
  readAllGrants,
  readFunder,
  readGrant,
  readPayment,
  readPayments,
  type Correction,
  type Grant,
  type Payment,
  type ProjectShare,
} from "./store.js";
import { plainEuros } from "../money.js";
import { now, nowIso } from "../clock.js";

/** What a grant funds on the analytic axis: one project (its code), a split between projects by share, or none. */
export type Allocation = string | readonly ProjectShare[] | null;

/** The grant's allocation: its split, else its project, else none. */
export const grantAllocation = (g: Pick<Grant, "projectId" | "projects">): Allocation => (g.projects?.length ? g.projects : (g.projectId ?? null));

/** The same allocation: the same project, or the same projects with the same shares (in any order), or both none. */
export function sameAllocation(a: Allocation, b: Allocation): boolean {
  if (a === null || b === null || typeof a === "string" || typeof b === "string") return a === b;
  const key = (x: readonly ProjectShare[]) =>
    x
      .map((p) => `${p.projectId}:${Math.round(p.share * 10_000)}`)
      .sort()
      .join(",");
  return key(a) === key(b);
}

/** The allocation as stored on a grant or a correction: `projectId` for one project, `projects` for a split. */
export const allocationFields = (a: Allocation) => ({
  projectId: typeof a === "string" ? a : null,
  projects: a !== null && typeof a !== "string" ? a.map((p) => ({ projectId: p.projectId, share: p.share })) : null,
});

/**
 * A line on an account of the grant's income or fonds dédiés (74x, 7551, 487, 19x, 689x/789x): it
 * carries the grant's project (the analytic axis), when it has one; with a split, it becomes one line
 * per project, the amounts adding up to the line's to the cent (projects/split.ts). Receivable, bank
 * and debt lines do not.
 */
export function onProject(line: Line, allocation: Allocation | undefined): Line[] {
  if (!allocation) return [line];
  if (typeof allocation === "string") return [{ ...line, project: allocation }];
  const side = line.debit > 0 ? "debit" : "credit";
  if (line[side] <= 0) return [{ ...line, project: allocation[0]!.projectId }];
  return splitAmount(line[side], allocation, "projects")
    .filter((p) => p.amount > 0)
    .map((p) => ({ ...line, [side]: p.amount, project: p.project }));
}

/** The codes an allocation names. */
const codesOf = (a: Allocation): string[] => (a === null ? [] : typeof a === "string" ? [a] : a.map((p) => p.projectId));

/** The projects of the registry an allocation names exist: a ValidationError naming `projectId` or each `projects.<i>.projectId` unknown. */
export async function checkAllocation(db: Db, a: Allocation): Promise<void> {
  if (a === null) return;
  await checkProjects(
    db,
    typeof a === "string" ? [{ path: "projectId", project: a }] : a.map((p, i) => ({ path: `projects.${i}.projectId`, project: p.projectId })),
  );
}

/** The names of the projects these grants fund (code → name), for their answers. */
export async function grantProjectNames(db: Db, grants: readonly Pick<Grant, "projectId" | "projects">[]): Promise<Map<string, string>> {
  const codes = grants.flatMap((g) => codesOf(grantAllocation(g)));
  return codes.length ? projectNames(db, codes) : new Map();
}

/** The grant as answered; `names` gives its project's name (grantProjectNames). */
export function grantView(g: Grant, asOfYear = currentYear(), today = parisDate(now()), names?: ReadonlyMap<string, string>) {
  return {
    id: g.id,
    funderId: g.funderId,
    funderName: g.funderName,
    title: g.title,
    project: g.project,
    projectId: g.projectId ?? null,
    projectName: g.projectId ? (names?.get(g.projectId) ?? null) : null,
    projects: g.projects?.length ? g.projects.map((p) => ({ projectId: p.projectId, share: p.share, name: names?.get(p.projectId) ?? p.projectId })) : null,
    agreementDate: g.agreementDate,
    agreementRef: g.agreementRef,
    amount: g.amount,
    restricted: g.restricted,
    startDate: g.startDate,
    endDate: g.endDate,
    status: g.cancelled ? ("cancelled" as const) : grantEnds(g) < today ? ("ended" as const) : ("active" as const),
    cancelled: g.cancelled ?? null,
    installments: g.installments,
    reportingDeadlines: g.reportingDeadlines,
    documents: g.documents,
    accounts: g.accounts,
    aux: g.aux,
    recognition: g.recognition,
    byYear: byYear(g.years),
    createdAt: g.createdAt,
    ...grantFigures(g, asOfYear),
    corrections: (g.corrections ?? []).map(correctionView),
  };
}

/** A correction as the grant's history shows it: what, when, who, why, and the entries written. */
export function correctionView(c: Correction) {
  const { requestHash: _h, ...rest } = c;
  const m = c.projectMove;
  return {
    ...rest,
    projectId: c.projectId ?? null,
    projects: c.projects?.length ? c.projects : null,
    projectMove: m ? { ...m, fromProjects: m.fromProjects?.length ? m.fromProjects : null, toProjects: m.toProjects?.length ? m.toProjects : null } : null,
  };
}

/** The grant as answered, with its project's name read. */
export async function grantAnswer(db: Db, g: Grant) {
  return grantView(g, currentYear(), parisDate(now()), await grantProjectNames(db, [g]));
}
export type GrantView = ReturnType<typeof grantView>;

/** What the fonds dédiés computation needs of a grant. */
export function toFundsInput(g: Grant): GrantForFunds {
  return {
    grantId: g.id,
    title: g.title,
    funderId: g.funderId,
    funderName: g.funderName,
    restricted: g.restricted,
    accounts: g.accounts,
    years: new Map([...g.years].map(([y, f]) => [y, { recognised: f.recognised, spent: f.spent, repaid: f.repaid ?? 0 }])),
  };
}

/** A replay of an Idempotency-Key: the entry it wrote, or undefined; another body is a 409. */
export async function idempotentEntry(db: Db, idem: Idempotency | undefined): Promise<string | undefined> {
  if (!idem) return undefined;
  const marker = await readIdempotency(db, idem.operation, idem.key);
  if (!marker) return undefined;
  if (marker.requestHash !== idem.requestHash) throw new ConflictError("This Idempotency-Key was already used with a different request.", { key: idem.key });
  return marker.entryId as string;
}

/** Waits for the entry's number; a rejected entry (its year closed meanwhile) is a 409. */
export async function validated(db: Db, id: string): Promise<EntryView> {
  const e = await awaitValidation(db, id);
  if (e.status === "rejected") throw new ConflictError(e.rejection ?? "The entry was rejected.", { id });
  return entryView(e);
}

const signatureId = (grantId: string) => `${grantId}-sig`;
const repriseId = (grantId: string, year: number) => `${grantId}-pca${year}`;

/**
 * Writes the entries that bring each later year's share back from 487 (first day of the year);
 * each with the running totals of its year, once (fixed ids: a retry writes nothing twice).
 */
async function postReprises(db: Db, g: Grant, actor?: Actor, onlyYear?: number): Promise<string[]> {
  const ids: string[] = [];
  for (const share of g.recognition.slice(1)) {
    if (onlyYear !== undefined && share.year !== onlyYear) continue;
    const label = `Subvention ${g.funderName} : quote-part ${share.year}`.slice(0, 200);
    const lines: Line[] = [
      ...onProject({ account: DEFERRED_INCOME, debit: share.amount, credit: 0, label }, grantAllocation(g)),
      ...onProject({ account: g.accounts.income, debit: 0, credit: share.amount, label }, grantAllocation(g)),
    ];
    const { id } = await writeDraft(
      db,
      {
        journal: "OD",
        date: fiscalYearBounds(share.year).start,
        label,
        pieceRef: g.agreementRef ?? `CONV-${g.id.slice(0, 8)}`,
        pieceDate: g.agreementDate,
        lines,
      },
      {
        id: share.entryId,
        actor,
        owner: "grants",
        work: new UnitOfWork().add(
          grantTotalsItem(g.id, { year: share.year, recognised: share.amount }),
          funderTotalsItem(g.funderId, { year: share.year, recognised: share.amount }),
        ),
      },
    );
    ids.push(id);
  }
  return ids;
}

/**
 * Makes sure the 487 reprise of `year` is written for every grant that has one (repairs a crash after
 * signature), and the later years' difference entries of its corrections (a crash after a correction).
 */
export async function ensureReprises(db: Db, year: number, grants?: Grant[]): Promise<void> {
  for (const g of grants ?? (await readAllGrants(db))) {
    if (g.recognition.some((r, i) => i > 0 && r.year === year)) for (const id of await postReprises(db, g, undefined, year)) await validated(db, id);
    if (g.corrections?.length) for (const id of await laterCorrectionEntries(db, g, { onlyYear: year })) await validated(db, id);
  }
}

/** The allocation a correction's entries carry: recorded on it (its split, else its project); before projects, the grant's. */
const correctionProject = (g: Grant, c: Correction): Allocation =>
  c.projects?.length ? c.projects : c.projectId !== undefined ? c.projectId : grantAllocation(g);

/** The allocations a project move goes from and to. */
export const moveFrom = (m: NonNullable<Correction["projectMove"]>): Allocation => (m.fromProjects?.length ? m.fromProjects : m.from);
export const moveTo = (m: NonNullable<Correction["projectMove"]>): Allocation => (m.toProjects?.length ? m.toProjects : m.to);

/** A line of `amount` on `account` (debit when positive, credit when negative), on the allocation. */
const sided = (account: string, amount: number, label: string, allocation: Allocation): Line[] =>
  onProject(amount > 0 ? { account, debit: amount, credit: 0, label } : { account, debit: 0, credit: -amount, label }, allocation);

/**
 * The lines that move `amount` of the grant's income (what a year recognised) from one allocation to
 * another (a project, a split, or none), on the same account: reversed on the old, booked on the new.
 */
export function projectMoveLines(income: string, amount: number, from: Allocation, to: Allocation, label: string): Line[] {
  if (amount === 0 || sameAllocation(from, to)) return [];
  return [...sided(income, amount, label, from), ...sided(income, -amount, label, to)];
}

/**
 * The dated parts a correction writes in later fiscal years, on the first day of each: 487 / income
 * (or back) for the year's share changed, and the year's income moved to the new project.
 */
export function correctionYearDraft(g: Grant, c: Correction, year: number, amount: number) {
  const label = `Subvention ${g.funderName} : quote-part ${year} corrigée (${c.reason})`.slice(0, 200);
  const [debit, credit] = amount > 0 ? [DEFERRED_INCOME, g.accounts.income] : [g.accounts.income, DEFERRED_INCOME];
  const a = Math.abs(amount);
  const project = correctionProject(g, c);
  const move = c.projectMove;
  const moved = move?.moved.find((m) => m.year === year)?.amount ?? 0;
  return {
    journal: "OD" as const,
    date: fiscalYearBounds(year).start,
    label,
    pieceRef: (g.agreementRef ?? `CONV-${g.id.slice(0, 8)}`).slice(0, 60),
    pieceDate: c.bookedOn,
    lines: [
      ...(a
        ? [...onProject({ account: debit, debit: a, credit: 0, label }, project), ...onProject({ account: credit, debit: 0, credit: a, label }, project)]
        : []),
      ...(move ? projectMoveLines(g.accounts.income, moved, moveFrom(move), moveTo(move), label) : []),
    ] as Line[],
  };
}

/** The later fiscal years a correction writes an entry in (a share changed, or income moved to another project). */
export function correctionLaterYears(c: Correction): number[] {
  const bookedYear = fiscalYearOf(c.bookedOn);
  const years = new Set([
    ...c.recognition.filter((r) => r.amount !== 0).map((r) => r.year),
    ...(c.projectMove?.moved ?? []).filter((m) => m.amount !== 0).map((m) => m.year),
  ]);
  return [...years].filter((y) => y > bookedYear).sort((a, b) => a - b);
}

/**
 * Writes (once: fixed ids) the later-year entries of a grant's corrections; the grant's running totals
 * moved with the correction's own entry. `onlyYear`, `correctionId`: those of one year, of one correction.
 */
export async function laterCorrectionEntries(db: Db, g: Grant, opts: { onlyYear?: number; correctionId?: string; actor?: Actor } = {}): Promise<string[]> {
  const { onlyYear, correctionId, actor } = opts;
  const ids: string[] = [];
  for (const c of g.corrections ?? []) {
    if (correctionId !== undefined && c.id !== correctionId) continue;
    for (const year of correctionLaterYears(c)) {
      if (onlyYear !== undefined && year !== onlyYear) continue;
      const id = `${c.id}-y${year}`;
      const amount = c.recognition.find((r) => r.year === year)?.amount ?? 0;
      await writeDraft(db, correctionYearDraft(g, c, year, amount), { id, actor, owner: "grants" });
      ids.push(id);
    }
  }
  return ids;
}

/** `POST /v1/grants`: records the grant and books its recognition. */
export async function createGrant(db: Db, input: GrantInput, idem?: Idempotency, actor?: Actor) {
  const id = idFor(idem);
  if (await idempotentEntry(db, idem)) return replayGrant(db, id, actor);

  const funder = await readFunder(db, input.funderId);
  // The project named, or each of the split, is one of the registry's (a 400 naming projectId or projects.<i>.projectId, nothing written).
  const allocation: Allocation = input.projects?.length ? input.projects : (input.projectId ?? null);
  await checkAllocation(db, allocation);
  if (!funder) throw new NotFoundError(`No funder ${input.funderId}.`);
  const schedule = recognitionSchedule(input.amount, input.agreementDate, input.startDate, input.endDate);
  const signedYear = schedule[0]!.year;
  const atSignature = schedule[0]!.amount;
  const deferred = input.amount - atSignature;
  const grant: Omit<Grant, "received" | "spent" | "repaid" | "years" | "version"> = {
    id,
    funderId: funder.id,
    funderName: funder.name,
    funderKind: funder.kind,
    title: input.title,
    project: input.project ?? null,
    ...allocationFields(allocation),
    agreementDate: input.agreementDate,
    agreementRef: input.agreementRef ?? null,
    amount: input.amount,
    restricted: input.restricted,
    startDate: input.startDate,
    endDate: input.endDate,
    installments: [...input.installments].sort((a, b) => a.dueDate.localeCompare(b.dueDate)).map((i) => ({ ...i, received: 0 })),
    reportingDeadlines: input.reportingDeadlines,
    documents: input.documents,
    accounts: funder.accounts,
    aux: funder.aux,
    recognition: schedule.map((s, i) => ({ ...s, entryId: i === 0 ? signatureId(id) : repriseId(id, s.year) })),
    createdAt: nowIso(),
  };
  const label = `Convention ${funder.name} : ${input.title}`.slice(0, 200);
  const lines: Line[] = [{ account: funder.accounts.receivable, debit: input.amount, credit: 0, label, aux: funder.aux }];
  if (atSignature > 0) lines.push(...onProject({ account: funder.accounts.income, debit: 0, credit: atSignature, label }, allocation));
  if (deferred > 0)
    lines.push(...onProject({ account: DEFERRED_INCOME, debit: 0, credit: deferred, label: `${label} (années suivantes)`.slice(0, 200) }, allocation));

  const work = new UnitOfWork().add(
    newGrantItem(grant, { year: signedYear, recognised: atSignature }),
    funderTotalsItem(funder.id, { year: signedYear, awarded: input.amount, recognised: atSignature }),
  );
  const { existed } = await writeDraft(
    db,
    { journal: "OD", date: input.agreementDate, label, pieceRef: input.agreementRef ?? `CONV-${id.slice(0, 8)}`, lines },
    { id: signatureId(id), idempotency: idem, actor, work, owner: "grants" },
  );
  if (existed) return replayGrant(db, id, actor);
  const entries = [await validated(db, signatureId(id))];
  const stored = (await readGrant(db, id))!;
  for (const rid of await postReprises(db, stored, actor)) entries.push(await validated(db, rid));
  return { ...(await grantAnswer(db, (await readGrant(db, id))!)), entries };
}

async function replayGrant(db: Db, id: string, actor?: Actor) {
  const g = await readGrant(db, id);
  if (!g) throw new ConflictError("This Idempotency-Key was already used for another operation.");
  const entries = [await validated(db, signatureId(id))];
  for (const rid of await postReprises(db, g, actor)) entries.push(await validated(db, rid));
  return { ...(await grantAnswer(db, (await readGrant(db, id))!)), entries };
}

/** `GET /v1/grants/{id}`: the grant, its figures, and the payments received. */
export async function getGrant(db: Db, id: string) {
  const [g, payments] = await Promise.all([readGrant(db, id), readPayments(db, id)]);
  if (!g) throw new NotFoundError(`No grant ${id}.`);
  return {
    ...(await grantAnswer(db, g)),
    payments: payments
      .map((p) => ({ ...p, afterEnd: p.afterEnd ?? false }))
      .sort((a, b) => a.date.localeCompare(b.date) || a.createdAt.localeCompare(b.createdAt)),
  };
}

/** True when the grant concerns fiscal year `year`: signed, running, or with a figure in it. */
function concerns(g: Grant, year: number): boolean {
  const b = fiscalYearBounds(year);
  return fiscalYearOf(g.agreementDate) === year || (g.startDate <= b.end && g.endDate >= b.start) || g.years.has(year);
}

/**
 * `GET /v1/grants?year=&project=`: the grants that concern the year (all when no year is given), of
 * one project when named (alone or in a split), or on none (`none`: neither a project nor a split).
 */
export async function listGrants(db: Db, year?: number, project?: string) {
  const onIt = (g: Grant) =>
    project === undefined ? true : project === "none" ? grantAllocation(g) === null : codesOf(grantAllocation(g)).includes(project.toUpperCase());
  const grants = (await readAllGrants(db)).filter((g) => (year === undefined || concerns(g, year)) && onIt(g));
  const names = await grantProjectNames(db, grants);
  const asOf = currentYear();
  const today = parisDate(now());
  return { items: grants.map((g) => grantView(g, asOf, today, names)), nextCursor: null };
}

const euros = plainEuros;

/** Shares a payment among the installments: the one named, or the earliest with something due. */
function allocate(g: Grant, input: PaymentInput): { index: number; amount: number }[] {
  if (input.installment !== undefined) {
    const inst = g.installments[input.installment - 1];
    if (!inst) throw new ValidationError([{ path: "installment", message: `the grant has ${g.installments.length} installment(s)` }]);
    const due = inst.amount - inst.received;
    if (input.amount > due)
      throw new ConflictError(`Over-payment of installment ${input.installment}: ${euros(due)} is due on it, ${euros(input.amount)} was given.`, {
        due,
        installment: input.installment,
      });
    return [{ index: input.installment, amount: input.amount }];
  }
  const out: { index: number; amount: number }[] = [];
  let left = input.amount;
  g.installments.forEach((inst, i) => {
    const take = Math.min(left, inst.amount - inst.received);
    if (take > 0) {
      out.push({ index: i + 1, amount: take });
      left -= take;
    }
  });
  return out;
}

/**
 * The bank account a payment naming a bank line is booked on (512, 5121…), once the bank checked the
 * line: given by the grant-payment workflow (workflows/grant-payment.ts), which also letters them.
 */
export type PaymentLineAccount = (bankLineId: string, amount: number) => Promise<string>;

/**
 * An installment received settles the receivable (512). `fresh` is false for a replay of the same
 * Idempotency-Key or a payment written by a concurrent twin. The lettrage with a bank line is the
 * workflow's (`POST /v1/grants/{id}/payments` is workflows/grant-payment.ts).
 */
export async function recordPayment(db: Db, grantId: string, input: PaymentInput, idem?: Idempotency, actor?: Actor, lineAccount?: PaymentLineAccount) {
  const previous = await idempotentEntry(db, idem);
  if (previous) return { payment: await paymentView(db, grantId, previous), fresh: false };

  // Another payment or expense moved the grant since it was read ("grant" failed): read it again and re-check.
  return decideAgain(
    async () => {
      const g = await readGrant(db, grantId);
      if (!g) throw new NotFoundError(`No grant ${grantId}.`);
      const ends = grantEnds(g);
      if (g.cancelled)
        throw new ConflictError(`The grant was cancelled on ${g.cancelled.date}: no payment is expected any more.`, { grantId, cancelledOn: g.cancelled.date });
      // Funders often pay the balance after the final report: accepted, and flagged.
      const afterEnd = input.date > ends;
      if (input.date < g.agreementDate)
        throw new ConflictError(`The grant was signed on ${g.agreementDate}: a payment dated ${input.date} comes before it.`, {
          grantId,
          agreementDate: g.agreementDate,
        });
      const bankAccount = input.bankLineId && lineAccount ? await lineAccount(input.bankLineId, input.amount) : BANK;
      const shares = allocate(g, input);
      const due = g.amount - g.received;
      if (input.amount > due) throw new ConflictError(`Over-payment of the grant: ${euros(due)} is still due, ${euros(input.amount)} was given.`, { due });
      const installments = g.installments.map((inst, i) => ({ ...inst, received: inst.received + (shares.find((s) => s.index === i + 1)?.amount ?? 0) }));

      // Named after the grant (like its signature, reprises and corrections), so that the ledger's screens can open its correction.
      const entryId = `${grantId}-p${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      const year = fiscalYearOf(input.date);
      const label = input.label ?? `Versement ${g.funderName} : ${g.title}`.slice(0, 200);
      const payment: Payment = {
        grantId,
        entryId,
        date: input.date,
        amount: input.amount,
        bankLineId: input.bankLineId ?? null,
        installments: shares,
        createdAt: nowIso(),
        afterEnd,
      };
      const work = new UnitOfWork().add(
        grantTotalsItem(grantId, { year, received: input.amount }, { version: g.version, set: { installments } }),
        funderTotalsItem(g.funderId, { year, received: input.amount }),
        paymentItem(payment),
      );
      if (input.bankLineId)
        work
          .add(bankLineItem(input.bankLineId, grantId, entryId))
          .failsWith("bank-line", () => new ConflictError(`Bank line ${input.bankLineId} already settles a payment.`, { bankLineId: input.bankLineId }));
      const { existed } = await writeDraft(
        db,
        {
          journal: "BQ",
          date: input.date,
          label,
          pieceRef: (input.bankLineId ?? g.agreementRef ?? `CONV-${grantId.slice(0, 8)}`).slice(0, 60),
          lines: [
            { account: bankAccount, debit: input.amount, credit: 0, label },
            { account: g.accounts.receivable, debit: 0, credit: input.amount, label, aux: g.aux },
          ],
        },
        { id: entryId, idempotency: idem, actor, work, owner: "grants" },
      );
      if (existed) return { payment: await paymentView(db, grantId, (await idempotentEntry(db, idem))!), fresh: false };
      return { payment: await paymentView(db, grantId, entryId), fresh: true };
    },
    { attempts: 11, stale: ["grant"] },
  );
}

async function paymentView(db: Db, grantId: string, entryId: string) {
  const p = await readPayment(db, grantId, entryId);
  if (!p) throw new ConflictError("This Idempotency-Key was already used for another operation.");
  const entry = await validated(db, entryId);
  return { ...p, afterEnd: p.afterEnd ?? false, entry, grant: await grantAnswer(db, (await readGrant(db, grantId))!) };
}
