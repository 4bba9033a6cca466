/** The bank routes' input and output shapes (zod): the route table and the OpenAPI document use them. */
import * as z from "zod";
import { isCalendarDate } from "../dates.js";

const CalendarDate = z.string().refine(isCalendarDate, "is not a calendar date YYYY-MM-DD");
const AccountRef = z
  .string()
  .min(3)
  .max(40)
  .regex(/^[0-9A-Za-z ]+$/, "is an IBAN or a ledger account number");
const Column = z.string().min(1).max(60);

export const StatementQuery = z.strictObject({
  format: z.enum(["camt053", "ofx", "csv"]).optional(),
  preset: z
    .enum([
      "credit-agricole",
      "societe-generale",
      "bnp-paribas",
      "bnp-paribas-sans-entete",
      "caisse-epargne",
      "boursorama",
      "fortuneo",
      "lcl",
      "qonto",
      "shine",
      "credit-mutuel",
      "banque-postale",
      "generic",
    ])
    .optional(),
  account: AccountRef.optional(),
  encoding: z.enum(["utf-8", "windows-1252", "iso-8859-15"]).optional(),
  delimiter: z.enum([";", ",", "\t", "|"]).optional(),
  dateColumn: Column.optional(),
  valueDateColumn: Column.optional(),
  labelColumn: Column.optional(),
  amountColumn: Column.optional(),
  debitColumn: Column.optional(),
  creditColumn: Column.optional(),
  /** The column giving each line's account, when one CSV holds several accounts. */
  accountColumn: Column.optional(),
});

export const ImportSchema = z.object({
  imported: z.number().int(),
  duplicates: z.number().int(),
  format: z.string(),
  variant: z.string(),
  statements: z.array(
    z.object({
      iban: z.string(),
      account: z.string(),
      from: z.string(),
      to: z.string(),
      lines: z.number().int(),
      imported: z.number().int(),
      duplicates: z.number().int(),
      opening: z.number().int().nullable(),
      closing: z.number().int().nullable(),
      balanceChecked: z.boolean(),
    }),
  ),
  /** The file's statements left out: an account not configured (BANK_ACCOUNTS) or not the one asked for (?account=). */
  skipped: z.array(
    z.object({
      statement: z.number().int(),
      account: z.string(),
      reason: z.enum(["not-configured", "not-asked"]),
      message: z.string(),
      lines: z.number().int(),
    }),
  ),
});

export const LineIdParam = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(80)
    .regex(/^[\w-]+$/, "is not a bank line id"),
});

export const LinesQuery = z.strictObject({
  status: z.enum(["unmatched", "matched"]).optional(),
  account: AccountRef.optional(),
  from: CalendarDate.optional(),
  to: CalendarDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(4096).optional(),
});

export const BankLineSchema = z.object({
  id: z.string(),
  account: z.string(),
  iban: z.string(),
  date: z.string(),
  valueDate: z.string().optional(),
  amount: z.number().int(),
  label: z.string(),
  counterparty: z.string().optional(),
  bankRef: z.string().optional(),
  reference: z.string().optional(),
  rank: z.number().int(),
  status: z.enum(["unmatched", "matched"]),
  matchId: z.string().optional(),
  importedAt: z.string(),
  statementId: z.string(),
  rejections: z.array(z.object({ entryId: z.string(), rejectedAt: z.string(), rejectedBy: z.string() })).optional(),
  ruleCorrections: z
    .array(
      z.object({
        entryId: z.string(),
        date: z.string(),
        askedDate: z.string().optional(),
        reason: z.string(),
        from: z.object({ account: z.string(), aux: z.object({ number: z.string(), label: z.string() }).optional() }),
        to: z.object({ account: z.string(), aux: z.object({ number: z.string(), label: z.string() }).optional() }),
        at: z.string(),
        by: z.string(),
      }),
    )
    .optional()
    .describe("corrections of the line's rule entry (who, when, why), oldest first"),
});

export const MatchSchema = z.object({
  id: z.string(),
  account: z.string(),
  lineIds: z.array(z.string()),
  entryIds: z.array(z.string()),
  amount: z.number().int(),
  lineDates: z.array(z.string()),
  entryDates: z.array(z.string()),
  matchedAt: z.string(),
  matchedBy: z.string(),
  how: z.enum(["manual", "rule", "proposal"]),
});

const EntryId = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[\w-]+$/, "is not an entry id");
export const MatchInput = z
  .strictObject({
    entryIds: z.array(EntryId).min(1).max(40).optional(),
    /** The contract's form: one entry. */
    entryId: EntryId.optional(),
    /** More bank lines explained by the same entries (several lines, one entry). */
    lineIds: z
      .array(
        z
          .string()
          .min(1)
          .max(80)
          .regex(/^[\w-]+$/),
      )
      .max(40)
      .optional(),
  })
  .refine((b) => !!b.entryIds?.length !== !!b.entryId, { message: "give entryIds (or entryId), one of the two", path: ["entryIds"] });

export const RuleBody = z.strictObject({
  rule: z.enum(["bank_fees", "interest", "supplier", "account"]).optional(),
  account: z
    .string()
    .regex(/^\d{3,8}$/, "is not an account number")
    .optional(),
  supplier: z.string().min(1).max(100).optional(),
  label: z.string().min(1).max(200).optional(),
});

