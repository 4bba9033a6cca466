/**
 * The "Rapport financier" as a PDF (pdf-lib): key figures and commentary, a pie of income by
 * source, a bar chart of charges by rubrique, the compte de résultat and the bilan (ANC 2018-06)
 * with N−1 (left out for a first exercise, marked when that year is not closed), funders and fonds
 * dédiés, gifts and members (the online registry reconciled with 7541), the annexe, the thresholds,
 * social statistics with a monthly chart. The settings' logo and colour (the palette the console's
 * charts use too). Sections follow each other on the page and a block that does not fit starts the
 * next one: no half-empty pages. Charts are vector drawings; DejaVu Sans covers French typography
 * (narrow no-break spaces, €, ’, œ). Every page carries the association's name, the year and its
 * number. The renderer only draws what it is given, and dates in the file come from the year, never
 * from the clock: the same figures give the same bytes. `renderJournalOfficiel` draws the accounts
 * and the annexe alone, for the Journal officiel's site: no person's data.
 */
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFImage, type PDFPage, type RGB } from "pdf-lib";
import { loadFont } from "../fonts.js";
import { platformName, sourceDisplay, type ReportFigures, type SocialPlatform, type YearFigures } from "./figures.js";
import { count, euros, eurosWhole, monthShort, percent, SOCIAL_METRICS } from "./format.js";
import { frenchDate, type Annexe } from "./annexe.js";
import { reportPalette, unitRgb } from "./palette.js";
import { findAccount } from "../ledger/index.js";
import { SECTION_LABELS, type Rubrique } from "./rubriques.js";
import type { StatementLine } from "./financial-statements.js";
import type { BudgetFigures, ReportBudget, ReportBudgetProject, ReportBudgetRow } from "./budget.js";

const W = 595.28;
const H = 841.89;
const M = 50;
const TOP = H - 78;
const BOTTOM = 60;

const INK = rgb(0.13, 0.15, 0.18);
const MUTED = rgb(0.42, 0.45, 0.5);
const RULE = rgb(0.82, 0.84, 0.86);
const BAND = rgb(0.94, 0.95, 0.96);
const WARN = rgb(0.62, 0.25, 0.05);

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
  /** The settings' main colour (#rrggbb): titles, rules, the first colour of the charts. */
  colour?: string;
  /** The settings' logo (PNG or JPEG); a file pdf-lib cannot read is left out. */
  logo?: { bytes: Uint8Array; contentType: string };
  /** The annexe of the year; without it the report has no annexe pages. */
  annexe?: Annexe;
  /**
   * The year's budget against the books (`workflows/annual-report.ts`): a « Budget et réalisé »
   * section; null, one line saying no budget was voted; left out, no section at all.
   */
  budget?: ReportBudget | null;
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
  /** Drawn in the warning colour (a gap to explain). */
  warn?: boolean;
}

interface Theme {
  accent: RGB;
  palette: RGB[];
}

const themeOf = (colour: string | undefined): Theme => {
  const palette = reportPalette(colour).map((h) => rgb(...unitRgb(h)));
  return { accent: palette[0]!, palette };
};

class Layout {
  pages: PDFPage[] = [];
  page!: PDFPage;
  y = TOP;
  constructor(
    readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    readonly theme: Theme,
  ) {}

