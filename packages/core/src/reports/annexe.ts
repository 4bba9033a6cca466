/**
 * The annexe of the annual accounts (ANC 2018-06), as a pure function of plain data: the exercise
 * (its dates from the fiscal year and the association's creation date), the règles et méthodes,
 * the fonds dédiés table (the grants domain's own table, `GET /v1/grants/dedicated-funds`), the
 * engagements reçus and donnés (grants signed and not yet received, the shares of later years),
 * the contributions volontaires en nature per nature (86x / 87x from the balances) and the method
 * that values them or says why not (the settings' volunteers section), the headcount, and above
 * 153 000 € of gifts the statement of resources from abroad (the donors' countries). No I/O:
 * `store.ts` loads the inputs.
 */
import type { Balance } from "./financial-statements.js";
import { euros, eurosRoundedText } from "../money.js";
import { findAccount } from "../ledger/index.js";

/** Gifts above which the accounts are published and the resources from abroad stated (loi 87-571 art. 4-1, loi 2021-1109). */
export const GIFTS_THRESHOLD = 15_300_000;

export interface ExerciseDates {
  year: number;
  /** First and last day of the exercise (the creation date when the association was created in the year). */
  start: string;
  end: string;
  /** True when the association was created during this fiscal year: its first exercise. */
  first: boolean;
  /** The calendar bounds of the fiscal year (settings' `year` section). */
  fiscalStart: string;
}

/** The exercise of `year`: the fiscal year's bounds, starting on the creation date when it falls inside them. */
export function exerciseDates(year: number, bounds: { start: string; end: string }, creationDate: string): ExerciseDates {
  const first = !!creationDate && creationDate > bounds.start && creationDate <= bounds.end;
  return { year, start: first ? creationDate : bounds.start, end: bounds.end, first, fiscalStart: bounds.start };
}

/** The previous exercise, as the report's N−1 column shows it. */
export interface PreviousExercise {
  year: number;
  /** none: the association did not exist yet (or nothing was ever booked); open / closing / closed: its ledger status. */
  status: "none" | "open" | "closing" | "closed";
}

/** One restricted grant's fonds dédiés of the year, as the grants domain computes them. */
export interface DedicatedFundsRowInput {
  grantId: string;
  title: string;
  funderName: string;
  atStart: number;
  new: number;
  used: number;
  atEnd: number;
  /** The grant's income recognised in the year (its resources of the year). */
  recognised?: number;
}

/** A grant as the annexe needs it (the grants domain's view). */
export interface GrantInputForAnnexe {
  id: string;
  funderName: string;
  title: string;
  agreementDate: string;
  amount: number;
  restricted: boolean;
  startDate: string;
  endDate: string;
  byYear: ReadonlyArray<{ year: number; recognised: number; received: number; spent: number }>;
}

export interface AnnexeInput {
  exercise: ExerciseDates;
  association: { name: string; creationDate: string; fiscalStartMonth: number };
  volunteers: {
    hourlyRate: number;
    headcount: number;
    method?: string;
    timeSourceAccount?: "875" | "870";
    /** The hourly rates the year's hours were booked at (cents), when some were: stated rather than today's setting. */
    ratesUsed?: readonly number[];
  };
  /** The engagements given (the settings' annexe section): cautions, pledges, leases. */
  engagementsGiven?: ReadonlyArray<{ label: string; amount?: number; beneficiary?: string; until?: string }>;
  dedicatedFunds: { rows: readonly DedicatedFundsRowInput[] };
  grants: readonly GrantInputForAnnexe[];
  balances: readonly Balance[];
  /** The gifts of the year by donor's country (the giving registry), only loaded above the threshold. */
  giftsByCountry?: ReadonlyArray<{ country: string; amount: number; count: number }>;
}

export interface DedicatedFundsAnnexeRow {
  grantId: string;
  label: string;
  opening: number;
  reports: number;
  uses: number;
  transfers: number;
  closing: number;
  /** The resources of the year the grant brought (its income recognised in the year). */
  resources: number;
}

