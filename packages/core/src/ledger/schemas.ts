/** The ledger's inputs, parsed at the edge with these zod schemas. */
import * as z from "zod";
import { isCalendarDate } from "../dates.js";
import { JOURNAL_CODES } from "./journals.js";
import { ProjectCode, ProjectSplit, splitFaults } from "../projects/index.js";

/** Integer cents, strictly positive, below 10^13 (a hundred billion euros). */
export const Cents = z.number().int("must be a whole number of cents").positive("must be greater than 0").max(1e13);
export const CalendarDate = z.string().refine(isCalendarDate, "must be a real calendar date written YYYY-MM-DD");
export const AccountNumber = z.string().regex(/^\d{3,10}$/, "must be 3 to 10 digits");
export const Year = z.coerce.number().int().min(2000).max(2200);

export const MAX_LINES = 48;

/** An auxiliary (third-party) account: FEC `CompAuxNum` / `CompAuxLib`. */
export const AuxInput = z
  .strictObject({
    number: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, "must be 1 to 40 letters, digits, '_', '.' or '-'"),
    label: z.string().trim().min(1).max(100),
  })
  .meta({ id: "AuxAccount" });

export const LineInput = z
  .strictObject({
    account: AccountNumber,
    debit: Cents.optional(),
    credit: Cents.optional(),
    label: z.string().min(1).max(200).optional(),
    aux: AuxInput.optional().describe("auxiliary account (supplier, donor…) under the line's account"),
    project: ProjectCode.optional().describe("the project (analytic axis) the line belongs to"),
    split: ProjectSplit.optional().describe("the line split between projects: written as one line per project, by amount"),
  })
  .superRefine((l, ctx) => {
    if ((l.debit === undefined) === (l.credit === undefined))
      ctx.addIssue({ code: "custom", path: [l.debit === undefined ? "debit" : "credit"], message: "a line has exactly one of debit or credit" });
    if (l.project !== undefined && l.split !== undefined)
      ctx.addIssue({ code: "custom", path: ["split"], message: "a line has a project or a split, not both" });
    const amount = l.debit ?? l.credit;
    if (l.split && amount !== undefined && l.split.every((p) => p.amount !== undefined))
      for (const e of splitFaults(amount, l.split, "")) if (e.path === "") ctx.addIssue({ code: "custom", path: ["split"], message: e.message });
  });

export const PostEntryInput = z
  .strictObject({
    journal: z.enum(JOURNAL_CODES),
    date: CalendarDate,
    label: z.string().trim().min(1).max(200),
    pieceRef: z.string().trim().min(1).max(60),
    pieceDate: CalendarDate.optional(),
    lines: z.array(LineInput).min(2, "an entry has at least two lines").max(MAX_LINES),
  })
  .superRefine((e, ctx) => {
    const debit = e.lines.reduce((s, l) => s + (l.debit ?? 0), 0);
    const credit = e.lines.reduce((s, l) => s + (l.credit ?? 0), 0);
    if (e.lines.every((l) => (l.debit === undefined) !== (l.credit === undefined)) && debit !== credit)
      ctx.addIssue({ code: "custom", path: ["lines"], message: `debits (${debit}) and credits (${credit}) must be equal` });
  })
  .meta({ id: "PostEntry" });
export type PostEntryInput = z.output<typeof PostEntryInput>;

export const AccountInput = z
  .strictObject({
    number: z
      .string()
      .regex(/^\d{3,10}$/, "must be 3 to 10 digits")
      .describe("an account of the ANC 2018-06 list (44566, 455, 7088…) or one extending an existing account's number: 6226 → 62261"),
    label: z.string().trim().min(1).max(100),
  })
  .meta({ id: "NewAccount" });

export const ReversalInput = z
  .strictObject({
    date: CalendarDate.optional().describe("defaults to today (Europe/Paris): a correction is dated when it is made"),
    label: z.string().trim().min(1).max(200).optional(),
  })
  .meta({ id: "Reversal" });

