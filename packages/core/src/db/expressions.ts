/**
 * DynamoDB's expression language, for the in-memory adapter (`memory.ts`): a parser and an
 * evaluator of condition, filter, key-condition, update and projection expressions over plain
 * document values (what the document client takes and answers). It follows DynamoDB's rules where
 * a store could notice: a missing attribute compares false (and `<>` true), values of different
 * types never compare, strings compare by code point (UTF-8 byte order), arithmetic needs numbers,
 * right-hand sides of SET read the item as it was, two actions may not touch the same path, and
 * every `#name` and `:value` given must be used.
 */

import { RESERVED_WORDS } from "./reserved.js";

/** DynamoDB's ValidationException: the request itself is wrong (as DynamoDB Local answers it). */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValidationException";
  }
}

type Segment = string | number;
export type Path = Segment[];

type Operand =
  | { k: "path"; path: Path }
  | { k: "value"; ref: string }
  | { k: "size"; path: Path }
  | { k: "if_not_exists"; path: Path; fallback: Operand }
  | { k: "list_append"; a: Operand; b: Operand }
  | { k: "arith"; op: "+" | "-"; a: Operand; b: Operand };

export type Condition =
  | { k: "cmp"; op: "=" | "<>" | "<" | "<=" | ">" | ">="; a: Operand; b: Operand }
  | { k: "between"; a: Operand; lo: Operand; hi: Operand }
  | { k: "in"; a: Operand; list: Operand[] }
  | { k: "and" | "or"; a: Condition; b: Condition }
  | { k: "not"; a: Condition }
  | { k: "exists" | "not_exists"; path: Path }
  | { k: "type"; path: Path; type: Operand }
  | { k: "begins_with" | "contains"; a: Operand; b: Operand };

export interface UpdateActions {
  set: { path: Path; value: Operand }[];
  remove: Path[];
  add: { path: Path; value: Operand }[];
  delete: { path: Path; value: Operand }[];
}

/** The `#name` and `:value` maps of a request, and which of them the expressions used. */
export class Refs {
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();
  constructor(
    readonly names: Record<string, string> = {},
    readonly values: Record<string, unknown> = {},
  ) {}
  name(ref: string): string {
    const n = this.names[ref];
    if (n === undefined)
      throw new ExpressionError(`Invalid expression: An expression attribute name used in the document path is not defined; attribute name: ${ref}`);
    this.usedNames.add(ref);
    return n;
  }
  value(ref: string): unknown {
    if (!(ref in this.values))
      throw new ExpressionError(`Invalid expression: An expression attribute value used in expression is not defined; attribute value: ${ref}`);
    this.usedValues.add(ref);
    return this.values[ref];
  }
  /** DynamoDB refuses a request that gives names or values no expression uses. */
  checkAllUsed(): void {
    const names = Object.keys(this.names).filter((n) => !this.usedNames.has(n));
    if (names.length) throw new ExpressionError(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${names.join(", ")}}`);
    const values = Object.keys(this.values).filter((v) => !this.usedValues.has(v));
    if (values.length) throw new ExpressionError(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${values.join(", ")}}`);
  }
}

// ---------------------------------------------------------------- tokens

type Token = { t: "name" | "value" | "ident" | "num" | "op"; v: string };

