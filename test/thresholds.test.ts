/**
 * The legal thresholds watched from the ledger, through the real HTTP surface: public grants (74),
 * gifts (754) and commercial income (70) of a year against 153 000 €, 23 000 € and 80 011 €; the
 * figures carry them (the figures screen and the dashboard read them), the PDF names what follows,
 * and above the publication threshold the Journal officiel's PDF is the accounts and the annexe.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { pdfText } from "./support/pdf-text.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ ASSO_NAME: "Les Amis du Port" });
  const book: Array<[string, string, string, number]> = [
    ["2024-02-01", "512", "741", 2_400_000],
    ["2024-03-01", "512", "7541", 15_300_100],
    ["2024-04-01", "512", "706", 8_001_100],
    ["2025-02-01", "512", "742", 1_000_000],
  ];
  for (const [date, debit, credit, amount] of book) {
    const res = await stack.call("POST", "/v1/ledger/entries", {
      body: {
        journal: "BQ",
        date,
        label: `Écriture ${credit}`,
        pieceRef: `P-${date}`,
        lines: [
          { account: debit, debit: amount },
          { account: credit, credit: amount },
        ],
      },
    });
    expect(res.status).toBe(201);
  }
}, 120_000);
afterAll(() => stack.close());

interface Threshold {
  id: string;
  amount: number;
  threshold: number;
  exceeded: boolean;
  reached: number;
  message: string;
}
const thresholds = async (year: number, role = "delegation") => {
  const res = await stack.call("GET", `/v1/reports/${year}/thresholds`, { role });
  expect(res.status).toBe(200);
  return (await res.json()) as { year: number; items: Threshold[]; publication: { required: boolean; text: string } };
};

describe("GET /v1/reports/{year}/thresholds", () => {
  it("2024: gifts over 153 000 € (commissaire aux comptes, Journal officiel), public aid over 23 000 €, commercial income at 80 011 € not over", async () => {
    const t = await thresholds(2024);
    const by = Object.fromEntries(t.items.map((i) => [i.id, i]));
    expect(by["public-grants"]).toMatchObject({ amount: 2_400_000, threshold: 15_300_000, exceeded: false });
    expect(by.gifts).toMatchObject({ amount: 15_300_100, threshold: 15_300_000, exceeded: true });
    expect(by["public-aid"]).toMatchObject({ amount: 2_400_000, threshold: 2_300_000, exceeded: true });
    expect(by["commercial-income"]).toMatchObject({ amount: 8_001_100, threshold: 8_001_100, exceeded: false, reached: 1 });
    expect(by.gifts!.message).toMatch(/commissaire aux comptes.*Journal officiel.*trois mois/);
    expect(t.publication.required).toBe(true);
  });

  it("2025: 10 000 € of subsidies, nothing exceeded, no publication", async () => {
    const t = await thresholds(2025, "auditor");
    expect(t.items.every((i) => !i.exceeded)).toBe(true);
    expect(t.items.find((i) => i.id === "public-aid")!.reached).toBe(0.4348);
    expect(t.publication.required).toBe(false);
  });

  it("the figures carry the same thresholds (the figures screen and the dashboard read them); a bad year is a 400", async () => {
    const f = (await (await stack.call("GET", "/v1/reports/2024/figures", { role: "delegation" })).json()) as { thresholds: unknown; palette: string[] };
    expect(f.thresholds).toEqual(await thresholds(2024));
    expect(f.palette[0]).toMatch(/^#[0-9a-f]{6}$/);
    const bad = await stack.call("GET", "/v1/reports/20x4/thresholds", { role: "delegation" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toMatch(/problem\+json/);
  });

  it("the annual report says what follows; the Journal officiel's PDF is the accounts and the annexe with the foreign resources' statement", async () => {
    const report = (await pdfText(new Uint8Array(await (await stack.call("GET", "/v1/reports/2024/annual-report.pdf", { role: "delegation" })).arrayBuffer())))
      .replace(/[\u00a0\u202f]/g, " ")
      .replace(/\s+/g, " ");
    expect(report).toContain("Seuils légaux");
    expect(report).toMatch(/Dons ouvrant droit à réduction d'impôt : 153 001 €, au-delà de 153 000 €/);
    const res = await stack.call("GET", "/v1/reports/2024/journal-officiel.pdf", { role: "tresorier" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("journal-officiel");
    const text = (await pdfText(new Uint8Array(await res.arrayBuffer()))).replace(/[\u00a0\u202f]/g, " ").replace(/\s+/g, " ");
    expect(text).toContain("Comptes annuels 2024");
    expect(text).toContain("sont à publier sur le site du Journal officiel");
    expect(text).toContain("Ressources provenant de l'étranger");
    expect(text).toContain("aucun don venant d'un donateur établi hors de France");
  });
});
