/** Lambda: the ledger routes. Each operation calls one use case of @asso/core. */
import { chartOfAccounts } from "@asso/core";
import { defineGroup } from "../http.js";

export const handler = defineGroup("ledger", {
  listAccounts: async () => ({ items: chartOfAccounts }),
});
