/**
 * `npm run dev`'s demo year 2024 reproduces the activity report's figures: individual gifts 7.8 %
 * of income, other purchases and external charges 62 % of charges, 5 336 LinkedIn followers (100 to
 * 250 new a month), 266 662 impressions, 7 519 reactions, 23 286 page visits, 11 YouTube videos.
 * The demo is seeded exactly as `npm run dev` does (infra/demo.ts, infra/demo-social.ts) against a
 * test stack; the figures are read from the API and from the PDF's text. If the demo drifts, this fails.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ONLINE_GIFTS_2024, seedDemo, seedGiving } from "../infra/demo.js";
import { DEMO_SOCIAL_2024, seedSocial } from "../infra/demo-social.js";
import { seedBank } from "../infra/demo-bank.js";
import { seedSettings } from "../infra/demo-settings.js";
import { DEMO_PROJECTS, seedPlans2024 } from "../infra/demo-projects.js";
import { pdfText } from "./support/pdf-text.js";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
  expect(await seedDemo()).toBe(true);
  expect((await seedSettings(stack.url, await stack.identity.token("tresorier"))).length).toBe(11); // every settings section, the annexe's included
  plans = await seedPlans2024(stack.url, await stack.identity.token("tresorier"));
  await seedGiving(stack.url, stack.stripeUrl);
  await seedSocial(stack.url, await stack.identity.token("delegation"));
  bankImport = await seedBank(stack.url, await stack.identity.token("tresorier"));
}, 120_000);
let bankImport: { imported: number; duplicates: number };
let plans: { budgetLines: number; hours: number; value: number; giftsInKind: number };
afterAll(() => stack.close());

interface Figures {
  income: { total: number; donorShare: number; bySource: Array<{ source: string; amount: number }> };
  expenses: { total: number; byCategory: Array<{ category: string; amount: number; share: number }> };
  result: number;
  social: Array<{
    platform: string;
    followers: number | null;
    newFollowers: number | null;
    impressions: number | null;
    reactions: number | null;
    pageVisits: number | null;
    videosPublished: number | null;
    months: Array<{ newFollowers: number | null }>;
  }>;
}

describe("the demo year 2024", () => {
  it("from the API: individual gifts 7.8 % of income, external charges 62 % of charges, income and charges almost equal", async () => {
    const f = (await (await stack.call("GET", "/v1/reports/2024/figures", { role: "delegation" })).json()) as Figures;
    const gifts = f.income.bySource.filter((s) => s.source === "individual_gifts").reduce((s, x) => s + x.amount, 0);
    expect(Math.round((gifts / f.income.total) * 1000) / 10).toBe(7.8);
    expect(Math.round(f.income.donorShare * 1000) / 10).toBe(7.8);
    const ext = f.expenses.byCategory.find((c) => c.category === "charges-externes")!;
    expect(Math.round((ext.amount / f.expenses.total) * 100)).toBe(62);
    expect(Math.abs(f.result) / f.income.total).toBeLessThan(0.05);
  });

  it("from the API: LinkedIn and YouTube as the report gives them", async () => {
    const f = (await (await stack.call("GET", "/v1/reports/2024/figures", { role: "auditor" })).json()) as Figures;
    const li = f.social.find((s) => s.platform === "linkedin")!;
    expect(li).toMatchObject({ followers: 5_336, impressions: 266_662, reactions: 7_519, pageVisits: 23_286 });
    for (const m of li.months) {
      expect(m.newFollowers).toBeGreaterThanOrEqual(100);
      expect(m.newFollowers).toBeLessThanOrEqual(250);
    }
    expect(f.social.find((s) => s.platform === "youtube")!.videosPublished).toBe(DEMO_SOCIAL_2024.youtube.videos);
  });

  it("bug: the restricted grants spent in full in 2024 printed as a fonds dédiés table of zeros; they are named in a sentence with what they brought", async () => {
    const pdf = new Uint8Array(await (await stack.call("GET", "/v1/reports/2024/annual-report.pdf", { role: "delegation" })).arrayBuffer());
    const text = (await pdfText(pdf)).replace(/[\u00a0\u202f]/g, " ").replace(/\s+/g, " ");
    expect(text).toContain("Aucun fonds dédié à l'ouverture ni à la clôture de l'exercice.");
    expect(text).toContain(
      "Ressources affectées employées en totalité dans l'exercice, sans report en fonds dédiés : Fondation Crédit Coopératif — Éducation populaire (30 000 €) ; Fondation de France — Programme 2024 (100 000 €).",
    );
    expect(text).not.toMatch(/Ouverture Reports Utilisations/);
  });

  it("from the PDF's text", async () => {
    const res = await stack.call("GET", "/v1/reports/2024/annual-report.pdf", { role: "delegation" });
    expect(res.status).toBe(200);
    const pdf = new Uint8Array(await res.arrayBuffer());
    // REPORT_PDF_OUT=/tmp/demo.pdf keeps the file, to look at its pages (pdftoppm -png).
    if (process.env.REPORT_PDF_OUT) writeFileSync(process.env.REPORT_PDF_OUT, pdf);
    const text = (await pdfText(pdf)).replace(/[\u00a0\u202f]/g, " ").replace(/[ \t]+/g, " ");
    expect(text).toContain("Les dons de particuliers représentent 7,8 % des produits.");
    expect(text).toMatch(/autres achats et charges externes » représente 62,\d % des charges/);
    expect(text).toContain("LinkedIn : 5 336 abonnés, 266 662 impressions");
    expect(text).toContain("YouTube : 11 vidéos publiées");
    for (const n of ["5 336", "266 662", "7 519", "23 286"]) expect(text).toContain(n);
  });

  it("the report as printed (issue 20): donors counted from the gifts, 7541 reconciled with the registry, the first exercise from the creation date, every page with content of its own", async () => {
    const f = (await (await stack.call("GET", "/v1/reports/2024/figures", { role: "delegation" })).json()) as {
      donations: { donors: number; monthlyDonors: number; total: number; booked: number; unregistered: number };
      exercise: { start: string; first: boolean };
      previousExercise: { status: string };
    };
    // Bug: "Adhérents · donateurs 0 · 0" beside 22 600 € of gifts.
    expect(f.donations.donors).toBeGreaterThan(0);
    expect(f.donations).toMatchObject({ donors: 3, monthlyDonors: 1, total: DEMO_ONLINE_GIFTS_2024, booked: 2_260_000 });
    expect(f.donations.unregistered).toBe(f.donations.booked - f.donations.total);
    expect(f.exercise).toMatchObject({ start: "2024-03-12", first: true });
    expect(f.previousExercise.status).toBe("none");
    const pdf = new Uint8Array(await (await stack.call("GET", "/v1/reports/2024/annual-report.pdf", { role: "delegation" })).arrayBuffer());
    const raw = (await pdfText(pdf)).replace(/[\u00a0\u202f]/g, " ");
    const text = raw.replace(/\s+/g, " ");
    expect(text).toContain("Adhérents · donateurs en ligne");
    // Bug: « 0 » adhérents beside 2 000 € of cotisations, with nothing to say why.
    expect(text).toContain(
      "Les cotisations de l'exercice (2 000 €, compte 756) ont été reçues hors des adhésions en ligne (chèques, virements, espèces) : leurs adhérents ne figurent pas dans le registre en ligne, qui n'en compte aucun.",
    );
    expect(text).toMatch(/0\s*·\s*3/);
    // Bug: "Dons en ligne : total 425 €" beside 7541 with nothing reconciling them.
    expect(text).toContain("Le compte 7541 (22 600 €) dépasse de 22 355 € les dons en ligne du registre (245 €)");
    expect(text).toContain("Produits de tiers financeurs");
    expect(text).toContain("Premier exercice de l'association, créée le 12 mars 2024");
    expect(text).not.toContain("1er janvier");
    expect(text).not.toContain("Fonds déd…");
    expect(text).not.toMatch(/\b2024-(0[1-9]|1[0-2])\b/);
    for (const s of ["Annexe aux comptes annuels", "Engagements reçus et donnés", "Seuils légaux"]) expect(text).toContain(s);
    const pages = raw.split("\f").filter((p) => p.trim());
    expect(pages.length).toBeGreaterThanOrEqual(5);
    pages.forEach((p, i) => {
      const own = p
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !/^(Association de démonstration|Rapport financier 2024|Page \d+ sur \d+)/.test(l));
      expect(own.length, `page ${i + 1} has content of its own`).toBeGreaterThan(8);
    });
  });
});

describe("the demo's projects, budget and volunteers (issue 20)", () => {
  type Sides = { charges: number; produits: number };
  it("payroll, purchases and grants carry the three projects; the projects and the rest add up to the books", async () => {
    const f = (await (await stack.call("GET", "/v1/projects/figures?year=2024", { role: "delegation" })).json()) as {
      items: Array<{ code: string; actual: Sides; budget: Sides }>;
      unassigned: { actual: Sides };
      total: Sides;
    };
    expect(f.items.map((p) => p.code).sort()).toEqual(DEMO_PROJECTS.map((p) => p.code).sort());
    const charges = Object.fromEntries(f.items.map((p) => [p.code, p.actual.charges]));
    // Payroll (109 820 €) split 50/20/30; the survey and the writer on the campaign; the graphics
    // split in two; the videos on popular education, the social media on advocacy.
    expect(charges).toEqual({ MILLIARD: 16_741_000, EDUCPOP: 5_196_400, PLAIDOYER: 6_044_600 });
    expect(f.items.find((p) => p.code === "EDUCPOP")!.actual.produits).toBe(3_000_000);
    const sum = (k: keyof Sides) => f.items.reduce((n, p) => n + p.actual[k], f.unassigned.actual[k]);
    expect(sum("charges")).toBe(f.total.charges);
    expect(sum("produits")).toBe(f.total.produits);
  });

  it("the 2024 budget is compared with the books, and the report prints it; volunteers' hours are valued in 864/875", async () => {
    expect(plans.budgetLines).toBeGreaterThan(10);
    const c = (await (await stack.call("GET", "/v1/budgets/2024/comparison", { role: "delegation" })).json()) as {
      totals: { charges: { budget: number; actual: number }; emplois: { budget: number; actual: number } };
    };
    expect(c.totals.charges.budget).toBe(27_530_000);
    expect(c.totals.emplois.actual).toBe(plans.value + 180_000);
    const time = (await (await stack.call("GET", "/v1/volunteer-time?year=2024")).json()) as {
      items: Array<{ hours: number; accounts: { use: string; source: string }; project: string | null }>;
    };
    expect(time.items.reduce((n, t) => n + t.hours, 0)).toBe(plans.hours);
    expect(time.items.every((t) => t.accounts.use === "864" && t.accounts.source === "875" && t.project)).toBe(true);
    const pdf = new Uint8Array(await (await stack.call("GET", "/v1/reports/2024/annual-report.pdf", { role: "delegation" })).arrayBuffer());
    const text = (await pdfText(pdf)).replace(/[\u00a0\u202f]/g, " ").replace(/\s+/g, " ");
    expect(text).toContain("Budget et réalisé");
    expect(text).toContain("Éducation populaire");
    // Bug: the MILLIARD's income 20 000 € under budget (−16,7 %) was not marked, and the projects' tables
    // stopped short of the year's result; « Sans projet » closes them.
    const figures = (await (await stack.call("GET", "/v1/reports/2024/figures", { role: "delegation" })).json()) as {
      budget: { projects: { code: string; large: { produits: boolean } }[]; unassigned: unknown };
    };
    expect(figures.budget.projects.find((p) => p.code === "MILLIARD")?.large.produits).toBe(true);
    expect(figures.budget.unassigned).not.toBeNull();
    expect(text).toMatch(/Produits 120 000,00 € 100 000,00 € -20 000,00 € -16,7 % \*/);
    expect(text).toContain("Sans projet (fonctionnement de l'association)");
    // Bugs: the settings' method ran on after a colon, repeating « heures déclarées chaque mois », with no full stop;
    // the rate said was today's setting (12,02 €, 2026), not the rates the 2024 hours were booked at.
    expect(text).toContain(
      "Le temps des bénévoles est valorisé aux taux horaires de 11,65 € et 11,88 € (ANC 2018-06, art. 211-1 et 211-2). Méthode retenue : heures déclarées chaque mois par les responsables d'activité, valorisées au SMIC horaire brut en vigueur le mois où elles ont été données.",
    );
  });
});

describe("the demo bank statement (January 2025)", () => {
  it("imports, is proposed against the grant installment, and reconciles to 0 once the bank fee is booked from its rule", async () => {
    expect(bankImport).toMatchObject({ imported: 2, duplicates: 0 });
    const lines = (await (await stack.call("GET", "/v1/bank/lines?status=unmatched")).json()) as { items: { id: string; amount: number }[] };
    const fee = lines.items.find((l) => l.amount === -1240)!;
    expect((await stack.call("POST", `/v1/bank/lines/${fee.id}/entry`, { body: { rule: "bank_fees" } })).status).toBe(201);
    const rec = (await (await stack.call("POST", "/v1/bank/reconcile", { body: { account: "512", apply: true } })).json()) as { applied: unknown[] };
    expect(rec.applied).toHaveLength(1);
    const etat = (await (await stack.call("GET", "/v1/bank/reconciliation?account=512&date=2025-01-31")).json()) as {
      difference: number;
      bankBalance: number;
      ledgerBalance: number;
    };
    expect(etat.difference).toBe(0);
    expect(etat.bankBalance).toBe(etat.ledgerBalance);
  });
});
