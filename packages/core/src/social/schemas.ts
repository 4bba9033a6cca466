/** Social statistics: what the routes accept and answer (zod). */
import * as z from "zod";
import { METRICS, PLATFORMS } from "./metrics.js";

export const PlatformSchema = z.enum(PLATFORMS);
export const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month written YYYY-MM");

const Count = z.number().int("must be a whole number").min(0, "must be 0 or more").max(1e12);
/** New followers in a month can be negative (more left than came). */
const SignedCount = z.number().int("must be a whole number").min(-1e12).max(1e12);

/** PUT body: the metrics given are set, `null` clears one, an absent one is kept. */
export const SocialMetricsInput = z
  .strictObject({
    followers: Count.nullable().optional().describe("followers at the end of the month"),
    newFollowers: SignedCount.nullable().optional(),
    impressions: Count.nullable().optional(),
    reactions: Count.nullable().optional(),
    pageVisits: Count.nullable().optional(),
    videosPublished: Count.nullable().optional(),
    views: Count.nullable().optional(),
  })
  .meta({ id: "SocialMetricsInput" });
export type SocialMetricsInput = z.output<typeof SocialMetricsInput>;

export const SocialMonthSchema = z
  .object({
    platform: PlatformSchema,
    month: MonthSchema,
    ...Object.fromEntries(METRICS.map((m) => [m, z.number().int().optional()])),
    source: z.string().optional().describe("manual, or the imported file's kind"),
    updatedAt: z.string().optional(),
  })
  .meta({ id: "SocialMonth" });

export const SocialParams = z.strictObject({ platform: PlatformSchema, month: MonthSchema });
export const SocialYearQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2200) });

/** Import query: LinkedIn's followers file has no total, so the total at a date is asked for. */
export const ImportParams = z.strictObject({ platform: z.enum(["linkedin", "youtube"], "imports exist for linkedin and youtube") });
export const ImportQuery = z.strictObject({
  kind: z.enum(["content", "followers", "visitors", "youtube"]).optional().describe("the file's kind; found from its columns when absent"),
  followers: z
    .preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int("must be a whole number").min(0).max(1e12).optional())
    .describe("LinkedIn followers file: the follower total at `followersAt`"),
  followersAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
    .optional()
    .describe("LinkedIn followers file: the date of `followers` (default: the file's last day)"),
});
export type ImportQuery = z.output<typeof ImportQuery>;

export const ImportAnswer = z
  .object({
    platform: PlatformSchema,
    kind: z.string(),
    days: z.number().int(),
    from: z.string(),
    to: z.string(),
    months: z.array(SocialMonthSchema),
  })
  .meta({ id: "SocialImport" });