const KEYWORDS = new Set(["AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE"]);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(\d+)|(<>|<=|>=|[=<>(),.[\]+-]))/y;
  let at = 0;
  while (at < src.length) {
    if (/^\s*$/.test(src.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(src);
    if (!m) throw new ExpressionError(`Invalid expression: Syntax error; token: "${src.slice(at).trim().slice(0, 10)}", near: "${src.slice(at, at + 20)}"`);
    at = re.lastIndex;
    if (m[1]) out.push({ t: "name", v: m[1] });
    else if (m[2]) out.push({ t: "value", v: m[2] });
    else if (m[3]) out.push({ t: "ident", v: m[3] });
    else if (m[4]) out.push({ t: "num", v: m[4] });
    else out.push({ t: "op", v: m[5] as string });
  }
  return out;
}

class Parser {
  private i = 0;
  private readonly tokens: Token[];
  constructor(
    private readonly src: string,
    private readonly refs: Refs,
  ) {
    this.tokens = tokenize(src);
  }
  private peek(n = 0): Token | undefined {
    return this.tokens[this.i + n];
  }
  private fail(): never {
    const t = this.peek();
    throw new ExpressionError(`Invalid expression: Syntax error; token: "${t?.v ?? "<EOF>"}", near: "${this.src}"`);
  }
  private isKeyword(word: string, n = 0): boolean {
    const t = this.peek(n);
    return t?.t === "ident" && t.v.toUpperCase() === word;
  }
  private isOp(op: string, n = 0): boolean {
    const t = this.peek(n);
    return t?.t === "op" && t.v === op;
  }
  expectOp(op: string): void {
    if (!this.isOp(op)) this.fail();
    this.i++;
  }
  private expectKeyword(word: string): void {
    if (!this.isKeyword(word)) this.fail();
    this.i++;
  }
  end(): void {
    if (this.i < this.tokens.length) this.fail();
  }
  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  path(): Path {
    const segment = (): string => {
      const t = this.peek();
      if (t?.t === "name") return (this.i++, this.refs.name(t.v));
      if (t?.t === "ident" && !KEYWORDS.has(t.v.toUpperCase())) {
        if (RESERVED_WORDS.has(t.v.toLowerCase()))
          throw new ExpressionError(`Invalid expression: Attribute name is a reserved keyword; reserved keyword: ${t.v}`);
        this.i++;
        return t.v;
      }
      return this.fail();
    };
    const path: Path = [segment()];
    for (;;) {
      if (this.isOp(".")) {
        this.i++;
        path.push(segment());
      } else if (this.isOp("[")) {
        this.i++;
        const t = this.peek();
        if (t?.t !== "num") this.fail();
        this.i++;
        path.push(Number(t.v));
        this.expectOp("]");
      } else return path;
    }
  }

  private fnName(): string | undefined {
    const t = this.peek();
    return t?.t === "ident" && this.isOp("(", 1) ? t.v : undefined;
  }

  /** An operand of a condition: a path, a value or size(path). */
  operand(): Operand {
    const t = this.peek();
    if (t?.t === "value") {
      this.i++;
      this.refs.value(t.v);
      return { k: "value", ref: t.v };
    }
    if (this.fnName() === "size") {
      this.i += 2;
      const path = this.path();
      this.expectOp(")");
      return { k: "size", path };
    }
    return { k: "path", path: this.path() };
  }

  condition(): Condition {
    let left = this.conjunction();
    while (this.isKeyword("OR")) {
      this.i++;
      left = { k: "or", a: left, b: this.conjunction() };
    }
    return left;
  }
  private conjunction(): Condition {
    let left = this.negation();
    while (this.isKeyword("AND")) {
      this.i++;
      left = { k: "and", a: left, b: this.negation() };
    }
    return left;
  }
  private negation(): Condition {
    if (this.isKeyword("NOT")) {
      this.i++;
      return { k: "not", a: this.negation() };
    }
    return this.primary();
  }
  private primary(): Condition {
    if (this.isOp("(")) {
      this.i++;
      const c = this.condition();
      this.expectOp(")");
      return c;
    }
    const fn = this.fnName();
    if (fn && fn !== "size") return this.booleanFunction(fn);
    const a = this.operand();
    const t = this.peek();
    if (t?.t === "op" && ["=", "<>", "<", "<=", ">", ">="].includes(t.v)) {
      this.i++;
      return { k: "cmp", op: t.v as "=", a, b: this.operand() };
    }
    if (this.isKeyword("BETWEEN")) {
      this.i++;
      const lo = this.operand();
      this.expectKeyword("AND");
      return { k: "between", a, lo, hi: this.operand() };
    }
    if (this.isKeyword("IN")) {
      this.i++;
      this.expectOp("(");
      const list = [this.operand()];
      while (this.isOp(",")) {
        this.i++;
        list.push(this.operand());
      }
      this.expectOp(")");
      return { k: "in", a, list };
    }
    return this.fail();
  }
  private booleanFunction(fn: string): Condition {
    this.i += 2;
    let c: Condition;
    if (fn === "attribute_exists" || fn === "attribute_not_exists") c = { k: fn === "attribute_exists" ? "exists" : "not_exists", path: this.path() };
    else if (fn === "attribute_type") {
      const path = this.path();
      this.expectOp(",");
      c = { k: "type", path, type: this.operand() };
    } else if (fn === "begins_with" || fn === "contains") {
      const a = this.operand();
      this.expectOp(",");
      c = { k: fn, a, b: this.operand() };
    } else throw new ExpressionError(`Invalid expression: Invalid function name; function: ${fn}`);
    this.expectOp(")");
    return c;
  }

  /** The right-hand side of a SET action. */
  private setValue(): Operand {
    const a = this.setOperand();
    if (this.isOp("+") || this.isOp("-")) {
      const op = this.peek()?.v as "+" | "-";
      this.i++;
      return { k: "arith", op, a, b: this.setOperand() };
    }
    return a;
  }
  private setOperand(): Operand {
    const fn = this.fnName();
    if (fn === "if_not_exists") {
      this.i += 2;
      const path = this.path();
      this.expectOp(",");
      const fallback = this.setOperand();
      this.expectOp(")");
      return { k: "if_not_exists", path, fallback };
    }
    if (fn === "list_append") {
      this.i += 2;
      const a = this.setOperand();
      this.expectOp(",");
      const b = this.setOperand();
      this.expectOp(")");
      return { k: "list_append", a, b };
    }
    if (fn) throw new ExpressionError(`Invalid UpdateExpression: Invalid function name; function: ${fn}`);
    return this.operand();
  }

  update(): UpdateActions {
    const out: UpdateActions = { set: [], remove: [], add: [], delete: [] };
    const seen = new Set<string>();
    while (!this.atEnd()) {
      const t = this.peek();
      const clause = t?.t === "ident" ? t.v.toUpperCase() : "";
      if (!["SET", "REMOVE", "ADD", "DELETE"].includes(clause)) this.fail();
      if (seen.has(clause)) throw new ExpressionError(`Invalid UpdateExpression: The "${clause}" section can only be used once in an update expression;`);
      seen.add(clause);
      this.i++;
      for (;;) {
        const path = this.path();
        if (clause === "SET") {
          this.expectOp("=");
          out.set.push({ path, value: this.setValue() });
        } else if (clause === "REMOVE") out.remove.push(path);
        else (clause === "ADD" ? out.add : out.delete).push({ path, value: this.operand() });
        if (!this.isOp(",")) break;
        this.i++;
      }
    }
    if (!seen.size) this.fail();
    return out;
  }
}

export function parseCondition(src: string, refs: Refs): Condition {
  const p = new Parser(src, refs);
  const c = p.condition();
  p.end();
  return c;
}

export function parseUpdate(src: string, refs: Refs): UpdateActions {
  const p = new Parser(src, refs);
  const u = p.update();
  const paths = [...u.set.map((s) => s.path), ...u.remove, ...u.add.map((a) => a.path), ...u.delete.map((d) => d.path)];
  paths.forEach((a, n) =>
    paths.slice(n + 1).forEach((b) => {
      const shorter = Math.min(a.length, b.length);
      if (a.slice(0, shorter).every((s, i) => s === b[i]))
        throw new ExpressionError(
          `Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [${a.join(", ")}], path two: [${b.join(", ")}]`,
        );
    }),
  );
  return u;
}

export function parseProjection(src: string, refs: Refs): Path[] {
  const p = new Parser(src, refs);
  const paths: Path[] = [];
  for (;;) {
    paths.push(p.path());
    if (p.atEnd()) return paths;
    p.expectOp(",");
  }
}

// ---------------------------------------------------------------- values

export type Doc = Record<string, unknown>;

const isMap = (v: unknown): v is Doc => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Set) && !(v instanceof Uint8Array);

