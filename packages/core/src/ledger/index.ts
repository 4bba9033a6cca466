/**
 * The ledger's door: what other domains, the handlers, the scripts and the tests may use. Nothing
 * outside `ledger/` imports its other files (checked by dependency-cruiser, `npm run lint:deps`).
 */
export * from "./accounts.js";
export * from "./books.js";
export * from "./chart.js";
export * from "./closing.js";
export * from "./closing-checks.js";
export * from "./closing-schemas.js";
export * from "./result-allocation.js";
export * from "./exports.js";
export * from "./fec.js";
export * from "./journals.js";
export * from "./model.js";
export * from "./posting.js";
export * from "./queries.js";
export * from "./schemas.js";
export * from "./sequencer.js";
/** The idempotency marker of an operation (`IDEM#<operation>#<key>`), as plain data. */
export { readIdempotency, saveIdempotentAnswer, type IdempotencyRecord } from "./store.js";
/** The ledger's item layout, for the scripts and tests that seed or inspect the table. */
export { keys as ledgerKeys } from "./keys.js";
/** The closing checklist as signed (procès-verbal de clôture). */
export { markSignedClosed, readSignedClosing, saveSignedClosing, type SignedClosingRecord, type SignedItem } from "./store.js";
