/**
 * The "Rapport financier" as a PDF (pdf-lib): key figures and commentary, a pie of income by
 * source, a bar chart of charges by rubrique, the compte de résultat and the bilan (ANC 2018-06)
 * with N−1, funders and fonds dédiés, gifts and members, social statistics with a monthly chart.
 * Charts are vector drawings; DejaVu Sans covers French typography (narrow no-break spaces, €, ’,
 * œ). Every page carries the association's name, the year and its number. The renderer only draws
 * the figures it is given, and dates in the file come from the year, never from the clock: the same
 * figures give the same bytes.
 */
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from "pdf-lib";
import { loadFont } from "../fonts.js";
import { platformName, sourceDisplay, type ReportFigures, type SocialPlatform, type YearFigures } from "./figures.js";
import { count, euros, eurosWhole, monthShort, percent, SOCIAL_METRICS } from "./format.js";
import { SECTION_LABELS, type Rubrique } from "./rubriques.js";
import type { StatementLine } from "./financial-statements.js";

const W = 595.28;
const H = 841.89;
const M = 50;
const TOP = H - 78;
const BOTTOM = 60;

const INK = rgb(0.13, 0.15, 0.18);
const MUTED = rgb(0.42, 0.45, 0.5);
const RULE = rgb(0.82, 0.84, 0.86);
const BAND = rgb(0.94, 0.95, 0.96);
const ACCENT = rgb(0.11, 0.37, 0.33);
const PALETTE: RGB[] = [
  rgb(0.11, 0.37, 0.33),
  rgb(0.91, 0.6, 0.22),
  rgb(0.27, 0.51, 0.71),
  rgb(0.75, 0.31, 0.33),
  rgb(0.52, 0.66, 0.33),
  rgb(0.55, 0.42, 0.65),
  rgb(0.36, 0.7, 0.68),
  rgb(0.85, 0.75, 0.35),
  rgb(0.6, 0.6, 0.6),
  rgb(0.35, 0.3, 0.25),
];

/**
 * fontkit with layout reduced to the font's character map (glyphs kept per code point): no shaping. pdf-lib only reads the
 * glyphs of a layout (never their positions: no kerning), and shaping DejaVu's OpenType tables for
 * each string cost about 0.5 ms, a second for a long report.
 */
type KitFont = { layout: unknown; glyphForCodePoint(c: number): unknown };
/** Parsed once per font file and kept: each document makes its own subset of it (pdf-lib's `createSubset`). */
const parsed = new WeakMap<Uint8Array, KitFont>();
const plainFontkit = {
  create(bytes: Uint8Array) {
    const known = parsed.get(bytes);
    if (known) return known;
    const font = (fontkit as unknown as { create(b: Uint8Array): KitFont }).create(bytes);
    const glyphs = new Map<number, unknown>();
    const glyph = (c: number) => {
      let g = glyphs.get(c);
      if (g === undefined) glyphs.set(c, (g = font.glyphForCodePoint(c)));
      return g;
    };
    font.layout = (text: string) => ({ glyphs: Array.from(text, (ch) => glyph(ch.codePointAt(0)!)), positions: [] });
    parsed.set(bytes, font);
    return font;
  },
} as unknown as typeof fontkit;

export interface ReportOptions {
  association: string;
}

type Align = "left" | "right";
interface Column {
  header: string;
  width: number;
  align?: Align;
}
interface TableRow {
  cells: string[];
  bold?: boolean;
  band?: boolean;
  indent?: number;
  muted?: boolean;
}

