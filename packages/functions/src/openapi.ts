/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (never written by
 * hand): paths, parameters, bodies, answers, security and the problem+json error shape.
 */
import * as z from "zod";
import type { RouteDef } from "./route.js";
import { routes } from "./routes.js";
import { ProblemSchema } from "./schemas.js";

type Json = Record<string, unknown>;

const schemaOf = (s: z.ZodType, io: "input" | "output"): Json =>
  z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;

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
    if (route.body)
      op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(route.body, "input") } } };
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
      schemas: { Problem: schemaOf(ProblemSchema, "output") },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}
