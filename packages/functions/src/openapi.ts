/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (never written by
 * hand): paths, parameters, bodies, answers, security and the problem+json error shape.
 */
import * as z from "zod";
import { problemsOf, type RouteDef } from "./route.js";
import { routes } from "./routes.js";
import { ProblemSchema } from "./schemas.js";

type Json = Record<string, unknown>;

/** Named schemas (`.meta({ id })`) gathered while the document is built: they become components. */
let components: Record<string, Json> = {};

/** `#/$defs/X` (zod's local definitions) → `#/components/schemas/X`, the definitions moved there. */
function hoist(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(hoist);
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === "$schema") continue;
    if (k === "$defs") {
      for (const [name, def] of Object.entries(v as Json)) components[name] = hoist(def) as Json;
      continue;
    }
    out[k] = k === "$ref" && typeof v === "string" ? v.replace("#/$defs/", "#/components/schemas/") : hoist(v);
  }
  return out;
}

const schemaOf = (s: z.ZodType, io: "input" | "output"): Json => hoist(z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" })) as Json;

function parameters(route: RouteDef): Json[] {
  const out: Json[] = [];
  const add = (where: "path" | "query", s: z.ZodType | undefined) => {
    if (!s) return;
    const js = schemaOf(s, "input") as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(js.properties ?? {}))
      out.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema });
  };
  add("path", route.params);
  add("query", route.query);
  if (route.idempotent)
    out.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description: "Sent again with the same request, answers the first answer and writes nothing (24 h, per caller).",
      schema: { type: "string", minLength: 1, maxLength: route.auth === "public" ? 100 : 255 },
    });
  return out;
}

const problemRef = { $ref: "#/components/schemas/Problem" };
const problemAnswer = (status: number, description: string): Json => ({
  description,
  ...(status === 429 ? { headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer", minimum: 1 } } } } : {}),
  content: { "application/problem+json": { schema: problemRef } },
});

function success(description: string, schema: z.ZodType | undefined, contentType: string | undefined): Json {
  return {
    description,
    content: { [contentType ?? "application/json"]: { schema: schema ? schemaOf(schema, "output") : { type: "string", format: "binary" } } },
  };
}

function requestBody(route: RouteDef): Json | undefined {
  if (route.body) return { required: !route.bodyOptional, content: { "application/json": { schema: schemaOf(route.body, "input") } } };
  if (!route.rawBody) return undefined;
  const types = route.rawTypes ?? ["application/octet-stream"];
  return {
    required: true,
    description: `The file itself as the body (${Math.round((route.maxBodyBytes ?? 1024 * 1024) / 1024 / 1024)} MiB at most).`,
    content: Object.fromEntries(types.map((t) => [t, { schema: { type: "string", format: "binary" } }])),
  };
}

function operation(route: RouteDef): Json {
  const responses: Record<string, Json> = {
    [route.response.status]: success("Success", route.response.schema, route.response.contentType),
  };
  for (const a of route.alternatives ?? []) responses[a.status] = success(a.description, a.schema, a.contentType);
  for (const [status, why] of Object.entries(problemsOf(route))) responses[status] = problemAnswer(Number(status), why);
  const body = requestBody(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.group],
    ...(route.auth === "public" ? { security: [] } : { security: [{ bearer: [] }], "x-roles": route.auth }),
    parameters: parameters(route),
    ...(body ? { requestBody: body } : {}),
    responses,
  };
}

const TAGS: Record<string, string> = {
  system: "Health, this description, the caller",
  ledger: "The double-entry ledger: chart, entries, years and closing, balances, exports",
  public: "The public giving page: tiers, settings, Stripe Checkout",
  webhooks: "Stripe events",
  people: "Donors, members, receipts, payment incidents",
  documents: "Receipt PDFs",
  grants: "Funders, grants, expenses and invoices, fonds dédiés",
  bank: "Bank statements and reconciliation",
  reports: "The annual report and social metrics",
};

export function buildOpenApi(serverUrl = "/"): Json {
  components = {};
  // The problem shape first: its definition is hoisted into `components` like every named schema.
  const problem = schemaOf(ProblemSchema, "output");
  if (!("Problem" in components)) components.Problem = problem;
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes as readonly RouteDef[]) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  const used = new Set((routes as readonly RouteDef[]).map((r) => r.group));
  return {
    openapi: "3.1.0",
    info: {
      title: "Association back-office API",
      version: "1",
      description: "Ledger, giving, receipts and reports for a French association (loi 1901). Money is integer cents.",
      license: { name: "GNU Affero General Public License v3.0 or later", identifier: "AGPL-3.0-or-later" },
    },
    servers: [{ url: serverUrl }],
    tags: Object.entries(TAGS)
      .filter(([name]) => used.has(name as RouteDef["group"]))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { ...components },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}
