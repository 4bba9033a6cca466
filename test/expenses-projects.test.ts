/**
 * Projects on expenses from their creation, through the HTTP surface (issue 20, item 1): an expense
 * booked with one project or split 60/40 writes its purchase's charge lines on those projects (to
 * the cent), the figures by project show the charges and still add up to the compte de résultat; a
 * split that does not make 100 %, an unknown project, or both `project` and `projects`, are refused
 * naming the field, with nothing written; `GET /v1/expenses?project=` lists the expenses a project
 * carries, a page at a time; a cancellation takes the charge off the same projects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
const ok = async (method: string, path: string, body?: unknown, status = 201) => {
  const r = await call(method, path, body);
  if (r.status !== status) throw new Error(`${method} ${path} → ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
};
const expenseBody = (pieceRef: string, extra: Json = {}) => ({
  date: "2025-03-12",
  supplier: "Imprimerie Lumière",
  account: "6064",
  amount: 100_001,
  label: "Affiches et livrets",
  pieceRef,
  ...extra,
});
const lines = (e: Json) => e.lines.map((l: Json) => [l.account, l.debit, l.credit, l.project ?? null]);
const entryCount = async () => (await call("GET", "/v1/ledger/integrity", undefined, "auditor")).body.entries as number;
const figures = async () => (await call("GET", "/v1/projects/figures?year=2025", undefined, "auditor")).body;
const listed = async (query: string) => {
  const r = await call("GET", `/v1/expenses?year=2025${query}`, undefined, "delegation");
  expect(r.status).toBe(200);
  return r.body as { items: Json[]; nextCursor: string | null };
};
const ids: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack();
  await ok("POST", "/v1/projects", { code: "ECOLE", name: "École du numérique" });
  await ok("POST", "/v1/projects", { code: "JARDIN", name: "Jardins partagés" });
}, 120_000);
afterAll(() => stack?.close());

describe("an expense's projects from its creation", () => {
  it("split 60/40: the purchase's charge lines carry the projects to the cent; the figures show them and add up to the compte de résultat", async () => {
    const r = await ok(
      "POST",
      "/v1/expenses",
      expenseBody("LUM-1", {
        projects: [
          { projectId: "ecole", share: 0.6 },
          { projectId: "JARDIN", share: 0.4 },
        ],
      }),
    );
    ids.split = r.id;
    expect(r.projects).toEqual([
      { projectId: "ECOLE", share: 0.6 },
      { projectId: "JARDIN", share: 0.4 },
    ]);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0].journal).toBe("HA");
    // 60 000,60 and 40 000,40 cents: the cent left goes to the largest remainder.
    expect(lines(r.entries[0])).toEqual([
      ["6064", 60_001, 0, "ECOLE"],
      ["6064", 40_000, 0, "JARDIN"],
      ["401", 0, 100_001, null],
    ]);
    // One project, named by its code, the whole amount; paid: the payment's lines carry no project.
    const whole = await ok(
      "POST",
      "/v1/expenses",
      expenseBody("LUM-2", { date: "2025-03-14", amount: 25_000, project: "jardin", paid: { date: "2025-03-14", method: "bank" } }),
    );
    ids.whole = whole.id;
    expect(whole.projects).toEqual([{ projectId: "JARDIN", share: 1 }]);
    expect(lines(whole.entries[0])).toEqual([
      ["6064", 25_000, 0, "JARDIN"],
      ["401", 0, 25_000, null],
    ]);
    expect(lines(whole.entries[1])).toEqual([
      ["401", 25_000, 0, null],
      ["512", 0, 25_000, null],
    ]);
    // And one without a project.
    ids.none = (await ok("POST", "/v1/expenses", expenseBody("LUM-3", { date: "2025-03-15", amount: 7_000, account: "6251" }))).id;

    const f = await figures();
    expect(f.items.find((i: Json) => i.code === "ECOLE").actual.charges).toBe(60_001);
    expect(f.items.find((i: Json) => i.code === "JARDIN").actual.charges).toBe(65_000);
    expect(f.unassigned.actual.charges).toBe(7_000);
    expect(f.total.charges).toBe(132_001);
    expect(f.items.reduce((s: number, i: Json) => s + i.actual.charges, 0) + f.unassigned.actual.charges).toBe(f.total.charges);
    const cr = await call("GET", "/v1/reports/2025/figures", undefined, "auditor");
    expect(cr.status).toBe(200);
    expect(f.total.result).toBe(cr.body.statements.compteDeResultat.result);
    expect(f.total.charges).toBe(cr.body.statements.compteDeResultat.totals.charges);

    // The expense read again keeps its projects.
    expect((await call("GET", `/v1/expenses/${ids.split}`, undefined, "auditor")).body.projects).toEqual(r.projects);
  });

  it("a split of 90 %, an unknown project, or both project and projects: 400 naming the field, nothing written", async () => {
    const before = await entryCount();
    const count = (await listed("")).items.length;
    const ninety = await call(
      "POST",
      "/v1/expenses",
      expenseBody("LUM-BAD-1", {
        projects: [
          { projectId: "ECOLE", share: 0.5 },
          { projectId: "JARDIN", share: 0.4 },
        ],
      }),
    );
    expect(ninety.status).toBe(400);
    expect(ninety.body.errors).toEqual([{ path: "projects", message: "les parts font 90 %, pas 100 %" }]);

    const unknown = await call(
      "POST",
      "/v1/expenses",
      expenseBody("LUM-BAD-2", {
        projects: [
          { projectId: "ECOLE", share: 0.5 },
          { projectId: "PISCINE", share: 0.5 },
        ],
      }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: "projects.1.projectId", message: expect.stringContaining("PISCINE") }]);

    const unknownOne = await call("POST", "/v1/expenses", expenseBody("LUM-BAD-3", { project: "PISCINE" }));
    expect(unknownOne.status).toBe(400);
    expect(unknownOne.body.errors.map((e: Json) => e.path)).toEqual(["project"]);

    const both = await call("POST", "/v1/expenses", expenseBody("LUM-BAD-4", { project: "ECOLE", projects: [{ projectId: "JARDIN", share: 1 }] }));
    expect(both.status).toBe(400);
    expect(both.body.errors.map((e: Json) => e.path)).toEqual(["project"]);

    const twice = await call(
      "POST",
      "/v1/expenses",
      expenseBody("LUM-BAD-5", {
        projects: [
          { projectId: "ECOLE", share: 0.5 },
          { projectId: "ecole", share: 0.5 },
        ],
      }),
    );
    expect(twice.status).toBe(400);
    expect(twice.body.errors.map((e: Json) => e.path)).toEqual(["projects.1.projectId"]);

    expect(await entryCount()).toBe(before);
    expect((await listed("")).items).toHaveLength(count);
    expect((await figures()).total.charges).toBe(132_001);
  });

  it("GET /v1/expenses?project= lists the expenses the project carries, whole or a share, a page at a time", async () => {
    const jardin = await listed("&project=jardin");
    expect(jardin.items.map((e) => e.pieceRef)).toEqual(["LUM-1", "LUM-2"]);
    expect(jardin.nextCursor).toBeNull();
    expect(jardin.items.every((e) => e.projects.some((p: Json) => p.projectId === "JARDIN"))).toBe(true);
    expect((await listed("&project=ECOLE")).items.map((e) => e.pieceRef)).toEqual(["LUM-1"]);
    expect((await listed("&project=PISCINE")).items).toEqual([]);
    // One a page: the cursor stops right after the one answered, and the second page ends the list.
    const first = await listed("&project=JARDIN&limit=1");
    expect(first.items.map((e) => e.pieceRef)).toEqual(["LUM-1"]);
    expect(first.nextCursor).toBeTruthy();
    const second = await listed(`&project=JARDIN&limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.items.map((e) => e.pieceRef)).toEqual(["LUM-2"]);
    const third = second.nextCursor ? await listed(`&project=JARDIN&limit=1&cursor=${encodeURIComponent(second.nextCursor)}`) : { items: [] };
    expect(third.items).toEqual([]);
    // Every expense shows its projects, [] for none.
    const all = await listed("");
    expect(all.items.find((e) => e.pieceRef === "LUM-3")!.projects).toEqual([]);
    expect((await call("GET", "/v1/expenses?year=2025&project=é", undefined, "delegation")).status).toBe(400);
  });

  it("a cancellation takes the charge off the same projects (the purchase's exact reversal)", async () => {
    const r = await ok("POST", `/v1/expenses/${ids.split}/cancellation`, { date: "2025-03-20", reason: "Commande annulée" });
    expect(lines(r.entries[0])).toEqual([
      ["401", 100_001, 0, null],
      ["6064", 0, 60_001, "ECOLE"],
      ["6064", 0, 40_000, "JARDIN"],
    ]);
    const f = await figures();
    expect(f.items.find((i: Json) => i.code === "ECOLE").actual.charges).toBe(0);
    expect(f.items.find((i: Json) => i.code === "JARDIN").actual.charges).toBe(25_000);
    expect((await call("GET", "/v1/ledger/integrity", undefined, "auditor")).body.ok).toBe(true);
  });
});