/** DynamoDB's type of a document value (S, N, B, BOOL, NULL, M, L, SS, NS, BS). */
export function typeOf(v: unknown): string | undefined {
  if (typeof v === "string") return "S";
  if (typeof v === "number" || typeof v === "bigint") return "N";
  if (typeof v === "boolean") return "BOOL";
  if (v === null) return "NULL";
  if (v instanceof Uint8Array) return "B";
  if (Array.isArray(v)) return "L";
  if (v instanceof Set) {
    const first = v.values().next().value;
    return typeof first === "string" ? "SS" : first instanceof Uint8Array ? "BS" : "NS";
  }
  if (isMap(v)) return "M";
  return undefined;
}

/** Strings in DynamoDB's order: by UTF-8 bytes, which is code point order (not UTF-16's). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** a − b for two values of one scalar type (S, N, B); undefined when they do not compare. */
export function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  return undefined;
}

export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = typeOf(a);
  if (ta === undefined || ta !== typeOf(b)) return false;
  if (ta === "B") return compareBytes(a as Uint8Array, b as Uint8Array) === 0;
  if (ta === "L") {
    const x = a as unknown[];
    const y = b as unknown[];
    return x.length === y.length && x.every((v, i) => equal(v, y[i]));
  }
  if (ta === "M") {
    const x = a as Doc;
    const y = b as Doc;
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => k in y && equal(x[k], y[k]));
  }
  if (ta.length === 2 && ta !== "BS") {
    const x = a as Set<unknown>;
    const y = b as Set<unknown>;
    return x.size === y.size && [...x].every((v) => y.has(v));
  }
  return false;
}

