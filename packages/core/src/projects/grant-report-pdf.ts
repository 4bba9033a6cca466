/**
 * The compte-rendu financier of a grant as a PDF (pdf-lib), in the CERFA 15059 order: who and
 * what, the action's charges and produits (prévision, réalisation, écart), the contributions en
 * nature, the grant's share, the gaps to explain, the expenses the grant paid for, and the
 * attestation to sign. Dates in the file come from the data, never from the clock: the same data
 * give the same bytes.
 */
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from "pdf-lib";
import { loadFont } from "../fonts.js";
import { euros } from "../money.js";
import { readinessText, STATUS_LABELS, UNEXPLAINED, type CompteRendu } from "./compte-rendu.js";
import type { ComparisonRow } from "./budgets.js";

/**
 * fontkit with layout reduced to the font's character map, as the annual report does
 * (reports/pdf.ts): pdf-lib reads only the glyphs of a layout, and shaping DejaVu's OpenType tables
 * for each string costs about 0.5 ms.
 */
type KitFont = { layout: unknown; glyphForCodePoint(c: number): unknown };
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

const W = 595.28;
const H = 841.89;
const M = 40;
const TOP = H - 56;
const BOTTOM = 54;
const INK = rgb(0.13, 0.15, 0.18);
const MUTED = rgb(0.42, 0.45, 0.5);
const RULE = rgb(0.82, 0.84, 0.86);
const BAND = rgb(0.94, 0.95, 0.96);
const ACCENT = rgb(0.11, 0.37, 0.33);
const LATE = rgb(0.7, 0.18, 0.16);

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
/** "2025-06-30" → "30 juin 2025". */
/** « Ateliers (projet ATELIERS) »; a split grant's projects together: « A + B (projets A et B) ». */
const actionText = (p: { code: string; name: string }) => {
  const codes = p.code.split(" + ");
  return codes.length > 1 ? `${p.name} (projets ${codes.slice(0, -1).join(", ")} et ${codes.at(-1)})` : `${p.name} (projet ${p.code})`;
};
const longDate = (d: string) => `${Number(d.slice(8, 10)) === 1 ? "1er" : Number(d.slice(8, 10))} ${MONTHS[Number(d.slice(5, 7)) - 1]} ${d.slice(0, 4)}`;
const shortDate = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
const pct = new Intl.NumberFormat("fr-FR", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const share = (s: number | null) => (s === null ? "—" : pct.format(s));
const signed = (cents: number) => (cents > 0 ? `+${euros(cents)}` : euros(cents));

interface Col {
  header: string;
  width: number;
  right?: boolean;
}
interface Row {
  cells: string[];
  bold?: boolean;
  band?: boolean;
  muted?: boolean;
  indent?: number;
  /** A line of text across the table instead of cells (a gap's mark), wrapped. */
  note?: { text: string; color: RGB };
}

class Doc {
  pages: PDFPage[] = [];
  page!: PDFPage;
  y = TOP;
  constructor(
    readonly pdf: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.newPage();
  }
  newPage() {
    this.page = this.pdf.addPage([W, H]);
    this.pages.push(this.page);
    this.y = TOP;
  }
  ensure(h: number) {
    if (this.y - h < BOTTOM) this.newPage();
  }
  fit(s: string, size: number, width: number, bold = false) {
    const font = bold ? this.bold : this.regular;
    let t = s;
    while (t.length > 3 && font.widthOfTextAtSize(t, size) > width) t = `${t.slice(0, -2).trimEnd()}…`;
    return t;
  }
  text(s: string, x: number, y: number, o: { size?: number; bold?: boolean; color?: RGB; right?: boolean; width?: number } = {}) {
    const size = o.size ?? 9;
    const font = o.bold ? this.bold : this.regular;
    const t = o.width ? this.fit(s, size, o.width, o.bold) : s;
    const w = font.widthOfTextAtSize(t, size);
    this.page.drawText(t, { x: o.right ? x - w : x, y, size, font, color: o.color ?? INK });
  }
  wrap(s: string, size: number, width: number, bold = false): string[] {
    const font = bold ? this.bold : this.regular;
    const out: string[] = [];
    let line = "";
    for (const word of s.split(" ")) {
      const next = line ? `${line} ${word}` : word;
      if (line && font.widthOfTextAtSize(next, size) > width) {
        out.push(line);
        line = word;
      } else line = next;
    }
    if (line) out.push(line);
    return out;
  }
  paragraph(s: string, o: { size?: number; bold?: boolean; color?: RGB; gap?: number } = {}) {
    const size = o.size ?? 9.5;
    for (const l of this.wrap(s, size, W - 2 * M, o.bold)) {
      this.ensure(size * 1.45);
      this.text(l, M, this.y - size, { size, bold: o.bold, color: o.color });
      this.y -= size * 1.45;
    }
    this.y -= o.gap ?? 4;
  }
  heading(s: string, keep = 80) {
    this.ensure(28 + keep);
    this.y -= 6;
    this.text(s, M, this.y - 12, { size: 12, bold: true, color: ACCENT });
    this.y -= 17;
    this.page.drawLine({ start: { x: M, y: this.y }, end: { x: W - M, y: this.y }, thickness: 0.6, color: ACCENT });
    this.y -= 8;
  }
  /** Label and value pairs, two columns. */
  facts(pairs: Array<[string, string, RGB?]>) {
    for (const [label, value, color] of pairs) {
      // A coloured value is bold, and wrapped as bold (bug: measured in the regular face, its first
      // line ran past the margin).
      const bold = !!color;
      const lines = this.wrap(value, 9.5, W - 2 * M - 150, bold);
      this.ensure(lines.length * 13 + 2);
      this.text(label, M, this.y - 10, { size: 9, color: MUTED });
      lines.forEach((l, i) => this.text(l, M + 150, this.y - 10 - i * 13, { size: 9.5, bold, color: color ?? INK }));
      this.y -= lines.length * 13 + 2;
    }
    this.y -= 4;
  }
  table(cols: Col[], rows: Row[], size = 8.5) {
    const rowH = size * 1.8;
    const header = () => {
      this.ensure(rowH * 2);
      let x = M;
      for (const c of cols) {
        this.text(c.header, c.right ? x + c.width - 4 : x + 4, this.y - size - 2, { size: size - 0.5, bold: true, color: MUTED, right: c.right });
        x += c.width;
      }
      this.y -= rowH;
      this.page.drawLine({ start: { x: M, y: this.y }, end: { x: W - M, y: this.y }, thickness: 0.5, color: RULE });
    };
    header();
    for (const r of rows) {
      if (this.y - rowH < BOTTOM) {
        this.newPage();
        header();
      }
      if (r.note) {
        const size8 = size - 0.5;
        for (const l of this.wrap(r.note.text, size8, W - 2 * M - 8 - (r.indent ?? 0))) {
          if (this.y - size8 * 1.5 < BOTTOM) this.newPage();
          this.text(l, M + 4 + (r.indent ?? 0), this.y - size8 * 1.2, { size: size8, color: r.note.color });
          this.y -= size8 * 1.5;
        }
        this.y -= 2;
        continue;
      }
      if (r.band) this.page.drawRectangle({ x: M, y: this.y - rowH, width: W - 2 * M, height: rowH, color: BAND });
      let x = M;
      cols.forEach((c, i) => {
        const indent = i === 0 ? (r.indent ?? 0) : 0;
        const cell = r.cells[i] ?? "";
        // A figure is never cut: too wide for its column, it is set smaller (bug: « +10 060,28… »).
        const room = c.width - 8 - indent;
        const wide = (r.bold ? this.bold : this.regular).widthOfTextAtSize(cell, size);
        const cellSize = c.right && wide > room ? Math.max(5.5, (size * room) / wide) : size;
        this.text(cell, c.right ? x + c.width - 4 : x + 4 + indent, this.y - rowH + size * 0.6, {
          size: cellSize,
          bold: r.bold,
          color: r.muted ? MUTED : INK,
          right: c.right,
          width: c.width - 8 - indent,
        });
        x += c.width;
      });
      this.y -= rowH;
    }
    this.page.drawLine({ start: { x: M, y: this.y }, end: { x: W - M, y: this.y }, thickness: 0.5, color: RULE });
    this.y -= 10;
  }
}

const FIG_COLS = (first: string): Col[] => [
  { header: first, width: 235 },
  { header: "Prévision", width: 72, right: true },
  { header: "Réalisation", width: 72, right: true },
  { header: "Écart", width: 70, right: true },
  { header: "Écart en %", width: 66, right: true },
];

function figureRows(rows: ComparisonRow[], extra: (r: ComparisonRow) => Row[] = () => []): Row[] {
  const out: Row[] = [];
  for (const r of rows) {
    out.push({ cells: [`${r.rubrique} – ${r.label}`, euros(r.budget), euros(r.actual), signed(r.gap), share(r.gapShare)], bold: true });
    for (const a of r.accounts)
      out.push({ cells: [`${a.account} ${a.label}`, euros(a.budget), euros(a.actual), signed(a.gap), share(a.gapShare)], muted: true, indent: 12 });
    out.push(...extra(r));
  }
  return out;
}

/** The compte-rendu financier of a grant as a PDF. */
export async function renderGrantReport(cr: CompteRendu): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const g = cr.grant;
  pdf.setTitle(`Compte rendu financier – ${g.title}`);
  pdf.setAuthor(cr.association);
  pdf.setCreator("Back-office de l'association");
  pdf.setProducer("pdf-lib");
  const at = new Date(`${g.endDate}T12:00:00Z`);
  pdf.setCreationDate(at);
  pdf.setModificationDate(at);
  pdf.registerFontkit(plainFontkit);
  const d = new Doc(
    pdf,
    await pdf.embedFont(loadFont("DejaVuSans.ttf"), { subset: true }),
    await pdf.embedFont(loadFont("DejaVuSans-Bold.ttf"), { subset: true }),
  );

  d.text("Compte rendu financier de l'action subventionnée", M, d.y - 16, { size: 16, bold: true, color: ACCENT });
  d.y -= 24;
  d.text("Modèle du formulaire CERFA n° 15059 (arrêté du 11 octobre 2006) — tableau établi à partir des comptes de l'association", M, d.y - 8, {
    size: 8,
    color: MUTED,
  });
  d.y -= 20;

  d.heading("Identification", 60);
  d.facts([
    ["Association", cr.association],
    ["Action", cr.project ? actionText(cr.project) : g.title],
    ["Financeur", g.funderName],
    ["Subvention", `${g.title}${g.agreementRef ? ` — convention ${g.agreementRef}` : ""}, signée le ${longDate(g.agreementDate)}`],
    ["Montant accordé", `${euros(g.amount)}${g.restricted ? " (affecté à l'action)" : ""}`],
    ["Période de l'action", `du ${longDate(g.startDate)} au ${longDate(g.endDate)}`],
    [cr.period.years.length > 1 ? "Exercices" : "Exercice", cr.period.years.join(", ")],
    [
      "À remettre avant le",
      // Once sent, the date only: « Remis au financeur le » follows.
      cr.sentOn
        ? longDate(cr.dueDate)
        : `${longDate(cr.dueDate)} (${STATUS_LABELS[cr.status]}${cr.status === "a-remettre" ? `, ${cr.daysLeft} jour${cr.daysLeft > 1 ? "s" : ""}` : ""})`,
      cr.status === "en-retard" && !cr.sentOn ? LATE : ACCENT,
    ],
    ...(cr.sentOn ? [["Remis au financeur le", longDate(cr.sentOn), ACCENT] as [string, string, RGB]] : []),
    ["État du compte rendu", readinessText(cr, true), cr.ready ? ACCENT : LATE],
  ]);
  // The figures are the project's fiscal years, whole, not only the action's dates.
  d.paragraph(`${cr.coverage}.`, { size: 8.5, color: MUTED });
  if (!cr.project)
    d.paragraph(
      "La subvention ne nomme pas de projet des comptes : l'action est la subvention elle-même, ses charges sont les dépenses qui lui sont affectées et sa prévision le montant accordé.",
      { size: 8.5, color: MUTED },
    );

  const texts = cr.explanations;
  d.heading("1. Bilan de l'action réalisée", 50);
  if (texts.summary) for (const p of texts.summary.split(/\r?\n/)) d.paragraph(p, { gap: 2 });
  else d.paragraph("Bilan non rédigé.", { color: MUTED });
  if (texts.actions) {
    d.y -= 2;
    d.paragraph("Résultats : bénéficiaires, lieux, dates, objectifs atteints", { size: 8.5, bold: true, color: MUTED, gap: 1 });
    for (const p of texts.actions.split(/\r?\n/)) d.paragraph(p, { gap: 2 });
  }

  const rows = cr.comparison.rubriques;
  const explainedRows = new Map(texts.gaps.map((x) => [x.rubrique, x.text]));
  const toExplain = new Set(cr.gapsToExplain.map((x) => x.rubrique));
  // Beside each row: that its gap is explained (the text in 6), or « Écart non expliqué ».
  const gapMark = (r: ComparisonRow): Row[] =>
    explainedRows.has(r.rubrique)
      ? [{ cells: [], note: { text: `Explication de l'écart : ${explainedRows.get(r.rubrique)!.replace(/\s+/g, " ")}`, color: MUTED }, indent: 12 }]
      : toExplain.has(r.rubrique)
        ? [{ cells: [], note: { text: UNEXPLAINED, color: LATE }, indent: 12 }]
        : [];
  const totals = cr.comparison.totals;
  d.heading("2. Charges de l'action", 140);
  d.table(FIG_COLS("Charges"), [
    ...figureRows(
      rows.filter((r) => r.side === "charges"),
      gapMark,
    ),
    {
      cells: ["Total des charges", euros(totals.charges.budget), euros(totals.charges.actual), signed(totals.charges.gap), share(totals.charges.gapShare)],
      bold: true,
      band: true,
    },
  ]);
  d.heading("3. Produits de l'action", 140);
  d.table(FIG_COLS("Produits"), [
    ...figureRows(
      rows.filter((r) => r.side === "produits"),
      (r) => [
        ...(r.rubrique === "74" ? [{ cells: [`dont ${g.funderName} (cette subvention)`, euros(g.amount), euros(g.recognised), "", ""], indent: 12 }] : []),
        ...gapMark(r),
      ],
    ),
    {
      cells: ["Total des produits", euros(totals.produits.budget), euros(totals.produits.actual), signed(totals.produits.gap), share(totals.produits.gapShare)],
      bold: true,
      band: true,
    },
    {
      cells: ["Résultat de l'action (produits − charges)", euros(totals.result.budget), euros(totals.result.actual), signed(totals.result.gap), ""],
      bold: true,
    },
  ]);
  d.heading("4. Contributions volontaires en nature", 70);
  d.table(FIG_COLS("Contributions"), [
    ...figureRows(
      rows.filter((r) => r.side === "emplois" || r.side === "ressources"),
      gapMark,
    ),
  ]);

  d.heading("5. Part de la subvention dans l'action", 50);
  d.paragraph(
    `La subvention de ${euros(g.amount)} représente ${share(cr.grantShare.ofBudget)} des produits prévus de l'action et ${share(cr.grantShare.ofActual)} de ses charges réalisées. Produits comptabilisés à ce jour : ${euros(g.recognised)}.`,
  );

  d.heading("6. Écarts à expliquer", 60);
  if (cr.budgetNote) d.paragraph(cr.budgetNote, { color: MUTED });
  else if (!cr.gapsToExplain.length) d.paragraph("Aucune rubrique ne s'écarte de sa prévision de 15 % ou plus.", { color: MUTED });
  for (const x of cr.gapsToExplain) {
    d.ensure(52);
    d.paragraph(`${x.rubrique} – ${x.label} : prévu ${euros(x.budget)}, réalisé ${euros(x.actual)}, écart ${signed(x.gap)} (${share(x.gapShare)}).`, {
      bold: true,
      size: 9,
      gap: 2,
    });
    if (x.explanation) {
      for (const p of x.explanation.split(/\r?\n/)) d.paragraph(p, { size: 9, gap: 1 });
      d.y -= 6;
    } else {
      d.paragraph(UNEXPLAINED, { size: 9, color: LATE, gap: 8 });
    }
  }
  // Rows explained though their gap is under 15 %: printed too, as given.
  for (const x of texts.gaps.filter((t) => !toExplain.has(t.rubrique))) {
    const r = rows.find((y) => y.rubrique === x.rubrique)!;
    d.ensure(40);
    d.paragraph(`${r.rubrique} – ${r.label} : prévu ${euros(r.budget)}, réalisé ${euros(r.actual)}, écart ${signed(r.gap)} (${share(r.gapShare)}).`, {
      bold: true,
      size: 9,
      gap: 2,
    });
    for (const p of x.text.split(/\r?\n/)) d.paragraph(p, { size: 9, gap: 1 });
    d.y -= 6;
  }

  d.heading("7. Dépenses financées par la subvention", 80);
  d.table(
    [
      { header: "Date", width: 58 },
      { header: "Fournisseur", width: 120 },
      { header: "Libellé", width: 150 },
      { header: "Pièce", width: 62 },
      { header: "Facture", width: 62, right: true },
      { header: "Part", width: 63, right: true },
    ],
    [
      ...cr.expenses.items.map((e) => ({ cells: [shortDate(e.date), e.supplier, `${e.account} · ${e.label}`, e.pieceRef, euros(e.total), euros(e.amount)] })),
      {
        cells: ["Total", `${cr.expenses.items.length} dépense${cr.expenses.items.length > 1 ? "s" : ""}`, "", "", "", euros(cr.expenses.total)],
        bold: true,
        band: true,
      },
    ],
    8,
  );
  if (cr.tie.difference !== 0)
    d.paragraph(
      `Les dépenses listées (${euros(cr.tie.listed)}) diffèrent de ${signed(cr.tie.difference)} du total affecté à la subvention dans les comptes (${euros(cr.tie.spent)}).`,
      {
        color: LATE,
      },
    );
  else d.paragraph(`Total égal aux dépenses affectées à la subvention dans les comptes (${euros(cr.tie.spent)}).`, { size: 8.5, color: MUTED });

  d.heading("8. Attestation", 110);
  const signer = texts.signer;
  d.paragraph(
    `Je soussigné(e), ${signer ? signer.name : "……………………………………"}, ${signer?.quality ?? "représentant(e) légal(e) de l'association"}, certifie exactes les informations du présent compte rendu.`,
  );
  d.y -= 8;
  d.paragraph("Fait à ……………………………, le ……………………………");
  d.y -= 8;
  d.paragraph("Signature :");
  d.y -= 40;

  const n = d.pages.length;
  d.pages.forEach((p, i) => {
    d.page = p;
    p.drawLine({ start: { x: M, y: BOTTOM - 16 }, end: { x: W - M, y: BOTTOM - 16 }, thickness: 0.4, color: RULE });
    d.text(`${cr.association} — compte rendu financier : ${g.title}`, M, BOTTOM - 28, { size: 7.5, color: MUTED, width: W - 2 * M - 70 });
    d.text(`page ${i + 1} sur ${n}`, W - M, BOTTOM - 28, { size: 7.5, color: MUTED, right: true });
  });
  return pdf.save({ useObjectStreams: false });
}
