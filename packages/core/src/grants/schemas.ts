/** Inputs and answers of funders, grants and fonds dédiés, parsed at the edge with zod (expenses: spending/schemas.ts). */
import * as z from "zod";
import { AccountNumber, CalendarDate, Cents, EntrySchema, Year } from "../ledger/index.js";
import { ProjectCode } from "../projects/index.js";
import { FUNDER_ACCOUNTS, FUNDER_KINDS } from "./accounts.js";

const Id = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[\w-]+$/, "is not an id");
export const IdParam = z.strictObject({ id: Id });
export const YearQuery = z.strictObject({ year: Year });
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});
export const YearPageQuery = PageQuery.extend({ year: Year });
/** The shares' total in hundredths of a percent (10 000 is 100 %), each share rounded to 0,01 %. */
const sharesTotal = (parts: readonly { share: number }[]) => parts.reduce((s, p) => s + Math.round(p.share * 10_000), 0);

/** One project's share of a grant: a fraction to 0,01 % (0.6 is 60 %), as an expense's. */
const GrantProjectShare = z.strictObject({
  projectId: ProjectCode.describe("the project's code (`GET /v1/projects`)"),
  share: z
    .number()
    .positive("must be greater than 0")
    .max(1, "must not be over 1 (100 %)")
    .refine((n) => Math.abs(n * 10_000 - Math.round(n * 10_000)) < 1e-6, "at most four decimals (0,01 %)")
    .describe("a fraction: 0.6 is 60 % (to 0,01 %)"),
});

/** The projects a grant funds, by share: 2 to 10, each once, adding up to 1 (100 %). */
export const GrantProjects = z
  .array(GrantProjectShare)
  .min(2, "a grant split has 2 to 10 projects (one project: projectId)")
  .max(10, "a grant split has 2 to 10 projects")
  .superRefine((parts, ctx) => {
    const seen = new Set<string>();
    parts.forEach((p, i) => {
      if (seen.has(p.projectId)) ctx.addIssue({ code: "custom", path: [i, "projectId"], message: `project ${p.projectId} is named twice` });
      seen.add(p.projectId);
    });
    const total = sharesTotal(parts);
    if (parts.length && total !== 10_000) ctx.addIssue({ code: "custom", path: [], message: `the shares add up to ${total / 100} %, not 100 %` });
  })
  .describe(
    "or the projects of the registry the grant funds, by share adding up to 1 (100 %): each of its income, 487 and fonds dédiés lines is split between them to the cent",
  );

const BOTH = "a grant has a project (projectId) or a split (projects), not both";

export const GrantListQuery = z.strictObject({
  year: Year.optional(),
  project: z
    .union([z.literal("none"), ProjectCode])
    .optional()
    .describe("only the grants funding this project (its code, alone or in a split), or `none`: the grants on no project"),
});

export const FunderInput = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    kind: z.enum(FUNDER_KINDS),
    incomeAccount: AccountNumber.optional().describe("public bodies: 741 (State, default), 742 (local authorities) or 746 (EU)"),
    receivableAccount: AccountNumber.optional().describe("the receivable the funder kind allows (441 public, 4687 others)"),
  })
  .superRefine((f, ctx) => {
    const t = FUNDER_ACCOUNTS[f.kind];
    if (f.incomeAccount && !t.income.includes(f.incomeAccount))
      ctx.addIssue({ code: "custom", path: ["incomeAccount"], message: `a ${f.kind} funder's income goes to ${t.income.join(" or ")}` });
    if (f.receivableAccount && !t.receivable.includes(f.receivableAccount))
      ctx.addIssue({ code: "custom", path: ["receivableAccount"], message: `a ${f.kind} funder's receivable is ${t.receivable.join(" or ")}` });
  })
  .meta({ id: "FunderInput" });
export type FunderInput = z.output<typeof FunderInput>;

