/**
 * The ledger's storage — Balances per project: the sequencer moves them in the same transaction as
 * the monthly balances, for the lines that carry a project.
 *
 * | item | pk | sk |
 * | --- | --- | --- |
 * | project balance | `PBAL#<year>` | `<project>#<account>#<MM>` (`#CL` for closing entries) |
 *
 * A project's lines are listed through the sparse index gsi1 `PLINES#<year>#<project>` set on the
 * account line items that carry a project (store/chain.ts), in date order.
 */
import type { Db } from "../../db/client.js";
import { queryAll, queryPage } from "../../db/store.js";
import { keys } from "../keys.js";
import type { LineRecord, ResumeKey } from "./balances.js";

export const projectBalanceKey = (year: number, project: string, account: string, bucket: string) => ({
  pk: `PBAL#${year}`,
  sk: `${project}#${account}#${bucket}`,
});

export interface ProjectBalanceRecord {
  project: string;
  account: string;
  bucket: string;
  debit: number;
  credit: number;
}

/** A year's project balance items (projects × accounts × months), every page; one project's when named. */
export async function readProjectBalances(db: Db, year: number, project?: string): Promise<ProjectBalanceRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: project ? "pk = :p AND begins_with(sk, :s)" : "pk = :p",
    ExpressionAttributeValues: { ":p": `PBAL#${year}`, ...(project ? { ":s": `${project}#` } : {}) },
    ConsistentRead: true,
  });
  return items.map((i) => ({
    project: i.project as string,
    account: i.account as string,
    bucket: i.bucket as string,
    debit: i.debit as number,
    credit: i.credit as number,
  }));
}

/** One page of a project's lines of a year in date order (its index), optionally between two dates. */
export async function readProjectLines(
  db: Db,
  q: { year: number; project: string; limit: number; start?: ResumeKey; from?: string; to?: string },
): Promise<{ items: (LineRecord & { account: string })[]; next: ResumeKey | undefined }> {
  const range = q.from !== undefined && q.to !== undefined;
  const { items, lastKey } = await queryPage(db, {
    IndexName: "gsi1",
    KeyConditionExpression: range ? "gsi1pk = :p AND gsi1sk BETWEEN :a AND :b" : "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": keys.projectLinesIndex(q.year, q.project), ...(range ? { ":a": q.from, ":b": `${q.to}#~` } : {}) },
    Limit: q.limit,
    ExclusiveStartKey: q.start,
  });
  return { items: items.map((i) => ({ ...(i as unknown as LineRecord), account: (i.pk as string).split("#")[2]! })), next: lastKey };
}
