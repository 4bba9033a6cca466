/**
 * The DynamoDB adapter (the table's definition, the client, the storage helpers). Inside the core,
 * only the domains' store modules use it (a `Db` handle may be passed around as a type); outside,
 * the handlers, scripts and tests build their `Db` here.
 */
export * from "./client.js";
export * from "./cursor.js";
export * from "./store.js";
export * from "./table.js";
export * from "./memory.js";
export * from "./unit-of-work.js";
