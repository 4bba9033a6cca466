/**
 * Correcting what a trésorier typed about projects and budgets, through the HTTP surface: a
 * project's name or description corrected with a reason (the code stays, the history keeps who,
 * when, before and after; every answer and statement shows the new name), bad corrections named
 * field by field and nothing written; a budget saved with If-Match only over the version read (a
 * stale tab gets 412 and overwrites nothing), each save in the budget's history.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, opts: { role?: string; headers?: Record<string, string> } = {}) {
  const res = await stack.call(method, path, { body, role: opts.role ?? "tresorier", ...(opts.headers ? { headers: opts.headers } : {}) });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get("etag"), body: (text ? JSON.parse(text) : undefined) as Json };
}

describe("a project corrected", () => {
  beforeAll(async () => {
    expect((await call("POST", "/v1/projects", { code: "ECOLE", name: "Ecole du numerqiue" })).status).toBe(201);
  });

  it("the name and description are corrected with a reason; the code stays; the history says who, when, before and after", async () => {
    const r = await call("POST", "/v1/projects/ecole/correction", {
      name: "École du numérique",
      description: "Ateliers pour les collégiens",
      reason: "Faute de frappe",
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ code: "ECOLE", name: "École du numérique", description: "Ateliers pour les collégiens", version: 1 });
    expect(r.body.history).toEqual([
      {
        version: 1,
        at: expect.any(String),
        by: { sub: expect.any(String), role: "tresorier" },
        reason: "Faute de frappe",
        before: { name: "Ecole du numerqiue", description: null },
        after: { name: "École du numérique", description: "Ateliers pour les collégiens" },
      },
    ]);
    const list = await call("GET", "/v1/projects", undefined, { role: "auditor" });
    expect(list.body.items.find((p: Json) => p.code === "ECOLE")).toMatchObject({ name: "École du numérique", version: 1 });
    // The description cleared; the same correction again changes nothing.
    const cleared = await call("POST", "/v1/projects/ECOLE/correction", { description: "" });
    expect(cleared.body).toMatchObject({ description: null, version: 2 });
    const again = await call("POST", "/v1/projects/ECOLE/correction", { description: null });
    expect(again.body.version).toBe(2);
    // Statements show the new name.
    const st = await call("GET", `/v1/projects/ECOLE/statement?year=${new Date().getFullYear()}`);
    expect(st.status).toBe(200);
    expect(st.body.project.name).toBe("École du numérique");
  });

  it("refuses a correction naming each bad field, an unknown project, another role; nothing written", async () => {
    const bad = await call("POST", "/v1/projects/ECOLE/correction", { name: "", description: "x".repeat(1001), code: "AUTRE" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.path)).toEqual(expect.arrayContaining(["name", "description"]));
    const nothing = await call("POST", "/v1/projects/ECOLE/correction", {});
    expect(nothing.status).toBe(400);
    expect(nothing.body.errors[0].message).toMatch(/rien à corriger/);
    expect((await call("POST", "/v1/projects/NOPE/correction", { name: "Autre" })).status).toBe(404);
    expect((await call("POST", "/v1/projects/ECOLE/correction", { name: "Autre" }, { role: "delegation" })).status).toBe(403);
    expect((await call("POST", "/v1/projects/ECOLE/correction", { name: "Autre" }, { role: "auditor" })).status).toBe(403);
    const list = await call("GET", "/v1/projects");
    expect(list.body.items.find((p: Json) => p.code === "ECOLE")).toMatchObject({ name: "École du numérique", version: 2 });
  });
});

describe("a budget saved over the version read", () => {
  const year = 2025;
  const lines = (amount: number) => ({
    lines: [
      { account: "606", amount },
      { account: "7541", amount: amount * 2 },
    ],
    note: `budget à ${amount}`,
  });

  it("GET gives the version as ETag; PUT with If-Match saves over it; a stale If-Match is a 412 that writes nothing", async () => {
    const first = await call("GET", `/v1/budgets/${year}`);
    expect(first.etag).toBe('"0"');
    const saved = await call("PUT", `/v1/budgets/${year}`, lines(1_000), { headers: { "if-match": first.etag! } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.etag).toBe('"1"');
    // Another tab still holds version 0: its save is refused, the budget kept.
    const stale = await call("PUT", `/v1/budgets/${year}`, lines(9_999), { headers: { "if-match": '"0"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.detail).toMatch(/rechargez-le/);
    const kept = await call("GET", `/v1/budgets/${year}`);
    expect(kept.body.lines.map((l: Json) => l.amount)).toEqual([1_000, 2_000]);
    expect(kept.body.version).toBe(1);
    // Without If-Match, the save goes over whatever is there (as before).
    expect((await call("PUT", `/v1/budgets/${year}`, lines(1_500))).status).toBe(200);
    const bad = await call("PUT", `/v1/budgets/${year}`, lines(1_500), { headers: { "if-match": "abc" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.path)).toEqual(["If-Match"]);
  });

  it("keeps every save in the budget's history: version, who, when, lines and totals, note", async () => {
    const b = await call("GET", `/v1/budgets/${year}`, undefined, { role: "auditor" });
    expect(b.body.history).toEqual([
      {
        version: 1,
        at: expect.any(String),
        by: { sub: expect.any(String), role: "tresorier" },
        lines: 2,
        charges: 1_000,
        produits: 2_000,
        note: "budget à 1000",
      },
      {
        version: 2,
        at: expect.any(String),
        by: { sub: expect.any(String), role: "tresorier" },
        lines: 2,
        charges: 1_500,
        produits: 3_000,
        note: "budget à 1500",
      },
    ]);
  });
});
