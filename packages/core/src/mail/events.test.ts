import { describe, expect, it } from "vitest";
import { memoryDb } from "../db/memory.js";
import { recordSesEvent } from "./events.js";
import { addressMark, listMessages, queueMessage } from "./index.js";
import { sendQueued } from "./worker.js";

const sender = async () => ({ name: "A", address: "1 rue A", fromName: "A", fromAddress: "a@asso.test" });
const sink = { name: "sink", send: async () => ({}) };
const bounce = (type: string, email: string, id?: string) =>
  JSON.stringify({
    eventType: "Bounce",
    bounce: { bounceType: type, bouncedRecipients: [{ emailAddress: email, diagnosticCode: "smtp; 550 5.1.1 unknown" }] },
    mail: { messageId: "ses", ...(id ? { headers: [{ name: "X-Asso-Message", value: id }] } : {}) },
  });

describe("SES events", () => {
  it("a permanent bounce marks the address and shows the message that bounced", async () => {
    const db = memoryDb();
    const { id } = await queueMessage(db, {
      fact: "f",
      kind: "donor_access",
      to: "x@example.org",
      data: { link: "https://a.test/", expiresAt: "2026-12-02T10:30:00Z" },
    });
    await sendQueued(db, sink, { sender, ratePerSecond: 1000 });
    expect(await recordSesEvent(db, bounce("Permanent", "X@example.org", id))).toEqual({ type: "Bounce", marked: ["x@example.org"] });
    expect(await addressMark(db, "x@example.org")).toMatchObject({ type: "bounce", reason: expect.stringContaining("550 5.1.1") });
    expect((await listMessages(db, "x@example.org"))[0]).toMatchObject({ status: "bounced" });
  });

  it("a transient bounce, a rejection and an unreadable message mark nothing", async () => {
    const db = memoryDb();
    expect((await recordSesEvent(db, bounce("Transient", "y@example.org"))).marked).toEqual([]);
    expect((await recordSesEvent(db, JSON.stringify({ eventType: "Reject", reject: { reason: "Bad content" } }))).marked).toEqual([]);
    expect(await recordSesEvent(db, "not json")).toEqual({ type: "unreadable", marked: [] });
    expect(await addressMark(db, "y@example.org")).toBeUndefined();
  });

  it("a complaint marks the address", async () => {
    const db = memoryDb();
    await recordSesEvent(db, { eventType: "Complaint", complaint: { complainedRecipients: [{ emailAddress: "z@example.org" }] } });
    expect(await addressMark(db, "z@example.org")).toMatchObject({ type: "complaint" });
  });
});
