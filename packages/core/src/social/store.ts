/**
 * Social statistics storage: one item per platform and month, in the year's partition.
 *
 * | item | pk | sk |
 * | --- | --- | --- |
 * | month of a platform | `SOCIAL#<year>` | `<platform>#<YYYY-MM>` |
 *
 * A write sets the metrics it is given and keeps the others (the LinkedIn content, followers and
 * visitors files each fill their own metrics of the same months); an import writes all its months
 * in one transaction: all or nothing.
 */
import type { Db } from "../db/client.js";
import { getItem, queryAll, transact, type NamedItem } from "../db/store.js";
import { ValidationError } from "../errors.js";
import type { Actor } from "../ledger/index.js";
import { METRICS, type Metric, type Platform, type SocialMonth } from "./metrics.js";

export const socialKey = (platform: Platform, month: string) => ({ pk: `SOCIAL#${month.slice(0, 4)}`, sk: `${platform}#${month}` });

export type MetricValues = Partial<Record<Metric, number | null>>;

export interface StoredSocialMonth extends SocialMonth {
  source?: string;
  updatedAt?: string;
}

/** Where a month's figures came from, and who wrote them (kept for the audit trail). */
export interface WriteMeta {
  source: string;
  at: string;
  by?: Actor;
}

function updateItem(platform: Platform, month: string, values: MetricValues, meta: WriteMeta): NamedItem {
  const names: Record<string, string> = { "#platform": "platform", "#month": "month", "#source": "source", "#at": "updatedAt" };
  const vals: Record<string, unknown> = { ":platform": platform, ":month": month, ":source": meta.source, ":at": meta.at };
  const set = ["#platform = :platform", "#month = :month", "#source = :source", "#at = :at"];
  if (meta.by) {
    names["#by"] = "updatedBy";
    vals[":by"] = meta.by;
    set.push("#by = :by");
  }
  const remove: string[] = [];
  for (const m of METRICS) {
    const v = values[m];
    if (v === undefined) continue;
    names[`#${m}`] = m;
    if (v === null) remove.push(`#${m}`);
    else {
      vals[`:${m}`] = v;
      set.push(`#${m} = :${m}`);
    }
  }
  return {
    name: `${platform}#${month}`,
    item: {
      Update: {
        Key: socialKey(platform, month),
        UpdateExpression: `SET ${set.join(", ")}${remove.length ? ` REMOVE ${remove.join(", ")}` : ""}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: vals,
      },
    },
  };
}

const view = (i: Record<string, unknown>): StoredSocialMonth => {
  const out: Record<string, unknown> = { platform: i.platform, month: i.month };
  for (const m of METRICS) if (typeof i[m] === "number") out[m] = i[m];
  if (i.source) out.source = i.source;
  if (i.updatedAt) out.updatedAt = i.updatedAt;
  return out as unknown as StoredSocialMonth;
};

/** Sets one month's metrics (null clears one) and answers the month as stored. */
export async function saveSocialMonth(db: Db, platform: Platform, month: string, values: MetricValues, meta: WriteMeta): Promise<StoredSocialMonth> {
  await transact(db, [updateItem(platform, month, values, meta)]);
  return view((await getItem(db, socialKey(platform, month)))!);
}

/** Many months at once, in one transaction (at most 100 months: a file over eight years is refused). */
export async function saveSocialMonths(
  db: Db,
  platform: Platform,
  months: ReadonlyArray<{ month: string; values: MetricValues }>,
  meta: WriteMeta,
): Promise<void> {
  if (months.length > 100)
    throw new ValidationError([{ path: "(body)", message: `the file spans ${months.length} months; import at most 100 months at a time` }]);
  await transact(
    db,
    months.map((m) => updateItem(platform, m.month, m.values, meta)),
  );
}

/** Every platform's months of a year, by platform then month. */
export async function readSocialYear(db: Db, year: number): Promise<StoredSocialMonth[]> {
  const items = await queryAll(db, { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": `SOCIAL#${year}` }, ConsistentRead: true });
  return items.map(view);
}
