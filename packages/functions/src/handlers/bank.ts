/** Lambda: bank statements and reconciliation. Each operation calls one use case of @asso/core/bank. */
import { loadConfig } from "@asso/core/config";
import { dbFromEnv } from "@asso/core/db/client";
import { NotFoundError, UnsupportedMediaTypeError, ValidationError } from "@asso/core/errors";
import { withStoredAnswer } from "@asso/core/idempotency";
import { requestHash } from "@asso/core/hash";
import { stripeFromEnv } from "@asso/core/giving/stripe";
import { listLines } from "@asso/core/bank/lines";
import { acceptMatch, entryFromRule, reconcile, unmatch } from "@asso/core/bank/matching";
import { reconciliationState } from "@asso/core/bank/etat-rapprochement";
import { loadBankAccounts } from "@asso/core/bank/settings";
import { readLine, readMatch } from "@asso/core/bank/store";
import { bookStripeDeductions, explainPayout, stripeBalance } from "@asso/core/bank/stripe";
import { actorOf, idempotencyOf } from "../audit.js";
import { defineGroup, type Request } from "../http.js";
import type { RouteDef } from "../route.js";

// BANK_ACCOUNTS is checked at start: a bad value stops the function with the bad field named.
loadBankAccounts();

const idempotency = (req: Request<RouteDef>, what: unknown) => idempotencyOf(req, what, `bank:${req.route.operationId}`);

const STATEMENT_TYPES = /^(text\/csv|text\/plain|application\/(xml|x-ofx|ofx|octet-stream|vnd\.ms-excel)|text\/xml)\b/i;

/** The gateway hands text types as UTF-8 strings: bytes of another encoding arrive as U+FFFD. */
function checkUpload(req: Request<RouteDef>): Buffer {
  const ct = req.headers["content-type"] ?? "";
  if (!STATEMENT_TYPES.test(ct))
    throw new UnsupportedMediaTypeError("Send the statement as text/csv, application/xml, application/x-ofx or application/octet-stream.");
  if (!req.rawBody.length) throw new ValidationError([{ path: "(body)", message: "the file is empty" }]);
  if (req.rawBody.includes(Buffer.from([0xef, 0xbf, 0xbd])))
    throw new ValidationError(
      [
        {
          path: "(body)",
          message: "the file's bytes were altered on the way (not UTF-8 sent as text): send Windows-1252 or ISO-8859-15 files as application/octet-stream",
        },
      ],
      "The statement file cannot be read.",
    );
  return req.rawBody;
}

export const handler = defineGroup("bank", {
  listBankAccounts: async () => ({ items: loadBankAccounts() }),
  importStatement: async (req) => {
    const bytes = checkUpload(req);
    const q = req.query;
    const columns = q.dateColumn
      ? { date: q.dateColumn, label: q.labelColumn, amount: q.amountColumn, debit: q.debitColumn, credit: q.creditColumn, valueDate: q.valueDateColumn }
      : undefined;
    const db = dbFromEnv();
    const run = async () =>
      (await import("@asso/core/bank/statement-import")).importStatementFile(db, bytes, loadBankAccounts(), {
        ...(q.format ? { format: q.format } : {}),
        ...(q.preset ? { preset: q.preset } : {}),
        ...(q.account ? { account: q.account } : {}),
        ...(q.encoding ? { encoding: q.encoding } : {}),
        ...(q.delimiter ? { delimiter: q.delimiter } : {}),
        ...(columns ? { columns } : {}),
      });
    return withStoredAnswer(db, idempotency(req, { q, file: requestHash(bytes.toString("base64")) }), run);
  },
  listBankLines: async (req) => listLines(dbFromEnv(), loadBankAccounts(), req.query),
  getBankLine: async (req) => {
    const db = dbFromEnv();
    const line = await readLine(db, req.params.id);
    if (!line) throw new NotFoundError(`No bank line ${req.params.id}.`);
    return { ...line, match: line.matchId ? ((await readMatch(db, line.matchId)) ?? null) : null };
  },
  matchBankLine: async (req) => {
    const db = dbFromEnv();
    const entryIds = req.body.entryIds ?? [req.body.entryId!];
    return withStoredAnswer(db, idempotency(req, { id: req.params.id, ...req.body }), () =>
      acceptMatch(db, req.params.id, { entryIds, ...(req.body.lineIds ? { lineIds: req.body.lineIds } : {}) }, actorOf(req)),
    );
  },
  unmatchBankLine: async (req) => unmatch(dbFromEnv(), req.params.id),
  createBankLineEntry: async (req) => {
    const db = dbFromEnv();
    return withStoredAnswer(db, idempotency(req, { id: req.params.id, ...req.body }), () => entryFromRule(db, req.params.id, req.body, actorOf(req)));
  },
  reconcileBank: async (req) => {
    const db = dbFromEnv();
    const explain = async (payoutId: string) => explainPayout((await stripeFromEnv()).client, payoutId);
    return withStoredAnswer(db, req.body.apply ? idempotency(req, req.body) : undefined, () =>
      reconcile(db, loadBankAccounts(), req.body, actorOf(req), explain),
    );
  },
  bankReconciliation: async (req) => reconciliationState(dbFromEnv(), loadBankAccounts(), req.query.account, req.query.date),
  bankReconciliationPdf: async (req) => {
    const state = await reconciliationState(dbFromEnv(), loadBankAccounts(), req.query.account, req.query.date);
    // The PDF renderer (pdf-lib, fonts) and the statement parsers load on first use only.
    const { renderReconciliationPdf } = await import("@asso/core/bank/pdf");
    const pdf = await renderReconciliationPdf(state, loadConfig());
    return {
      body: Buffer.from(pdf),
      headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="rapprochement-${state.account}-${state.date}.pdf"` },
    };
  },
  stripeBalance: async (req) => stripeBalance(dbFromEnv(), (await stripeFromEnv()).client, req.query.date),
  bookStripeDeductions: async (req) => {
    const db = dbFromEnv();
    const stripe = (await stripeFromEnv()).client;
    return withStoredAnswer(db, idempotency(req, req.body), () => bookStripeDeductions(db, stripe, req.body.date, actorOf(req)));
  },
});
