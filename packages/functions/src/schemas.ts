/** Shapes shared by every route: errors, pagination. */
import * as z from "zod";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem" });

export const HealthSchema = z.object({ status: z.literal("ok"), time: z.string() }).meta({ id: "Health" });

export const AccountSchema = z
  .object({
    number: z.string(),
    label: z.string(),
    class: z.number().int(),
    custom: z.boolean().optional().describe("a sub-account the association added"),
    parent: z.string().optional().describe("the account a sub-account extends"),
  })
  .meta({ id: "Account" });

export const AccountsSchema = z.object({ items: z.array(AccountSchema) });

/** `?limit=&cursor=` as the contract defines them. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});
