/**
 * Fonds dédiés at year end. `dedicatedFunds` computes, per restricted grant, the year's figures
 * (pure: `dedicatedFundsTable`); `postDedicatedFunds` books them (OD, last day of the year): the
 * unspent part reported (689x / 19x) and the earlier funds used (19x / 789x), one entry per grant,
 * with the grant's year-end mark in the same transaction. Posting again writes only what changed
 * since (an expense booked in the year after the first posting): nothing when nothing changed.
 * `pendingDedicatedFunds` names the grants whose year-end figure is not posted: the year closing
 * refuses to run while there is one.
 *
 * Errors: ConflictError (closed year, the previous year's fonds dédiés not posted).
 */
import type { Db } from "../db/client.js";
import { UnitOfWork } from "../db/unit-of-work.js";
import { fiscalYearBounds } from "../dates.js";
import { ConflictError } from "../errors.js";
import { type Actor, type EntryView, writeDraft } from "../ledger/index.js";
import { dedicatedFundsLines, dedicatedFundsRow, dedicatedFundsTable, type DedicatedFundsRow, type DedicatedFundsTable } from "./dedicated.js";
import { ensureReprises, grantAllocation, onProject, toFundsInput, validated } from "./grants.js";
import { repaymentDebtAccount } from "./accounts.js";
import { grantEnds } from "./figures.js";
import { readAllGrants, readYearEndMarks, yearEndItem, type Grant, type YearEndMark } from "./store.js";
import { nowIso } from "../clock.js";

/** Another posting of the same year moved the grant's year-end mark first: its entry stands. */
class PostedMeanwhile extends Error {}

const isPosted = (row: DedicatedFundsRow, mark: YearEndMark | undefined) => mark !== undefined && mark.new === row.new && mark.used === row.used;

/**
 * The year's table, and the year-end marks of its restricted grants. A grant whose figures for the year
 * all fell to zero after its posting (cancelled, amended down) leaves the annexe's table, yet the
 * ledger still carries what was posted: its all-zero row is kept here while its mark says otherwise,
 * so that it stays pending and posting again reverses it.
 */
async function load(db: Db, year: number): Promise<{ table: DedicatedFundsTable; marks: Map<string, YearEndMark>; grants: Grant[] }> {
  const grants = await readAllGrants(db);
  const inputs = grants.map(toFundsInput);
  const table = dedicatedFundsTable(inputs, year);
  const marks = await readYearEndMarks(
    db,
    inputs.filter((g) => g.restricted).map((g) => g.grantId),
    year,
  );
  const inTable = new Set(table.rows.map((r) => r.grantId));
  const leftOver = inputs
    .filter((g) => !inTable.has(g.grantId) && marks.has(g.grantId))
    .map((g) => dedicatedFundsRow(g, year))
    .filter((r) => !isPosted(r, marks.get(r.grantId)));
  return { table: leftOver.length ? { ...table, rows: [...table.rows, ...leftOver] } : table, marks, grants };
}

/** Ended (or cancelled) by the year's end. */
const endedBy = (g: Grant, year: number) => !!g.cancelled || grantEnds(g) <= fiscalYearBounds(year).end;

/**
 * `GET /v1/grants/dedicated-funds?year=`: the table, each row saying whether the ledger carries it, and
 * for fonds dédiés left on a grant ended by the year's end the transfer to propose: given back to the
 * funder (19x → 4419/467, a repayment).
 */
export async function dedicatedFunds(db: Db, year: number) {
  const { table, marks, grants } = await load(db, year);
  const byId = new Map(grants.map((g) => [g.id, g]));
  const rows = table.rows.map((r) => {
    const g = byId.get(r.grantId)!;
    const grantEnded = endedBy(g, year);
    return {
      ...r,
      posted: isPosted(r, marks.get(r.grantId)),
      grantEnded,
      proposedTransfer:
        grantEnded && r.atEnd > 0
          ? { amount: r.atEnd, from: r.dedicatedAccount, to: repaymentDebtAccount(g.funderKind), route: `/v1/grants/${r.grantId}/repayments` }
          : null,
    };
  });
  return {
    year,
    rows,
    totals: table.totals,
    pending: rows.filter((r) => !r.posted).map((r) => r.grantId),
    endedWithFunds: rows.filter((r) => r.proposedTransfer).map((r) => r.grantId),
  };
}

/** The grants ended by the year's end that still carry fonds dédiés at it (for the closing's checklist). */
export async function dedicatedFundsOnEndedGrants(db: Db, year: number) {
  return (await dedicatedFunds(db, year)).rows
    .filter((r) => r.proposedTransfer)
    .map((r) => ({ grantId: r.grantId, title: r.title, funderName: r.funderName, atEnd: r.atEnd, proposedTransfer: r.proposedTransfer! }));
}

/** The restricted grants whose year-end figure for `year` is not (or no longer) what the ledger carries. */
export async function pendingDedicatedFunds(db: Db, year: number): Promise<string[]> {
  return (await dedicatedFunds(db, year)).pending;
}

/** `POST /v1/ledger/years/{year}/dedicated-funds`: books what is pending for the year. */
export async function postDedicatedFunds(db: Db, year: number, actor?: Actor) {
  const before = await pendingDedicatedFunds(db, year - 1);
  if (before.length)
    throw new ConflictError(`Post the fonds dédiés of ${year - 1} first: ${before.length} grant(s) are pending.`, { year: year - 1, grants: before });
  // The 487 reprise of the year is written at signature; a signature interrupted before it is repaired here.
  await ensureReprises(db, year);

  const { table, marks, grants } = await load(db, year);
  const projectOf = new Map(grants.map((g) => [g.id, grantAllocation(g)]));
  const date = fiscalYearBounds(year).end;
  const entries: EntryView[] = [];
  for (const row of table.rows) {
    const mark = marks.get(row.grantId);
    if (isPosted(row, mark)) continue;
    const version = (mark?.version ?? 0) + 1;
    const entryId = `df${year}-${row.grantId}-${version}`;
    const next: YearEndMark = {
      grantId: row.grantId,
      year,
      new: row.new,
      used: row.used,
      recognised: row.recognised,
      spent: row.spent,
      atEnd: row.atEnd,
      entryIds: [...(mark?.entryIds ?? [])],
      version,
      postedAt: nowIso(),
    };
    // Every line (689x/19x, 19x/789x) carries the grant's project, or is split between its projects to the cent.
    const lines = dedicatedFundsLines(row, mark ?? { new: 0, used: 0 }).flatMap((l) => onProject(l, projectOf.get(row.grantId)));
    const work = () => new UnitOfWork().add(yearEndItem(next, mark?.version ?? 0)).failsWith("year-end", () => new PostedMeanwhile());
    try {
      if (!lines.length) {
        await work().commit(db);
        continue;
      }
      next.entryIds.push(entryId);
      const label = `Fonds dédiés ${year} : ${row.funderName}, ${row.title}`.slice(0, 200);
      await writeDraft(db, { journal: "OD", date, label, pieceRef: `FD-${year}`, lines }, { id: entryId, actor, owner: "grants", work: work() });
      entries.push(await validated(db, entryId));
    } catch (err) {
      // Another posting of the same year won the race for this grant: its entry stands.
      if (err instanceof PostedMeanwhile) continue;
      throw err;
    }
  }
  return { ...(await dedicatedFunds(db, year)), entries };
}
