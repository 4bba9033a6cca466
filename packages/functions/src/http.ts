/**
 * The HTTP edge shared by every Lambda: turns an API Gateway HTTP API (payload 2.0) event into a
 * typed request (roles checked, params/query/body parsed by the route's zod schemas), calls the
 * operation, and maps its result or typed error to an answer. Errors become
 * `application/problem+json` here and nowhere else.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { z } from "zod";
import {
  DomainError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
  ValidationError,
  type FieldError,
} from "@asso/core/errors";
import { loadSecrets } from "@asso/core/secrets";
import { dbFromEnv } from "@asso/core/db";
import { sha256Hex, requestHash } from "@asso/core/hash";
import { checkKey, claim, completeClaim, intentOf, releaseClaim, type Claim, type Idempotency, type StoredAnswer } from "@asso/core/idempotency";
import { timingSafeEqual } from "node:crypto";
import { ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER } from "./headers.js";
import { GROUP_NEEDS } from "./groups.js";
import { parseGroups, type Principal } from "./roles.js";
import { routeKey, type Group, type RouteDef } from "./route.js";
import { routes, type AppRoute } from "./routes.js";

export const DEFAULT_MAX_BODY = 1024 * 1024;

/** The event as API Gateway hands it, with the JWT authorizer's claims when the route has one. */
export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2["requestContext"] & {
    authorizer?: { jwt?: { claims: Record<string, string | number | boolean | string[]>; scopes: string[] | null } };
  };
};
export type HttpResult = APIGatewayProxyStructuredResultV2;

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface Request<R extends RouteDef = RouteDef> {
  route: R;
  params: Infer<R["params"]>;
  query: Infer<R["query"]>;
  body: Infer<R["body"]>;
  /** The body bytes exactly as sent (webhook signatures, file uploads). */
  rawBody: Buffer;
  headers: Record<string, string>;
  principal: Principal | undefined;
  /**
   * On a route declared `idempotent`, when the caller sent an `Idempotency-Key`: the key the edge
   * claimed (scoped to the caller, expiring), for a use case that writes its marker inside its own
   * transaction. Replays never reach the operation: the edge answers them.
   */
  idempotency: Idempotency | undefined;
  requestId: string;
}

/** What an operation returns: data for the route's status, or a full reply. */
export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Operation<R extends RouteDef> = (req: Request<R>) => Promise<Reply | unknown>;

type OpsOf<G extends Group> = {
  [R in Extract<AppRoute, { group: G }> as R["operationId"]]: Operation<R>;
};

const isReply = (v: unknown): v is Reply =>
  typeof v === "object" && v !== null && "body" in v && Object.keys(v).every((k) => ["status", "body", "headers"].includes(k));

// ---------------------------------------------------------------- problems

export function problem(status: number, title: string, detail: string, slug: string, errors?: FieldError[]): HttpResult {
  return {
    statusCode: status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store" },
    body: JSON.stringify({ type: `/problems/${slug}`, title, status, detail, ...(errors ? { errors } : {}) }),
  };
}

/**
 * The stack frames of an error, without its message: a message may carry the input that caused it
 * (an e-mail, a name, a body), which must never reach the logs.
 */
export function stackFrames(err: unknown): string[] {
  const stack = err instanceof Error && typeof err.stack === "string" ? err.stack : "";
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .map((line) => line.trim())
    .slice(0, 30);
}

/** The names of an error and of its causes (never their messages). */
function errorNames(err: unknown): string[] {
  const names: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    names.push(e instanceof Error ? e.name : typeof e);
    e = e instanceof Error ? e.cause : undefined;
  }
  return names;
}

/**
 * The one mapping from errors to answers. Unknown errors are logged (one JSON line: request id,
 * route template, error name, causes' names and stack frames; no message, no input) and answered
 * 500.
 */
export function errorToResult(err: unknown, requestId: string, route?: string): HttpResult {
  if (err instanceof ValidationError) return problem(400, err.title, err.message, err.slug, err.errors);
  if (err instanceof TooManyRequestsError) {
    const r = problem(429, err.title, err.message, err.slug);
    return { ...r, headers: { ...r.headers, "retry-after": String(err.retryAfter) } };
  }
  if (err instanceof DomainError) return problem(err.status, err.title, err.message, err.slug);
  const [error, ...causes] = errorNames(err);
  console.error(
    JSON.stringify({ level: "error", requestId, ...(route ? { route } : {}), error, ...(causes.length ? { causes } : {}), stack: stackFrames(err) }),
  );
  return problem(500, "Internal error", `Something went wrong; quote request ${requestId} to the maintainers.`, "internal");
}

/** zod issues → one `{ path, message }` per bad field (an unknown key is named itself). */
export function zodErrors(error: z.ZodError, prefix: string[] = []): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const base = [...prefix, ...issue.path.map(String)];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: [...base, key].join("."), message: "is not an accepted field" });
    } else out.push({ path: base.join(".") || "(body)", message: issue.message });
  }
  return out;
}

// ---------------------------------------------------------------- parsing

