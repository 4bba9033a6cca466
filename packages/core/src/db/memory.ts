/**
 * The in-memory adapter of the storage port (`Db`, see client.ts): one table held in this process,
 * answering the same document-client commands the DynamoDB adapter sends (Get, Put, Update, Delete,
 * Query, Scan, BatchGet, BatchWrite, TransactWrite) with DynamoDB's behaviour for everything the
 * stores use: the table's keys and both sparse GSIs of `table.ts`, sort order (code point order,
 * forwards or backwards), paging by `Limit` and by 1 MB with `LastEvaluatedKey` /
 * `ExclusiveStartKey`, filters after the limit, condition and update expressions
 * (`expressions.ts`), all-or-nothing transactions that are cancelled with one reason per item
 * (`TransactionCanceledException` with `CancellationReasons`), `ConditionalCheckFailedException`,
 * and DynamoDB's refusals (ValidationException: unused names or values, a key of the wrong shape,
 * two operations on one item in a transaction, more than 100 / 25 / 100 items, an item over 400 KB).
 * Each command is atomic; reads are always consistent (a GSI read asking for consistency is refused,
 * as DynamoDB does). TTL deletes nothing (as DynamoDB Local): stores filter expired items themselves.
 *
 * Tests of domain rules take a fresh one with `memoryDb()`; the conformance test
 * (test/store.test.ts) runs the same cases against this adapter and DynamoDB Local.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConditionalCheckFailedException, DynamoDBServiceException, ResourceNotFoundException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { Db, DocumentPort } from "./client.js";
import {
  applyUpdate,
  compare,
  type Condition,
  type Doc,
  evaluate,
  ExpressionError,
  getPath,
  parseCondition,
  parseProjection,
  parseUpdate,
  Refs,
} from "./expressions.js";
import { tableDefinition } from "./table.js";

const PK = tableDefinition.partitionKey.name;
const SK = tableDefinition.sortKey.name;
const MAX_ITEM_BYTES = 400 * 1024;
const MAX_PAGE_BYTES = 1024 * 1024;

const $metadata = {};
const validation = (message: string) => new DynamoDBServiceException({ name: "ValidationException", $fault: "client", $metadata, message });

/** Runs `f`, turning an expression's refusal into the SDK's ValidationException. */
function validated<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof ExpressionError) throw validation(err.message);
    throw err;
  }
}

// ---------------------------------------------------------------- values in and out

/** A deep copy of a document value, refused where the document client's marshalling refuses it. */
function copy<T>(v: T): T {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`Special numeric value ${v} is not allowed`);
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) throw new Error(`Number ${v} is greater than Number.MAX_SAFE_INTEGER. Use BigInt.`);
    return v;
  }
  if (v instanceof Uint8Array) return new Uint8Array(v) as T;
  if (v instanceof Set) return new Set([...v].map(copy)) as T;
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(copy) as T;
  if (typeof v === "object") {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      throw new Error(`Unsupported type passed: ${String(v)}. Pass options.convertClassInstanceToMap=true to marshall typeof object as map attribute.`);
    const out: Doc = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = copy(x);
    return out as T;
  }
  throw new Error(`Unsupported type passed: ${String(v)}`);
}

/** DynamoDB's size of a value in bytes (names and UTF-8 strings; numbers about one byte per two digits). */
function sizeOf(v: unknown): number {
  if (typeof v === "string") return Buffer.byteLength(v, "utf8");
  if (typeof v === "number") return 1 + Math.ceil(String(v).replace(/[-.]/g, "").length / 2);
  if (typeof v === "boolean" || v === null) return 1;
  if (v instanceof Uint8Array) return v.length;
  if (v instanceof Set) return [...v].reduce((s: number, x) => s + sizeOf(x), 0);
  if (Array.isArray(v)) return 3 + v.reduce((s: number, x) => s + 1 + sizeOf(x), 0);
  if (typeof v === "object" && v) return 3 + Object.entries(v).reduce((s, [k, x]) => s + 1 + Buffer.byteLength(k) + sizeOf(x), 0);
  return 0;
}

