/**
 * The ledger's storage — Balances per project: the sequencer moves them in the same transaction as
 * the monthly balances, for the lines that carry a project.
 *
 * | item | pk | sk |
 * | --- | --- | --- |
 * | project balance | `PBAL#<year>` | `<project>#<account>#<MM>` (`#CL` for closing entries) |
 */
import type { Db } from "../../db/client.js";
import { queryAll } from "../../db/store.js";

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
