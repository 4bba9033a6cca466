/**
 * Spending's door: expenses (suppliers' invoices booked in HA, their payment) and the invoice files
 * (justificatifs) kept with them. Nothing outside `spending/` imports its other files.
 */
export * from "./corrections.js";
export * from "./expenses.js";
export * from "./invoices.js";
export * from "./schemas.js";
export { supplierAccount } from "./suppliers.js";
export type { Expense, ExpenseEvent, GrantShare, InvoiceFile } from "./store.js";
