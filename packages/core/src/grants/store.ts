/**
 * The grants domain's storage: funders, grants, their payments and year-end marks (expenses:
 * spending/store.ts). Written
 * with `db/store.ts`; the domain calls these functions by intent and never the SDK.
 *
 * | item | pk | sk | gsi1 | gsi2 |
 * | --- | --- | --- | --- | --- |
 * | funder (with running totals) | `FUNDER#<id>` | `FUNDER` | `FUNDERS` / `<name>#<id>` | |
 * | grant (with running totals) | `GRANT#<id>` | `GRANT` | `FUNDER#<funderId>#GRANTS` / `<agreementDate>#<id>` | `GRANTS` / `<agreementDate>#<id>` |
 * | payment received | `GRANT#<id>` | `PAYMENT#<entryId>` | | |
 * | fonds dédiés posted for a year | `GRANT#<id>` | `DF#<year>` | | |
 * | bank line used by a payment | `GRANTBANKLINE#<bankLineId>` | `GRANTBANKLINE` | | |
 * | funder's auxiliary number, claimed once | `FUNDERAUX#<number>` | `FUNDERAUX` | | |
 *
 * Running totals are numbers on the funder and grant items, moved with `ADD` in the same transaction
 * as the entry that changes them: `awarded`, `received`, `spent`, and per fiscal year `rec<YYYY>`
 * (recognised), `recv<YYYY>` (received), `spent<YYYY>`; a repayment adds `repaid`, `rep<YYYY>` (taken
 * from the fonds dédiés carried) and `rpi<YYYY>` (taken from the year's income, also taken off
 * `rec<YYYY>`). A grant also has a `version`: a payment, a tagged expense or a correction moves it
 * by one under a condition, so two writers cannot both pass the checks. Its corrections
 * (amendments, cancellation, repayments: who, when, why, the entries written) are kept on it.
 */
import { decodeCursor, encodeCursor } from "../db/cursor.js";
import { batchGet, getItem, queryAll, queryPage, type Item, type NamedItem } from "../db/store.js";
import type { Db } from "../db/client.js";
import type { ChosenAccounts, FunderKind } from "./accounts.js";

export const grantKeys = {
  funder: (id: string) => ({ pk: `FUNDER#${id}`, sk: "FUNDER" }),
  grant: (id: string) => ({ pk: `GRANT#${id}`, sk: "GRANT" }),
  payment: (grantId: string, entryId: string) => ({ pk: `GRANT#${grantId}`, sk: `PAYMENT#${entryId}` }),
  yearEnd: (grantId: string, year: number) => ({ pk: `GRANT#${grantId}`, sk: `DF#${year}` }),
  bankLine: (bankLineId: string) => ({ pk: `GRANTBANKLINE#${bankLineId}`, sk: "GRANTBANKLINE" }),
  funderAux: (number: string) => ({ pk: `FUNDERAUX#${number}`, sk: "FUNDERAUX" }),
  funders: "FUNDERS",
  funderGrants: (funderId: string) => `FUNDER#${funderId}#GRANTS`,
  grants: "GRANTS",
};

// ---------------------------------------------------------------- stored shapes

/** One project's share of a grant: a fraction to 0,01 % (0.6 is 60 %). */
export interface ProjectShare {
  projectId: string;
  share: number;
}

export interface Funder {
  id: string;
  name: string;
  kind: FunderKind;
  accounts: ChosenAccounts;
  aux: { number: string; label: string };
  createdAt: string;
  awarded: number;
  received: number;
  spent: number;
  repaid: number;
  /** Per fiscal year: recognised, received, spent (and repaid). */
  years: Map<number, YearTotals>;
}

/** A fiscal year's running totals; `repaid` (from fonds dédiés) and `repaidIncome` (from the year's income) only where a repayment was made. */
export interface YearTotals {
  recognised: number;
  received: number;
  spent: number;
  repaid?: number;
  repaidIncome?: number;
}

