/**
 * Importing a statement file: parse, check every statement in it (known account, currency,
 * opening + lines = closing), then write the lines not imported before. Nothing is written unless
 * the whole file is accepted.
 *
 * Errors: ValidationError (unreadable file, account not named), StatementRefusedError 422
 * (unknown account, wrong currency, figures that do not add up).
 */
import type { Db } from "../db/client.js";
import { ValidationError } from "../errors.js";
import { StatementRefusedError } from "./errors.js";
import type { BankLine, ParsedStatement, SkippedStatement, StatementRecord } from "./model.js";
import { parseStatementFile, type ParseOptions } from "./parse.js";
import { accountByRef, accountKey, findBankAccount, type BankAccount } from "./settings.js";
import { existingLineIds, knownStatementIds, saveLines, saveStatements } from "./store.js";
import { formatEuros as euros } from "./text.js";
import { sha256Hex } from "../hash.js";
import { now as clockNow } from "../clock.js";

export interface ImportOptions extends ParseOptions {
  /** The account the file is for (IBAN or ledger account), when the file does not say. */
  account?: string;
}

export interface ImportResult {
  imported: number;
  duplicates: number;
  format: string;
  variant: string;
  statements: Array<{
    iban: string;
    account: string;
    from: string;
    to: string;
    lines: number;
    imported: number;
    duplicates: number;
    opening: number | null;
    closing: number | null;
    /** True when the file gave both balances and they were checked against the lines. */
    balanceChecked: boolean;
  }>;
  /** The file's statements not imported: an account not configured, or not the one asked for. */
  skipped: SkippedStatement[];
}

const sha = sha256Hex;

/**
 * How a label takes part in a line's identity: the decoded text in Unicode NFC, spaces collapsed,
 * upper case, accents kept; so a file re-sent in its right encoding, or with composed accents where
 * the first had decomposed ones, finds its lines again.
 */
export const labelKey = (label: string) => label.normalize("NFC").replace(/\s+/g, " ").trim().toUpperCase();

/** The line's id: IBAN + booking date + amount + label + rank among identical lines that day. */
export const lineId = (iban: string, date: string, amount: number, label: string, rank: number) =>
  `bl_${sha(JSON.stringify([iban, date, amount, labelKey(label), rank])).slice(0, 24)}`;

/** What the file says of a statement's account, as the trésorier reads it. */
const nameOf = (st: ParsedStatement) => (st.card ? `la carte ${st.card}` : `le compte ${st.iban ?? st.accountNumber}`);

/** What was not imported of a skipped statement: its operations, or, for one that cannot be read, why. */
const notImported = (st: ParsedStatement) =>
  st.unreadable ? `il n'a pas été importé (et il est illisible : ${st.unreadable.message})` : `ses ${st.lines.length} opérations n'ont pas été importées`;

/**
 * Which configured account each statement of the file goes to. A statement naming an account not
 * configured, or not the one asked for (`?account=`), is skipped and said so; one naming none goes
 * to the account asked for, or to the only configured account. Nothing to import at all is a 422.
 */
