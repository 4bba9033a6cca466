/**
 * Exports at AWS scale. API Gateway answers at most 6 MB within 30 s: a small year's FEC or CSV is
 * answered directly, a large one (over `ASYNC_EXPORT_THRESHOLD` entries, or when asked) becomes a
 * job that streams the file page by page to S3 (multipart, flat memory) and is fetched through a
 * presigned link: `202 { id, status }`, then `GET /v1/ledger/exports/{id}` → `{ id, status, url? }`.
 *
 * Who runs the job is the edge's choice (`dispatch`): in AWS the ledger Lambda invokes itself
 * asynchronously; locally the same process runs it in the background.
 *
 * The same job carries the auditor's package (`format: "audit-package"`, a zip): the ledger only
 * keeps the job, its progress and its link; what the zip holds spans domains and is given by the
 * caller (`build`, workflows/audit-package.ts).
 *
 * Errors: NotFoundError (no such job).
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.js";
import { NotFoundError } from "../errors.js";
import { presignGet, uploadStream } from "../files/index.js";
import { exportContentType, exportFileName, exportLedger, toIso885915, type ExportFormat, type FecEncoding } from "./fec.js";
import type { Actor } from "./model.js";
import { moveExportJob, noteExportProgress, readExportJob, readYearEntryCount, saveExportJob, type ExportJob } from "./store.js";
import { nowMs, nowIso } from "../clock.js";

/** Above this many entries in the year, an export always runs as a job. */
export const ASYNC_EXPORT_THRESHOLD = 5_000;
/** How long a download link stays valid. */
const LINK_SECONDS = 15 * 60;

export const contentTypeOf = (format: ExportFormat | "audit-package") =>
  format === "fec" ? "text/plain; charset=utf-8" : format === "csv" ? "text/csv; charset=utf-8" : "application/zip";

/** A job's FEC or CSV in its encoding: text chunks become ISO-8859-15 bytes when asked (bytes pass as they are). */
async function* inEncoding(source: AsyncIterable<string | Uint8Array>, encoding: FecEncoding): AsyncGenerator<string | Uint8Array> {
  for await (const chunk of source) yield typeof chunk === "string" && encoding !== "utf-8" ? toIso885915(chunk) : chunk;
}

/** A job's kind: a FEC, a CSV, or the auditor's package (a zip). */
export type ExportJobFormat = ExportJob["format"];

/**
 * What a job writes, chunk by chunk (streamed to S3); `progress` notes how far it is (the console's
 * progress bar reads it from `GET /v1/ledger/exports/{id}`). Undefined: the ledger's own FEC or CSV.
 */
export type ExportBuilder = (job: ExportJob, progress: (done: number, total: number) => Promise<void>) => AsyncIterable<string | Uint8Array> | undefined;

/** True when the year's export should run as a job: asked for, or too large for a direct answer. */
export async function exportRunsAsJob(db: Db, year: number, asked: boolean | undefined): Promise<boolean> {
  return asked === true || (await readYearEntryCount(db, year)) > ASYNC_EXPORT_THRESHOLD;
}

export interface ExportJobView {
  id: string;
  status: ExportJob["status"];
  year: number;
  format: ExportJobFormat;
  fileName: string;
  createdAt: string;
  finishedAt?: string;
  bytes?: number;
  progress?: { done: number; total: number };
  /** A presigned download link, once the file is written. */
  url?: string;
  error?: string;
}

/** A job still "running" this long after it started lost its runner (the function timed out or died). */
const STALE_MS = 15 * 60 * 1000;

