/**
 * Exports at AWS scale. API Gateway answers at most 6 MB within 30 s: a small year's FEC or CSV is
 * answered directly, a large one (over `ASYNC_EXPORT_THRESHOLD` entries, or when asked) becomes a
 * job that streams the file page by page to S3 (multipart, flat memory) and is fetched through a
 * presigned link: `202 { id, status }`, then `GET /v1/ledger/exports/{id}` → `{ id, status, url? }`.
 *
 * Who runs the job is the edge's choice (`dispatch`): in AWS the ledger Lambda invokes itself
 * asynchronously; locally the same process runs it in the background.
 *
 * Errors: NotFoundError (no such job).
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.js";
import { NotFoundError } from "../errors.js";
import { presignGet, uploadStream } from "../files/index.js";
import { exportFileName, exportLedger, type ExportFormat } from "./fec.js";
import type { Actor } from "./model.js";
import { moveExportJob, readExportJob, readYearEntryCount, saveExportJob, type ExportJob } from "./store.js";
import { nowMs, nowIso } from "../clock.js";

/** Above this many entries in the year, an export always runs as a job. */
export const ASYNC_EXPORT_THRESHOLD = 5_000;
/** How long a download link stays valid. */
const LINK_SECONDS = 15 * 60;

export const contentTypeOf = (format: ExportFormat) => (format === "fec" ? "text/plain; charset=utf-8" : "text/csv; charset=utf-8");

/** True when the year's export should run as a job: asked for, or too large for a direct answer. */
export async function exportRunsAsJob(db: Db, year: number, asked: boolean | undefined): Promise<boolean> {
  return asked === true || (await readYearEntryCount(db, year)) > ASYNC_EXPORT_THRESHOLD;
}

export interface ExportJobView {
  id: string;
  status: ExportJob["status"];
  year: number;
  format: ExportFormat;
  fileName: string;
  createdAt: string;
  finishedAt?: string;
  bytes?: number;
  /** A presigned download link, once the file is written. */
  url?: string;
  error?: string;
}

/** A job still "running" this long after it started lost its runner (the function timed out or died). */
const STALE_MS = 15 * 60 * 1000;

async function view(job: ExportJob, now = nowMs()): Promise<ExportJobView> {
  if (job.status === "running" && job.startedAt && now - Date.parse(job.startedAt) > STALE_MS)
    job = { ...job, status: "failed", error: "The export was interrupted; ask for it again." };
  return {
    id: job.id,
    status: job.status,
    year: job.year,
    format: job.format,
    fileName: job.fileName,
    createdAt: job.createdAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.bytes !== undefined ? { bytes: job.bytes } : {}),
    ...(job.status === "done" ? { url: await presignGet(job.objectKey, LINK_SECONDS, { fileName: job.fileName }) } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}

/** Records an export job and hands it to `dispatch` (which runs `runExportJob` somewhere). */
export async function startExportJob(
  db: Db,
  q: { year: number; format: ExportFormat; siren: string },
  opts: { actor?: Actor; dispatch: (id: string) => Promise<void> },
): Promise<ExportJobView> {
  const id = randomUUID();
  const fileName = exportFileName(q.siren, q.year, q.format);
  const job: ExportJob = {
    id,
    year: q.year,
    format: q.format,
    status: "pending",
    fileName,
    objectKey: `exports/ledger/${q.year}/${id}/${fileName}`,
    createdAt: nowIso(),
    ...(opts.actor ? { createdBy: opts.actor } : {}),
  };
  await saveExportJob(db, job);
  await opts.dispatch(id);
  return view(job);
}

/**
 * Runs a job once: streams the export to S3, then marks it done (or failed, with a message that
 * reveals nothing of the cause). A job already taken by another runner is left alone.
 */
export async function runExportJob(db: Db, id: string): Promise<ExportJob["status"] | "taken"> {
  const job = await readExportJob(db, id);
  if (!job) throw new NotFoundError(`No export ${id}.`);
  if (!(await moveExportJob(db, id, "running", { startedAt: nowIso() }))) return "taken";
  try {
    const { bytes } = await uploadStream(job.objectKey, exportLedger(db, job.year, job.format), contentTypeOf(job.format));
    await moveExportJob(db, id, "done", { finishedAt: nowIso(), bytes });
    return "done";
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "ledger export failed", id, error: err instanceof Error ? err.name : typeof err }));
    await moveExportJob(db, id, "failed", { finishedAt: nowIso(), error: "The export could not be written; ask for it again." });
    return "failed";
  }
}

/** `GET /v1/ledger/exports/{id}`: the job, with a download link once done. */
export async function getExportJob(db: Db, id: string): Promise<ExportJobView> {
  const job = await readExportJob(db, id);
  if (!job) throw new NotFoundError(`No export ${id}.`);
  return view(job);
}
