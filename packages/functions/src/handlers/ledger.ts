/** Lambda: the ledger routes. Each operation calls one use case of @asso/core. */
import { associationOf } from "@asso/core/settings";
import { dbFromEnv } from "@asso/core/db";
import { NotFoundError } from "@asso/core/errors";
import { closeYear } from "@asso/core/workflows/year-close";
import { closingChecklist } from "@asso/core/workflows/closing-checklist";
import { closingReportPdf } from "@asso/core/workflows/closing-report";
import { runAnyExportJob, startAuditPackage } from "@asso/core/workflows/audit-package";
import { fecExportOptions } from "@asso/core/workflows/fec-export";
import { isDevelopment } from "@asso/core/receipts";
import {
  addAccount,
  allocateResult,
  listAccounts,
  contentTypeOf,
  exportRunsAsJob,
  getExportJob,
  startExportJob,
  bookFileName,
  generalLedgerCsv,
  generalLedgerPdf,
  trialBalanceBook,
  trialBalanceCsv,
  trialBalancePdf,
  type ExportJobFormat,
  exportFileName,
  exportLedger,
  checkFecSiren,
  toIso885915,
  exportContentType,
  openYearNotice,
  openYearWarningHeader,
  entryView,
  getEntry,
  postEntry,
  reverseEntry,
  generalLedger,
  listEntries,
  listYears,
  trialBalance,
  verifyChain,
  drain,
  hasPending,
} from "@asso/core/ledger";
import { actorOf } from "../audit.js";
import { defineGroup, type HttpEvent, type HttpResult } from "../http.js";

