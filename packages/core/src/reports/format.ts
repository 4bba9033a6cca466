/** French formatting for the report: money through the one formatter (core/money.ts), shares and counts through Intl fr-FR. */
export { euros, eurosWhole } from "../money.js";

const pct = new Intl.NumberFormat("fr-FR", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const int = new Intl.NumberFormat("fr-FR");

/** 0.078 → "7,8 %". */
export const percent = (share: number) => pct.format(share);
/** 5336 → "5 336". */
export const count = (n: number) => int.format(n);

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const SHORT = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
/** "2024-03" → "mars 2024". */
export const monthName = (month: string) => `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
/** "2024-03" → "mars". */
export const monthShort = (month: string) => SHORT[Number(month.slice(5, 7)) - 1]!;

/** The social statistics a report shows, with their French labels, in this order. */
export const SOCIAL_METRICS = [
  ["followers", "Abonnés en fin d'année"],
  ["newFollowers", "Nouveaux abonnés"],
  ["impressions", "Impressions"],
  ["reactions", "Réactions"],
  ["pageVisits", "Visites de la page"],
  ["videosPublished", "Vidéos publiées"],
  ["views", "Vues"],
] as const;
