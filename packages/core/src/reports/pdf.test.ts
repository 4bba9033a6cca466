import { describe, expect, it } from "vitest";
import { pdfText } from "../../../../test/support/pdf-text.js";
import { reportFigures, type FunderFigures, type YearInput } from "./figures.js";
import { axis, renderAnnualReport, renderJournalOfficiel, topSlices } from "./pdf.js";
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { buildAnnexe, exerciseDates } from "./annexe.js";
import type { Balance } from "./financial-statements.js";

function book(moves: Array<[string, string, number]>): Balance[] {
  const m = new Map<string, { debit: number; credit: number }>();
  for (const [d, c, cents] of moves) {
    const a = m.get(d) ?? { debit: 0, credit: 0 };
    a.debit += cents;
    m.set(d, a);
    const b = m.get(c) ?? { debit: 0, credit: 0 };
    b.credit += cents;
    m.set(c, b);
  }
  return [...m].map(([account, s]) => ({ account, label: account, ...s, balance: s.debit - s.credit }));
}

const funders = (n: number): FunderFigures[] =>
  Array.from({ length: n }, (_, i) => ({
    funderId: `f${i}`,
    name: `Fondation n° ${i + 1} — l’œuvre`,
    kind: "foundation",
    awarded: 100_000,
    recognised: 100_000,
    received: 50_000,
    spent: 40_000,
    dedicatedFunds: 60_000,
  }));

const input = (year: number, n: number): YearInput => ({
  year,
  balances: book([
    ["512", "7551", n * 100_000 + 5_000_000],
    ["512", "7541", 780_000],
    ["6226", "401", 3_000_000],
    ["641", "421", 1_000_000],
  ]),
  funders: funders(n),
  fundersSource: "grants",
  people: { members: 12, donors: 30, monthlyDonors: 4, gifts: { count: 50, total: 780_000 } },
  social: Array.from({ length: 12 }, (_, i) => ({
    platform: "linkedin" as const,
    month: `${year}-${String(i + 1).padStart(2, "0")}`,
    followers: 1000 + i * 100,
    newFollowers: 100,
    impressions: 20_000 + i,
  })),
});

describe("the Rapport financier PDF", () => {
  it("a long report: tables run over pages with their header repeated; every page has the association, the year and its number", async () => {
    const pdf = await renderAnnualReport(reportFigures(input(2024, 160), input(2023, 3)), { association: "Œuvre commune" });
    const pages = (await pdfText(pdf)).split("\f").filter((p) => p.trim());
    expect(pages.length).toBeGreaterThanOrEqual(10);
    pages.forEach((p, i) => {
      expect(p).toContain("Œuvre commune");
      expect(p).toContain("Rapport financier 2024");
      expect(p).toContain(`Page ${i + 1} sur ${pages.length}`);
    });
    const funderPages = pages.filter((p) => p.includes("Fondation n° 1"));
    expect(funderPages.length).toBeGreaterThan(2);
    for (const p of funderPages.slice(1)) expect(p).toMatch(/Financeur|Source/);
    expect(pages.join("\n")).toContain("Fondation n° 160 — l’œuvre");
  });

  it("bug: a figure wider than its column was cut (« 1 234 567 8… »): a billion euros prints whole, set smaller", async () => {
    const big = (year: number): YearInput => ({
      ...input(year, 2),
      balances: book([
        ["512", "7541", 123_456_789_012],
        ["6226", "401", 98_765_432_109],
        ["641", "421", 4_321_098_765],
      ]),
    });
    const text = await pdfText(await renderAnnualReport(reportFigures(big(2024), big(2023)), { association: "Le milliard" }));
    expect(text).not.toMatch(/\d…/);
    expect(text.replace(/[\u00a0\u202f]/g, " ")).toContain("1 234 567 890,12 €");
  });

  it("the same figures give the same bytes", async () => {
    const f = reportFigures(input(2024, 5), input(2023, 1));
    const a = Buffer.from(await renderAnnualReport(f, { association: "A" }));
    const b = Buffer.from(await renderAnnualReport(structuredClone(f), { association: "A" }));
    expect(a.equals(b)).toBe(true);
    expect(a.toString("latin1")).toContain("D:20241231120000Z");
  });

  it("French text reads back as typed (accents, ’, œ, no ligature glyphs)", async () => {
    const text = await pdfText(await renderAnnualReport(reportFigures(input(2024, 1), input(2023, 0)), { association: "Affinités financières de l’œuvre" }));
    expect(text).toContain("Affinités financières de l’œuvre");
    expect(text).not.toMatch(/[\ufb00-\ufb06]/);
  });
});

/** A 24 × 24 PNG in one colour (crc32 by table), for the logo. */
function png(rgbTriple: [number, number, number]): Uint8Array {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = table[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(24, 0);
  ihdr.writeUInt32BE(24, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(
    Array.from({ length: 24 }, (_, y) =>
      Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: 24 }, (_, x) => ((x + y) % 8 < 4 ? rgbTriple : [255, 255, 255])).flat())]),
    ),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A year with contributions in kind, subsidies, fonds dédiés and an open year before. */
