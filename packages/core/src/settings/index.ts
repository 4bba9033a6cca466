/**
 * The settings' door: the association's settings as data (identity, look, year, bank accounts,
 * membership tiers, giving, volunteers, e-mail, privacy, checkout), versioned, with their history,
 * the logo, the first-run checks, and each domain's view of them. Nothing outside `settings/`
 * imports its other files.
 */
export * from "./checks.js";
export * from "./logo.js";
export * from "./readers.js";
export * from "./schemas.js";
export { seedValue } from "./seed.js";
export * from "./settings.js";
export { noteWebhookEvent, type HistoryRecord } from "./store.js";