function project(item: Doc, expression: string | undefined, refs: Refs): Doc {
  if (!expression) return copy(item);
  const out: Doc = {};
  for (const path of parseProjection(expression, refs)) {
    const top = path[0] as string;
    if (path.length === 1 && item[top] !== undefined) out[top] = copy(item[top]);
    else if (getPath(item, path) !== undefined) out[top] = copy(item[top]); // nested paths: the whole top attribute (enough for the stores)
  }
  return out;
}

// ---------------------------------------------------------------- the table

interface IndexKeys {
  pk: string;
  sk: string;
}

const INDEXES: Record<string, IndexKeys> = Object.fromEntries(
  tableDefinition.globalSecondaryIndexes.map((ix) => [ix.indexName, { pk: ix.partitionKey.name, sk: ix.sortKey.name }]),
);

const keyString = (pk: string, sk: string) => `${pk}\u0000${sk}`;

/** The order of items in an index partition: its sort key, then the table's key (DynamoDB leaves ties unspecified). */
function orderIn(ix: IndexKeys | undefined) {
  return (a: Doc, b: Doc): number =>
    ix ? (compare(a[ix.sk], b[ix.sk]) ?? 0) || (compare(a[PK], b[PK]) ?? 0) || (compare(a[SK], b[SK]) ?? 0) : (compare(a[SK], b[SK]) ?? 0);
}

class Table {
  /** pk → sk → item. */
  private readonly partitions = new Map<string, Map<string, Doc>>();
  /** index → its partition key value → table key → item. */
  private readonly indexes = new Map<string, Map<string, Map<string, Doc>>>(Object.keys(INDEXES).map((n) => [n, new Map()]));
  /** Sorted partitions, dropped on write. */
  private readonly sorted = new Map<string, Doc[]>();

  get(key: IndexKeys): Doc | undefined {
    return this.partitions.get(key.pk)?.get(key.sk);
  }

  put(item: Doc): void {
    const pk = item[PK] as string;
    const sk = item[SK] as string;
    this.delete({ pk, sk });
    let p = this.partitions.get(pk);
    if (!p) this.partitions.set(pk, (p = new Map()));
    p.set(sk, item);
    this.sorted.delete(`\u0000${pk}`);
    for (const [name, ix] of Object.entries(INDEXES)) {
      const ipk = item[ix.pk];
      if (typeof ipk !== "string" || typeof item[ix.sk] !== "string") continue;
      const byPk = this.indexes.get(name) as Map<string, Map<string, Doc>>;
      let ip = byPk.get(ipk);
      if (!ip) byPk.set(ipk, (ip = new Map()));
      ip.set(keyString(pk, sk), item);
      this.sorted.delete(`${name}\u0000${ipk}`);
    }
  }

  delete(key: IndexKeys): Doc | undefined {
    const old = this.get(key);
    if (!old) return undefined;
    const p = this.partitions.get(key.pk) as Map<string, Doc>;
    p.delete(key.sk);
    if (!p.size) this.partitions.delete(key.pk);
    this.sorted.delete(`\u0000${key.pk}`);
    for (const [name, ix] of Object.entries(INDEXES)) {
      const ipk = old[ix.pk];
      if (typeof ipk !== "string") continue;
      const byPk = this.indexes.get(name) as Map<string, Map<string, Doc>>;
      const ip = byPk.get(ipk);
      if (!ip?.delete(keyString(key.pk, key.sk))) continue;
      if (!ip.size) byPk.delete(ipk);
      this.sorted.delete(`${name}\u0000${ipk}`);
    }
    return old;
  }

  /** The items of one partition of the table (`index` undefined) or of an index, in order. */
  partition(index: string | undefined, pk: string): Doc[] {
    const cacheKey = `${index ?? ""}\u0000${pk}`;
    let items = this.sorted.get(cacheKey);
    if (!items) {
      const source = index ? this.indexes.get(index)?.get(pk) : this.partitions.get(pk);
      items = [...(source?.values() ?? [])].sort(orderIn(index ? INDEXES[index] : undefined));
      this.sorted.set(cacheKey, items);
    }
    return items;
  }

  /** Every item of the table or of an index, partition by partition. */
  all(index: string | undefined): Doc[] {
    const pks = [...(index ? (this.indexes.get(index)?.keys() ?? []) : this.partitions.keys())].sort((a, b) => compare(a, b) ?? 0);
    return pks.flatMap((pk) => this.partition(index, pk));
  }

  get size(): number {
    let n = 0;
    for (const p of this.partitions.values()) n += p.size;
    return n;
  }
}

