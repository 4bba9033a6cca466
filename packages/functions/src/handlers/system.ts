/** Lambda: health, the OpenAPI description, and what the caller may do. */
import { defineGroup } from "../http.js";
import { buildOpenApi } from "../openapi.js";
import type { Role } from "../roles.js";
import type { RouteDef } from "../route.js";
import { routes } from "../routes.js";

let openapi: unknown;

/** The routes `roles` may call, read from the one route table (public routes included). */
export function operationsFor(roles: readonly Role[]): { operationId: string; method: string; path: string }[] {
  return (routes as readonly RouteDef[])
    .filter((r) => r.auth === "public" || r.auth.some((role) => roles.includes(role)))
    .map((r) => ({ operationId: r.operationId, method: r.method, path: r.path }));
}

export const handler = defineGroup("system", {
  health: async () => ({ status: "ok", time: new Date().toISOString() }),
  openapi: async () => (openapi ??= buildOpenApi()),
  me: async (req) => {
    const roles = req.principal?.roles ?? [];
    return { sub: req.principal?.subject ?? "unknown", roles, operations: operationsFor(roles) };
  },
});
