/** The bank domain's own refusal: a file that reads but cannot be taken as it is (422). */
import { DomainError } from "../errors.js";

export type RefusalKind = "statement-unbalanced" | "unknown-bank-account" | "wrong-currency" | "running-balance";

const TITLES: Record<RefusalKind, string> = {
  "statement-unbalanced": "Statement does not add up",
  "unknown-bank-account": "Unknown bank account",
  "wrong-currency": "Wrong currency",
  "running-balance": "Running balance does not add up",
};

/**
 * The statement is well-formed but cannot be imported: its figures contradict each other
 * (opening + lines ≠ closing), it is for an account the association does not keep, or in another
 * currency. Nothing is written.
 */
export class StatementRefusedError extends DomainError {
  readonly status = 422;
  readonly title: string;
  readonly slug: string;
  constructor(kind: RefusalKind, message: string, context: Record<string, unknown> = {}) {
    super(message, context);
    this.title = TITLES[kind];
    this.slug = kind;
  }
}