export function getPath(item: unknown, path: Path): unknown {
  let at: unknown = item;
  for (const s of path) {
    if (typeof s === "number") at = Array.isArray(at) ? at[s] : undefined;
    else at = isMap(at) ? at[s] : undefined;
    if (at === undefined) return undefined;
  }
  return at;
}

// ---------------------------------------------------------------- evaluation

function operandValue(o: Operand, item: Doc, refs: Refs): unknown {
  switch (o.k) {
    case "path":
      return getPath(item, o.path);
    case "value":
      return refs.value(o.ref);
    case "size": {
      const v = getPath(item, o.path);
      if (typeof v === "string") return Buffer.byteLength(v, "utf8");
      if (v instanceof Uint8Array || Array.isArray(v)) return v.length;
      if (v instanceof Set) return v.size;
      if (isMap(v)) return Object.keys(v).length;
      return undefined;
    }
    case "if_not_exists": {
      const v = getPath(item, o.path);
      return v === undefined ? operandValue(o.fallback, item, refs) : v;
    }
    case "list_append": {
      const a = operandValue(o.a, item, refs);
      const b = operandValue(o.b, item, refs);
      if (a === undefined || b === undefined) throw missingOperand();
      if (!Array.isArray(a) || !Array.isArray(b)) throw wrongType();
      return [...a, ...b];
    }
    case "arith": {
      const a = operandValue(o.a, item, refs);
      const b = operandValue(o.b, item, refs);
      if (a === undefined || b === undefined) throw missingOperand();
      if (typeof a !== "number" || typeof b !== "number") throw wrongType();
      return o.op === "+" ? a + b : a - b;
    }
  }
}

const missingOperand = () => new ExpressionError("The provided expression refers to an attribute that does not exist in the item");
const wrongType = () => new ExpressionError("An operand in the update expression has an incorrect data type");

export function evaluate(c: Condition, item: Doc | undefined, refs: Refs): boolean {
  const it = item ?? {};
  const v = (o: Operand) => operandValue(o, it, refs);
  switch (c.k) {
    case "and":
      return evaluate(c.a, item, refs) && evaluate(c.b, item, refs);
    case "or":
      return evaluate(c.a, item, refs) || evaluate(c.b, item, refs);
    case "not":
      return !evaluate(c.a, item, refs);
    case "exists":
      return getPath(it, c.path) !== undefined;
    case "not_exists":
      return getPath(it, c.path) === undefined;
    case "type":
      return typeOf(getPath(it, c.path)) === v(c.type);
    case "begins_with": {
      const a = v(c.a);
      const b = v(c.b);
      if (typeof a === "string" && typeof b === "string") return a.startsWith(b);
      if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a.subarray(0, b.length), b) === 0;
      return false;
    }
    case "contains": {
      const a = v(c.a);
      const b = v(c.b);
      if (typeof a === "string") return typeof b === "string" && a.includes(b);
      if (a instanceof Set) return a.has(b);
      if (Array.isArray(a)) return a.some((x) => equal(x, b));
      return false;
    }
    case "in": {
      const a = v(c.a);
      return a !== undefined && c.list.some((o) => equal(a, v(o)));
    }
    case "between": {
      const a = v(c.a);
      const lo = compare(a, v(c.lo));
      const hi = compare(a, v(c.hi));
      return lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
    }
    case "cmp":
      return comparison(c.op, v(c.a), v(c.b));
  }
}