export const GrantInput = z
  .strictObject({
    funderId: Id,
    title: z.string().trim().min(1).max(200),
    project: z.string().trim().min(1).max(500).optional().describe("the funded project, in words (the convention's description of the action)"),
    projectId: ProjectCode.optional().describe(
      "the project of the registry (GET /v1/projects) the grant funds: its income and fonds dédiés lines carry it, and its compte-rendu is that project's",
    ),
    projects: GrantProjects.optional(),
    agreementDate: CalendarDate.describe("the convention's signature: its fiscal year gets the income"),
    agreementRef: z.string().trim().min(1).max(60).optional().describe("the convention's reference (the entry's piece reference)"),
    amount: Cents,
    restricted: z.boolean().describe("earmarked by the funder for a defined project: unspent money becomes fonds dédiés"),
    startDate: CalendarDate,
    endDate: CalendarDate,
    installments: z
      .array(z.strictObject({ dueDate: CalendarDate, amount: Cents }))
      .min(1)
      .max(24),
    reportingDeadlines: z
      .array(z.strictObject({ kind: z.enum(["interim", "final"]), dueDate: CalendarDate, label: z.string().trim().min(1).max(200).optional() }))
      .max(24)
      .default([]),
    documents: z
      .array(z.strictObject({ ref: z.string().trim().min(1).max(200), label: z.string().trim().min(1).max(200).optional() }))
      .max(50)
      .default([]),
  })
  .superRefine((g, ctx) => {
    if (g.endDate < g.startDate) ctx.addIssue({ code: "custom", path: ["endDate"], message: "must not be before startDate" });
    const sum = g.installments.reduce((s, i) => s + i.amount, 0);
    if (sum !== g.amount) ctx.addIssue({ code: "custom", path: ["installments"], message: `the installments add up to ${sum}, not the amount ${g.amount}` });
    if (g.projectId !== undefined && g.projects !== undefined) ctx.addIssue({ code: "custom", path: ["projects"], message: BOTH });
  })
  .meta({ id: "GrantInput" });
export type GrantInput = z.output<typeof GrantInput>;

export const PaymentInput = z
  .strictObject({
    date: CalendarDate,
    amount: Cents,
    bankLineId: Id.optional().describe("the bank statement line this payment is (one payment per line)"),
    installment: z.number().int().min(1).max(24).optional().describe("1-based; without it the payment settles the installments in due-date order"),
    label: z.string().trim().min(1).max(200).optional().describe("the entry's wording (default: Versement <funder> : <title>)"),
  })
  .meta({ id: "GrantPaymentInput" });
export type PaymentInput = z.output<typeof PaymentInput>;

const Reason = z.string().trim().min(1).max(200).describe("why: kept in the grant's history and in the entries' wording");

export const AmendmentInput = z
  .strictObject({
    date: CalendarDate.describe("the amendment's date (avenant); in a closed year, the entries go to the first open year"),
    amount: Cents.optional().describe("the new amount awarded (not below what was received)"),
    installments: z
      .array(z.strictObject({ dueDate: CalendarDate, amount: Cents }))
      .min(1)
      .max(24)
      .optional()
      .describe("the new schedule; without it a new amount changes the last installments"),
    endDate: CalendarDate.optional().describe("the new end of the grant's period"),
    projectId: ProjectCode.nullable()
      .optional()
      .describe("the project the grant funds from now on (null: none); the income of the open years moves to it, the later entries carry it"),
    projects: GrantProjects.optional().describe(
      "or the projects it funds from now on, by share adding up to 1: the income of the open years moves to them, the later entries are split between them",
    ),
    reason: Reason,
  })
  .superRefine((a, ctx) => {
    if (a.amount === undefined && a.installments === undefined && a.endDate === undefined && a.projectId === undefined && a.projects === undefined)
      ctx.addIssue({ code: "custom", path: ["amount"], message: "an amendment changes the amount, the installments, the end date or the project" });
    if (a.projectId !== undefined && a.projects !== undefined) ctx.addIssue({ code: "custom", path: ["projects"], message: BOTH });
  })
  .meta({ id: "GrantAmendmentInput" });
export type AmendmentInput = z.output<typeof AmendmentInput>;

export const CancellationInput = z.strictObject({ date: CalendarDate, reason: Reason }).meta({ id: "GrantCancellationInput" });
export type CancellationInput = z.output<typeof CancellationInput>;

