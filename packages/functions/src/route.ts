/** What one route is: the route table (routes.ts) is a list of these. */
import type { z } from "zod";
import type { Role } from "./roles.js";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** One Lambda per group: the stack makes one function per group, the gateway loads its module. */
export const GROUPS = [
  "system",
  "ledger",
  "public",
  "webhooks",
  "people",
  "documents",
  "grants",
  "bank",
  "reports",
  "settings",
  "donor",
  "mail",
  "projects",
] as const;
export type Group = (typeof GROUPS)[number];

export interface RouteDef {
  method: Method;
  /** API Gateway path template: `/v1/ledger/entries/{id}/reversal`. */
  path: string;
  group: Group;
  operationId: string;
  summary: string;
  /** `public`, or the roles allowed; staff routes sit behind the JWT authorizer. */
  auth: "public" | readonly Role[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The operation reads the raw body itself (webhook signatures, files); only its size is checked here. */
  rawBody?: boolean;
  /** The media types a raw body is accepted as (the API description's request body); default octet-stream. */
  rawTypes?: readonly string[];
  /** An empty body stands for `{}`. */
  bodyOptional?: boolean;
  /** Largest accepted body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  response: { status: number; schema?: z.ZodType; contentType?: string };
  /** More success answers than `response` (an export run as a job: 202). */
  alternatives?: readonly { status: number; description: string; schema?: z.ZodType; contentType?: string }[];
  /**
   * The problems the operation itself answers, each with when (problem+json). The edge's own are
   * added by `statusesOf`: 400 bad input, 401/403 token and role, 403 not through the site's
   * address, 409 an Idempotency-Key reused, 413/415 body size and type, 500.
   */
  errors?: Partial<Record<ErrorStatus, string>>;
  /**
   * The route honours `Idempotency-Key` (every staff POST does), applied by the HTTP edge: the key
   * is claimed for the caller before the operation runs, a replay answers the first answer and
   * writes nothing, another body under the key is a 409. `ignore`: body fields left out of what the
   * key is bound to (a CAPTCHA token a retry renews).
   */
  idempotent?: true | { ignore: readonly string[] };
}

/** The problem statuses a route may declare for its operation. */
export type ErrorStatus = 400 | 401 | 404 | 409 | 412 | 413 | 415 | 422 | 429 | 502 | 503;

/** Every problem a route may answer, with when: the edge's own and the route's `errors`. */
export function problemsOf(route: RouteDef): Record<number, string> {
  const out: Record<number, string> = {};
  if (route.params || route.query || route.body || route.rawBody || route.idempotent) out[400] = "Invalid input; every bad field listed";
  if (route.auth !== "public") out[401] = "No token, or an invalid or expired one";
  out[403] = route.auth === "public" ? "Not called through the association's site address" : "The token's roles may not call this route";
  if (route.idempotent) out[409] = "This Idempotency-Key was used with another request, or its first request is still running";
  if (route.body || route.rawBody) out[413] = "The body is over the route's size limit";
  if (route.body) out[415] = "The body is not application/json";
  Object.assign(out, route.errors ?? {});
  out[500] = "Internal error (quote the request id)";
  return out;
}

/** Every status a route may answer: its successes and its problems. */
export function statusesOf(route: RouteDef): number[] {
  const ok = [route.response.status, ...(route.alternatives ?? []).map((a) => a.status)];
  return [...new Set([...ok, ...Object.keys(problemsOf(route)).map(Number)])].sort((a, b) => a - b);
}

export function defineRoute<const R extends RouteDef>(route: R): R {
  return route;
}

export const routeKey = (r: Pick<RouteDef, "method" | "path">) => `${r.method} ${r.path}`;
