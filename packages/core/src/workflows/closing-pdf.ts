/**
 * The procès-verbal de clôture as a PDF (pdf-lib, DejaVu Sans for French text and the euro sign):
 * the association, the year and its dates, the closing's date and result, who signed the checklist
 * and when, then each point as it stood with the comment that accepted it. It only draws the record
 * it is given (`workflows/closing-report.ts` reads it).
 */
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import { loadFont } from "../fonts.js";
import { euros } from "../money.js";
import type { SignedClosingRecord } from "../ledger/index.js";

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
type Color = ReturnType<typeof rgb>;
const GREY = rgb(0.35, 0.35, 0.35);
const STATUS: Record<string, { label: string; color: Color }> = {
  ok: { label: "Conforme", color: rgb(0, 0.45, 0) },
  warning: { label: "Réserve acceptée", color: rgb(0.6, 0.3, 0) },
  blocking: { label: "Bloquant", color: rgb(0.75, 0, 0) },
};

export const frenchDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
/** An instant as Paris reads it: « 15/01/2025 à 10:42 ». */
export const frenchInstant = (iso: string) => {
  const parts = new Intl.DateTimeFormat("fr-FR", {
    timeZone: "Europe/Paris",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(new Date(iso));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? "";
  return `${p("day")}/${p("month")}/${p("year")} à ${p("hour")}:${p("minute")}`;
};

class Sheet {
  page: PDFPage;
  y = A4[1] - MARGIN;
  readonly width = A4[0] - 2 * MARGIN;
  constructor(
    readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.page = doc.addPage(A4);
  }
  ensure(h: number): void {
    if (this.y - h < MARGIN) {
      this.page = this.doc.addPage(A4);
      this.y = A4[1] - MARGIN;
    }
  }
  /** A paragraph word-wrapped to the page's width (from `x`), the pen moved below it. */
  para(text: string, opts: { x?: number; font?: PDFFont; size?: number; color?: Color; gap?: number } = {}): void {
    const font = opts.font ?? this.regular;
    const size = opts.size ?? 10;
    const x = opts.x ?? MARGIN;
    const width = this.width - (x - MARGIN);
    let line = "";
    const flush = () => {
      this.ensure(size + 4);
      this.page.drawText(line, { x, y: this.y, size, font, color: opts.color ?? rgb(0, 0, 0) });
      this.y -= size + 4;
      line = "";
    };
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (line && font.widthOfTextAtSize(next, size) > width) {
        flush();
        line = word;
      } else line = next;
    }
    if (line) flush();
    this.y -= opts.gap ?? 0;
  }
}

export interface ClosingReportInput {
  record: SignedClosingRecord;
  association: { name: string; siren: string };
  bounds: { start: string; end: string };
  /** The FEC of the year, beside which the procès-verbal is kept. */
  fecFileName: string;
}

export async function renderClosingReport({ record, association, bounds, fecFileName }: ClosingReportInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(`Procès-verbal de clôture de l'exercice ${record.year}`);
  doc.setCreator(association.name);
  doc.setProducer("asso back-office");
  const at = new Date(record.closedAt ?? record.signedAt);
  doc.setCreationDate(at);
  doc.setModificationDate(at);
  const regular = await doc.embedFont(loadFont("DejaVuSans.ttf"), { subset: true });
  const bold = await doc.embedFont(loadFont("DejaVuSans-Bold.ttf"), { subset: true });
  const s = new Sheet(doc, regular, bold);

  s.para(association.name, { font: bold, size: 12, gap: 4 });
  if (association.siren && association.siren !== "000000000") s.para(`SIREN ${association.siren}`, { size: 9, color: GREY, gap: 10 });
  else s.y -= 10;
  s.para(`Procès-verbal de clôture de l'exercice ${record.year}`, { font: bold, size: 16, gap: 6 });
  s.para(`Exercice du ${frenchDate(bounds.start)} au ${frenchDate(bounds.end)}.`, { gap: 2 });
  if (record.closedAt)
    s.para(`Exercice clôturé le ${frenchInstant(record.closedAt)} : les écritures de l'exercice sont définitivement verrouillées.`, { gap: 2 });
  if (record.result !== undefined)
    s.para(
      record.result >= 0
        ? `Résultat de l'exercice : excédent de ${euros(record.result)} (compte 120).`
        : `Résultat de l'exercice : déficit de ${euros(-record.result)} (compte 129).`,
      { font: bold, gap: 2 },
    );
  const who = record.signedBy.name ?? `l'utilisateur ${record.signedBy.sub}`;
  s.para(`Liste de contrôle de clôture établie et signée le ${frenchInstant(record.signedAt)} par ${who} (rôle ${record.signedBy.role}).`, { gap: 2 });
  s.para(`Fichier des écritures comptables de l'exercice : ${fecFileName}.`, { size: 9, color: GREY, gap: 14 });

  const counts = { ok: 0, warning: 0, blocking: 0 };
  for (const i of record.items) counts[i.status]++;
  s.para(
    `Points de contrôle : ${record.items.length} — ${counts.ok} conforme${counts.ok > 1 ? "s" : ""}, ${counts.warning} réserve${counts.warning > 1 ? "s" : ""} acceptée${counts.warning > 1 ? "s" : ""} avec commentaire.`,
    {
      font: bold,
      size: 11,
      gap: 8,
    },
  );
  for (const item of record.items) {
    s.ensure(48);
    const st = STATUS[item.status] ?? STATUS.ok!;
    s.para(`${st.label} — ${item.title}`, { font: bold, color: st.color, gap: 1 });
    s.para(item.detail, { x: MARGIN + 12, size: 9, gap: item.comment ? 1 : 8 });
    if (item.comment) s.para(`Commentaire : ${item.comment}`, { x: MARGIN + 12, size: 9, font: bold, gap: 8 });
  }
  s.y -= 16;
  s.ensure(60);
  s.para(`Fait le ${frenchDate((record.closedAt ?? record.signedAt).slice(0, 10))}.`, { gap: 6 });
  s.para(`Signé : ${record.signedBy.name ?? record.signedBy.sub}`, { font: bold });
  return doc.save();
}