export const RepaymentInput = z
  .strictObject({ date: CalendarDate, amount: Cents.describe("given back to the funder: not more than the unspent restricted funds"), reason: Reason })
  .meta({ id: "GrantRepaymentInput" });
export type RepaymentInput = z.output<typeof RepaymentInput>;

// ---------------------------------------------------------------- answers

const Figures = z.object({
  awarded: z.number().int(),
  recognised: z.number().int().describe("income booked in fiscal years up to the current one"),
  deferred: z.number().int().describe("awarded, for later fiscal years (487)"),
  received: z.number().int(),
  outstanding: z.number().int().describe("awarded − received: still to be paid by the funder"),
  spent: z.number().int().describe("expenses tagged to the grant"),
  repaid: z.number().int().describe("unspent restricted funds given back to the funder"),
  unspentRestricted: z.number().int().describe("restricted grants: recognised − spent, not below 0 (the fonds dédiés to carry)"),
});
const ByYear = z.array(z.object({ year: z.number().int(), recognised: z.number().int(), received: z.number().int(), spent: z.number().int() }));
const Accounts = z.object({ income: z.string(), receivable: z.string(), dedicated: z.string(), report: z.string(), release: z.string() });
const Aux = z.object({ number: z.string(), label: z.string() });
const ShareList = z.array(z.object({ projectId: z.string(), share: z.number() }));
const Terms = z.object({ amount: z.number().int(), endDate: z.string(), installments: z.array(z.object({ dueDate: z.string(), amount: z.number().int() })) });

export const CorrectionSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["amendment", "cancellation", "repayment"]),
    date: z.string().describe("the date asked"),
    bookedOn: z.string().describe("the date the entries are written on: the first open year's first day when the date asked is in a closed year"),
    closedYear: z.number().int().nullable().describe("the closed year the date asked was in, if any"),
    reason: z.string(),
    by: z.object({ sub: z.string(), role: z.string() }).nullable(),
    at: z.string(),
    before: Terms,
    after: Terms,
    recognition: z.array(z.object({ year: z.number().int(), amount: z.number().int() })).describe("income moved per fiscal year"),
    repayment: z.object({ amount: z.number().int(), fromFunds: z.number().int(), fromIncome: z.number().int(), debtAccount: z.string() }).nullable(),
    projectId: z.string().nullable().describe("the project the correction's entries carry (the grant's after it); null with a split"),
    projects: ShareList.nullable().describe("or the projects they are split between, by share (the grant's after it)"),
    projectMove: z
      .object({
        from: z.string().nullable().describe("the project before (null: none, or a split: fromProjects)"),
        to: z.string().nullable().describe("the project after (null: none, or a split: toProjects)"),
        fromProjects: ShareList.nullable().describe("the split before, if it was one"),
        toProjects: ShareList.nullable().describe("the split after, if it is one"),
        moved: z.array(z.object({ year: z.number().int(), amount: z.number().int() })).describe("income moved from one project to the other, per fiscal year"),
      })
      .nullable()
      .describe("an amendment that changed the grant's project"),
    entries: z.array(z.object({ id: z.string(), date: z.string(), year: z.number().int() })),
  })
  .meta({ id: "GrantCorrection" });

export const GrantSchema = z
  .object({
    id: z.string(),
    funderId: z.string(),
    funderName: z.string(),
    title: z.string(),
    project: z.string().nullable().describe("the funded project, in words"),
    projectId: z.string().nullable().describe("the project of the registry the grant funds (its code)"),
    projectName: z.string().nullable().describe("that project's name"),
    projects: z
      .array(z.object({ projectId: z.string(), share: z.number().describe("a fraction: 0.6 is 60 %"), name: z.string() }))
      .nullable()
      .describe("or the projects the grant funds, by share, with their names; null when it funds one project or none"),
    agreementDate: z.string(),
    agreementRef: z.string().nullable(),
    amount: z.number().int(),
    restricted: z.boolean(),
    startDate: z.string(),
    endDate: z.string(),
    status: z.enum(["active", "ended", "cancelled"]),
    cancelled: z.object({ date: z.string(), reason: z.string() }).nullable(),
    installments: z.array(z.object({ dueDate: z.string(), amount: z.number().int(), received: z.number().int() })),
    reportingDeadlines: z.array(z.object({ kind: z.enum(["interim", "final"]), dueDate: z.string(), label: z.string().optional() })),
    documents: z.array(z.object({ ref: z.string(), label: z.string().optional() })),
    accounts: Accounts,
    aux: Aux,
    recognition: z.array(z.object({ year: z.number().int(), amount: z.number().int(), entryId: z.string() })),
    byYear: ByYear,
    createdAt: z.string(),
    corrections: z.array(CorrectionSchema).describe("the grant's history: amendments, cancellation, repayments"),
  })
  .extend(Figures.shape)
  .meta({ id: "Grant" });