class Layout {
  pages: PDFPage[] = [];
  page!: PDFPage;
  y = TOP;
  constructor(
    readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {}

  newPage() {
    this.page = this.doc.addPage([W, H]);
    this.pages.push(this.page);
    this.y = TOP;
  }
  ensure(height: number) {
    if (this.y - height < BOTTOM) this.newPage();
  }
  width(s: string, size: number, bold = false) {
    return (bold ? this.bold : this.regular).widthOfTextAtSize(s, size);
  }
  text(s: string, x: number, y: number, opts: { size?: number; bold?: boolean; color?: RGB; align?: Align | "center"; maxWidth?: number } = {}) {
    const size = opts.size ?? 9;
    const font = opts.bold ? this.bold : this.regular;
    let t = s;
    if (opts.maxWidth) while (t.length > 3 && font.widthOfTextAtSize(t, size) > opts.maxWidth) t = `${t.slice(0, -2).trimEnd()}…`;
    const w = font.widthOfTextAtSize(t, size);
    const dx = opts.align === "right" ? -w : opts.align === "center" ? -w / 2 : 0;
    this.page.drawText(t, { x: x + dx, y, size, font, color: opts.color ?? INK });
  }
  /** Wrapped paragraph at the cursor. */
  paragraph(s: string, opts: { size?: number; bold?: boolean; color?: RGB; x?: number; width?: number; gap?: number } = {}) {
    const size = opts.size ?? 10;
    const x = opts.x ?? M;
    const width = opts.width ?? W - x - M;
    const font = opts.bold ? this.bold : this.regular;
    const lines: string[] = [];
    let line = "";
    for (const word of s.split(" ")) {
      const next = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(next, size) > width && line) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    if (line) lines.push(line);
    for (const l of lines) {
      this.ensure(size * 1.4);
      this.page.drawText(l, { x, y: this.y - size, size, font, color: opts.color ?? INK });
      this.y -= size * 1.4;
    }
    this.y -= opts.gap ?? 4;
  }
  title(s: string) {
    this.ensure(60);
    this.page.drawText(s, { x: M, y: this.y - 18, size: 18, font: this.bold, color: ACCENT });
    this.y -= 30;
  }
  heading(s: string) {
    this.ensure(40);
    this.page.drawText(s, { x: M, y: this.y - 12, size: 12, font: this.bold, color: INK });
    this.y -= 16;
    this.page.drawLine({ start: { x: M, y: this.y }, end: { x: W - M, y: this.y }, thickness: 0.6, color: ACCENT });
    this.y -= 10;
  }
  table(columns: Column[], rows: TableRow[], opts: { size?: number } = {}) {
    const size = opts.size ?? 8.5;
    const rowH = size * 1.75;
    const drawHeader = () => {
      this.ensure(rowH * 2);
      let x = M;
      for (const c of columns) {
        this.text(c.header, c.align === "right" ? x + c.width - 4 : x + 4, this.y - size - 2, {
          size: size - 0.5,
          bold: true,
          color: MUTED,
          align: c.align ?? "left",
          maxWidth: c.width - 6,
        });
        x += c.width;
      }
      this.y -= rowH;
      this.page.drawLine({ start: { x: M, y: this.y }, end: { x: M + columns.reduce((s, c) => s + c.width, 0), y: this.y }, thickness: 0.6, color: RULE });
    };
    drawHeader();
    const total = columns.reduce((s, c) => s + c.width, 0);
    for (const r of rows) {
      if (this.y - rowH < BOTTOM) {
        this.newPage();
        drawHeader();
      }
      if (r.band) this.page.drawRectangle({ x: M, y: this.y - rowH, width: total, height: rowH, color: BAND });
      let x = M;
      r.cells.forEach((cell, i) => {
        const c = columns[i]!;
        const indent = i === 0 ? (r.indent ?? 0) : 0;
        this.text(cell, c.align === "right" ? x + c.width - 4 : x + 4 + indent, this.y - size - 3, {
          size,
          bold: r.bold ?? false,
          color: r.muted ? MUTED : INK,
          align: c.align ?? "left",
          maxWidth: c.width - 8 - indent,
        });
        x += c.width;
      });
      this.y -= rowH;
    }
    this.y -= 10;
  }
}

// ---------------------------------------------------------------- charts

/** At most `max` slices: the largest, then the rest summed as one "Autres" slice. */
export function topSlices<T extends { label: string; amount: number; share: number }>(
  items: readonly T[],
  max = 8,
): Array<{ label: string; amount: number; share: number }> {
  if (items.length <= max) return [...items];
  const sorted = [...items].sort((a, b) => b.amount - a.amount);
  const rest = sorted.slice(max - 1);
  return [
    ...sorted.slice(0, max - 1),
    {
      label: `Autres (${rest.length})`,
      amount: rest.reduce((s, x) => s + x.amount, 0),
      share: Math.round(rest.reduce((s, x) => s + x.share, 0) * 10_000) / 10_000,
    },
  ];
}

/** A pie (clockwise from 12 o'clock) with its legend to the right; eight slices at most. */
function pie(l: Layout, all: Array<{ label: string; amount: number; share: number }>, opts: { r?: number } = {}) {
  const items = topSlices(all);
  const r = opts.r ?? 72;
  const height = Math.max(2 * r + 20, items.length * 16 + 10);
  l.ensure(height);
  const cx = M + r + 10;
  const cy = l.y - r - 10;
  const total = items.reduce((s, i) => s + Math.max(0, i.amount), 0);
  let a0 = 0;
  items.forEach((it, n) => {
    const color = PALETTE[n % PALETTE.length]!;
    const frac = total > 0 ? Math.max(0, it.amount) / total : 0;
    if (frac <= 0) return;
    if (frac >= 0.9999) l.page.drawCircle({ x: cx, y: cy, size: r, color, borderColor: rgb(1, 1, 1), borderWidth: 1 });
    else {
      const a1 = a0 + frac * 2 * Math.PI;
      const p = (a: number) => `${(r * Math.sin(a)).toFixed(3)} ${(-r * Math.cos(a)).toFixed(3)}`;
      const path = `M 0 0 L ${p(a0)} A ${r} ${r} 0 ${a1 - a0 > Math.PI ? 1 : 0} 1 ${p(a1)} Z`;
      l.page.drawSvgPath(path, { x: cx, y: cy, color, borderColor: rgb(1, 1, 1), borderWidth: 1 });
      a0 = a1;
    }
  });
  // legend
  let y = l.y - 14;
  const lx = cx + r + 22;
  items.forEach((it, n) => {
    l.page.drawRectangle({ x: lx, y: y - 1, width: 9, height: 9, color: PALETTE[n % PALETTE.length]! });
    l.text(it.label, lx + 14, y, { size: 8.5, maxWidth: W - M - lx - 14 - 100 });
    l.text(eurosWhole(it.amount), W - M - 42, y, { size: 8.5, align: "right" });
    l.text(percent(it.share), W - M, y, { size: 8.5, align: "right", bold: true });
    y -= 16;
  });
  l.y -= height + 6;
}

/** Horizontal bars, one per item (twelve at most), with the amount and share at the end. */
function hbars(l: Layout, all: Array<{ label: string; amount: number; share: number }>) {
  const items = topSlices(all, 12);
  const barH = 13;
  const gap = 7;
  const labelW = 190;
  const valueW = 100;
  const maxW = W - 2 * M - labelW - valueW;
  const max = Math.max(1, ...items.map((i) => i.amount));
  l.ensure(items.length * (barH + gap) + 10);
  items.forEach((it, n) => {
    const y = l.y - (barH + gap) * n - barH;
    l.text(it.label, M, y + 3, { size: 8, maxWidth: labelW - 8 });
    const w = Math.max(0.5, (Math.max(0, it.amount) / max) * maxW);
    l.page.drawRectangle({ x: M + labelW, y, width: w, height: barH, color: PALETTE[n % PALETTE.length]! });
    l.text(`${eurosWhole(it.amount)}  ·  ${percent(it.share)}`, M + labelW + w + 5, y + 3, { size: 8 });
  });
  l.y -= items.length * (barH + gap) + 10;
}

/** Monthly columns (12 months) with a value axis; nulls are gaps. */
function monthlyColumns(l: Layout, title: string, values: Array<{ month: string; value: number | null }>, color: RGB) {
  const h = 120;
  l.ensure(h + 50);
  l.text(title, M, l.y - 10, { size: 9.5, bold: true });
  const top = l.y - 22;
  const baseY = top - h;
  const x0 = M + 40;
  const width = W - M - x0;
  const nums = values.map((v) => v.value ?? 0);
  const { lo: niceMin, hi: niceMax, step } = axis(Math.min(0, ...nums), Math.max(1, ...nums));
  const scale = h / (niceMax - niceMin);
  const zeroY = baseY + -niceMin * scale;
  for (let v = niceMin; v <= niceMax + step / 2; v += step) {
    const y = baseY + (v - niceMin) * scale;
    l.page.drawLine({ start: { x: x0, y }, end: { x: W - M, y }, thickness: 0.4, color: RULE });
    l.text(count(Math.round(v)), x0 - 4, y - 3, { size: 7, color: MUTED, align: "right" });
  }
  const slot = width / values.length;
  values.forEach((v, i) => {
    const x = x0 + slot * i + slot * 0.18;
    if (v.value !== null && v.value !== 0) {
      const hh = v.value * scale;
      l.page.drawRectangle({ x, y: hh >= 0 ? zeroY : zeroY + hh, width: slot * 0.64, height: Math.abs(hh), color });
      l.text(count(v.value), x + slot * 0.32, (hh >= 0 ? zeroY + hh : zeroY + hh - 9) + 2, { size: 6.5, align: "center", color: MUTED });
    }
    l.text(monthShort(v.month), x0 + slot * i + slot / 2, baseY - 11, { size: 7, align: "center", color: MUTED });
  });
  l.y = baseY - 26;
}

/** A round axis for counts: a whole step of 1, 2 or 5 × 10^k, about four steps from lo to hi. */
export function axis(min: number, max: number): { lo: number; hi: number; step: number } {
  const raw = Math.max(1, (max - min) / 4);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  return { lo: Math.floor(min / step) * step, hi: Math.max(step, Math.ceil(max / step) * step), step };
}

function keyTiles(l: Layout, tiles: Array<{ label: string; value: string; sub?: string }>) {
  const cols = 3;
  const gap = 10;
  const tw = (W - 2 * M - gap * (cols - 1)) / cols;
  const th = 58;
  const rows = Math.ceil(tiles.length / cols);
  l.ensure(rows * (th + gap));
  tiles.forEach((t, i) => {
    const x = M + (i % cols) * (tw + gap);
    const y = l.y - Math.floor(i / cols) * (th + gap) - th;
    l.page.drawRectangle({ x, y, width: tw, height: th, color: BAND });
    l.page.drawRectangle({ x, y, width: 3, height: th, color: ACCENT });
    l.text(t.label, x + 12, y + th - 16, { size: 8, color: MUTED, maxWidth: tw - 16 });
    l.text(t.value, x + 12, y + th - 36, { size: 15, bold: true, maxWidth: tw - 16 });
    if (t.sub) l.text(t.sub, x + 12, y + 8, { size: 7.5, color: MUTED, maxWidth: tw - 16 });
  });
  l.y -= rows * (th + gap) + 6;
}

// ---------------------------------------------------------------- sections

const vsPrevious = (cur: number, prev: number, fmt: (n: number) => string, year: number) =>
  prev === 0 && cur !== 0 ? `${year - 1} : —` : `${year - 1} : ${fmt(prev)}`;

/** The "dont" lines the ANC model shows under a rubrique. */
const DETAILS: Record<string, Array<[prefix: string, label: string]>> = {
  generosite: [
    ["7541", "dont dons manuels"],
    ["7542", "dont mécénats"],
    ["7543", "dont legs, donations et assurances-vie"],
  ],
  cotisations: [
    ["7561", "dont cotisations sans contrepartie"],
    ["7562", "dont cotisations avec contrepartie"],
  ],
};

function statementRows(cur: StatementLine[], prev: StatementLine[], side: Rubrique["side"], sections: string[], totalLabel: string): TableRow[] {
  const rows: TableRow[] = [];
  const prevOf = (id: string) => prev.find((l) => l.rubrique === id)?.amount ?? 0;
  let grand = 0;
  let grandPrev = 0;
  for (const section of sections) {
    const lines = cur.filter((l) => l.side === side && l.section === section && (l.amount !== 0 || prevOf(l.rubrique) !== 0));
    if (!lines.length) continue;
    rows.push({ cells: [SECTION_LABELS[section] ?? section, "", ""], bold: true, band: true });
    let s = 0;
    let sp = 0;
    for (const l of lines) {
      rows.push({ cells: [l.label, euros(l.amount), euros(prevOf(l.rubrique))], indent: 8 });
      for (const [prefix, label] of DETAILS[l.rubrique] ?? []) {
        const of = (ls: StatementLine[]) =>
          ls
            .find((x) => x.rubrique === l.rubrique)
            ?.accounts.filter((a) => a.account.startsWith(prefix))
            .reduce((t, a) => t + a.amount, 0) ?? 0;
        if (of(cur) !== 0 || of(prev) !== 0) rows.push({ cells: [label, euros(of(cur)), euros(of(prev))], indent: 20, muted: true });
      }
      s += l.amount;
      sp += prevOf(l.rubrique);
    }
    rows.push({ cells: [`Total ${(SECTION_LABELS[section] ?? section).toLowerCase()}`, euros(s), euros(sp)], bold: true });
    grand += s;
    grandPrev += sp;
  }
  rows.push({ cells: [totalLabel, euros(grand), euros(grandPrev)], bold: true, band: true });
  return rows;
}

function socialRows(f: YearFigures, p: YearFigures): TableRow[] {
  const rows: TableRow[] = [];
  const metrics = SOCIAL_METRICS;
  const platforms = [...new Set([...f.social, ...p.social].map((s) => s.platform))];
  for (const pl of platforms) {
    const c = f.social.find((s) => s.platform === pl);
    const q = p.social.find((s) => s.platform === pl);
    rows.push({ cells: [platformName(pl), "", ""], bold: true, band: true });
    for (const [m, label] of metrics) {
      const a = c?.[m] ?? null;
      const b = q?.[m] ?? null;
      if (a === null && b === null) continue;
      rows.push({ cells: [label, a === null ? "—" : count(a), b === null ? "—" : count(b)], indent: 8 });
    }
  }
  return rows;
}

function monthlySeries(p: SocialPlatform): Array<{ title: string; metric: keyof SocialPlatform["months"][number] }> {
  const has = (m: "newFollowers" | "impressions" | "views" | "pageVisits" | "videosPublished") => p.months.some((x) => x[m] !== null);
  const out: Array<{ title: string; metric: keyof SocialPlatform["months"][number] }> = [];
  if (has("newFollowers")) out.push({ title: `${platformName(p.platform)} — nouveaux abonnés par mois`, metric: "newFollowers" });
  if (has("impressions")) out.push({ title: `${platformName(p.platform)} — impressions par mois`, metric: "impressions" });
  if (has("views")) out.push({ title: `${platformName(p.platform)} — vues par mois`, metric: "views" });
  if (!out.length && has("videosPublished")) out.push({ title: `${platformName(p.platform)} — vidéos publiées par mois`, metric: "videosPublished" });
  return out;
}

// ---------------------------------------------------------------- the document

/** What every page-drawing step of the report gets. */
interface Page {
  l: Layout;
  f: ReportFigures;
  p: ReportFigures["previous"];
  Y: number;
  money3: Column[];
  opts: ReportOptions;
}

/** Page 1: the key figures and the commentary. */
function keyFiguresPage({ l, f, p, Y, opts }: Page): void {
  l.newPage();
  l.y -= 10;
  l.text(opts.association, M, l.y - 12, { size: 12, color: MUTED });
  l.y -= 22;
  l.page.drawText(`Rapport financier ${Y}`, { x: M, y: l.y - 26, size: 26, font: l.bold, color: ACCENT });
  l.y -= 40;
  l.paragraph(`Exercice du 1er janvier au 31 décembre ${Y}, comparé à ${Y - 1}. Comptes présentés selon le règlement ANC n° 2018-06 ; montants en euros.`, {
    size: 9.5,
    color: MUTED,
    gap: 14,
  });
  l.heading("Chiffres clés");
  keyTiles(l, [
    { label: "Total des produits", value: eurosWhole(f.income.total), sub: vsPrevious(f.income.total, p.income.total, eurosWhole, Y) },
    { label: "Total des charges", value: eurosWhole(f.expenses.total), sub: vsPrevious(f.expenses.total, p.expenses.total, eurosWhole, Y) },
    { label: f.result >= 0 ? "Excédent" : "Déficit", value: eurosWhole(Math.abs(f.result)), sub: vsPrevious(f.result, p.result, eurosWhole, Y) },
    { label: "Part des dons de particuliers", value: percent(f.income.donorShare), sub: `${eurosWhole(f.donations.booked)} de dons` },
    {
      label: "Fonds dédiés en fin d'exercice",
      value: eurosWhole(f.dedicatedFunds.closing),
      sub: vsPrevious(f.dedicatedFunds.closing, p.dedicatedFunds.closing, eurosWhole, Y),
    },
    {
      label: "Adhérents · donateurs",
      value: `${count(f.members)} · ${count(f.donations.donors)}`,
      sub: `${count(f.donations.monthlyDonors)} donateur(s) mensuel(s)`,
    },
  ]);
  l.y -= 6;
  l.heading("L’essentiel");
  for (const c of f.commentary) l.paragraph(`•  ${c}`, { size: 10, gap: 3 });
  if (f.statements.unmapped.length)
    l.paragraph(`Comptes sans rubrique (à classer) : ${f.statements.unmapped.join(", ")}.`, { size: 9, color: rgb(0.7, 0.1, 0.1) });
}

/** The income: a pie of the sources and their table. */
function incomeSection({ l, f, p, Y }: Page): void {
  l.newPage();
  l.title("Les produits");
  const sources = f.income.bySource.map((s) => ({ label: sourceDisplay(s), amount: s.amount, share: s.share }));
  if (sources.length) pie(l, sources);
  else l.paragraph("Aucun produit enregistré pour l'exercice.", { color: MUTED });
  l.paragraph(
    `Parts calculées sur le ${f.income.denominator.label.charAt(0).toLowerCase()}${f.income.denominator.label.slice(1)} : ${euros(f.income.denominator.amount)}.`,
    { size: 8.5, color: MUTED, gap: 10 },
  );
  const srcKey = sourceDisplay;
  const allSources = [...new Set([...f.income.bySource.map(srcKey), ...p.income.bySource.map(srcKey)])];
  l.table(
    [
      { header: "Source", width: 215 },
      { header: String(Y), width: 90, align: "right" },
      { header: "Part", width: 50, align: "right" },
      { header: String(Y - 1), width: 90, align: "right" },
      { header: "Part", width: 50, align: "right" },
    ],
    [
      ...allSources.map((k) => {
        const a = f.income.bySource.find((s) => srcKey(s) === k);
        const b = p.income.bySource.find((s) => srcKey(s) === k);
        return { cells: [k, euros(a?.amount ?? 0), percent(a?.share ?? 0), euros(b?.amount ?? 0), b ? percent(b.share) : "—"] };
      }),
      {
        cells: ["Total des produits", euros(f.income.total), f.income.total ? percent(1) : "—", euros(p.income.total), p.income.total ? percent(1) : "—"],
        bold: true,
        band: true,
      },
    ],
  );
}

/** The charges: bars by category and their table. */
function chargesSection({ l, f, p, money3 }: Page): void {
  l.title("Les charges");
  const cats = f.expenses.byCategory.map((c) => ({ label: c.label, amount: c.amount, share: c.share }));
  if (cats.length) hbars(l, cats);
  else l.paragraph("Aucune charge enregistrée pour l'exercice.", { color: MUTED });
  l.paragraph(
    `Parts calculées sur le ${f.expenses.denominator.label.charAt(0).toLowerCase()}${f.expenses.denominator.label.slice(1)} : ${euros(f.expenses.denominator.amount)}.`,
    { size: 8.5, color: MUTED, gap: 10 },
  );
  const allCats = [...new Set([...f.expenses.byCategory.map((c) => c.label), ...p.expenses.byCategory.map((c) => c.label)])];
  l.table(money3, [
    ...allCats.map((k) => ({
      cells: [k, euros(f.expenses.byCategory.find((c) => c.label === k)?.amount ?? 0), euros(p.expenses.byCategory.find((c) => c.label === k)?.amount ?? 0)],
    })),
    { cells: ["Total des charges", euros(f.expenses.total), euros(p.expenses.total)], bold: true, band: true },
  ]);
}

/** The compte de résultat, with the contributions volontaires en nature when there are any. */
function compteDeResultatPage({ l, f, p, money3 }: Page): void {
  l.newPage();
  l.title("Compte de résultat");
  const crN = f.statements.compteDeResultat;
  const crP = p.statements.compteDeResultat;
  l.heading("Produits");
  l.table(money3, statementRows(crN.lines, crP.lines, "produits", ["exploitation", "financier", "exceptionnel"], "Total des produits"));
  l.heading("Charges");
  l.table(money3, statementRows(crN.lines, crP.lines, "charges", ["exploitation", "financier", "exceptionnel", "impot"], "Total des charges"));
  l.table(money3, [
    { cells: ["Résultat d'exploitation", euros(crN.sections.exploitation.result), euros(crP.sections.exploitation.result)] },
    { cells: ["Résultat financier", euros(crN.sections.financier.result), euros(crP.sections.financier.result)] },
    { cells: ["Résultat exceptionnel", euros(crN.sections.exceptionnel.result), euros(crP.sections.exceptionnel.result)] },
    { cells: [crN.result >= 0 ? "Excédent de l'exercice" : "Déficit de l'exercice", euros(crN.result), euros(crP.result)], bold: true, band: true },
  ]);
  if (crN.cvn.ressources || crN.cvn.emplois || crP.cvn.ressources || crP.cvn.emplois) {
    l.heading("Contributions volontaires en nature");
    l.table(money3, [
      { cells: ["Ressources (dons en nature, prestations, bénévolat)", euros(crN.cvn.ressources), euros(crP.cvn.ressources)] },
      { cells: ["Emplois (secours, mises à disposition, personnel bénévole)", euros(crN.cvn.emplois), euros(crP.cvn.emplois)] },
    ]);
  }
}

/** The bilan at the year end. */
function bilanPage({ l, f, p, Y, money3 }: Page): void {
  l.newPage();
  l.title(`Bilan au 31 décembre ${Y}`);
  const bN = f.statements.bilan;
  const bP = p.statements.bilan;
  l.heading("Actif");
  l.table(money3, statementRows(bN.lines, bP.lines, "actif", ["actif-immobilise", "actif-circulant"], "Total de l'actif"));
  l.heading("Passif");
  l.table(money3, statementRows(bN.lines, bP.lines, "passif", ["fonds-propres", "fonds-reportes-dedies", "provisions", "dettes"], "Total du passif"));
  if (bN.difference !== 0)
    l.paragraph(`Écart actif − passif : ${euros(bN.difference)} (contributions en nature non soldées).`, { size: 9, color: rgb(0.7, 0.1, 0.1) });
}

/** The funders and the fonds dédiés. */
function fundersPage({ l, f, p, money3 }: Page): void {
  l.newPage();
  l.title("Financeurs et fonds dédiés");
  if (f.grants.length) {
    const dash = (n: number | null) => (n === null ? "—" : eurosWhole(n));
    l.table(
      [
        { header: "Financeur", width: 190 },
        { header: "Accordé", width: 61, align: "right" },
        { header: "Produit", width: 61, align: "right" },
        { header: "Reçu", width: 61, align: "right" },
        { header: "Dépensé", width: 61, align: "right" },
        { header: "Fonds dédiés", width: 61, align: "right" },
      ],
      f.grants.map((g) => ({ cells: [g.funder, dash(g.awarded), eurosWhole(g.recognised), dash(g.received), dash(g.spent), dash(g.dedicatedFunds)] })),
    );
    if (f.grantsSource === "sub-accounts")
      l.paragraph("Financeurs lus sur les sous-comptes de produits ; montants accordés, reçus et dépensés non suivis.", { size: 8.5, color: MUTED });
  } else l.paragraph("Aucun financeur enregistré pour l'exercice.", { color: MUTED, gap: 10 });
  l.heading("Fonds dédiés");
  l.table(money3, [
    { cells: ["Fonds dédiés à l'ouverture", euros(f.dedicatedFunds.opening), euros(p.dedicatedFunds.opening)] },
    { cells: ["Reports en fonds dédiés de l'exercice", euros(f.dedicatedFunds.added), euros(p.dedicatedFunds.added)] },
    { cells: ["Utilisations de fonds dédiés", euros(f.dedicatedFunds.used), euros(p.dedicatedFunds.used)] },
    { cells: ["Fonds dédiés à la clôture", euros(f.dedicatedFunds.closing), euros(p.dedicatedFunds.closing)], bold: true, band: true },
  ]);
}

/** Gifts and memberships. */
function giftsSection({ l, f, p, money3 }: Page): void {
  l.title("Dons et adhésions");
  l.table(money3, [
    { cells: ["Dons de particuliers comptabilisés (compte 7541)", euros(f.donations.booked), euros(p.donations.booked)] },
    { cells: ["Dons en ligne : nombre", count(f.donations.count), count(p.donations.count)] },
    { cells: ["Dons en ligne : total", euros(f.donations.total), euros(p.donations.total)] },
    { cells: ["Don moyen", euros(f.donations.average), euros(p.donations.average)] },
    { cells: ["Donateurs", count(f.donations.donors), count(p.donations.donors)] },
    { cells: ["dont donateurs mensuels", count(f.donations.monthlyDonors), count(p.donations.monthlyDonors)], indent: 8 },
    { cells: ["Adhérents", count(f.members), count(p.members)] },
  ]);
}

/** The social statistics, with a monthly chart per platform and metric. */
function socialPage({ l, f, p, Y }: Page): void {
  l.newPage();
  l.title("Réseaux sociaux");
  const srows = socialRows(f, p);
  if (srows.length) {
    l.table(
      [
        { header: "", width: 295 },
        { header: String(Y), width: 100, align: "right" },
        { header: String(Y - 1), width: 100, align: "right" },
      ],
      srows,
    );
    f.social.forEach((pl, n) => {
      for (const s of monthlySeries(pl))
        monthlyColumns(
          l,
          s.title,
          pl.months.map((m) => ({ month: m.month, value: m[s.metric] as number | null })),
          PALETTE[n % PALETTE.length]!,
        );
    });
  } else l.paragraph("Aucune statistique enregistrée pour l'exercice.", { color: MUTED });
}

/** The running header and footer of every page: the association, the year, the page number. */
function runningHeaders(l: Layout, regular: PDFFont, association: string, Y: number): void {
  const n = l.pages.length;
  l.pages.forEach((page, i) => {
    page.drawText(association, { x: M, y: H - 40, size: 8, font: regular, color: MUTED });
    const right = `Rapport financier ${Y}`;
    page.drawText(right, { x: W - M - regular.widthOfTextAtSize(right, 8), y: H - 40, size: 8, font: regular, color: MUTED });
    page.drawLine({ start: { x: M, y: H - 48 }, end: { x: W - M, y: H - 48 }, thickness: 0.5, color: RULE });
    page.drawLine({ start: { x: M, y: 42 }, end: { x: W - M, y: 42 }, thickness: 0.5, color: RULE });
    const foot = `Page ${i + 1} sur ${n}`;
    page.drawText(foot, { x: W - M - regular.widthOfTextAtSize(foot, 8), y: 28, size: 8, font: regular, color: MUTED });
    page.drawText(`${association} — exercice ${Y}`, { x: M, y: 28, size: 8, font: regular, color: MUTED });
  });
}

/** A new report document with its metadata fixed to the year's last day, so the same figures give the same bytes. */
async function reportDocument(f: ReportFigures, opts: ReportOptions): Promise<{ doc: PDFDocument; regular: PDFFont; bold: PDFFont }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(plainFontkit);
  const regular = await doc.embedFont(loadFont("DejaVuSans.ttf"), { subset: true });
  const bold = await doc.embedFont(loadFont("DejaVuSans-Bold.ttf"), { subset: true });
  const fixed = new Date(Date.UTC(f.year, 11, 31, 12, 0, 0));
  doc.setTitle(`Rapport financier ${f.year} — ${opts.association}`);
  doc.setAuthor(opts.association);
  doc.setSubject(`Rapport financier de l'exercice ${f.year}`);
  doc.setLanguage("fr-FR");
  doc.setCreator("asso-back-office");
  doc.setProducer("asso-back-office (pdf-lib)");
  doc.setCreationDate(fixed);
  doc.setModificationDate(fixed);
  return { doc, regular, bold };
}

export async function renderAnnualReport(f: ReportFigures, opts: ReportOptions): Promise<Uint8Array> {
  const { doc, regular, bold } = await reportDocument(f, opts);
  const l = new Layout(doc, regular, bold);
  const Y = f.year;
  const money3: Column[] = [
    { header: "", width: 295 },
    { header: String(Y), width: 100, align: "right" },
    { header: String(Y - 1), width: 100, align: "right" },
  ];
  const page: Page = { l, f, p: f.previous, Y, money3, opts };
  for (const draw of [keyFiguresPage, incomeSection, chargesSection, compteDeResultatPage, bilanPage, fundersPage, giftsSection, socialPage]) draw(page);
  runningHeaders(l, regular, opts.association, Y);
  return doc.save({ useObjectStreams: false });
}