export const RuleCorrectionBody = RuleBody.extend({
  date: CalendarDate.describe("the correction's date (a closed year's: the first day of the first open year)"),
  reason: z.string().trim().min(1).max(200).describe("why: kept on the line (audit trail)"),
}).meta({ id: "BankRuleCorrectionInput" });

export const ReconcileInput = z.strictObject({
  account: AccountRef.default("512"),
  from: CalendarDate.optional(),
  to: CalendarDate.optional(),
  windowDays: z.number().int().min(0).max(60).default(5),
  /** Record the proposals at or above `minScore` as matches (never books an entry). */
  apply: z.boolean().default(false),
  minScore: z.number().min(0.5).max(1).default(0.95),
});

const Proposal = z.object({
  lineIds: z.array(z.string()),
  entryIds: z.array(z.string()),
  amount: z.number().int(),
  score: z.number(),
  kind: z.enum(["payout-id", "exact", "reference", "grouped-entries", "grouped-lines"]),
  reason: z.string(),
});

export const ReconcileSchema = z.object({
  account: z.string(),
  lines: z.number().int(),
  proposals: z.array(
    Proposal.extend({
      lines: z.array(z.object({ id: z.string(), date: z.string(), amount: z.number().int(), label: z.string() })),
      entries: z.array(
        z.object({ entryId: z.string(), date: z.string(), amount: z.number().int(), label: z.string(), pieceRef: z.string(), ref: z.string().nullable() }),
      ),
      alternatives: z.array(Proposal),
      stripe: z.unknown().optional(),
    }),
  ),
  applied: z.array(MatchSchema),
});

export const ReconciliationQuery = z.strictObject({
  account: AccountRef.default("512"),
  date: CalendarDate,
});

const Outstanding = z.object({
  kind: z.enum(["bank", "books"]),
  id: z.string(),
  date: z.string(),
  amount: z.number().int(),
  label: z.string(),
  ref: z.string().nullable().optional(),
});
export const ReconciliationSchema = z.object({
  account: z.string(),
  accountLabel: z.string(),
  ibans: z.array(z.string()),
  date: z.string(),
  since: z.string().nullable(),
  bankBalance: z.number().int().nullable(),
  ledgerBalance: z.number().int(),
  unmatchedBank: z.object({ count: z.number().int(), total: z.number().int(), items: z.array(Outstanding) }),
  unmatchedBooks: z.object({ count: z.number().int(), total: z.number().int(), items: z.array(Outstanding) }),
  adjustedBank: z.number().int().nullable(),
  adjustedBooks: z.number().int(),
  difference: z.number().int().nullable(),
  /** The date is after the last imported statement's end: the bank balance is that statement's closing. */
  afterLastStatement: z.boolean(),
  lastStatementEnd: z.string().nullable(),
  warnings: z.array(z.string()),
});

export const StripeBalanceQuery = z.strictObject({ date: CalendarDate });
export const StripeBookInput = z.strictObject({ date: CalendarDate });

const Bt = z.object({
  id: z.string(),
  type: z.string(),
  date: z.string(),
  net: z.number().int(),
  source: z.string().nullable(),
  description: z.string().nullable(),
});
export const StripeBalanceSchema = z.object({
  date: z.string(),
  account: z.string(),
  ledger: z.number().int(),
  stripe: z.number().int(),
  difference: z.number().int(),
  toBook: z.array(Bt),
  awaitingWebhook: z.array(Bt),
  notBooked: z.array(Bt.extend({ incident: z.string(), reason: z.string() })).describe("movements the webhook did not book (see the payment incidents)"),
  otherCurrencies: z
    .array(z.object({ currency: z.string(), net: z.number().int(), transactions: z.number().int() }))
    .describe("balance transactions in another currency than EUR, not added to `stripe`"),
});

export const BankAccountsSchema = z.object({
  items: z.array(
    z.object({
      iban: z.string().optional().describe("absent for an account known only by its numbers (a card)"),
      account: z.string(),
      label: z.string(),
      currency: z.string(),
      numbers: z.array(z.string()).optional(),
    }),
  ),
});

/** `GET /v1/bank/lines/{id}/candidates`: entries a line could be matched to by hand. */
export const CandidatesQuery = z.strictObject({
  amount: z.coerce.number().int().optional(),
  from: CalendarDate.optional(),
  to: CalendarDate.optional(),
  q: z.string().max(100).optional(),
  account: z
    .string()
    .regex(/^\d[\w]{0,19}$/, "is not an account number")
    .optional(),
});

export const CandidatesSchema = z.object({
  lineId: z.string(),
  account: z.string(),
  from: z.string(),
  to: z.string(),
  items: z.array(
    z.object({
      entryId: z.string(),
      date: z.string(),
      label: z.string(),
      pieceRef: z.string(),
      ref: z.string().nullable(),
      amount: z.number().int(),
      accounts: z.array(z.string()),
    }),
  ),
});

export const RejectInput = z.strictObject({ entryIds: z.array(EntryId).min(1).max(40) });
