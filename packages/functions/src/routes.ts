/**
 * The one route table. The CDK stack (stacks/) makes one HTTP API route per row, with the JWT
 * authorizer on every staff row; the local gateway (infra/) matches requests against the same rows;
 * the group handlers check roles and parse input with the schemas named here; the OpenAPI document
 * is generated from it. Each domain keeps its rows in `routes/<domain>.ts`; this file joins them.
 */
import type { RouteDef } from "./route.js";
import { bankRoutes } from "./routes/bank.js";
import { donorRoutes } from "./routes/donor.js";
import { expenseRoutes } from "./routes/expenses.js";
import { givingRoutes } from "./routes/giving.js";
import { grantRoutes } from "./routes/grants.js";
import { ledgerRoutes } from "./routes/ledger.js";
import { mailRoutes } from "./routes/mail.js";
import { peopleRoutes } from "./routes/people.js";
import { projectRoutes } from "./routes/projects.js";
import { reportRoutes } from "./routes/reports.js";
import { settingsRoutes } from "./routes/settings.js";
import { systemRoutes } from "./routes/system.js";
import { todoRoutes } from "./routes/todo.js";
import { volunteerRoutes } from "./routes/volunteers.js";

export const routes = [
  ...systemRoutes,
  ...ledgerRoutes,
  ...givingRoutes,
  ...peopleRoutes,
  ...grantRoutes,
  ...expenseRoutes,
  ...bankRoutes,
  ...reportRoutes,
  ...settingsRoutes,
  ...donorRoutes,
  ...mailRoutes,
  ...projectRoutes,
  ...todoRoutes,
  ...volunteerRoutes,
] as const satisfies readonly RouteDef[];

export type AppRoute = (typeof routes)[number];
export type OperationId = AppRoute["operationId"];
