/** The system routes: health, the API description, and what the caller may do. */
import * as z from "zod";
import { defineRoute, type RouteDef } from "../route.js";
import { HealthSchema } from "../schemas.js";
import { READERS } from "./common.js";

export const MeSchema = z
  .object({
    sub: z.string(),
    roles: z.array(z.string()),
    operations: z
      .array(z.object({ operationId: z.string(), method: z.string(), path: z.string() }))
      .describe("every route of the table the caller's roles may call"),
  })
  .meta({ id: "Me" });

export const systemRoutes = [
  defineRoute({
    method: "GET",
    path: "/v1/health",
    group: "system",
    operationId: "health",
    summary: "Liveness: the API answers.",
    auth: "public",
    response: { status: 200, schema: HealthSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/openapi.json",
    group: "system",
    operationId: "openapi",
    summary: "This API's OpenAPI 3.1 description, generated from the route table and its schemas.",
    auth: "public",
    response: { status: 200, schema: z.record(z.string(), z.unknown()) },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/me",
    group: "system",
    operationId: "me",
    summary: "The caller: subject, roles, and the operations of the route table those roles may call (the console shows only these).",
    auth: READERS,
    response: { status: 200, schema: MeSchema },
  }),
] as const satisfies readonly RouteDef[];
