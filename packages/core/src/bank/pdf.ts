/**
 * The état de rapprochement as a PDF (pdf-lib, DejaVu Sans for French text and the euro sign):
 * the two balances, the items outstanding on each side, the adjusted balances and the difference.
 * It only draws the state it is given.
 */
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import { loadFont } from "../fonts.js";
import type { OutstandingItem, ReconciliationState } from "./etat-rapprochement.js";
import { formatEuros } from "./text.js";

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const frenchDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

type Color = ReturnType<typeof rgb>;
const GREY = rgb(0.35, 0.35, 0.35);
const WARN = rgb(0.6, 0.3, 0);

/** A column of text running down A4 pages: the current page, the pen's height, and what it draws. */
class Sheet {
  page: PDFPage;
  y = A4[1] - MARGIN;
  readonly right = A4[0] - MARGIN;

  constructor(
    readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.page = doc.addPage(A4);
  }

  /** A new page when fewer than `h` points are left. */
  ensure(h: number): void {
    if (this.y - h < MARGIN) {
      this.page = this.doc.addPage(A4);
      this.y = A4[1] - MARGIN;
    }
  }

  text(t: string, x: number, opts: { font?: PDFFont; size?: number; color?: Color } = {}): void {
    this.page.drawText(t, { x, y: this.y, size: opts.size ?? 10, font: opts.font ?? this.regular, color: opts.color ?? rgb(0, 0, 0) });
  }

  /** An amount ending at `xRight` ("inconnu" when there is none). */
  amountAt(cents: number | null, xRight: number, font = this.regular, size = 10): void {
    const s = cents === null ? "inconnu" : formatEuros(cents);
    this.page.drawText(s, { x: xRight - font.widthOfTextAtSize(s, size), y: this.y, size, font });
  }

  /** A label on the left, its amount on the right. */
  row(label: string, cents: number | null, font = this.regular): void {
    this.ensure(16);
    this.text(label, MARGIN, { font });
    this.amountAt(cents, this.right, font);
    this.y -= 16;
  }

  rule(): void {
    this.page.drawLine({ start: { x: MARGIN, y: this.y + 11 }, end: { x: this.right, y: this.y + 11 }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
  }

  /** `text` shortened with "…" until it fits `width`. */
  fit(text: string, size: number, width: number): string {
    let t = text;
    while (t.length > 3 && this.regular.widthOfTextAtSize(t, size) > width) t = `${t.slice(0, -2)}…`;
    return t;
  }
}

/** The items one side shows and the other does not yet, with their total. */
function outstandingTable(s: Sheet, title: string, items: OutstandingItem[], total: number): void {
  s.ensure(40);
  s.y -= 6;
  s.text(title, MARGIN, { font: s.bold, size: 11 });
  s.y -= 16;
  if (!items.length) {
    s.text("Aucune", MARGIN + 10, { color: GREY });
    s.y -= 16;
    return;
  }
  for (const it of items) {
    s.ensure(14);
    s.text(frenchDate(it.date), MARGIN + 10, { size: 9 });
    const ref = it.ref ? `${it.ref} ` : "";
    s.text(s.fit(`${ref}${it.label}`, 9, s.right - MARGIN - 190), MARGIN + 80, { size: 9 });
    s.amountAt(it.amount, s.right, s.regular, 9);
    s.y -= 13;
  }
  s.rule();
  s.row(`Total (${items.length})`, total, s.bold);
}

const IBAN = /^[A-Z]{2}\d{2}[0-9A-Z]{11,30}$/;
const grouped = (i: string) => i.replace(/(.{4})(?=.)/g, "$1 ");
/** "IBAN FR76 …, FR76 …"; an account known only by its number (a card) is named "n° …". */
const accountNumbers = (keys: readonly string[]) =>
  keys.every((k) => IBAN.test(k)) ? `IBAN ${keys.map(grouped).join(", ")}` : keys.map((k) => (IBAN.test(k) ? `IBAN ${grouped(k)}` : `n° ${k}`)).join(", ");

/** The association, the title, the account, its IBANs and the date. */
function heading(s: Sheet, state: ReconciliationState, association: { name: string }): void {
  s.text(association.name, MARGIN, { font: s.bold, size: 12 });
  s.y -= 26;
  s.text("État de rapprochement bancaire", MARGIN, { font: s.bold, size: 16 });
  s.y -= 20;
  s.text(`Compte ${state.account} — ${state.accountLabel}`, MARGIN, { size: 10 });
  s.y -= 14;
  s.text(accountNumbers(state.ibans), MARGIN, { size: 9, color: rgb(0.3, 0.3, 0.3) });
  s.y -= 14;
  s.text(`Au ${frenchDate(state.date)}${state.since ? ` (relevés importés depuis le ${frenchDate(state.since)})` : ""}`, MARGIN, { size: 10 });
  s.y -= 28;
}

/** Each warning, word-wrapped to the page's width. */
function warnings(s: Sheet, list: readonly string[]): void {
  for (const w of list) {
    let lineText = "⚠";
    for (const word of w.split(" ")) {
      if (s.regular.widthOfTextAtSize(`${lineText} ${word}`, 9) > s.right - MARGIN) {
        s.ensure(14);
        s.text(lineText, MARGIN, { size: 9, color: WARN });
        s.y -= 13;
        lineText = "  ";
      }
      lineText = `${lineText} ${word}`;
    }
    s.ensure(14);
    s.text(lineText, MARGIN, { size: 9, color: WARN });
    s.y -= 13;
  }
}

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
  const s = new Sheet(doc, regular, bold);

  heading(s, state, association);
  s.row(
    state.afterLastStatement && state.lastStatementEnd
      ? `Solde du dernier relevé importé (au ${frenchDate(state.lastStatementEnd)})`
      : "Solde du relevé bancaire",
    state.bankBalance,
    bold,
  );
  s.row("Solde comptable (grand livre)", state.ledgerBalance, bold);
  s.y -= 6;
  outstandingTable(s, "Opérations en banque non comptabilisées", state.unmatchedBank.items, state.unmatchedBank.total);
  outstandingTable(s, "Écritures comptables non passées en banque", state.unmatchedBooks.items, state.unmatchedBooks.total);
  s.y -= 8;
  s.row("Solde bancaire rapproché (relevé − opérations non comptabilisées)", state.adjustedBank, bold);
  s.row("Solde comptable rapproché (grand livre − écritures non passées)", state.adjustedBooks, bold);
  s.y -= 4;
  s.rule();
  s.ensure(20);
  s.text("Écart", MARGIN, { font: bold, size: 12, color: state.difference === 0 ? rgb(0, 0.45, 0) : rgb(0.75, 0, 0) });
  s.amountAt(state.difference, s.right, bold, 12);
  s.y -= 24;
  warnings(s, state.warnings);
  return doc.save();
}
