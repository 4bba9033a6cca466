/** Lambda: funders, grants, expenses and fonds dédiés. */
import { defineGroup } from "../http.js";

export const handler = defineGroup("grants", {});
