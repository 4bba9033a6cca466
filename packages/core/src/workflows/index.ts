/**
 * The workflows' door: flows that span domains, each one function that calls the domains' doors
 * (never their other files). Handlers call one use case of a domain, or one workflow.
 */
export * from "./grant-payment.js";
export * from "./mail.js";
export * from "./receipts.js";
export * from "./stripe-event.js";
export * from "./todo.js";
export * from "./year-close.js";
