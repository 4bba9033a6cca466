/**
 * Art. 222 bis CGI: each year the association declares the number of receipts it issued and the
 * total of the gifts they cover — for the calendar year, or for the fiscal year when it is not the
 * calendar year (within three months of its end; for a calendar year, by the 2nd working day after
 * 1 May). The figures are computed from the issued receipts; once declared, they are frozen as
 * filed with their date (`markDeclarationFiled`): later refunds (a receipt cancelled and replaced)
 * move the current figures, never the filed ones, and the answer says that they differ.
 *
 * A fiscal year that is not the calendar year: a receipt counts in it when one of its gifts is dated
 * in it, for the amount of those gifts (an annual recap straddling two fiscal years counts in both,
 * each for its own gifts).
 *
 * Errors: ConflictError (already filed; the period has not ended).
 */
import type { Db } from "../db/client.js";
import { fiscalStartMonth, fiscalYearBounds, parisDate } from "../dates.js";
import { ConflictError } from "../errors.js";
import { now, nowIso } from "../clock.js";
import { readAllReceipts, readDeclaration, readFiled, writeFiled, type FiledDeclaration } from "./store.js";

export interface DeclarationFigures {
  count: number;
  total: number;
}

/** The period a declaration covers: the calendar year, or the fiscal year named by its first year. */
export function declarationPeriod(year: number, startMonth = fiscalStartMonth()) {
  return { basis: startMonth === 1 ? ("calendar" as const) : ("fiscal" as const), ...fiscalYearBounds(year, startMonth) };
}

/** The deadline: three months after a fiscal year ends; for a calendar year, the 2nd working day after 1 May of the next year. */
export function declarationDue(year: number, startMonth = fiscalStartMonth()): string {
  if (startMonth === 1) {
    // The 2nd working day after 1 May of the next year (Saturdays, Sundays and 1 and 8 May are not working days).
    let d = new Date(Date.UTC(year + 1, 4, 1));
    let working = 0;
    while (working < 2) {
      d = new Date(d.getTime() + 86_400_000);
      const day = d.getUTCDay();
      if (day !== 0 && day !== 6 && d.getUTCDate() !== 8) working++;
    }
    return d.toISOString().slice(0, 10);
  }
  const end = fiscalYearBounds(year, startMonth).end;
  const [y, m] = end.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m + 3, 0));
  return last.toISOString().slice(0, 10);
}

/** The current figures of a period, from the issued receipts. */
export async function currentFigures(db: Db, year: number, startMonth = fiscalStartMonth()): Promise<DeclarationFigures> {
  if (startMonth === 1) {
    const kept = await readDeclaration(db, year);
    if (kept) return kept;
    const all = (await readAllReceipts(db, year)).filter((r) => r.status === "issued");
    return { count: all.length, total: all.reduce((s, r) => s + r.amount, 0) };
  }
  const { start, end } = fiscalYearBounds(year, startMonth);
  const receipts = [...(await readAllReceipts(db, year)), ...(await readAllReceipts(db, year + 1))].filter((r) => r.status === "issued");
  let count = 0;
  let total = 0;
  for (const r of receipts) {
    const inside = r.gifts.filter((g) => g.date >= start && g.date <= end);
    if (!inside.length) continue;
    count++;
    total += inside.length === r.gifts.length ? r.amount : inside.reduce((s, g) => s + g.amount, 0);
  }
  return { count, total };
}

/** `GET /v1/receipts/declarations/{year}`: the period, the figures (as filed once filed), the current ones, the deadline. */
export async function getDeclaration(db: Db, year: number) {
  const startMonth = fiscalStartMonth();
  const period = declarationPeriod(year, startMonth);
  const [current, filed] = await Promise.all([currentFigures(db, year, startMonth), readFiled(db, year)]);
  return {
    year,
    basis: filed?.basis ?? period.basis,
    period: filed?.period ?? { start: period.start, end: period.end },
    due: declarationDue(year, startMonth),
    figures: filed ? { count: filed.count, total: filed.total } : current,
    current,
    filed: filed ? { count: filed.count, total: filed.total, filedOn: filed.filedOn, filedAt: filed.filedAt, filedBy: filed.filedBy } : null,
    changedSinceFiling: filed ? filed.count !== current.count || filed.total !== current.total : false,
  };
}

/**
 * `POST /v1/receipts/declarations/{year}/filing`: the figures as filed, frozen with the date of
 * filing (default today). Refused before the period has ended, and a second time.
 */
export async function markDeclarationFiled(db: Db, year: number, input: { filedOn?: string }, actor?: { sub: string; role: string }) {
  const startMonth = fiscalStartMonth();
  const period = declarationPeriod(year, startMonth);
  const today = parisDate(now());
  if (today <= period.end)
    throw new ConflictError(`La période ${period.start} – ${period.end} n'est pas terminée : ses chiffres se déclarent après sa fin.`, { year });
  const filedOn = input.filedOn ?? today;
  if (filedOn <= period.end || filedOn > today)
    throw new ConflictError(`La date de dépôt ${filedOn} doit suivre la fin de la période (${period.end}) sans dépasser aujourd'hui.`, { year, filedOn });
  const figures = await currentFigures(db, year, startMonth);
  const record: FiledDeclaration = {
    year,
    basis: period.basis,
    period: { start: period.start, end: period.end },
    ...figures,
    filedOn,
    filedAt: nowIso(),
    filedBy: actor ? { sub: actor.sub, role: actor.role } : { sub: "system", role: "system" },
  };
  if (!(await writeFiled(db, record))) {
    const already = await readFiled(db, year);
    throw new ConflictError(`La déclaration ${year} est déjà enregistrée comme déposée le ${already?.filedOn} : ses chiffres restent ceux déposés.`, { year });
  }
  return getDeclaration(db, year);
}

/** The filed figures of a calendar year, for the receipts' listing (undefined when not filed or filed on a fiscal year). */
export async function filedCalendarFigures(db: Db, year: number): Promise<(DeclarationFigures & { filedOn: string }) | undefined> {
  const f = await readFiled(db, year);
  return f && f.basis === "calendar" ? { count: f.count, total: f.total, filedOn: f.filedOn } : undefined;
}
