/**
 * The état de rapprochement as a PDF (pdf-lib, DejaVu Sans for French text and the euro sign):
 * the two balances, the items outstanding on each side, the adjusted balances and the difference.
 * It only draws the state it is given.
 */
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import { loadFont } from "../receipts/pdf.js";
import type { OutstandingItem, ReconciliationState } from "./etat-rapprochement.js";
import { formatEuros } from "./text.js";

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const frenchDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

export async function renderReconciliationPdf(state: ReconciliationState, association: { name: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(`État de rapprochement ${state.account} au ${frenchDate(state.date)}`);
  doc.setCreator(association.name);
  doc.setProducer("asso back-office");
  doc.setCreationDate(new Date(`${state.date}T12:00:00Z`));
  doc.setModificationDate(new Date(`${state.date}T12:00:00Z`));
  const regular = await doc.embedFont(loadFont("DejaVuSans.ttf"), { subset: true });
  const bold = await doc.embedFont(loadFont("DejaVuSans-Bold.ttf"), { subset: true });
  let page: PDFPage = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const right = A4[0] - MARGIN;

  const fit = (text: string, font: PDFFont, size: number, width: number) => {
    let t = text;
    while (t.length > 3 && font.widthOfTextAtSize(t, size) > width) t = `${t.slice(0, -2)}…`;
    return t;
  };
  const ensure = (h: number) => {
    if (y - h < MARGIN) {
      page = doc.addPage(A4);
      y = A4[1] - MARGIN;
    }
  };
  const text = (t: string, x: number, opts: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb> } = {}) =>
    page.drawText(t, { x, y, size: opts.size ?? 10, font: opts.font ?? regular, color: opts.color ?? rgb(0, 0, 0) });
  const amountAt = (cents: number | null, xRight: number, font = regular, size = 10) => {
    const s = cents === null ? "inconnu" : formatEuros(cents);
    page.drawText(s, { x: xRight - font.widthOfTextAtSize(s, size), y, size, font });
  };
  const row = (label: string, cents: number | null, font = regular) => {
    ensure(16);
    text(label, MARGIN, { font });
    amountAt(cents, right, font);
    y -= 16;
  };
  const rule = () => {
    page.drawLine({ start: { x: MARGIN, y: y + 11 }, end: { x: right, y: y + 11 }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
  };
  const table = (title: string, items: OutstandingItem[], total: number) => {
    ensure(40);
    y -= 6;
    text(title, MARGIN, { font: bold, size: 11 });
    y -= 16;
    if (!items.length) {
      text("Aucune", MARGIN + 10, { color: rgb(0.35, 0.35, 0.35) });
      y -= 16;
      return;
    }
    for (const it of items) {
      ensure(14);
      text(frenchDate(it.date), MARGIN + 10, { size: 9 });
      const ref = it.ref ? `${it.ref} ` : "";
      text(fit(`${ref}${it.label}`, regular, 9, right - MARGIN - 190), MARGIN + 80, { size: 9 });
      amountAt(it.amount, right, regular, 9);
      y -= 13;
    }
    rule();
    row(`Total (${items.length})`, total, bold);
  };

  text(association.name, MARGIN, { font: bold, size: 12 });
  y -= 26;
  text("État de rapprochement bancaire", MARGIN, { font: bold, size: 16 });
  y -= 20;
  text(`Compte ${state.account} — ${state.accountLabel}`, MARGIN, { size: 10 });
  y -= 14;
  text(`IBAN ${state.ibans.map((i) => i.replace(/(.{4})(?=.)/g, "$1 ")).join(", ")}`, MARGIN, { size: 9, color: rgb(0.3, 0.3, 0.3) });
  y -= 14;
  text(`Au ${frenchDate(state.date)}${state.since ? ` (relevés importés depuis le ${frenchDate(state.since)})` : ""}`, MARGIN, { size: 10 });
  y -= 28;

  row("Solde du relevé bancaire", state.bankBalance, bold);
  row("Solde comptable (grand livre)", state.ledgerBalance, bold);
  y -= 6;
  table("Opérations en banque non comptabilisées", state.unmatchedBank.items, state.unmatchedBank.total);
  table("Écritures comptables non passées en banque", state.unmatchedBooks.items, state.unmatchedBooks.total);
  y -= 8;
  row("Solde bancaire rapproché (relevé − opérations non comptabilisées)", state.adjustedBank, bold);
  row("Solde comptable rapproché (grand livre − écritures non passées)", state.adjustedBooks, bold);
  y -= 4;
  rule();
  ensure(20);
  text("Écart", MARGIN, { font: bold, size: 12, color: state.difference === 0 ? rgb(0, 0.45, 0) : rgb(0.75, 0, 0) });
  amountAt(state.difference, right, bold, 12);
  y -= 24;
  for (const w of state.warnings) {
    // Word-wrapped to the page's width.
    let lineText = "⚠";
    for (const word of w.split(" ")) {
      if (regular.widthOfTextAtSize(`${lineText} ${word}`, 9) > right - MARGIN) {
        ensure(14);
        text(lineText, MARGIN, { size: 9, color: rgb(0.6, 0.3, 0) });
        y -= 13;
        lineText = "  ";
      }
      lineText = `${lineText} ${word}`;
    }
    ensure(14);
    text(lineText, MARGIN, { size: 9, color: rgb(0.6, 0.3, 0) });
    y -= 13;
  }
  return doc.save();
}
