/** The expense corrections' operations, served by the grants Lambda (handlers/grants.ts) with the other expense routes. */
import { dbFromEnv } from "@asso/core/db";
import { allocateExpense, cancelExpense, creditExpense, payExpense, reclassifyExpense } from "@asso/core/spending";
import { actorOf } from "../audit.js";
import type { Request } from "../http.js";
import type { expenseRoutes } from "../routes/expenses.js";

type Route<Op extends string> = Extract<(typeof expenseRoutes)[number], { operationId: Op }>;

export const expenseCorrections = {
  cancelExpense: async (req: Request<Route<"cancelExpense">>) => cancelExpense(dbFromEnv(), req.params.id, req.body, req.idempotency, actorOf(req)),
  creditExpense: async (req: Request<Route<"creditExpense">>) => creditExpense(dbFromEnv(), req.params.id, req.body, req.idempotency, actorOf(req)),
  payExpense: async (req: Request<Route<"payExpense">>) => payExpense(dbFromEnv(), req.params.id, req.body, req.idempotency, actorOf(req)),
  reclassifyExpense: async (req: Request<Route<"reclassifyExpense">>) => reclassifyExpense(dbFromEnv(), req.params.id, req.body, req.idempotency, actorOf(req)),
  allocateExpense: async (req: Request<Route<"allocateExpense">>) => allocateExpense(dbFromEnv(), req.params.id, req.body, actorOf(req)),
};
