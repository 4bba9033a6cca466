/** The receipts routes' inputs and answers (the OpenAPI document is generated from these). */
import * as z from "zod";
import { PageQuery, PostalAddress } from "../giving/index.js";
import { Year } from "../ledger/index.js";

export const ReceiptSchema = z
  .object({
    id: z.string().regex(/^\d{4}-\d{6}$/),
    year: z.number().int(),
    kind: z.enum(["single", "annual"]),
    status: z.enum(["issued", "cancelled"]),
    issuedOn: z.string(),
    donor: z.object({
      firstName: z.string(),
      lastName: z.string(),
      email: z.string(),
      address: PostalAddress.optional().describe("absent for the délégation"),
    }),
    amount: z.number().int(),
    gifts: z.array(z.object({ date: z.string(), amount: z.number().int(), reference: z.string() })),
    method: z.string(),
    subscriptionId: z.string().optional().describe("annual recaps: the Stripe subscription"),
    replaces: z.string().optional(),
    replacedBy: z.string().optional(),
    cancelledOn: z.string().optional(),
    cancelReason: z.string().optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional()
      .describe("SHA-256 of the PDF as issued (receipts issued before freezing have none)"),
  })
  .meta({ id: "Receipt" });

export const ReceiptListQuery = z.strictObject({ year: Year, ...PageQuery });

export const ReceiptListSchema = z.object({
  year: z.number().int(),
  items: z.array(ReceiptSchema),
  nextCursor: z.string().nullable(),
  declaration: z
    .object({ count: z.number().int(), total: z.number().int(), filedOn: z.string().optional().describe("once filed: the figures as filed, frozen") })
    .describe("art. 222 bis: issued receipts of the whole year (as filed, once filed)"),
});

const Figures = z.object({ count: z.number().int(), total: z.number().int().describe("cents") });
export const DeclarationYearParam = z.strictObject({ year: z.coerce.number().int().min(2000).max(2200) });
export const DeclarationFilingInput = z.strictObject({
  filedOn: z.iso.date("une date AAAA-MM-JJ").optional().describe("the day the declaration was filed (default today)"),
});
export const DeclarationSchema = z
  .object({
    year: z.number().int(),
    basis: z.enum(["calendar", "fiscal"]).describe("calendar year, or the fiscal year when it is not the calendar year"),
    period: z.object({ start: z.string(), end: z.string() }),
    due: z.string().describe("the deadline of the declaration"),
    figures: Figures.describe("what to declare: as filed once filed, else the current figures"),
    current: Figures.describe("from the receipts issued today"),
    filed: Figures.extend({ filedOn: z.string(), filedAt: z.string(), filedBy: z.object({ sub: z.string(), role: z.string() }) }).nullable(),
    changedSinceFiling: z.boolean().describe("receipts changed after the filing (refunds): the filed figures stay as filed"),
  })
  .meta({ id: "ReceiptsDeclaration" });

export const AnnualReceiptsInput = z.strictObject({ year: z.number().int().min(2000).max(2200) });
export const AnnualReceiptsSchema = z.object({ year: z.number().int(), issued: z.array(ReceiptSchema), skipped: z.number().int() });

export const ReceiptFileParam = z.strictObject({ file: z.string().regex(/^\d{4}-\d{6}\.pdf$/, "must be <receipt number>.pdf") });