function fullYear() {
  const cur: YearInput = {
    ...input(2024, 2),
    balances: book([
      ["512", "7551", 5_200_000],
      ["512", "74", 2_500_000],
      ["512", "7541", 780_000],
      ["6226", "401", 3_000_000],
      ["641", "421", 4_000_000],
      ["6894", "194", 300_000],
      ["864", "875", 1_202_000],
      ["860", "870", 250_000],
    ]),
  };
  const prev: YearInput = {
    ...input(2023, 1),
    balances: book([
      ["512", "7551", 1_000_000],
      ["6226", "512", 900_000],
    ]),
  };
  const f = reportFigures(cur, prev, {
    exercise: exerciseDates(2024, { start: "2024-01-01", end: "2024-12-31" }, "2019-05-14"),
    previousExercise: { year: 2023, status: "open" },
  });
  const annexe = buildAnnexe({
    exercise: f.exercise,
    association: { name: "Œuvre commune", creationDate: "2019-05-14", fiscalStartMonth: 1 },
    volunteers: { hourlyRate: 1_202, headcount: 110 },
    dedicatedFunds: {
      rows: [{ grantId: "g1", title: "Jardins partagés du canal", funderName: "Fondation de France", atStart: 0, new: 300_000, used: 0, atEnd: 300_000 }],
    },
    grants: [
      {
        id: "g1",
        funderName: "Fondation de France",
        title: "Jardins partagés du canal",
        agreementDate: "2024-03-01",
        amount: 9_000_000,
        restricted: true,
        startDate: "2024-03-01",
        endDate: "2026-12-31",
        byYear: [{ year: 2024, recognised: 3_000_000, received: 2_000_000, spent: 2_700_000 }],
      },
    ],
    balances: cur.balances,
  });
  return { f, annexe };
}

describe("the report as a printed document", () => {
  it("annexe, contributions in kind per nature, tiers financeurs, N−1 marked open, the logo: every page has text of its own", async () => {
    const { f, annexe } = fullYear();
    const pdf = await renderAnnualReport(f, {
      association: "Œuvre commune",
      colour: "#7a2e5c",
      logo: { bytes: png([122, 46, 92]), contentType: "image/png" },
      annexe,
    });
    if (process.env.REPORT_PDF_OUT) writeFileSync(process.env.REPORT_PDF_OUT, pdf);
    const text = (await pdfText(pdf)).replace(/[\u00a0\u202f]/g, " ");
    for (const s of [
      "Produits de tiers financeurs",
      "2023 (non clôturé)",
      "L'exercice 2023 n'est pas clôturé",
      "Annexe aux comptes annuels",
      "Règles et méthodes comptables",
      "Engagements reçus et donnés",
      "Bénévolat",
      "Personnel bénévole",
      "Dons en nature",
      "Secours en nature",
      "taux horaire de 12,02 €",
      "110 bénévoles",
      "Seuils légaux",
      "Aides publiques",
      "Fondation de France — Jardins",
    ])
      expect(text.replace(/\s+/g, " ")).toContain(s);
    expect(text).not.toMatch(/\b2024-\d\d\b/);
    const pages = text.split("\f").filter((p) => p.trim());
    for (const p of pages) {
      const own = p.split("\n").filter((line) => line.trim() && !/^(Œuvre commune|Rapport financier 2024|Page \d+ sur \d+)/.test(line.trim()));
      expect(own.length).toBeGreaterThan(2);
    }
    expect(Buffer.from(pdf).toString("latin1")).toContain("/Subtype /Image");
  });

  it("a first exercise starts on the creation date and has no N−1 column", async () => {
    const cur = input(2024, 1);
    const f = reportFigures(cur, input(2023, 0), { exercise: exerciseDates(2024, { start: "2024-01-01", end: "2024-12-31" }, "2024-03-12") });
    expect(f.previousExercise.status).toBe("none");
    const text = (await pdfText(await renderAnnualReport(f, { association: "A" }))).replace(/[\u00a0\u202f]/g, " ");
    expect(text).toContain("Premier exercice de l'association, créée le 12 mars 2024 : du 12 mars 2024 au 31 décembre 2024.");
    expect(text).not.toContain("2023");
    expect(text).not.toContain("1er janvier");
  });

  it("a logo pdf-lib cannot read is left out, the report still comes", async () => {
    const bad = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)]);
    const pdf = await renderAnnualReport(reportFigures(input(2024, 1), input(2023, 1)), { association: "A", logo: { bytes: bad, contentType: "image/png" } });
    expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("the Journal officiel's PDF: the accounts and the annexe, no gifts, members or social statistics", async () => {
    const { f, annexe } = fullYear();
    const pdf = await renderJournalOfficiel(f, annexe, { association: "Œuvre commune", identity: ["3 quai de la Loire, 75019 Paris", "SIREN 123456782"] });
    if (process.env.JO_PDF_OUT) writeFileSync(process.env.JO_PDF_OUT, pdf);
    const text = (await pdfText(pdf)).replace(/[\u00a0\u202f]/g, " ");
    for (const s of ["Comptes annuels 2024", "Bilan au 31 décembre 2024", "Compte de résultat", "Annexe aux comptes annuels", "SIREN 123456782"])
      expect(text).toContain(s);
    for (const s of ["Donateurs", "Adhérents", "LinkedIn", "Dons en ligne"]) expect(text).not.toContain(s);
  });
});

describe("chart helpers", () => {
  it("topSlices keeps the largest and sums the rest as one slice", () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ label: `s${i}`, amount: (i + 1) * 10, share: (i + 1) / 55 }));
    const out = topSlices(items, 4);
    expect(out.map((x) => x.label)).toEqual(["s9", "s8", "s7", "Autres (7)"]);
    expect(out.reduce((s, x) => s + x.amount, 0)).toBe(550);
    expect(topSlices(items.slice(0, 3), 4)).toHaveLength(3);
  });

  it("axis: whole steps of 1, 2 or 5 × 10^k covering the values, negative ones too", () => {
    expect(axis(0, 250)).toEqual({ lo: 0, hi: 300, step: 100 });
    expect(axis(0, 507)).toEqual({ lo: 0, hi: 600, step: 200 });
    expect(axis(-30, 240)).toEqual({ lo: -100, hi: 300, step: 100 });
    expect(axis(0, 3)).toEqual({ lo: 0, hi: 3, step: 1 });
  });
});
