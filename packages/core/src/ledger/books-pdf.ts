/**
 * The auditor's table documents as PDF (pdf-lib, DejaVu Sans for French text and the euro sign):
 * the balance générale, the grand livre, and any table the auditor's package hands it (the
 * statements). A4 landscape; every page carries the association, the document's title, the year
 * and whether it is closed (an open year in red: "document provisoire"), and "page n / N".
 */
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";
import { loadFont } from "../fonts.js";
import { euros } from "../money.js";
import type { LedgerAccount, TableDocument, TableSection, TrialBalanceBook, YearStanding } from "./books-types.js";

const PAGE: [number, number] = [841.89, 595.28];
const MARGIN = 36;
const ROW = 13;
const SIZE = 8;
const RED = rgb(0.7, 0.1, 0.1);
const GREY = rgb(0.35, 0.35, 0.35);
const frenchDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

async function fonts(doc: PDFDocument) {
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(loadFont("DejaVuSans.ttf"), { subset: true });
  const bold = await doc.embedFont(loadFont("DejaVuSans-Bold.ttf"), { subset: true });
  return { regular, bold };
}

const fit = (font: PDFFont, text: string, size: number, width: number) => {
  let t = text;
  while (t.length > 1 && font.widthOfTextAtSize(t, size) > width) t = `${t.slice(0, -2)}…`;
  return t;
};

/** The head and foot of each page: who, what, which year, closed or not, page n / N. */
function frame(pages: PDFPage[], f: { regular: PDFFont; bold: PDFFont }, doc: Pick<TableDocument, "title" | "association" | "standing">) {
  pages.forEach((page, i) => {
    const top = PAGE[1] - MARGIN;
    page.drawText(fit(f.bold, `${doc.title} — ${doc.association}`, 11, PAGE[0] - 2 * MARGIN), { x: MARGIN, y: top, size: 11, font: f.bold });
    page.drawText(doc.standing.title, { x: MARGIN, y: top - 14, size: 9, font: f.regular, color: GREY });
    const open = doc.standing.status !== "closed";
    page.drawText(doc.standing.mark, { x: MARGIN, y: top - 27, size: 9, font: open ? f.bold : f.regular, color: open ? RED : GREY });
    const n = `page ${i + 1} / ${pages.length}`;
    page.drawText(n, { x: PAGE[0] - MARGIN - f.regular.widthOfTextAtSize(n, 8), y: MARGIN - 18, size: 8, font: f.regular, color: GREY });
    if (open) page.drawText(doc.standing.mark, { x: MARGIN, y: MARGIN - 18, size: 8, font: f.regular, color: RED });
  });
}

/** Rows of tables running down landscape pages, the column headings again on each new page. */
class Sheet {
  page: PDFPage;
  y = 0;
  pages: PDFPage[] = [];
  private columns: TableSection["columns"] = [];

  constructor(
    readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.page = this.newPage();
  }

  private newPage(): PDFPage {
    const p = this.doc.addPage(PAGE);
    this.pages.push(p);
    this.page = p;
    this.y = PAGE[1] - MARGIN - 48;
    return p;
  }

  ensure(h: number): void {
    if (this.y - h < MARGIN) {
      this.newPage();
      if (this.columns.length) this.headings();
    }
  }

  heading(text: string): void {
    this.ensure(ROW * 3);
    this.y -= 4;
    this.page.drawText(text, { x: MARGIN, y: this.y, size: 10, font: this.bold });
    this.y -= ROW + 2;
  }

  note(text: string): void {
    this.ensure(ROW);
    this.page.drawText(fit(this.regular, text, SIZE, PAGE[0] - 2 * MARGIN), { x: MARGIN, y: this.y, size: SIZE, font: this.regular, color: GREY });
    this.y -= ROW;
  }

  setColumns(columns: TableSection["columns"]): void {
    this.columns = columns;
    this.ensure(ROW * 2);
    this.headings();
  }

  private headings(): void {
    this.cells(
      this.columns.map((c) => c.label),
      this.bold,
    );
    this.page.drawLine({ start: { x: MARGIN, y: this.y + ROW - 3 }, end: { x: PAGE[0] - MARGIN, y: this.y + ROW - 3 }, thickness: 0.5, color: GREY });
  }

  row(cells: string[], bold = false): void {
    this.ensure(ROW);
    this.cells(cells, bold ? this.bold : this.regular);
  }

