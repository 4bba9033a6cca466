/** The bank domain's own refusal: a file that reads but cannot be taken as it is (422). */
import { DomainError, ValidationError } from "../errors.js";

/** The problem's detail when a statement file cannot be read (400); each field error says where and why. */
export const UNREADABLE = "Le fichier de relevé ne peut pas être lu.";

/** A 400 naming the place in the file (`ligne 12`, `relevé 1, écriture 3`) and the reason, in French. */
export const unreadable = (message: string) =>
  new ValidationError([{ path: "(body)", message }], `${UNREADABLE} ${message[0]!.toUpperCase()}${message.slice(1)}.`);

/**
 * XML that declares a document type or entities is refused before it is parsed: CAMT and OFX need
 * neither, and internal entities expand (a 1 MB file can grow to gigabytes in memory).
 */
export function refuseDoctype(text: string) {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw unreadable("le fichier déclare un DOCTYPE ou des entités XML, refusés (un relevé CAMT ou OFX n'en a pas besoin)");
}

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