/** A correction of a grant, as its history keeps it. */
export interface Correction {
  id: string;
  kind: "amendment" | "cancellation" | "repayment";
  /** The date asked, and the date the entries are written on (the first open year's first day when the asked one is in a closed year). */
  date: string;
  bookedOn: string;
  closedYear: number | null;
  reason: string;
  by: { sub: string; role: string } | null;
  at: string;
  before: { amount: number; endDate: string; installments: { dueDate: string; amount: number }[] };
  after: { amount: number; endDate: string; installments: { dueDate: string; amount: number }[] };
  /** Income moved per fiscal year (recognition differences, or the repayment's part taken from the year's income, negative). */
  recognition: { year: number; amount: number }[];
  /** Repayments: the amount, the part from fonds dédiés carried and the part from the year's income; the debt account. */
  repayment: { amount: number; fromFunds: number; fromIncome: number; debtAccount: string } | null;
  /** The project the correction's entries carry (absent on corrections recorded before projects); null with a split. */
  projectId?: string | null;
  /** Or the projects they are split between, by share (absent before splits). */
  projects?: ProjectShare[] | null;
  /**
   * An amendment that changed the project: the income of the booking year and the later years moved from
   * one allocation to the other (`from`/`to` a code or none; `fromProjects`/`toProjects` a split, `from`/`to` then null).
   */
  projectMove?: {
    from: string | null;
    to: string | null;
    fromProjects?: ProjectShare[] | null;
    toProjects?: ProjectShare[] | null;
    moved: { year: number; amount: number }[];
  } | null;
  /** Entries written (the later years' differences are dated on the first day of their year). */
  entries: { id: string; date: string; year: number }[];
  requestHash: string | null;
}

export interface Installment {
  dueDate: string;
  amount: number;
  received: number;
}

export interface Grant {
  id: string;
  funderId: string;
  funderName: string;
  funderKind: FunderKind;
  title: string;
  project: string | null;
  /** The project of the registry the grant funds (its code): its income and fonds dédiés lines carry it. Absent on grants recorded before. */
  projectId?: string | null;
  /** Or the projects it funds, by share (2 to 10, adding to 1): its lines are split between them to the cent. `projectId` is then null. */
  projects?: ProjectShare[] | null;
  agreementDate: string;
  agreementRef: string | null;
  amount: number;
  restricted: boolean;
  startDate: string;
  endDate: string;
  installments: Installment[];
  reportingDeadlines: { kind: "interim" | "final"; dueDate: string; label?: string }[];
  documents: { ref: string; label?: string }[];
  accounts: ChosenAccounts;
  aux: { number: string; label: string };
  /** The income by fiscal year and the entry that books it (the signature, then one reprise a year). */
  recognition: { year: number; amount: number; entryId: string }[];
  createdAt: string;
  version: number;
  received: number;
  spent: number;
  repaid: number;
  years: Map<number, YearTotals>;
  /** Set by a cancellation: no payment is expected any more. */
  cancelled?: { date: string; reason: string } | null;
  corrections?: Correction[];
}

export interface Payment {
  grantId: string;
  entryId: string;
  date: string;
  amount: number;
  bankLineId: string | null;
  installments: { index: number; amount: number }[];
  createdAt: string;
  /** Received after the grant's end (its end date and last installment): accepted, flagged for the trésorier. */
  afterEnd?: boolean;
}

export interface YearEndMark {
  grantId: string;
  year: number;
  /** What the entries posted so far add up to, and the figures they were computed from. */
  new: number;
  used: number;
  recognised: number;
  spent: number;
  atEnd: number;
  entryIds: string[];
  version: number;
  postedAt: string;
}

// ---------------------------------------------------------------- per-year figures

const YEAR_FIELDS = { rec: "recognised", recv: "received", spent: "spent", rep: "repaid", rpi: "repaidIncome" } as const;
type YearField = keyof typeof YEAR_FIELDS;
const yearAttr = (field: YearField, year: number) => `${field}${year}`;
const YEAR_ATTR = /^(rec|recv|spent|rep|rpi)(\d{4})$/;

