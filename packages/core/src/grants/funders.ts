/**
 * Funders: who gives the association money, and of which kind (the kind picks the accounts).
 *
 * Errors: ValidationError (schema), ConflictError (idempotency key reused with another body),
 * NotFoundError (unknown funder).
 */
import type { Db } from "../db/client.js";
import { UnitOfWork } from "../db/unit-of-work.js";
import { fiscalYearOf } from "../dates.js";
import { currentYear, idFor } from "./ids.js";
import { ConflictError, NotFoundError } from "../errors.js";
import type { Idempotency, Actor } from "../ledger/index.js";
import { accountsFor, uniqueAuxNumber } from "./accounts.js";
import { dedicatedFundsTable } from "./dedicated.js";
import { byYear, funderFigures } from "./figures.js";
import { grantProjectNames, grantView, toFundsInput } from "./grants.js";
import { funderAuxItem, listFunderPage, newFunderItem, readAllGrants, readFunder, readFunderGrants, takenAuxNumbers, type Funder } from "./store.js";
import type { FunderInput } from "./schemas.js";
import { nowIso } from "../clock.js";

export function funderView(f: Funder, grants: Parameters<typeof funderFigures>[1], asOfYear = currentYear()) {
  return {
    id: f.id,
    name: f.name,
    kind: f.kind,
    accounts: f.accounts,
    aux: f.aux,
    createdAt: f.createdAt,
    ...funderFigures(f, grants, asOfYear),
    byYear: byYear(f.years),
  };
}

/**
 * `POST /v1/funders`. The funder's auxiliary account number is its own: the name's first letters, or
 * with a number when another funder holds them ("Région Île-de-France" and "Région Île-de-France
 * Mobilités"); claimed in the same transaction as the funder (two creations at once cannot take the
 * same). Funders created before keep theirs.
 */
export async function createFunder(db: Db, input: FunderInput, idem?: Idempotency, actor?: Actor) {
  const id = idFor(idem);
  if (idem) {
    const existing = await readFunder(db, id);
    if (existing) return replayFunder(existing, idem);
  }
  const taken = await takenAuxNumbers(db);
  for (let attempt = 0; attempt < 20; attempt++) {
    const number = uniqueAuxNumber("S", input.name, taken);
    const funder = {
      id,
      name: input.name,
      kind: input.kind,
      accounts: accountsFor(input.kind, { income: input.incomeAccount, receivable: input.receivableAccount }),
      aux: { number, label: input.name.slice(0, 100) },
      createdAt: nowIso(),
      ...(actor ? { createdBy: actor } : {}),
      ...(idem ? { requestHash: idem.requestHash } : {}),
    };
    const refused = await new UnitOfWork().add(newFunderItem(funder), funderAuxItem(number, id)).tryCommit(db);
    if (!refused) return funderView((await readFunder(db, id))!, []);
    if (refused.has("funder")) {
      if (!idem) throw refused;
      return replayFunder((await readFunder(db, id))!, idem);
    }
    if (!refused.has("funder-aux")) throw refused;
    // Claimed meanwhile by another funder: the next number.
    taken.add(number);
  }
  throw new ConflictError("No auxiliary account number could be claimed for this funder; try again.", { name: input.name });
}

function replayFunder(existing: Funder, idem: Idempotency) {
  if ((existing as unknown as { requestHash?: string }).requestHash !== idem.requestHash)
    throw new ConflictError("This Idempotency-Key was already used with a different request.", { key: idem.key });
  return funderView(existing, []);
}

/** `GET /v1/funders`: by name, a page at a time. */
export async function listFunders(db: Db, q: { limit: number; cursor?: string }) {
  const page = await listFunderPage(db, q.limit, q.cursor);
  return {
    items: page.items.map((f) => funderView(f, [])).map(({ unspentRestricted: _u, ...f }) => f),
    nextCursor: page.nextCursor,
  };
}

/**
 * `GET /v1/funders/{id}`: the funder's five figures (from its running totals) and its grants with
 * theirs. Two reads: the funder item and its grants (one query), whatever the number of expenses.
 */
export async function getFunder(db: Db, id: string, asOfYear = currentYear()) {
  const [funder, grants] = await Promise.all([readFunder(db, id), readFunderGrants(db, id)]);
  if (!funder) throw new NotFoundError(`No funder ${id}.`);
  const names = await grantProjectNames(db, grants);
  return { ...funderView(funder, grants, asOfYear), grants: grants.map((g) => grantView(g, asOfYear, undefined, names)) };
}

export interface FunderYearFigures {
  funderId: string;
  name: string;
  kind: Funder["kind"];
  /** Grants signed in the year. */
  awarded: number;
  /** Income recognised, money received, expenses tagged: in the year. */
  recognised: number;
  received: number;
  spent: number;
  /** Fonds dédiés of its restricted grants at the end of the year. */
  dedicatedFunds: number;
}

/**
 * Per funder, the figures of one fiscal year for the annual report (funders with nothing in the
 * year and no fonds dédiés are left out), by name.
 */
export async function funderFiguresForYear(db: Db, year: number): Promise<FunderYearFigures[]> {
  const grants = await readAllGrants(db);
  const table = dedicatedFundsTable(grants.map(toFundsInput), year);
  const out = new Map<string, FunderYearFigures>();
  for (const g of grants) {
    const f = out.get(g.funderId) ?? {
      funderId: g.funderId,
      name: g.funderName,
      kind: g.funderKind,
      awarded: 0,
      recognised: 0,
      received: 0,
      spent: 0,
      dedicatedFunds: 0,
    };
    const y = g.years.get(year);
    if (fiscalYearOf(g.agreementDate) === year) f.awarded += g.amount;
    f.recognised += y?.recognised ?? 0;
    f.received += y?.received ?? 0;
    f.spent += y?.spent ?? 0;
    f.dedicatedFunds += table.rows.find((r) => r.grantId === g.id)?.atEnd ?? 0;
    out.set(g.funderId, f);
  }
  return [...out.values()].filter((f) => f.awarded || f.recognised || f.received || f.spent || f.dedicatedFunds).sort((a, b) => a.name.localeCompare(b.name));
}
