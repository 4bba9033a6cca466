/**
 * A grant split between projects by share (the API contract: grants may carry `[{ projectId, share }]`),
 * through the real HTTP surface. Before, a grant funded one project at most (`projectId`). Now
 * `POST /v1/grants` takes `projects` (2 to 10, shares adding to 1): each of its income, 487, reprise,
 * fonds dédiés, amendment and repayment lines is split between them to the cent; `?project=` finds
 * it under each; the compte-rendu's action is its projects together; an amendment moves it from the
 * split to one project, or from one project to a split. Faults are a 400 naming each field, nothing written.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EntryView } from "@asso/core/ledger";
import { pdfText } from "./support/pdf-text.js";
import { startTestStack, type TestStack } from "./support/stack.js";

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
async function ok(method: string, path: string, body?: unknown) {
  const r = await call(method, path, body);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}
const entryCount = async () => (await call("GET", "/v1/ledger/integrity", undefined, "auditor")).body.entries as number;
const lines = (e: EntryView) => e.lines.map((l) => [l.account, l.debit, l.credit, l.project ?? null]);
const paths = (r: { body: Json }) => (r.body.errors as Json[]).map((e) => e.path);
async function produits(year: number, code: string) {
  const r = await call("GET", `/v1/projects/figures?year=${year}`, undefined, "auditor");
  expect(r.status).toBe(200);
  return ((r.body.items as Json[]).find((i) => i.code === code)?.actual as Json | undefined)?.produits ?? 0;
}
const recognisedIn = (g: Json, year: number) => (g.byYear as Json[]).find((b) => b.year === year)?.recognised ?? 0;

/** `total` shared by `tenThousandths` (6000: 60 %), rounded down, the cents left to the largest remainders (the first on a tie). */
function parts(total: number, tenThousandths: number[]): number[] {
  const raw = tenThousandths.map((t) => (total * t) / 10_000);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = raw.map((r, i) => ({ i, rest: r - Math.floor(r) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]!.i]! += 1;
  return out;
}
const sixtyForty = (total: number) => parts(total, [6000, 4000]);

const SPLIT = [
  { projectId: "ateliers", share: 0.6 },
  { projectId: "PLAIDOYER", share: 0.4 },
];
let funder: Json;
let grant: Json;
const BASE = {
  title: "Éducation populaire et plaidoyer 2025-2026",
  project: "Ateliers dans les quartiers et plaidoyer",
  agreementDate: "2025-03-01",
  agreementRef: "CONV-FDVA-2025",
  amount: 1_200_001,
  restricted: true,
  startDate: "2025-03-01",
  endDate: "2026-02-28",
  installments: [
    { dueDate: "2025-03-31", amount: 600_000 },
    { dueDate: "2026-01-31", amount: 600_001 },
  ],
};

describe("a grant split between projects by share", () => {
  beforeAll(async () => {
    await ok("POST", "/v1/projects", { code: "ATELIERS", name: "Ateliers de quartier" });
    await ok("POST", "/v1/projects", { code: "PLAIDOYER", name: "Plaidoyer" });
    await ok("POST", "/v1/projects", { code: "MEDIATION", name: "Médiation" });
    funder = await ok("POST", "/v1/funders", { name: "Fonds pour le développement de la vie associative", kind: "public" });
  });

  it("refuses a split adding to 90 %, an unknown project, one part, a project twice, projectId with projects: a 400 naming each field, nothing written", async () => {
    const before = await entryCount();
    const post = (extra: Json) => call("POST", "/v1/grants", { ...BASE, funderId: funder.id, ...extra });
    const ninety = await post({ projects: [SPLIT[0], { projectId: "PLAIDOYER", share: 0.3 }] });
    expect(ninety.status).toBe(400);
    expect(paths(ninety)).toEqual(["projects"]);
    expect(ninety.body.errors[0].message).toBe("the shares add up to 90 %, not 100 %");
    const unknown = await post({ projects: [SPLIT[0], { projectId: "INCONNU", share: 0.4 }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: "projects.1.projectId", message: "unknown project INCONNU" }]);
    const twoUnknown = await post({ projects: [{ projectId: "NULLEPART", share: 0.3 }, SPLIT[0], { projectId: "INCONNU", share: 0.1 }] });
    expect(paths(twoUnknown)).toEqual(["projects.0.projectId", "projects.2.projectId"]);
    const both = await post({ projectId: "ATELIERS", projects: SPLIT });
    expect(both.status).toBe(400);
    expect(paths(both)).toEqual(["projects"]);
    expect(paths(await post({ projects: [{ projectId: "ATELIERS", share: 1 }] }))).toEqual(["projects"]);
    // One past the bound: eleven projects.
    expect(paths(await post({ projects: Array.from({ length: 11 }, (_, i) => ({ projectId: `P${i}X`, share: i ? 0.09 : 0.1 })) }))).toEqual(["projects"]);
    expect(paths(await post({ projects: [SPLIT[0], { projectId: "ateliers", share: 0.4 }] }))).toEqual(["projects.1.projectId"]);
    expect(
      paths(
        await post({
          projects: [
            { projectId: "ATELIERS", share: 0.60001 },
            { projectId: "PLAIDOYER", share: 0.39999 },
          ],
        }),
      ),
    ).toEqual(["projects.0.share", "projects.1.share"]);
    expect(await entryCount()).toBe(before);
    expect((await ok("GET", "/v1/grants")).items).toEqual([]);
  });

  it("splits the signature's income and 487, and the later year's reprise, to the cent by share; the receivable carries none", async () => {
    grant = await ok("POST", "/v1/grants", { ...BASE, funderId: funder.id, projects: SPLIT });
    expect(grant).toMatchObject({
      projectId: null,
      projectName: null,
      projects: [
        { projectId: "ATELIERS", share: 0.6, name: "Ateliers de quartier" },
        { projectId: "PLAIDOYER", share: 0.4, name: "Plaidoyer" },
      ],
    });
    const in2025 = recognisedIn(grant, 2025);
    const in2026 = recognisedIn(grant, 2026);
    expect(in2025 + in2026).toBe(1_200_001);
    const [a25, p25] = sixtyForty(in2025);
    const [a26, p26] = sixtyForty(in2026);
    expect(a25! + p25!).toBe(in2025);
    const [signature, reprise] = grant.entries as EntryView[];
    expect(lines(signature!)).toEqual([
      ["441", 1_200_001, 0, null],
      ["741", 0, a25, "ATELIERS"],
      ["741", 0, p25, "PLAIDOYER"],
      ["487", 0, a26, "ATELIERS"],
      ["487", 0, p26, "PLAIDOYER"],
    ]);
    expect(reprise!.date).toBe("2026-01-01");
    expect(lines(reprise!)).toEqual([
      ["487", a26, 0, "ATELIERS"],
      ["487", p26, 0, "PLAIDOYER"],
      ["741", 0, a26, "ATELIERS"],
      ["741", 0, p26, "PLAIDOYER"],
    ]);
    expect(await produits(2025, "ATELIERS")).toBe(a25);
    expect(await produits(2025, "PLAIDOYER")).toBe(p25);
    expect(await produits(2026, "ATELIERS")).toBe(a26);
    expect(await produits(2026, "PLAIDOYER")).toBe(p26);
    expect((await ok("GET", `/v1/grants/${grant.id}`)).projects.map((p: Json) => p.projectId)).toEqual(["ATELIERS", "PLAIDOYER"]);
  });

  it("?project= finds the split grant under each of its projects; none only the grants with neither", async () => {
    const plain = await ok("POST", "/v1/grants", {
      ...BASE,
      funderId: funder.id,
      title: "Fonctionnement 2025",
      agreementRef: "CONV-FDVA-2025-F",
      restricted: false,
      amount: 300_000,
      installments: [{ dueDate: "2025-03-31", amount: 300_000 }],
    });
    expect(plain.projects).toBeNull();
    const ids = async (q: string) => (await ok("GET", `/v1/grants?project=${q}`)).items.map((g: Json) => g.id);
    expect(await ids("ateliers")).toEqual([grant.id]);
    expect(await ids("PLAIDOYER")).toEqual([grant.id]);
    expect(await ids("MEDIATION")).toEqual([]);
    expect(await ids("none")).toEqual([plain.id]);
  });

  it("posts the fonds dédiés split between the projects to the cent (689x / 19x)", async () => {
    const posted = await ok("POST", "/v1/ledger/years/2025/dedicated-funds");
    const mine = (posted.entries as EntryView[]).filter((e) => e.label.includes(BASE.title));
    expect(mine).toHaveLength(1);
    const [a, p] = sixtyForty(recognisedIn(grant, 2025));
    expect(lines(mine[0]!)).toEqual([
      ["6894", a, 0, "ATELIERS"],
      ["6894", p, 0, "PLAIDOYER"],
      ["194", 0, a, "ATELIERS"],
      ["194", 0, p, "PLAIDOYER"],
    ]);
  });

  it("the compte-rendu's action is the split's projects together: their budget lines and balances summed, « ATELIERS + PLAIDOYER »", async () => {
    await ok("PUT", "/v1/budgets/2025", {
      lines: [
        { account: "606", project: "ATELIERS", amount: 300_000 },
        { account: "606", project: "PLAIDOYER", amount: 200_000 },
        { account: "741", project: "ATELIERS", amount: 720_000 },
        { account: "741", project: "PLAIDOYER", amount: 480_001 },
        { account: "606", project: "MEDIATION", amount: 99_000 },
        { account: "606", amount: 55_000 },
      ],
    });
    const cr = (await ok("GET", `/v1/grants/${grant.id}/financial-report`)) as Json;
    expect(cr.project).toEqual({ code: "ATELIERS + PLAIDOYER", name: "Ateliers de quartier (60 %) + Plaidoyer (40 %)" });
    const row = (r: string) => (cr.comparison.rubriques as Json[]).find((x) => x.rubrique === r);
    expect(row("60")).toMatchObject({ budget: 500_000, actual: 0 });
    // Both projects' income over 2025 and 2026: the whole grant.
    expect(row("74")).toMatchObject({ budget: 1_200_001, actual: 1_200_001 });
    // The grant's own share is still the grant's figures.
    expect(cr.grantShare.amount).toBe(1_200_001);
    // The PDF names the action as both projects. CR_PDF_OUT=/tmp/cr.pdf keeps the file, to look at it (pdftoppm -png).
    const pdf = await stack.call("GET", `/v1/grants/${grant.id}/financial-report.pdf`, { role: "tresorier" });
    expect(pdf.status).toBe(200);
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    if (process.env.CR_PDF_OUT) writeFileSync(process.env.CR_PDF_OUT, bytes);
    const text = (await pdfText(bytes)).replace(/\s+/g, " ");
    expect(text).toContain("Ateliers de quartier (60 %) + Plaidoyer (40 %) (projets ATELIERS et PLAIDOYER)");
    expect(text).toContain("Réalisé : exercices 2025 et 2026 des projets");
    // Bug: a bold figure wider than its column was cut (« +10 060,28… »); it is set smaller instead.
    expect(text).not.toMatch(/\d…/);
    expect(text).toMatch(/\+10\s060,28\s€/);
    // One project asked: that project's alone.
    const one = (await ok("GET", `/v1/grants/${grant.id}/financial-report?project=ATELIERS`)) as Json;
    expect(one.project).toEqual({ code: "ATELIERS", name: "Ateliers de quartier" });
    expect((one.comparison.rubriques as Json[]).find((x) => x.rubrique === "60")).toMatchObject({ budget: 300_000 });
  });

  it("an amendment moves the split grant to one project: the open years' income reversed on the split, booked on the project", async () => {
    const before = await entryCount();
    const both = await call("POST", `/v1/grants/${grant.id}/amendments`, { date: "2025-10-01", projectId: "PLAIDOYER", projects: SPLIT, reason: "Avenant" });
    expect(both.status).toBe(400);
    expect(paths(both)).toEqual(["projects"]);
    const unknown = await call("POST", `/v1/grants/${grant.id}/amendments`, {
      date: "2025-10-01",
      projects: [{ projectId: "NULLEPART", share: 0.4 }, SPLIT[0]],
      reason: "Avenant",
    });
    expect(unknown.body.errors).toEqual([{ path: "projects.0.projectId", message: "unknown project NULLEPART" }]);
    expect(await entryCount()).toBe(before);

    const r = await ok("POST", `/v1/grants/${grant.id}/amendments`, { date: "2025-10-01", projectId: "PLAIDOYER", reason: "Avenant n° 1 : le plaidoyer seul" });
    const in2025 = recognisedIn(grant, 2025);
    const in2026 = recognisedIn(grant, 2026);
    const [a25, p25] = sixtyForty(in2025);
    const [a26, p26] = sixtyForty(in2026);
    expect(r).toMatchObject({ projectId: "PLAIDOYER", projectName: "Plaidoyer", projects: null });
    expect(r.correction).toMatchObject({ projectId: "PLAIDOYER", projects: null });
    expect(r.correction.projectMove).toEqual({
      from: null,
      to: "PLAIDOYER",
      fromProjects: [
        { projectId: "ATELIERS", share: 0.6 },
        { projectId: "PLAIDOYER", share: 0.4 },
      ],
      toProjects: null,
      moved: [
        { year: 2025, amount: in2025 },
        { year: 2026, amount: in2026 },
      ],
    });
    const [main, later] = r.entries as EntryView[];
    expect(lines(main!).filter((l) => l[0] === "741")).toEqual([
      ["741", a25, 0, "ATELIERS"],
      ["741", p25, 0, "PLAIDOYER"],
      ["741", 0, in2025, "PLAIDOYER"],
    ]);
    // The fonds dédiés 2025 posted on the split (194) move with it, onto the one project.
    const moved = lines(main!).filter((l) => l[0] === "194");
    expect(moved.map((l) => [l[3], (l[1] as number) > 0 ? "débit" : "crédit"])).toEqual([
      ["ATELIERS", "débit"],
      ["PLAIDOYER", "débit"],
      ["PLAIDOYER", "crédit"],
    ]);
    expect((moved[0]![1] as number) + (moved[1]![1] as number)).toBe(moved[2]![2]);
    expect(later!.date).toBe("2026-01-01");
    expect(lines(later!)).toEqual([
      ["741", a26, 0, "ATELIERS"],
      ["741", p26, 0, "PLAIDOYER"],
      ["741", 0, in2026, "PLAIDOYER"],
    ]);
    expect(await produits(2025, "ATELIERS")).toBe(0);
    expect(await produits(2025, "PLAIDOYER")).toBe(in2025);
    expect(await produits(2026, "PLAIDOYER")).toBe(in2026);
    expect((await ok("GET", "/v1/grants?project=ATELIERS")).items).toEqual([]);
    grant = r;
  });

  it("an amendment splits a one-project grant again, with a new amount: the difference lines and the moved income split to the cent", async () => {
    const old2025 = recognisedIn(grant, 2025);
    const r = await ok("POST", `/v1/grants/${grant.id}/amendments`, {
      date: "2025-11-15",
      amount: 1_500_001,
      projects: [
        { projectId: "MEDIATION", share: 0.5 },
        { projectId: "PLAIDOYER", share: 0.5 },
      ],
      reason: "Avenant n° 2 : la médiation avec le plaidoyer",
    });
    expect(r.projects).toEqual([
      { projectId: "MEDIATION", share: 0.5, name: "Médiation" },
      { projectId: "PLAIDOYER", share: 0.5, name: "Plaidoyer" },
    ]);
    expect(r.correction).toMatchObject({ projectId: null, projects: [{ projectId: "MEDIATION" }, { projectId: "PLAIDOYER" }] });
    expect(r.correction.projectMove).toMatchObject({ from: "PLAIDOYER", to: null, fromProjects: null });
    const now = recognisedIn(r, 2025) - old2025;
    const [m, p] = parts(now, [5000, 5000]);
    const [mm, pm] = parts(old2025, [5000, 5000]);
    const main = (r.entries as EntryView[])[0]!;
    expect(lines(main).filter((l) => l[0] === "741")).toEqual([
      ["741", 0, m, "MEDIATION"],
      ["741", 0, p, "PLAIDOYER"],
      ["741", old2025, 0, "PLAIDOYER"],
      ["741", 0, mm, "MEDIATION"],
      ["741", 0, pm, "PLAIDOYER"],
    ]);
    for (const e of r.entries as EntryView[])
      for (const l of e.lines) expect(l.project ?? null).toEqual(/^(741|487|194)$/.test(l.account) ? expect.stringMatching(/^(MEDIATION|PLAIDOYER)$/) : null);
    expect(await produits(2025, "MEDIATION")).toBe(mm! + m!);
    grant = r;
  });

  it("a repayment of unspent funds takes them off the split's projects (19x), not the debt nor the bank", async () => {
    await ok("POST", "/v1/ledger/years/2025/dedicated-funds");
    await ok("POST", `/v1/grants/${grant.id}/payments`, { date: "2025-04-02", amount: 600_000 });
    const r = await ok("POST", `/v1/grants/${grant.id}/repayments`, { date: "2026-03-10", amount: 50_001, reason: "Reliquat non utilisé" });
    expect(r.correction.projects).toEqual([
      { projectId: "MEDIATION", share: 0.5 },
      { projectId: "PLAIDOYER", share: 0.5 },
    ]);
    const [main, bank] = r.entries as EntryView[];
    expect(lines(main!).filter((l) => l[0] === "194")).toEqual([
      ["194", 25_001, 0, "MEDIATION"],
      ["194", 25_000, 0, "PLAIDOYER"],
    ]);
    expect(main!.lines.filter((l) => !/^(194|741)$/.test(l.account)).every((l) => !l.project)).toBe(true);
    expect(bank!.lines.every((l) => !l.project)).toBe(true);
  });

  it("a cancellation reverses what was not received on the split's projects, to the cent", async () => {
    const g = await ok("POST", "/v1/grants", {
      ...BASE,
      funderId: funder.id,
      title: "Université populaire 2025",
      agreementRef: "CONV-FDVA-2025-U",
      amount: 300_001,
      startDate: "2025-03-01",
      endDate: "2025-12-31",
      installments: [
        { dueDate: "2025-03-31", amount: 100_000 },
        { dueDate: "2025-09-30", amount: 200_001 },
      ],
      projects: [
        { projectId: "MEDIATION", share: 0.25 },
        { projectId: "ATELIERS", share: 0.75 },
      ],
    });
    await ok("POST", `/v1/grants/${g.id}/payments`, { date: "2025-04-02", amount: 100_000 });
    const r = await ok("POST", `/v1/grants/${g.id}/cancellation`, { date: "2025-10-15", reason: "Action abandonnée" });
    const [m, a] = parts(200_001, [2500, 7500]);
    expect(lines((r.entries as EntryView[])[0]!)).toEqual([
      ["441", 0, 200_001, null],
      ["741", m, 0, "MEDIATION"],
      ["741", a, 0, "ATELIERS"],
    ]);
    expect(r.correction.projects).toEqual([
      { projectId: "MEDIATION", share: 0.25 },
      { projectId: "ATELIERS", share: 0.75 },
    ]);
    expect(r.correction.projectMove).toBeNull();
  });
});
