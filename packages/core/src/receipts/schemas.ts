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
  declaration: z.object({ count: z.number().int(), total: z.number().int() }).describe("art. 222 bis: issued receipts of the whole year"),
});

export const AnnualReceiptsInput = z.strictObject({ year: z.number().int().min(2000).max(2200) });
export const AnnualReceiptsSchema = z.object({ year: z.number().int(), issued: z.array(ReceiptSchema), skipped: z.number().int() });

export const ReceiptFileParam = z.strictObject({ file: z.string().regex(/^\d{4}-\d{6}\.pdf$/, "must be <receipt number>.pdf") });
