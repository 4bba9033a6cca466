/**
 * Social statistics' door: the platforms' monthly metrics, typed in or imported from the platforms'
 * own exports. Nothing outside `social/` imports its other files. The file readers (CSV, XLSX, zip)
 * are heavy: `lazy.ts` (`@asso/core/social/lazy`) loads them on first use, and `imports.ts`
 * (`@asso/core/social/imports`) is their door for whoever needs the parser synchronously (the tests).
 */
export * from "./metrics.js";
export * from "./schemas.js";
export type { ImportKind, ParsedImport } from "./imports.js";
/** A month's metrics as stored (plain data), and their writes. */
export { readSocialYear, saveSocialMonth, saveSocialMonths, type StoredSocialMonth, type WriteMeta } from "./store.js";
