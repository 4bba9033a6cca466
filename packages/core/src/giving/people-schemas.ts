/**
 * The people listings' route schemas, apart from the listings themselves so that the route table
 * (read by every Lambda) does not load the storage layer.
 */
import * as z from "zod";
import { Year } from "../ledger/index.js";

/** A page of a listing: at most `limit` rows, from `cursor`. */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
};

/** A postal address as the listings and receipts answer it. */
export const PostalAddress = z
  .object({ line1: z.string(), line2: z.string().optional(), postalCode: z.string(), city: z.string(), country: z.string() })
  .meta({ id: "PostalAddress" });

const Address = PostalAddress;

export const DonorListQuery = z.strictObject({ year: Year, ...PageQuery });
export const DonorListSchema = z.object({
  year: z.number().int(),
  items: z.array(
    z.object({
      email: z.string(),
      firstName: z.string(),
      lastName: z.string(),
      address: Address.optional().describe("absent for the délégation"),
      total: z.number().int(),
      gifts: z.number().int(),
      monthly: z.boolean(),
      lastGift: z.string(),
      subscription: z.string().optional().describe("monthly donors: the subscription's status"),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const MemberListQuery = z.strictObject({
  status: z.enum(["active", "upcoming", "expired"]).optional().describe("upcoming: paid for a period not started yet (the next year)"),
  ...PageQuery,
});
export const MemberListSchema = z.object({
  items: z.array(
    z.object({
      email: z.string(),
      firstName: z.string(),
      lastName: z.string(),
      organisation: z.string().optional(),
      address: Address.optional().describe("absent for the délégation"),
      tierId: z.string(),
      validFrom: z.string().describe("the first day of the latest period paid (YYYY-MM-DD)"),
      validUntil: z.string().describe("the last day of the latest period paid: active through it"),
      coveredFrom: z.string().describe("the first day of the membership running to validUntil (kept by a renewal paid before the end)"),
      lastPaymentOn: z.string(),
      status: z.enum(["active", "upcoming", "expired"]),
    }),
  ),
  nextCursor: z.string().nullable(),
});

/** `POST /v1/members/reminders`: the renewal reminders of one Paris date (default today). */
export const RenewalRemindersInput = z.strictObject({
  date: z
    .string("une date AAAA-MM-JJ")
    .regex(/^\d{4}-\d{2}-\d{2}$/, "une date AAAA-MM-JJ")
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "cette date n'existe pas")
    .optional()
    .describe("the Paris date the run is for (YYYY-MM-DD); default today"),
});
export const RenewalRemindersSchema = z
  .object({
    date: z.string().describe("the date the run was for"),
    members: z.number().int().describe("members whose membership ends 30 days after the date, or on it"),
    queued: z.number().int().describe("reminders queued by this run (0 when an earlier run of the date queued them)"),
  })
  .meta({ id: "RenewalReminders" });
