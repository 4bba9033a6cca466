/** The system routes: health and the API description. */
import * as z from "zod";
import { defineRoute, type RouteDef } from "../route.js";
import { HealthSchema } from "../schemas.js";

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
] as const satisfies readonly RouteDef[];