// ---------------------------------------------------------------- checks DynamoDB makes

function checkKey(key: unknown): IndexKeys {
  const k = key as Doc | undefined;
  if (!k || Object.keys(k).length !== 2 || typeof k[PK] !== "string" || typeof k[SK] !== "string")
    throw validation("The provided key element does not match the schema");
  if (k[PK] === "" || k[SK] === "")
    throw validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value.");
  return { pk: k[PK] as string, sk: k[SK] as string };
}

function checkItem(item: Doc): Doc {
  if (typeof item[PK] !== "string" || typeof item[SK] !== "string")
    throw validation("One or more parameter values were invalid: Missing the key pk or sk in the item, or its type does not match the schema");
  if (item[PK] === "" || item[SK] === "")
    throw validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value.");
  for (const [name, ix] of Object.entries(INDEXES))
    for (const attr of [ix.pk, ix.sk]) {
      const v = item[attr];
      if (v === undefined) continue;
      if (typeof v !== "string")
        throw validation(`One or more parameter values were invalid: Type mismatch for Index Key ${attr} Expected: S IndexName: ${name}`);
      if (v === "")
        throw validation(
          `One or more parameter values are not valid. A value specified for a secondary index key is not supported. IndexName: ${name}, IndexKey: ${attr}`,
        );
    }
  if (sizeOf(item) > MAX_ITEM_BYTES) throw validation("Item size has exceeded the maximum allowed size");
  return item;
}

interface ExpressionInput {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  ReturnValuesOnConditionCheckFailure?: string;
}

/** A parsed write: its key, its condition and how it makes the new item from the old one. */
interface Write {
  key: IndexKeys;
  condition?: Condition;
  refs: Refs;
  /** The new item (undefined: delete; `keep`: a condition check writes nothing). */
  next: (old: Doc | undefined) => { item: Doc | undefined | "keep"; touched?: string[] };
  returnOld: boolean;
}

function parseWrite(kind: "Put" | "Update" | "Delete" | "ConditionCheck", input: ExpressionInput & Doc): Write {
  return validated(() => {
    const refs = new Refs(input.ExpressionAttributeNames, copy(input.ExpressionAttributeValues ?? {}));
    const condition = input.ConditionExpression ? parseCondition(input.ConditionExpression, refs) : undefined;
    const returnOld = input.ReturnValuesOnConditionCheckFailure === "ALL_OLD";
    if (kind === "Put") {
      const item = checkItem(copy(input.Item as Doc));
      refs.checkAllUsed();
      return { key: { pk: item[PK] as string, sk: item[SK] as string }, condition, refs, returnOld, next: () => ({ item: copy(item) }) };
    }
    const key = checkKey(input.Key);
    if (kind === "Update") {
      const actions = input.UpdateExpression ? parseUpdate(input.UpdateExpression as string, refs) : undefined;
      refs.checkAllUsed();
      const keyDoc = { [PK]: key.pk, [SK]: key.sk };
      return {
        key,
        condition,
        refs,
        returnOld,
        next: (old: Doc | undefined) => {
          if (!actions) return { item: old ? copy(old) : keyDoc, touched: [] };
          const { after, touched } = applyUpdate(old, keyDoc, actions, refs, copy);
          return { item: checkItem(after), touched };
        },
      };
    }
    if (kind === "ConditionCheck" && !condition) throw validation("The ConditionExpression of a ConditionCheck is required");
    refs.checkAllUsed();
    return { key, condition, refs, returnOld, next: () => ({ item: kind === "Delete" ? undefined : "keep" }) };
  });
}

// ---------------------------------------------------------------- queries

interface ReadInput {
  IndexName?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  ExclusiveStartKey?: Doc;
  Limit?: number;
  ScanIndexForward?: boolean;
  ConsistentRead?: boolean;
  Select?: string;
}

const isPathOf = (o: unknown, attr: string) => {
  const x = o as { k?: string; path?: unknown[] };
  return x.k === "path" && x.path?.length === 1 && x.path[0] === attr;
};

