/** Lambda: funders, grants, expenses with their invoice files, fonds dédiés. Each operation calls one use case. */
import { dbFromEnv } from "@asso/core/db/client";
import { createExpense, getExpense, listExpenses, listGrantExpenses } from "@asso/core/spending/expenses";
import { createFunder, getFunder, listFunders } from "@asso/core/grants/funders";
import { createGrant, getGrant, listGrants, recordPayment } from "@asso/core/grants/grants";
import { confirmInvoiceUpload, invoiceLink, invoiceUploadUrl, uploadInvoice } from "@asso/core/spending/invoices";
import { dedicatedFunds, postDedicatedFunds } from "@asso/core/grants/yearend";
import { withStoredAnswer } from "@asso/core/idempotency";
import { actorOf, idempotencyOf } from "../audit.js";
import { defineGroup } from "../http.js";

export const handler = defineGroup("grants", {
  createFunder: async (req) => createFunder(dbFromEnv(), req.body, idempotencyOf(req, req.body), actorOf(req)),
  listFunders: async (req) => listFunders(dbFromEnv(), req.query),
  getFunder: async (req) => getFunder(dbFromEnv(), req.params.id),
  createGrant: async (req) => createGrant(dbFromEnv(), req.body, idempotencyOf(req, req.body), actorOf(req)),
  listGrants: async (req) => listGrants(dbFromEnv(), req.query.year),
  dedicatedFunds: async (req) => dedicatedFunds(dbFromEnv(), req.query.year),
  getGrant: async (req) => getGrant(dbFromEnv(), req.params.id),
  listGrantExpenses: async (req) => listGrantExpenses(dbFromEnv(), req.params.id, req.query),
  recordGrantPayment: async (req) => recordPayment(dbFromEnv(), req.params.id, req.body, idempotencyOf(req, { id: req.params.id, ...req.body }), actorOf(req)),
  postDedicatedFunds: async (req) => {
    const db = dbFromEnv();
    return withStoredAnswer(db, idempotencyOf(req, req.params), () => postDedicatedFunds(db, req.params.year, actorOf(req)));
  },
  createExpense: async (req) => createExpense(dbFromEnv(), req.body, idempotencyOf(req, req.body), actorOf(req)),
  listExpenses: async (req) => listExpenses(dbFromEnv(), req.query),
  getExpense: async (req) => getExpense(dbFromEnv(), req.params.id),
  uploadInvoice: async (req) => uploadInvoice(dbFromEnv(), req.params.id, req.rawBody),
  invoiceUploadUrl: async (req) => {
    const db = dbFromEnv();
    return withStoredAnswer(db, idempotencyOf(req, { id: req.params.id, ...req.body }), () => invoiceUploadUrl(db, req.params.id, req.body.contentType));
  },
  confirmInvoiceUpload: async (req) => confirmInvoiceUpload(dbFromEnv(), req.params.id, req.body.key),
  invoiceLink: async (req) => invoiceLink(dbFromEnv(), req.params.id),
});