function lowerHeaders(event: HttpEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function principalOf(event: HttpEvent): Principal | undefined {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims) return undefined;
  return { subject: String(claims.sub ?? "unknown"), roles: parseGroups(claims["cognito:groups"]) };
}

/**
 * In AWS the API is reached through CloudFront only: CloudFront adds a secret header
 * (`x-origin-verify`) to what it forwards, and a request without it (someone calling the
 * execute-api address directly) is refused. Locally `ORIGIN_VERIFY` is unset and nothing is checked.
 */
function checkOrigin(headers: Record<string, string>): void {
  const expected = process.env.ORIGIN_VERIFY;
  if (!expected) return;
  const given = Buffer.from(headers[ORIGIN_VERIFY_HEADER] ?? "");
  const want = Buffer.from(expected);
  if (given.length !== want.length || !timingSafeEqual(given, want))
    throw new ForbiddenError("This API is served through the association's site address only.");
}

/**
 * The caller's address. Behind CloudFront (ORIGIN_VERIFY set) API Gateway's `sourceIp` is a
 * CloudFront edge: the address is the `x-viewer-ip` header CloudFront sets, trusted only when the
 * request carries CloudFront's secret header. Locally (or called directly) it is `sourceIp`.
 */
export function clientIp(event: Pick<HttpEvent, "headers" | "requestContext">): string {
  const source = event.requestContext?.http?.sourceIp ?? "unknown";
  const expected = process.env.ORIGIN_VERIFY;
  if (!expected) return source;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  try {
    checkOrigin(headers);
  } catch {
    return source;
  }
  return headers[VIEWER_IP_HEADER]?.trim() || source;
}

function checkAccess(route: RouteDef, principal: Principal | undefined): void {
  if (route.auth === "public") return;
  if (!principal) throw new UnauthorizedError("A bearer token is required.");
  const allowed = route.auth;
  if (!principal.roles.some((r) => allowed.includes(r))) throw new ForbiddenError(`This route needs one of the roles: ${allowed.join(", ")}.`);
}

const isJsonType = (ct: string) => /^application\/([\w.+-]+\+)?json\b/i.test(ct);

function parseBody(route: RouteDef, raw: Buffer, headers: Record<string, string>): unknown {
  const max = route.maxBodyBytes ?? DEFAULT_MAX_BODY;
  if (raw.length > max) throw new PayloadTooLargeError(`The body is ${raw.length} bytes; the limit is ${max}.`);
  if (!route.body) return undefined;
  const ct = headers["content-type"] ?? "";
  if (raw.length === 0 && route.bodyOptional) return {};
  if (!isJsonType(ct)) throw new UnsupportedMediaTypeError("Send the body as application/json.");
  if (raw.length === 0) throw new ValidationError([{ path: "(body)", message: "A JSON body is required" }]);
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ValidationError([{ path: "(body)", message: "The body is not valid JSON" }]);
  }
}

function isDecodable(value: string): boolean {
  try {
    decodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}

function parseInputs(route: RouteDef, event: HttpEvent, headers: Record<string, string>, raw: Buffer) {
  const errors: FieldError[] = [];
  const run = (schema: z.ZodType | undefined, input: unknown) => {
    if (!schema) return undefined;
    const r = schema.safeParse(input);
    if (!r.success) {
      errors.push(...zodErrors(r.error));
      return undefined;
    }
    return r.data;
  };
  // API Gateway hands path parameters decoded; one still holding a malformed escape is refused by name.
  for (const [name, value] of Object.entries(event.pathParameters ?? {}))
    if (value?.includes("%") && !isDecodable(value)) errors.push({ path: name, message: "is not valid percent-encoding" });
  const params = run(route.params, event.pathParameters ?? {});
  const query = run(route.query, event.queryStringParameters ?? {});
  const bodyInput = parseBody(route, raw, headers);
  const body = route.body ? run(route.body, bodyInput) : undefined;
  if (errors.length) throw new ValidationError(errors);
  return { params, query, body };
}

/** The raw body bytes: API Gateway base64-encodes non-text bodies (`isBase64Encoded`). */
export function rawBodyOf(event: Pick<HttpEvent, "body" | "isBase64Encoded">): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, "base64") : Buffer.from(event.body, "utf8");
}

// ---------------------------------------------------------------- idempotency

/** Who a key belongs to: the token's subject on staff routes, the caller's address on public ones. */
function keyScope(route: RouteDef, event: HttpEvent, principal: Principal | undefined): string {
  return route.auth === "public" ? `ip:${clientIp(event)}` : `sub:${principal?.subject ?? "unknown"}`;
}

/** What a request asks for, as the key is bound to it: inputs parsed, the raw body's hash, declared fields left out. */
function askedFor(route: RouteDef, inputs: { params: unknown; query: unknown; body: unknown }, raw: Buffer): string {
  const ignore = typeof route.idempotent === "object" ? route.idempotent.ignore : [];
  const body =
    inputs.body && typeof inputs.body === "object" && ignore.length
      ? Object.fromEntries(Object.entries(inputs.body as Record<string, unknown>).filter(([k]) => !ignore.includes(k)))
      : inputs.body;
  return requestHash({ params: inputs.params ?? null, query: inputs.query ?? null, body: body ?? null, raw: route.rawBody ? sha256Hex(raw) : null });
}

