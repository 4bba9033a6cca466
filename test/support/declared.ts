/**
 * Every answer a test reads through the stack is checked against the schema its route declares
 * (the schema the OpenAPI document is generated from), so the document cannot lie: a route that
 * answers something else than it declares fails the test that called it, and so does a status the
 * route does not declare.
 */
import { routes, statusesOf, type RouteDef } from "@asso/functions";

const table = (routes as readonly RouteDef[]).map((r) => ({
  route: r,
  pattern: new RegExp(`^${r.path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
}));

/** The route a request went to (exact paths before templates, as API Gateway matches). */
export function routeFor(method: string, path: string): RouteDef | undefined {
  const bare = path.split("?")[0]!;
  const candidates = table.filter((t) => t.route.method === method && t.pattern.test(bare));
  return candidates.find((t) => t.route.path === bare)?.route ?? candidates.sort((a, b) => b.route.path.length - a.route.path.length)[0]?.route;
}

/**
 * Throws when a route answers a status it does not declare (its successes and `problemsOf`: the
 * route table's `errors` and the edge's own), or a JSON answer with the route's declared status
 * that does not match its declared schema.
 */
export async function checkDeclared(method: string, path: string, res: Response): Promise<void> {
  const route = routeFor(method, path);
  if (route && !statusesOf(route).includes(res.status)) {
    const why = `${method} ${path} answered ${res.status}, a status its route (${route.operationId}) does not declare (${statusesOf(route).join(", ")})`;
    throw new Error(why);
  }
  const schema = route?.response.schema;
  if (!route || !schema || res.status !== route.response.status) return;
  if (!(res.headers.get("content-type") ?? "").includes("json")) return;
  const body = await res.clone().json();
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new Error(
      `${method} ${path} answered ${res.status} with a body its route (${route.operationId}) does not declare:\n` +
        parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n"),
    );
}
