/**
 * Volunteers and gifts in kind (contributions volontaires en nature, ANC 2018-06 arts. 211-1 and
 * 211-2): volunteer hours of a month valued at the hourly rate (the settings' volunteers section,
 * or the rate given) and gifts in kind by nature, each booked as one entry in the OD journal, its
 * use on 86x and its source on 87x, with the domain's record in the same transaction. A mistake is
 * corrected here (never edited, never reversed by hand in the ledger): the reversing entry and the
 * record marked reversed, with who and why, in one transaction.
 *
 * Errors: ValidationError (bad fields, no hourly rate, a month ahead, an unknown project),
 * NotFoundError (no such record), ConflictError (already reversed, a closed year).
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.js";
import { UnitOfWork } from "../db/unit-of-work.js";
import { fiscalYearOf, parisDate } from "../dates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { awaitValidation, getEntry, listYears, writeDraft, type Actor, type Idempotency, type Line } from "../ledger/index.js";
import { plainEuros } from "../money.js";
import { checkProjects } from "../projects/index.js";
import { volunteersOf } from "../settings/index.js";
import { now, nowIso } from "../clock.js";
import { cvnAccounts, GIFT_NATURES, type GiftInKindInput, type GiftNature, type VolunteerTimeInput } from "./schemas.js";
import {
  contributionItem,
  readContribution,
  readContributions,
  reversedItem,
  type Contribution,
  type GiftInKind,
  type VolunteerTime,
  type Who,
} from "./store.js";

const who = (actor?: Actor): Who | null => (actor ? { sub: actor.sub, role: actor.role } : null);
const newId = (year: number) => `${year}-${randomUUID().replaceAll("-", "").slice(0, 12)}`;

/** The last day of a month `YYYY-MM`. */
export function lastDayOf(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const day = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(day).padStart(2, "0")}`;
}

/** Hours × cents per hour, to the cent (hours to the hundredth). */
export const hoursValue = (hours: number, rate: number) => Math.round((Math.round(hours * 100) * rate) / 100);

/** The valuation method as the records and the annexe state it. */
export function methodOf(rate: number, stated: string, given: boolean): string {
  const base = `${plainEuros(rate)} de l'heure`;
  if (given) return `taux horaire donné pour ce mois : ${base}`;
  return stated ? `taux horaire fixé dans les paramètres : ${base} (${stated})` : `taux horaire fixé dans les paramètres : ${base}`;
}

const twoLines = (accounts: { use: string; source: string }, amount: number, project: string | null, label: string): Line[] => [
  { account: accounts.use, debit: amount, credit: 0, label, ...(project ? { project } : {}) },
  { account: accounts.source, debit: 0, credit: amount, label, ...(project ? { project } : {}) },
];

/** `POST /v1/volunteer-time`: a month's hours, valued and booked 864 / 875 (or 864 / 870: the settings' `timeSourceAccount`). */
export async function recordVolunteerTime(db: Db, input: VolunteerTimeInput, idem?: Idempotency, actor?: Actor): Promise<VolunteerTime> {
  const settings = await volunteersOf(db);
  const rate = input.rate ?? settings.hourlyRate;
  const errors = [];
  if (!rate)
    errors.push({ path: "rate", message: "aucun taux horaire n'est fixé dans les paramètres (Bénévoles) : donnez-en un, ou fixez-le dans les paramètres" });
  const today = parisDate(now());
  if (input.month > today.slice(0, 7)) errors.push({ path: "month", message: `le mois ${input.month} n'est pas encore commencé` });
  if (errors.length) throw new ValidationError(errors);
  const date = lastDayOf(input.month);
  const year = fiscalYearOf(date);
  const amount = hoursValue(input.hours, rate);
  if (amount <= 0) throw new ValidationError([{ path: "hours", message: "la valeur de ces heures est nulle" }]);
  const id = newId(year);
  const record: VolunteerTime = {
    id,
    kind: "time",
    year,
    month: input.month,
    date,
    hours: input.hours,
    rate,
    method: methodOf(rate, settings.method ?? "", input.rate !== undefined),
    label: input.label,
    project: input.project ?? null,
    amount,
    accounts: cvnAccounts(settings.timeSourceAccount).time,
    entryId: "",
    status: "booked",
    reversal: null,
    createdAt: nowIso(),
    createdBy: who(actor),
  };
  return bookWithEntry(db, record, `BENEVOLAT-${input.month}`, idem, actor);
}

/** `POST /v1/gifts-in-kind`: a gift in kind valued and booked on its nature's accounts (860/870, 861/871, 862/871). */
export async function recordGiftInKind(db: Db, input: GiftInKindInput, idem?: Idempotency, actor?: Actor): Promise<GiftInKind> {
  const today = parisDate(now());
  if (input.date > today)
    throw new ValidationError([{ path: "date", message: `le ${input.date} n'est pas encore arrivé : un don en nature est enregistré une fois reçu` }]);
  const year = fiscalYearOf(input.date);
  const nature = GIFT_NATURES[input.nature as GiftNature];
  const accounts = cvnAccounts((await volunteersOf(db)).timeSourceAccount).gift(input.nature as GiftNature);
  const record: GiftInKind = {
    id: newId(year),
    kind: "gift",
    year,
    date: input.date,
    nature: input.nature,
    natureLabel: nature.label,
    giver: input.giver ?? null,
    label: input.label,
    project: input.project ?? null,
    amount: input.amount,
    accounts,
    entryId: "",
    status: "booked",
    reversal: null,
    createdAt: nowIso(),
    createdBy: who(actor),
  };
  return bookWithEntry(db, record, `DON-NATURE-${input.date}`, idem, actor);
}

