/**
 * « À traiter »: what waits for the trésorier, across the domains (workflows/todo.ts). In the
 * `reports` group: the one that already reads every domain's records (the annual report's figures)
 * and needs neither Stripe nor a write of its own.
 */
import * as z from "zod";
import { CalendarDate, Year } from "@asso/core/ledger";
import { defineRoute, type RouteDef } from "../route.js";

const Count = z.number().int().min(0);
const Money = z.number().int();

export const TodoSchema = z
  .object({
    year: z.number().int().describe("the fiscal year of the expenses, receipts and incidents counted"),
    asOf: CalendarDate.describe("today (Paris): the grants' compte-rendu deadlines are read against it"),
    bankLines: z.object({ count: Count, oldest: CalendarDate.nullable() }).describe("bank lines not matched yet, every account and date"),
    missingInvoices: z
      .object({
        count: Count,
        expenses: z.array(z.object({ id: z.string(), date: CalendarDate, supplier: z.string(), pieceRef: z.string(), amount: Money })),
      })
      .describe("the year's expenses without their invoice file (the first 50 listed, oldest first)"),
    receiptsAwaitingAddress: z
      .object({
        count: Count,
        gifts: z.array(
          z.object({
            chargeId: z.string(),
            kind: z.enum(["donation", "membership"]),
            date: CalendarDate,
            amount: Money,
            email: z.string(),
            firstName: z.string(),
            lastName: z.string(),
            tierId: z.string().optional(),
          }),
        ),
      })
      .describe("the year's gifts and fees on a receipt tier whose tax receipt waits for a postal address (receipts on)"),
    bouncedAddresses: z
      .object({
        count: Count,
        addresses: z.array(z.object({ email: z.string(), type: z.enum(["bounce", "complaint"]), reason: z.string(), at: z.string() })),
      })
      .describe("addresses marked after a bounce or a complaint: nothing is sent to them until the mark is lifted"),
    grantReports: z
      .object({
        count: Count,
        grants: z.array(
          z.object({
            id: z.string(),
            title: z.string(),
            funderName: z.string(),
            endDate: CalendarDate,
            dueDate: CalendarDate,
            late: z.boolean().describe("its due date has passed and it was not recorded as sent"),
            statusLabel: z.string().describe("« à remettre » or « en retard »"),
          }),
        ),
      })
      .describe(
        "grants whose action has ended and whose compte-rendu financier is due or late (final reporting date, else six months after the end), those recorded as sent left out",
      ),
    paymentIncidents: z.object({ count: Count }).describe("the year's payment incidents"),
    closing: z
      .object({
        count: Count,
        years: z.array(
          z.object({
            year: z.number().int(),
            ready: z.boolean().describe("no blocking point"),
            items: z.array(
              z.object({
                id: z.string(),
                status: z.enum(["warning", "blocking"]),
                title: z.string(),
                fix: z.object({ screen: z.string(), label: z.string() }).optional(),
              }),
            ),
          }),
        ),
      })
      .describe("the closing checklist's points not ok (warning or blocking) of every year ended and still open, earliest first"),
  })
  .meta({ id: "TodoList" });

export const todoRoutes = [
  defineRoute({
    method: "GET",
    path: "/v1/todo",
    group: "reports",
    operationId: "todoList",
    summary:
      "What waits to be done (the console's « À traiter »): bank lines to match, invoices missing on the year's expenses, receipts awaiting a postal address, addresses that bounced, grants whose compte-rendu financier is due, the year's payment incidents, the closing checklist's open points of the years ended and still open; each a count, with the first rows.",
    auth: ["tresorier", "auditor"],
    query: z.strictObject({ year: Year.optional() }),
    response: { status: 200, schema: TodoSchema },
  }),
] as const satisfies readonly RouteDef[];
