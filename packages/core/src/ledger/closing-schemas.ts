/** The closing's inputs and answers (checklist, close, result allocation), parsed at the edge with zod. */
import * as z from "zod";
import { CalendarDate, Cents, EntrySchema } from "./schemas.js";

export const ChecklistItemSchema = z
  .object({
    id: z.string().describe("stable id; an acknowledgement names it"),
    status: z.enum(["ok", "warning", "blocking"]),
    title: z.string(),
    detail: z.string(),
    figures: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
    fix: z.object({ screen: z.string(), label: z.string() }).optional().describe("where to fix it in the console"),
    comment: z.string().optional().describe("the comment the warning was acknowledged with (a closed year's signed checklist)"),
  })
  .meta({ id: "ChecklistItem" });

export const ClosingChecklistSchema = z
  .object({
    year: z.number().int(),
    ready: z.boolean().describe("no blocking point: the year closes once every warning is acknowledged"),
    toAcknowledge: z.array(z.string()).describe("the warnings the closing asks a comment for"),
    closed: z
      .object({
        closedAt: z.string(),
        signedAt: z.string(),
        signedBy: z.object({ sub: z.string(), role: z.string(), name: z.string().optional() }),
      })
      .optional()
      .describe("a closed year: the checklist as it was signed"),
    items: z.array(ChecklistItemSchema),
  })
  .meta({ id: "ClosingChecklist" });

export const CloseYearInput = z
  .strictObject({
    acknowledged: z
      .array(z.strictObject({ id: z.string().min(1).max(100), comment: z.string().trim().min(3, "say why the warning is accepted").max(1000) }))
      .max(100)
      .optional()
      .describe("each warning accepted, with the comment the procès-verbal keeps"),
    signer: z.string().trim().min(1).max(120).optional().describe("who signs, as the procès-verbal prints it (« Marie Dupont, trésorière »)"),
  })
  .meta({ id: "CloseYear" });

export const CloseYearSchema = z.object({
  year: z.number().int(),
  status: z.literal("closed"),
  closedAt: z.string(),
  result: z.number().int(),
  closingEntries: z.array(EntrySchema),
  openingEntries: z.array(EntrySchema),
});

/** 110, 119 or a reserve account 106… (1061, 1063, 1068…). */
export const AllocationAccount = z.string().regex(/^(110|119|106\d{0,7})$/, "must be 110, 119 or a reserve account 106…");

export const ResultAllocationInput = z
  .strictObject({
    date: CalendarDate.describe("the day of the general assembly's decision, in the year after the one allocated"),
    label: z.string().trim().min(1).max(200).optional(),
    lines: z
      .array(z.strictObject({ account: AllocationAccount, amount: Cents }))
      .min(1)
      .max(10),
  })
  .meta({ id: "ResultAllocation" });
export type ResultAllocationInput = z.output<typeof ResultAllocationInput>;

export const ResultAllocationSchema = z.object({
  year: z.number().int(),
  result: z.number().int(),
  entry: EntrySchema,
});
