/** Posting and sequencing an entry, through the in-memory storage adapter (no DynamoDB Local). */
import { describe, expect, it } from "vitest";
import { memoryDb } from "../db/memory.js";
import { ConflictError, ValidationError } from "../errors.js";
import { postEntry, readIdempotency, trialBalance, verifyChain, type PostEntryInput } from "./index.js";

const entry = (date: string, amount: number, pieceRef = `P-${date}-${amount}`): PostEntryInput => ({
  journal: "BQ",
  date,
  label: `Don du ${date}`,
  pieceRef,
  lines: [
    { account: "512", debit: amount },
    { account: "7541", credit: amount },
  ],
});

describe("posting through the memory adapter", () => {
  it("validates a draft: number and reference per journal, hash chained, balances summed", async () => {
    const db = memoryDb();
    const first = await postEntry(db, entry("2024-02-01", 12_345));
    expect(first).toMatchObject({ status: "validated", number: 1, ref: "BQ000001" });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    const second = await postEntry(db, entry("2024-02-02", 655));
    expect(second).toMatchObject({ number: 2, ref: "BQ000002" });
    expect(second.hash).not.toBe(first.hash);
    const tb = await trialBalance(db, 2024);
    expect(tb.totals).toEqual({ debit: 13_000, credit: 13_000 });
    expect(tb.accounts.find((a) => a.account === "512")?.balance).toBe(13_000);
    expect(await verifyChain(db)).toMatchObject({ ok: true, entries: 2 });
  });

  it("concurrent posters get gapless numbers, each once", async () => {
    const db = memoryDb();
    const got = await Promise.all(Array.from({ length: 8 }, (_, i) => postEntry(db, entry("2024-03-01", 100 + i))));
    expect(got.map((e) => e.number).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await verifyChain(db)).toMatchObject({ ok: true, entries: 8 });
  });

  it("an unbalanced entry is refused naming the lines and writes nothing", async () => {
    const db = memoryDb();
    const bad = {
      ...entry("2024-02-01", 100),
      lines: [
        { account: "512", debit: 100 },
        { account: "7541", credit: 99 },
      ],
    };
    await expect(postEntry(db, bad)).rejects.toBeInstanceOf(ValidationError);
    expect(db.doc.size).toBe(0);
  });
});

describe("the idempotency marker", () => {
  it("is written with the entry; a replay answers the same entry and writes nothing; another body is a conflict", async () => {
    const db = memoryDb();
    const idem = { operation: "post-entry", key: "k-1", requestHash: "h-1" };
    const first = await postEntry(db, entry("2024-05-01", 500), idem);
    expect(await readIdempotency(db, "post-entry", "k-1")).toMatchObject({ requestHash: "h-1", entryId: first.id });
    const before = db.doc.items();
    const again = await postEntry(db, entry("2024-05-01", 500), idem);
    expect(again).toEqual(first);
    expect(db.doc.items()).toEqual(before);
    await expect(postEntry(db, entry("2024-05-01", 700), { ...idem, requestHash: "h-2" })).rejects.toBeInstanceOf(ConflictError);
  });

  it("of two concurrent first requests with one key, one entry is written", async () => {
    const db = memoryDb();
    const idem = { operation: "post-entry", key: "k-2", requestHash: "h" };
    const [a, b] = await Promise.all([postEntry(db, entry("2024-05-02", 900), idem), postEntry(db, entry("2024-05-02", 900), idem)]);
    expect(a.id).toBe(b.id);
    expect((await trialBalance(db, 2024)).totals.debit).toBe(900);
  });
});
