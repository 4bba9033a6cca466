/** Inputs and answers of expenses and their invoice files, parsed at the edge with zod. */
import * as z from "zod";
import { AccountNumber, CalendarDate, Cents, EntrySchema, Year } from "../ledger/index.js";
import { ProjectCode } from "../projects/index.js";

const Id = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[\w-]+$/, "is not an id");

/** 90 → « 90 % », 33.33 → « 33,33 % ». */
export const percent = (hundredths: number) => `${String(hundredths / 100).replace(".", ",")} %`;
/** The shares' total in hundredths of a percent (10 000 is 100 %), each share rounded to 0,01 %. */
export const sharesTotal = (parts: readonly { share: number }[]) => parts.reduce((s, p) => s + Math.round(p.share * 10_000), 0);

/** One project's share of an expense: a fraction to 0,01 % (0.6 is 60 %). */
const ProjectShare = z.strictObject({
  projectId: ProjectCode.describe("the project's code (`GET /v1/projects`)"),
  share: z
    .number()
    .positive("doit être supérieure à 0")
    .max(1, "ne peut pas dépasser 1 (100 %)")
    .refine((n) => Math.abs(n * 10_000 - Math.round(n * 10_000)) < 1e-6, "au plus quatre décimales (0,01 %)")
    .describe("a fraction: 0.6 is 60 % (to 0,01 %)"),
});

/** The projects' shares of an expense: each project once, the shares adding up to 100 %. */
const projectShares = (min: number) =>
  z
    .array(ProjectShare)
    .min(min, "au moins un projet")
    .max(10, "10 projets au plus")
    .superRefine((parts, ctx) => {
      const seen = new Set<string>();
      parts.forEach((p, i) => {
        if (seen.has(p.projectId)) ctx.addIssue({ code: "custom", path: [i, "projectId"], message: `le projet ${p.projectId} est nommé deux fois` });
        seen.add(p.projectId);
      });
      const total = sharesTotal(parts);
      if (parts.length && total !== 10_000) ctx.addIssue({ code: "custom", path: [], message: `les parts font ${percent(total)}, pas 100 %` });
    });

export const PAYMENT_METHODS = ["bank", "card", "cash"] as const;
export const ExpenseInput = z
  .strictObject({
    date: CalendarDate.describe("the invoice's date"),
    supplier: z.string().trim().min(1).max(100),
    account: AccountNumber.refine((a) => a.startsWith("6"), "must be a charge account (class 6)"),
    amount: Cents,
    label: z.string().trim().min(1).max(200),
    pieceRef: z.string().trim().min(1).max(60).describe("the invoice number"),
    grantId: Id.optional().describe("the grant this is spent on"),
    paid: z.strictObject({ date: CalendarDate, method: z.enum(PAYMENT_METHODS) }).optional(),
    project: ProjectCode.optional().describe("its project (analytic axis), the whole amount: a project's code"),
    projects: projectShares(1).optional().describe("or its projects, by share adding up to 1 (100 %): the charge lines are split between them to the cent"),
  })
  .superRefine((x, ctx) => {
    if (x.project !== undefined && x.projects !== undefined)
      ctx.addIssue({ code: "custom", path: ["project"], message: "un seul projet (project) ou une répartition (projects), pas les deux" });
  })
  .meta({ id: "ExpenseInput" });
export type ExpenseInput = z.output<typeof ExpenseInput>;

const Reason = z.string().trim().min(1).max(200).describe("why: kept with the correction (audit trail)");

export const CancellationInput = z
  .strictObject({ date: CalendarDate.describe("the cancellation's date (a closed year's: the first day of the first open year)"), reason: Reason })
  .meta({ id: "ExpenseCancellationInput" });
export const CreditNoteInput = z
  .strictObject({
    date: CalendarDate.describe("the credit note's date"),
    amount: Cents.describe("the credit note's amount, no more than what the expense still costs"),
    pieceRef: z.string().trim().min(1).max(60).describe("the credit note's number"),
    reason: Reason,
  })
  .meta({ id: "ExpenseCreditNoteInput" });
export const ExpensePaymentInput = z
  .strictObject({
    date: CalendarDate,
    method: z.enum(PAYMENT_METHODS),
    bankLineId: Id.optional().describe("the bank statement line that shows the payment: lettered with it"),
  })
  .meta({ id: "ExpensePaymentInput" });
export const ReclassificationInput = z
  .strictObject({
    date: CalendarDate.describe("the reclassement's date"),
    account: AccountNumber.refine((a) => a.startsWith("6"), "must be a charge account (class 6)").describe("the right charge account"),
    reason: Reason,
  })
  .meta({ id: "ExpenseReclassificationInput" });