  private cells(cells: string[], font: PDFFont): void {
    let x = MARGIN;
    this.columns.forEach((c, i) => {
      const t = fit(font, cells[i] ?? "", SIZE, c.width - 4);
      const w = font.widthOfTextAtSize(t, SIZE);
      this.page.drawText(t, { x: c.align === "right" ? x + c.width - 4 - w : x, y: this.y, size: SIZE, font });
      x += c.width;
    });
    this.y -= ROW;
  }
}

/** A table document: its sections one after the other, the frame on every page. */
export async function renderTablePdf(d: TableDocument): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${d.title} — ${d.standing.title}`);
  doc.setAuthor(d.association);
  doc.setLanguage("fr-FR");
  const f = await fonts(doc);
  const s = new Sheet(doc, f.regular, f.bold);
  for (const section of d.sections) {
    if (section.heading) s.heading(section.heading);
    s.setColumns(section.columns);
    for (const r of section.rows) s.row(r.cells, r.bold);
    if (section.note) s.note(section.note);
    s.y -= 6;
  }
  frame(s.pages, f, d);
  return doc.save();
}

/**
 * Writes `text` in red at the head and the foot of every page of an existing PDF, in the PDF's
 * standard Helvetica (WinAnsi: French accents and the dash; nothing to embed, so it stays quick).
 */
export async function stampPdf(pdf: Uint8Array, text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  const font = await doc.embedFont(StandardFonts.HelveticaBold);
  const plain = [...text].map((c) => (font.getCharacterSet().includes(c.codePointAt(0)!) ? c : "-")).join("");
  for (const page of doc.getPages()) {
    const { width, height } = page.getSize();
    const t = fit(font, plain, 8, width - 24);
    page.drawText(t, { x: 12, y: height - 14, size: 8, font, color: RED });
    page.drawText(t, { x: 12, y: 6, size: 8, font, color: RED });
  }
  return doc.save();
}

const money = (cents: number) => euros(cents);

export async function trialBalancePdf(b: TrialBalanceBook): Promise<Uint8Array> {
  const columns: TableSection["columns"] = [
    { label: "Compte", width: 60 },
    { label: "Intitulé", width: 290 },
    { label: "Débit", width: 105, align: "right" },
    { label: "Crédit", width: 105, align: "right" },
    { label: "Solde débiteur", width: 105, align: "right" },
    { label: "Solde créditeur", width: 105, align: "right" },
  ];
  const rows = b.accounts.map((a) => ({
    cells: [a.account, a.label, money(a.debit), money(a.credit), a.balance > 0 ? money(a.balance) : "", a.balance < 0 ? money(-a.balance) : ""],
  }));
  const sd = b.accounts.reduce((s, a) => s + Math.max(a.balance, 0), 0);
  const sc = b.accounts.reduce((s, a) => s + Math.max(-a.balance, 0), 0);
  rows.push({ cells: ["", "Totaux", money(b.totals.debit), money(b.totals.credit), money(sd), money(sc)], bold: true } as (typeof rows)[number]);
  return renderTablePdf({ title: "Balance générale", association: b.association, standing: b.standing, sections: [{ columns, rows }] });
}

export async function generalLedgerPdf(g: { association: string; standing: YearStanding; accounts: LedgerAccount[] }): Promise<Uint8Array> {
  const columns: TableSection["columns"] = [
    { label: "Date", width: 58 },
    { label: "Journal", width: 42 },
    { label: "N° d'écriture", width: 72 },
    { label: "Pièce", width: 95 },
    { label: "Libellé", width: 233 },
    { label: "Débit", width: 90, align: "right" },
    { label: "Crédit", width: 90, align: "right" },
    { label: "Solde", width: 90, align: "right" },
  ];
  const sections: TableSection[] = g.accounts.map((a) => ({
    heading: `${a.account} — ${a.label}`,
    columns,
    rows: [
      ...a.lines.map((l) => ({
        cells: [
          frenchDate(l.date),
          l.journal,
          l.ref ?? "",
          l.pieceRef,
          l.label,
          l.debit ? money(l.debit) : "",
          l.credit ? money(l.credit) : "",
          money(l.balance),
        ],
      })),
      { cells: ["", "", "", "", `Total ${a.label}`, money(a.debit), money(a.credit), money(a.debit - a.credit)], bold: true },
    ],
  }));
  if (!sections.length) sections.push({ columns, rows: [], note: "Aucune écriture sur l'exercice." });
  return renderTablePdf({ title: "Grand livre", association: g.association, standing: g.standing, sections });
}
