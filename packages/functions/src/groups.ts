/** What each Lambda group may touch, for least-privilege IAM in the stack. */
import type { Group } from "./route.js";

export interface GroupNeeds {
  /** Access to the one table. */
  table: "none" | "read" | "readwrite";
  /**
   * When set, the group may read and write only items whose partition key matches one of these
   * patterns (IAM condition `dynamodb:LeadingKeys`, `*` a wildcard), and no index.
   */
  leadingKeys?: readonly string[];
  /**
   * Which Stripe key the group reads from Secrets Manager, each in its own secret: `checkout` (a
   * restricted key that may create Checkout Sessions only, for the public routes) or `read` (a
   * restricted read key and the webhook signing secret: the webhook, the bank's payout matching) or
   * `portal` (a restricted key that may create customer portal sessions and read subscriptions: the
   * donor's space).
   */
  stripe: false | "checkout" | "read" | "portal";
  /** Key prefixes of the files bucket the group reads / writes (`""` for the whole bucket). */
  files?: { read?: readonly string[]; write?: readonly string[] };
  /** The function invokes itself asynchronously (long jobs: large exports); env EXPORT_FUNCTION_NAME. */
  selfInvoke?: boolean;
  memoryMb: number;
  /** Lambda timeout; API Gateway answers 503 after 30 s whatever this is (long jobs run async). */
  timeoutSeconds?: number;
}

/** The pk prefixes the public checkout writes: checkout records, public idempotency answers, rate buckets (payments/records.ts); and the settings it reads (tiers, giving options, checkout limits). */
export const PUBLIC_LEADING_KEYS = ["CHECKOUT#*", "PUBIDEM#*", "RATE#*", "SETTINGS"] as const;

export const GROUP_NEEDS: Record<Group, GroupNeeds> = {
  system: { table: "none", stripe: false, memoryMb: 256 },
  // The auditor's package reads the invoices and the receipts' PDFs it puts in its zip (exports/).
  ledger: {
    table: "readwrite",
    stripe: false,
    memoryMb: 1024,
    files: { read: ["exports/", "invoices/", "receipts/"], write: ["exports/"] },
    selfInvoke: true,
    timeoutSeconds: 900,
  },
  public: { table: "readwrite", leadingKeys: PUBLIC_LEADING_KEYS, stripe: "checkout", memoryMb: 512, files: { read: ["logo/"] } },
  webhooks: { table: "readwrite", stripe: "read", memoryMb: 1024, files: { read: ["receipts/"], write: ["receipts/"] } },
  // 15 minutes: the scheduled runs (stacks/constructs/schedules.ts: the reminders, January's recaps) are invoked directly; API Gateway still answers after 30 s.
  people: { table: "readwrite", stripe: false, memoryMb: 512, files: { read: ["receipts/"], write: ["receipts/"] }, timeoutSeconds: 900 },
  documents: { table: "read", stripe: false, memoryMb: 1024, files: { read: ["receipts/"], write: ["receipts/"] } },
  grants: { table: "readwrite", stripe: false, memoryMb: 1024, files: { read: ["invoices/"], write: ["invoices/"] } },
  bank: { table: "readwrite", stripe: "read", memoryMb: 1024 },
  reports: { table: "readwrite", stripe: false, memoryMb: 1536, files: { read: [""] } },
  settings: { table: "readwrite", stripe: "read", memoryMb: 512, files: { read: ["logo/"], write: ["logo/"] } },
  // The donor's space: a person's gifts by e-mail (an index), their receipts' files, the link
  // e-mailed through the outbox, the rate buckets; Stripe's customer portal with its own key.
  donor: { table: "readwrite", stripe: "portal", memoryMb: 1024, files: { read: ["receipts/"], write: ["receipts/"] } },
  // The mail outbox: a person's messages, SES's bounce events, and the worker (every minute, 60 s):
  // it reads the attachments (receipts' PDFs, rendered again and kept if missing) and sends through SES.
  mail: { table: "readwrite", stripe: false, memoryMb: 1024, files: { read: ["receipts/"], write: ["receipts/"] }, timeoutSeconds: 60 },
  // Projects, budgets and the grants' comptes-rendus financiers (a PDF: the fonts ship beside it).
  projects: { table: "readwrite", stripe: false, memoryMb: 1024 },
};