export interface EngagementRow {
  grantId: string;
  label: string;
  agreementDate: string;
  awarded: number;
  /** Received up to the end of the exercise. */
  received: number;
  /** awarded − received: the grant's money still to come. */
  toReceive: number;
  /** Recognised in later exercises (multi-year conventions): in 487, produits constatés d'avance. */
  laterYears: number;
}

export interface CvnLine {
  account: string;
  label: string;
  amount: number;
}

export interface Annexe {
  year: number;
  exercise: ExerciseDates;
  rules: string[];
  dedicatedFunds: { rows: DedicatedFundsAnnexeRow[]; totals: Omit<DedicatedFundsAnnexeRow, "grantId" | "label"> };
  engagements: {
    received: EngagementRow[];
    totals: { awarded: number; received: number; toReceive: number; laterYears: number };
    given: string;
    /** The settings' engagements given, and their total (the amounts known). */
    givenItems: Array<{ label: string; amount: number | null; beneficiary: string | null; until: string | null }>;
    givenTotal: number;
  };
  contributionsInKind: { ressources: CvnLine[]; emplois: CvnLine[]; totals: { ressources: number; emplois: number }; method: string[] };
  headcount: { volunteers: number; text: string };
  foreignResources: {
    required: boolean;
    gifts: number;
    threshold: number;
    rows: Array<{ country: string; amount: number; count: number }>;
    text: string;
  };
}

const dayMonth = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
/** "2024-03-12" → "12 mars 2024" (1er for the first of a month). */
export function frenchDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const s = dayMonth.format(new Date(Date.UTC(y, m - 1, d)));
  return d === 1 ? s.replace(/^1 /, "1er ") : s;
}

const eurosText = eurosRoundedText;
const sumBy = (balances: readonly Balance[], prefix: string) => balances.reduce((s, b) => (b.account.startsWith(prefix) ? s - b.balance : s), 0);

/** The gifts the thresholds and the statement of foreign resources count: 754 (dons manuels, mécénat, legs). */
export const giftsOfYear = (balances: readonly Balance[]) => sumBy(balances, "754");

function rules(input: AnnexeInput): string[] {
  const { exercise: e, association: a } = input;
  const out = [
    `Les comptes annuels sont établis selon le règlement ANC n° 2018-06 relatif aux comptes annuels des personnes morales de droit privé à but non lucratif, dans le respect des principes de prudence, de permanence des méthodes et d'indépendance des exercices, selon la méthode des coûts historiques.`,
    e.first
      ? `Premier exercice : l'association a été créée le ${frenchDate(a.creationDate)} ; l'exercice court du ${frenchDate(e.start)} au ${frenchDate(e.end)}. Aucun exercice précédent n'est présenté.`
      : `L'exercice court du ${frenchDate(e.start)} au ${frenchDate(e.end)} (douze mois).`,
    "Les subventions et contributions financières sont comptabilisées en produits à la signature de la convention, pour la part de l'exercice ; la part des exercices suivants est portée en produits constatés d'avance. La part non utilisée d'une ressource affectée par le financeur à un projet est reportée en fonds dédiés (comptes 689 et 19), puis reprise (compte 789) au rythme des dépenses du projet.",
    "Les dons sont comptabilisés à leur encaissement ; les dons en ligne, à la date du paiement, frais du prestataire de paiement en charges.",
  ];
  return out;
}

/** « Heures déclarées… » → « heures déclarées… », to follow a colon (an acronym such as « SMIC » kept). */
const lowerFirst = (t: string) => (/^[A-ZÀ-Ý][a-zà-ÿ]/.test(t) ? t[0]!.toLowerCase() + t.slice(1) : t);

