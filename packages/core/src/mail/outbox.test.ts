import { afterEach, describe, expect, it } from "vitest";
import { fixedClock, useClock } from "../clock.js";
import { memoryDb } from "../db/memory.js";
import { transact } from "../db/store.js";
import { UnitOfWork } from "../db/unit-of-work.js";
import { eraseMessages, listMessages, messageIntents, queueMessage, resendMessage, markAddressBounced, clearAddressMark, markedAddresses } from "./index.js";

const gift = (fact = "donation#ch_1") => ({
  fact,
  kind: "gift_confirmation" as const,
  to: "Marie.Curie@Example.org ",
  name: "Marie Curie",
  data: { amount: 5000, date: "2026-12-02", reference: "ch_1", monthly: false },
});

let restore: ReturnType<typeof useClock> | undefined;
afterEach(() => {
  if (restore) useClock(restore);
  restore = undefined;
});

describe("the outbox", () => {
  it("queues a message once per (fact, kind), the address lower-cased", async () => {
    const db = memoryDb();
    expect((await queueMessage(db, gift())).queued).toBe(true);
    expect((await queueMessage(db, gift())).queued).toBe(false);
    expect(await listMessages(db, "marie.curie@example.org")).toEqual([
      expect.objectContaining({ kind: "gift_confirmation", status: "queued", subject: "Merci pour votre don de 50,00\u00a0€" }),
    ]);
  });

  it("a message intent written twice with its fact leaves one message, and never fails the fact's transaction", async () => {
    const db = memoryDb();
    await new UnitOfWork().add(...messageIntents(gift())).commit(db);
    await new UnitOfWork().add(...messageIntents(gift())).commit(db);
    expect(await listMessages(db, "marie.curie@example.org")).toHaveLength(1);
  });

  it("a message whose fact's transaction is cancelled is never written", async () => {
    const db = memoryDb();
    const fact = { name: "fact", item: { ConditionCheck: { Key: { pk: "NOPE", sk: "NOPE" }, ConditionExpression: "attribute_exists(pk)" } } };
    await expect(transact(db, [fact, ...messageIntents(gift())])).rejects.toThrow();
    expect(await listMessages(db, "marie.curie@example.org")).toEqual([]);
  });

  it("a welcome and a renewal for the same payment are one message", async () => {
    const db = memoryDb();
    const data = { tierLabel: "Individuel", amount: 2000, date: "2026-12-02", reference: "ch_2", validFrom: "2026-01-01", validUntil: "2026-12-31" };
    await queueMessage(db, { fact: "membership#ch_2", kind: "membership_welcome", to: "a@b.fr", data });
    expect((await queueMessage(db, { fact: "membership#ch_2", kind: "membership_renewed", to: "a@b.fr", data })).queued).toBe(false);
  });

  it("refuses a message with a bad address, naming the field", async () => {
    await expect(queueMessage(memoryDb(), { ...gift(), to: "pas une adresse" })).rejects.toMatchObject({ errors: [expect.objectContaining({ path: "to" })] });
  });

  it("lists newest first", async () => {
    const db = memoryDb();
    restore = useClock(fixedClock("2026-12-01T10:00:00Z"));
    await queueMessage(db, gift("donation#a"));
    useClock(fixedClock("2026-12-02T10:00:00Z"));
    await queueMessage(db, { ...gift("donation#b"), data: { amount: 100, date: "2026-12-02", reference: "b", monthly: true } });
    const items = await listMessages(db, "marie.curie@example.org");
    expect(items.map((m) => m.at)).toEqual(["2026-12-02T10:00:00.000Z", "2026-12-01T10:00:00.000Z"]);
  });

  it("a resend of a waiting message changes nothing; a marked address refuses it until cleared", async () => {
    const db = memoryDb();
    const { id } = await queueMessage(db, gift());
    expect((await resendMessage(db, "marie.curie@example.org", id)).status).toBe("queued");
    await markAddressBounced(db, "marie.curie@example.org", { type: "bounce", reason: "550 user unknown" });
    await expect(resendMessage(db, "marie.curie@example.org", id)).rejects.toMatchObject({ status: 409 });
    expect(await clearAddressMark(db, "MARIE.curie@example.org", "tresorier")).toBe(true);
    expect(await clearAddressMark(db, "marie.curie@example.org", "tresorier")).toBe(false);
    await expect(resendMessage(db, "other@example.org", id)).rejects.toMatchObject({ status: 404 });
  });

  it("the marked addresses are listed until their mark is cleared (the console's « À traiter »)", async () => {
    const db = memoryDb();
    await markAddressBounced(db, "B@example.org", { type: "complaint", reason: "plainte", at: "2026-12-02T10:00:00.000Z" });
    await markAddressBounced(db, "a@example.org", { type: "bounce", reason: "550 user unknown", at: "2026-12-01T10:00:00.000Z" });
    expect(await markedAddresses(db)).toEqual([
      { email: "a@example.org", type: "bounce", reason: "550 user unknown", at: "2026-12-01T10:00:00.000Z" },
      { email: "b@example.org", type: "complaint", reason: "plainte", at: "2026-12-02T10:00:00.000Z" },
    ]);
    await clearAddressMark(db, "a@example.org", "tresorier");
    expect((await markedAddresses(db)).map((s) => s.email)).toEqual(["b@example.org"]);
    await markAddressBounced(db, "a@example.org", { type: "bounce", reason: "550 again", at: "2026-12-03T10:00:00.000Z" });
    expect((await markedAddresses(db)).map((s) => s.email)).toEqual(["b@example.org", "a@example.org"]);
  });

  it("erasure pseudonymises the address and data, keeps kind, status and dates, and stops a waiting message", async () => {
    const db = memoryDb();
    const { id } = await queueMessage(db, gift());
    expect(await eraseMessages(db, "marie.curie@example.org")).toBe(1);
    expect(await listMessages(db, "marie.curie@example.org")).toEqual([]);
    const item = (await db.doc.send(new (await import("@aws-sdk/lib-dynamodb")).GetCommand({ TableName: db.tableName, Key: { pk: `MSG#${id}`, sk: "MSG" } })))
      .Item!;
    expect(item).toMatchObject({ kind: "gift_confirmation", status: "failed", data: {} });
    expect(JSON.stringify(item)).not.toMatch(/curie/i);
    // Under the erasure's alias, the messages are listed (kind, status and dates kept).
    await queueMessage(db, gift("donation#other"));
    expect(await eraseMessages(db, "marie.curie@example.org", "efface-1234@efface.invalid")).toBe(1);
    expect(await listMessages(db, "efface-1234@efface.invalid")).toEqual([expect.objectContaining({ kind: "gift_confirmation", status: "failed" })]);
  });
});
