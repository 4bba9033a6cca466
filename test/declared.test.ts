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
