/** What each Lambda group may touch, for least-privilege IAM in the stack. */
import type { Group } from "./route.js";

export interface GroupNeeds {
  /** Access to the one table. */
  table: "none" | "read" | "readwrite";
  /** Reads the Stripe keys from Secrets Manager. */
  stripe: boolean;
  memoryMb: number;
}

export const GROUP_NEEDS: Record<Group, GroupNeeds> = {
  system: { table: "none", stripe: false, memoryMb: 256 },
  ledger: { table: "readwrite", stripe: false, memoryMb: 1024 },
  public: { table: "readwrite", stripe: true, memoryMb: 512 },
  webhooks: { table: "readwrite", stripe: true, memoryMb: 1024 },
  people: { table: "readwrite", stripe: false, memoryMb: 512 },
  documents: { table: "read", stripe: false, memoryMb: 1024 },
  grants: { table: "readwrite", stripe: false, memoryMb: 1024 },
  bank: { table: "readwrite", stripe: false, memoryMb: 1024 },
  reports: { table: "readwrite", stripe: false, memoryMb: 1536 },
};
