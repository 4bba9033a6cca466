/**
 * Spending's door: expenses (suppliers' invoices booked in HA, their payment) and the invoice files
 * (justificatifs) kept with them. Nothing outside `spending/` imports its other files.
 */
export * from "./expenses.js";
export * from "./invoices.js";
export * from "./schemas.js";
export type { Expense, InvoiceFile } from "./store.js";
