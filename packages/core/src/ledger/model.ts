/** The ledger's stored shapes and the hash that chains validated entries. */
import { createHash } from "node:crypto";
import type { JournalCode } from "./journals.js";

/** An auxiliary (third-party) account under a general account: a supplier under 401, a donor under 411… */
export interface AuxAccount {
  /** The sub-ledger's own number (FEC `CompAuxNum`), e.g. `F-ACME` or a donor id. */
  number: string;
  /** Its name (FEC `CompAuxLib`). */
  label: string;
}

/** One line: exactly one of debit/credit is positive, the other 0 (integer cents). */
export interface Line {
  account: string;
  debit: number;
  credit: number;
  label?: string;
  aux?: AuxAccount;
  /** The project (analytic axis) the line belongs to: its code (projects domain). Not in the FEC. */
  project?: string;
}

/** Who wrote an entry, and through which request (audit trail; kept outside the hashed content). */
export interface Actor {
  /** The token's subject (`sub`), or `system` for the sweep and the year closing's own work. */
  sub: string;
  role: string;
  requestId: string;
}

export type EntryStatus = "draft" | "validated" | "rejected";

/** The domains that write entries together with records of their own. */
export type EntryOwner = "grants" | "giving" | "bank" | "volunteers";

export interface Entry {
  id: string;
  journal: JournalCode;
  year: number;
  date: string;
  label: string;
  pieceRef: string;
  pieceDate: string;
  lines: Line[];
  status: EntryStatus;
  createdAt: string;
  /** Audit trail: not hashed, so entries written before it existed keep their hashes. */
  createdBy?: Actor;
  /**
   * The domain that wrote the entry with records of its own (grants, giving, bank): such an entry
   * is corrected through that domain, never reversed by hand, or its records would disagree with
   * the books. Not hashed.
   */
  owner?: EntryOwner;
  reversalOf?: string;
  rejection?: string;
  /** Set at validation: number within (year, journal), position in the chain, validation date. */
  number?: number;
  seq?: number;
  validDate?: string;
  hash?: string;
  prevHash?: string;
}

export const GENESIS_HASH = "0".repeat(64);

/**
 * The hashed content of a validated entry: every field an auditor relies on, in a fixed order. A
 * line's auxiliary account is hashed only when the line has one, and its project likewise (as a
 * last `{ project }` element), so every hash computed before either existed is unchanged.
 */
export function entryHash(e: Entry, prevHash: string): string {
  const content = JSON.stringify([
    e.id,
    e.seq,
    e.journal,
    e.year,
    e.number,
    e.date,
    e.label,
    e.pieceRef,
    e.pieceDate,
    e.validDate,
    e.reversalOf ?? null,
    e.lines.map((l) => {
      const line: unknown[] = l.aux
        ? [l.account, l.debit, l.credit, l.label ?? null, l.aux.number, l.aux.label]
        : [l.account, l.debit, l.credit, l.label ?? null];
      if (l.project) line.push({ project: l.project });
      return line;
    }),
  ]);
  return createHash("sha256").update(`${prevHash}\n${content}`).digest("hex");
}

/** `BQ000012`: the entry's reference, unique within a fiscal year (FEC `EcritureNum`). */
export const entryRef = (e: Pick<Entry, "journal" | "number">) => (e.number === undefined ? null : `${e.journal}${String(e.number).padStart(6, "0")}`);

/** The entry as the API shows it. */
export function entryView(e: Entry) {
  return {
    id: e.id,
    journal: e.journal,
    number: e.number ?? null,
    ref: entryRef(e),
    status: e.status,
    date: e.date,
    year: e.year,
    label: e.label,
    pieceRef: e.pieceRef,
    pieceDate: e.pieceDate,
    lines: e.lines.map((l) => ({
      account: l.account,
      debit: l.debit,
      credit: l.credit,
      ...(l.label ? { label: l.label } : {}),
      ...(l.aux ? { aux: { number: l.aux.number, label: l.aux.label } } : {}),
      ...(l.project ? { project: l.project } : {}),
    })),
    validDate: e.validDate ?? null,
    hash: e.hash ?? null,
    ...(e.reversalOf ? { reversalOf: e.reversalOf } : {}),
    // The domain that corrects it (never reversed by hand): the console offers « Corriger » there, not « Extourner ».
    ...(e.owner ? { owner: e.owner } : {}),
    ...(e.rejection ? { rejection: e.rejection } : {}),
    ...(e.createdBy ? { createdBy: { sub: e.createdBy.sub, role: e.createdBy.role, requestId: e.createdBy.requestId } } : {}),
  };
}
export type EntryView = ReturnType<typeof entryView>;
