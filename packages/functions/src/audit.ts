/**
 * What every staff write carries from its request: who made it (the token's subject and the role
 * it acts with) and from where (the request id), kept beside what it wrote; and the caller's
 * Idempotency-Key bound to what was asked, so a replay answers the first answer.
 */
import { requestHash } from "@asso/core/hash";
import type { Actor } from "@asso/core/ledger/model";
import type { Idempotency } from "@asso/core/ledger/posting";
import type { Request } from "./http.js";
import type { RouteDef } from "./route.js";

/** The audit trail of a write: the token's subject, the first of its roles the route allows, the request id. */
export function actorOf(req: Request<RouteDef>): Actor {
  const allowed = req.route.auth === "public" ? [] : req.route.auth;
  const role = req.principal?.roles.find((r) => allowed.includes(r)) ?? req.principal?.roles[0] ?? "public";
  return { sub: req.principal?.subject ?? "anonymous", role, requestId: req.requestId };
}

/** The request's Idempotency-Key bound to `what` it asks (none without a key). */
export function idempotencyOf(req: Request<RouteDef>, what: unknown, operation: string = req.route.operationId): Idempotency | undefined {
  return req.idempotencyKey ? { operation, key: req.idempotencyKey, requestHash: requestHash(what) } : undefined;
}
