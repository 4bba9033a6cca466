/**
 * The receipt as a PDF (pdf-lib), with every mention of CERFA 11580*05: the beneficiary (name,
 * address, SIREN/RNA, object, quality), the unique order number, the donor's name and address, the
 * amount in figures framed by asterisks and in words, the date(s) of the gift, its form, nature and
 * payment method, the articles of the CGI as tick boxes (only those that apply ticked), and the
 * signatory's name and quality.
 *
 * Everything printed comes from the receipt itself (its frozen `issuer`, its donor as cleaned when
 * it was issued), never from the clock or today's settings: the same receipt always gives the same
 * bytes. Text people typed is wrapped inside its field (continuation lines indented under the
 * value, long words cut), and pages are added rather than running off the bottom.
 */
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import { amountInWords, euros, frenchDate } from "./money.js";
import type { Receipt } from "./model.js";
import { ARTICLES, loadReceiptSettings, type Issuer } from "./settings.js";
import { loadFont } from "../fonts.js";

const PAGE = { width: 595.28, height: 841.89, left: 50, right: 50, top: 800, bottom: 60 };
const INK = rgb(0.1, 0.1, 0.1);

class Writer {
  y = PAGE.top;
  page: PDFPage;
  constructor(
    readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    /** Printed at the top of every page after the first ("Reçu n° … (suite)"). */
    readonly continued: string,
  ) {
    this.page = doc.addPage([PAGE.width, PAGE.height]);
  }

  private room(height: number) {
    if (this.y - height >= PAGE.bottom) return;
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.page.drawText(this.continued, { x: PAGE.left, y: PAGE.top, size: 8, font: this.regular, color: INK });
    this.y = PAGE.top - 24;
  }

  /** Lines of at most `width` points: broken at spaces, and inside a word longer than the line. */
  wrap(s: string, font: PDFFont, size: number, width: number): string[] {
    const out: string[] = [];
    let line = "";
    const fits = (t: string) => font.widthOfTextAtSize(t, size) <= width;
    for (const word of s.split(" ")) {
      const next = line ? `${line} ${word}` : word;
      if (fits(next)) {
        line = next;
        continue;
      }
      if (line) out.push(line);
      line = "";
      let rest = word;
      while (!fits(rest)) {
        let cut = 1;
        const chars = Array.from(rest);
        while (cut < chars.length && fits(chars.slice(0, cut + 1).join(""))) cut++;
        out.push(chars.slice(0, cut).join(""));
        rest = chars.slice(cut).join("");
      }
      line = rest;
    }
    if (line || !out.length) out.push(line);
    return out;
  }

  text(s: string, opts: { size?: number; bold?: boolean; x?: number; gap?: number } = {}) {
    const size = opts.size ?? 10;
    const font = opts.bold ? this.bold : this.regular;
    const x = opts.x ?? PAGE.left;
    for (const line of this.wrap(s, font, size, PAGE.width - PAGE.right - x)) {
      this.room(size * 1.35);
      this.page.drawText(line, { x, y: this.y, size, font, color: INK });
      this.y -= size * 1.35;
    }
    this.y -= opts.gap ?? 2;
  }

  /** "Label : value", the value wrapped in its own column (a continuation line never starts at the margin). */
  field(label: string, value: string, opts: { size?: number; gap?: number } = {}) {
    const size = opts.size ?? 10;
    const head = `${label} : `;
    const x = PAGE.left + this.bold.widthOfTextAtSize(head, size);
    const lines = this.wrap(value, this.regular, size, PAGE.width - PAGE.right - x);
    lines.forEach((line, n) => {
      this.room(size * 1.35);
      if (n === 0) this.page.drawText(head, { x: PAGE.left, y: this.y, size, font: this.bold, color: INK });
      this.page.drawText(line, { x, y: this.y, size, font: this.regular, color: INK });
      this.y -= size * 1.35;
    });
    this.y -= opts.gap ?? 2;
  }

  heading(s: string) {
    this.y -= 6;
    this.room(40);
    this.page.drawRectangle({ x: PAGE.left - 5, y: this.y - 4, width: PAGE.width - PAGE.left - PAGE.right + 10, height: 16, color: rgb(0.92, 0.94, 0.9) });
    this.text(s, { bold: true, size: 11, gap: 6 });
  }

  /** The amount in figures, framed by asterisks and a box: nothing typed can be drawn inside it. */
  amount(figures: string) {
    const size = 16;
    this.room(40);
    const w = this.bold.widthOfTextAtSize(figures, size);
    this.page.drawRectangle({ x: PAGE.left + 5, y: this.y - 7, width: w + 20, height: size + 12, borderColor: INK, borderWidth: 1 });
    this.page.drawText(figures, { x: PAGE.left + 15, y: this.y, size, font: this.bold, color: INK });
    this.y -= size + 16;
  }
}

