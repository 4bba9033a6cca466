/**
 * The annexe through the real HTTP surface: a grant signed in December 2024 over two years, partly
 * spent, its fonds dédiés posted for 2024 and released in 2025. The annexe's fonds dédiés table
 * equals the fonds dédiés route row for row (opening, reports, uses, closing); the engagements
 * say what is still to be received and the later years' share; the contributions in kind and the
 * volunteers' method come from the books and the settings; the annual report and the Journal
 * officiel's PDF carry the annexe.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { pdfText } from "./support/pdf-text.js";

let stack: TestStack;
type Json = Record<string, any>;

async function call(method: string, path: string, body?: unknown, opts: { role?: string; headers?: Record<string, string> } = {}) {
  const res = await stack.call(method, path, { body, role: opts.role ?? "tresorier", headers: opts.headers });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

async function putSection(name: string, value: Json) {
  const current = await call("GET", "/v1/settings");
  const section = current.body.sections[name];
  const res = await call("PUT", `/v1/settings/${name}`, { ...section.value, ...value }, { headers: { "if-match": String(section.version) } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

let grantId: string;
beforeAll(async () => {
  stack = await startTestStack({ ASSO_NAME: "Les Jardins du Canal" });
  await putSection("identity", { creationDate: "2023-04-03" });
  await putSection("volunteers", { hourlyRate: 1_202, headcount: 110 });
  const funder = await call("POST", "/v1/funders", { name: "Fondation Éducation Populaire", kind: "foundation" });
  expect(funder.status).toBe(201);
  const grant = await call("POST", "/v1/grants", {
    funderId: funder.body.id,
    title: "Éducation populaire",
    agreementDate: "2024-12-10",
    agreementRef: "CONV-EP-2024",
    amount: 10_000_000,
    restricted: true,
    startDate: "2024-12-01",
    endDate: "2026-11-30",
    installments: [
      { dueDate: "2024-12-20", amount: 6_000_000 },
      { dueDate: "2025-09-30", amount: 4_000_000 },
    ],
    reportingDeadlines: [],
    documents: [],
  });
  expect(grant.status).toBe(201);
  grantId = grant.body.id;
  expect((await call("POST", `/v1/grants/${grantId}/payments`, { date: "2024-12-20", amount: 6_000_000, label: "Premier versement" })).status).toBe(201);
  const expense = await call("POST", "/v1/expenses", {
    date: "2024-12-15",
    supplier: "Camille Dupont (rédaction)",
    account: "6226",
    amount: 300_000,
    label: "Rédaction du livret pédagogique",
    pieceRef: "F-2024-017",
    grantId,
    paid: { date: "2024-12-28", method: "bank" },
  });
  expect(expense.status).toBe(201);
  expect((await call("POST", "/v1/ledger/years/2024/dedicated-funds")).status).toBe(201);
  // 2024's volunteers' time and a gift in kind, booked on the chart's 86x / 87x accounts.
  const cvn = await call("POST", "/v1/ledger/entries", {
    journal: "OD",
    date: "2024-12-31",
    label: "Contributions volontaires en nature 2024",
    pieceRef: "CVN-2024",
    lines: [
      { account: "864", debit: 1_202_000 },
      { account: "875", credit: 1_202_000 },
      { account: "860", debit: 45_000 },
      { account: "870", credit: 45_000 },
    ],
  });
  expect(cvn.status, JSON.stringify(cvn.body)).toBe(201);
  const fees = await call("POST", "/v1/ledger/entries", {
    journal: "BQ",
    date: "2023-06-01",
    label: "Cotisations 2023",
    pieceRef: "COTIS-2023",
    lines: [
      { account: "512", debit: 100_000 },
      { account: "756", credit: 100_000 },
    ],
  });
  expect(fees.status).toBe(201);
}, 120_000);
afterAll(() => stack.close());

describe("the annexe's fonds dédiés", () => {
  it("equal the fonds dédiés route, row for row and in total, for the year they are reported and the year after", async () => {
    for (const year of [2024, 2025]) {
      const annexe = await call("GET", `/v1/reports/${year}/annexe`, undefined, { role: "delegation" });
      expect(annexe.status).toBe(200);
      const route = await call("GET", `/v1/grants/dedicated-funds?year=${year}`, undefined, { role: "auditor" });
      expect(route.status).toBe(200);
      const rows = route.body.rows as Json[];
      expect(rows.length).toBeGreaterThan(0);
      expect(annexe.body.dedicatedFunds.rows).toEqual(
        rows.map((r) => ({
          grantId: r.grantId,
          label: `${r.funderName} — ${r.title}`,
          opening: r.atStart,
          reports: r.new,
          uses: r.used,
          transfers: 0,
          closing: r.atEnd,
          resources: r.recognised,
        })),
      );
      const t = route.body.totals;
      expect(annexe.body.dedicatedFunds.totals).toEqual({
        opening: t.atStart,
        reports: t.new,
        uses: t.used,
        transfers: 0,
        closing: t.atEnd,
        resources: t.recognised,
      });
    }
    // And the balance sheet's fonds dédiés (19x) at the end of 2024 are the table's closing.
    const figures = await call("GET", "/v1/reports/2024/figures", undefined, { role: "delegation" });
    const annexe = await call("GET", "/v1/reports/2024/annexe", undefined, { role: "delegation" });
    expect(figures.body.dedicatedFunds.closing).toBe(annexe.body.dedicatedFunds.totals.closing);
    expect(annexe.body.dedicatedFunds.totals.closing).toBeGreaterThan(0);
  });
});

describe("the annexe's engagements", () => {
  it("the grant signed in 2024: 40 000 € still to receive, the later years' share (2025, 2026) beside it", async () => {
    const a = (await call("GET", "/v1/reports/2024/annexe", undefined, { role: "auditor" })).body;
    const grant = (await call("GET", `/v1/grants/${grantId}`, undefined, { role: "auditor" })).body;
    const row = a.engagements.received.find((r: Json) => r.grantId === grantId);
    const recognised2024 = grant.byYear.find((y: Json) => y.year === 2024).recognised;
    expect(row).toMatchObject({ awarded: 10_000_000, received: 6_000_000, toReceive: 4_000_000, laterYears: 10_000_000 - recognised2024 });
    expect(row.laterYears).toBeGreaterThan(0);
    expect(a.engagements.given).toMatch(/Aucun engagement donné/);
  });
});

describe("the annexe's methods, from the settings and the books", () => {
  it("first exercise from the creation date, volunteers valued at the settings' rate, CVN per nature, headcount, no statement of foreign resources below 153 000 €", async () => {
    const first = (await call("GET", "/v1/reports/2023/annexe", undefined, { role: "delegation" })).body;
    expect(first.exercise).toMatchObject({ start: "2023-04-03", end: "2023-12-31", first: true });
    const a = (await call("GET", "/v1/reports/2024/annexe", undefined, { role: "delegation" })).body;
    expect(a.exercise).toMatchObject({ start: "2024-01-01", first: false });
    expect(a.contributionsInKind.ressources).toEqual([
      { account: "870", label: "Dons en nature", amount: 45_000 },
      { account: "875", label: "Bénévolat", amount: 1_202_000 },
    ]);
    expect(a.contributionsInKind.emplois.map((l: Json) => l.account)).toEqual(["860", "864"]);
    expect(a.contributionsInKind.method[0]).toContain("taux horaire de 12,02 €");
    expect(a.headcount).toMatchObject({ volunteers: 110 });
    expect(a.foreignResources).toMatchObject({ required: false, rows: [] });
  });

  it("the annual report's PDF carries the annexe; the CR shows the contributions in kind one line per nature", async () => {
    const res = await stack.call("GET", "/v1/reports/2024/annual-report.pdf", { role: "delegation" });
    expect(res.status).toBe(200);
    const text = (await pdfText(new Uint8Array(await res.arrayBuffer()))).replace(/[\u00a0\u202f]/g, " ").replace(/\s+/g, " ");
    for (const s of [
      "Annexe aux comptes annuels",
      "Règles et méthodes comptables",
      "Engagements reçus et donnés",
      "Personnel bénévole",
      "Dons en nature",
      "110 bénévoles",
    ])
      expect(text).toContain(s);
    // 2023 (the first exercise, created in April) is open: the N−1 column says so.
    expect(text).toContain("2023 (non clôturé)");
  });

  it("the Journal officiel's PDF: the accounts and the annexe, no person's data", async () => {
    const res = await stack.call("GET", "/v1/reports/2024/journal-officiel.pdf", { role: "auditor" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const text = (await pdfText(new Uint8Array(await res.arrayBuffer()))).replace(/[\u00a0\u202f]/g, " ").replace(/\s+/g, " ");
    for (const s of ["Comptes annuels 2024", "Bilan au 31 décembre 2024", "Compte de résultat", "Annexe aux comptes annuels"]) expect(text).toContain(s);
    for (const s of ["Camille Dupont", "Donateurs", "Adhérents"]) expect(text).not.toContain(s);
  });
});

describe("the annexe's engagements given (settings: annexe)", () => {
  it("lists the settings' engagements with their total; bad fields named; « Aucun engagement donné » when the list is empty", async () => {
    const bad = await call("PUT", "/v1/settings/annexe", { engagementsGiven: [{ label: "", until: "demain" }] }, { headers: { "if-match": "0" } });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as Json[]).map((e) => e.path).sort()).toEqual(["engagementsGiven.0.label", "engagementsGiven.0.until"]);
    await putSection("annexe", {
      engagementsGiven: [
        { label: "Caution du bail des locaux", amount: 300_000, beneficiary: "Banque du Canal", until: "2027-06-30" },
        { label: "Subvention promise à l'association Les Petits Jardiniers", amount: 150_000 },
      ],
    });
    const a = (await call("GET", "/v1/reports/2024/annexe", undefined, { role: "auditor" })).body;
    expect(a.engagements.givenTotal).toBe(450_000);
    expect(a.engagements.givenItems).toHaveLength(2);
    expect(a.engagements.given.replace(/[\u00a0\u202f]/g, " ")).toContain("2 engagements donnés, pour un total de 4 500 €");
    expect(a.engagements.given).toContain("au profit de Banque du Canal, jusqu'au 30 juin 2027");
    await putSection("annexe", { engagementsGiven: [] });
    expect((await call("GET", "/v1/reports/2024/annexe", undefined, { role: "auditor" })).body.engagements.given).toMatch(/Aucun engagement donné/);
  });
});
