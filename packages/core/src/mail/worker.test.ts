import { afterEach, describe, expect, it } from "vitest";
import { fixedClock, nowMs, useClock } from "../clock.js";
import { memoryDb } from "../db/memory.js";
import { listMessages, markAddressBounced, queueMessage, resendMessage } from "./index.js";
import { SendFailed, type MailTransport } from "./transports.js";
import { sendQueued, type SendOptions } from "./worker.js";

const sender = async () => ({
  name: "Les Amis du Quartier",
  address: "1 rue de la Paix, 75002 Paris",
  siren: "123456789",
  fromName: "Les Amis du Quartier",
  fromAddress: "dons@amis.test",
});
const base: SendOptions = { sender, ratePerSecond: 1000, backoffMs: 1000, leaseMs: 60_000 };
const to = "marie@example.org";
const gift = (fact = "donation#ch_1") => ({
  fact,
  kind: "gift_confirmation" as const,
  to,
  name: "Marie",
  data: { amount: 5000, date: "2026-12-02", reference: "ch_1", monthly: false },
});

/** A transport that records what it was handed, and fails as told. */
function recorder(fail?: () => SendFailed | undefined): MailTransport & { raws: string[] } {
  const raws: string[] = [];
  return {
    name: "recorder",
    raws,
    async send(raw) {
      const f = fail?.();
      if (f) throw f;
      raws.push(raw.toString("utf8"));
      return {};
    },
  };
}

let restore: ReturnType<typeof useClock> | undefined;
const at = (iso: string) => {
  const previous = useClock(fixedClock(iso));
  restore ??= previous;
};
afterEach(() => {
  if (restore) useClock(restore);
  restore = undefined;
});