function yearsOf(item: Item): Map<number, YearTotals> {
  const out = new Map<number, YearTotals>();
  for (const [k, v] of Object.entries(item)) {
    const m = YEAR_ATTR.exec(k);
    if (!m) continue;
    const y = Number(m[2]);
    const f = out.get(y) ?? { recognised: 0, received: 0, spent: 0 };
    const field = YEAR_FIELDS[m[1] as YearField];
    f[field] = (f[field] ?? 0) + (v as number);
    out.set(y, f);
  }
  return out;
}

/** `ADD` of running totals: top-level numbers (`awarded`, `rec2024`…), created at 0. */
function addExpression(adds: Record<string, number>): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, number>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts: string[] = [];
  Object.entries(adds)
    .filter(([, v]) => v !== 0)
    .forEach(([k, v], i) => {
      names[`#a${i}`] = k;
      values[`:a${i}`] = v;
      parts.push(`#a${i} :a${i}`);
    });
  return { UpdateExpression: parts.length ? `ADD ${parts.join(", ")}` : "", ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/** The running totals a movement adds: overall and in the fiscal year `year`. */
export interface Movement {
  year: number;
  awarded?: number;
  recognised?: number;
  received?: number;
  spent?: number;
  /** A repayment: from the fonds dédiés carried (`repaid`), from the year's income (`repaidIncome`, with `recognised` moved down by as much). */
  repaid?: number;
  repaidIncome?: number;
}
/** The adds of one movement, or of several (a correction moves several fiscal years at once). */
function movementAdds(ms: Movement | readonly Movement[]): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (k: string, v: number | undefined) => {
    if (v) out[k] = (out[k] ?? 0) + v;
  };
  for (const m of Array.isArray(ms) ? ms : [ms as Movement]) {
    add("awarded", m.awarded);
    add("received", m.received);
    add("spent", m.spent);
    add("repaid", (m.repaid ?? 0) + (m.repaidIncome ?? 0));
    add(yearAttr("rec", m.year), m.recognised);
    add(yearAttr("recv", m.year), m.received);
    add(yearAttr("spent", m.year), m.spent);
    add(yearAttr("rep", m.year), m.repaid);
    add(yearAttr("rpi", m.year), m.repaidIncome);
  }
  return out;
}

// ---------------------------------------------------------------- transaction items

/** The funder's running totals moved by `m` (the funder must exist). */
export function funderTotalsItem(funderId: string, m: Movement | readonly Movement[]): NamedItem {
  const add = addExpression(movementAdds(m));
  // Nothing moves (an amendment of the end date within the year): an empty update is refused by
  // DynamoDB (ValidationException, a 500 found by test/grants-corrections-properties); the funder
  // is only checked to exist.
  if (!add.UpdateExpression)
    return { name: "funder", item: { ConditionCheck: { Key: grantKeys.funder(funderId), ConditionExpression: "attribute_exists(pk)" } } };
  return {
    name: "funder",
    item: {
      Update: {
        Key: grantKeys.funder(funderId),
        UpdateExpression: add.UpdateExpression,
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: add.ExpressionAttributeNames,
        ExpressionAttributeValues: add.ExpressionAttributeValues,
      },
    },
  };
}

/**
 * The grant's running totals moved by `m`, and (when `version` is given) its version moved by one
 * under the condition that nobody moved it since it was read; `set` replaces stored fields too.
 */
export function grantTotalsItem(grantId: string, m: Movement | readonly Movement[], opts: { version?: number; set?: Record<string, unknown> } = {}): NamedItem {
  const add = addExpression(movementAdds(m));
  const names: Record<string, string> = { ...add.ExpressionAttributeNames };
  const values: Record<string, unknown> = { ...add.ExpressionAttributeValues };
  const sets: string[] = [];
  Object.entries(opts.set ?? {}).forEach(([k, v], i) => {
    names[`#s${i}`] = k;
    values[`:s${i}`] = v;
    sets.push(`#s${i} = :s${i}`);
  });
  let condition = "attribute_exists(pk)";
  if (opts.version !== undefined) {
    names["#v"] = "version";
    values[":v"] = opts.version;
    values[":v1"] = opts.version + 1;
    sets.push("#v = :v1");
    condition += " AND #v = :v";
  }
  const update = [sets.length ? `SET ${sets.join(", ")}` : "", add.UpdateExpression].filter(Boolean).join(" ");
  return {
    name: "grant",
    item: {
      Update: {
        Key: grantKeys.grant(grantId),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      },
    },
  };
}

