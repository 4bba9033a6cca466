/** The annual report: figures, statements, social metrics, the PDF. */
import { type RouteDef } from "../route.js";

export const reportRoutes = [] as const satisfies readonly RouteDef[];
