/**
 * One person's data in the giving domain, for the right of access and the right to erasure (RGPD
 * arts. 15 and 17): every record that carries their e-mail address — donations, checkout records,
 * the member record, monthly subscriptions, payment incidents — answered as stored, and
 * pseudonymised on request. The workflow `workflows/personal-data.ts` joins this with the receipts,
 * the ledger and the mail.
 *
 * Pseudonymised, not deleted: amounts, dates, Stripe ids and accounts stay (the ledger's entries
 * and the receipts rest on them, and the year's totals must not move); the name becomes
 * "Personne effacée", the e-mail a stable alias (the same address always gives the same alias,
 * so one person's gifts still group in the listings and a second request finds them), the postal
 * address, the organisation and any Stripe customer link are removed.
 *
 * Errors: ConflictError (a monthly gift still runs: it must be stopped first, else its next
 * payment would be booked, and its recap receipt printed, under the pseudonym).
 */
import { createHash } from "node:crypto";
import { parisDate } from "../dates.js";
import type { Db } from "../db/client.js";
import { ConflictError } from "../errors.js";
import { now } from "../clock.js";
import { listYears } from "../ledger/index.js";
import type { Item, Key } from "../db/store.js";
import {
  eraseFields,
  erasedIndexKeys,
  lastContacts,
  moveMemberRecord,
  plainRecord,
  readPeopleIndex,
  readPersonItems,
  type PeopleIndex,
  type PersonItems,
} from "./store.js";

export type { PeopleIndex };
import { memberKey } from "./records.js";

/** The name an erased person's records carry (in `lastName`; `firstName` is emptied). */
export const ERASED_NAME = "Personne effacée";
const ALIAS_DOMAIN = "efface.invalid";

/**
 * The stable alias of an e-mail address once erased: `efface-<24 hex of its SHA-256>@efface.invalid`
 * (a reserved domain, so nothing is ever sent to it). A hash, so the same address always gives the
 * same alias; pseudonymisation rather than anonymisation: whoever knows the address can find the alias.
 */
export function erasureAlias(email: string): string {
  const digest = createHash("sha256").update(`asso-erasure\u0000${email.trim().toLowerCase()}`).digest("hex");
  return `efface-${digest.slice(0, 24)}@${ALIAS_DOMAIN}`;
}

/** True for an address that is an erasure alias. */
export const isErasureAlias = (email: string) => /^efface-[0-9a-f]{24}@efface\.invalid$/.test(email);

/**
 * The calendar years to look through for one person: one either side of the ledger's fiscal
 * years, and the current year (gifts are listed by calendar year, incidents by fiscal year).
 */
