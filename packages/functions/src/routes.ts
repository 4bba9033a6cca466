/**
 * The one route table. The CDK stack (stacks/) makes one HTTP API route per row, with the JWT
 * authorizer on every staff row; the local gateway (infra/) matches requests against the same rows;
 * the group handlers check roles and parse input with the schemas named here; the OpenAPI document
 * is generated from it.
 */
import * as z from "zod";
import { defineRoute, type RouteDef } from "./route.js";
import {
  EntryQuery,
  EntrySchema,
  ExportQuery,
  GeneralLedgerQuery,
  IdParam,
  IntegritySchema,
  PostEntryInput,
  ReversalInput,
  TrialBalanceQuery,
  TrialBalanceSchema,
  YearParam,
  YearsSchema,
} from "@asso/core/ledger/schemas";
import { AccountsSchema, HealthSchema } from "./schemas.js";
import type { Role } from "./roles.js";

const READERS: readonly Role[] = ["tresorier", "delegation", "auditor"];
const TRESORIER: readonly Role[] = ["tresorier"];
const Page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const routes = [
  defineRoute({
    method: "GET",
    path: "/v1/health",
    group: "system",
    operationId: "health",
    summary: "Liveness: the API answers.",
    auth: "public",
    response: { status: 200, schema: HealthSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/openapi.json",
    group: "system",
    operationId: "openapi",
    summary: "This API's OpenAPI 3.1 description, generated from the route table and its schemas.",
    auth: "public",
    response: { status: 200, schema: z.record(z.string(), z.unknown()) },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/ledger/accounts",
    group: "ledger",
    operationId: "listAccounts",
    summary: "The chart of accounts.",
    auth: READERS,
    response: { status: 200, schema: AccountsSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/ledger/entries",
    group: "ledger",
    operationId: "postEntry",
    summary: "Posts a balanced entry; answers once it is validated, with its number and hash.",
    auth: TRESORIER,
    body: PostEntryInput,
    idempotent: true,
    response: { status: 201, schema: EntrySchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/ledger/entries",
    group: "ledger",
    operationId: "listEntries",
    summary: "Validated entries between two dates (default: this year), by journal or account.",
    auth: READERS,
    query: EntryQuery,
    response: { status: 200, schema: Page(EntrySchema) },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/ledger/entries/{id}",
    group: "ledger",
    operationId: "getEntry",
    summary: "One entry, with its number once validated.",
    auth: READERS,
    params: IdParam,
    response: { status: 200, schema: EntrySchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/ledger/entries/{id}/reversal",
    group: "ledger",
    operationId: "reverseEntry",
    summary: "Writes the reversing entry (extourne); an entry is reversed once at most.",
    auth: TRESORIER,
    params: IdParam,
    body: ReversalInput,
    bodyOptional: true,
    idempotent: true,
    response: { status: 201, schema: EntrySchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/ledger/years",
    group: "ledger",
    operationId: "listYears",
    summary: "The fiscal years and their status.",
    auth: READERS,
    response: { status: 200, schema: YearsSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/ledger/years/{year}/close",
    group: "ledger",
    operationId: "closeYear",
    summary: "Closes a year: result to 120/129, opening entries (AN) in the next year, the year locked.",
    auth: TRESORIER,
    params: YearParam,
    idempotent: true,
    response: { status: 201, schema: z.object({ year: z.number().int(), status: z.literal("closed"), closedAt: z.string(), result: z.number().int(), closingEntries: z.array(EntrySchema), openingEntries: z.array(EntrySchema) }) },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/ledger/trial-balance",
    group: "ledger",
    operationId: "trialBalance",
    summary: "The trial balance (balance générale) of a year; balance = debit − credit.",
    auth: READERS,
    query: TrialBalanceQuery,
    response: { status: 200, schema: TrialBalanceSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/ledger/general-ledger",
    group: "ledger",
    operationId: "generalLedger",
    summary: "One account's lines in date order with the running balance (grand livre).",
    auth: READERS,
    query: GeneralLedgerQuery,
    response: {
      status: 200,
      schema: z.object({
        year: z.number().int(),
        account: z.string(),
        label: z.string(),
        items: z.array(z.object({ date: z.string(), journal: z.string(), number: z.number().int(), ref: z.string().nullable(), entryId: z.string(), label: z.string(), pieceRef: z.string(), debit: z.number().int(), credit: z.number().int(), balance: z.number().int() })),
        nextCursor: z.string().nullable(),
      }),
    },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/ledger/export",
    group: "ledger",
    operationId: "exportLedger",
    summary: "The year's entries as a FEC file (<SIREN>FEC<closing date>.txt) or a spreadsheet CSV.",
    auth: READERS,
    query: ExportQuery,
    response: { status: 200, contentType: "text/plain; charset=utf-8" },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/ledger/integrity",
    group: "ledger",
    operationId: "integrity",
    summary: "Re-verifies the chain of entry hashes; names the first broken link.",
    auth: READERS,
    response: { status: 200, schema: IntegritySchema },
  }),
] as const satisfies readonly RouteDef[];

export type AppRoute = (typeof routes)[number];
export type OperationId = AppRoute["operationId"];
