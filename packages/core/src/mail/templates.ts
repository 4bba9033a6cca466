/**
 * What each kind of message says, in French: its subject (decided when it is queued, so the console
 * lists it) and its HTML and text parts (written at send time, with the association's identity of
 * that moment in the footer). Amounts through money.ts, dates as "2 décembre 2026".
 */
import { euros } from "../money.js";
import type { MessageKind } from "./schemas.js";

/** Who is writing: the association as its settings say at send time. */
export interface Sender {
  /** The association's name (greeting's signature, footer). */
  name: string;
  address: string;
  siren?: string;
  rna?: string;
  /** From: name and address; Reply-To. */
  fromName: string;
  fromAddress: string;
  replyTo?: string;
}

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

/** "2026-12-02" → "2 décembre 2026" ("1er" on the first day); an ISO instant reads its Paris day. */
export function longDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return value;
  const day = Number(m[3]);
  return `${day === 1 ? "1er" : day} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const amount = (v: unknown) => euros(Math.round(num(v)));

/** "2026-12-02T10:15:00.000Z" → "2 décembre 2026 à 11 h 15" (Paris time). */
function instant(value: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const parts = new Intl.DateTimeFormat("fr-FR", {
    timeZone: "Europe/Paris",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .formatToParts(d)
    .reduce<Record<string, string>>((o, p) => {
      o[p.type] = p.value;
      return o;
    }, {});
  return `${longDate(`${parts.year}-${parts.month}-${parts.day}`)} à ${parts.hour} h ${parts.minute}`;
}

/** The subject line of a message. */
export function subjectOf(kind: MessageKind, data: Record<string, unknown>): string {
  switch (kind) {
    case "gift_confirmation":
      return data.monthly ? `Merci pour votre don mensuel de ${amount(data.amount)}` : `Merci pour votre don de ${amount(data.amount)}`;
    case "membership_welcome":
      return "Bienvenue : votre adhésion est enregistrée";
    case "membership_renewed":
      return "Votre adhésion est renouvelée";
    case "receipt_issued":
      return `Votre reçu fiscal n° ${str(data.receiptNumber)}`;
    case "receipt_cancelled":
      return data.replacementNumber
        ? `Votre reçu fiscal n° ${str(data.receiptNumber)} est remplacé par le n° ${str(data.replacementNumber)}`
        : `Votre reçu fiscal n° ${str(data.receiptNumber)} est annulé`;
    case "annual_recap":
      return `Vos dons de ${str(data.year)} : votre reçu fiscal récapitulatif`;
    case "payment_failed":
      return "Votre don mensuel n'a pas pu être prélevé";
    case "renewal_reminder":
      return num(data.daysLeft) > 0 ? `Votre adhésion se termine le ${longDate(str(data.validUntil))}` : "Votre adhésion se termine aujourd'hui";
    case "donor_access":
      return "Votre lien pour retrouver vos dons et vos reçus";
  }
}

/** A paragraph (text), or a link (label and href): the body's blocks. */
type Block = string | { link: string; label: string };

function blocksOf(kind: MessageKind, data: Record<string, unknown>): Block[] {
  switch (kind) {
    case "gift_confirmation":
      return [
        data.monthly
          ? `Nous avons bien reçu votre don mensuel de ${amount(data.amount)}, prélevé le ${longDate(str(data.date))}. Merci de votre fidélité.`
          : `Nous avons bien reçu votre don de ${amount(data.amount)}, le ${longDate(str(data.date))}. Merci de votre générosité.`,
        `Référence du paiement : ${str(data.reference)}`,
      ];
    case "membership_welcome":
    case "membership_renewed":
      return [
        kind === "membership_welcome"
          ? `Bienvenue parmi nos adhérents ! Nous avons bien reçu votre cotisation « ${str(data.tierLabel)} » de ${amount(data.amount)}, le ${longDate(str(data.date))}.`
          : `Merci d'avoir renouvelé votre adhésion : nous avons bien reçu votre cotisation « ${str(data.tierLabel)} » de ${amount(data.amount)}, le ${longDate(str(data.date))}.`,
        `Votre adhésion est valable du ${longDate(str(data.validFrom))} au ${longDate(str(data.validUntil))}.`,
        `Référence du paiement : ${str(data.reference)}`,
      ];
    case "receipt_issued":
      return [
        `Vous trouverez ci-joint votre reçu fiscal n° ${str(data.receiptNumber)} de ${amount(data.amount)} pour l'année ${str(data.year)}.`,
        "Conservez-le : il justifie la réduction d'impôt de votre déclaration de revenus.",
      ];
    case "receipt_cancelled":
      return data.replacementNumber
        ? [
            `À la suite d'un remboursement, votre reçu fiscal n° ${str(data.receiptNumber)} est annulé et remplacé par le reçu n° ${str(data.replacementNumber)}, ci-joint.`,
            "Utilisez le nouveau reçu pour votre déclaration de revenus.",
          ]
        : [
            `À la suite d'un remboursement, votre reçu fiscal n° ${str(data.receiptNumber)} est annulé.`,
            "Il ne doit pas être utilisé pour votre déclaration de revenus.",
          ];
    case "annual_recap":
      return [
        `Merci pour vos ${num(data.count)} dons mensuels de ${str(data.year)}, ${amount(data.total)} en tout.`,
        `Vous trouverez ci-joint votre reçu fiscal récapitulatif n° ${str(data.receiptNumber)}.`,
      ];
    case "payment_failed":
      return [
        `Le prélèvement de votre don mensuel de ${amount(data.amount)}, le ${longDate(str(data.date))}, n'a pas pu être effectué.`,
        "Vous pouvez mettre à jour votre carte ici :",
        { link: str(data.fixLink), label: "Mettre à jour ma carte" },
      ];
    case "renewal_reminder":
      return [
        num(data.daysLeft) > 0
          ? `Votre adhésion « ${str(data.tierLabel)} » se termine le ${longDate(str(data.validUntil))}, dans ${num(data.daysLeft)} jours.`
          : `Votre adhésion « ${str(data.tierLabel)} » se termine aujourd'hui, le ${longDate(str(data.validUntil))}.`,
        "Vous pouvez la renouveler en ligne :",
        { link: str(data.renewLink), label: "Renouveler mon adhésion" },
      ];
    case "donor_access":
      return [
        "Voici votre lien pour retrouver vos dons, vos reçus et votre adhésion :",
        { link: str(data.link), label: "Ouvrir mon espace" },
        `Ce lien est valable jusqu'au ${instant(str(data.expiresAt))}. Si vous n'avez rien demandé, ignorez ce message.`,
      ];
  }
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const safeHref = (href: string) => (/^https?:\/\//i.test(href) ? href : "");

/** The footer's lines: the association's name, address and legal identity. */
export function footerLines(s: Sender): string[] {
  const legal = [s.siren ? `SIREN ${s.siren}` : "", s.rna ? `RNA ${s.rna}` : ""].filter(Boolean).join(" · ");
  return [s.name, s.address, legal].filter(Boolean);
}

/** The text and HTML parts of a message. */
export function render(
  kind: MessageKind,
  data: Record<string, unknown>,
  name: string | undefined,
  sender: Sender,
): { subject: string; text: string; html: string } {
  const subject = subjectOf(kind, data);
  const greeting = name?.trim() ? `Bonjour ${name.trim()},` : "Bonjour,";
  const blocks = blocksOf(kind, data);
  const sign = ["Bien cordialement,", s(sender.name) || "L'association"];
  const footer = footerLines(sender);
  const text = [greeting, "", ...blocks.flatMap((b) => [typeof b === "string" ? b : `${b.label} : ${b.link}`, ""]), ...sign, "", "--", ...footer, ""].join(
    "\n",
  );
  const p = (b: Block) =>
    typeof b === "string"
      ? `<p>${esc(b)}</p>`
      : `<p><a href="${esc(safeHref(b.link))}" style="display:inline-block;padding:10px 16px;background:#1f4e79;color:#ffffff;text-decoration:none;border-radius:4px">${esc(b.label)}</a></p>`;
  const html = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>${esc(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a;max-width:600px;margin:0 auto;padding:16px">
<p>${esc(greeting)}</p>
${blocks.map(p).join("\n")}
<p>${sign.map(esc).join("<br>")}</p>
<hr style="border:none;border-top:1px solid #cccccc">
<p style="font-size:12px;color:#555555">${footer.map(esc).join("<br>")}</p>
</body></html>
`;
  return { subject, text, html };
}

const s = (v: string | undefined) => (v ?? "").trim();