const fromStored = (a: StoredAnswer): HttpResult => ({
  statusCode: a.status,
  headers: { ...a.headers, "idempotent-replayed": "true" },
  ...(a.body !== undefined ? { body: a.body } : {}),
  ...(a.base64 ? { isBase64Encoded: true } : {}),
});

const toStored = (r: HttpResult): StoredAnswer => ({
  status: r.statusCode ?? 200,
  headers: Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, String(v)])),
  ...(r.body !== undefined ? { body: r.body } : {}),
  ...(r.isBase64Encoded ? { base64: true } : {}),
});

/**
 * Runs `run` once per (operation, caller, key): the first successful answer is stored and every
 * replay answers it; a failure gives the key back. Without a key, or on a route not declared
 * idempotent, `run` simply runs.
 */
async function once(
  route: RouteDef,
  key: string | undefined,
  scope: () => string,
  asked: () => string,
  run: (idem: Idempotency | undefined) => Promise<HttpResult>,
): Promise<HttpResult> {
  if (!route.idempotent || key === undefined) return run(undefined);
  const db = dbFromEnv();
  const outcome = await claim(db, { operation: route.operationId, scope: scope(), key, requestHash: asked(), public: route.auth === "public" });
  if ("replay" in outcome) return fromStored(outcome.replay);
  const mine: Claim = outcome.run;
  let result: HttpResult;
  try {
    result = await run(intentOf(mine));
  } catch (err) {
    await releaseClaim(db, mine).catch(() => undefined);
    throw err;
  }
  const status = result.statusCode ?? 200;
  // An answer too large for one item (DynamoDB's 400 KB) is not kept: the key is given back, and
  // a retry runs again (the in-transaction markers keep the ledger's writes once).
  if (status >= 200 && status < 300) await completeClaim(db, mine, toStored(result)).catch(() => releaseClaim(db, mine).catch(() => undefined));
  else await releaseClaim(db, mine);
  return result;
}

// ---------------------------------------------------------------- the handler factory

function toResult(route: RouteDef, out: unknown): HttpResult {
  const reply: Reply = isReply(out) ? out : { body: out };
  const status = reply.status ?? route.response.status;
  const headers: Record<string, string> = { "cache-control": "no-store", ...(reply.headers ?? {}) };
  if (Buffer.isBuffer(reply.body)) {
    headers["content-type"] ??= route.response.contentType ?? "application/octet-stream";
    return { statusCode: status, headers, body: reply.body.toString("base64"), isBase64Encoded: true };
  }
  if (typeof reply.body === "string") {
    headers["content-type"] ??= route.response.contentType ?? "text/plain; charset=utf-8";
    return { statusCode: status, headers, body: reply.body };
  }
  if (reply.body === undefined) return { statusCode: status, headers };
  headers["content-type"] ??= "application/json";
  return { statusCode: status, headers, body: JSON.stringify(reply.body) };
}

/**
 * Builds the Lambda handler of one group: finds the route by `routeKey`, checks roles, parses the
 * input, runs the operation, maps the answer. Every route of the group must have its operation.
 */
export function defineGroup<G extends Group>(group: G, ops: NoInfer<OpsOf<G>>) {
  const table = new Map<string, RouteDef>();
  for (const r of routes as readonly RouteDef[]) if (r.group === group) table.set(routeKey(r), r);
  const operations = ops as unknown as Record<string, Operation<RouteDef>>;
  for (const r of table.values()) if (!operations[r.operationId]) throw new Error(`group ${group}: no operation for ${r.operationId}`);

  const readsSettings = GROUP_NEEDS[group].table !== "none";
  return async function handler(event: HttpEvent): Promise<HttpResult> {
    const requestId = event.requestContext?.requestId ?? "unknown";
    const route = table.get(event.routeKey);
    try {
      await loadSecrets();
      const headers = lowerHeaders(event);
      checkOrigin(headers);
      if (!route) throw new NotFoundError(`No route ${event.routeKey}.`);
      // The association's settings (cached a short time): the fiscal year start the dates read. Loaded
      // on first use, so a group without the table (system) never loads them.
      if (readsSettings && process.env.TABLE_NAME) await (await import("@asso/core/settings")).currentSettings(dbFromEnv());
      const principal = principalOf(event);
      checkAccess(route, principal);
      const rawBody = rawBodyOf(event);
      const { params, query, body } = parseInputs(route, event, headers, rawBody);
      const key = headers["idempotency-key"];
      if (key !== undefined) checkKey(key, route.auth === "public");
      return await once(
        route,
        key,
        () => keyScope(route, event, principal),
        () => askedFor(route, { params, query, body }, rawBody),
        async (idempotency) => {
          const req = { route, params, query, body, rawBody, headers, principal, idempotency, requestId };
          return toResult(route, await operations[route.operationId]!(req as Request<RouteDef>));
        },
      );
    } catch (err) {
      return errorToResult(err, requestId, route ? routeKey(route) : undefined);
    }
  };
}