export const EntryLineSchema = z.object({
  account: z.string(),
  debit: z.number().int(),
  credit: z.number().int(),
  label: z.string().optional(),
  aux: z.object({ number: z.string(), label: z.string() }).optional(),
  project: z.string().optional().describe("the project's code"),
});
export const ActorSchema = z
  .object({ sub: z.string(), role: z.string(), requestId: z.string() })
  .describe("who wrote the entry (token subject and role) and the request it came with; not part of the hash");
export const EntrySchema = z
  .object({
    id: z.string(),
    journal: z.string(),
    number: z.number().int().nullable().describe("number within (fiscal year, journal), null until validated"),
    ref: z.string().nullable().describe("journal code + number: the FEC EcritureNum"),
    status: z.enum(["draft", "validated", "rejected"]),
    date: z.string(),
    year: z.number().int(),
    label: z.string(),
    pieceRef: z.string(),
    pieceDate: z.string(),
    lines: z.array(EntryLineSchema),
    validDate: z.string().nullable(),
    hash: z.string().nullable(),
    reversalOf: z.string().optional(),
    owner: z.string().optional().describe("the domain that wrote it with records of its own (grants, giving, bank…): corrected there, never reversed by hand"),
    rejection: z.string().optional(),
    createdBy: ActorSchema.optional(),
  })
  .meta({ id: "Entry" });

export const EntryQuery = z.strictObject({
  from: CalendarDate.optional(),
  to: CalendarDate.optional(),
  journal: z.enum(JOURNAL_CODES).optional(),
  account: AccountNumber.optional(),
  project: ProjectCode.optional().describe("only the entries with a line on this project (its code), in date order"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});
export const GeneralLedgerQuery = z.strictObject({
  year: Year,
  account: AccountNumber,
  project: ProjectCode.optional().describe("only this project's lines of the account, with their running balance"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});
export const TrialBalanceQuery = z.strictObject({
  year: Year,
  closing: z.enum(["include", "exclude"]).default("include").describe("exclude: the balances before the closing entries"),
});
export const ExportQuery = z.strictObject({
  year: Year,
  format: z.enum(["fec", "csv"]).default("fec"),
  async: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .describe("true: run as a job (202); a year over 5 000 entries always does"),
});
export const ExportIdParam = z.strictObject({ id: z.uuid("is not an export id") });
export const ExportJobSchema = z
  .object({
    id: z.string(),
    status: z.enum(["pending", "running", "done", "failed"]),
    year: z.number().int(),
    format: z.enum(["fec", "csv", "audit-package"]),
    fileName: z.string(),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    bytes: z.number().int().optional(),
    progress: z
      .object({ done: z.number().int(), total: z.number().int() })
      .optional()
      .describe("how far a running job is: files written out of files to write"),
    url: z.string().optional().describe("presigned download link (15 minutes), once done"),
    error: z.string().optional(),
  })
  .meta({ id: "ExportJob" });
export const IdParam = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(80)
    .regex(/^[\w-]+$/, "is not an entry id"),
});
export const YearParam = z.strictObject({ year: Year });

export const TrialBalanceSchema = z
  .object({
    year: z.number().int(),
    accounts: z.array(z.object({ account: z.string(), label: z.string(), debit: z.number().int(), credit: z.number().int(), balance: z.number().int() })),
    totals: z.object({ debit: z.number().int(), credit: z.number().int() }),
  })
  .meta({ id: "TrialBalance" });
export const YearsSchema = z.object({
  items: z.array(
    z.object({ year: z.number().int(), status: z.enum(["open", "closing", "closed"]), closedAt: z.string().optional(), result: z.number().int().optional() }),
  ),
});
export const IntegritySchema = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  head: z.string(),
  firstBroken: z.object({ seq: z.number().int(), id: z.string(), ref: z.string().nullable(), reason: z.string() }).optional(),
});