/** The entry's id is known only once written: the record is written with it (same transaction). */
async function bookWithEntry<C extends Contribution>(db: Db, record: C, pieceRef: string, idem?: Idempotency, actor?: Actor): Promise<C> {
  const entryId = randomUUID();
  const c = { ...record, entryId };
  if (c.project) await checkProjects(db, [{ path: "project", project: c.project }]);
  const work = new UnitOfWork().add(contributionItem(c)).failsWith("cvn", () => new ConflictError(`Record ${c.id} already exists.`, { id: c.id }));
  const { id, existed } = await writeDraft(
    db,
    { journal: "OD", date: c.date, label: c.label, pieceRef, lines: twoLines(c.accounts, c.amount, c.project, c.label) },
    { id: entryId, work, owner: "volunteers", ...(idem ? { idempotency: idem } : {}), ...(actor ? { actor } : {}) },
  );
  if (existed) throw new ConflictError("Cette demande a déjà été enregistrée (même clé d'idempotence).", {});
  await awaitValidation(db, id);
  return c;
}

/**
 * `POST /v1/volunteer-time/{id}/reversal`, `POST /v1/gifts-in-kind/{id}/reversal`: the correction.
 * The reversing entry is dated as the item while its fiscal year is open (that year's figures stay
 * true), else today in the first open year, its label saying so; the record is marked reversed
 * with the reason, who and when, in one transaction with the entry.
 */
export async function reverseContribution(
  db: Db,
  kind: Contribution["kind"],
  id: string,
  reason: string,
  idem?: Idempotency,
  actor?: Actor,
): Promise<Contribution> {
  const c = await readContribution(db, kind, id);
  if (!c) throw new NotFoundError(kind === "time" ? `Aucune déclaration d'heures ${id}.` : `Aucun don en nature ${id}.`);
  if (c.status === "reversed") throw new ConflictError(`${id} est déjà annulé (le ${c.reversal?.on}).`, { id });
  const original = await getEntry(db, c.entryId);
  if (!original) throw new NotFoundError(`No entry ${c.entryId}.`);
  const on = parisDate(now());
  // The year's figures stay true: dated as the item while its year is open; else in the first open year.
  const open = (await listYears(db)).find((y) => y.year === c.year)?.status === "open";
  const entryId = randomUUID();
  const reversal = { entryId, reason, on, by: who(actor) ?? { sub: "system", role: "system" } };
  const work = new UnitOfWork().add(reversedItem(c, reversal)).failsWith("cvn", () => new ConflictError(`${id} est déjà annulé.`, { id }));
  const label = `Annulation : ${c.label} (${reason}${open ? "" : `, exercice ${c.year} clos`})`.slice(0, 200);
  const { id: written, existed } = await writeDraft(
    db,
    {
      journal: "OD",
      date: open ? c.date : on,
      label,
      pieceRef: original.pieceRef,
      pieceDate: original.pieceDate,
      lines: original.lines.map((l) => ({ ...l, debit: l.credit, credit: l.debit })),
      reversalOf: original.id,
    },
    { id: entryId, work, owner: "volunteers", ...(idem ? { idempotency: idem } : {}), ...(actor ? { actor } : {}) },
  );
  if (existed) throw new ConflictError("Cette demande a déjà été enregistrée (même clé d'idempotence).", {});
  await awaitValidation(db, written);
  return { ...c, status: "reversed", reversal };
}

const byDate = <T extends Contribution>(items: T[]) => items.sort((a, b) => a.date.localeCompare(b.date) || a.createdAt.localeCompare(b.createdAt));

/** `GET /v1/volunteer-time?year=`: the fiscal year's months, the booked totals and the valuation in force. */
export async function listVolunteerTime(db: Db, year: number) {
  const [items, settings] = await Promise.all([readContributions(db, "time", year), volunteersOf(db)]);
  const booked = items.filter((i) => i.status === "booked");
  return {
    year,
    items: byDate(items),
    totals: { hours: Math.round(booked.reduce((s, i) => s + i.hours * 100, 0)) / 100, amount: booked.reduce((s, i) => s + i.amount, 0) },
    valuation: { rate: settings.hourlyRate, method: settings.method ?? "", accounts: cvnAccounts(settings.timeSourceAccount).time },
  };
}

/** `GET /v1/gifts-in-kind?year=`: the fiscal year's gifts in kind and the booked totals per nature. */
export async function listGiftsInKind(db: Db, year: number) {
  const [items, settings] = await Promise.all([readContributions(db, "gift", year).then(byDate), volunteersOf(db)]);
  const booked = items.filter((i) => i.status === "booked");
  const accounts = cvnAccounts(settings.timeSourceAccount);
  const byNature = (Object.keys(GIFT_NATURES) as GiftNature[]).map((nature) => ({
    nature,
    label: GIFT_NATURES[nature].label,
    accounts: accounts.gift(nature),
    amount: booked.filter((i) => i.nature === nature).reduce((s, i) => s + i.amount, 0),
  }));
  return { year, items, byNature, total: booked.reduce((s, i) => s + i.amount, 0) };
}