function resolveAccounts(statements: ParsedStatement[], accounts: BankAccount[], asked: string | undefined) {
  const chosen = asked ? accountByRef(accounts, asked) : undefined;
  if (asked && !chosen!.length)
    throw new ValidationError([
      { path: "account", message: `${asked} n'est pas un compte bancaire de l'association (un IBAN ou un compte du plan de BANK_ACCOUNTS)` },
    ]);
  const targets: Array<{ st: ParsedStatement; account: BankAccount; n: number }> = [];
  const skipped: SkippedStatement[] = [];
  statements.forEach((st, i) => {
    const n = i + 1;
    if (st.iban || st.accountNumber || st.card) {
      const named = findBankAccount(accounts, st);
      const what = st.card ?? st.iban ?? st.accountNumber!;
      if (!named) {
        skipped.push({
          statement: n,
          account: what,
          reason: "not-configured",
          message: `Relevé ${n} : ${nameOf(st)} n'est pas un compte bancaire de l'association (BANK_ACCOUNTS) ; ${notImported(st)}.`,
          lines: st.lines.length,
        });
      } else if (chosen && !chosen.some((c) => accountKey(c) === accountKey(named))) {
        skipped.push({
          statement: n,
          account: what,
          reason: "not-asked",
          message: `Relevé ${n} : ${nameOf(st)} est le compte ${named.account} (${named.label}), pas celui demandé (${asked}) ; ${notImported(st)}.`,
          lines: st.lines.length,
        });
      } else targets.push({ st, account: named, n });
      return;
    }
    if (chosen) {
      if (chosen.length > 1)
        throw new ValidationError([{ path: "account", message: `le compte ${asked} a plusieurs IBAN dans BANK_ACCOUNTS : indiquez l'IBAN` }]);
      targets.push({ st, account: chosen[0]!, n });
    } else if (accounts.length === 1) targets.push({ st, account: accounts[0]!, n });
    // A statement that cannot be read is refused for that, its real fault, before asking for its account.
    else if (st.unreadable) throw st.unreadable;
    else
      throw new ValidationError([
        { path: "account", message: `le relevé ${n} ne nomme pas son compte : indiquez-le avec ?account=<IBAN ou compte du plan, par exemple 512>` },
      ]);
  });
  if (!targets.length)
    throw new StatementRefusedError("unknown-bank-account", `Rien n'a été importé. ${skipped.map((s) => s.message).join(" ")}`, {
      account: skipped[0]?.account,
      skipped,
    });
  for (const t of targets) if (t.st.unreadable) throw t.st.unreadable;
  return { targets, skipped };
}

const sum = (ls: { amount: number }[]) => ls.reduce((s, l) => s + l.amount, 0);

/** Refuses a statement in another currency than its account's, or whose balances do not follow from its lines. */
function checkStatement(st: ParsedStatement, account: BankAccount, n: number): { total: number; balanceChecked: boolean } {
  const currency = (st.currency || account.currency).toUpperCase();
  if (currency !== account.currency)
    throw new StatementRefusedError(
      "wrong-currency",
      `Le relevé ${n} est en ${currency} ; le compte ${account.account} (${account.label}, ${accountKey(account)}) est tenu en ${account.currency}. Rien n'a été importé.`,
      { currency },
    );
  const total = sum(st.lines);
  const opening = st.opening ?? null;
  const closing = st.closing ?? null;
  const balanceChecked = !!(opening && closing);
  if (opening && closing && opening.amount + total !== closing.amount) {
    const diff = closing.amount - opening.amount - total;
    throw new StatementRefusedError(
      "statement-unbalanced",
      `Le relevé ${n} (${accountKey(account)}) ne s'équilibre pas : solde d'ouverture ${euros(opening.amount)} + opérations ${euros(total)} = ${euros(opening.amount + total)}, mais le solde de clôture est ${euros(closing.amount)} (écart ${euros(diff)}). Rien n'a été importé.`,
      { opening: opening.amount, lines: total, closing: closing.amount, difference: diff },
    );
  }
  return { total, balanceChecked };
}