export const GrantCreatedSchema = GrantSchema.extend({ entries: z.array(EntrySchema) });
export const GrantCorrectedSchema = GrantSchema.extend({ correction: CorrectionSchema, entries: z.array(EntrySchema) }).meta({ id: "GrantCorrected" });
export const GrantDetailSchema = GrantSchema.extend({
  payments: z.array(
    z.object({
      entryId: z.string(),
      date: z.string(),
      amount: z.number().int(),
      bankLineId: z.string().nullable(),
      installments: z.array(z.object({ index: z.number().int(), amount: z.number().int() })),
      createdAt: z.string(),
      afterEnd: z.boolean().describe("received after the grant's end: accepted, flagged"),
    }),
  ),
});

export const FunderSchema = z
  .object({ id: z.string(), name: z.string(), kind: z.enum(FUNDER_KINDS), accounts: Accounts, aux: Aux, createdAt: z.string() })
  .extend(Figures.shape)
  .extend({ byYear: ByYear })
  .meta({ id: "Funder" });
export const FunderDetailSchema = FunderSchema.extend({ grants: z.array(GrantSchema) });

export const PaymentSchema = z
  .object({
    grantId: z.string(),
    entryId: z.string(),
    date: z.string(),
    amount: z.number().int(),
    bankLineId: z.string().nullable(),
    bankMatchId: z.string().nullable().describe("the bank reconciliation group lettering this payment with its bank line"),
    installments: z.array(z.object({ index: z.number().int(), amount: z.number().int() })),
    afterEnd: z.boolean().describe("received after the grant's end (its end date and last installment): accepted, flagged"),
    entry: EntrySchema,
    grant: GrantSchema,
  })
  .meta({ id: "GrantPayment" });

export const DedicatedFundsRowSchema = z.object({
  grantId: z.string(),
  title: z.string(),
  funderId: z.string(),
  funderName: z.string(),
  dedicatedAccount: z.string(),
  reportAccount: z.string(),
  releaseAccount: z.string(),
  recognised: z.number().int(),
  spent: z.number().int(),
  repaid: z.number().int().describe("given back to the funder from the funds carried (19x → debt), in the year"),
  atStart: z.number().int(),
  new: z.number().int(),
  used: z.number().int(),
  atEnd: z.number().int(),
  recognisedToDate: z.number().int(),
  spentToDate: z.number().int(),
  posted: z.boolean().describe("the ledger carries this row's figures for the year"),
  grantEnded: z.boolean().describe("the grant ended (or was cancelled) by the year's end"),
  proposedTransfer: z
    .object({ amount: z.number().int(), from: z.string(), to: z.string(), route: z.string() })
    .nullable()
    .describe("fonds dédiés left on an ended grant: the transfer to the funder's debt to make (a repayment), null when none"),
});
export const DedicatedFundsSchema = z
  .object({
    year: z.number().int(),
    rows: z.array(DedicatedFundsRowSchema),
    totals: z.object({
      atStart: z.number().int(),
      new: z.number().int(),
      used: z.number().int(),
      atEnd: z.number().int(),
      recognised: z.number().int(),
      spent: z.number().int(),
    }),
    pending: z.array(z.string()).describe("restricted grants whose year-end figure is not posted"),
    endedWithFunds: z.array(z.string()).describe("ended grants that still carry fonds dédiés at the year's end"),
  })
  .meta({ id: "DedicatedFunds" });
export const DedicatedFundsPostedSchema = DedicatedFundsSchema.extend({ entries: z.array(EntrySchema) });
