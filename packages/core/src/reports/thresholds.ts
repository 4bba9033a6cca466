/**
 * The legal thresholds an association watches, as the law reads them (pure):
 *  - 153 000 € of public grants (subventions publiques: the public funders' grants of the year, the
 *    74 accounts no funder explains counted too, 74 being public money in the chart), or of gifts
 *    giving a tax reduction (the receipts issued for the year's gifts, not every 754): a commissaire
 *    aux comptes, and the accounts published on the Journal officiel's site within three months of
 *    their approval (C. com. L612-4, loi 87-571 art. 4-1, décret 2009-540);
 *  - 23 000 € of public aid, per public authority (loi 2000-321 art. 10, décret 2001-495): each
 *    authority granting more than 23 000 € in the year signs a convention with the association and
 *    receives its accounts; each public funder over it is listed;
 *  - the franchise of commercial income (70), 78 596 € in 2024, 80 011 € in 2025: above it VAT and the
 *    e-invoicing obligations apply (CGI art. 206-1 bis, 261-7-1° b).
 * Each threshold says its amount, the figure, where the figure comes from, the share reached and
 * what follows.
 */
import type { Balance } from "./financial-statements.js";
import { eurosRoundedText } from "../money.js";
import { GIFTS_THRESHOLD } from "./annexe.js";

export const PUBLICATION_THRESHOLD = GIFTS_THRESHOLD;
export const PUBLIC_AID_THRESHOLD = 2_300_000;
/**
 * The franchise of the lucrative accessory activities, year by year (CGI art. 206-1 bis, indexed
 * each year on the forecast consumer prices): 72 000 € in 2020 … 78 596 € in 2024, 80 011 € in
 * 2025. A later year takes the last amount known here until it is added.
 */
export const COMMERCIAL_THRESHOLDS: Readonly<Record<number, number>> = {
  2019: 6_305_900,
  2020: 7_200_000,
  2021: 7_243_200,
  2022: 7_351_800,
  2023: 7_667_900,
  2024: 7_859_600,
  2025: 8_001_100,
};
const KNOWN = Object.keys(COMMERCIAL_THRESHOLDS).map(Number);
/** The year's franchise (the first known for an earlier year, the last known for a later one). */
export const commercialThreshold = (year: number): number => COMMERCIAL_THRESHOLDS[Math.min(Math.max(year, Math.min(...KNOWN)), Math.max(...KNOWN))]!;
/** The franchise of the last year known (the dashboard's default). */
export const COMMERCIAL_THRESHOLD = commercialThreshold(Math.max(...KNOWN));

export type ThresholdId = "public-grants" | "gifts" | "public-aid" | "commercial-income";

/** One public authority's aid of the year (the 23 000 € threshold is read per authority). */
export interface PublicAuthority {
  funderId: string;
  name: string;
  amount: number;
  exceeded: boolean;
}

export interface Threshold {
  id: ThresholdId;
  label: string;
  /** What is counted, in the association's words (account labels). */
  counted: string;
  /** Where the figure comes from (the grants register, the receipts issued, the balances). */
  source: string;
  amount: number;
  threshold: number;
  /** amount ÷ threshold, 4 decimals. */
  reached: number;
  exceeded: boolean;
  /** What follows once it is exceeded. */
  consequence: string;
  /** One sentence for the dashboard and the figures screen. */
  message: string;
  /** public-aid: each public funder of the year, largest first (`exceeded` over 23 000 €). */
  authorities?: PublicAuthority[];
  /** public-aid and public-grants: the 74 accounts' credit no funder explains (booked without a grant or a funder's sub-account). */
  unattributed?: number;
}

export interface Thresholds {
  year: number;
  items: Threshold[];
  /** A commissaire aux comptes is required and the accounts are published (Journal officiel). */
  publication: { required: boolean; deadline: string; text: string };
}

/** A funder of the year as the report knows it (the grants register, or the funders' sub-accounts of 74 / 755 / 7542). */
export interface ThresholdFunder {
  funderId: string;
  name: string;
  kind: string;
  /** Recognised in the year: the year's share of its grants. */
  recognised: number;
}

/** What the thresholds are read from: the year's balances, its funders and the receipts issued for its gifts. */
export interface ThresholdsInput {
  year: number;
  balances: readonly Balance[];
  funders?: readonly ThresholdFunder[];
  /** grants: the grants register; sub-accounts: the funders' sub-accounts of the balances (no grant recorded). */
  fundersSource?: "grants" | "sub-accounts";
  /** The receipts issued for the year's gifts (the receipts door: as the art. 222 bis declaration counts them). */
  receipted?: { count: number; total: number };
}

const credit = (balances: readonly Balance[], prefix: string) => balances.reduce((s, b) => (b.account.startsWith(prefix) ? s - b.balance : s), 0);
const ratio = (a: number, t: number) => Math.round((a / t) * 10_000) / 10_000;

function item(
  id: ThresholdId,
  label: string,
  counted: string,
  source: string,
  amount: number,
  threshold: number,
  consequence: string,
  extra: Pick<Threshold, "authorities" | "unattributed"> & { message?: string; exceeded?: boolean } = {},
): Threshold {
  const { message: given, exceeded: forced, ...rest } = extra;
  const exceeded = forced ?? amount > threshold;
  const message =
    given ??
    (exceeded
      ? `${label} : ${eurosRoundedText(amount)}, au-delà de ${eurosRoundedText(threshold)} — ${consequence}`
      : `${label} : ${eurosRoundedText(amount)} sur ${eurosRoundedText(threshold)} (${Math.round(ratio(amount, threshold) * 100)} % du seuil).`);
  return { id, label, counted, source, amount, threshold, reached: ratio(amount, threshold), exceeded, consequence, message, ...rest };
}

