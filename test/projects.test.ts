/**
 * Projects through the HTTP surface: a project created once, entry lines that carry it or split an
 * amount between projects (shares adding to 100 %, amounts adding to the total, checked and named),
 * the figures and the compte de résultat by project adding up to the whole books, and a FEC that
 * stays valid with project lines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFec } from "./support/fec-check.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const SIREN = "912345678";
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: SIREN });
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  return { status: res.status, body: (text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as Json };
}
const entry = (lines: Json[], pieceRef: string) => ({ journal: "OD", date: "2025-03-10", label: "Achats de l'atelier", pieceRef, lines });

describe("projects", () => {
  it("a project is created once by the trésorier; its code is kept in capitals; the délégation reads them", async () => {
    const a = await call("POST", "/v1/projects", { code: "ecole", name: "École du numérique" });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ id: "ECOLE", code: "ECOLE", name: "École du numérique" });
    expect((await call("POST", "/v1/projects", { code: "JARDIN", name: "Jardins partagés" })).status).toBe(201);
    const taken = await call("POST", "/v1/projects", { code: "ECOLE", name: "Autre chose" });
    expect(taken.status).toBe(409);
    const bad = await call("POST", "/v1/projects", { code: "é", name: "" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.path).sort()).toEqual(["code", "name"]);
    expect((await call("POST", "/v1/projects", { code: "X1", name: "x" }, "delegation")).status).toBe(403);
    const list = await call("GET", "/v1/projects", undefined, "delegation");
    expect(list.body.items.map((p: Json) => p.code)).toEqual(["ECOLE", "JARDIN"]);
  });

  it("a split line is written as one line per project, by amount, adding up to the cent", async () => {
    const r = await call(
      "POST",
      "/v1/ledger/entries",
      entry(
        [
          {
            account: "606",
            debit: 100_001,
            split: [
              { projectId: "ECOLE", share: 0.6 },
              { projectId: "jardin", share: 0.4 },
            ],
          },
          { account: "6226", debit: 30_000, project: "ECOLE" },
          { account: "512", credit: 130_001 },
        ],
        "F-SPLIT-1",
      ),
    );
    expect(r.status).toBe(201);
    expect(r.body.lines.map((l: Json) => [l.account, l.debit, l.credit, l.project ?? null])).toEqual([
      ["606", 60_001, 0, "ECOLE"],
      ["606", 40_000, 0, "JARDIN"],
      ["6226", 30_000, 0, "ECOLE"],
      ["512", 0, 130_001, null],
    ]);
    const byAmount = await call(
      "POST",
      "/v1/ledger/entries",
      entry(
        [
          {
            account: "7541",
            credit: 50_000,
            split: [
              { projectId: "ECOLE", amount: 20_000 },
              { projectId: "JARDIN", amount: 30_000 },
            ],
          },
          { account: "512", debit: 50_000 },
        ],
        "DON-SPLIT-1",
      ),
    );
    expect(byAmount.status).toBe(201);
    expect(byAmount.body.lines.filter((l: Json) => l.account === "7541").map((l: Json) => [l.credit, l.project])).toEqual([
      [20_000, "ECOLE"],
      [30_000, "JARDIN"],
    ]);
  });

  it("refuses a split not adding to 100 % or to the total, an unknown project, a project with a split — naming each line; nothing written", async () => {
    const before = await call("GET", "/v1/ledger/trial-balance?year=2025");
    const r = await call(
      "POST",
      "/v1/ledger/entries",
      entry(
        [
          {
            account: "606",
            debit: 1_000,
            split: [
              { projectId: "ECOLE", share: 0.5 },
              { projectId: "JARDIN", share: 0.4 },
            ],
          },
          {
            account: "606",
            debit: 1_000,
            split: [
              { projectId: "ECOLE", amount: 400 },
              { projectId: "JARDIN", amount: 500 },
            ],
          },
          { account: "606", debit: 1_000, project: "ECOLE", split: [{ projectId: "ECOLE", share: 1 }] },
          { account: "512", credit: 3_000 },
        ],
        "F-BAD-1",
      ),
    );
    expect(r.status).toBe(400);
    const paths = r.body.errors.map((e: Json) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["lines.0.split", "lines.1.split", "lines.2.split"]));
    expect(r.body.errors.find((e: Json) => e.path === "lines.0.split").message).toContain("90 %");
    expect(r.body.errors.find((e: Json) => e.path === "lines.1.split").message).toContain("900");
    const unknown = await call(
      "POST",
      "/v1/ledger/entries",
      entry(
        [
          { account: "606", debit: 1_000, project: "NOPE" },
          { account: "512", credit: 1_000 },
        ],
        "F-BAD-2",
      ),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: "lines.0.project", message: "unknown project NOPE" }]);
    expect((await call("GET", "/v1/ledger/trial-balance?year=2025")).body.totals).toEqual(before.body.totals);
  });

  it("bug: an unknown project on a line after a split line was named at the written line's index (lines.2), not the request's (lines.1)", async () => {
    const r = await call(
      "POST",
      "/v1/ledger/entries",
      entry(
        [
          {
            account: "606",
            debit: 1_000,
            split: [
              { projectId: "ECOLE", share: 0.5 },
              { projectId: "NOPE2", share: 0.5 },
            ],
          },
          { account: "606", debit: 500, project: "NOPE" },
          { account: "512", credit: 1_500 },
        ],
        "F-BAD-3",
      ),
    );
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { path: "lines.0.split.1.projectId", message: "unknown project NOPE2" },
      { path: "lines.1.project", message: "unknown project NOPE" },
    ]);
  });

  it("the figures by project and what no project carries add up to the books; each project has its compte de résultat", async () => {
    // Something no project carries.
    expect(
      (
        await call(
          "POST",
          "/v1/ledger/entries",
          entry(
            [
              { account: "6251", debit: 7_000 },
              { account: "512", credit: 7_000 },
            ],
            "F-NONE-1",
          ),
        )
      ).status,
    ).toBe(201);
    const f = await call("GET", "/v1/projects/figures?year=2025", undefined, "auditor");
    expect(f.status).toBe(200);
    const ecole = f.body.items.find((i: Json) => i.code === "ECOLE");
    expect(ecole.actual).toMatchObject({ charges: 90_001, produits: 20_000, result: -70_001 });
    expect(f.body.items.find((i: Json) => i.code === "JARDIN").actual).toMatchObject({ charges: 40_000, produits: 30_000 });
    expect(f.body.unassigned.actual).toMatchObject({ charges: 7_000, produits: 0 });
    expect(f.body.total).toMatchObject({ charges: 137_001, produits: 50_000 });
    const cr = await call("GET", "/v1/reports/2025/figures");
    expect(f.body.total.result).toBe(cr.body.statements.compteDeResultat.result);

    const st = await call("GET", "/v1/projects/ecole/statement?year=2025", undefined, "delegation");
    expect(st.status).toBe(200);
    expect(st.body.compteDeResultat.totals).toEqual({ charges: 90_001, produits: 20_000 });
    expect(st.body.compteDeResultat.lines.find((l: Json) => l.rubrique === "charges-externes").amount).toBe(90_001);
    expect((await call("GET", "/v1/projects/NOPE/statement?year=2025")).status).toBe(404);
  });

  it("a reversal reverses the project balances too; the FEC stays valid with project lines", async () => {
    const e = await call(
      "POST",
      "/v1/ledger/entries",
      entry(
        [
          { account: "606", debit: 5_000, project: "JARDIN" },
          { account: "512", credit: 5_000 },
        ],
        "F-REV-1",
      ),
    );
    expect((await call("POST", `/v1/ledger/entries/${e.body.id}/reversal`, { date: "2025-03-11" })).status).toBe(201);
    const f = await call("GET", "/v1/projects/figures?year=2025");
    expect(f.body.items.find((i: Json) => i.code === "JARDIN").actual.charges).toBe(40_000);
    const res = await stack.call("GET", "/v1/ledger/export?year=2025&format=fec", { role: "auditor" });
    expect(res.status).toBe(200);
    const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "";
    expect(checkFec(name, await res.text(), SIREN, 2025).problems).toEqual([]);
    expect((await call("GET", "/v1/ledger/integrity", undefined, "auditor")).body.ok).toBe(true);
  });
});