describe("the mail worker", () => {
  it("sends a queued message once, in French, with the association in the footer, and marks it sent", async () => {
    const db = memoryDb();
    await queueMessage(db, gift());
    const t = recorder();
    expect(await sendQueued(db, t, base)).toMatchObject({ sent: 1 });
    expect(await sendQueued(db, t, base)).toMatchObject({ sent: 0 });
    expect(t.raws).toHaveLength(1);
    const raw = t.raws[0]!.replace(/=\r?\n/g, "");
    expect(raw).toMatch(/Content-Type: text\/html/);
    expect(raw).toMatch(/SIREN 123456789/);
    expect((await listMessages(db, to))[0]).toMatchObject({ status: "sent" });
  });

  it("retries a refused send with exponential back-off, then stays failed after the last attempt", async () => {
    const db = memoryDb();
    at("2026-12-02T10:00:00Z");
    await queueMessage(db, gift());
    const t = recorder(() => new SendFailed("SMTP : 421 try later", true));
    const opts = { ...base, maxAttempts: 3 };
    await sendQueued(db, t, opts);
    expect((await listMessages(db, to))[0]).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/nouvel essai \(2\/3\)/),
      retryAt: "2026-12-02T10:00:01.000Z",
    });
    // Not due before its next attempt (1 s after the first failure)…
    expect(await sendQueued(db, t, opts)).toMatchObject({ failed: 0 });
    at("2026-12-02T10:00:01.000Z");
    expect(await sendQueued(db, t, opts)).toMatchObject({ failed: 1 });
    // …then 2 s after the second.
    at("2026-12-02T10:00:02.500Z");
    expect(await sendQueued(db, t, opts)).toMatchObject({ failed: 0 });
    at("2026-12-02T10:00:03.000Z");
    expect(await sendQueued(db, t, opts)).toMatchObject({ failed: 1 });
    expect((await listMessages(db, to))[0]).toMatchObject({ status: "failed", error: expect.stringMatching(/abandonné après 3 essais/) });
    expect((await listMessages(db, to))[0]).not.toHaveProperty("retryAt");
    at("2026-12-03T10:00:00Z");
    expect(await sendQueued(db, t, opts)).toMatchObject({ failed: 0, sent: 0 });
  });

  it("a failure that may have delivered is not retried by itself", async () => {
    const db = memoryDb();
    await queueMessage(db, gift());
    await sendQueued(
      db,
      recorder(() => new SendFailed("SMTP : socket closed during DATA", false)),
      base,
    );
    expect((await listMessages(db, to))[0]).toMatchObject({ status: "failed", error: expect.stringMatching(/peut-être parti/) });
  });

  it("a worker stopped between send and mark: the claim expires and the message is never sent again by itself", async () => {
    const db = memoryDb();
    at("2026-12-02T10:00:00Z");
    await queueMessage(db, gift());
    const t = recorder();
    const killed = new Error("killed");
    await expect(sendQueued(db, t, { ...base, afterSend: () => Promise.reject(killed) })).rejects.toBe(killed);
    // Another worker meanwhile: the claim holds.
    expect(await sendQueued(db, t, base)).toMatchObject({ sent: 0, abandoned: 0 });
    at("2026-12-02T10:01:00.001Z");
    expect(await sendQueued(db, t, base)).toMatchObject({ sent: 0, abandoned: 1 });
    expect(t.raws).toHaveLength(1);
    expect((await listMessages(db, to))[0]).toMatchObject({ status: "failed", error: expect.stringMatching(/interrompu/) });
    // The trésorier resends: once.
    await resendMessage(db, to, (await listMessages(db, to))[0]!.id);
    expect(await sendQueued(db, t, base)).toMatchObject({ sent: 1 });
    expect(t.raws).toHaveLength(2);
  });

  it("two workers at once send a message once", async () => {
    const db = memoryDb();
    for (let i = 0; i < 5; i++) await queueMessage(db, gift(`donation#${i}`));
    const t = recorder();
    const runs = await Promise.all([sendQueued(db, t, base), sendQueued(db, t, base), sendQueued(db, t, base)]);
    expect(runs.reduce((s, r) => s + r.sent, 0)).toBe(5);
    expect(t.raws).toHaveLength(5);
  });

  it("a message to a marked address is not sent: bounced", async () => {
    const db = memoryDb();
    await markAddressBounced(db, to, { type: "bounce", reason: "550 5.1.1 user unknown" });
    await queueMessage(db, gift());
    const t = recorder();
    expect(await sendQueued(db, t, base)).toMatchObject({ bounced: 1, sent: 0 });
    expect(t.raws).toHaveLength(0);
    expect((await listMessages(db, to))[0]).toMatchObject({ status: "bounced" });
  });

  it("waits for an attachment not yet stored, without counting an attempt", async () => {
    const db = memoryDb();
    await queueMessage(db, { ...gift(), attachments: [{ key: "receipts/2026/x.pdf", filename: "recu.pdf", contentType: "application/pdf" }] });
    let stored: Uint8Array | undefined;
    const opts = { ...base, attachment: async () => stored };
    const t = recorder();
    expect(await sendQueued(db, t, opts)).toMatchObject({ deferred: 1 });
    stored = new TextEncoder().encode("%PDF-1.7 test");
    at(new Date(nowMs() + 3000).toISOString());
    expect(await sendQueued(db, t, opts)).toMatchObject({ sent: 1 });
    expect(t.raws[0]).toMatch(/filename=recu\.pdf/);
  });

  it("paces sends to the rate asked", async () => {
    const db = memoryDb();
    for (let i = 0; i < 4; i++) await queueMessage(db, gift(`donation#p${i}`));
    const start = Date.now();
    await sendQueued(db, recorder(), { ...base, ratePerSecond: 20 });
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
  });
});

describe("the run lease", () => {
  it("a second run while the first holds the lease sends nothing", async () => {
    const db = memoryDb();
    for (let i = 0; i < 3; i++) await queueMessage(db, gift(`donation#l${i}`));
    const t = recorder();
    const [a, b] = await Promise.all([
      sendQueued(db, t, { ...base, ratePerSecond: 50, runLeaseMs: 10_000 }),
      sendQueued(db, t, { ...base, runLeaseMs: 10_000 }),
    ]);
    expect([a.sent, b.sent].sort()).toEqual([0, 3]);
    expect(await sendQueued(db, t, { ...base, runLeaseMs: 10_000 })).toMatchObject({ sent: 0 });
  });
});
