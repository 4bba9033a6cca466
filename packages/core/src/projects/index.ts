/**
 * The projects' door: the analytic axis (projects, the split of an amount between them) and the
 * budgets (per year, per account, per project) with their comparison to the books. The ledger uses
 * the registry to check the projects its lines name; the figures by project come from the ledger's
 * project balances, put together in `workflows/budgets.ts`. Nothing outside `projects/` imports
 * its other files.
 */
export * from "./budgets.js";
export * from "./cerfa.js";
export * from "./projects.js";
export * from "./schemas.js";
export * from "./split.js";
export type { Budget, BudgetLine, Project } from "./store.js";
export * from "./compte-rendu.js";
export * from "./report-texts.js";
