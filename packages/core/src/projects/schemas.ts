/**
 * The projects' inputs and answers (zod). A project is an analytic axis: its code is what entry
 * lines, expenses, gifts and grants carry (`project`), or a split of one amount between several
 * projects (`[{ projectId, share | amount }]`).
 */
import * as z from "zod";
import { CERFA_ROWS } from "./cerfa.js";

/** A project's code: 2 to 20 capitals, digits, '-' or '_' (typed in lower case, kept in capitals). */
export const ProjectCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9][A-Z0-9_-]{1,19}$/, "must be 2 to 20 letters, digits, '-' or '_'"))
  .describe("the project's code (upper case): what lines carry as `project`");

const Year = z.coerce.number().int().min(2000).max(2200);
const AccountNumber = z.string().regex(/^\d{3,10}$/, "must be 3 to 10 digits");

export const ProjectInput = z
  .strictObject({
    code: ProjectCode,
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(1000).optional(),
  })
  .meta({ id: "ProjectInput" });
export type ProjectInput = z.output<typeof ProjectInput>;

/** A project's name or description corrected; its code cannot change (lines, budgets and grants carry it). */
export const ProjectUpdateInput = z
  .strictObject({
    name: z.string("un nom").trim().min(1, "requis : le nom du projet").max(120, "120 caractères au plus").optional(),
    description: z.string("un texte").trim().max(1000, "1 000 caractères au plus").nullable().optional().describe("null or empty: none"),
    reason: z.string("un motif").trim().max(500, "500 caractères au plus").optional(),
  })
  .superRefine((x, ctx) => {
    if (x.name === undefined && x.description === undefined)
      ctx.addIssue({ code: "custom", path: ["name"], message: "rien à corriger : donnez le nouveau nom ou la nouvelle description" });
  })
  .meta({ id: "ProjectUpdateInput" });
export type ProjectUpdateInput = z.output<typeof ProjectUpdateInput>;

const Who = z.object({ sub: z.string(), role: z.string() });
export const ProjectSchema = z
  .object({
    id: z.string().describe("the code"),
    code: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    createdAt: z.string(),
    version: z.number().int().describe("0 until corrected, then one more per correction"),
    history: z
      .array(
        z.object({
          version: z.number().int(),
          at: z.string(),
          by: Who.nullable(),
          reason: z.string().nullable(),
          before: z.object({ name: z.string(), description: z.string().nullable() }),
          after: z.object({ name: z.string(), description: z.string().nullable() }),
        }),
      )
      .describe("its corrections, oldest first"),
  })
  .meta({ id: "Project" });
export const ProjectListSchema = z.object({ items: z.array(ProjectSchema) });

/**
 * One part of a split: a share (a fraction, to 0,01 %) or an amount in cents. The parts of one
 * split are all shares (adding to 1, 100 %) or all amounts (adding to the total).
 */
export const SplitPart = z
  .strictObject({
    projectId: ProjectCode,
    share: z
      .number()
      .positive("must be greater than 0")
      .max(1, "must not be over 1 (100 %)")
      .refine((n) => Math.abs(n * 10_000 - Math.round(n * 10_000)) < 1e-6, "at most four decimals (0,01 %)")
      .optional()
      .describe("a fraction: 0.625 is 62,5 % (to 0,01 %)"),
    amount: z.number().int("must be a whole number of cents").positive("must be greater than 0").max(1e13).optional().describe("cents"),
  })
  .superRefine((p, ctx) => {
    if ((p.share === undefined) === (p.amount === undefined))
      ctx.addIssue({ code: "custom", path: [p.share === undefined ? "share" : "amount"], message: "a part has exactly one of share or amount" });
  })
  .meta({ id: "ProjectSplitPart" });
export type SplitPart = z.output<typeof SplitPart>;

export const ProjectSplit = z
  .array(SplitPart)
  .min(1)
  .max(20)
  .superRefine((parts, ctx) => {
    const seen = new Set<string>();
    parts.forEach((p, i) => {
      if (seen.has(p.projectId)) ctx.addIssue({ code: "custom", path: [i, "projectId"], message: `project ${p.projectId} is named twice` });
      seen.add(p.projectId);
    });
    const shares = parts.filter((p) => p.share !== undefined);
    if (shares.length && shares.length !== parts.length)
      ctx.addIssue({ code: "custom", path: [], message: "the parts are all shares or all amounts, not both" });
    if (shares.length === parts.length) {
      const total = parts.reduce((s, p) => s + Math.round((p.share ?? 0) * 10_000), 0);
      if (total !== 10_000) ctx.addIssue({ code: "custom", path: [], message: `the shares add up to ${total / 100} %, not 100 %` });
    }
  })
  .describe("the amount split between projects: shares (fractions) adding to 1 (100 %), or amounts adding to the total")
  .meta({ id: "ProjectSplit" });

// ---------------------------------------------------------------- budgets

export const BudgetLineInput = z.strictObject({
  account: AccountNumber.describe("an account of classes 6, 7, 86 or 87 (the CERFA 12156 rows)"),
  project: ProjectCode.optional(),
  amount: z.number().int("must be a whole number of cents").min(0, "must not be negative").max(1e13).describe("cents"),
});
export const BudgetInput = z
  .strictObject({
    lines: z.array(BudgetLineInput).max(5000),
    note: z.string().trim().max(1000).optional(),
  })
  .superRefine((b, ctx) => {
    const seen = new Map<string, number>();
    b.lines.forEach((l, i) => {
      const k = `${l.account}#${l.project ?? ""}`;
      if (seen.has(k))
        ctx.addIssue({
          code: "custom",
          path: ["lines", i],
          message: `account ${l.account}${l.project ? ` of project ${l.project}` : ""} is already on line ${seen.get(k)! + 1}`,
        });
      else seen.set(k, i);
    });
  })
  .meta({ id: "BudgetInput" });
