/**
 * The compte-rendu financier (CERFA 15059) after review, through the HTTP surface: a late report
 * stays in « À traiter » (GET /v1/todo), said late; a report recorded as sent (« remis le »,
 * `sentOn` with the texts' PUT, If-Match) leaves it and reads « Remis le … » in the list, and can be
 * un-set; the report is not ready while its bilan is empty; a grant with no budget by rubrique asks
 * no per-rubrique explanation; the report says which fiscal years its figures cover.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfText } from "./support/pdf-text.js";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function call(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await stack.call(method, path, { body: opts.body, role: "tresorier", headers: opts.headers });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
async function ok(method: string, path: string, body?: unknown) {
  const r = await call(method, path, { body });
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}
const flat = (s: string) => s.replace(/[\u00a0\u202f]/g, " ").replace(/\s+/g, " ");
const pdfOf = async (id: string) => flat(await pdfText(new Uint8Array(await (await stack.call("GET", `/v1/grants/${id}/financial-report.pdf`)).arrayBuffer())));
const put = async (id: string, body: Json) => {
  const version = (await ok("GET", `/v1/grants/${id}/financial-report/explanations`)).version;
  return call("PUT", `/v1/grants/${id}/financial-report/explanations`, { body, headers: { "if-match": `"${version}"` } });
};
const todoIds = async () => ((await ok("GET", "/v1/todo")).grantReports.grants as Json[]).map((g) => g.id);

let alone: Json; // no project, ended long ago: late
let spanning: Json; // on a project, over 2024 and 2025
describe("the compte-rendu financier, after review", () => {
  beforeAll(async () => {
    const funder = await ok("POST", "/v1/funders", { name: "Ville de Tours", kind: "public", incomeAccount: "741" });
    alone = await ok("POST", "/v1/grants", {
      funderId: funder.id,
      title: "Fête des voisins 2024",
      agreementDate: "2024-01-10",
      amount: 300_000,
      restricted: false,
      startDate: "2024-01-01",
      endDate: "2024-06-30",
      installments: [{ dueDate: "2024-01-31", amount: 300_000 }],
    });
    await ok("POST", "/v1/expenses", {
      date: "2024-05-20",
      supplier: "Traiteur Lemoine",
      account: "6257",
      amount: 120_000,
      label: "Buffet de la fête",
      pieceRef: "TL-7",
      grantId: alone.id,
    });
    await ok("POST", "/v1/projects", { code: "ECOLE", name: "Soutien scolaire" });
    spanning = await ok("POST", "/v1/grants", {
      funderId: funder.id,
      title: "Soutien scolaire 2024-2025",
      project: "ECOLE",
      agreementDate: "2024-08-01",
      amount: 500_000,
      restricted: false,
      startDate: "2024-09-01",
      endDate: "2025-06-30",
      installments: [{ dueDate: "2024-09-30", amount: 500_000 }],
    });
    await ok("PUT", "/v1/budgets/2025", { lines: [{ account: "606", project: "ECOLE", amount: 100_000 }] });
  });

  it("bug: a late compte-rendu left the dashboard's to-do", async () => {
    const todo = await ok("GET", "/v1/todo");
    const late = (todo.grantReports.grants as Json[]).find((g) => g.id === alone.id);
    expect(late, JSON.stringify(todo.grantReports)).toMatchObject({ dueDate: "2024-12-30", late: true, statusLabel: "en retard" });
    expect(todo.grantReports.count).toBeGreaterThanOrEqual(2);
  });

  it("bug: a compte-rendu could not be recorded as sent — « remis le » leaves the to-do, reads « Remis le 12/03/2025 », and can be un-set", async () => {
    // Not after today, and a real date.
    for (const sentOn of ["2999-01-01", "2025-02-30", "12/03/2025"]) {
      const r = await put(alone.id, { gaps: [], sentOn });
      expect(r.status, sentOn).toBe(400);
      expect(r.body.errors.map((e: Json) => e.path)).toEqual(["sentOn"]);
    }
    const r = await put(alone.id, { gaps: [], summary: "Trois cents voisins réunis.", sentOn: "2025-03-12" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.sentOn).toBe("2025-03-12");
    expect(await todoIds()).not.toContain(alone.id);
    const list = (await ok("GET", "/v1/grant-reports")).items.find((g: Json) => g.grantId === alone.id);
    expect(list).toMatchObject({ status: "en-retard", sentOn: "2025-03-12", statusLabel: "Remis le 12/03/2025" });
    expect(await ok("GET", `/v1/grants/${alone.id}/financial-report`)).toMatchObject({ sentOn: "2025-03-12", explanations: { sentOn: "2025-03-12" } });
    const csv = (await (await stack.call("GET", `/v1/grants/${alone.id}/financial-report.csv`)).text()).split("\r\n");
    expect(csv).toContain("Remis au financeur le;12/03/2025");
    expect(await pdfOf(alone.id)).toContain("Remis au financeur le 12 mars 2025");
    // A correction: not sent after all.
    const undo = await put(alone.id, { gaps: [], summary: "Trois cents voisins réunis.", sentOn: null });
    expect(undo.status).toBe(200);
    expect(undo.body.sentOn).toBeNull();
    expect(await todoIds()).toContain(alone.id);
    expect((await ok("GET", "/v1/grant-reports")).items.find((g: Json) => g.grantId === alone.id).statusLabel).toBe("en retard");
  });

  it("bug: a compte-rendu was « Prêt à envoyer » with its bilan empty", async () => {
    expect(await put(spanning.id, { gaps: [] })).toMatchObject({ status: 200 });
    const cr = await ok("GET", `/v1/grants/${spanning.id}/financial-report`);
    expect(cr.ready).toBe(false);
    expect(cr.missing).toContain("Le bilan qualitatif de l'action n'est pas rédigé");
    const csv = (await (await stack.call("GET", `/v1/grants/${spanning.id}/financial-report.csv`)).text()).split("\r\n");
    expect(csv.find((l) => l.startsWith("État;"))).toMatch(/[Ll]e bilan qualitatif de l'action n'est pas rédigé/);
    expect(csv).not.toContain("État;Prêt à envoyer");
    // In the PDF, each missing part points to its section (bug: « (voir 6) » followed the bilan, which is section 1).
    expect(await pdfOf(spanning.id)).toMatch(/[Ll]e bilan qualitatif de l'action n'est pas rédigé \(voir 1\)/);
    // Its gaps explained and its bilan written: ready.
    expect(
      await put(spanning.id, {
        gaps: [
          { rubrique: "60", text: "Fournitures offertes par la mairie." },
          { rubrique: "74", text: "La subvention n'était pas inscrite au budget." },
        ],
        summary: "Vingt élèves suivis.",
      }),
    ).toMatchObject({
      status: 200,
    });
    const done = await ok("GET", `/v1/grants/${spanning.id}/financial-report`);
    expect(done, JSON.stringify([done.missing, done.gapsToExplain])).toMatchObject({ missing: [], ready: true });
  });

  it("bug: a grant without a project listed every charge line as a gap to explain, printed « Écart non expliqué »", async () => {
    const cr = await ok("GET", `/v1/grants/${alone.id}/financial-report`);
    expect(cr.comparison.rubriques.some((r: Json) => r.rubrique === "62" && r.actual === 120_000)).toBe(true);
    expect(cr).toMatchObject({ gapsToExplain: [], unexplained: 0, budgetByRubrique: false });
    expect(cr.budgetNote).toMatch(/^Aucun budget par rubrique n'a été voté pour l'action/);
    // Its bilan was saved above: nothing else is missing.
    expect(cr).toMatchObject({ missing: [], ready: true });
    const pdf = await pdfOf(alone.id);
    expect(pdf).not.toContain("Écart non expliqué");
    expect(pdf).toContain("Aucun budget par rubrique n'a été voté pour l'action");
    const csv = await (await stack.call("GET", `/v1/grants/${alone.id}/financial-report.csv`)).text();
    expect(csv).not.toContain("Écart non expliqué");
  });

  it("bug: the report's figures were the project's whole fiscal years while it showed only the action's dates", async () => {
    const cr = await ok("GET", `/v1/grants/${spanning.id}/financial-report`);
    expect(cr.period.years).toEqual([2024, 2025]);
    expect(cr.coverage).toMatch(/^Réalisé : exercices 2024 et 2025 du projet/);
    expect(await pdfOf(spanning.id)).toContain("Réalisé : exercices 2024 et 2025 du projet");
    expect((await ok("GET", `/v1/grants/${alone.id}/financial-report`)).coverage).toMatch(/^Réalisé : les dépenses affectées à la subvention/);
  });
});
