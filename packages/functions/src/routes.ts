/**
 * The one route table. The CDK stack (stacks/) makes one HTTP API route per row, with the JWT
 * authorizer on every staff row; the local gateway (infra/) matches requests against the same rows;
 * the group handlers check roles and parse input with the schemas named here; the OpenAPI document
 * is generated from it.
 */
import * as z from "zod";
import { defineRoute, type RouteDef } from "./route.js";
import { AccountsSchema, HealthSchema } from "./schemas.js";
import type { Role } from "./roles.js";

const READERS: readonly Role[] = ["tresorier", "delegation", "auditor"];

export const routes = [
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
    path: "/v1/ledger/accounts",
    group: "ledger",
    operationId: "listAccounts",
    summary: "The chart of accounts.",
    auth: READERS,
    response: { status: 200, schema: AccountsSchema },
  }),
] as const satisfies readonly RouteDef[];

export type AppRoute = (typeof routes)[number];
export type OperationId = AppRoute["operationId"];