const http = defineGroup("ledger", {
  listAccounts: async () => ({ items: await listAccounts(dbFromEnv()) }),
  addAccount: async (req) => addAccount(dbFromEnv(), req.body, actorOf(req)),
  postEntry: async (req) => postEntry(dbFromEnv(), req.body, req.idempotency, actorOf(req)),
  getEntry: async (req) => {
    const e = await getEntry(dbFromEnv(), req.params.id);
    if (!e) throw new NotFoundError(`No entry ${req.params.id}.`);
    return entryView(e);
  },
  listEntries: async (req) => listEntries(dbFromEnv(), req.query),
  reverseEntry: async (req) => reverseEntry(dbFromEnv(), req.params.id, req.body, req.idempotency, actorOf(req)),
  listYears: async () => ({ items: (await listYears(dbFromEnv())).map(({ entries: _entries, ...y }) => y) }),
  closeYear: async (req) => {
    const db = dbFromEnv();
    return closeYear(db, req.params.year, { actor: actorOf(req), acknowledged: req.body?.acknowledged, signer: req.body?.signer });
  },
  closingChecklist: async (req) => closingChecklist(dbFromEnv(), req.params.year),
  closingReportPdf: async (req) => {
    const { pdf, fileName } = await closingReportPdf(dbFromEnv(), req.params.year);
    return { body: Buffer.from(pdf), headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="${fileName}"` } };
  },
  allocateResult: async (req) => allocateResult(dbFromEnv(), req.params.year, req.body, actorOf(req)),
  trialBalance: async (req) => trialBalance(dbFromEnv(), req.query.year, { closing: req.query.closing }),
  generalLedger: async (req) => generalLedger(dbFromEnv(), req.query),
  exportLedger: async (req) => {
    const { year, format, encoding } = req.query;
    const db = dbFromEnv();
    const siren = (await associationOf(db)).siren;
    checkFecSiren(siren, isDevelopment(process.env));
    // A year still open: a provisional file, said in a header (the console shows the notice) and the log.
    const notice = await openYearNotice(db, year);
    const warning: Record<string, string> = notice ? { warning: openYearWarningHeader(year), "fec-year-status": "open" } : { "fec-year-status": "closed" };
    if (notice) console.log(JSON.stringify({ level: "warn", msg: "export of a year still open", year, format }));
    if (await exportRunsAsJob(db, year, req.query.async)) {
      const job = await startExportJob(db, { year, format, siren, encoding }, { actor: actorOf(req), dispatch: dispatchExport });
      return { status: 202, body: { id: job.id, status: job.status }, headers: { location: `/v1/ledger/exports/${job.id}`, ...warning } };
    }
    let text = "";
    for await (const chunk of exportLedger(db, year, format, fecExportOptions(db, encoding))) text += chunk;
    const body = encoding === "utf-8" ? text : Buffer.from(toIso885915(text));
    return {
      body,
      headers: {
        "content-type": encoding === "utf-8" ? contentTypeOf(format) : exportContentType(format, encoding),
        "content-disposition": `attachment; filename="${exportFileName(siren, year, format)}"`,
        ...warning,
      },
    };
  },
  getExport: async (req) => getExportJob(dbFromEnv(), req.params.id),
  startAuditPackage: async (req) => {
    const job = await startAuditPackage(dbFromEnv(), req.params.year, {
      actor: actorOf(req),
      dispatch: dispatchExport,
      development: isDevelopment(process.env),
    });
    return { status: 202, body: { id: job.id, status: job.status }, headers: { location: `/v1/ledger/exports/${job.id}` } };
  },
  trialBalanceCsv: async (req) => {
    const db = dbFromEnv();
    const text = trialBalanceCsv(await trialBalanceBook(db, req.query.year, (await associationOf(db)).name));
    return { body: text, headers: bookHeaders("balance", req.query.year, "csv") };
  },
  trialBalancePdf: async (req) => {
    const db = dbFromEnv();
    const pdf = await trialBalancePdf(await trialBalanceBook(db, req.query.year, (await associationOf(db)).name));
    return { body: Buffer.from(pdf), headers: bookHeaders("balance", req.query.year, "pdf") };
  },
  generalLedgerCsv: async (req) => {
    const db = dbFromEnv();
    let text = "";
    for await (const chunk of generalLedgerCsv(db, req.query.year, (await associationOf(db)).name)) text += chunk;
    return { body: text, headers: bookHeaders("grand-livre", req.query.year, "csv") };
  },
  generalLedgerPdf: async (req) => {
    const db = dbFromEnv();
    const pdf = await generalLedgerPdf(db, req.query.year, (await associationOf(db)).name);
    return { body: Buffer.from(pdf), headers: bookHeaders("grand-livre", req.query.year, "pdf") };
  },
  integrity: async () => verifyChain(dbFromEnv()),
});

/** A book file's answer headers: its type and its name (balance-2025.pdf). */
function bookHeaders(book: "balance" | "grand-livre", year: number, ext: "csv" | "pdf") {
  return {
    "content-type": ext === "csv" ? "text/csv; charset=utf-8" : "application/pdf",
    "content-disposition": `attachment; filename="${bookFileName(book, year, ext)}"`,
  };
}

/** The scheduled sweep (EventBridge, every few minutes): validates drafts a crashed poster left. */
interface ScheduledEvent {
  source: "aws.events";
  "detail-type": string;
}
const isScheduled = (e: unknown): e is ScheduledEvent => (e as { source?: string } | null)?.source === "aws.events";

/** The event the ledger Lambda sends itself (asynchronous invoke) to run an export job (a FEC, a CSV, the auditor's package). */
interface ExportEvent {
  source: "asso.ledger-export";
  id: string;
  format?: ExportJobFormat;
}
const EXPORT_SOURCE = "asso.ledger-export";
const isExport = (e: unknown): e is ExportEvent => (e as { source?: string } | null)?.source === EXPORT_SOURCE;

/**
 * Runs an export job elsewhere than in the answering request. In AWS (`LEDGER_EXPORT_FUNCTION` or
 * `EXPORT_FUNCTION_NAME`, else this function's own name): an asynchronous invoke of the ledger
 * Lambda, which needs `lambda:InvokeFunction` on itself. Locally: in the background of this process.
 */
async function dispatchExport(id: string, format?: ExportJobFormat): Promise<void> {
  const target = process.env.LEDGER_EXPORT_FUNCTION || process.env.EXPORT_FUNCTION_NAME || process.env.AWS_LAMBDA_FUNCTION_NAME;
  if (target) {
    const { LambdaClient, InvokeCommand } = await import("@aws-sdk/client-lambda");
    const event: ExportEvent = { source: EXPORT_SOURCE, id, ...(format ? { format } : {}) };
    await new LambdaClient({}).send(new InvokeCommand({ FunctionName: target, InvocationType: "Event", Payload: Buffer.from(JSON.stringify(event)) }));
    return;
  }
  void runAnyExportJob(dbFromEnv(), id).catch((err: unknown) =>
    console.error(JSON.stringify({ level: "error", msg: "ledger export failed", id, error: err instanceof Error ? err.name : typeof err })),
  );
}

export async function handler(
  event: HttpEvent | ScheduledEvent | ExportEvent,
): Promise<HttpResult | { validated: number; pending: boolean } | { id: string; status: string }> {
  if (isExport(event)) return { id: event.id, status: await runAnyExportJob(dbFromEnv(), event.id) };
  if (!isScheduled(event)) return http(event);
  const db = dbFromEnv();
  const settled = await drain(db);
  const result = { validated: settled.size, pending: await hasPending(db) };
  console.log(JSON.stringify({ level: "info", msg: "ledger sweep", ...result }));
  return result;
}
