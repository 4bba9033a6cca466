/** What one route is: the route table (routes.ts) is a list of these. */
import type { z } from "zod";
import type { Role } from "./roles.js";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** One Lambda per group: the stack makes one function per group, the gateway loads its module. */
export const GROUPS = ["system", "ledger", "public", "webhooks", "people", "documents", "grants", "bank", "reports"] as const;
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
  /** The operation reads the raw body itself (webhook signatures); only its size is checked here. */
  rawBody?: boolean;
  /** An empty body stands for `{}`. */
  bodyOptional?: boolean;
  /** Largest accepted body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  response: { status: number; schema?: z.ZodType; contentType?: string };
  /** The operation honours `Idempotency-Key` (every staff POST does). */
  idempotent?: boolean;
}

export function defineRoute<const R extends RouteDef>(route: R): R {
  return route;
}

export const routeKey = (r: Pick<RouteDef, "method" | "path">) => `${r.method} ${r.path}`;
