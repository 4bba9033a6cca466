/**
 * Budgets through the HTTP surface: a year's budget saved (accounts of classes 6, 7, 86, 87, with
 * or without a project), every bad line named and nothing written, and its comparison with the
 * books per account and CERFA 12156 row, for the whole books and for one project. Property: for
 * any entries and any budget, the comparison's actual totals are the compte de résultat's, its
 * budget totals the budget lines', and the projects' comparisons add up to the books' part on
 * projects.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { xlsx } from "./support/xlsx.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
async function post(date: string, lines: Json[], pieceRef: string) {
  const r = await call("POST", "/v1/ledger/entries", { journal: "OD", date, label: "Écriture du test", pieceRef, lines });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

describe("budgets", () => {
  beforeAll(async () => {
    expect((await call("POST", "/v1/projects", { code: "ECOLE", name: "École du numérique" })).status).toBe(201);
    expect((await call("POST", "/v1/projects", { code: "JARDIN", name: "Jardins partagés" })).status).toBe(201);
  });

  it("a year's budget is saved whole; every bad line is named and nothing is written", async () => {
    const empty = await call("GET", "/v1/budgets/2025", undefined, "delegation");
    expect(empty.body).toMatchObject({ year: 2025, lines: [], version: 0 });
    const bad = await call("PUT", "/v1/budgets/2025", {
      lines: [
        { account: "512", amount: 1_000 },
        { account: "606", project: "NOPE", amount: 1_000 },
        { account: "6226", amount: 1_000 },
        { account: "6226", amount: 2_000 },
        { account: "623", amount: -5 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.path).sort()).toEqual(["lines.3", "lines.4.amount"]);
    const bad2 = await call("PUT", "/v1/budgets/2025", {
      lines: [
        { account: "512", amount: 1_000 },
        { account: "99999", amount: 1 },
      ],
    });
    expect(bad2.status).toBe(400);
    expect(bad2.body.errors.map((e: Json) => e.path)).toEqual(["lines.0.account", "lines.1.account"]);
    const bad3 = await call("PUT", "/v1/budgets/2025", { lines: [{ account: "606", project: "NOPE", amount: 1_000 }] });
    expect(bad3.body.errors).toEqual([{ path: "lines.0.project", message: "unknown project NOPE" }]);
    expect((await call("PUT", "/v1/budgets/2025", { lines: [] }, "delegation")).status).toBe(403);
    expect((await call("GET", "/v1/budgets/2025")).body.version).toBe(0);

    const saved = await call("PUT", "/v1/budgets/2025", {
      lines: [
        { account: "606", project: "ECOLE", amount: 400_000 },
        { account: "6226", project: "ECOLE", amount: 100_000 },
        { account: "606", amount: 50_000 },
        { account: "641", amount: 0 },
        { account: "7541", amount: 300_000 },
        { account: "741", project: "ECOLE", amount: 500_000 },
        { account: "864", project: "ECOLE", amount: 20_000 },
        { account: "870", project: "ECOLE", amount: 20_000 },
      ],
    });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(1);
    expect(saved.body.lines).toHaveLength(7);
    expect(saved.body.lines.find((l: Json) => l.account === "606" && l.project === "ECOLE").label).toBe("Achats non stockés de matières et fournitures");
  });

  it("compares budget and actual per account and CERFA row, for the books and for one project", async () => {
    await post(
      "2025-04-02",
      [
        { account: "606", debit: 460_000, project: "ECOLE" },
        { account: "512", credit: 460_000 },
      ],
      "CMP-1",
    );
    await post(
      "2025-04-03",
      [
        { account: "606", debit: 30_000 },
        { account: "512", credit: 30_000 },
      ],
      "CMP-2",
    );
    await post(
      "2025-04-04",
      [
        { account: "512", debit: 250_000 },
        { account: "7541", credit: 250_000 },
      ],
      "CMP-3",
    );
    await post(
      "2025-04-05",
      [
        { account: "512", debit: 500_000 },
        { account: "741", credit: 500_000, project: "ECOLE" },
      ],
      "CMP-4",
    );

    const all = await call("GET", "/v1/budgets/2025/comparison", undefined, "auditor");
    expect(all.status).toBe(200);
    const r60 = all.body.rubriques.find((r: Json) => r.rubrique === "60");
    expect(r60).toMatchObject({ label: "Achats", budget: 450_000, actual: 490_000, gap: 40_000 });
    expect(r60.accounts).toEqual([
      { account: "606", label: "Achats non stockés de matières et fournitures", budget: 450_000, actual: 490_000, gap: 40_000, gapShare: 0.0889 },
    ]);
    expect(all.body.rubriques.find((r: Json) => r.rubrique === "62")).toMatchObject({ budget: 100_000, actual: 0, gap: -100_000, gapShare: -1 });
    expect(all.body.rubriques.find((r: Json) => r.rubrique === "75")).toMatchObject({ budget: 300_000, actual: 250_000 });
    expect(all.body.rubriques.map((r: Json) => r.rubrique)).toEqual([
      "60",
      "61",
      "62",
      "63",
      "64",
      "65",
      "66",
      "67",
      "68",
      "70",
      "73",
      "74",
      "75",
      "76",
      "77",
      "78",
      "86",
      "87",
    ]);
    expect(all.body.totals.charges).toMatchObject({ budget: 550_000, actual: 490_000 });
    expect(all.body.totals.produits).toMatchObject({ budget: 800_000, actual: 750_000 });
    expect(all.body.totals.result).toEqual({ budget: 250_000, actual: 260_000, gap: 10_000 });
    expect(all.body.totals.emplois.budget).toBe(20_000);

    const ecole = await call("GET", "/v1/budgets/2025/comparison?project=ecole", undefined, "delegation");
    expect(ecole.body.project).toEqual({ code: "ECOLE", name: "École du numérique" });
    expect(ecole.body.totals.charges).toMatchObject({ budget: 500_000, actual: 460_000, gap: -40_000 });
    expect(ecole.body.totals.produits).toMatchObject({ budget: 500_000, actual: 500_000, gap: 0 });
    expect((await call("GET", "/v1/budgets/2025/comparison?project=NOPE")).status).toBe(404);
    expect(all.body.unassigned).toBe(false);

    // Bug: « Reprendre les réalisations » without a project copied the whole books' actuals, the
    // projects' included, so a project's budget counted twice. `none`: what no project carries.
    const none = await call("GET", "/v1/budgets/2025/comparison?project=none");
    expect(none.body).toMatchObject({ project: null, unassigned: true });
    expect(none.body.totals.charges.actual).toBe(all.body.totals.charges.actual - ecole.body.totals.charges.actual);
    expect(none.body.totals.produits.actual).toBe(all.body.totals.produits.actual - ecole.body.totals.produits.actual);
    expect(none.body.rubriques.find((r: Json) => r.rubrique === "60").accounts[0]).toMatchObject({ account: "606", actual: 30_000 });
    expect(none.body.totals.charges.budget).toBe(all.body.totals.charges.budget - ecole.body.totals.charges.budget);
  });

  it("a budget is read from a CSV or an XLSX sheet (nothing written); unreadable rows are named", async () => {
    const send = async (bytes: Uint8Array, type: string) => {
      const token = await stack.identity.token("tresorier");
      const res = await fetch(`${stack.url}/v1/budgets/2026/import`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": type },
        body: bytes,
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const csv = Buffer.from(
      "Budget 2026\r\nCompte;Projet;Libellé;Montant\r\n60 – Achats;;;\r\n606;ecole;Fournitures;1 234,56 €\r\n6226;;Honoraires;1000\r\n623;;Affiches;douze\r\n;;Total;2234,56\r\n606;ECOLE;Encore;10,44\r\n",
      "utf8",
    );
    const a = await send(csv, "text/csv");
    expect(a.status).toBe(200);
    expect(a.body.lines).toEqual([
      { account: "606", project: "ECOLE", amount: 124_500 },
      { account: "6226", amount: 100_000 },
    ]);
    expect(a.body.errors).toEqual([{ path: "ligne 6", message: "montant « douze » illisible" }]);
    expect(a.body.skipped).toBe(2);
    const book = xlsx({
      Budget: [
        ["Compte", "Montant", "Projet"],
        [7541, 2500.5, null],
        ["741", 8000, "jardin"],
      ],
    });
    const b = await send(book, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(b.status).toBe(200);
    expect(b.body.lines).toEqual([
      { account: "7541", amount: 250_050 },
      { account: "741", project: "JARDIN", amount: 800_000 },
    ]);
    const none = await send(Buffer.from("a;b\r\n1;2\r\n"), "text/csv");
    expect(none.status).toBe(400);
    expect(none.body.detail).toContain("« compte » et « montant »");
    expect((await call("GET", "/v1/budgets/2026")).body.version).toBe(0);
  });

  it("the import refuses a file past its bounds or hostile, with 413 or 400 in French, writing nothing", async () => {
    const send = async (bytes: Uint8Array, type: string) => {
      const token = await stack.identity.token("tresorier");
      const res = await fetch(`${stack.url}/v1/budgets/2027/import`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": type },
        body: bytes,
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    // One row past the 5 000.
    const rows = Array.from({ length: 5_100 }, (_, i) => `606;;Ligne ${i};1`).join("\r\n");
    const many = await send(Buffer.from(`Compte;Projet;Libellé;Montant\r\n${rows}\r\n`, "utf8"), "text/csv");
    expect(many.status).toBe(413);
    expect(many.body.detail).toMatch(/5000 lignes/);
    // A zip bomb: a small XLSX whose shared strings inflate past 20 MB (parts the workbook does not need are skipped unread).
    const bomb = xlsx(
      {
        Budget: [
          ["compte", "montant"],
          ["606", 1],
        ],
      },
      { extra: { "xl/sharedStrings.xml": new Uint8Array(25 * 1024 * 1024) } },
    );
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const inflated = await send(bomb, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(inflated.status).toBe(413);
    expect(inflated.body.detail).toMatch(/décompressé/);
    // Entities in the sheet's XML.
    const entities = xlsx(
      { Budget: [["compte", "montant"]] },
      {
        extra: {
          "xl/worksheets/sheet1.xml": new TextEncoder().encode(
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData>&a;</sheetData></worksheet>',
          ),
        },
      },
    );
    const hostile = await send(entities, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect([400, 413]).toContain(hostile.status);
    expect(hostile.body.detail).not.toMatch(/[a-z]+Error|stack/i);
    expect((await call("GET", "/v1/budgets/2027")).body.version).toBe(0);
  });

  it("property: for any entries and budget, actual totals are the compte de résultat's and budget totals the lines'", async () => {
    const ACCOUNTS = ["606", "6226", "641", "6811", "7541", "756", "741", "768", "864", "870"];
    const PROJECTS = [undefined, "ECOLE", "JARDIN"];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            account: fc.constantFrom(...ACCOUNTS),
            amount: fc.integer({ min: 1, max: 2_000_000 }),
            project: fc.constantFrom(...PROJECTS),
            day: fc.integer({ min: 1, max: 28 }),
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.array(fc.record({ account: fc.constantFrom(...ACCOUNTS), amount: fc.integer({ min: 0, max: 5_000_000 }), project: fc.constantFrom(...PROJECTS) }), {
          maxLength: 6,
        }),
        async (entries, budgetLines) => {
          const year = 2010 + run++;
          let n = 0;
          for (const e of entries) {
            const charge = e.account.startsWith("6") || e.account.startsWith("86");
            const line = { account: e.account, [charge ? "debit" : "credit"]: e.amount, ...(e.project ? { project: e.project } : {}) };
            const other = { account: "512", [charge ? "credit" : "debit"]: e.amount };
            await post(`${year}-03-${String(e.day).padStart(2, "0")}`, [line, other], `P-${year}-${n++}`);
          }
          const unique = [...new Map(budgetLines.map((l) => [`${l.account}#${l.project ?? ""}`, l])).values()];
          expect((await call("PUT", `/v1/budgets/${year}`, { lines: unique })).status).toBe(200);
          const [cmp, fig] = await Promise.all([call("GET", `/v1/budgets/${year}/comparison`), call("GET", `/v1/reports/${year}/figures`)]);
          const cr = fig.body.statements.compteDeResultat;
          expect(cmp.body.totals.charges.actual).toBe(cr.totals.charges);
          expect(cmp.body.totals.produits.actual).toBe(cr.totals.produits);
          expect(cmp.body.totals.result.actual).toBe(cr.result);
          expect(cmp.body.totals.emplois.actual).toBe(cr.cvn.emplois);
          expect(cmp.body.totals.ressources.actual).toBe(cr.cvn.ressources);
          const side = (a: string) => (a.startsWith("86") ? "emplois" : a.startsWith("87") ? "ressources" : a.startsWith("6") ? "charges" : "produits");
          for (const s of ["charges", "produits", "emplois", "ressources"])
            expect(cmp.body.totals[s].budget).toBe(unique.filter((l) => side(l.account) === s).reduce((t, l) => t + l.amount, 0));
          // Per project: each project's actual is its lines'; the projects' and the rest add up to the books.
          const perProject = await Promise.all(["ECOLE", "JARDIN"].map((p) => call("GET", `/v1/budgets/${year}/comparison?project=${p}`)));
          const figures = await call("GET", `/v1/projects/figures?year=${year}`);
          for (const [i, p] of ["ECOLE", "JARDIN"].entries()) {
            const own = entries.filter((e) => e.project === p);
            const charges = own.filter((e) => e.account.startsWith("6")).reduce((t, e) => t + e.amount, 0);
            expect(perProject[i]!.body.totals.charges.actual).toBe(charges);
            expect(figures.body.items.find((x: Json) => x.code === p).actual.charges).toBe(charges);
          }
          const sum = figures.body.items.reduce((t: number, x: Json) => t + x.actual.result, 0) + figures.body.unassigned.actual.result;
          expect(sum).toBe(cr.result);
        },
      ),
      { numRuns: 6 },
    );
  }, 240_000);
});
