/** The ledger's storage — Export jobs (FEC and CSV, the auditor's package, built in the background). */
import type { Db } from "../../db/client.js";
import { getItem, transact } from "../../db/store.js";
import { keys } from "../keys.js";
import { nowMs } from "../../clock.js";

import { conditional } from "./shared.js";

export interface ExportJob {
  id: string;
  year: number;
  /** `audit-package`: the auditor's zip (workflows/audit-package.ts builds it). */
  format: "fec" | "csv" | "audit-package";
  /** A FEC's or CSV's encoding when not UTF-8 (the `encoding` asked for): the job writes the file in it. */
  encoding?: "utf-8" | "iso-8859-15";
  status: "pending" | "running" | "done" | "failed";
  fileName: string;
  /** Where the file goes in the files bucket. */
  objectKey: string;
  createdAt: string;
  createdBy?: { sub: string; role: string; requestId: string };
  startedAt?: string;
  finishedAt?: string;
  bytes?: number;
  /** How far a running job is: files written out of files to write. */
  progress?: { done: number; total: number };
  error?: string;
}

/** Export jobs are kept a week (TTL), like their files (the bucket's lifecycle rule). */
const EXPORT_TTL_SECONDS = 7 * 24 * 3600;

export async function saveExportJob(db: Db, job: ExportJob): Promise<void> {
  await transact(db, [
    {
      name: "job",
      item: {
        Put: {
          Item: { ...keys.exportJob(job.id), kind: "export-job", ...job, ttl: Math.floor(nowMs() / 1000) + EXPORT_TTL_SECONDS },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    },
  ]);
}

export async function readExportJob(db: Db, id: string): Promise<ExportJob | undefined> {
  const item = await getItem(db, keys.exportJob(id));
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, kind: _kind, ttl: _ttl, ...job } = item;
  return job as unknown as ExportJob;
}

/**
 * Moves a job on: `running` only from `pending` (so two runners never both run it), `done` or
 * `failed` only from `running`. False when the job was not in the expected state.
 */
export function moveExportJob(
  db: Db,
  id: string,
  to: "running" | "done" | "failed",
  fields: Partial<Pick<ExportJob, "startedAt" | "finishedAt" | "bytes" | "error" | "progress">> = {},
): Promise<boolean> {
  const names: Record<string, string> = { "#s": "status" };
  const values: Record<string, unknown> = { ":to": to, ":from": to === "running" ? "pending" : "running" };
  let set = "SET #s = :to";
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    set += `, #${k} = :${k}`;
  }
  return conditional(db, {
    Update: {
      Key: keys.exportJob(id),
      UpdateExpression: set,
      ConditionExpression: "#s = :from",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  });
}

/** Notes how far a running job is (nothing when it is no longer running). */
export async function noteExportProgress(db: Db, id: string, progress: { done: number; total: number }): Promise<void> {
  await conditional(db, {
    Update: {
      Key: keys.exportJob(id),
      UpdateExpression: "SET #p = :p",
      ConditionExpression: "#s = :running",
      ExpressionAttributeNames: { "#p": "progress", "#s": "status" },
      ExpressionAttributeValues: { ":p": progress, ":running": "running" },
    },
  });
}

/** How many entries a year holds (kept on the year item by the sequencer). */
export async function readYearEntryCount(db: Db, year: number): Promise<number> {
  return ((await getItem(db, keys.year(year), { consistent: false }))?.entries as number | undefined) ?? 0;
}