export const AllocationInput = z
  .strictObject({
    grants: z
      .array(z.strictObject({ grantId: Id, amount: Cents }))
      .max(10)
      .describe("the grants the expense is spent on, by amount (co-financing); [] for none"),
    projects: projectShares(0).optional().describe("its projects (analytic axis), by share adding up to 1; [] for none; absent: unchanged"),
    reason: Reason.optional(),
  })
  .meta({ id: "ExpenseAllocationInput" });
export const ExpenseListQuery = z
  .strictObject({
    year: Year,
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(2000).optional(),
    project: ProjectCode.optional().describe("only the expenses this project carries (whole or a share)"),
  })
  .meta({ id: "ExpenseListQuery" });
export type ExpenseListQuery = z.output<typeof ExpenseListQuery>;
export type CancellationInput = z.output<typeof CancellationInput>;
export type CreditNoteInput = z.output<typeof CreditNoteInput>;
export type ExpensePaymentInput = z.output<typeof ExpensePaymentInput>;
export type ReclassificationInput = z.output<typeof ReclassificationInput>;
export type AllocationInput = z.output<typeof AllocationInput>;

export const INVOICE_TYPES = ["application/pdf", "image/jpeg", "image/png"] as const;
/** The largest invoice file, 10 MiB (exported below as MAX_INVOICE_BYTES). */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const UploadUrlInput = z
  .strictObject({
    contentType: z.enum(INVOICE_TYPES),
    size: z.number().int().min(1).max(MAX_UPLOAD_BYTES).describe("the file's size in bytes: the link is signed for exactly this Content-Length"),
  })
  .meta({ id: "InvoiceUploadUrlInput" });
export const ConfirmUploadInput = z.strictObject({ key: z.string().min(1).max(300) }).meta({ id: "InvoiceConfirmInput" });

// ---------------------------------------------------------------- answers

export const InvoiceFileSchema = z.object({ key: z.string(), sha256: z.string(), contentType: z.string(), size: z.number().int(), uploadedAt: z.string() });
export const ExpenseSchema = z
  .object({
    id: z.string(),
    date: z.string(),
    year: z.number().int(),
    supplier: z.string(),
    supplierAux: z.string(),
    account: z.string(),
    amount: z.number().int(),
    label: z.string(),
    pieceRef: z.string(),
    grantId: z.string().nullable(),
    paid: z.object({ date: z.string(), method: z.enum(PAYMENT_METHODS), amount: z.number().int().optional() }).nullable(),
    purchaseEntryId: z.string(),
    paymentEntryId: z.string().nullable(),
    file: InvoiceFileSchema.nullable(),
    createdAt: z.string(),
    grants: z.array(z.object({ grantId: z.string(), amount: z.number().int() })).describe("the grants it is spent on, by amount"),
    projects: z.array(z.object({ projectId: z.string(), share: z.number() })).describe("its projects (analytic axis), by share"),
    creditNotes: z.array(z.object({ date: z.string(), amount: z.number().int(), pieceRef: z.string(), reason: z.string(), entryId: z.string() })),
    cancelled: z.object({ date: z.string(), reason: z.string(), entryId: z.string() }).nullable(),
    net: z.number().int().describe("what it costs after its credit notes (0 once cancelled)"),
    due: z.number().int().describe("what is still owed to the supplier (negative: the supplier owes a refund)"),
    status: z.enum(["unpaid", "paid", "cancelled"]),
    history: z
      .array(
        z.object({
          kind: z.enum(["booking", "cancellation", "credit-note", "payment", "allocation", "reclassification"]),
          at: z.string(),
          by: z.object({ sub: z.string(), role: z.string() }).nullable(),
          reason: z.string(),
          date: z.string().nullable(),
          entryIds: z.array(z.string()),
          amount: z.number().int().optional(),
          askedDate: z.string().optional().describe("the date asked, in a closed year: the entry went to the first open one"),
          from: z.string().optional(),
          to: z.string().optional(),
          grants: z.array(z.object({ grantId: z.string(), amount: z.number().int() })).optional(),
          projects: z.array(z.object({ projectId: z.string(), share: z.number() })).optional(),
          bankLineId: z.string().optional(),
        }),
      )
      .describe("the booking, then each correction with who made it and why"),
  })
  .meta({ id: "Expense" });
export const ExpenseCreatedSchema = ExpenseSchema.extend({ entries: z.array(EntrySchema) });
export const InvoiceLinkSchema = z.object({ url: z.string(), expiresIn: z.number().int(), file: InvoiceFileSchema });
export const UploadUrlSchema = z.object({ url: z.string(), key: z.string(), contentType: z.string(), expiresIn: z.number().int(), maxBytes: z.number().int() });

export const MAX_INVOICE_BYTES = MAX_UPLOAD_BYTES;
