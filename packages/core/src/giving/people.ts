import { createHash } from "node:crypto";
import type { Db } from "../db/client.js";
import { parisDate } from "../dates.js";
import { ValidationError } from "../errors.js";
import { coveredFromOfRecord, type MemberStatus, reminderDue, statusOf, validityOfRecord } from "./memberships.js";
import { donationsOfYear, donorsCursor, getMember, incidentsOfYear, memberIndexPage, membersCursor, membersPages, subscriptionStatuses } from "./store.js";
import type { Donation, Incident, Member } from "./types.js";
import { now } from "../clock.js";

const strip = <T extends { address?: unknown }>(o: T, withAddresses: boolean): T => {
  if (withAddresses) return o;
  const { address: _a, ...rest } = o;
  return rest as T;
};

const badCursor = (message: string) => new ValidationError([{ path: "cursor", message }]);

export interface DonorRow {
  email: string;
  firstName: string;
  lastName: string;
  address?: Donation["address"];
  total: number;
  gifts: number;
  monthly: boolean;
  lastGift: string;
  subscription?: string;
}

const norm = (v: string | undefined) => (v ?? "").normalize("NFC").replace(/\s+/g, " ").trim().toLocaleLowerCase("fr");

/**
 * A donor identity: the e-mail with the name and address given at checkout (a monthly donor's
 * gifts carry their subscription's). The e-mail alone is nobody's identity (nobody verified it):
 * two people giving under one e-mail, or one person under two addresses, are two rows. Answered
 * as a hash, so that a cursor carries no name or address.
 */
export function donorIdentity(d: Pick<Donation, "email" | "firstName" | "lastName" | "address"> & { organisation?: string }): string {
  const a = d.address;
  const parts = [d.email, d.firstName, d.lastName, d.organisation, a?.line1, a?.line2, a?.postalCode, a?.city, a?.country].map(norm);
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

const byEmailThenIdentity = (a: { email: string; id: string }, b: { email: string; id: string }) =>
  a.email < b.email ? -1 : a.email > b.email ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * Donors of a year, one row per donor identity (`donorIdentity`: e-mail, name and address as
 * given), in e-mail order: total kept (net of refunds), gift count, monthly or not, and whether
 * the subscription still runs. A row's name and address are its own gifts', never another's. A
 * row sums several gift records, so each page reads the year's gifts (one index query) and
 * answers the rows after the cursor's (e-mail, identity).
 */
export async function listDonors(db: Db, year: number, opts: { withAddresses: boolean; limit?: number; cursor?: string }) {
  const limit = opts.limit ?? 100;
  const c = donorsCursor.read(opts.cursor);
  if (c && (c.y !== year || typeof c.e !== "string" || (c.i !== undefined && typeof c.i !== "string"))) throw badCursor("belongs to another year's listing");
  const after = c ? { email: c.e, id: c.i ?? "\uffff" } : undefined;
  const rows = new Map<string, DonorRow & { id: string; subscriptionId?: string }>();
  for await (const page of donationsOfYear(db, year))
    for (const d of page) {
      if (d.kind !== "donation") continue;
      const id = donorIdentity(d);
      if (after && byEmailThenIdentity({ email: d.email, id }, after) <= 0) continue;
      const r = rows.get(id) ?? {
        id,
        email: d.email,
        firstName: d.firstName,
        lastName: d.lastName,
        ...(d.address ? { address: d.address } : {}),
        total: 0,
        gifts: 0,
        monthly: false,
        lastGift: d.date,
      };
      r.total += d.amount - (d.refunded ?? 0);
      r.gifts += 1;
      r.monthly ||= d.frequency === "monthly";
      if (d.subscriptionId) r.subscriptionId = d.subscriptionId;
      if (d.date >= r.lastGift) r.lastGift = d.date;
      rows.set(id, r);
    }
  const sorted = [...rows.values()].sort(byEmailThenIdentity);
  const page = sorted.slice(0, limit);
  // Monthly donors: is their subscription still running?
  const subIds = [...new Set(page.flatMap((r) => (r.subscriptionId ? [r.subscriptionId] : [])))];
  const status = await subscriptionStatuses(db, subIds, { consistent: false });
  const items = page.map(({ subscriptionId, id: _id, ...r }) =>
    strip({ ...r, ...(subscriptionId ? { subscription: status.get(subscriptionId) ?? "active" } : {}) }, opts.withAddresses),
  );
  const last = page.at(-1);
  return { year, items, nextCursor: sorted.length > limit && last ? donorsCursor.write({ y: year, e: last.email, i: last.id }) : null };
}

/**
 * Members in email order with their status, from their dates (giving/memberships.ts `statusOf`):
 * `active` from the first day of the membership (`coveredFrom`) through the last day of the latest
 * period paid (`validUntil`), `upcoming` before it starts (paid in December for the next year),
 * `expired` after it. `validFrom` is the latest period's first day.
 */
export async function listMembers(db: Db, opts: { status?: MemberStatus; withAddresses: boolean; today?: string; limit?: number; cursor?: string }) {
  const today = opts.today ?? parisDate(now());
  const limit = opts.limit ?? 100;
  const cursor = membersCursor(opts.status ?? "all");
  let start = cursor.read(opts.cursor);
  if (start && (start.gsi1pk !== "MEMBERS" || typeof start.gsi1sk !== "string" || typeof start.pk !== "string")) throw badCursor("is not a members cursor");
  const items: Array<Member & { validFrom: string; coveredFrom: string; status: MemberStatus }> = [];
  let lastKey: Record<string, unknown> | undefined;
  do {
    const r = await memberIndexPage(db, limit - items.length, start);
    for (const m of r.items as unknown as Member[]) {
      const status = memberStatus(m, today);
      if (opts.status && opts.status !== status) continue;
      const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, kind: _k, charges: _c, ...member } = m as Member & Record<string, unknown>;
      const dates = validityOfRecord(m);
      items.push(strip({ ...(member as unknown as Member), ...dates, coveredFrom: coveredFromOfRecord(m), status }, opts.withAddresses));
    }
    lastKey = r.lastKey;
    start = lastKey as Record<string, string> | undefined;
  } while (items.length < limit && lastKey);
  return { items, nextCursor: lastKey ? cursor.write(lastKey as Record<string, string>) : null };
}

