/** Bank statements and reconciliation. */
import { type RouteDef } from "../route.js";

export const bankRoutes = [] as const satisfies readonly RouteDef[];