export async function personYears(db: Db): Promise<number[]> {
  const current = Number(parisDate(now()).slice(0, 4));
  const known = (await listYears(db)).map((y) => y.year);
  const from = Math.min(current, ...known) - 1;
  const to = Math.max(current, ...known) + 1;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** What giving holds about one person, as stored (without storage keys). */
export interface GivingPersonData {
  donations: Record<string, unknown>[];
  checkouts: Record<string, unknown>[];
  member: Record<string, unknown> | null;
  subscriptions: Record<string, unknown>[];
  incidents: Record<string, unknown>[];
}

const keyOf = (i: Item): Key => ({ pk: i.pk as string, sk: i.sk as string });

/** Where everybody's records are (one pass over the years' donations and incidents): read it once for many people. */
export async function peopleIndex(db: Db, opts: { years?: readonly number[] } = {}): Promise<PeopleIndex> {
  return readPeopleIndex(db, opts.years ?? (await personYears(db)));
}

/** Options of the per-person use cases: the years to look through, or an index read already. */
export interface PersonOptions {
  years?: readonly number[];
  index?: PeopleIndex;
}

const read = async (db: Db, email: string, index: PeopleIndex) => readPersonItems(db, [email, erasureAlias(email)], index);

/** Everything giving holds about `email` (and its erasure alias, once erased). */
export async function exportPerson(db: Db, email: string, opts: PersonOptions = {}): Promise<GivingPersonData> {
  const items = await read(db, email, opts.index ?? (await peopleIndex(db, opts)));
  return {
    donations: items.donations.map((i) => plainRecord(i)),
    checkouts: items.checkouts.map((i) => plainRecord(i)),
    member: items.member ? plainRecord(items.member, true) : null,
    subscriptions: items.subscriptions.map((i) => plainRecord(i, true)),
    incidents: items.incidents.map((i) => plainRecord(i, true)),
  };
}

/** One line of an erasure's answer: a kind of record and how many of that person's are pseudonymised. */
export interface ErasedCount {
  what: string;
  label: string;
  count: number;
}

/** What giving's erasure did: the counts (records pseudonymised, now or by an earlier erasure) and how many were written now. */
export interface GivingErasure {
  erased: ErasedCount[];
  written: number;
  /** The person's charges (the ledger entries and receipts that rest on them are kept). */
  chargeIds: string[];
  /** The calendar years of the person's gifts and fees (their receipts are of the same years). */
  giftYears: number[];
}

/** Fields that identify a person and go at erasure (Stripe customer links included). */
const IDENTIFYING = ["address", "organisation", "billingName", "customerId", "stripeCustomerId", "customer"] as const;

const namesOf = (items: PersonItems) => {
  const names = new Set<string>();
  for (const i of [...items.donations, ...items.checkouts, ...(items.member ? [items.member] : [])]) {
    const full = `${String(i.firstName ?? "")} ${String(i.lastName ?? "")}`.trim();
    if (full && full !== ERASED_NAME) names.add(full);
  }
  return [...names].sort((a, b) => b.length - a.length);
};

/** A text with the person's names and address replaced (an incident's detail). */
function scrub(text: string, names: readonly string[], email: string, alias: string): string {
  let out = text;
  for (const n of names) out = out.split(n).join(ERASED_NAME);
  return out.split(email).join(alias);
}

/**
 * Pseudonymises everything giving holds about `email` that the law does not require as it is:
 * donations and checkout records (name, e-mail, address, organisation, Stripe customer), the
 * member record (moved to the alias's key), subscriptions (e-mail), incidents (e-mail and the
 * names in their detail). Idempotent: a second call counts the same records and writes nothing.
 */
export async function erasePerson(db: Db, email: string, opts: PersonOptions & { today?: string } = {}): Promise<GivingErasure> {
  const address = email.trim().toLowerCase();
  const alias = erasureAlias(address);
  const index = opts.index ?? (await peopleIndex(db, opts));
  const today = opts.today ?? parisDate(now());
  let items = await read(db, address, index);
  const running = items.subscriptions.filter((s) => s.status === "active" && s.email !== alias);
  if (running.length)
    throw new ConflictError(
      `Un don mensuel de cette personne est en cours (${running.map((s) => String(s.pk).slice("SUBSCRIPTION#".length)).join(", ")}) : arrêtez-le d'abord (espace donateur ou tableau de bord Stripe), puis effacez ses données.`,
      { subscriptions: running.map((s) => String(s.pk).slice("SUBSCRIPTION#".length)) },
    );
  const names = namesOf(items);
  let written = 0;
  const person = { email: alias, firstName: "", lastName: ERASED_NAME, erasedOn: today };
  for (const i of [...items.donations, ...items.checkouts]) {
    if (i.email === alias) continue;
    const remove = IDENTIFYING.filter((f) => f in i);
    if (await eraseFields(db, keyOf(i), { ...person, ...erasedIndexKeys(i, alias) }, remove)) written++;
  }
  for (const s of items.subscriptions)
    if (
      s.email !== undefined &&
      s.email !== alias &&
      (await eraseFields(
        db,
        keyOf(s),
        { email: alias, erasedOn: today },
        IDENTIFYING.filter((f) => f in s),
      ))
    )
      written++;
  for (const i of items.incidents)
    if (!i.erasedOn) {
      const set: Record<string, unknown> = { erasedOn: today, detail: scrub(String(i.detail ?? ""), names, address, alias) };
      if (typeof i.email === "string") set.email = alias;
      if (await eraseFields(db, keyOf(i), set, [])) written++;
    }
  // The member record is keyed by its e-mail: it moves to the alias's key, pseudonymised.
  for (let attempt = 0; items.member && items.member.pk !== memberKey(alias).pk; attempt++) {
    const m = items.member;
    const { address: _a, organisation: _o, customerId: _c, stripeCustomerId: _s, ...rest } = m;
    const moved = { ...rest, ...memberKey(alias), ...person, gsi1sk: alias };
    if (await moveMemberRecord(db, m, moved)) {
      written++;
      break;
    }
    if (attempt >= 5) throw new ConflictError("La fiche d'adhérent change en ce moment : recommencez dans un instant.");
    items = await read(db, address, index);
  }
  const after = await read(db, address, index);
  const erased: ErasedCount[] = [
    { what: "donations", label: "Dons et cotisations (fiches)", count: after.donations.length },
    { what: "checkouts", label: "Formulaires de paiement", count: after.checkouts.length },
    { what: "member", label: "Fiche d'adhérent", count: after.member ? 1 : 0 },
    { what: "subscriptions", label: "Dons mensuels (abonnements)", count: after.subscriptions.length },
    { what: "incidents", label: "Incidents de paiement", count: after.incidents.length },
  ];
  const giftYears = [...new Set(after.donations.map((d) => Number(d.year)).filter(Number.isInteger))].sort();
  return { erased, written, chargeIds: after.donations.map((d) => d.chargeId as string), giftYears };
}

/**
 * How long giving keeps a person's data once they stop giving: three years after the last contact
 * (the last gift or fee, the end of the membership, the last incident), as the CNIL's référentiel
 * on donor management says for prospecting; the receipts and the ledger keep their own periods.
 */
export const RETENTION_YEARS_AFTER_LAST_CONTACT = 3;

/** The date before which a last contact is too old: `today` less three years (29 February: the 28th). */
export function retentionCutoff(today: string): string {
  const md = today.slice(5) === "02-29" ? "02-28" : today.slice(5);
  return `${Number(today.slice(0, 4)) - RETENTION_YEARS_AFTER_LAST_CONTACT}-${md}`;
}

/** The addresses whose last contact is before `cutoff`, oldest contact first, with that date. */
export async function inactivePeople(db: Db, cutoff: string, opts: PersonOptions = {}): Promise<{ email: string; lastContact: string }[]> {
  const contacts = await lastContacts(db, opts.index ?? (await peopleIndex(db, opts)), isErasureAlias);
  return [...contacts]
    .filter(([, last]) => last < cutoff)
    .map(([email, lastContact]) => ({ email, lastContact }))
    .sort((a, b) => (a.lastContact < b.lastContact ? -1 : a.lastContact > b.lastContact ? 1 : a.email < b.email ? -1 : 1));
}