const listFr = (xs: string[]) => (xs.length <= 1 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} et ${xs.at(-1)}`);

const addressLine = (a: NonNullable<Receipt["donor"]["address"]>) =>
  `${[a.line1, a.line2].filter(Boolean).join(", ")}, ${a.postalCode} ${a.city}${a.country !== "FR" ? `, ${a.country}` : ""}`;

/**
 * The receipt's PDF. The issuer printed is the one frozen on the receipt; only a receipt issued
 * before receipts were frozen has none, and is printed with today's settings.
 */
export async function renderReceiptPdf(receipt: Receipt): Promise<Uint8Array> {
  const issuer: Issuer = receipt.issuer ?? loadReceiptSettings().issuer;
  const a = issuer.association;
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const issued = new Date(`${receipt.issuedOn}T12:00:00Z`);
  doc.setTitle(`Reçu fiscal n° ${receipt.id}`);
  doc.setAuthor(a.name);
  doc.setSubject("Reçu au titre des dons à certains organismes d'intérêt général (CERFA 11580*05)");
  doc.setCreator("asso-back-office");
  doc.setProducer("asso-back-office (pdf-lib)");
  doc.setCreationDate(issued);
  doc.setModificationDate(receipt.cancelledOn ? new Date(`${receipt.cancelledOn}T12:00:00Z`) : issued);
  const regular = await doc.embedFont(loadFont("DejaVuSans.ttf"), { subset: true });
  const bold = await doc.embedFont(loadFont("DejaVuSans-Bold.ttf"), { subset: true });
  const w = new Writer(doc, regular, bold, `Cerfa n° 11580*05 — reçu n° ${receipt.id} (suite)`);
  const first = w.page;
  const d = receipt.donor;

  w.text("Cerfa n° 11580*05", { size: 8, gap: 6 });
  w.text("Reçu au titre des dons à certains organismes d'intérêt général", { bold: true, size: 14 });
  w.text("Articles 200, 238 bis et 978 du code général des impôts", { size: 9, gap: 8 });
  w.text(`Numéro d'ordre du reçu : ${receipt.id}`, { bold: true, size: 12, gap: 8 });

  w.heading("Bénéficiaire des versements");
  w.field("Nom", a.name);
  w.field("Adresse", a.address);
  if (a.siren) w.field("SIREN", a.siren);
  if (a.rna) w.field("RNA", a.rna);
  w.field("Objet", a.object);
  w.field("Qualité", a.category, { gap: 6 });

  w.heading("Donateur");
  w.field("Nom", `${d.lastName.toUpperCase()} ${d.firstName}`.trim());
  if (d.address) w.field("Adresse", addressLine(d.address), { gap: 6 });

  w.heading("Versement");
  w.text("Le bénéficiaire reconnaît avoir reçu au titre des dons et versements ouvrant droit à réduction d'impôt la somme de :");
  w.y -= 8;
  w.amount(`***${euros(receipt.amount)}***`);
  w.field("Somme en toutes lettres", amountInWords(receipt.amount), { gap: 6 });
  if (receipt.kind === "single") w.field("Date du versement", frenchDate(receipt.gifts[0]!.date));
  else {
    w.text(`Versements de l'année ${receipt.year} (reçu récapitulatif des dons mensuels) :`);
    for (const g of receipt.gifts) w.text(`${frenchDate(g.date)} : ${euros(g.amount)}`, { x: 70, size: 9, gap: 0 });
    w.y -= 4;
  }
  w.field("Forme du don", "déclaration de don manuel");
  w.field("Nature du don", "numéraire");
  w.field("Mode de versement", receipt.method, { gap: 6 });

  w.heading("Certification");
  const ticked = issuer.articles;
  w.text(
    `Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit ouvrent droit à la réduction d'impôt prévue ${ticked.length > 1 ? "aux articles" : "à l'article"} ${listFr(ticked)} du code général des impôts :`,
    { gap: 4 },
  );
  for (const art of ARTICLES) w.text(`${issuer.articles.includes(art) ? "☒" : "☐"} Article ${art} du CGI`, { x: 60, gap: 1 });
  w.y -= 10;
  w.field("Fait le", frenchDate(receipt.issuedOn));
  w.field("Signataire", `${issuer.signatory.name}, ${issuer.signatory.quality}`);
  w.text(`${a.name} (signature imprimée)`, { size: 9 });
  if (receipt.replaces) w.text(`Ce reçu remplace le reçu n° ${receipt.replaces}.`, { size: 9 });

  if (receipt.status === "cancelled") {
    first.drawText("ANNULÉ", { x: 150, y: 380, size: 90, font: bold, color: rgb(0.8, 0.1, 0.1), opacity: 0.35 });
    w.text(
      `Reçu annulé le ${frenchDate(receipt.cancelledOn!)} : ${receipt.cancelReason ?? ""}${receipt.replacedBy ? ` (remplacé par le reçu n° ${receipt.replacedBy})` : ""}`,
      { bold: true },
    );
  }
  return doc.save({ useObjectStreams: false });
}