/** A member's status on `today` (giving/memberships.ts `statusOf`). */
export const memberStatus = (m: Pick<Member, "validFrom" | "validUntil" | "coveredFrom" | "lastPaymentOn">, today: string) => statusOf(m, today);

/**
 * One member as plain data (e-mail, lower case), with the latest period's dates (`validFrom`,
 * `validUntil`), its status today, and the fees applied (`charges`, the latest last; more than
 * one: a renewal). Undefined for an address that never paid a membership.
 */
export async function memberOf(db: Db, email: string, today = parisDate(now())) {
  const m = await getMember(db, email.trim().toLowerCase());
  if (!m) return undefined;
  const dates = validityOfRecord(m);
  return { ...m, ...dates, coveredFrom: coveredFromOfRecord(m), charges: m.charges ?? [], status: memberStatus(m, today) };
}

/**
 * The members a renewal reminder is due to on `date` (giving/memberships.ts `reminderDue`): their
 * latest period ends 30 days later (`daysLeft` 30) or that day (0). Read from the members' index a
 * page at a time (records older than periods included); an erased (pseudonymised) member is never due.
 */
export async function membersDueForReminder(db: Db, date: string) {
  const out: Array<Member & { validFrom: string; daysLeft: number }> = [];
  for await (const page of membersPages(db))
    for (const m of page) {
      if ((m as Member & { erasedOn?: string }).erasedOn) continue;
      const daysLeft = reminderDue(m.validUntil, date);
      if (daysLeft !== undefined) out.push({ ...m, ...validityOfRecord(m), daysLeft });
    }
  return out;
}

/** A gift or fee whose tax receipt waits for a postal address, as the « À traiter » list shows it. */
export interface GiftAwaitingAddress {
  chargeId: string;
  kind: Donation["kind"];
  date: string;
  amount: number;
  email: string;
  firstName: string;
  lastName: string;
  tierId?: string;
}

/**
 * The year's gifts and fees whose receipt waits for a postal address: a gift that asked for a
 * receipt, or a fee on a tier marked for receipts (`receiptTiers`: a membership paid from the
 * public page, which asks no address), something of it kept (not all refunded), no address, no
 * receipt. In date order.
 */
export async function giftsAwaitingAddress(db: Db, year: number, receiptTiers: ReadonlySet<string>): Promise<GiftAwaitingAddress[]> {
  const out: GiftAwaitingAddress[] = [];
  for await (const page of donationsOfYear(db, year))
    for (const d of page) {
      const kept = d.amount - (d.refunded ?? 0);
      if (d.address || d.receiptId || kept <= 0) continue;
      const wanted = d.kind === "donation" ? d.receiptWanted : !!d.tierId && receiptTiers.has(d.tierId);
      if (!wanted) continue;
      out.push({
        chargeId: d.chargeId,
        kind: d.kind,
        date: d.date,
        amount: kept,
        email: d.email,
        firstName: d.firstName,
        lastName: d.lastName,
        ...(d.tierId ? { tierId: d.tierId } : {}),
      });
    }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.chargeId < b.chargeId ? -1 : 1));
}

export async function listIncidents(db: Db, year: number) {
  const items: Incident[] = [];
  for await (const page of incidentsOfYear(db, year)) items.push(...page);
  return { year, items };
}

export { DonorListQuery, DonorListSchema, MemberListQuery, MemberListSchema } from "./people-schemas.js";