export type BudgetInput = z.output<typeof BudgetInput>;

export const BudgetYearParam = z.strictObject({ year: Year });
export const ComparisonQuery = z.strictObject({
  project: z
    .union([z.literal("none"), ProjectCode])
    .optional()
    .describe("one project's code, or `none`: the budget lines without a project against what no project carries (the running costs)"),
});

export const BudgetSchema = z
  .object({
    year: z.number().int(),
    lines: z.array(z.object({ account: z.string(), label: z.string(), project: z.string().nullable(), amount: z.number().int() })),
    note: z.string().nullable(),
    version: z.number().int().describe("also the ETag: send it back as If-Match to save over exactly this version"),
    updatedAt: z.string().nullable(),
    history: z
      .array(
        z.object({
          version: z.number().int(),
          at: z.string(),
          by: Who.nullable(),
          lines: z.number().int(),
          charges: z.number().int().describe("cents budgeted on classes 6"),
          produits: z.number().int().describe("cents budgeted on classes 7"),
          note: z.string().nullable(),
        }),
      )
      .describe("every save of the year's budget, oldest first (the last 100)"),
  })
  .meta({ id: "Budget" });

const Money = z.number().int();
const Figures = {
  budget: Money,
  actual: Money,
  gap: Money.describe("actual − budget"),
  gapShare: z.number().nullable().describe("gap / budget; null without a budget"),
};
export const ComparisonSchema = z
  .object({
    year: z.number().int(),
    project: z.object({ code: z.string(), name: z.string() }).nullable(),
    unassigned: z.boolean().describe("true for `project=none`: the lines without a project, not the whole books"),
    rubriques: z.array(
      z.object({
        rubrique: z.string().describe("the CERFA 12156 row: 60 … 68, 70 … 78, 86, 87"),
        label: z.string(),
        side: z.enum(["charges", "produits", "emplois", "ressources"]),
        ...Figures,
        accounts: z.array(z.object({ account: z.string(), label: z.string(), ...Figures })),
      }),
    ),
    totals: z.object({
      charges: z.object(Figures),
      produits: z.object(Figures),
      result: z.object({ budget: Money, actual: Money, gap: Money }),
      emplois: z.object(Figures),
      ressources: z.object(Figures),
    }),
  })
  .meta({ id: "BudgetComparison" });

// ---------------------------------------------------------------- the compte-rendu's texts

/** A free text of the CERFA 15059: printed as given (trimmed), 2 000 characters at most. */
const ReportText = z.string().trim().min(1, "ne doit pas être vide").max(2000, "2 000 caractères au plus");
// A rubrique of the form, checked here so that it is named with the body's other faults; whether
// this report has the row is checked on saving (saveReportTexts).
const RUBRIQUES = new Set(CERFA_ROWS.map((r) => r.rubrique));
const Rubrique = z
  .string()
  .trim()
  .refine((r) => RUBRIQUES.has(r), "une rubrique du compte rendu : 60 … 68, 70 … 78, 86, 87");

/** A day written AAAA-MM-JJ that exists on the calendar (the report's « remis le »). */
const ReportDate = z.string("une date AAAA-MM-JJ").refine((d) => {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(d) ? Date.parse(`${d}T00:00:00Z`) : Number.NaN;
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
}, "une date qui existe au calendrier, écrite AAAA-MM-JJ");

export const ReportTextsInput = z
  .strictObject({
    gaps: z
      .array(z.strictObject({ rubrique: Rubrique, text: ReportText.describe("why the row's actual differs from its budget") }))
      .max(40)
      .describe("the gaps' explanations, one per row of the report"),
    summary: ReportText.nullable().optional().describe("bilan qualitatif: the action carried out"),
    actions: ReportText.nullable().optional().describe("its results: beneficiaries, places, dates, objectives reached"),
    signer: z
      .strictObject({
        name: z.string().trim().min(1, "ne doit pas être vide").max(120, "120 caractères au plus"),
        quality: z.string().trim().max(120, "120 caractères au plus").optional().describe("président(e), trésorier(e)…"),
      })
      .nullable()
      .optional()
      .describe("who signs the attestation"),
    sentOn: ReportDate.nullable()
      .optional()
      .describe("remis le: the day the report was sent to the funder (YYYY-MM-DD, not after today); null or absent: not sent"),
  })
  .superRefine((b, ctx) => {
    const seen = new Map<string, number>();
    b.gaps.forEach((g, i) => {
      if (seen.has(g.rubrique))
        ctx.addIssue({
          code: "custom",
          path: ["gaps", i, "rubrique"],
          message: `la rubrique ${g.rubrique} est déjà expliquée (écart ${seen.get(g.rubrique)! + 1})`,
        });
      else seen.set(g.rubrique, i);
    });
  })
  .meta({ id: "GrantReportTextsInput" });
export type ReportTextsInput = z.output<typeof ReportTextsInput>;

export const ReportTextsSchema = z
  .object({
    grantId: z.string(),
    gaps: z.array(z.object({ rubrique: z.string(), text: z.string() })),
    summary: z.string().nullable(),
    actions: z.string().nullable(),
    signer: z.object({ name: z.string(), quality: z.string().nullable() }).nullable(),
    sentOn: z.string().nullable().describe("remis le: the day the report was sent to the funder; null: not sent"),
    version: z.number().int().describe("0 when nothing was saved; send it back as If-Match"),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "GrantReportTexts" });