function dedicatedFundsRows(input: AnnexeInput): Annexe["dedicatedFunds"] {
  const rows = input.dedicatedFunds.rows.map((r) => ({
    grantId: r.grantId,
    label: `${r.funderName} — ${r.title}`,
    opening: r.atStart,
    reports: r.new,
    uses: r.used,
    // What the grants domain moves between grants or back to the fonds propres: what its table leaves unexplained.
    transfers: r.atEnd - (r.atStart + r.new - r.used),
    closing: r.atEnd,
    resources: r.recognised ?? 0,
  }));
  const totals = { opening: 0, reports: 0, uses: 0, transfers: 0, closing: 0, resources: 0 };
  for (const r of rows) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
  return { rows, totals };
}

function engagements(input: AnnexeInput): Annexe["engagements"] {
  const Y = input.exercise.year;
  const end = input.exercise.end;
  const rows: EngagementRow[] = [];
  for (const g of input.grants) {
    if (g.agreementDate > end) continue;
    const received = g.byYear.reduce((s, y) => (y.year <= Y ? s + y.received : s), 0);
    const recognised = g.byYear.reduce((s, y) => (y.year <= Y ? s + y.recognised : s), 0);
    const toReceive = g.amount - received;
    const laterYears = Math.max(0, g.amount - recognised);
    if (toReceive <= 0 && laterYears <= 0) continue;
    rows.push({ grantId: g.id, label: `${g.funderName} — ${g.title}`, agreementDate: g.agreementDate, awarded: g.amount, received, toReceive, laterYears });
  }
  rows.sort((a, b) => a.agreementDate.localeCompare(b.agreementDate) || a.label.localeCompare(b.label));
  const totals = { awarded: 0, received: 0, toReceive: 0, laterYears: 0 };
  for (const r of rows) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
  const givenItems = (input.engagementsGiven ?? []).map((g) => ({
    label: g.label,
    amount: g.amount ?? null,
    beneficiary: g.beneficiary || null,
    until: g.until || null,
  }));
  const givenTotal = givenItems.reduce((s, g) => s + (g.amount ?? 0), 0);
  const one = (g: (typeof givenItems)[number]) =>
    `${g.label}${g.beneficiary ? `, au profit de ${g.beneficiary}` : ""}${g.until ? `, jusqu'au ${frenchDate(g.until)}` : ""}${g.amount !== null ? ` : ${eurosText(g.amount)}` : " (montant non chiffré)"}`;
  const given = givenItems.length
    ? `${givenItems.length === 1 ? "Un engagement donné" : `${givenItems.length} engagements donnés`}, pour un total de ${eurosText(givenTotal)} : ${givenItems.map(one).join(" ; ")}.`
    : "Aucun engagement donné n'est enregistré (ni caution, ni aval, ni subvention accordée par l'association).";
  return { received: rows, totals, given, givenItems, givenTotal };
}

