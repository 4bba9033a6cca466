/** Lambda: funders, grants, expenses with their invoice files, fonds dédiés. Each operation calls one use case. */
import { dbFromEnv } from "@asso/core/db";
import {
  createExpense,
  getExpense,
  listExpenses,
  listGrantExpenses,
  confirmInvoiceUpload,
  invoiceLink,
  invoiceUploadUrl,
  uploadInvoice,
} from "@asso/core/spending";
import {
  amendGrant,
  cancelGrant,
  createFunder,
  getFunder,
  listFunders,
  createGrant,
  getGrant,
  listGrants,
  dedicatedFunds,
  postDedicatedFunds,
  repayGrant,
} from "@asso/core/grants";
import { recordGrantPayment } from "@asso/core/workflows/grant-payment";
import { actorOf } from "../audit.js";
import { defineGroup } from "../http.js";
import { expenseCorrections } from "./expenses.js";
import { volunteerOperations } from "./volunteers.js";

export const handler = defineGroup("grants", {
  createFunder: async (req) => createFunder(dbFromEnv(), req.body, req.idempotency, actorOf(req)),
  listFunders: async (req) => listFunders(dbFromEnv(), req.query),
  getFunder: async (req) => getFunder(dbFromEnv(), req.params.id),
  createGrant: async (req) => createGrant(dbFromEnv(), req.body, req.idempotency, actorOf(req)),
  listGrants: async (req) => listGrants(dbFromEnv(), req.query.year, req.query.project),
  dedicatedFunds: async (req) => dedicatedFunds(dbFromEnv(), req.query.year),
  getGrant: async (req) => getGrant(dbFromEnv(), req.params.id),
  listGrantExpenses: async (req) => listGrantExpenses(dbFromEnv(), req.params.id, req.query),
  recordGrantPayment: async (req) => recordGrantPayment(dbFromEnv(), req.params.id, req.body, req.idempotency, actorOf(req)),
  amendGrant: async (req) => amendGrant(dbFromEnv(), req.params.id, req.body, req.idempotency, actorOf(req)),
  cancelGrant: async (req) => cancelGrant(dbFromEnv(), req.params.id, req.body, req.idempotency, actorOf(req)),
  repayGrant: async (req) => repayGrant(dbFromEnv(), req.params.id, req.body, req.idempotency, actorOf(req)),
  postDedicatedFunds: async (req) => postDedicatedFunds(dbFromEnv(), req.params.year, actorOf(req)),
  createExpense: async (req) => createExpense(dbFromEnv(), req.body, req.idempotency, actorOf(req)),
  listExpenses: async (req) => listExpenses(dbFromEnv(), req.query),
  getExpense: async (req) => getExpense(dbFromEnv(), req.params.id),
  uploadInvoice: async (req) => uploadInvoice(dbFromEnv(), req.params.id, req.rawBody),
  invoiceUploadUrl: async (req) => invoiceUploadUrl(dbFromEnv(), req.params.id, req.body.contentType, req.body.size),
  confirmInvoiceUpload: async (req) => confirmInvoiceUpload(dbFromEnv(), req.params.id, req.body.key),
  invoiceLink: async (req) => invoiceLink(dbFromEnv(), req.params.id),
  ...expenseCorrections,
  ...volunteerOperations,
});
