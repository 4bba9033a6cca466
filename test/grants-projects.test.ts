/**
 * Grants on the projects of the registry (issue 20, the analytic axis) through the real HTTP
 * surface: a grant naming a project (`projectId`) writes its income, 487 and fonds dédiés lines on
 * it (not the receivable nor the bank), so the project's figures show the grant's income; an
 * unknown project is refused naming `projectId`, nothing written; `GET /v1/grants?project=` lists
 * the project's grants with its name; an amendment moves the grant to another project (the income
 * of its year and of the later years moves, the later entries carry the new one); the
 * compte-rendu financier of the grant is that project's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EntryView } from "@asso/core/ledger";
import { startTestStack, type TestStack } from "./support/stack.js";
import { frenchProblem } from "../web/console/src/problems.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: (text ? JSON.parse(text) : undefined) as Json };
}
async function ok(method: string, path: string, body?: unknown) {
  const r = await call(method, path, body);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}
const entryCount = async () => (await call("GET", "/v1/ledger/integrity", undefined, "auditor")).body.entries as number;
/** Each line's account, amounts and project. */
const lines = (e: EntryView) => e.lines.map((l) => [l.account, l.debit, l.credit, l.project ?? null]);
async function figures(year: number, code: string) {
  const r = await call("GET", `/v1/projects/figures?year=${year}`, undefined, "auditor");
  expect(r.status).toBe(200);
  return (r.body.items as Json[]).find((i) => i.code === code)!.actual as Json;
}
const recognisedIn = (g: Json, year: number) => (g.byYear as Json[]).find((b) => b.year === year)?.recognised ?? 0;

let funder: Json;
let grant: Json;
const BASE = {
  title: "Ateliers d'éducation populaire 2025-2026",
  project: "Ateliers dans les quartiers",
  agreementDate: "2025-03-01",
  agreementRef: "CONV-ANCT-2025",
  amount: 1_200_000,
  restricted: true,
  startDate: "2025-03-01",
  endDate: "2026-02-28",
  installments: [
    { dueDate: "2025-03-31", amount: 600_000 },
    { dueDate: "2026-01-31", amount: 600_000 },
  ],
};

