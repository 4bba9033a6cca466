/**
 * The bank domain's storage, written with db/store.ts.
 *
 * | item | pk | sk | indexes |
 * | --- | --- | --- | --- |
 * | bank line | `BANKLINE#<id>` | `LINE` | gsi1 `BANKLINES`/`<date>#<id>` (every line, by date) |
 * | statement | `BANKSTMT#<iban>` | `<from>#<id>` | |
 * | lettrage group | `BANKMATCH#<id>` | `MATCH` | |
 * | entry's lettrage | `BANKENTRY#<entryId>` | `MATCH` | |
 *
 * A line's id is derived from what identifies it (IBAN, booking date, amount, label, rank among
 * identical lines of the day): importing it again writes the same item, never a second one.
 */
import { listingCursor } from "../db/cursor.js";
import { batchGet, batchPut, getItem, queryAll, queryPage, updateItem, type Item, type NamedItem } from "../db/store.js";
import type { Db } from "../db/client.js";
import type { BankLine, MatchGroup, Rejection, RuleCorrection, StatementRecord } from "./model.js";

export const bankKeys = {
  line: (id: string) => ({ pk: `BANKLINE#${id}`, sk: "LINE" }),
  statementPartition: (iban: string) => `BANKSTMT#${iban}`,
  match: (id: string) => ({ pk: `BANKMATCH#${id}`, sk: "MATCH" }),
  entryMatch: (entryId: string) => ({ pk: `BANKENTRY#${entryId}`, sk: "MATCH" }),
  allLines: "BANKLINES",
};

const strip = <T>(i: Item): T => {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, kind: _k, ...rest } = i;
  return rest as T;
};

const lineItem = (l: BankLine): Item => ({
  ...bankKeys.line(l.id),
  kind: "bank-line",
  ...l,
  gsi1pk: bankKeys.allLines,
  gsi1sk: `${l.date}#${l.id}`,
});

/** The lines with these ids that exist (strongly consistent): what an import must not write again. */
export async function existingLineIds(db: Db, ids: readonly string[], parallel = 6): Promise<Set<string>> {
  const keys = ids.map(bankKeys.line);
  const chunk = Math.max(100, Math.ceil(keys.length / parallel / 100) * 100);
  const slices: (typeof keys)[] = [];
  for (let i = 0; i < keys.length; i += chunk) slices.push(keys.slice(i, i + chunk));
  const found = (await Promise.all(slices.map((s) => batchGet(db, s, { consistent: true })))).flat();
  return new Set(found.map((i) => i.id as string));
}

/**
 * Writes new lines, 25 an API call, a few calls at a time (a transaction per 100 lines costs
 * DynamoDB Local about twice the work). The caller has checked that they do not exist: a line
 * written again is the same item, never a second one.
 */
export async function saveLines(db: Db, lines: readonly BankLine[], parallel = 6): Promise<Set<string>> {
  const items = lines.map(lineItem);
  const chunk = Math.max(25, Math.ceil(items.length / parallel / 25) * 25);
  const slices: Item[][] = [];
  for (let i = 0; i < items.length; i += chunk) slices.push(items.slice(i, i + chunk));
  await Promise.all(slices.map((s) => batchPut(db, s)));
  return new Set(lines.map((l) => l.id));
}

export async function saveStatements(db: Db, statements: readonly StatementRecord[]): Promise<void> {
  await batchPut(
    db,
    statements.map((s) => ({ pk: bankKeys.statementPartition(s.iban), sk: `${s.from}#${s.id}`, kind: "bank-statement", ...s })),
  );
}

/** Statements already recorded (a statement is recorded once all its lines are written). */
export async function knownStatementIds(db: Db, statements: readonly Pick<StatementRecord, "iban" | "from" | "id">[]): Promise<Set<string>> {
  const found = await batchGet(
    db,
    statements.map((s) => ({ pk: bankKeys.statementPartition(s.iban), sk: `${s.from}#${s.id}` })),
  );
  return new Set(found.map((i) => i.id as string));
}

export async function readStatements(db: Db, iban: string): Promise<StatementRecord[]> {
  const items = await queryAll(db, { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": bankKeys.statementPartition(iban) } });
  return items.map((i) => strip<StatementRecord>(i));
}

export async function readLine(db: Db, id: string): Promise<BankLine | undefined> {
  const i = await getItem(db, bankKeys.line(id));
  return i ? strip<BankLine>(i) : undefined;
}

export async function readLines(db: Db, ids: readonly string[]): Promise<BankLine[]> {
  return (await batchGet(db, ids.map(bankKeys.line))).map((i) => strip<BankLine>(i));
}

/** Every line of an IBAN between two dates (inclusive), in date order. */
export async function linesOfIban(db: Db, iban: string, from = "0000-00-00", to = "9999-99-99"): Promise<BankLine[]> {
  // One index for every line (by date): an association keeps a few accounts, and each line written
  // costs one index entry instead of two.
  const items = await queryAll(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p AND gsi1sk BETWEEN :a AND :b",
    FilterExpression: "iban = :i",
    ExpressionAttributeValues: { ":p": bankKeys.allLines, ":a": from, ":b": `${to}#~`, ":i": iban },
  });
  return items.map((i) => strip<BankLine>(i));
}

/** One page of lines in date order, filtered by status and IBANs, resuming from `start`. */
/** The cursor of `GET /v1/bank/lines` (signed): the filters it was given for and the resume key. */
export const linesCursor = listingCursor<{ f: string; k: Record<string, unknown> }>("bank-lines");

export async function pageLines(
  db: Db,
  q: { status?: "unmatched" | "matched"; ibans?: readonly string[]; from?: string; to?: string; limit: number; start?: Record<string, unknown> },
): Promise<{ items: BankLine[]; next: Record<string, unknown> | undefined }> {
  const filters: string[] = [];
  const values: Record<string, unknown> = { ":p": bankKeys.allLines, ":a": q.from ?? "0000", ":b": `${q.to ?? "9999"}#~` };
  const names: Record<string, string> = {};
  if (q.status) {
    filters.push("#s = :s");
    names["#s"] = "status";
    values[":s"] = q.status;
  }
  if (q.ibans) {
    filters.push(`iban IN (${q.ibans.map((_, i) => `:i${i}`).join(", ")})`);
    q.ibans.forEach((iban, i) => (values[`:i${i}`] = iban));
  }
  const out: BankLine[] = [];
  let start = q.start;
  // A filter may leave a page short: read on until the page is full or the index ends.
  do {
    const { items, lastKey } = await queryPage(db, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :p AND gsi1sk BETWEEN :a AND :b",
      ...(filters.length ? { FilterExpression: filters.join(" AND "), ExpressionAttributeNames: Object.keys(names).length ? names : undefined } : {}),
      ExpressionAttributeValues: values,
      Limit: q.limit - out.length,
      ExclusiveStartKey: start,
    });
    out.push(...items.map((i) => strip<BankLine>(i)));
    start = lastKey;
  } while (start && out.length < q.limit);
  return { items: out, next: start };
}

