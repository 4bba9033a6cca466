export * from "./errors.js";
export * from "./dates.js";
export * from "./config.js";
export * from "./db/table.js";
export * from "./db/client.js";
export * from "./ledger/chart.js";
