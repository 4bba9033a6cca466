/** Lambda: bank statements and reconciliation. */
import { defineGroup } from "../http.js";

export const handler = defineGroup("bank", {});
