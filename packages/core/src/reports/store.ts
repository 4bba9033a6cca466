/**
 * Loads what the report's pure functions need, from the other domains' own readers: the trial
 * balance (before closing entries), funders' figures (grants domain; funders' sub-accounts of
 * 755x/74x/7542 when no grant is recorded), donors and members (paged through), and the social
 * statistics. Nothing is computed here.
 */
import type { Db } from "../db/client.js";
import { dedicatedFunds, funderFiguresForYear, listGrants } from "../grants/index.js";
import { listYears, trialBalance } from "../ledger/index.js";
import { listDonors, listMembers } from "../giving/index.js";
import { readSocialYear } from "../social/index.js";
import { currentSettings } from "../settings/index.js";
import { listVolunteerTime } from "../volunteers/index.js";
import { fiscalStartMonth, fiscalYearBounds } from "../dates.js";
import {
  fundersFromBalances,
  reportFigures,
  type FunderFigures,
  type PeopleFigures,
  type ReportContext,
  type ReportFigures,
  type YearInput,
} from "./figures.js";
import { buildAnnexe, exerciseDates, giftsOfYear, GIFTS_THRESHOLD, type Annexe, type PreviousExercise } from "./annexe.js";
import { thresholdsOf, type Thresholds } from "./thresholds.js";

type Paged<T> = { items: T[]; nextCursor?: string | null };

/** Every page of a paginated listing (`limit`/`cursor` → `nextCursor`). */
async function allPages<T>(page: (cursor: string | undefined) => Promise<Paged<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 10_000; n++) {
    const r = await page(cursor);
    out.push(...r.items);
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return out;
}

interface DonorRow {
  total: number;
  gifts: number;
  monthly: boolean;
}
interface MemberRow {
  coveredFrom: string;
  validUntil: string;
}

/** Donors and members of a year, counted from the registries. */
export async function loadPeople(db: Db, year: number): Promise<PeopleFigures> {
  const donors = await allPages<DonorRow>((cursor) => listDonors(db, year, { withAddresses: false, limit: 500, ...(cursor ? { cursor } : {}) }));
  const members = await allPages<MemberRow>((cursor) => listMembers(db, { withAddresses: false, limit: 500, ...(cursor ? { cursor } : {}) }));
  const end = `${year}-12-31`;
  return {
    // Members at the year's end: their membership (from its first day, giving's coveredFrom) runs through it.
    members: members.filter((m) => m.coveredFrom <= end && m.validUntil >= end).length,
    donors: donors.length,
    monthlyDonors: donors.filter((d) => d.monthly).length,
    gifts: { count: donors.reduce((s, d) => s + d.gifts, 0), total: donors.reduce((s, d) => s + d.total, 0) },
  };
}

/** Funders' figures of the year from the grants domain; from funders' sub-accounts when it has none. */
async function loadFunders(db: Db, year: number, balances: YearInput["balances"]): Promise<Pick<YearInput, "funders" | "fundersSource">> {
  const fromGrants = await funderFiguresForYear(db, year);
  if (fromGrants.length)
    return {
      fundersSource: "grants",
      funders: fromGrants.map(
        (f): FunderFigures => ({
          funderId: f.funderId,
          name: f.name,
          kind: f.kind,
          awarded: f.awarded,
          recognised: f.recognised,
          received: f.received,
          spent: f.spent,
          dedicatedFunds: f.dedicatedFunds,
        }),
      ),
    };
  return { fundersSource: "sub-accounts", funders: fundersFromBalances(balances) };
}

/** The receipts issued for the gifts of `year` (count, total), as the art. 222 bis declaration counts them now. */
export async function loadReceipted(db: Db, year: number): Promise<{ count: number; total: number }> {
  const { getDeclaration } = await import("../receipts/lazy.js");
  return (await getDeclaration(db, year)).current;
}

/** Everything one year's figures are computed from. */
export async function loadYearInput(db: Db, year: number): Promise<YearInput> {
  const tb = await trialBalance(db, year, { closing: "exclude" });
  const [funders, people, social, receipted] = await Promise.all([
    loadFunders(db, year, tb.accounts),
    loadPeople(db, year),
    readSocialYear(db, year),
    loadReceipted(db, year),
  ]);
  return { year, balances: tb.accounts, ...funders, people, social, receipted };
}

/** The year and the year before, loaded side by side. */
export async function loadReportInputs(db: Db, year: number): Promise<{ current: YearInput; previous: YearInput }> {
  const [current, previous] = await Promise.all([loadYearInput(db, year), loadYearInput(db, year - 1)]);
  return { current, previous };
}

