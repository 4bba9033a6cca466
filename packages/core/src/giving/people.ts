import { createHash } from "node:crypto";
import type { Db } from "../db/client.js";
import { decodeCursor, encodeCursor } from "../db/cursor.js";
import { batchGet, queryPage, queryPages } from "../db/store.js";
import { parisDate } from "../dates.js";
import { ValidationError } from "../errors.js";
import { subscriptionKey } from "./records.js";
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
  const c = decodeCursor<{ y: number; e: string; i?: string }>(opts.cursor, "donors");
  if (c && (c.y !== year || typeof c.e !== "string" || (c.i !== undefined && typeof c.i !== "string"))) throw badCursor("belongs to another year's listing");
  const after = c ? { email: c.e, id: c.i ?? "\uffff" } : undefined;
  const rows = new Map<string, DonorRow & { id: string; subscriptionId?: string }>();
  for await (const page of queryPages(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": `DONATIONS#${year}` },
  }))
    for (const d of page as unknown as Donation[]) {
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
  const status = new Map<string, string>();
  for (const it of await batchGet(db, subIds.map(subscriptionKey), { consistent: false }))
    status.set(String(it.pk).slice("SUBSCRIPTION#".length), it.status as string);
  const items = page.map(({ subscriptionId, id: _id, ...r }) =>
    strip({ ...r, ...(subscriptionId ? { subscription: status.get(subscriptionId) ?? "active" } : {}) }, opts.withAddresses),
  );
  const last = page.at(-1);
  return { year, items, nextCursor: sorted.length > limit && last ? encodeCursor({ y: year, e: last.email, i: last.id }, "donors") : null };
}

/** Members in email order with their status: active until the end of the calendar year they paid for. */
export async function listMembers(db: Db, opts: { status?: "active" | "expired"; withAddresses: boolean; today?: string; limit?: number; cursor?: string }) {
  const today = opts.today ?? parisDate(now());
  const limit = opts.limit ?? 100;
  const purpose = `members:${opts.status ?? "all"}`;
  let start = decodeCursor<Record<string, string>>(opts.cursor, purpose);
  if (start && (start.gsi1pk !== "MEMBERS" || typeof start.gsi1sk !== "string" || typeof start.pk !== "string")) throw badCursor("is not a members cursor");
  const items: Array<Member & { status: "active" | "expired" }> = [];
  let lastKey: Record<string, unknown> | undefined;
  do {
    const r = await queryPage(db, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :p",
      ExpressionAttributeValues: { ":p": "MEMBERS" },
      Limit: limit - items.length,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    for (const m of r.items as unknown as Member[]) {
      const status = m.validUntil >= today ? ("active" as const) : ("expired" as const);
      if (opts.status && opts.status !== status) continue;
      const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, kind: _k, ...member } = m as Member & Record<string, unknown>;
      items.push(strip({ ...(member as unknown as Member), status }, opts.withAddresses));
    }
    lastKey = r.lastKey;
    start = lastKey as Record<string, string> | undefined;
  } while (items.length < limit && lastKey);
  return { items, nextCursor: lastKey ? encodeCursor(lastKey, purpose) : null };
}

export async function listIncidents(db: Db, year: number) {
  const items: Incident[] = [];
  for await (const page of queryPages(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": `INCIDENTS#${year}` },
  }))
    for (const i of page) {
      const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, kind: _k, ...incident } = i;
      items.push(incident as unknown as Incident);
    }
  return { year, items };
}

export { DonorListQuery, DonorListSchema, MemberListQuery, MemberListSchema } from "./people-schemas.js";
