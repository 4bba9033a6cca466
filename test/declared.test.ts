/** The check that keeps the OpenAPI document true (test/support/declared.ts) can fail. */
import { expect, it } from "vitest";
import { checkDeclared, routeFor } from "./support/declared.js";

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

it("finds the route of a concrete path, exact paths before templates", () => {
  expect(routeFor("GET", "/v1/ledger/entries/abc-1")?.operationId).toBe("getEntry");
  expect(routeFor("GET", "/v1/ledger/entries?limit=2")?.operationId).toBe("listEntries");
  expect(routeFor("GET", "/v1/nowhere")).toBeUndefined();
});

it("refuses an answer its route does not declare, and accepts one it does", async () => {
  await expect(checkDeclared("GET", "/v1/health", json({ status: 42 }))).rejects.toThrow(/does not declare/);
  await expect(checkDeclared("GET", "/v1/health", json({ status: "ok", time: new Date().toISOString() }))).resolves.toBeUndefined();
  // Problems and other statuses are not the declared answer: not checked here (the error model tests them).
  await expect(checkDeclared("GET", "/v1/health", json({ anything: true }, 500))).resolves.toBeUndefined();
});

it("refuses a status its route does not declare, and accepts the route's problems (issue 21: every status a test observes is declared)", async () => {
  const problem = (status: number) =>
    new Response(JSON.stringify({ type: "/problems/x", title: "x", status, detail: "x" }), { status, headers: { "content-type": "application/problem+json" } });
  // GET /v1/health declares no 404 and no 409.
  await expect(checkDeclared("GET", "/v1/health", problem(409))).rejects.toThrow(/does not declare/);
  // GET /v1/ledger/entries/{id} declares its 404 in the route table; 401 and 403 come from the edge.
  for (const s of [404, 401, 403, 500]) await expect(checkDeclared("GET", "/v1/ledger/entries/abc-1", problem(s))).resolves.toBeUndefined();
  await expect(checkDeclared("GET", "/v1/ledger/entries/abc-1", problem(422))).rejects.toThrow(/getEntry/);
  // An idempotent POST declares 409 (a key reused), a public checkout its 429.
  await expect(checkDeclared("POST", "/v1/public/donations/checkout", problem(429))).resolves.toBeUndefined();
  await expect(checkDeclared("POST", "/v1/ledger/accounts", problem(409))).resolves.toBeUndefined();
});
