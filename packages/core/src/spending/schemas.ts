/** Inputs and answers of expenses and their invoice files, parsed at the edge with zod. */
import * as z from "zod";
import { AccountNumber, CalendarDate, Cents, EntrySchema } from "../ledger/index.js";

const Id = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[\w-]+$/, "is not an id");

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
  })
  .meta({ id: "ExpenseInput" });
export type ExpenseInput = z.output<typeof ExpenseInput>;

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
    paid: z.object({ date: z.string(), method: z.enum(PAYMENT_METHODS) }).nullable(),
    purchaseEntryId: z.string(),
    paymentEntryId: z.string().nullable(),
    file: InvoiceFileSchema.nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "Expense" });
export const ExpenseCreatedSchema = ExpenseSchema.extend({ entries: z.array(EntrySchema) });
export const InvoiceLinkSchema = z.object({ url: z.string(), expiresIn: z.number().int(), file: InvoiceFileSchema });
export const UploadUrlSchema = z.object({ url: z.string(), key: z.string(), contentType: z.string(), expiresIn: z.number().int(), maxBytes: z.number().int() });

export const MAX_INVOICE_BYTES = MAX_UPLOAD_BYTES;