  get accent() {
    return this.theme.accent;
  }
  colour(n: number) {
    return this.theme.palette[n % this.theme.palette.length]!;
  }
  newPage() {
    this.page = this.doc.addPage([W, H]);
    this.pages.push(this.page);
    this.y = TOP;
  }
  /** Room left on the page. */
  get room() {
    return this.y - BOTTOM;
  }
  ensure(height: number) {
    if (this.y - height < BOTTOM) this.newPage();
  }
  width(s: string, size: number, bold = false) {
    return (bold ? this.bold : this.regular).widthOfTextAtSize(s, size);
  }
  text(s: string, x: number, y: number, opts: { size?: number; bold?: boolean; color?: RGB; align?: Align | "center"; maxWidth?: number } = {}) {
    const font = opts.bold ? this.bold : this.regular;
    let size = opts.size ?? 9;
    // A right-aligned cell is a figure: too wide, it is set smaller rather than cut (down to 5.5 pt).
    if (opts.maxWidth && opts.align === "right") {
      const w = font.widthOfTextAtSize(s, size);
      if (w > opts.maxWidth) size = Math.max(5.5, (size * opts.maxWidth) / w);
    }
    let t = s;
    if (opts.maxWidth) while (t.length > 3 && font.widthOfTextAtSize(t, size) > opts.maxWidth) t = `${t.slice(0, -2).trimEnd()}…`;
    const w = font.widthOfTextAtSize(t, size);
    const dx = opts.align === "right" ? -w : opts.align === "center" ? -w / 2 : 0;
    this.page.drawText(t, { x: x + dx, y, size, font, color: opts.color ?? INK });
  }
  lines(s: string, size: number, width: number, bold = false): string[] {
    const font = bold ? this.bold : this.regular;
    const out: string[] = [];
    let line = "";
    for (const word of s.split(" ")) {
      const next = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(next, size) > width && line) {
        out.push(line);
        line = word;
      } else line = next;
    }
    if (line) out.push(line);
    return out;
  }
  /** Wrapped paragraph at the cursor. */
  paragraph(s: string, opts: { size?: number; bold?: boolean; color?: RGB; x?: number; width?: number; gap?: number } = {}) {
    const size = opts.size ?? 10;
    const x = opts.x ?? M;
    const width = opts.width ?? W - x - M;
    const font = opts.bold ? this.bold : this.regular;
    for (const l of this.lines(s, size, width, opts.bold)) {
      this.ensure(size * 1.4);
      this.page.drawText(l, { x, y: this.y - size, size, font, color: opts.color ?? INK });
      this.y -= size * 1.4;
    }
    this.y -= opts.gap ?? 4;
  }
  paragraphHeight(s: string, size = 10, gap = 4) {
    return this.lines(s, size, W - 2 * M).length * size * 1.4 + gap;
  }
  /** A section's title: on a new page when less than `keep` points are left under it. */
  title(s: string, keep = 120) {
    if (this.y < TOP) {
      this.y -= 14;
      this.ensure(30 + keep);
    }
    this.page.drawText(s, { x: M, y: this.y - 18, size: 18, font: this.bold, color: this.accent });
    this.y -= 30;
  }
  heading(s: string, keep = 60) {
    this.ensure(26 + keep);
    this.page.drawText(s, { x: M, y: this.y - 12, size: 12, font: this.bold, color: INK });
    this.y -= 16;
    this.page.drawLine({ start: { x: M, y: this.y }, end: { x: W - M, y: this.y }, thickness: 0.6, color: this.accent });
    this.y -= 10;
  }
  /** A lesser heading: bold text, no rule (the annexe's short notes). */
  subheading(s: string, keep = 30) {
    this.ensure(18 + keep);
    this.page.drawText(s, { x: M, y: this.y - 10, size: 10, font: this.bold, color: INK });
    this.y -= 16;
  }
  tableHeight(rows: number, size = 8.5) {
    return (rows + 1) * size * 1.75 + 10;
  }
  /**
   * A table; kept on one page when it fits on one, its header repeated when it runs over. With
   * `wrap`, a first cell too long for its column runs on two lines or more instead of being cut.
   */
  table(columns: Column[], rows: TableRow[], opts: { size?: number; wrap?: boolean } = {}) {
    const size = opts.size ?? 8.5;
    const rowH = size * 1.75;
    const lineH = size * 1.3;
    const firstLines = rows.map((r) => (opts.wrap ? this.lines(r.cells[0] ?? "", size, columns[0]!.width - 8 - (r.indent ?? 0), r.bold) : [r.cells[0] ?? ""]));
    const heights = firstLines.map((ls) => rowH + (ls.length - 1) * lineH);
    const whole = heights.reduce((s, h) => s + h, rowH + 10);
    if (whole > this.room && whole <= TOP - BOTTOM) this.newPage();
    const drawHeader = () => {
      this.ensure(rowH * 2);
      if (columns.every((c) => !c.header)) return;
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
    rows.forEach((r, n) => {
      const h = heights[n]!;
      if (this.y - h < BOTTOM) {
        this.newPage();
        drawHeader();
      }
      if (r.band) this.page.drawRectangle({ x: M, y: this.y - h, width: total, height: h, color: BAND });
      let x = M;
      columns.forEach((c, i) => {
        const indent = i === 0 ? (r.indent ?? 0) : 0;
        const style = {
          size,
          bold: r.bold ?? false,
          color: r.warn ? WARN : r.muted ? MUTED : INK,
          align: c.align ?? "left",
          maxWidth: c.width - 8 - indent,
        } as const;
        const at = c.align === "right" ? x + c.width - 4 : x + 4 + indent;
        if (i === 0 && opts.wrap) firstLines[n]!.forEach((line, k) => this.text(line, at, this.y - size - 3 - k * lineH, style));
        else this.text(r.cells[i] ?? "", at, this.y - size - 3, style);
        x += c.width;
      });
      this.y -= h;
    });
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
    const color = l.colour(n);
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
    l.page.drawRectangle({ x: lx, y: y - 1, width: 9, height: 9, color: l.colour(n) });
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
    l.page.drawRectangle({ x: M + labelW, y, width: w, height: barH, color: l.colour(n) });
    l.text(`${eurosWhole(it.amount)}  ·  ${percent(it.share)}`, M + labelW + w + 5, y + 3, { size: 8 });
  });
  l.y -= items.length * (barH + gap) + 10;
}

/** Monthly columns (12 months) with a value axis; nulls are gaps. */
function monthlyColumns(l: Layout, title: string, values: Array<{ month: string; value: number | null }>, color: RGB) {
  const h = 100;
  l.ensure(h + 48);
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
    l.page.drawRectangle({ x, y, width: 3, height: th, color: l.accent });
    l.text(t.label, x + 12, y + th - 16, { size: 8, color: MUTED, maxWidth: tw - 16 });
    l.text(t.value, x + 12, y + th - 36, { size: 15, bold: true, maxWidth: tw - 16 });
    if (t.sub) l.text(t.sub, x + 12, y + 8, { size: 7.5, color: MUTED, maxWidth: tw - 16 });
  });
  l.y -= rows * (th + gap) + 6;
}

// ---------------------------------------------------------------- sections

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

