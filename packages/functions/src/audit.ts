/**
 * What every staff write carries from its request: who made it (the token's subject and the role
 * it acts with) and from where (the request id), kept beside what it wrote. (The Idempotency-Key
 * is the edge's: http.ts claims it for every route declared `idempotent`.)
 */
import type { Actor } from "@asso/core/ledger";
import type { Request } from "./http.js";
import type { RouteDef } from "./route.js";

/** The audit trail of a write: the token's subject, the first of its roles the route allows, the request id. */
export function actorOf(req: Request<RouteDef>): Actor {
  const allowed = req.route.auth === "public" ? [] : req.route.auth;
  const role = req.principal?.roles.find((r) => allowed.includes(r)) ?? req.principal?.roles[0] ?? "public";
  return { sub: req.principal?.subject ?? "anonymous", role, requestId: req.requestId };
}
