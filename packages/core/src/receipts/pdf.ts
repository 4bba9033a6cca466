/**
 * The receipt as a PDF (pdf-lib), with every mention of CERFA 11580*05: the association (name,
 * address, purpose, category), the unique order number, the donor's name and address, the amount
 * in figures framed by asterisks, the date(s) of the gift, its form, nature and payment method,
 * the certification under articles 200, 238 bis and 978 of the CGI, and the printed signature.
 * DejaVu Sans renders French text and the euro sign. The same receipt always gives the same bytes:
 * dates in the document come from the receipt, never from the clock.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import type { GivingSettings } from "../payments/settings.js";
import type { Receipt } from "./receipts.js";

const fonts = new Map<string, Uint8Array>();

/** The font next to the bundle in Lambda (copied by the bundler), else from the npm package. */
export function loadFont(file: "DejaVuSans.ttf" | "DejaVuSans-Bold.ttf"): Uint8Array {
  const cached = fonts.get(file);
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const local = join(here, file);
  const path = existsSync(local) ? local : createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`);
  const bytes = new Uint8Array(readFileSync(path));
  fonts.set(file, bytes);
  return bytes;
}

/** 123456 → "1 234,56 €" (narrow no-break space as thousands separator). */
export function euros(cents: number): string {
  const whole = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  return `${whole},${String(cents % 100).padStart(2, "0")} €`;
}

const frenchDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

class Writer {
  y = 800;
  constructor(
    readonly page: PDFPage,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {}
  text(s: string, opts: { size?: number; bold?: boolean; x?: number; gap?: number } = {}) {
    const size = opts.size ?? 10;
    const font = opts.bold ? this.bold : this.regular;
    for (const line of this.wrap(s, font, size, 595 - 2 * 50 - ((opts.x ?? 50) - 50))) {
      this.page.drawText(line, { x: opts.x ?? 50, y: this.y, size, font, color: rgb(0.1, 0.1, 0.1) });
      this.y -= size * 1.35;
    }
    this.y -= opts.gap ?? 2;
  }
  heading(s: string) {
    this.y -= 6;
    this.page.drawRectangle({ x: 45, y: this.y - 4, width: 505, height: 16, color: rgb(0.92, 0.94, 0.9) });
    this.text(s, { bold: true, size: 11, gap: 6 });
  }
  private wrap(s: string, font: PDFFont, size: number, width: number): string[] {
    const out: string[] = [];
    let line = "";
    for (const word of s.split(" ")) {
      const next = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(next, size) > width && line) {
        out.push(line);
        line = word;
      } else line = next;
    }
    out.push(line);
    return out;
  }
}

export async function renderReceiptPdf(receipt: Receipt, settings: GivingSettings): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const issued = new Date(`${receipt.issuedOn}T12:00:00Z`);
  doc.setTitle(`Reçu fiscal n° ${receipt.id}`);
  doc.setAuthor(settings.association.name);
  doc.setSubject("Reçu au titre des dons à certains organismes d'intérêt général (CERFA 11580*05)");
  doc.setCreator("asso-back-office");
  doc.setProducer("asso-back-office (pdf-lib)");
  doc.setCreationDate(issued);
  doc.setModificationDate(receipt.cancelledOn ? new Date(`${receipt.cancelledOn}T12:00:00Z`) : issued);
  const regular = await doc.embedFont(loadFont("DejaVuSans.ttf"), { subset: true });
  const bold = await doc.embedFont(loadFont("DejaVuSans-Bold.ttf"), { subset: true });
  const page = doc.addPage([595.28, 841.89]);
  const w = new Writer(page, regular, bold);
  const a = settings.association;
  const d = receipt.donor;

  w.text("Cerfa n° 11580*05", { size: 8 });
  w.text("Reçu au titre des dons à certains organismes d'intérêt général", { bold: true, size: 14 });
  w.text("Articles 200, 238 bis et 978 du code général des impôts", { size: 9, gap: 8 });
  w.text(`Numéro d'ordre du reçu : ${receipt.id}`, { bold: true, size: 12, gap: 8 });

  w.heading("Bénéficiaire des versements");
  w.text(`Nom : ${a.name}`);
  w.text(`Adresse : ${a.address}`);
  w.text(`Objet : ${a.object}`);
  w.text(`Qualité : ${a.category}`, { gap: 6 });

  w.heading("Donateur");
  w.text(`Nom : ${d.lastName.toUpperCase()} ${d.firstName}`);
  const addr = d.address;
  if (addr) w.text(`Adresse : ${[addr.line1, addr.line2].filter(Boolean).join(", ")}, ${addr.postalCode} ${addr.city}${addr.country !== "FR" ? `, ${addr.country}` : ""}`, { gap: 6 });

  w.heading("Versement");
  w.text("Le bénéficiaire reconnaît avoir reçu au titre des dons et versements ouvrant droit à réduction d'impôt la somme de :");
  w.y -= 8;
  w.text(`***${euros(receipt.amount)}***`, { bold: true, size: 16, x: 60, gap: 6 });
  if (receipt.kind === "single") w.text(`Date du versement : ${frenchDate(receipt.gifts[0]!.date)}`);
  else {
    w.text(`Versements de l'année ${receipt.year} (reçu récapitulatif des dons mensuels) :`);
    for (const g of receipt.gifts) w.text(`${frenchDate(g.date)} : ${euros(g.amount)}`, { x: 70, size: 9, gap: 0 });
    w.y -= 4;
  }
  w.text("Forme du don : déclaration de don manuel");
  w.text("Nature du don : numéraire");
  w.text(`Mode de versement : ${receipt.method}`, { gap: 6 });

  w.heading("Certification");
  w.text(
    "Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit ouvrent droit à la réduction d'impôt prévue aux articles 200, 238 bis et 978 du code général des impôts.",
    { gap: 10 },
  );
  w.text(`Fait le ${frenchDate(receipt.issuedOn)}`);
  w.text(a.signatory, { bold: true });
  w.text(`${a.name} (signature imprimée)`, { size: 9 });
  if (receipt.replaces) w.text(`Ce reçu remplace le reçu n° ${receipt.replaces}.`, { size: 9 });

  if (receipt.status === "cancelled") {
    page.drawText("ANNULÉ", { x: 150, y: 380, size: 90, font: bold, color: rgb(0.8, 0.1, 0.1), opacity: 0.35 });
    w.text(`Reçu annulé le ${frenchDate(receipt.cancelledOn!)} : ${receipt.cancelReason ?? ""}${receipt.replacedBy ? ` (remplacé par le reçu n° ${receipt.replacedBy})` : ""}`, { bold: true });
  }
  return doc.save({ useObjectStreams: false });
}
