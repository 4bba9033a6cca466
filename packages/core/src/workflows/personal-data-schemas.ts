/**
 * The personal-data routes' schemas (`GET /v1/people/{email}/export`, `POST …/erasure`), apart
 * from the workflow so that the route table (read by every Lambda) loads no storage.
 */
import * as z from "zod";

/** The person, by e-mail address (as given at checkout; compared in lower case). */
export const PersonParam = z.strictObject({
  email: z.email("doit être une adresse e-mail").max(254, "au plus 254 caractères").toLowerCase(),
});

const Record = z.record(z.string(), z.unknown());

export const PersonExportSchema = z
  .object({
    email: z.string(),
    alias: z.string().describe("the stable alias the records carry once erased"),
    exportedAt: z.string().describe("ISO instant"),
    controller: z.object({
      name: z.string(),
      privacyContact: z.object({ name: z.string(), email: z.string() }),
      policyUrl: z.string(),
    }),
    donations: z.array(Record).describe("donation and membership fee records (giving)"),
    checkouts: z.array(Record).describe("checkout records of those payments"),
    member: Record.nullable(),
    subscriptions: z.array(Record),
    incidents: z.array(Record).describe("payment incidents naming the address or one of its payments"),
    receipts: z.array(Record).describe("tax receipts printed for the person, issued or cancelled, with their PDF's route"),
    ledgerEntries: z
      .array(
        z.object({
          id: z.string(),
          journal: z.string(),
          number: z.number().int().nullable(),
          date: z.string(),
          label: z.string(),
          pieceRef: z.string(),
          keptUntil: z.string(),
        }),
      )
      .describe("the ledger entries of the person's payments (their label names the payer)"),
    messages: z
      .array(z.object({ id: z.string(), kind: z.string(), subject: z.string(), status: z.string(), at: z.string(), error: z.string().optional() }))
      .describe("e-mails written to the address (the mail's outbox), and once erased the pseudonymised ones"),
    elsewhere: z.array(z.object({ where: z.string(), what: z.string() })).describe("what is held outside the table, or not by address"),
  })
  .meta({ id: "PersonExport" });

export const ErasureSchema = z
  .object({
    email: z.string().describe("the alias the records now carry"),
    erased: z.array(z.object({ what: z.string(), label: z.string(), count: z.number().int() })),
    kept: z.array(z.object({ what: z.string(), label: z.string(), count: z.number().int(), reason: z.string(), until: z.string().nullable() })),
    notes: z.array(z.string()),
  })
  .meta({ id: "Erasure" });

export const RetentionInput = z.strictObject({ dryRun: z.boolean("vrai ou faux").default(false) });

export const RetentionSchema = z
  .object({
    today: z.string(),
    cutoff: z.string().describe("a last contact before this date is more than three years old"),
    dryRun: z.boolean(),
    people: z.array(
      z.object({
        email: z.string().describe("the alias once erased; the address in a dry run or when skipped"),
        lastContact: z.string(),
        action: z.enum(["erased", "would_erase", "skipped"]),
        reason: z.string().optional(),
      }),
    ),
  })
  .meta({ id: "Retention" });

export type Retention = z.output<typeof RetentionSchema>;
export type PersonExport = z.output<typeof PersonExportSchema>;
export type Erasure = z.output<typeof ErasureSchema>;