/** Adds rejected proposals to a line (kept on the line item); false when the line does not exist. */
export async function addRejections(db: Db, lineId: string, rejections: readonly Rejection[]): Promise<BankLine | false> {
  const r = await updateItem(db, {
    Key: bankKeys.line(lineId),
    UpdateExpression: "SET rejections = list_append(if_not_exists(rejections, :none), :r)",
    ConditionExpression: "attribute_exists(pk)",
    ExpressionAttributeValues: { ":none": [], ":r": rejections },
  });
  return r ? strip<BankLine>(r) : false;
}

// ---------------------------------------------------------------- lettrage

export async function readMatch(db: Db, id: string): Promise<MatchGroup | undefined> {
  const i = await getItem(db, bankKeys.match(id));
  return i ? strip<MatchGroup>(i) : undefined;
}

export async function readMatches(db: Db, ids: readonly string[]): Promise<MatchGroup[]> {
  return (await batchGet(db, ids.map(bankKeys.match))).map((i) => strip<MatchGroup>(i));
}

/** For each entry id, the lettrage group it belongs to (absent when unmatched). */
export async function entryMatches(db: Db, entryIds: readonly string[]): Promise<Map<string, string>> {
  const found = await batchGet(db, entryIds.map(bankKeys.entryMatch));
  return new Map(found.map((i) => [i.entryId as string, i.matchId as string]));
}

/**
 * The transaction items that record a lettrage group: the group, each line marked matched (it
 * must still be unmatched), each entry's marker (it must not be matched yet). Names: `match`,
 * `line:<id>`, `entry:<id>`.
 */
export function matchItems(group: MatchGroup): NamedItem[] {
  return [
    { name: "match", item: { Put: { Item: { ...bankKeys.match(group.id), kind: "bank-match", ...group }, ConditionExpression: "attribute_not_exists(pk)" } } },
    ...group.lineIds.map((id) => ({
      name: `line:${id}`,
      item: {
        Update: {
          Key: bankKeys.line(id),
          UpdateExpression: "SET #s = :m, matchId = :id",
          ConditionExpression: "attribute_exists(pk) AND #s = :u",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":m": "matched", ":u": "unmatched", ":id": group.id },
        },
      },
    })),
    ...group.entryIds.map((id) => ({
      name: `entry:${id}`,
      item: {
        Put: {
          Item: { ...bankKeys.entryMatch(id), kind: "bank-entry-match", entryId: id, matchId: group.id, account: group.account, matchedAt: group.matchedAt },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    })),
  ];
}

/** A correction of the line's rule entry, appended under the condition that there are still `count` before it. */
export function ruleCorrectionItem(lineId: string, matchId: string, count: number, correction: RuleCorrection): NamedItem {
  return {
    name: `line:${lineId}`,
    item: {
      Update: {
        Key: bankKeys.line(lineId),
        UpdateExpression: "SET #c = list_append(if_not_exists(#c, :none), :c)",
        ConditionExpression: count === 0 ? "matchId = :m AND (attribute_not_exists(#c) OR size(#c) = :n)" : "matchId = :m AND size(#c) = :n",
        ExpressionAttributeNames: { "#c": "ruleCorrections" },
        ExpressionAttributeValues: { ":c": [correction], ":none": [], ":m": matchId, ":n": count },
      },
    },
  };
}

/** The items that undo a lettrage group (the group must still be there, each line still in it). */
export function unmatchItems(group: MatchGroup): NamedItem[] {
  return [
    { name: "match", item: { Delete: { Key: bankKeys.match(group.id), ConditionExpression: "attribute_exists(pk)" } } },
    ...group.lineIds.map((id) => ({
      name: `line:${id}`,
      item: {
        Update: {
          Key: bankKeys.line(id),
          UpdateExpression: "SET #s = :u REMOVE matchId",
          ConditionExpression: "matchId = :id",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":u": "unmatched", ":id": group.id },
        },
      },
    })),
    ...group.entryIds.map((id) => ({ name: `entry:${id}`, item: { Delete: { Key: bankKeys.entryMatch(id) } } })),
  ];
}
