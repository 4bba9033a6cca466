/**
 * The association's bank accounts: `BANK_ACCOUNTS`, a JSON list `[{ iban, account, label,
 * currency?, numbers? }]` read once and checked with zod. Each IBAN is booked on a ledger bank account (5xx).
 * An account the bank knows only by a number (a payment card, no IBAN) is declared with `numbers`
 * and no `iban`: its statements are found by that number and its lines keyed by it (`accountKey`).
 * In development (STAGE unset or `dev…`) two demo accounts stand in.
 */
import * as z from "zod";
import { findAccount } from "../ledger/index.js";
import { compactIban } from "./text.js";

const BankAccount = z
  .object({
    iban: z
      .string()
      .transform(compactIban)
      .pipe(z.string().regex(/^[A-Z]{2}\d{2}[0-9A-Z]{11,30}$/, "is not an IBAN"))
      .optional(),
    account: z
      .string()
      .regex(/^5\d{2,7}$/, "is not a bank account of class 5")
      .refine((a) => !!findAccount(a), "is not in the chart of accounts"),
    label: z.string().min(1).max(100),
    currency: z.string().length(3).default("EUR"),
    /**
     * Other numbers the bank's files give this account: a payment card whose statements (OFX
     * `CCSTMTRS`) are booked on it (the full number, or its last four digits when files mask it), or
     * the account number of an export's account column.
     */
    numbers: z.array(z.string().trim().min(4).max(40)).max(20).optional(),
  })
  .refine((a) => a.iban !== undefined || !!a.numbers?.length, { path: ["iban"], message: "is required unless the account is known by its numbers (a card)" });
export type BankAccount = z.output<typeof BankAccount>;

/** A number as the bank's files write it, compared without spaces or dashes, in capitals. */
export const numberKey = (n: string) => n.replace(/[\s-]/g, "").toUpperCase();

/**
 * What an account's lines and statements are keyed by (the `iban` of its stored lines and
 * statements): its IBAN, or, for an account known only by numbers (a card), its first number.
 */
export const accountKey = (a: Pick<BankAccount, "iban" | "numbers">): string => a.iban ?? numberKey(a.numbers?.[0] ?? "");

const BankAccounts = z
  .array(BankAccount)
  .min(1)
  .refine((l) => new Set(l.map(accountKey)).size === l.length, "an IBAN is listed twice");

export const DEMO_BANK_ACCOUNTS: BankAccount[] = [
  { iban: "FR7642559100000801234567812", account: "512", label: "Compte courant (Crédit Coopératif)", currency: "EUR" },
  { iban: "FR7642559100000808765432181", account: "5121", label: "Livret associatif (Crédit Coopératif)", currency: "EUR" },
];

let cached: { raw: string | undefined; stage: string | undefined; accounts: BankAccount[] } | undefined;

/** The configured accounts; throws at start when `BANK_ACCOUNTS` is malformed or missing outside development. */
export function loadBankAccounts(env: Record<string, string | undefined> = process.env): BankAccount[] {
  if (cached && cached.raw === env.BANK_ACCOUNTS && cached.stage === env.STAGE) return cached.accounts;
  let accounts: BankAccount[];
  if (!env.BANK_ACCOUNTS) {
    const dev = !env.STAGE || env.STAGE.startsWith("dev");
    if (!dev) throw new Error("BANK_ACCOUNTS is not set: list the association's bank accounts as JSON [{ iban, account, label }]");
    accounts = DEMO_BANK_ACCOUNTS;
  } else {
    let json: unknown;
    try {
      json = JSON.parse(env.BANK_ACCOUNTS);
    } catch {
      throw new Error("BANK_ACCOUNTS is not valid JSON");
    }
    const r = BankAccounts.safeParse(json);
    if (!r.success) throw new Error(`BANK_ACCOUNTS: ${r.error.issues.map((i) => `${i.path.join(".") || "(list)"} ${i.message}`).join("; ")}`);
    accounts = r.data;
  }
  cached = { raw: env.BANK_ACCOUNTS, stage: env.STAGE, accounts };
  return accounts;
}

/**
 * The configured account a statement names: by IBAN, by one of the account's other `numbers` (a
 * card, an export's account number), or by the national account number (RIB or 11-character
 * account number) that an IBAN contains.
 */
export function findBankAccount(accounts: BankAccount[], ref: { iban?: string; accountNumber?: string; card?: string }): BankAccount | undefined {
  if (ref.iban) return accounts.find((a) => a.iban === compactIban(ref.iban!));
  const key = numberKey;
  for (const raw of [ref.card, ref.accountNumber]) {
    if (!raw) continue;
    const k = key(raw);
    const masked = /[X*]/.test(k);
    const byNumber = accounts.find((a) => (a.numbers ?? []).some((n) => key(n) === k || (masked && /^\d{4,}$/.test(key(n)) && k.endsWith(key(n)))));
    if (byNumber) return byNumber;
  }
  const parts = (ref.accountNumber ?? "").toUpperCase().split(/\s+/).filter(Boolean);
  if (!parts.length) return undefined;
  const number = parts[parts.length - 1]!.replace(/[^0-9A-Z]/g, "");
  const bank = parts.length > 1 ? parts[0] : undefined;
  if (number.length < 7) return undefined;
  return accounts.find((a) => {
    if (!a.iban) return false;
    const bban = a.iban.slice(4);
    if (bank && !bban.startsWith(bank)) return false;
    // A full RIB (23 characters), or the account number (11) possibly with its key.
    return bban === number || bban.includes(number) || (number.length === 13 && bban.includes(number.slice(0, 11)));
  });
}

/**
 * The configured account named by a caller: an IBAN, a number of an account known by its numbers (a
 * card), or a ledger account number (every account booked on it).
 */
export function accountByRef(accounts: BankAccount[], ref: string): BankAccount[] {
  const c = compactIban(ref);
  const byIban = accounts.filter((a) => a.iban === c);
  if (byIban.length) return byIban;
  const byNumber = accounts.filter((a) => !a.iban && (a.numbers ?? []).some((n) => numberKey(n) === numberKey(ref)));
  if (byNumber.length) return byNumber;
  return accounts.filter((a) => a.account === ref);
}