function comparison(op: "=" | "<>" | "<" | "<=" | ">" | ">=", a: unknown, b: unknown): boolean {
  if (op === "=") return a !== undefined && b !== undefined && equal(a, b);
  if (op === "<>") return !(a !== undefined && b !== undefined && equal(a, b));
  const d = compare(a, b);
  if (d === undefined) return false;
  return op === "<" ? d < 0 : op === "<=" ? d <= 0 : op === ">" ? d > 0 : d >= 0;
}

function setPath(item: Doc, path: Path, value: unknown): void {
  let at: unknown = item;
  for (let i = 0; i < path.length - 1; i++) {
    at = typeof path[i] === "number" ? (Array.isArray(at) ? at[path[i] as number] : undefined) : isMap(at) ? at[path[i] as string] : undefined;
    if (at === undefined || typeof at !== "object") throw new ExpressionError("The document path provided in the update expression is invalid for update");
  }
  const last = path[path.length - 1] as Segment;
  if (typeof last === "number") {
    if (!Array.isArray(at)) throw new ExpressionError("The document path provided in the update expression is invalid for update");
    if (last >= at.length) at.push(value);
    else at[last] = value;
  } else if (isMap(at)) at[last] = value;
  else throw new ExpressionError("The document path provided in the update expression is invalid for update");
}

function removePath(item: Doc, path: Path): void {
  const parent = path.length === 1 ? item : getPath(item, path.slice(0, -1));
  const last = path[path.length - 1] as Segment;
  if (typeof last === "number" && Array.isArray(parent)) {
    if (last < parent.length) parent.splice(last, 1);
  } else if (typeof last === "string" && isMap(parent)) delete parent[last];
}

/**
 * Applies update actions to a copy of `before` (undefined: a new item of `key`); answers the new
 * item and the top-level attributes the update wrote (for UPDATED_NEW / UPDATED_OLD).
 */
export function applyUpdate(before: Doc | undefined, key: Doc, u: UpdateActions, refs: Refs, clone: <T>(v: T) => T): { after: Doc; touched: string[] } {
  const old = before ?? { ...key };
  const after = clone(old);
  const touched = new Set<string>();
  for (const p of [...u.set.map((s) => s.path), ...u.remove, ...u.add.map((a) => a.path), ...u.delete.map((d) => d.path)]) {
    const top = p[0] as string;
    if (top in key) throw new ExpressionError(`Cannot update attribute ${top}. This attribute is part of the key`);
    touched.add(top);
  }
  const values = u.set.map((s) => clone(operandValue(s.value, old, refs)));
  u.set.forEach((s, n) => setPath(after, s.path, values[n]));
  for (const a of u.add) {
    const by = operandValue(a.value, old, refs);
    const current = getPath(old, a.path);
    if (typeof by === "number" && (current === undefined || typeof current === "number")) setPath(after, a.path, (current ?? 0) + by);
    else if (by instanceof Set && (current === undefined || (current instanceof Set && typeOf(current) === typeOf(by))))
      setPath(after, a.path, new Set([...(current ?? []), ...by]));
    else throw new ExpressionError("An operand in the update expression has an incorrect data type");
  }
  for (const d of u.delete) {
    const drop = operandValue(d.value, old, refs);
    const current = getPath(old, d.path);
    if (!(drop instanceof Set)) throw new ExpressionError("An operand in the update expression has an incorrect data type");
    if (current === undefined) continue;
    if (!(current instanceof Set)) throw new ExpressionError("An operand in the update expression has an incorrect data type");
    const left = new Set([...current].filter((x) => !drop.has(x)));
    if (left.size) setPath(after, d.path, left);
    else removePath(after, d.path);
  }
  for (const p of u.remove) removePath(after, p);
  return { after, touched: [...touched] };
}
