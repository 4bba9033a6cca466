/** Lambda: bank statements and reconciliation. Each operation calls one use case of @asso/core/bank. */
import { dbFromEnv } from "@asso/core/db";
import { UnsupportedMediaTypeError, ValidationError } from "@asso/core/errors";
import { stripeFromEnv } from "@asso/core/giving";
import {
  listLines,
  acceptMatch,
  reconcile,
  unmatch,
  reconciliationState,
  getLine,
  lineCandidates,
  rejectProposal,
  bookStripeDeductions,
  explainPayout,
  stripeBalance,
} from "@asso/core/bank";
// The statement parsers and the PDF renderer load on first use.
import { importStatementFile, renderReconciliationPdf } from "@asso/core/bank/lazy";
import { associationOf, bankAccountsOf } from "@asso/core/settings";
import { bankLineEntry, correctBankLineEntry } from "@asso/core/workflows/bank-line-entry";
import { actorOf } from "../audit.js";
import { defineGroup, type Request } from "../http.js";
import type { RouteDef } from "../route.js";

const STATEMENT_TYPES = /^(text\/csv|text\/plain|application\/(xml|x-ofx|ofx|octet-stream|vnd\.ms-excel)|text\/xml)\b/i;

/**
 * The gateway hands text types as UTF-8 strings: bytes of another encoding arrive as U+FFFD. Bytes
 * sent as application/octet-stream (what the console sends) arrive as they are.
 */
function checkUpload(req: Request<RouteDef>): Buffer {
  const ct = req.headers["content-type"] ?? "";
  if (!STATEMENT_TYPES.test(ct))
    throw new UnsupportedMediaTypeError(
      "Envoyez le relevé tel quel, en application/octet-stream (ou text/csv, application/xml, application/x-ofx pour un fichier UTF-8).",
    );
  if (!req.rawBody.length) throw new ValidationError([{ path: "(body)", message: "le fichier est vide" }], "Le fichier de relevé est vide.");
  if (!/octet-stream|vnd\.ms-excel/i.test(ct) && req.rawBody.includes(Buffer.from([0xef, 0xbf, 0xbd])))
    throw new ValidationError(
      [
        {
          path: "(body)",
          message:
            "les octets du fichier ont été altérés en route (un fichier qui n'est pas en UTF-8 envoyé comme texte) : envoyez les fichiers Windows-1252 ou ISO-8859-15 en application/octet-stream",
        },
      ],
      "Le fichier de relevé ne peut pas être lu : ses caractères accentués ont été perdus en route ; envoyez-le en application/octet-stream.",
    );
  return req.rawBody;
}

export const handler = defineGroup("bank", {
  listBankAccounts: async () => ({ items: await bankAccountsOf(dbFromEnv()) }),
  importStatement: async (req) => {
    const bytes = checkUpload(req);
    const q = req.query;
    const columns = q.dateColumn
      ? {
          date: q.dateColumn,
          label: q.labelColumn,
          amount: q.amountColumn,
          debit: q.debitColumn,
          credit: q.creditColumn,
          valueDate: q.valueDateColumn,
          ...(q.accountColumn ? { account: q.accountColumn } : {}),
        }
      : undefined;
    return importStatementFile(dbFromEnv(), bytes, await bankAccountsOf(dbFromEnv()), {
      ...(q.format ? { format: q.format } : {}),
      ...(q.preset ? { preset: q.preset } : {}),
      ...(q.account ? { account: q.account } : {}),
      ...(q.encoding ? { encoding: q.encoding } : {}),
      ...(q.delimiter ? { delimiter: q.delimiter } : {}),
      ...(columns ? { columns } : {}),
    });
  },
  listBankLines: async (req) => listLines(dbFromEnv(), await bankAccountsOf(dbFromEnv()), req.query),
  getBankLine: async (req) => getLine(dbFromEnv(), req.params.id),
  bankLineCandidates: async (req) => lineCandidates(dbFromEnv(), req.params.id, req.query),
  rejectBankLineProposal: async (req) => rejectProposal(dbFromEnv(), req.params.id, req.body.entryIds, actorOf(req)),
  matchBankLine: async (req) => {
    const entryIds = req.body.entryIds ?? [req.body.entryId!];
    return acceptMatch(dbFromEnv(), req.params.id, { entryIds, ...(req.body.lineIds ? { lineIds: req.body.lineIds } : {}) }, actorOf(req));
  },
  unmatchBankLine: async (req) => unmatch(dbFromEnv(), req.params.id),
  createBankLineEntry: async (req) => bankLineEntry(dbFromEnv(), req.params.id, req.body ?? {}, actorOf(req)),
  correctBankLineEntry: async (req) => correctBankLineEntry(dbFromEnv(), req.params.id, req.body, actorOf(req)),
  reconcileBank: async (req) => {
    const explain = async (payoutId: string) => explainPayout((await stripeFromEnv()).client, payoutId);
    return reconcile(dbFromEnv(), await bankAccountsOf(dbFromEnv()), req.body, actorOf(req), explain);
  },
  bankReconciliation: async (req) => reconciliationState(dbFromEnv(), await bankAccountsOf(dbFromEnv()), req.query.account, req.query.date),
  bankReconciliationPdf: async (req) => {
    const state = await reconciliationState(dbFromEnv(), await bankAccountsOf(dbFromEnv()), req.query.account, req.query.date);
    // The PDF renderer (pdf-lib, fonts) loads on first use only.
    const pdf = await renderReconciliationPdf(state, await associationOf(dbFromEnv()));
    return {
      body: Buffer.from(pdf),
      headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="rapprochement-${state.account}-${state.date}.pdf"` },
    };
  },
  stripeBalance: async (req) => stripeBalance(dbFromEnv(), (await stripeFromEnv()).client, req.query.date),
  bookStripeDeductions: async (req) => {
    const stripe = (await stripeFromEnv()).client;
    return bookStripeDeductions(dbFromEnv(), stripe, req.body.date, actorOf(req));
  },
});