export function newFunderItem(f: Omit<Funder, "awarded" | "received" | "spent" | "repaid" | "years">): NamedItem {
  return {
    name: "funder",
    item: {
      Put: {
        Item: {
          ...f,
          ...grantKeys.funder(f.id),
          kind: "funder",
          funderKind: f.kind,
          awarded: 0,
          received: 0,
          spent: 0,
          gsi1pk: grantKeys.funders,
          gsi1sk: `${f.name.toLowerCase()}#${f.id}`,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

/** A new grant, with the income its signature recognises in its fiscal year (`rec<YYYY>`). */
export function newGrantItem(
  g: Omit<Grant, "received" | "spent" | "repaid" | "years" | "version">,
  atSignature: { year: number; recognised: number },
): NamedItem {
  return {
    name: "grant-record",
    item: {
      Put: {
        Item: {
          ...grantKeys.grant(g.id),
          kind: "grant",
          ...g,
          version: 0,
          received: 0,
          spent: 0,
          gsi1pk: grantKeys.funderGrants(g.funderId),
          gsi1sk: `${g.agreementDate}#${g.id}`,
          gsi2pk: grantKeys.grants,
          gsi2sk: `${g.agreementDate}#${g.id}`,
          [yearAttr("rec", atSignature.year)]: atSignature.recognised,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

export function paymentItem(p: Payment): NamedItem {
  return {
    name: "payment",
    item: { Put: { Item: { ...grantKeys.payment(p.grantId, p.entryId), kind: "grant-payment", ...p }, ConditionExpression: "attribute_not_exists(pk)" } },
  };
}

/**
 * A funder's auxiliary account number, claimed by one funder only (two names alike never share one).
 * Funders created before the claims keep theirs: `takenAuxNumbers` reads them from the funders too.
 */
export function funderAuxItem(number: string, funderId: string): NamedItem {
  return {
    name: "funder-aux",
    item: { Put: { Item: { ...grantKeys.funderAux(number), kind: "funder-aux", number, funderId }, ConditionExpression: "attribute_not_exists(pk)" } },
  };
}

/** Every auxiliary number a funder holds (a bounded set: tens to hundreds of funders). */
export async function takenAuxNumbers(db: Db): Promise<Set<string>> {
  const items = await queryAll(db, { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": grantKeys.funders } });
  return new Set(items.map((i) => (i.aux as { number: string } | undefined)?.number).filter((n): n is string => !!n));
}

/** A bank line settles one payment at most. */
export function bankLineItem(bankLineId: string, grantId: string, entryId: string): NamedItem {
  return {
    name: "bank-line",
    item: {
      Put: {
        Item: { ...grantKeys.bankLine(bankLineId), kind: "grant-bank-line", bankLineId, grantId, entryId },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

/** The year-end mark moved from `previousVersion` (0: none yet) to `mark`. */
export function yearEndItem(mark: YearEndMark, previousVersion: number): NamedItem {
  return {
    name: "year-end",
    item: {
      Put: {
        Item: { ...grantKeys.yearEnd(mark.grantId, mark.year), kind: "grant-year-end", ...mark },
        ...(previousVersion === 0
          ? { ConditionExpression: "attribute_not_exists(pk)" }
          : { ConditionExpression: "version = :v", ExpressionAttributeValues: { ":v": previousVersion } }),
      },
    },
  };
}

// ---------------------------------------------------------------- reads

const strip = (item: Item) => {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, kind: _k, ...rest } = item;
  return rest;
};

function toFunder(item: Item): Funder {
  const r = strip(item) as Record<string, unknown>;
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.funderKind as FunderKind,
    accounts: r.accounts as ChosenAccounts,
    aux: r.aux as Funder["aux"],
    createdAt: r.createdAt as string,
    awarded: (r.awarded as number) ?? 0,
    received: (r.received as number) ?? 0,
    spent: (r.spent as number) ?? 0,
    repaid: (r.repaid as number) ?? 0,
    years: yearsOf(item),
    // Kept for a replay of the same Idempotency-Key (compared, never shown).
    ...(r.requestHash ? { requestHash: r.requestHash as string } : {}),
  };
}

function toGrant(item: Item): Grant {
  const r = strip(item) as Record<string, unknown>;
  for (const k of Object.keys(r)) if (YEAR_ATTR.test(k)) delete r[k];
  return {
    ...(r as unknown as Grant),
    version: (r.version as number) ?? 0,
    received: (r.received as number) ?? 0,
    spent: (r.spent as number) ?? 0,
    repaid: (r.repaid as number) ?? 0,
    corrections: (r.corrections as Correction[] | undefined) ?? [],
    cancelled: (r.cancelled as Grant["cancelled"]) ?? null,
    years: yearsOf(item),
  };
}

export async function readFunder(db: Db, id: string): Promise<Funder | undefined> {
  const item = await getItem(db, grantKeys.funder(id));
  return item ? toFunder(item) : undefined;
}

export async function readFunders(db: Db, ids: readonly string[]): Promise<Funder[]> {
  return (
    await batchGet(
      db,
      ids.map((id) => grantKeys.funder(id)),
    )
  ).map(toFunder);
}

/** The funders by name, a page at a time; the cursor is signed for this listing (a forged one is a 400). */
export async function listFunderPage(db: Db, limit: number, cursor?: string) {
  const start = decodeCursor<Record<string, unknown>>(cursor, "funders");
  const page = await queryPage(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": grantKeys.funders },
    Limit: limit,
    ...(start ? { ExclusiveStartKey: start } : {}),
  });
  return { items: page.items.map(toFunder), nextCursor: page.lastKey ? encodeCursor(page.lastKey, "funders") : null };
}

export async function readGrant(db: Db, id: string): Promise<Grant | undefined> {
  const item = await getItem(db, grantKeys.grant(id));
  return item ? toGrant(item) : undefined;
}

/** A funder's grants (a bounded set), in agreement-date order. */
export async function readFunderGrants(db: Db, funderId: string): Promise<Grant[]> {
  return (
    await queryAll(db, { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": grantKeys.funderGrants(funderId) } })
  ).map(toGrant);
}

/** Every grant (a bounded set: an association has tens to hundreds), in agreement-date order. */
export async function readAllGrants(db: Db): Promise<Grant[]> {
  return (await queryAll(db, { IndexName: "gsi2", KeyConditionExpression: "gsi2pk = :p", ExpressionAttributeValues: { ":p": grantKeys.grants } })).map(toGrant);
}

export async function readPayments(db: Db, grantId: string): Promise<Payment[]> {
  return (
    await queryAll(db, {
      KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
      ExpressionAttributeValues: { ":p": `GRANT#${grantId}`, ":s": "PAYMENT#" },
      ConsistentRead: true,
    })
  ).map((i) => strip(i) as unknown as Payment);
}

export async function readPayment(db: Db, grantId: string, entryId: string): Promise<Payment | undefined> {
  const i = await getItem(db, grantKeys.payment(grantId, entryId));
  return i ? (strip(i) as unknown as Payment) : undefined;
}

/** Every year-end mark of one grant, whatever the year. */
export async function readGrantYearEndMarks(db: Db, grantId: string): Promise<YearEndMark[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
    ExpressionAttributeValues: { ":p": grantKeys.yearEnd(grantId, 0).pk, ":s": "DF#" },
  });
  return items.map((i) => strip(i) as unknown as YearEndMark);
}

/** Every year-end mark of these grants for `year` (missing ones are left out). */
export async function readYearEndMarks(db: Db, grantIds: readonly string[], year: number): Promise<Map<string, YearEndMark>> {
  const items = await batchGet(
    db,
    grantIds.map((id) => grantKeys.yearEnd(id, year)),
  );
  return new Map(items.map((i) => [i.grantId as string, strip(i) as unknown as YearEndMark]));
}