/** Checks one statement and turns it into the lines and the record to store. */
function prepare(st: ParsedStatement, account: BankAccount, n: number, meta: { format: StatementRecord["format"]; variant: string; now: string }) {
  const { total, balanceChecked } = checkStatement(st, account, n);
  let opening = st.opening ?? null;
  let closing = st.closing ?? null;
  const dates = st.lines.map((l) => l.date).sort();
  if (!opening && closing) opening = { date: dates[0] ?? closing.date, amount: closing.amount - total };
  if (opening && !closing) closing = { date: dates[dates.length - 1] ?? opening.date, amount: opening.amount + total };
  const from = [st.from, dates[0], st.opening?.date].filter((d): d is string => !!d).sort()[0] ?? opening?.date ?? closing?.date;
  const to =
    [st.to, dates[dates.length - 1]]
      .filter((d): d is string => !!d)
      .sort()
      .reverse()[0] ??
    closing?.date ??
    from;
  // A table with no line and no balance (an empty export) imports nothing and records nothing.
  const empty = !from || !to;

  // Lines and statements are keyed by the account's IBAN, or by its number for a card known by it alone.
  const keyedBy = accountKey(account);
  const ranks = new Map<string, number>();
  const ids = st.lines.map((l) => {
    const key = JSON.stringify([l.date, l.amount, labelKey(l.label)]);
    const rank = ranks.get(key) ?? 0;
    ranks.set(key, rank + 1);
    return { id: lineId(keyedBy, l.date, l.amount, l.label, rank), rank };
  });
  const statementId = `st_${sha(JSON.stringify([keyedBy, from, to, ids.map((i) => i.id)])).slice(0, 20)}`;
  const lines: BankLine[] = st.lines.map((l, i) => ({
    id: ids[i]!.id,
    account: account.account,
    iban: keyedBy,
    date: l.date,
    ...(l.valueDate ? { valueDate: l.valueDate } : {}),
    amount: l.amount,
    label: l.label.slice(0, 500),
    ...(l.counterparty ? { counterparty: l.counterparty.slice(0, 140) } : {}),
    ...(l.bankRef ? { bankRef: l.bankRef.slice(0, 100) } : {}),
    ...(l.reference ? { reference: l.reference.slice(0, 140) } : {}),
    rank: ids[i]!.rank,
    status: "unmatched",
    importedAt: meta.now,
    statementId,
  }));
  const record: StatementRecord = {
    id: statementId,
    account: account.account,
    iban: keyedBy,
    format: meta.format,
    variant: meta.variant,
    from: from ?? "",
    to: to ?? "",
    opening,
    closing,
    lines: lines.length,
    imported: 0,
    importedAt: meta.now,
  };
  return { lines, record, balanceChecked, empty };
}

/** `POST /v1/bank/statements`. */
export async function importStatementFile(db: Db, bytes: Buffer, accounts: BankAccount[], opts: ImportOptions = {}, now = clockNow()): Promise<ImportResult> {
  const file = parseStatementFile(bytes, opts);
  const meta = { format: file.format, variant: file.variant, now: now.toISOString() };
  const { targets, skipped } = resolveAccounts(file.statements, accounts, opts.account);
  const prepared = targets.map((t) => prepare(t.st, t.account, t.n, meta));

  // Everything is checked: now write what is new.
  const all = prepared.flatMap((p) => p.lines);
  // A statement recorded before had every one of its lines written first: no need to look them up.
  const known = await knownStatementIds(
    db,
    prepared.filter((p) => !p.empty).map((p) => p.record),
  );
  const toCheck = prepared.filter((p) => !known.has(p.record.id)).flatMap((p) => p.lines);
  const existing = await existingLineIds(db, [...new Set(toCheck.map((l) => l.id))]);
  for (const p of prepared) if (known.has(p.record.id)) for (const l of p.lines) existing.add(l.id);
  const seen = new Set<string>();
  const fresh: BankLine[] = [];
  for (const l of all) {
    if (existing.has(l.id) || seen.has(l.id)) continue;
    seen.add(l.id);
    fresh.push(l);
  }
  const freshIds = await saveLines(db, fresh);
  const statements = prepared.map((p) => {
    const imported = p.lines.filter((l) => freshIds.has(l.id)).length;
    return { ...p, record: { ...p.record, imported } };
  });
  await saveStatements(
    db,
    statements.filter((s) => !s.empty && !known.has(s.record.id)).map((s) => s.record),
  );
  return {
    imported: freshIds.size,
    duplicates: all.length - freshIds.size,
    format: file.format,
    variant: file.variant,
    statements: statements.map((s) => ({
      iban: s.record.iban,
      account: s.record.account,
      from: s.record.from,
      to: s.record.to,
      lines: s.lines.length,
      imported: s.record.imported,
      duplicates: s.lines.length - s.record.imported,
      opening: s.record.opening?.amount ?? null,
      closing: s.record.closing?.amount ?? null,
      balanceChecked: s.balanceChecked,
    })),
    skipped,
  };
}
