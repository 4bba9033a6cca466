/** A grant's recognition and its payments, through the in-memory storage adapter (no DynamoDB Local). */
import { describe, expect, it } from "vitest";
import { memoryDb } from "../db/memory.js";
import { ConflictError } from "../errors.js";
import { trialBalance } from "../ledger/index.js";
import { createFunder, createGrant, getGrant, recordPayment } from "./index.js";
import { recognitionSchedule } from "./recognition.js";

const balance = async (db: ReturnType<typeof memoryDb>, year: number, account: string) =>
  (await trialBalance(db, year)).accounts.find((a) => a.account === account)?.balance ?? 0;

async function signed() {
  const db = memoryDb();
  const funder = await createFunder(db, { name: "Ville de Lyon", kind: "public", incomeAccount: "742" });
  const grant = await createGrant(db, {
    funderId: funder.id,
    title: "Ateliers 2023-2024",
    agreementDate: "2023-12-10",
    amount: 366_000,
    restricted: true,
    startDate: "2023-12-01",
    endDate: "2024-11-30",
    installments: [
      { dueDate: "2024-01-15", amount: 200_000 },
      { dueDate: "2024-06-15", amount: 166_000 },
    ],
    reportingDeadlines: [],
    documents: [],
  });
  return { db, funder, grant };
}

describe("a grant's recognition", () => {
  it("books the signature year's share at signature, the rest deferred (487) and taken back in the next year", async () => {
    const { db, grant } = await signed();
    const [y2023, y2024] = recognitionSchedule(366_000, "2023-12-10", "2023-12-01", "2024-11-30");
    expect(y2023).toEqual({ year: 2023, amount: 31_000 });
    expect(y2024).toEqual({ year: 2024, amount: 335_000 });
    expect(grant.entries.map((e) => [e.journal, e.date, e.status])).toEqual([
      ["OD", "2023-12-10", "validated"],
      ["OD", expect.stringMatching(/^2024-/), "validated"],
    ]);
    expect(await balance(db, 2023, "742")).toBe(-31_000);
    expect(await balance(db, 2023, "487")).toBe(-335_000);
    expect(await balance(db, 2023, "441")).toBe(366_000);
    expect(await balance(db, 2024, "742")).toBe(-335_000);
  });

  it("a payment settles the receivable by installment; an over-payment is refused and writes nothing", async () => {
    const { db, grant } = await signed();
    const { payment: paid } = await recordPayment(db, grant.id, { date: "2024-01-20", amount: 200_000 });
    expect(paid.installments).toEqual([{ index: 1, amount: 200_000 }]);
    expect(paid.entry).toMatchObject({ journal: "BQ", status: "validated" });
    const before = db.doc.size;
    await expect(recordPayment(db, grant.id, { date: "2024-02-01", amount: 166_001 })).rejects.toBeInstanceOf(ConflictError);
    expect(db.doc.size).toBe(before);
    const g = await getGrant(db, grant.id);
    expect(g.payments).toHaveLength(1);
    expect(g.installments.map((i) => i.received)).toEqual([200_000, 0]);
  });

  it("two payments at once: both settle, the grant's version keeps them from overwriting each other", async () => {
    const { db, grant } = await signed();
    await Promise.all([
      recordPayment(db, grant.id, { date: "2024-01-20", amount: 100_000 }),
      recordPayment(db, grant.id, { date: "2024-01-21", amount: 100_000 }),
    ]);
    const g = await getGrant(db, grant.id);
    expect(g.installments.map((i) => i.received)).toEqual([200_000, 0]);
    expect(g.payments).toHaveLength(2);
  });
});
