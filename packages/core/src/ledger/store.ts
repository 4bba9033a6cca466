/**
 * The ledger's storage: every DynamoDB read and write of the ledger, by intent, written with the
 * shared helper (`db/store.ts`). The rule files (posting, sequencer, closing, queries, fec, chart)
 * decide; this module only knows the item layout (keys.ts) and turns a decision into items.
 *
 * Every transaction names its items, so a cancellation says which one failed.
 */
export * from "./store/entries.js";
export * from "./store/drafts.js";
export * from "./store/chain.js";
export * from "./store/years.js";
export * from "./store/balances.js";
export * from "./store/accounts.js";
export * from "./store/exports.js";
export * from "./store/closings.js";
