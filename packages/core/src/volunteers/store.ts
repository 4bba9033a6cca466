/**
 * Where the volunteers' records live in the single table, with the entry each one wrote.
 *
 * | item | pk | sk |
 * | --- | --- | --- |
 * | volunteer time of a month | `CVN#<year>` | `TIME#<id>` |
 * | gift in kind | `CVN#<year>` | `GIFT#<id>` |
 *
 * The id begins with the fiscal year (`2025-…`), so a record is read by key from its id alone.
 */
import type { Db } from "../db/client.js";
import { getItem, queryPrefix, type Item, type NamedItem } from "../db/store.js";

export interface Who {
  sub: string;
  role: string;
}

interface Common {
  id: string;
  year: number;
  date: string;
  label: string;
  project: string | null;
  amount: number;
  accounts: { use: string; source: string };
  entryId: string;
  status: "booked" | "reversed";
  reversal: { entryId: string; reason: string; on: string; by: Who } | null;
  createdAt: string;
  createdBy: Who | null;
}
export interface VolunteerTime extends Common {
  kind: "time";
  month: string;
  hours: number;
  rate: number;
  method: string;
}
export interface GiftInKind extends Common {
  kind: "gift";
  nature: "biens" | "mise-a-disposition" | "prestations";
  natureLabel: string;
  giver: string | null;
}
export type Contribution = VolunteerTime | GiftInKind;

const sortKey = (kind: Contribution["kind"], id: string) => `${kind === "time" ? "TIME" : "GIFT"}#${id}`;
const key = (kind: Contribution["kind"], id: string) => ({ pk: `CVN#${id.slice(0, 4)}`, sk: sortKey(kind, id) });
const strip = <T>(i: Item): T => {
  const { pk: _p, sk: _s, itemKind: _k, ...r } = i;
  return r as unknown as T;
};

/** The item that records a new contribution, written with its entry (named `cvn`). */
export function contributionItem(c: Contribution): NamedItem {
  return {
    name: "cvn",
    item: { Put: { Item: { ...key(c.kind, c.id), itemKind: "cvn", ...c }, ConditionExpression: "attribute_not_exists(pk)" } },
  };
}

/** The item that marks a contribution reversed, written with the reversing entry (named `cvn`): it must still be booked. */
export function reversedItem(c: Contribution, reversal: NonNullable<Contribution["reversal"]>): NamedItem {
  return {
    name: "cvn",
    item: {
      Update: {
        Key: key(c.kind, c.id),
        UpdateExpression: "SET #s = :r, reversal = :v",
        ConditionExpression: "#s = :b",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":r": "reversed", ":b": "booked", ":v": reversal },
      },
    },
  };
}

export async function readContribution<K extends Contribution["kind"]>(db: Db, kind: K, id: string): Promise<Extract<Contribution, { kind: K }> | undefined> {
  const i = await getItem(db, key(kind, id), { consistent: true });
  return i ? strip(i) : undefined;
}

/** A fiscal year's records of one kind, in id order. */
export async function readContributions<K extends Contribution["kind"]>(db: Db, kind: K, year: number): Promise<Extract<Contribution, { kind: K }>[]> {
  return (await queryPrefix(db, `CVN#${year}`, `${kind === "time" ? "TIME" : "GIFT"}#`, { consistent: true })).map((i) => strip(i));
}