async function view(job: ExportJob, now = nowMs()): Promise<ExportJobView> {
  if (job.status === "running" && job.startedAt && now - Date.parse(job.startedAt) > STALE_MS)
    job = { ...job, status: "failed", error: "La préparation du fichier a été interrompue : demandez-le à nouveau." };
  return {
    id: job.id,
    status: job.status,
    year: job.year,
    format: job.format,
    fileName: job.fileName,
    createdAt: job.createdAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.bytes !== undefined ? { bytes: job.bytes } : {}),
    ...(job.progress ? { progress: job.progress } : {}),
    ...(job.status === "done" ? { url: await presignGet(job.objectKey, LINK_SECONDS, { fileName: job.fileName }) } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}

/** The auditor's package's file name: `dossier-revision-<year>.zip`. */
export const auditPackageFileName = (year: number) => `dossier-revision-${year}.zip`;

/**
 * Records an export job and hands it to `dispatch` (which runs `runExportJob` somewhere, with the
 * package's builder for `audit-package`).
 */
export async function startExportJob(
  db: Db,
  q: { year: number; format: ExportJobFormat; siren: string; encoding?: FecEncoding },
  opts: { actor?: Actor; dispatch: (id: string, format: ExportJobFormat) => Promise<void> },
): Promise<ExportJobView> {
  const id = randomUUID();
  const fileName = q.format === "audit-package" ? auditPackageFileName(q.year) : exportFileName(q.siren, q.year, q.format);
  const job: ExportJob = {
    id,
    year: q.year,
    format: q.format,
    status: "pending",
    fileName,
    objectKey: `exports/${q.format === "audit-package" ? "audit" : "ledger"}/${q.year}/${id}/${fileName}`,
    createdAt: nowIso(),
    ...(q.format !== "audit-package" && q.encoding && q.encoding !== "utf-8" ? { encoding: q.encoding } : {}),
    ...(opts.actor ? { createdBy: opts.actor } : {}),
  };
  await saveExportJob(db, job);
  await opts.dispatch(id, q.format);
  return view(job);
}

/**
 * Runs a job once: streams the export to S3, then marks it done (or failed, with a message that
 * reveals nothing of the cause). A job already taken by another runner is left alone. `build` writes
 * the file (the auditor's package); without it, or when it answers nothing, a FEC or CSV is the
 * ledger's own export.
 */
export async function runExportJob(db: Db, id: string, build?: ExportBuilder): Promise<ExportJob["status"] | "taken"> {
  const job = await readExportJob(db, id);
  if (!job) throw new NotFoundError(`No export ${id}.`);
  if (!(await moveExportJob(db, id, "running", { startedAt: nowIso() }))) return "taken";
  try {
    const format = job.format;
    const progress = (done: number, total: number) => noteExportProgress(db, id, { done, total });
    const encoding = job.encoding ?? "utf-8";
    const built =
      build?.({ ...job, status: "running" }, progress) ?? (format === "fec" || format === "csv" ? exportLedger(db, job.year, format, { encoding }) : undefined);
    if (!built) throw new Error(`no builder for a ${format} job`);
    // A FEC or CSV is written in the encoding asked for (the builder gives its text), like the direct answer.
    const ledgerFile = format === "fec" || format === "csv";
    const source = ledgerFile ? inEncoding(built, encoding) : built;
    const { bytes } = await uploadStream(job.objectKey, source, ledgerFile ? exportContentType(format, encoding) : contentTypeOf(format));
    const last = (await readExportJob(db, id))?.progress;
    await moveExportJob(db, id, "done", { finishedAt: nowIso(), bytes, ...(last ? { progress: { done: last.total, total: last.total } } : {}) });
    return "done";
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "ledger export failed", id, error: err instanceof Error ? err.name : typeof err }));
    await moveExportJob(db, id, "failed", { finishedAt: nowIso(), error: "Le fichier n'a pas pu être préparé : demandez-le à nouveau." });
    return "failed";
  }
}

/** `GET /v1/ledger/exports/{id}`: the job, with a download link once done. */
export async function getExportJob(db: Db, id: string): Promise<ExportJobView> {
  const job = await readExportJob(db, id);
  if (!job) throw new NotFoundError(`No export ${id}.`);
  return view(job);
}