describe("grants on projects", () => {
  beforeAll(async () => {
    await ok("POST", "/v1/projects", { code: "ATELIERS", name: "Ateliers de quartier" });
    await ok("POST", "/v1/projects", { code: "PLAIDOYER", name: "Plaidoyer" });
    funder = await ok("POST", "/v1/funders", { name: "Agence nationale de la cohésion", kind: "public" });
  });

  it("refuses an unknown project, naming projectId, and writes nothing", async () => {
    const before = await entryCount();
    const r = await call("POST", "/v1/grants", { ...BASE, funderId: funder.id, projectId: "INCONNU" });
    expect(r.status).toBe(400);
    expect(r.type).toContain("application/problem+json");
    expect(r.body.errors.map((e: Json) => e.path)).toEqual(["projectId"]);
    expect(frenchProblem(r.body as never).fields).toEqual([
      { field: "Projet", message: "le projet INCONNU n'existe pas : choisissez-en un de la liste des projets" },
    ]);
    expect(await entryCount()).toBe(before);
    expect((await call("GET", "/v1/grants")).body.items).toEqual([]);
    // A code that is not one (its form) is a 400 on the same field.
    const bad = await call("POST", "/v1/grants", { ...BASE, funderId: funder.id, projectId: "x" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.path)).toEqual(["projectId"]);
  });

  it("books the grant's income and 487 on its project, not the receivable; the project's figures show it", async () => {
    grant = await ok("POST", "/v1/grants", { ...BASE, funderId: funder.id, projectId: "ateliers" });
    expect(grant).toMatchObject({ projectId: "ATELIERS", projectName: "Ateliers de quartier", project: "Ateliers dans les quartiers" });
    const in2025 = recognisedIn(grant, 2025);
    const in2026 = recognisedIn(grant, 2026);
    expect(in2025 + in2026).toBe(1_200_000);
    expect(in2026).toBeGreaterThan(0);
    const [signature, reprise] = grant.entries as EntryView[];
    expect(lines(signature!)).toEqual([
      ["441", 1_200_000, 0, null],
      ["741", 0, in2025, "ATELIERS"],
      ["487", 0, in2026, "ATELIERS"],
    ]);
    expect(lines(reprise!)).toEqual([
      ["487", in2026, 0, "ATELIERS"],
      ["741", 0, in2026, "ATELIERS"],
    ]);
    expect((await figures(2025, "ATELIERS")).produits).toBe(in2025);
    expect((await figures(2026, "ATELIERS")).produits).toBe(in2026);

    // The payment settles the receivable from the bank: no project on either line.
    const pay = await ok("POST", `/v1/grants/${grant.id}/payments`, { date: "2025-04-02", amount: 600_000 });
    expect(lines(pay.entry).map((l) => l[3])).toEqual([null, null]);
  });

  it("lists the grants of a project, with its code and name", async () => {
    const other = await ok("POST", "/v1/grants", {
      ...BASE,
      funderId: funder.id,
      title: "Fonctionnement 2025",
      project: undefined,
      restricted: false,
      agreementRef: "CONV-ANCT-2025-F",
      amount: 300_000,
      installments: [{ dueDate: "2025-03-31", amount: 300_000 }],
    });
    expect(other).toMatchObject({ projectId: null, projectName: null });
    const r = await ok("GET", "/v1/grants?project=ateliers");
    expect(r.items.map((g: Json) => [g.id, g.projectId, g.projectName])).toEqual([[grant.id, "ATELIERS", "Ateliers de quartier"]]);
    expect((await ok("GET", "/v1/grants?project=PLAIDOYER")).items).toEqual([]);
    expect((await ok("GET", "/v1/grants?year=2025")).items).toHaveLength(2);
    // `none`: the grants on no project.
    expect((await ok("GET", "/v1/grants?project=none")).items.map((g: Json) => g.id)).toEqual([other.id]);
    expect((await ok("GET", `/v1/grants/${grant.id}`)).projectName).toBe("Ateliers de quartier");
    expect((await ok("GET", `/v1/funders/${funder.id}`)).grants.find((g: Json) => g.id === grant.id).projectName).toBe("Ateliers de quartier");
  });

  it("posts the fonds dédiés on the grant's project", async () => {
    const posted = await ok("POST", "/v1/ledger/years/2025/dedicated-funds");
    const mine = (posted.entries as EntryView[]).filter((e) => e.label.includes(BASE.title));
    expect(mine).toHaveLength(1);
    expect(lines(mine[0]!)).toEqual([
      ["6894", recognisedIn(grant, 2025), 0, "ATELIERS"],
      ["194", 0, recognisedIn(grant, 2025), "ATELIERS"],
    ]);
    expect((await figures(2025, "ATELIERS")).charges).toBe(recognisedIn(grant, 2025));
  });

  it("an amendment moves the grant to another project: its open years' income moves, its later entries carry the new one", async () => {
    const before = await figures(2025, "ATELIERS");
    const unknown = await call("POST", `/v1/grants/${grant.id}/amendments`, { date: "2025-10-01", projectId: "NULLEPART", reason: "Nouvelle action" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: Json) => e.path)).toEqual(["projectId"]);

    const r = await ok("POST", `/v1/grants/${grant.id}/amendments`, {
      date: "2025-10-01",
      amount: 1_500_000,
      projectId: "PLAIDOYER",
      reason: "Avenant n° 1 : l'action devient le plaidoyer",
    });
    expect(r).toMatchObject({ projectId: "PLAIDOYER", projectName: "Plaidoyer", amount: 1_500_000 });
    const old2025 = recognisedIn(grant, 2025);
    const old2026 = recognisedIn(grant, 2026);
    expect(r.correction.projectId).toBe("PLAIDOYER");
    expect(r.correction.projectMove).toEqual({
      from: "ATELIERS",
      to: "PLAIDOYER",
      fromProjects: null,
      toProjects: null,
      moved: [
        { year: 2025, amount: old2025 },
        { year: 2026, amount: old2026 },
      ],
    });
    const new2025 = recognisedIn(r, 2025);
    const new2026 = recognisedIn(r, 2026);
    expect(new2025 + new2026).toBe(1_500_000);
    const [main, later] = r.entries as EntryView[];
    // The receivable grows (no project); the year's extra income and the later years' extra 487 on the new
    // project; the year's income so far moved from the old project to the new one.
    // The fonds dédiés 2025 posted on the old project (194) move too (bug: they stayed there, and the new
    // project's later uses left 194 uncleared on both).
    expect(lines(main!)).toEqual([
      ["441", 300_000, 0, null],
      ["741", 0, new2025 - old2025, "PLAIDOYER"],
      ["487", 0, new2026 - old2026, "PLAIDOYER"],
      ["741", old2025, 0, "ATELIERS"],
      ["741", 0, old2025, "PLAIDOYER"],
      ["194", old2025, 0, "ATELIERS"],
      ["194", 0, old2025, "PLAIDOYER"],
    ]);
    expect(later!.date).toBe("2026-01-01");
    expect(lines(later!)).toEqual([
      ["487", new2026 - old2026, 0, "PLAIDOYER"],
      ["741", 0, new2026 - old2026, "PLAIDOYER"],
      ["741", old2026, 0, "ATELIERS"],
      ["741", 0, old2026, "PLAIDOYER"],
    ]);
    const gl = async (code: string) =>
      ((await ok("GET", `/v1/ledger/general-ledger?year=2025&account=194&project=${code}`)).items as Json[]).at(-1)?.balance ?? 0;
    expect(await gl("ATELIERS")).toBe(0);
    expect(await gl("PLAIDOYER")).toBe(-old2025);
    // The income is the new project's; the old keeps only the fonds dédiés reported before the amendment.
    expect(await figures(2025, "ATELIERS")).toMatchObject({ produits: 0, charges: before.charges });
    expect((await figures(2025, "PLAIDOYER")).produits).toBe(new2025);
    expect((await figures(2026, "ATELIERS")).produits).toBe(0);
    expect((await figures(2026, "PLAIDOYER")).produits).toBe(new2026);
    expect((await ok("GET", "/v1/grants?project=ATELIERS")).items).toEqual([]);
    expect((await ok("GET", "/v1/grants?project=PLAIDOYER")).items.map((g: Json) => g.id)).toEqual([grant.id]);
    grant = r;
  });

  it("the compte-rendu financier is the project's: the grant's income on the project's lines", async () => {
    const cr = (await ok("GET", `/v1/grants/${grant.id}/financial-report`)) as Json;
    expect(cr.project).toEqual({ code: "PLAIDOYER", name: "Plaidoyer" });
    const row74 = (cr.comparison.rubriques as Json[]).find((x) => x.rubrique === "74");
    expect(row74?.actual).toBe(1_500_000);
  });

  it("a repayment of unspent funds takes them off the grant's project (19x, 741), not the debt nor the bank", async () => {
    await ok("POST", "/v1/ledger/years/2025/dedicated-funds");
    const r = await ok("POST", `/v1/grants/${grant.id}/repayments`, { date: "2026-03-10", amount: 50_000, reason: "Reliquat non utilisé" });
    const [main, bank] = r.entries as EntryView[];
    for (const l of main!.lines) expect([l.account, l.project ?? null]).toEqual([l.account, /^(194|741)$/.test(l.account) ? "PLAIDOYER" : null]);
    expect(main!.lines.some((l) => l.account === "194")).toBe(true);
    expect(bank!.lines.every((l) => !l.project)).toBe(true);
  });
});
