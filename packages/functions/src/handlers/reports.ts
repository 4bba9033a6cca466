/** Lambda: the annual report, its figures and social metrics. */
import { defineGroup } from "../http.js";

export const handler = defineGroup("reports", {});