function cvn(input: AnnexeInput): Annexe["contributionsInKind"] {
  const timeSource = input.volunteers.timeSourceAccount ?? "875";
  // With 870 the 1999 chart's names: 870 « Bénévolat », 875 « Dons en nature » (the settings' volunteers section).
  const labelOf = (key: string) => (timeSource === "870" ? ({ "870": "Bénévolat", "875": "Dons en nature" } as Record<string, string>)[key] : undefined);
  const by = (prefix: string) => {
    const lines = new Map<string, CvnLine>();
    for (const b of input.balances) {
      if (!b.account.startsWith(prefix) || b.balance === 0) continue;
      const key = b.account.slice(0, 3);
      // One line per nature: the chart's three-digit account (860 secours en nature, 864 personnel bénévole, 875 bénévolat…).
      const l = lines.get(key) ?? { account: key, label: labelOf(key) ?? findAccount(key)?.label ?? b.label ?? key, amount: 0 };
      l.amount += prefix === "86" ? b.balance : -b.balance;
      lines.set(key, l);
    }
    return [...lines.values()].sort((a, b) => a.account.localeCompare(b.account));
  };
  const ressources = by("87");
  const emplois = by("86");
  const totals = { ressources: ressources.reduce((s, l) => s + l.amount, 0), emplois: emplois.reduce((s, l) => s + l.amount, 0) };
  const { hourlyRate, headcount, method } = input.volunteers;
  const volunteerTime = ressources.find((l) => l.account === timeSource)?.amount ?? 0;
  // The rates the year's hours were booked at, not today's setting (bug: the annexe of 2024 said the rate set in 2026).
  const rates = input.volunteers.ratesUsed?.length ? [...input.volunteers.ratesUsed] : hourlyRate > 0 ? [hourlyRate] : [];
  const rateText = (r: number) => `${(r / 100).toLocaleString("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`;
  const out: string[] = [];
  if (rates.length) {
    const stated = method?.trim();
    out.push(
      `Le temps des bénévoles est valorisé ${rates.length === 1 ? `au taux horaire de ${rateText(rates[0]!)}` : `aux taux horaires de ${rates.slice(0, -1).map(rateText).join(", ")} et ${rateText(rates.at(-1)!)}`} (ANC 2018-06, art. 211-1 et 211-2). ${stated ? `Méthode retenue : ${lowerFirst(stated)}${/[.!?]$/.test(stated) ? "" : "."}` : "Les heures sont celles déclarées chaque mois."}`,
    );
    out.push(
      volunteerTime
        ? `Bénévolat valorisé sur l'exercice : ${euros(volunteerTime)} (comptes 864 Personnel bénévole et ${timeSource} Bénévolat${timeSource === "870" ? ", nomenclature du plan comptable de 1999 ; les dons en nature de biens sont alors portés au 875" : ""}).`
        : `Aucune heure de bénévolat n'a été comptabilisée sur l'exercice (comptes 864 et ${timeSource} vides).`,
    );
  } else
    out.push(
      `Le temps des bénévoles${headcount ? ` (${headcount} personnes)` : ""} n'est pas valorisé : aucun taux horaire n'est fixé et aucun décompte fiable des heures n'est tenu (ANC 2018-06, art. 211-2 : l'annexe en donne la raison).`,
    );
  out.push(
    totals.ressources || totals.emplois
      ? "Les dons en nature et les mises à disposition gratuites sont évalués à leur valeur de marché ; ils figurent au pied du compte de résultat (comptes 86 et 87), hors des totaux."
      : "Aucun don en nature ni mise à disposition gratuite n'a été reçu ou comptabilisé sur l'exercice.",
  );
  return { ressources, emplois, totals, method: out };
}

function foreign(input: AnnexeInput): Annexe["foreignResources"] {
  const gifts = giftsOfYear(input.balances);
  const required = gifts > GIFTS_THRESHOLD;
  const rows = required
    ? [...(input.giftsByCountry ?? [])].filter((r) => r.country !== "FR").sort((a, b) => b.amount - a.amount || a.country.localeCompare(b.country))
    : [];
  const text = !required
    ? `Les dons de l'exercice (${eurosText(gifts)}) ne dépassent pas ${eurosText(GIFTS_THRESHOLD)} : l'état des ressources provenant de l'étranger n'est pas requis.`
    : rows.length
      ? `Les dons de l'exercice (${eurosText(gifts)}) dépassent ${eurosText(GIFTS_THRESHOLD)} : ressources provenant de l'étranger, par pays du donateur (registre des dons en ligne).`
      : `Les dons de l'exercice (${eurosText(gifts)}) dépassent ${eurosText(GIFTS_THRESHOLD)} : aucun don venant d'un donateur établi hors de France n'est enregistré.`;
  return { required, gifts, threshold: GIFTS_THRESHOLD, rows, text };
}

/** The annexe of `input.exercise.year`. */
export function buildAnnexe(input: AnnexeInput): Annexe {
  const { headcount } = input.volunteers;
  return {
    year: input.exercise.year,
    exercise: input.exercise,
    rules: rules(input),
    dedicatedFunds: dedicatedFundsRows(input),
    engagements: engagements(input),
    contributionsInKind: cvn(input),
    headcount: {
      volunteers: headcount,
      text: headcount
        ? `L'association compte ${headcount} bénévole${headcount > 1 ? "s" : ""}.`
        : "Le nombre de bénévoles n'est pas renseigné dans les paramètres.",
    },
    foreignResources: foreign(input),
  };
}