/** Splits a key condition into the partition key's value and the sort key's condition. */
function keyCondition(c: Condition, ix: IndexKeys, refs: Refs): { pk: string; sort?: Condition } {
  const parts = c.k === "and" ? [c.a, c.b] : [c];
  const isPk = (p: Condition) => p.k === "cmp" && p.op === "=" && isPathOf(p.a, ix.pk) && p.b.k === "value";
  const pkPart = parts.find(isPk);
  const sort = parts.find((p) => p !== pkPart);
  if (pkPart?.k !== "cmp" || pkPart.b.k !== "value") throw validation("Query condition missed key schema element");
  const sortOk =
    !sort ||
    (sort.k === "cmp" && sort.op !== "<>" && isPathOf(sort.a, ix.sk) && sort.b.k === "value") ||
    (sort.k === "between" && isPathOf(sort.a, ix.sk)) ||
    (sort.k === "begins_with" && isPathOf(sort.a, ix.sk) && sort.b.k === "value");
  if (!sortOk) throw validation("Query key condition not supported");
  const pk = refs.value(pkPart.b.ref);
  if (typeof pk !== "string") throw validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
  return { pk, sort };
}

function keyOfItem(item: Doc, ix: IndexKeys | undefined): Doc {
  const k: Doc = { [PK]: item[PK], [SK]: item[SK] };
  if (ix) Object.assign(k, { [ix.pk]: item[ix.pk], [ix.sk]: item[ix.sk] });
  return k;
}

// ---------------------------------------------------------------- the adapter

export class MemoryDocument {
  private readonly table = new Table();
  constructor(readonly tableName: string) {}

  /** The document client's `send`, for the commands the stores use. */
  readonly send = ((command: unknown) => this.answer(command)) as unknown as DocumentPort["send"];

  /** Nothing to close. */
  destroy(): void {}

  /** How many items the table holds (for tests). */
  get size(): number {
    return this.table.size;
  }

  /** Every item, in key order (a copy; for tests). */
  items(): Doc[] {
    return copy(this.table.all(undefined));
  }

  private async answer(command: unknown): Promise<unknown> {
    await Promise.resolve(); // like a network call: other callers run in between, each command stays atomic
    if (command instanceof GetCommand) return this.getItem(command.input);
    if (command instanceof PutCommand) return this.single("Put", command.input);
    if (command instanceof UpdateCommand) return this.single("Update", command.input);
    if (command instanceof DeleteCommand) return this.single("Delete", command.input);
    if (command instanceof QueryCommand) return this.read(command.input, true);
    if (command instanceof ScanCommand) return this.read(command.input, false);
    if (command instanceof BatchGetCommand) return this.batchGet(command.input);
    if (command instanceof BatchWriteCommand) return this.batchWrite(command.input);
    if (command instanceof TransactWriteCommand) return this.transactWrite(command.input);
    throw new Error(`The in-memory table does not answer ${(command as object)?.constructor?.name ?? typeof command}`);
  }

  private checkTable(name: unknown): void {
    if (name !== this.tableName) throw new ResourceNotFoundException({ $metadata, message: "Cannot do operations on a non-existent table" });
  }

  private getItem(input: GetCommand["input"]) {
    this.checkTable(input.TableName);
    return validated(() => {
      const key = checkKey(input.Key);
      const refs = new Refs(input.ExpressionAttributeNames);
      const found = this.table.get(key);
      const Item = found ? project(found, input.ProjectionExpression, refs) : undefined;
      if (!found && input.ProjectionExpression) parseProjection(input.ProjectionExpression, refs);
      refs.checkAllUsed();
      return Item ? { $metadata, Item } : { $metadata };
    });
  }

  private single(kind: "Put" | "Update" | "Delete", input: ExpressionInput & Doc & { TableName?: string; ReturnValues?: string }) {
    this.checkTable(input.TableName);
    const w = parseWrite(kind, input);
    const old = this.table.get(w.key);
    if (w.condition && !validated(() => evaluate(w.condition as Condition, old, w.refs)))
      throw new ConditionalCheckFailedException({
        $metadata,
        message: "The conditional request failed",
        ...(w.returnOld && old ? { Item: copy(old) as never } : {}),
      });
    const { item, touched = [] } = validated(() => w.next(old));
    if (item === undefined) this.table.delete(w.key);
    else if (item !== "keep") this.table.put(item);
    const written = item === "keep" ? old : item;
    switch (input.ReturnValues) {
      case "ALL_OLD":
        return old ? { $metadata, Attributes: copy(old) } : { $metadata };
      case "ALL_NEW":
        return written ? { $metadata, Attributes: copy(written) } : { $metadata };
      case "UPDATED_NEW":
      case "UPDATED_OLD": {
        const from = input.ReturnValues === "UPDATED_NEW" ? written : old;
        const Attributes = Object.fromEntries(touched.filter((t) => from?.[t] !== undefined).map((t) => [t, copy(from?.[t])]));
        return Object.keys(Attributes).length ? { $metadata, Attributes } : { $metadata };
      }
      default:
        return { $metadata };
    }
  }

