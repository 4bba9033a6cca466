/**
 * `@asso/core`: the shared modules and the most used doors in one import, for the scripts and tests.
 * Handlers import the doors themselves (`@asso/core/<domain>`), so each bundle holds what it uses.
 */
export * from "./errors.js";
export * from "./dates.js";
export * from "./config.js";
export * from "./idempotency.js";
export * from "./db/index.js";
export * from "./ledger/index.js";
export * from "./giving/index.js";
export * from "./receipts/index.js";
export * from "./receipts/lazy.js";
