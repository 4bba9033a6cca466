/**
 * The double's route tables, like the gateway's: each row a method, a path pattern (`{name}` stands
 * for one id-like segment) and a handler that receives the shared state and answers.
 */
import type { State } from "./state.js";

export interface Ctx {
  s: State;
  /** The path's `{name}` segments. */
  params: Record<string, string>;
  /** The parameters: form fields (API, pages), the query (API GET) or the JSON body (development routes). */
  p: Record<string, unknown>;
  method: string;
  path: string;
}

export type Answer = { json: unknown; status?: number } | { html: string; status?: number } | { redirect: string };

export interface Route {
  method: "GET" | "POST" | "DELETE";
  path: string;
  handler: (c: Ctx) => Answer | Promise<Answer>;
}

export const ok = (json: unknown): Answer => ({ json });

export interface Table {
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined;
}

export function table(routes: readonly Route[]): Table {
  const compiled = routes.map((route) => {
    const names: string[] = [];
    const pattern = route.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return "(\\w+)";
    });
    return { route, names, regex: new RegExp(`^${pattern}$`) };
  });
  return {
    match(method, path) {
      for (const c of compiled) {
        if (c.route.method !== method) continue;
        const m = c.regex.exec(path);
        if (m) return { route: c.route, params: Object.fromEntries(c.names.map((n, i) => [n, m[i + 1]!])) };
      }
      return undefined;
    },
  };
}
