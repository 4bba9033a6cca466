/**
 * The grants' door: funders, grant agreements (conventions) and their recognition, payments
 * received, fonds dédiés at year end. Nothing outside `grants/` imports its other files.
 */
export * from "./accounts.js";
export { adjustInstallments, amendGrant, cancelGrant, reallocateReceived, recognitionDifferences, repayGrant } from "./corrections.js";
export * from "./dedicated.js";
export * from "./funders.js";
export * from "./grants.js";
export { currentYear, idFor } from "./ids.js";
export * from "./schemas.js";
export * from "./yearend.js";
export type { Correction, Funder, Grant, Installment, Movement, Payment } from "./store.js";
/**
 * For the expenses tagged to a grant: the grant as stored (plain data), and the write items that move
 * the grant's and its funder's running totals inside the expense's own transaction.
 */
export { funderTotalsItem, grantTotalsItem, readGrant } from "./store.js";
