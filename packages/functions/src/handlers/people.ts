/** Lambda: donors, members, receipts and payment incidents. The délégation sees no postal address. */
import { dbFromEnv } from "@asso/core/db";
import { listDonors, listIncidents, listMembers } from "@asso/core/giving";
import { listReceipts } from "@asso/core/receipts/lazy";
import { issueAnnualReceipts } from "@asso/core/workflows/receipts";
import { erasePerson, exportPerson } from "@asso/core/workflows/personal-data";
import { defineGroup, type Request } from "../http.js";
import type { RouteDef } from "../route.js";

const withAddresses = (req: Request<RouteDef>) => !!req.principal?.roles.some((r) => r === "tresorier" || r === "auditor");
const page = (q: { limit: number; cursor?: string | undefined }) => ({ limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });

export const handler = defineGroup("people", {
  listDonors: async (req) => listDonors(dbFromEnv(), req.query.year, { withAddresses: withAddresses(req), ...page(req.query) }),
  listMembers: async (req) =>
    listMembers(dbFromEnv(), { ...(req.query.status ? { status: req.query.status } : {}), withAddresses: withAddresses(req), ...page(req.query) }),
  listReceipts: async (req) => listReceipts(dbFromEnv(), req.query.year, { withAddresses: withAddresses(req), ...page(req.query) }),
  listIncidents: async (req) => listIncidents(dbFromEnv(), req.query.year),
  annualReceipts: async (req) => issueAnnualReceipts(dbFromEnv(), req.body.year),
  exportPerson: async (req) => exportPerson(dbFromEnv(), req.params.email),
  erasePerson: async (req) => erasePerson(dbFromEnv(), req.params.email),
});