/** The exercise's dates (the settings' creation date) and the status of the year before (the ledger's years). */
export async function loadReportContext(db: Db, year: number): Promise<Required<ReportContext>> {
  const [settings, years] = await Promise.all([currentSettings(db), listYears(db)]);
  const creationDate = settings.values.identity.creationDate;
  const exercise = exerciseDates(year, fiscalYearBounds(year), creationDate);
  const prev = years.find((y) => y.year === year - 1);
  const beforeCreation = !!creationDate && creationDate > fiscalYearBounds(year - 1).end;
  const previousExercise: PreviousExercise = { year: year - 1, status: beforeCreation || exercise.first || !prev || !prev.entries ? "none" : prev.status };
  return { exercise, previousExercise };
}

/** The annual report's figures of `year` beside the year before's (`GET /v1/reports/{year}/figures`, its CSV and PDF). */
export async function loadReportFigures(db: Db, year: number): Promise<ReportFigures> {
  const [{ current, previous }, context] = await Promise.all([loadReportInputs(db, year), loadReportContext(db, year)]);
  return reportFigures(current, previous, context);
}

/**
 * The thresholds of `year` (`GET /v1/reports/{year}/thresholds`, the dashboard): its trial balance,
 * its funders (grants register, else the funders' sub-accounts) and the receipts issued for its gifts.
 */
export async function loadThresholds(db: Db, year: number): Promise<Thresholds> {
  const tb = await trialBalance(db, year, { closing: "exclude" });
  const [funders, receipted] = await Promise.all([loadFunders(db, year, tb.accounts), loadReceipted(db, year)]);
  return thresholdsOf({ year, balances: tb.accounts, ...funders, receipted });
}

interface AddressedDonor {
  total: number;
  gifts: number;
  address?: { country: string };
}

/** The year's online gifts by the donor's country (the registry's addresses); only read above the gifts threshold. */
async function giftsByCountry(db: Db, year: number) {
  const donors = await allPages<AddressedDonor>((cursor) => listDonors(db, year, { withAddresses: true, limit: 500, ...(cursor ? { cursor } : {}) }));
  const by = new Map<string, { country: string; amount: number; count: number }>();
  for (const d of donors) {
    const country = d.address?.country ?? "FR";
    const r = by.get(country) ?? { country, amount: 0, count: 0 };
    r.amount += d.total;
    r.count += d.gifts;
    by.set(country, r);
  }
  return [...by.values()];
}

/**
 * The annexe of `year` from the books and the settings: the trial balance, the grants domain's fonds
 * dédiés table and grants, the settings' identity and volunteers; the donors' countries above the
 * gifts threshold. `balances` and `context` are taken when the caller has them (the PDF).
 */
export async function loadAnnexe(db: Db, year: number, known: { balances?: YearInput["balances"]; context?: Required<ReportContext> } = {}): Promise<Annexe> {
  const [balances, context, settings, funds, grants, time] = await Promise.all([
    known.balances ?? trialBalance(db, year, { closing: "exclude" }).then((t) => t.accounts),
    known.context ?? loadReportContext(db, year),
    currentSettings(db),
    dedicatedFunds(db, year),
    listGrants(db),
    listVolunteerTime(db, year),
  ]);
  // The account the year's hours were booked to (the setting may have changed since the year closed).
  const booked = time.items.find((t) => t.status === "booked")?.accounts.source;
  const timeSourceAccount = booked === "870" || booked === "875" ? booked : (settings.values.volunteers.timeSourceAccount ?? "875");
  const byCountry = giftsOfYear(balances) > GIFTS_THRESHOLD ? await giftsByCountry(db, year) : undefined;
  const { identity, volunteers } = settings.values;
  // The volunteers' section may state how the hours are counted (the volunteers domain's method).
  const method = (volunteers as { method?: unknown }).method;
  return buildAnnexe({
    exercise: context.exercise,
    association: { name: identity.name, creationDate: identity.creationDate, fiscalStartMonth: fiscalStartMonth() },
    volunteers: {
      hourlyRate: volunteers.hourlyRate,
      headcount: volunteers.headcount,
      timeSourceAccount,
      ...(typeof method === "string" && method ? { method } : {}),
      ratesUsed: [...new Set(time.items.filter((t) => t.status === "booked").map((t) => t.rate))].sort((a, b) => a - b),
    },
    engagementsGiven: settings.values.annexe?.engagementsGiven ?? [],
    dedicatedFunds: funds,
    grants: grants.items,
    balances,
    ...(byCountry ? { giftsByCountry: byCountry } : {}),
  });
}

/** The figures and the annexe of `year`, loaded once for the PDFs. */
export async function loadAnnualReport(db: Db, year: number): Promise<{ figures: ReportFigures; annexe: Annexe }> {
  const [{ current, previous }, context] = await Promise.all([loadReportInputs(db, year), loadReportContext(db, year)]);
  const figures = reportFigures(current, previous, context);
  return { figures, annexe: await loadAnnexe(db, year, { balances: current.balances, context }) };
}