const registerText = (source: ThresholdsInput["fundersSource"]) =>
  source === "grants" ? "le registre des subventions (financeurs de nature publique)" : "les sous-comptes de financeurs des comptes 74";

/** The public funders of the year, largest first, and the 74 credit none of them explains. */
function publicAid(input: ThresholdsInput) {
  const total74 = credit(input.balances, "74");
  const authorities: PublicAuthority[] = (input.funders ?? [])
    .filter((f) => f.kind === "public" && f.recognised !== 0)
    .map((f) => ({ funderId: f.funderId, name: f.name, amount: f.recognised, exceeded: f.recognised > PUBLIC_AID_THRESHOLD }))
    .sort((a, b) => b.amount - a.amount || a.name.localeCompare(b.name));
  const attributed = authorities.reduce((s, a) => s + a.amount, 0);
  return { authorities, attributed, unattributed: Math.max(0, total74 - attributed), total74 };
}

/** The thresholds of `input.year` from its balances (before closing entries), its funders and its receipts. */
export function thresholdsOf(input: ThresholdsInput): Thresholds {
  const { year, balances } = input;
  const aid = publicAid(input);
  const register = registerText(input.fundersSource);
  const publicGrants = aid.attributed + aid.unattributed;
  const gifts754 = credit(balances, "754");
  const receipted = input.receipted ?? { count: 0, total: 0 };
  const commercial = credit(balances, "70");
  const over = aid.authorities.filter((a) => a.exceeded);
  const unattributedText = aid.unattributed
    ? ` ${eurosRoundedText(aid.unattributed)} des comptes 74 ne sont rattachés à aucun financeur (écritures sans subvention enregistrée) : rattachez-les à leur autorité pour savoir si elle dépasse ${eurosRoundedText(PUBLIC_AID_THRESHOLD)}.`
    : "";
  const largest = aid.authorities[0];
  const aidMessage = over.length
    ? `Aides publiques : ${over.length === 1 ? "une autorité publique dépasse" : `${over.length} autorités publiques dépassent`} ${eurosRoundedText(PUBLIC_AID_THRESHOLD)} — ${over
        .map((a) => `${a.name} (${eurosRoundedText(a.amount)})`)
        .join(", ")} : une convention avec chacune est requise, et les comptes lui sont transmis.${unattributedText}`
    : largest
      ? `Aides publiques : aucune autorité publique ne dépasse ${eurosRoundedText(PUBLIC_AID_THRESHOLD)} ; la plus importante, ${largest.name}, accorde ${eurosRoundedText(largest.amount)} (${Math.round(ratio(largest.amount, PUBLIC_AID_THRESHOLD) * 100)} % du seuil).${unattributedText}`
      : `Aides publiques : aucun financeur public sur l'exercice.${unattributedText}`;
  // « Total des 0 reçu fiscal émis » read wrong: none is « Aucun reçu fiscal émis », one is « Montant du seul reçu fiscal émis ».
  const receiptsText =
    receipted.count === 0
      ? "Aucun reçu fiscal émis"
      : receipted.count === 1
        ? "Montant du seul reçu fiscal émis"
        : `Total des ${receipted.count} reçus fiscaux émis`;
  const items = [
    item(
      "public-grants",
      "Subventions publiques",
      "Subventions des financeurs publics de l'exercice (État, collectivités, organismes publics : comptes 74), additionnées",
      `Part de l'exercice des subventions de chaque financeur public, d'après ${register}${aid.unattributed ? `, plus ${eurosRoundedText(aid.unattributed)} de comptes 74 sans financeur` : ""}.`,
      publicGrants,
      PUBLICATION_THRESHOLD,
      "un commissaire aux comptes est requis et les comptes sont publiés sur le site du Journal officiel dans les trois mois de leur approbation.",
      { unattributed: aid.unattributed },
    ),
    item(
      "gifts",
      "Dons ouvrant droit à réduction d'impôt",
      "Dons pour lesquels un reçu fiscal a été émis (les dons sans reçu ne comptent pas)",
      `${receiptsText} pour les dons de l'exercice (reçus annulés exclus), comme pour la déclaration annuelle des reçus ; les comptes 754 (dons, mécénat, legs) portent ${eurosRoundedText(gifts754)}.`,
      receipted.total,
      GIFTS_THRESHOLD,
      "un commissaire aux comptes est requis, les comptes sont publiés sur le site du Journal officiel dans les trois mois de leur approbation et l'annexe donne l'état des ressources provenant de l'étranger.",
    ),
    item(
      "public-aid",
      "Aides publiques",
      `Aide de chaque autorité publique sur l'exercice, autorité par autorité (le seuil de ${eurosRoundedText(PUBLIC_AID_THRESHOLD)} vaut pour chacune)`,
      `Part de l'exercice des subventions de chaque financeur public, d'après ${register} ; le montant indiqué est celui de l'autorité qui accorde le plus.`,
      largest?.amount ?? 0,
      PUBLIC_AID_THRESHOLD,
      "une convention avec chaque autorité qui accorde plus de 23 000 € est requise, et les comptes lui sont transmis.",
      { authorities: aid.authorities, unattributed: aid.unattributed, message: aidMessage, exceeded: over.length > 0 },
    ),
    item(
      "commercial-income",
      "Recettes commerciales",
      "Ventes de biens et services (comptes 70)",
      "Soldes des comptes 70 de l'exercice (balance avant clôture).",
      commercial,
      commercialThreshold(year),
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
        : `Ni les subventions publiques ni les dons ayant donné lieu à un reçu fiscal en ${year} ne dépassent ${eurosRoundedText(PUBLICATION_THRESHOLD)} : ni commissaire aux comptes ni publication au Journal officiel ne sont requis.`,
    },
  };
}
