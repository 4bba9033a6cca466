/**
 * The legal thresholds an association watches, read from a year's balances (pure):
 *  - 153 000 € of public grants (74) or of gifts giving a tax reduction (754): a commissaire aux
 *    comptes, and the accounts published on the Journal officiel's site within three months of
 *    their approval (C. com. L612-4, loi 87-571 art. 4-1, décret 2009-540);
 *  - 23 000 € of public aid (74): a convention with the authority that grants it, the accounts sent
 *    to it (loi 2000-321 art. 10);
 *  - 80 011 € of commercial income (70): the lucrative activities' franchise ends, VAT and the
 *    e-invoicing obligations apply (CGI art. 206-1 bis, 261-7-1° b).
 * Each threshold says its amount, the figure, the share reached and what follows.
 */
import type { Balance } from "./financial-statements.js";
import { eurosRoundedText } from "../money.js";
import { GIFTS_THRESHOLD, giftsOfYear } from "./annexe.js";

export const PUBLICATION_THRESHOLD = GIFTS_THRESHOLD;
export const PUBLIC_AID_THRESHOLD = 2_300_000;
export const COMMERCIAL_THRESHOLD = 8_001_100;

export type ThresholdId = "public-grants" | "gifts" | "public-aid" | "commercial-income";

export interface Threshold {
  id: ThresholdId;
  label: string;
  /** What is counted, in the association's words (account labels). */
  counted: string;
  amount: number;
  threshold: number;
  /** amount ÷ threshold, 4 decimals. */
  reached: number;
  exceeded: boolean;
  /** What follows once it is exceeded. */
  consequence: string;
  /** One sentence for the dashboard and the figures screen. */
  message: string;
}

export interface Thresholds {
  year: number;
  items: Threshold[];
  /** A commissaire aux comptes is required and the accounts are published (Journal officiel). */
  publication: { required: boolean; deadline: string; text: string };
}

const credit = (balances: readonly Balance[], prefix: string) => balances.reduce((s, b) => (b.account.startsWith(prefix) ? s - b.balance : s), 0);
const ratio = (a: number, t: number) => Math.round((a / t) * 10_000) / 10_000;

function item(id: ThresholdId, label: string, counted: string, amount: number, threshold: number, consequence: string): Threshold {
  const exceeded = amount > threshold;
  const message = exceeded
    ? `${label} : ${eurosRoundedText(amount)}, au-delà de ${eurosRoundedText(threshold)} — ${consequence}`
    : `${label} : ${eurosRoundedText(amount)} sur ${eurosRoundedText(threshold)} (${Math.round(ratio(amount, threshold) * 100)} % du seuil).`;
  return { id, label, counted, amount, threshold, reached: ratio(amount, threshold), exceeded, consequence, message };
}

/** The thresholds of `year` from its balances (before closing entries). */
export function thresholdsOf(year: number, balances: readonly Balance[]): Thresholds {
  const publicGrants = credit(balances, "74");
  const gifts = giftsOfYear(balances);
  const commercial = credit(balances, "70");
  const items = [
    item(
      "public-grants",
      "Subventions publiques",
      "Concours publics et subventions d'exploitation (comptes 74)",
      publicGrants,
      PUBLICATION_THRESHOLD,
      "un commissaire aux comptes est requis et les comptes sont publiés sur le site du Journal officiel dans les trois mois de leur approbation.",
    ),
    item(
      "gifts",
      "Dons ouvrant droit à réduction d'impôt",
      "Dons manuels, mécénat, legs et donations (comptes 754)",
      gifts,
      GIFTS_THRESHOLD,
      "un commissaire aux comptes est requis, les comptes sont publiés sur le site du Journal officiel dans les trois mois de leur approbation et l'annexe donne l'état des ressources provenant de l'étranger.",
    ),
    item(
      "public-aid",
      "Aides publiques",
      "Concours publics et subventions d'exploitation (comptes 74)",
      publicGrants,
      PUBLIC_AID_THRESHOLD,
      "une convention avec chaque autorité qui l'accorde est requise, et les comptes lui sont transmis.",
    ),
    item(
      "commercial-income",
      "Recettes commerciales",
      "Ventes de biens et services (comptes 70)",
      commercial,
      COMMERCIAL_THRESHOLD,
      "la franchise des activités lucratives ne s'applique plus : TVA, impôt commercial et facturation électronique.",
    ),
  ];
  const required = items.some((i) => (i.id === "public-grants" || i.id === "gifts") && i.exceeded);
  return {
    year,
    items,
    publication: {
      required,
      deadline: "trois mois après l'approbation des comptes",
      text: required
        ? `Les comptes ${year} et leur annexe sont à publier sur le site du Journal officiel (associations) dans les trois mois de leur approbation, avec le rapport du commissaire aux comptes.`
        : `Ni les subventions publiques ni les dons de ${year} ne dépassent ${eurosRoundedText(PUBLICATION_THRESHOLD)} : ni commissaire aux comptes ni publication au Journal officiel ne sont requis.`,
    },
  };
}
