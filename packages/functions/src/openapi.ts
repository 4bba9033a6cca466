/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (never written by
 * hand): paths, parameters, bodies, answers, security and the problem+json error shape.
 */
import * as z from "zod";
import type { RouteDef } from "./route.js";
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
  if (route.method === "POST" && route.auth !== "public")
    out.push({ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 255 } });
  return out;
}

const problemRef = { $ref: "#/components/schemas/Problem" };
const problemAnswer = (description: string) => ({ description, content: { "application/problem+json": { schema: problemRef } } });

export function buildOpenApi(serverUrl = "/"): Json {
  components = {};
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes as readonly RouteDef[]) {
    const op: Json = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.group],
      parameters: parameters(route),
      responses: {
        [route.response.status]: {
          description: "Success",
          content: {
            [route.response.contentType ?? "application/json"]: {
              schema: route.response.schema ? schemaOf(route.response.schema, "output") : { type: "string", format: "binary" },
            },
          },
        },
        ...(route.body || route.params || route.query ? { 400: problemAnswer("Invalid input; every bad field listed") } : {}),
        ...(route.auth === "public" ? {} : { 401: problemAnswer("No or invalid token"), 403: problemAnswer("Role not allowed") }),
        409: problemAnswer("Business conflict"),
        500: problemAnswer("Internal error"),
      },
    };
    if (route.auth !== "public") {
      op.security = [{ bearer: [] }];
      op["x-roles"] = route.auth;
    }
    if (route.body) op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(route.body, "input") } } };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Association back-office API",
      version: "1",
      description: "Ledger, giving, receipts and reports for a French association (loi 1901). Money is integer cents.",
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { ...components, Problem: schemaOf(ProblemSchema, "output") },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}
