/** Money in and out: funders, grants, expenses, fonds dédiés. */
import { type RouteDef } from "../route.js";

export const grantRoutes = [] as const satisfies readonly RouteDef[];