  private read(input: ReadInput & { TableName?: string }, isQuery: boolean) {
    this.checkTable(input.TableName);
    const ix = input.IndexName ? INDEXES[input.IndexName] : undefined;
    if (input.IndexName && !ix) throw validation(`The table does not have the specified index: ${input.IndexName}`);
    if (ix && input.ConsistentRead) throw validation("Consistent reads are not supported on global secondary indexes");
    if (input.Limit !== undefined && !(Number.isInteger(input.Limit) && input.Limit >= 1))
      throw validation("1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    const refs = new Refs(input.ExpressionAttributeNames, copy(input.ExpressionAttributeValues ?? {}));
    const { candidates, sort, filter } = validated(() => {
      if (isQuery && !input.KeyConditionExpression)
        throw validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
      const key = isQuery ? keyCondition(parseCondition(input.KeyConditionExpression as string, refs), ix ?? { pk: PK, sk: SK }, refs) : undefined;
      const filter = input.FilterExpression ? parseCondition(input.FilterExpression, refs) : undefined;
      if (input.ProjectionExpression) parseProjection(input.ProjectionExpression, refs);
      refs.checkAllUsed();
      const candidates = key ? this.table.partition(input.IndexName, key.pk) : this.table.all(input.IndexName);
      return { candidates, sort: key?.sort, filter };
    });
    const forward = !isQuery || input.ScanIndexForward !== false;
    const ordered = forward ? candidates : [...candidates].reverse();
    const order = orderIn(ix);
    let from = 0;
    if (input.ExclusiveStartKey) {
      const start = input.ExclusiveStartKey;
      for (const attr of Object.keys(keyOfItem({}, ix))) if (typeof start[attr] !== "string") throw validation("The provided starting key is invalid");
      const after = (item: Doc) => (forward ? order(item, start) > 0 : order(item, start) < 0);
      from = ordered.findIndex((item) => (isQuery ? after(item) : compareScan(item, start, ix) > 0));
      if (from < 0) from = ordered.length;
    }
    return validated(() => this.page(ordered, from, { input, ix, sort, filter, refs }));
  }

  private page(ordered: Doc[], from: number, q: { input: ReadInput; ix: IndexKeys | undefined; sort?: Condition; filter?: Condition; refs: Refs }) {
    const Items: Doc[] = [];
    let scanned = 0;
    let bytes = 0;
    let last: Doc | undefined;
    for (let i = from; i < ordered.length; i++) {
      const item = ordered[i] as Doc;
      if (q.sort && !evaluate(q.sort, item, q.refs)) continue;
      scanned++;
      bytes += sizeOf(item);
      if (!q.filter || evaluate(q.filter, item, q.refs)) Items.push(project(item, q.input.ProjectionExpression, q.refs));
      if ((q.input.Limit !== undefined && scanned >= q.input.Limit) || bytes >= MAX_PAGE_BYTES) {
        const more = ordered.slice(i + 1).some((x) => !q.sort || evaluate(q.sort, x, q.refs));
        if (more || scanned >= (q.input.Limit ?? Number.POSITIVE_INFINITY)) last = keyOfItem(item, q.ix);
        break;
      }
    }
    const out: Record<string, unknown> = { $metadata, Count: Items.length, ScannedCount: scanned };
    if (q.input.Select !== "COUNT") out.Items = Items;
    if (last) out.LastEvaluatedKey = last;
    return out;
  }

  private batchGet(input: BatchGetCommand["input"]) {
    const Responses: Record<string, Doc[]> = {};
    for (const [name, req] of Object.entries(input.RequestItems ?? {})) {
      this.checkTable(name);
      const keys = (req.Keys ?? []).map((k) => validated(() => checkKey(k)));
      if (keys.length > 100) throw validation("Too many items requested for the BatchGetItem call");
      if (new Set(keys.map((k) => keyString(k.pk, k.sk))).size !== keys.length) throw validation("Provided list of item keys contains duplicates");
      const refs = new Refs(req.ExpressionAttributeNames);
      Responses[name] = validated(() => {
        const found = keys.flatMap((k) => {
          const item = this.table.get(k);
          return item ? [project(item, req.ProjectionExpression, refs)] : [];
        });
        if (req.ProjectionExpression) parseProjection(req.ProjectionExpression, refs);
        refs.checkAllUsed();
        return found;
      });
    }
    return { $metadata, Responses, UnprocessedKeys: {} };
  }

  private batchWrite(input: BatchWriteCommand["input"]) {
    const writes: { key: IndexKeys; item?: Doc }[] = [];
    for (const [name, requests] of Object.entries(input.RequestItems ?? {})) {
      this.checkTable(name);
      if (requests.length > 25) throw validation("Too many items requested for the BatchWriteItem call");
      for (const r of requests) {
        if (r.PutRequest) {
          const item = validated(() => checkItem(copy(r.PutRequest?.Item as Doc)));
          writes.push({ key: { pk: item[PK] as string, sk: item[SK] as string }, item });
        } else if (r.DeleteRequest) writes.push({ key: validated(() => checkKey(r.DeleteRequest?.Key)) });
        else throw validation("A write request has neither a PutRequest nor a DeleteRequest");
      }
    }
    if (new Set(writes.map((w) => keyString(w.key.pk, w.key.sk))).size !== writes.length) throw validation("Provided list of item keys contains duplicates");
    for (const w of writes) {
      if (w.item) this.table.put(w.item);
      else this.table.delete(w.key);
    }
    return { $metadata, UnprocessedItems: {} };
  }

  private transactWrite(input: TransactWriteCommand["input"]) {
    const list = input.TransactItems ?? [];
    if (list.length > 100)
      throw validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100");
    const writes = list.map((entry) => {
      const kinds = (["Put", "Update", "Delete", "ConditionCheck"] as const).filter((k) => entry[k]);
      if (kinds.length !== 1) throw validation("A transaction item must hold exactly one of Put, Update, Delete or ConditionCheck");
      const kind = kinds[0] as "Put";
      const body = entry[kind] as unknown as ExpressionInput & Doc & { TableName?: string };
      this.checkTable(body.TableName);
      return parseWrite(kind, body);
    });
    if (new Set(writes.map((w) => keyString(w.key.pk, w.key.sk))).size !== writes.length)
      throw validation("Transaction request cannot include multiple operations on one item");
    const results = writes.map((w) => {
      const old = this.table.get(w.key);
      try {
        if (w.condition && !evaluate(w.condition, old, w.refs))
          return { reason: { Code: "ConditionalCheckFailed", Message: "The conditional request failed", ...(w.returnOld && old ? { Item: copy(old) } : {}) } };
        return { reason: { Code: "None" }, next: w.next(old).item };
      } catch (err) {
        if (!(err instanceof ExpressionError) && !(err instanceof DynamoDBServiceException)) throw err;
        return { reason: { Code: "ValidationError", Message: err.message } };
      }
    });
    if (results.some((r) => r.reason.Code !== "None")) {
      const CancellationReasons = results.map((r) => r.reason);
      throw new TransactionCanceledException({
        $metadata,
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${CancellationReasons.map((r) => r.Code).join(", ")}]`,
        CancellationReasons: CancellationReasons as never,
      });
    }
    results.forEach((r, n) => {
      if (r.next === undefined) this.table.delete((writes[n] as Write).key);
      else if (r.next !== "keep") this.table.put(r.next);
    });
    return { $metadata };
  }
}

/** Scan order: partition by partition (by partition key), then the partition's order. */
function compareScan(item: Doc, start: Doc, ix: IndexKeys | undefined): number {
  const pkName = ix ? ix.pk : PK;
  return (compare(item[pkName], start[pkName]) ?? 0) || orderIn(ix)(item, start);
}

/** A `Db` on a fresh in-memory table: the storage port without DynamoDB (unit tests, see memory.ts). */
export function memoryDb(tableName = "memory"): Db & { doc: MemoryDocument } {
  return { doc: new MemoryDocument(tableName), tableName };
}