/** The rubriques the ANC model groups under « Produits de tiers financeurs ». */
const TIERS_FINANCEURS = new Set(["subventions", "generosite", "contributions"]);

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
    let tiers = false;
    for (const l of lines) {
      const isTiers = TIERS_FINANCEURS.has(l.rubrique);
      if (isTiers && !tiers) {
        const group = lines.filter((x) => TIERS_FINANCEURS.has(x.rubrique));
        rows.push({
          cells: ["Produits de tiers financeurs", euros(group.reduce((t, x) => t + x.amount, 0)), euros(group.reduce((t, x) => t + prevOf(x.rubrique), 0))],
          indent: 8,
          bold: true,
        });
      }
      tiers = isTiers;
      const indent = isTiers ? 20 : 8;
      rows.push({ cells: [l.label, euros(l.amount), euros(prevOf(l.rubrique))], indent });
      for (const [prefix, label] of DETAILS[l.rubrique] ?? []) {
        const of = (ls: StatementLine[]) =>
          ls
            .find((x) => x.rubrique === l.rubrique)
            ?.accounts.filter((a) => a.account.startsWith(prefix))
            .reduce((t, a) => t + a.amount, 0) ?? 0;
        if (of(cur) !== 0 || of(prev) !== 0) rows.push({ cells: [label, euros(of(cur)), euros(of(prev))], indent: indent + 12, muted: true });
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

/** The contributions volontaires en nature, one line per nature (the chart's 86x and 87x accounts). */
function cvnNatures(lines: StatementLine[], side: "ressources" | "emplois") {
  const out = new Map<string, { label: string; amount: number }>();
  for (const l of lines)
    if (l.side === side)
      for (const a of l.accounts) {
        const key = a.account.slice(0, 3);
        const x = out.get(key) ?? { label: findAccount(key)?.label ?? a.label, amount: 0 };
        x.amount += a.amount;
        out.set(key, x);
      }
  return out;
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
  /** The N−1 column is drawn: the year before is an exercise of the association. */
  withPrevious: boolean;
  /** The N−1 column's header: the year, marked when it is not closed. */
  prevHeader: string;
  /** Label, N, N−1 (or label, N for a first exercise). */
  money3: Column[];
  opts: ReportOptions;
  logo?: PDFImage;
}

/** The N−1 column's header: `2023`, `2023 (non clôturé)`. */
function previousHeader(f: ReportFigures): string {
  const Y1 = String(f.year - 1);
  return f.previousExercise.status === "closed" ? Y1 : `${Y1} (non clôturé)`;
}

/** What page 1 says of the exercise: its dates, from the creation date for the first one, and the year before. */
function exerciseSentence(f: ReportFigures): string {
  const e = f.exercise;
  const dates = `du ${frenchDate(e.start)} au ${frenchDate(e.end)}`;
  const basis = "Comptes présentés selon le règlement ANC n° 2018-06 ; montants en euros.";
  if (e.first) return `Premier exercice de l'association, créée le ${frenchDate(e.start)} : ${dates}. ${basis}`;
  if (f.previousExercise.status === "none") return `Exercice ${dates} ; aucun exercice ${f.year - 1} à comparer. ${basis}`;
  if (f.previousExercise.status !== "closed")
    return `Exercice ${dates}, comparé à ${f.year - 1}. L'exercice ${f.year - 1} n'est pas clôturé : ses chiffres sont provisoires. ${basis}`;
  return `Exercice ${dates}, comparé à ${f.year - 1}. ${basis}`;
}

/** Page 1: the key figures and the commentary. */
function keyFiguresPage({ l, f, p, Y, withPrevious, opts, logo }: Page): void {
  l.newPage();
  l.y -= 10;
  if (logo) {
    const s = Math.min(64 / logo.width, 64 / logo.height);
    l.page.drawImage(logo, { x: W - M - logo.width * s, y: l.y - logo.height * s, width: logo.width * s, height: logo.height * s });
  }
  l.text(opts.association, M, l.y - 12, { size: 12, color: MUTED, maxWidth: W - 2 * M - 80 });
  l.y -= 22;
  l.page.drawText(`Rapport financier ${Y}`, { x: M, y: l.y - 26, size: 26, font: l.bold, color: l.accent });
  l.y -= 40;
  // Beside the logo, the text stops short of it.
  l.paragraph(exerciseSentence(f), { size: 9.5, color: MUTED, gap: 14, ...(logo ? { width: W - 2 * M - 80 } : {}) });
  const vs = (cur: number, prev: number) => (!withPrevious ? undefined : prev === 0 && cur !== 0 ? `${Y - 1} : —` : `${Y - 1} : ${eurosWhole(prev)}`);
  const firstSub = f.exercise.first ? `exercice du ${frenchDate(f.exercise.start)}` : undefined;
  l.heading("Chiffres clés");
  const d = f.donations;
  keyTiles(l, [
    { label: "Total des produits", value: eurosWhole(f.income.total), sub: vs(f.income.total, p.income.total) ?? firstSub },
    { label: "Total des charges", value: eurosWhole(f.expenses.total), sub: vs(f.expenses.total, p.expenses.total) },
    { label: f.result >= 0 ? "Excédent" : "Déficit", value: eurosWhole(Math.abs(f.result)), sub: vs(f.result, p.result) },
    { label: "Part des dons de particuliers", value: percent(f.income.donorShare), sub: `${eurosWhole(d.booked)} de dons` },
    { label: "Fonds dédiés en fin d'exercice", value: eurosWhole(f.dedicatedFunds.closing), sub: vs(f.dedicatedFunds.closing, p.dedicatedFunds.closing) },
    {
      label: "Adhérents · donateurs en ligne",
      value: `${count(f.members)} · ${count(d.donors)}`,
      sub: d.donors
        ? `dont ${count(d.monthlyDonors)} donateur${d.monthlyDonors > 1 ? "s" : ""} mensuel${d.monthlyDonors > 1 ? "s" : ""}`
        : d.booked
          ? "donateurs hors registre en ligne"
          : undefined,
    },
  ]);
  l.y -= 6;
  l.heading("L’essentiel");
  for (const c of f.commentary) l.paragraph(`•  ${c}`, { size: 10, gap: 3 });
  if (f.thresholds.items.some((t) => t.exceeded))
    for (const t of f.thresholds.items.filter((x) => x.exceeded)) l.paragraph(`•  ${t.message}`, { size: 10, gap: 3, color: WARN });
  if (f.statements.unmapped.length)
    l.paragraph(`Comptes sans rubrique (à classer) : ${f.statements.unmapped.join(", ")}.`, { size: 9, color: rgb(0.7, 0.1, 0.1) });
}

/** The income: a pie of the sources and their table. */
function incomeSection({ l, f, p, Y, withPrevious, prevHeader }: Page): void {
  l.title("Les produits", 200);
  const sources = f.income.bySource.map((s) => ({ label: sourceDisplay(s), amount: s.amount, share: s.share }));
  if (sources.length) pie(l, sources);
  else l.paragraph("Aucun produit enregistré pour l'exercice.", { color: MUTED });
  l.paragraph(
    `Parts calculées sur le ${f.income.denominator.label.charAt(0).toLowerCase()}${f.income.denominator.label.slice(1)} : ${euros(f.income.denominator.amount)}.`,
    { size: 8.5, color: MUTED, gap: 10 },
  );
  const srcKey = sourceDisplay;
  const allSources = [...new Set([...f.income.bySource.map(srcKey), ...(withPrevious ? p.income.bySource.map(srcKey) : [])])];
  l.table(
    withPrevious
      ? [
          { header: "Source", width: 215 },
          { header: String(Y), width: 90, align: "right" },
          { header: "Part", width: 50, align: "right" },
          { header: prevHeader, width: 90, align: "right" },
          { header: "Part", width: 50, align: "right" },
        ]
      : [
          { header: "Source", width: 305 },
          { header: String(Y), width: 120, align: "right" },
          { header: "Part", width: 70, align: "right" },
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
function chargesSection({ l, f, p, money3, withPrevious }: Page): void {
  l.title("Les charges", 200);
  const cats = f.expenses.byCategory.map((c) => ({ label: c.label, amount: c.amount, share: c.share }));
  if (cats.length) hbars(l, cats);
  else l.paragraph("Aucune charge enregistrée pour l'exercice.", { color: MUTED });
  l.paragraph(
    `Parts calculées sur le ${f.expenses.denominator.label.charAt(0).toLowerCase()}${f.expenses.denominator.label.slice(1)} : ${euros(f.expenses.denominator.amount)}.`,
    { size: 8.5, color: MUTED, gap: 10 },
  );
  const allCats = [...new Set([...f.expenses.byCategory.map((c) => c.label), ...(withPrevious ? p.expenses.byCategory.map((c) => c.label) : [])])];
  l.table(money3, [
    ...allCats.map((k) => ({
      cells: [k, euros(f.expenses.byCategory.find((c) => c.label === k)?.amount ?? 0), euros(p.expenses.byCategory.find((c) => c.label === k)?.amount ?? 0)],
    })),
    { cells: ["Total des charges", euros(f.expenses.total), euros(p.expenses.total)], bold: true, band: true },
  ]);
}

/** The compte de résultat, with the contributions volontaires en nature per nature when there are any. */
function compteDeResultat({ l, f, p, money3 }: Page): void {
  const crN = f.statements.compteDeResultat;
  const crP = p.statements.compteDeResultat;
  const produits = statementRows(crN.lines, crP.lines, "produits", ["exploitation", "financier", "exceptionnel"], "Total des produits");
  l.title("Compte de résultat", l.tableHeight(produits.length) + 30);
  l.heading("Produits", l.tableHeight(produits.length));
  l.table(money3, produits);
  const charges = statementRows(crN.lines, crP.lines, "charges", ["exploitation", "financier", "exceptionnel", "impot"], "Total des charges");
  l.heading("Charges", l.tableHeight(charges.length));
  l.table(money3, charges);
  l.table(money3, [
    { cells: ["Résultat d'exploitation", euros(crN.sections.exploitation.result), euros(crP.sections.exploitation.result)] },
    { cells: ["Résultat financier", euros(crN.sections.financier.result), euros(crP.sections.financier.result)] },
    { cells: ["Résultat exceptionnel", euros(crN.sections.exceptionnel.result), euros(crP.sections.exceptionnel.result)] },
    { cells: [crN.result >= 0 ? "Excédent de l'exercice" : "Déficit de l'exercice", euros(crN.result), euros(crP.result)], bold: true, band: true },
  ]);
  if (crN.cvn.ressources || crN.cvn.emplois || crP.cvn.ressources || crP.cvn.emplois) {
    const rows: TableRow[] = [];
    for (const [side, label, total] of [
      ["ressources", "Ressources : contributions volontaires en nature", [crN.cvn.ressources, crP.cvn.ressources]],
      ["emplois", "Emplois : contributions volontaires en nature", [crN.cvn.emplois, crP.cvn.emplois]],
    ] as const) {
      rows.push({ cells: [label, "", ""], bold: true, band: true });
      const cur = cvnNatures(crN.cvn.lines, side);
      const prev = cvnNatures(crP.cvn.lines, side);
      for (const key of [...new Set([...cur.keys(), ...prev.keys()])].sort())
        rows.push({ cells: [(cur.get(key) ?? prev.get(key))!.label, euros(cur.get(key)?.amount ?? 0), euros(prev.get(key)?.amount ?? 0)], indent: 8 });
      rows.push({ cells: [`Total des ${side}`, euros(total[0]), euros(total[1])], bold: true });
    }
    l.heading("Contributions volontaires en nature", l.tableHeight(rows.length));
    l.table(money3, rows);
  }
}

/** The bilan at the year end. */
function bilan({ l, f, p, money3 }: Page): void {
  const bN = f.statements.bilan;
  const bP = p.statements.bilan;
  const actif = statementRows(bN.lines, bP.lines, "actif", ["actif-immobilise", "actif-circulant"], "Total de l'actif");
  const passif = statementRows(bN.lines, bP.lines, "passif", ["fonds-propres", "fonds-reportes-dedies", "provisions", "dettes"], "Total du passif");
  l.title(`Bilan au ${frenchDate(f.exercise.end)}`, l.tableHeight(actif.length) + 30);
  l.heading("Actif", l.tableHeight(actif.length));
  l.table(money3, actif);
  l.heading("Passif", l.tableHeight(passif.length));
  l.table(money3, passif);
  if (bN.difference !== 0)
    l.paragraph(`Écart actif − passif : ${euros(bN.difference)} (contributions en nature non soldées).`, { size: 9, color: rgb(0.7, 0.1, 0.1) });
}

const signedEuros = (n: number) => (n > 0 ? `+${euros(n)}` : euros(n));
const signedPercent = (s: number | null) => (s === null ? "—" : s > 0 ? `+${percent(s)}` : percent(s));
const budgetCells = (label: string, f: BudgetFigures) => [label, euros(f.budget), euros(f.actual), signedEuros(f.gap), signedPercent(f.gapShare)];
const budgetColumns = (first: string): Column[] => [
  { header: first, width: 215 },
  { header: "Budget", width: 72, align: "right" },
  { header: "Réalisé", width: 72, align: "right" },
  { header: "Écart", width: 78, align: "right" },
  { header: "Écart en %", width: 58, align: "right" },
];

/**
 * « Budget et réalisé »: the budget voted for the year against the books, per CERFA 12156 rubrique
 * (charges 60 … 68, produits 70 … 78, then the contributions en nature 86/87), the result, the large
 * gaps marked; then one short table per project with a budget. Each part is its own table, so the
 * section flows on from the page before it instead of waiting for a whole page.
 */
function budgetSection({ l, Y, opts }: Page): void {
  const b = opts.budget;
  if (b === undefined) return;
  if (b === null) {
    l.heading("Budget et réalisé", 20);
    l.paragraph(`Aucun budget n'a été voté pour l'exercice ${Y} : pas de comparaison entre budget et réalisé.`, { size: 9.5, color: MUTED, gap: 10 });
    return;
  }
  const rowOf = (r: ReportBudgetRow): TableRow => ({
    cells: budgetCells(`${r.rubrique} – ${r.label}`, r).map((c, i) => (i === 4 && r.large ? `${c} *` : c)),
    ...(r.large ? { warn: true, bold: true } : {}),
  });
  const side = (s: ReportBudgetRow["side"]) => b.rubriques.filter((r) => r.side === s).map(rowOf);
  const charges = [...side("charges"), { cells: budgetCells("Total des charges", b.totals.charges), bold: true, band: true }];
  const produits = [...side("produits"), { cells: budgetCells("Total des produits", b.totals.produits), bold: true, band: true }];
  const intro = `Budget de l'exercice ${Y} comparé aux comptes, par rubrique du budget des formulaires de subvention (CERFA n° 12156) ; écart = réalisé − budget.`;
  l.title("Budget et réalisé", l.paragraphHeight(intro, 9) + 26 + l.tableHeight(charges.length));
  l.paragraph(intro, { size: 9, color: MUTED, gap: 8 });
  l.heading("Charges", l.tableHeight(charges.length));
  l.table(budgetColumns("Rubrique"), charges, { wrap: true });
  l.heading("Produits", l.tableHeight(produits.length));
  l.table(budgetColumns("Rubrique"), produits, { wrap: true });
  const r = b.totals.result;
  const result: TableRow[] = [
    {
      cells: [
        r.actual >= 0 ? "Résultat (produits − charges) : excédent" : "Résultat (produits − charges) : déficit",
        euros(r.budget),
        euros(r.actual),
        signedEuros(r.gap),
        "",
      ],
      bold: true,
      band: true,
    },
  ];
  const cvn = [...side("emplois"), ...side("ressources")];
  const withCvn = cvn.length > 0 && (b.totals.emplois.budget || b.totals.emplois.actual || b.totals.ressources.budget || b.totals.ressources.actual);
  if (withCvn) result.push({ cells: ["Contributions volontaires en nature", "", "", "", ""], bold: true }, ...cvn.map((x) => ({ ...x, indent: 8 })));
  l.table(budgetColumns(""), result, { wrap: true });
  if (b.rubriques.some((x) => x.large))
    l.paragraph(
      `* Écart important : au moins ${percent(b.largeGap.share)} du budget de la rubrique (ou une rubrique sans budget) et au moins ${eurosWhole(b.largeGap.amount)}.`,
      { size: 8.5, color: WARN, gap: 8 },
    );
  if (!b.projects.length) return;
  l.heading("Budget et réalisé par projet", 26 + l.tableHeight(3));
  const marked = (label: string, f: BudgetFigures, large: boolean): TableRow => ({
    cells: budgetCells(label, f).map((c, i) => (i === 4 && large ? `${c} *` : c)),
    ...(large ? { warn: true, bold: true } : {}),
  });
  const block = (title: string, p: Omit<ReportBudgetProject, "code" | "name">) => {
    const rows: TableRow[] = [
      marked("Charges", p.charges, p.large.charges),
      marked("Produits", p.produits, p.large.produits),
      { cells: ["Résultat", euros(p.result.budget), euros(p.result.actual), signedEuros(p.result.gap), ""], bold: true, band: true },
    ];
    l.subheading(title, l.tableHeight(rows.length));
    l.table(budgetColumns(""), rows);
  };
  for (const p of b.projects) block(`${p.name} (${p.code})`, p);
  // Bug: the projects' tables stopped there, far from the year's result; what no project carries closes them.
  if (b.unassigned) {
    block("Sans projet (fonctionnement de l'association)", b.unassigned);
    l.paragraph(
      `Les projets et le fonctionnement font ensemble le résultat de l'exercice : ${euros(b.totals.result.actual)} réalisés pour ${euros(b.totals.result.budget)} prévus.`,
      { size: 8.5, color: MUTED, gap: 6 },
    );
  }
  if (!b.rubriques.some((x) => x.large) && [...b.projects, ...(b.unassigned ? [b.unassigned] : [])].some((p) => p.large.charges || p.large.produits))
    l.paragraph(`* Écart important : au moins ${percent(b.largeGap.share)} du budget et au moins ${eurosWhole(b.largeGap.amount)}.`, {
      size: 8.5,
      color: MUTED,
      gap: 6,
    });
}

/** The funders and the fonds dédiés. */
function funders({ l, f, p, money3, withPrevious }: Page): void {
  l.title("Financeurs et fonds dédiés", f.grants.length ? l.tableHeight(Math.min(f.grants.length, 8)) : 60);
  if (f.grants.length) {
    const dash = (n: number | null) => (n === null ? "—" : eurosWhole(n));
    l.table(
      [
        { header: "Financeur", width: 165 },
        { header: "Accordé", width: 64, align: "right" },
        { header: "Produit", width: 64, align: "right" },
        { header: "Reçu", width: 64, align: "right" },
        { header: "Dépensé", width: 64, align: "right" },
        { header: "Fonds dédiés", width: 74, align: "right" },
      ],
      f.grants.map((g) => ({ cells: [g.funder, dash(g.awarded), eurosWhole(g.recognised), dash(g.received), dash(g.spent), dash(g.dedicatedFunds)] })),
      { wrap: true },
    );
    if (f.grantsSource === "sub-accounts")
      l.paragraph("Financeurs lus sur les sous-comptes de produits ; montants accordés, reçus et dépensés non suivis.", { size: 8.5, color: MUTED });
  } else l.paragraph("Aucun financeur enregistré pour l'exercice.", { color: MUTED, gap: 10 });
  const df = f.dedicatedFunds;
  const pf = p.dedicatedFunds;
  const none = [df.opening, df.added, df.used, df.closing, ...(withPrevious ? [pf.opening, pf.added, pf.used, pf.closing] : [])].every((n) => n === 0);
  l.heading("Fonds dédiés", none ? 30 : l.tableHeight(4));
  if (none) {
    const restricted = f.grants.filter((g) => g.dedicatedFunds !== null && g.spent !== null && g.spent > 0).length;
    l.paragraph(
      `Aucun fonds dédié à l'ouverture ni à la clôture de l'exercice${restricted ? " : les ressources affectées par les financeurs ont été utilisées dans l'année" : ""}. Le détail par convention figure à l'annexe.`,
      { size: 9.5, gap: 10 },
    );
    return;
  }
  l.table(money3, [
    { cells: ["Fonds dédiés à l'ouverture", euros(df.opening), euros(pf.opening)] },
    { cells: ["Reports en fonds dédiés de l'exercice", euros(df.added), euros(pf.added)] },
    { cells: ["Utilisations de fonds dédiés", euros(df.used), euros(pf.used)] },
    { cells: ["Fonds dédiés à la clôture", euros(df.closing), euros(pf.closing)], bold: true, band: true },
  ]);
}

/** What the gap between 7541 and the online registry is, in words. */
function reconciliation(d: YearFigures["donations"]): string {
  const gap = d.unregistered;
  if (d.booked === 0 && d.total === 0) return "Aucun don n'a été comptabilisé (compte 7541) ni reçu en ligne sur l'exercice.";
  if (gap === 0) return `Les ${eurosWhole(d.booked)} du compte 7541 sont les dons en ligne du registre.`;
  if (gap > 0)
    return `Le compte 7541 (${eurosWhole(d.booked)}) dépasse de ${eurosWhole(gap)} les dons en ligne du registre (${eurosWhole(d.total)}) : dons reçus par chèque, virement ou espèces et écritures récapitulatives, comptabilisés sans passer par le paiement en ligne.`;
  return `Le registre des dons en ligne (${eurosWhole(d.total)}) dépasse de ${eurosWhole(-gap)} le compte 7541 (${eurosWhole(d.booked)}) : dons en ligne payés mais pas encore comptabilisés, ou comptabilisés sur un autre compte.`;
}

/** Gifts and memberships. */
function gifts({ l, f, p, money3 }: Page): void {
  const rows: TableRow[] = [
    { cells: ["Dons de particuliers comptabilisés (compte 7541)", euros(f.donations.booked), euros(p.donations.booked)], bold: true },
    { cells: ["dont dons en ligne (registre des dons)", euros(f.donations.total), euros(p.donations.total)], indent: 8 },
    { cells: ["dont dons hors registre (chèques, virements, cumuls)", euros(f.donations.unregistered), euros(p.donations.unregistered)], indent: 8 },
    { cells: ["Dons en ligne : nombre", count(f.donations.count), count(p.donations.count)] },
    { cells: ["Don en ligne moyen", euros(f.donations.average), euros(p.donations.average)] },
    { cells: ["Donateurs en ligne", count(f.donations.donors), count(p.donations.donors)] },
    { cells: ["dont donateurs mensuels", count(f.donations.monthlyDonors), count(p.donations.monthlyDonors)], indent: 8 },
    { cells: ["Adhérents en fin d'exercice", count(f.members), count(p.members)] },
  ];
  l.title("Dons et adhésions", l.tableHeight(rows.length) + 30);
  l.table(money3, rows);
  l.paragraph(reconciliation(f.donations), { size: 9, color: MUTED, gap: 10 });
  // Bug: « 0 » adhérents printed beside the year's cotisations with nothing to say why.
  const fees = f.income.bySource.filter((x) => x.source === "membership_fees").reduce((n, x) => n + x.amount, 0);
  if (fees > 0 && f.members === 0)
    l.paragraph(
      `Les cotisations de l'exercice (${eurosWhole(fees)}, compte 756) ont été reçues hors des adhésions en ligne (chèques, virements, espèces) : leurs adhérents ne figurent pas dans le registre en ligne, qui n'en compte aucun.`,
      { size: 9, color: MUTED, gap: 10 },
    );
}

const annexeMoney: Column[] = [
  { header: "Convention", width: 195 },
  { header: "Ouverture", width: 60, align: "right" },
  { header: "Reports", width: 60, align: "right" },
  { header: "Utilisations", width: 60, align: "right" },
  { header: "Transferts", width: 60, align: "right" },
  { header: "Clôture", width: 60, align: "right" },
];
/** "2024-12-05" → "05/12/2024". */
const shortDate = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

/** The annexe: règles et méthodes, fonds dédiés, engagements, contributions in kind, headcount, resources from abroad. */
function annexe(l: Layout, a: Annexe, opts: { newPage: boolean }): void {
  if (opts.newPage) l.newPage();
  l.title("Annexe aux comptes annuels", 200);
  l.heading("Règles et méthodes comptables");
  for (const r of a.rules) l.paragraph(r, { size: 9, gap: 5 });

  const fd = a.dedicatedFunds;
  // A restricted grant spent in full within the year has no fonds dédiés: a row of zeros says nothing,
  // so it is named in a sentence with what it brought (bug: such rows printed as a table of zeros).
  const carried = fd.rows.filter((r) => r.opening || r.reports || r.uses || r.transfers || r.closing);
  const usedInFull = fd.rows.filter((r) => !carried.includes(r) && r.resources > 0);
  const money = (n: number) => eurosWhole(n);
  l.heading("Fonds dédiés", carried.length ? l.tableHeight(carried.length + 1) : 30);
  if (carried.length) {
    l.table(
      annexeMoney,
      [
        ...carried.map((r) => ({ cells: [r.label, money(r.opening), money(r.reports), money(r.uses), money(r.transfers), money(r.closing)] })),
        {
          cells: ["Total", money(fd.totals.opening), money(fd.totals.reports), money(fd.totals.uses), money(fd.totals.transfers), money(fd.totals.closing)],
          bold: true,
          band: true,
        },
      ],
      { wrap: true },
    );
    l.paragraph(
      "Reports : part non utilisée des ressources affectées de l'exercice (689) ; utilisations : reprises des fonds des exercices antérieurs (789).",
      {
        size: 8.5,
        color: MUTED,
        gap: 8,
      },
    );
  } else if (usedInFull.length) l.paragraph("Aucun fonds dédié à l'ouverture ni à la clôture de l'exercice.", { size: 9, gap: 5 });
  else l.paragraph("Aucune ressource affectée par un financeur n'a donné lieu à des fonds dédiés.", { size: 9, gap: 8 });
  if (usedInFull.length)
    l.paragraph(
      `Ressources affectées employées en totalité dans l'exercice, sans report en fonds dédiés : ${usedInFull.map((r) => `${r.label} (${money(r.resources)})`).join(" ; ")}.`,
      { size: 9, gap: 8 },
    );

  const e = a.engagements;
  l.heading("Engagements reçus et donnés", e.received.length ? l.tableHeight(e.received.length + 1) : 40);
  if (e.received.length) {
    l.paragraph(`Engagements reçus : subventions et contributions signées, restant à recevoir au ${frenchDate(a.exercise.end)}.`, { size: 9, gap: 4 });
    l.table(
      [
        { header: "Convention", width: 165 },
        { header: "Signée le", width: 66 },
        { header: "Accordé", width: 64, align: "right" },
        { header: "Reçu", width: 64, align: "right" },
        { header: "À recevoir", width: 64, align: "right" },
        { header: "Années suiv.", width: 72, align: "right" },
      ],
      [
        ...e.received.map((r) => ({
          cells: [r.label, shortDate(r.agreementDate), eurosWhole(r.awarded), eurosWhole(r.received), eurosWhole(r.toReceive), eurosWhole(r.laterYears)],
        })),
        {
          cells: ["Total", "", eurosWhole(e.totals.awarded), eurosWhole(e.totals.received), eurosWhole(e.totals.toReceive), eurosWhole(e.totals.laterYears)],
          bold: true,
          band: true,
        },
      ],
      { wrap: true },
    );
    l.paragraph("Années suivantes : part des conventions pluriannuelles rattachée aux exercices à venir (produits constatés d'avance).", {
      size: 8.5,
      color: MUTED,
      gap: 6,
    });
  } else l.paragraph("Engagements reçus : aucune subvention signée ne reste à recevoir.", { size: 9, gap: 4 });
  l.paragraph(`Engagements donnés : ${e.given.charAt(0).toLowerCase()}${e.given.slice(1)}`, { size: 9, gap: 8 });

  const c = a.contributionsInKind;
  l.heading("Contributions volontaires en nature", 60);
  for (const m of c.method) l.paragraph(m, { size: 9, gap: 3 });
  // One line per nature is drawn once, at the foot of the compte de résultat (the route's annexe lists them too).
  if (c.ressources.length || c.emplois.length)
    l.paragraph(`Détail par nature au pied du compte de résultat : ressources ${euros(c.totals.ressources)}, emplois ${euros(c.totals.emplois)}.`, {
      size: 9,
      gap: 3,
    });
  l.y -= 4;

  l.subheading("Effectifs", 14);
  l.paragraph(a.headcount.text, { size: 9, gap: 6 });

  const fr = a.foreignResources;
  l.subheading("Ressources provenant de l'étranger", fr.rows.length ? l.tableHeight(fr.rows.length) : 26);
  l.paragraph(fr.text, { size: 9, gap: 6 });
  if (fr.rows.length)
    l.table(
      [
        { header: "Pays du donateur", width: 295 },
        { header: "Dons", width: 100, align: "right" },
        { header: "Montant", width: 100, align: "right" },
      ],
      fr.rows.map((r) => ({ cells: [r.country, count(r.count), euros(r.amount)] })),
    );
}

/** The thresholds watched, as a table. */
function thresholds({ l, f }: Page): void {
  const t = f.thresholds;
  l.heading("Seuils légaux", l.tableHeight(t.items.length) + 30);
  l.table(
    [
      { header: "Seuil", width: 215 },
      { header: String(f.year), width: 90, align: "right" },
      { header: "Seuil", width: 90, align: "right" },
      { header: "Atteint", width: 100, align: "right" },
    ],
    t.items.map((i) => ({ cells: [i.label, eurosWhole(i.amount), eurosWhole(i.threshold), i.exceeded ? "dépassé" : percent(i.reached)], bold: i.exceeded })),
  );
  l.paragraph(t.publication.text, { size: 9.5, gap: 8 });
}

/** The social statistics, with a monthly chart per platform and metric. */
function social({ l, f, p, Y, withPrevious, prevHeader }: Page): void {
  const srows = socialRows(f, p);
  l.title("Réseaux sociaux", srows.length ? l.tableHeight(srows.length) : 40);
  if (srows.length) {
    l.table(
      withPrevious
        ? [
            { header: "", width: 295 },
            { header: String(Y), width: 100, align: "right" },
            { header: prevHeader, width: 100, align: "right" },
          ]
        : [
            { header: "", width: 395 },
            { header: String(Y), width: 100, align: "right" },
          ],
      srows,
    );
    f.social.forEach((pl, n) => {
      for (const s of monthlySeries(pl))
        monthlyColumns(
          l,
          s.title,
          pl.months.map((m) => ({ month: m.month, value: m[s.metric] as number | null })),
          l.colour(n),
        );
    });
  } else l.paragraph("Aucune statistique enregistrée pour l'exercice.", { color: MUTED });
}

/** The running header and footer of every page: the association (and its logo), the title, the page number. */
function runningHeaders(l: Layout, association: string, title: string, Y: number, logo?: PDFImage): void {
  const regular = l.regular;
  const n = l.pages.length;
  l.pages.forEach((page, i) => {
    let x = M;
    if (logo && i > 0) {
      const s = 12 / logo.height;
      page.drawImage(logo, { x: M, y: H - 43, width: logo.width * s, height: 12 });
      x += logo.width * s + 6;
    }
    page.drawText(association, { x, y: H - 40, size: 8, font: regular, color: MUTED });
    page.drawText(title, { x: W - M - regular.widthOfTextAtSize(title, 8), y: H - 40, size: 8, font: regular, color: MUTED });
    page.drawLine({ start: { x: M, y: H - 48 }, end: { x: W - M, y: H - 48 }, thickness: 0.5, color: l.accent });
    page.drawLine({ start: { x: M, y: 42 }, end: { x: W - M, y: 42 }, thickness: 0.5, color: RULE });
    const foot = `Page ${i + 1} sur ${n}`;
    page.drawText(foot, { x: W - M - regular.widthOfTextAtSize(foot, 8), y: 28, size: 8, font: regular, color: MUTED });
    page.drawText(`${association} — exercice ${Y}`, { x: M, y: 28, size: 8, font: regular, color: MUTED });
  });
}

/** A new report document with its metadata fixed to the year's last day, so the same figures give the same bytes. */
async function reportDocument(
  year: number,
  title: string,
  opts: ReportOptions,
): Promise<{ doc: PDFDocument; regular: PDFFont; bold: PDFFont; logo?: PDFImage }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(plainFontkit);
  const regular = await doc.embedFont(loadFont("DejaVuSans.ttf"), { subset: true });
  const bold = await doc.embedFont(loadFont("DejaVuSans-Bold.ttf"), { subset: true });
  const fixed = new Date(Date.UTC(year, 11, 31, 12, 0, 0));
  doc.setTitle(`${title} — ${opts.association}`);
  doc.setAuthor(opts.association);
  doc.setSubject(`${title} de l'exercice ${year}`);
  doc.setLanguage("fr-FR");
  doc.setCreator("asso-back-office");
  doc.setProducer("asso-back-office (pdf-lib)");
  doc.setCreationDate(fixed);
  doc.setModificationDate(fixed);
  let logo: PDFImage | undefined;
  if (opts.logo)
    try {
      logo = opts.logo.contentType === "image/png" ? await doc.embedPng(opts.logo.bytes) : await doc.embedJpg(opts.logo.bytes);
    } catch {
      // A logo pdf-lib cannot decode (its first bytes only were checked at upload): the report goes without it.
      logo = undefined;
    }
  return { doc, regular, bold, ...(logo ? { logo } : {}) };
}

function pageContext(l: Layout, f: ReportFigures, opts: ReportOptions, logo: PDFImage | undefined): Page {
  const Y = f.year;
  const withPrevious = f.previousExercise.status !== "none";
  const prevHeader = previousHeader(f);
  const money3: Column[] = withPrevious
    ? [
        { header: "", width: 285 },
        { header: String(Y), width: 100, align: "right" },
        { header: prevHeader, width: 110, align: "right" },
      ]
    : [
        { header: "", width: 385 },
        { header: String(Y), width: 110, align: "right" },
      ];
  return { l, f, p: f.previous, Y, withPrevious, prevHeader, money3, opts, ...(logo ? { logo } : {}) };
}

export async function renderAnnualReport(f: ReportFigures, opts: ReportOptions): Promise<Uint8Array> {
  const title = `Rapport financier ${f.year}`;
  const { doc, regular, bold, logo } = await reportDocument(f.year, title, opts);
  const l = new Layout(doc, regular, bold, themeOf(opts.colour));
  const page = pageContext(l, f, opts, logo);
  keyFiguresPage(page);
  thresholds(page);
  for (const draw of [incomeSection, chargesSection, compteDeResultat, bilan, budgetSection, funders, gifts, social]) draw(page);
  // The annexe closes the report: its text runs on over pages, where a chart could not.
  if (opts.annexe) annexe(l, opts.annexe, { newPage: false });
  runningHeaders(l, opts.association, title, f.year, logo);
  return doc.save({ useObjectStreams: false });
}

/**
 * The accounts for the Journal officiel's site: the bilan, the compte de résultat and the annexe,
 * as the association publishes them. No person's data: no donor, member or volunteer is named, the
 * gifts and social statistics are not part of it.
 */
export async function renderJournalOfficiel(f: ReportFigures, annexeOf: Annexe, opts: ReportOptions & { identity: string[] }): Promise<Uint8Array> {
  const title = `Comptes annuels ${f.year}`;
  const { doc, regular, bold, logo } = await reportDocument(f.year, title, opts);
  const l = new Layout(doc, regular, bold, themeOf(opts.colour));
  const page = pageContext(l, f, opts, logo);
  l.newPage();
  l.y -= 10;
  l.text(opts.association, M, l.y - 12, { size: 12, color: MUTED });
  l.y -= 22;
  l.page.drawText(title, { x: M, y: l.y - 26, size: 24, font: l.bold, color: l.accent });
  l.y -= 40;
  for (const line of opts.identity) l.paragraph(line, { size: 9.5, color: MUTED, gap: 1 });
  l.y -= 6;
  l.paragraph(exerciseSentence(f), { size: 9.5, color: MUTED, gap: 6 });
  l.paragraph(f.thresholds.publication.text, { size: 9.5, gap: 10 });
  bilan(page);
  compteDeResultat(page);
  annexe(l, annexeOf, { newPage: false });
  runningHeaders(l, opts.association, title, f.year, logo);
  return doc.save({ useObjectStreams: false });
}
