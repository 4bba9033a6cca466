/**
 * The figures as a spreadsheet CSV for the délégation's slides: semicolon separated, UTF-8 with a
 * BOM, decimal commas, amounts in euros; one row per figure with the year and year − 1 side by side.
 * Every cell goes through the one cell writer (`../csv.ts`): a funder's or a platform's name that
 * starts like a formula is neutralised; figures stay numbers.
 */
import { platformName, sourceDisplay, type ReportFigures, type YearFigures } from "./figures.js";
import { SOCIAL_METRICS } from "./format.js";
import { frenchAmount } from "../money.js";
import { CSV_BOM, csvFigure, csvLine, type CsvValue } from "../csv.js";

const eurosCell = (cents: number | null | undefined) => (cents === null || cents === undefined ? null : csvFigure(frenchAmount(cents)));
const pctCell = (share: number | null | undefined) =>
  share === null || share === undefined ? null : csvFigure((Math.round(share * 1000) / 10).toFixed(1).replace(".", ","));

type Row = [section: string, label: string, unit: string, current: CsvValue, previous: CsvValue];

export function figuresCsv(f: ReportFigures): string {
  const p = f.previous;
  const rows: Row[] = [];
  const money = (section: string, label: string, get: (y: YearFigures) => number | null | undefined) =>
    rows.push([section, label, "€", eurosCell(get(f)), eurosCell(get(p))]);
  const pct = (section: string, label: string, get: (y: YearFigures) => number | null | undefined) =>
    rows.push([section, label, "%", pctCell(get(f)), pctCell(get(p))]);
  const num = (section: string, label: string, get: (y: YearFigures) => number | null | undefined) =>
    rows.push([section, label, "", get(f) ?? null, get(p) ?? null]);

  money("Résultat", "Total des produits", (y) => y.income.total);
  money("Résultat", "Total des charges", (y) => y.expenses.total);
  money("Résultat", "Résultat", (y) => y.result);
  pct("Produits", "Part des dons de particuliers", (y) => y.income.donorShare);
  const sourceKey = sourceDisplay;
  const sources = [...new Set([...f.income.bySource, ...p.income.bySource].map(sourceKey))];
  for (const k of sources) {
    money("Produits", k, (y) => y.income.bySource.find((s) => sourceKey(s) === k)?.amount ?? 0);
    pct("Produits", `${k} (part)`, (y) => y.income.bySource.find((s) => sourceKey(s) === k)?.share ?? 0);
  }
  const cats = [...new Set([...f.expenses.byCategory, ...p.expenses.byCategory].map((c) => c.label))];
  for (const k of cats) {
    money("Charges", k, (y) => y.expenses.byCategory.find((c) => c.label === k)?.amount ?? 0);
    pct("Charges", `${k} (part)`, (y) => y.expenses.byCategory.find((c) => c.label === k)?.share ?? 0);
  }
  const funders = [...new Set([...f.grants, ...p.grants].map((g) => g.funder))];
  for (const k of funders) {
    const g = (y: YearFigures) => y.grants.find((x) => x.funder === k);
    money("Financeurs", `${k} — accordé`, (y) => g(y)?.awarded);
    money("Financeurs", `${k} — produit de l'exercice`, (y) => g(y)?.recognised);
    money("Financeurs", `${k} — reçu`, (y) => g(y)?.received);
    money("Financeurs", `${k} — dépensé`, (y) => g(y)?.spent);
    money("Financeurs", `${k} — fonds dédiés`, (y) => g(y)?.dedicatedFunds);
  }
  money("Fonds dédiés", "Fonds dédiés en fin d'exercice", (y) => y.dedicatedFunds.closing);
  num("Personnes", "Adhérents", (y) => y.members);
  num("Personnes", "Donateurs", (y) => y.donations.donors);
  num("Personnes", "Donateurs mensuels", (y) => y.donations.monthlyDonors);
  num("Dons", "Nombre de dons en ligne", (y) => y.donations.count);
  money("Dons", "Total des dons en ligne", (y) => y.donations.total);
  money("Dons", "Don moyen", (y) => y.donations.average);
  money("Dons", "Dons de particuliers comptabilisés", (y) => y.donations.booked);
  money("Dons", "Dons comptabilisés hors registre en ligne", (y) => y.donations.unregistered);
  const platforms = [...new Set([...f.social, ...p.social].map((s) => s.platform))];
  for (const pl of platforms)
    for (const [m, label] of SOCIAL_METRICS) {
      const v = (y: YearFigures) => y.social.find((s) => s.platform === pl)?.[m] ?? null;
      if (v(f) !== null || v(p) !== null) num("Réseaux sociaux", `${platformName(pl)} — ${label}`, v);
    }
  const head: Row = ["Rubrique", "Libellé", "Unité", String(f.year), String(p.year)];
  return CSV_BOM + [head, ...rows].map(csvLine).join("");
}
