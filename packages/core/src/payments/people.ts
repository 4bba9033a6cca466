/**
 * The donors and members registries, and the incidents the trésorier must see. The délégation
 * reads them without postal addresses.
 */
import type { Db } from "../db/client.js";
import { parisDate } from "../dates.js";
import { queryPages } from "../ledger/queries.js";
import { BatchGetCommand } from "@aws-sdk/lib-dynamodb";
import { subscriptionKey, type Donation, type Incident, type Member } from "./records.js";

const strip = <T extends { address?: unknown }>(o: T, withAddresses: boolean): T => {
  if (withAddresses) return o;
  const { address: _a, ...rest } = o;
  return rest as T;
};

/** Donors of a year, one row per email: total kept (net of refunds), gift count, monthly or not. */
export async function listDonors(db: Db, year: number, opts: { withAddresses: boolean }) {
  const rows = new Map<
    string,
    { email: string; firstName: string; lastName: string; address?: Donation["address"]; total: number; gifts: number; monthly: boolean; lastGift: string; subscription?: string; subscriptionId?: string }
  >();
  for await (const page of queryPages(db, { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": `DONATIONS#${year}` } }))
    for (const d of page as unknown as Donation[]) {
      if (d.kind !== "donation") continue;
      const r = rows.get(d.email) ?? { email: d.email, firstName: d.firstName, lastName: d.lastName, total: 0, gifts: 0, monthly: false, lastGift: d.date };
      r.total += d.amount - (d.refunded ?? 0);
      r.gifts += 1;
      r.monthly ||= d.frequency === "monthly";
      if (d.subscriptionId) r.subscriptionId = d.subscriptionId;
      if (d.date >= r.lastGift) {
        r.lastGift = d.date;
        if (d.address) r.address = d.address;
      }
      rows.set(d.email, r);
    }
  // Monthly donors: is their subscription still running?
  const subIds = [...new Set([...rows.values()].flatMap((r) => (r.subscriptionId ? [r.subscriptionId] : [])))];
  const status = new Map<string, string>();
  for (let i = 0; i < subIds.length; i += 100) {
    const got = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: subIds.slice(i, i + 100).map(subscriptionKey) } } }));
    for (const it of got.Responses?.[db.tableName] ?? []) status.set(String(it.pk).slice("SUBSCRIPTION#".length), it.status as string);
  }
  const items = [...rows.values()]
    .sort((a, b) => a.email.localeCompare(b.email))
    .map(({ subscriptionId, ...r }) => strip({ ...r, ...(subscriptionId ? { subscription: status.get(subscriptionId) ?? "active" } : {}) }, opts.withAddresses));
  return { year, items };
}

/** Members with their status: active until the end of the calendar year they paid for. */
export async function listMembers(db: Db, opts: { status?: "active" | "expired"; withAddresses: boolean; today?: string }) {
  const today = opts.today ?? parisDate(new Date());
  const items = [];
  for await (const page of queryPages(db, { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": "MEMBERS" } }))
    for (const m of page as unknown as Member[]) {
      const status = m.validUntil >= today ? ("active" as const) : ("expired" as const);
      if (opts.status && opts.status !== status) continue;
      const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, kind: _k, ...member } = m as Member & Record<string, unknown>;
      items.push(strip({ ...(member as unknown as Member), status }, opts.withAddresses));
    }
  return { items };
}

export async function listIncidents(db: Db, year: number) {
  const items: Incident[] = [];
  for await (const page of queryPages(db, { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": `INCIDENTS#${year}` } }))
    for (const i of page) {
      const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, kind: _k, ...incident } = i;
      items.push(incident as unknown as Incident);
    }
  return { year, items };
}
