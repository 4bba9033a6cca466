/**
 * Loads what the report's pure functions need, from the other domains' own readers: the trial
 * balance (before closing entries), funders' figures (grants domain; funders' sub-accounts of
 * 755x/74x/7542 when no grant is recorded), donors and members (paged through), and the social
 * statistics. Nothing is computed here.
 */
import type { Db } from "../db/client.js";
import { funderFiguresForYear } from "../grants/index.js";
import { trialBalance } from "../ledger/index.js";
import { listDonors, listMembers } from "../giving/index.js";
import { readSocialYear } from "../social/index.js";
import { fundersFromBalances, reportFigures, type FunderFigures, type PeopleFigures, type ReportFigures, type YearInput } from "./figures.js";

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

/** Everything one year's figures are computed from. */
export async function loadYearInput(db: Db, year: number): Promise<YearInput> {
  const tb = await trialBalance(db, year, { closing: "exclude" });
  const [funders, people, social] = await Promise.all([loadFunders(db, year, tb.accounts), loadPeople(db, year), readSocialYear(db, year)]);
  return { year, balances: tb.accounts, ...funders, people, social };
}

/** The year and the year before, loaded side by side. */
export async function loadReportInputs(db: Db, year: number): Promise<{ current: YearInput; previous: YearInput }> {
  const [current, previous] = await Promise.all([loadYearInput(db, year), loadYearInput(db, year - 1)]);
  return { current, previous };
}

/** The annual report's figures of `year` beside the year before's (`GET /v1/reports/{year}/figures`, its CSV and PDF). */
export async function loadReportFigures(db: Db, year: number): Promise<ReportFigures> {
  const { current, previous } = await loadReportInputs(db, year);
  return reportFigures(current, previous);
}
