/** What the per-domain route files share: the role sets and the page shape. */
import * as z from "zod";
import type { Role } from "../roles.js";

export const READERS: readonly Role[] = ["tresorier", "delegation", "auditor"];
export const TRESORIER: readonly Role[] = ["tresorier"];
export const Page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
