/**
 * The mail outbox through the real HTTP surface (issue 17 items 1–3): gifts paid at the Stripe
 * double, the webhook booking them with their messages in the same transactions, the worker loop
 * sending to a real SMTP server with a web inbox (maildev), and what arrived read from maildev's
 * REST API — never a mock. Faults: SMTP down then back, a worker killed between send and mark, an
 * address that bounces (an SES event through the mail function), resend.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMessages, PersonMessagesSchema, MessageViewSchema } from "@asso/core/mail";
import type { InboxMessage } from "../infra/mail-local.js";
import { startTestStack, type TestStack } from "./support/stack.js";
import { chargeOf, checkout, dev, donation, pay, stripeApi } from "./support/giving.js";
import { IDENTITY } from "./support/identity.js";
import { pdfText } from "./support/pdf-text.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(
    {
      ...IDENTITY,
      RECEIPTS_ENABLED: "true",
      CHECKOUT_IP_BURST: "1000",
      CHECKOUT_IP_PER_MINUTE: "10000",
      MAIL_FROM: "Les Amis du Canal <dons@amis-du-canal.test>",
    },
    { mail: { backoffMs: 300, leaseMs: 1500 } },
  );
});
afterAll(() => stack.close());

const person = (n: string) => ({
  email: `${n}@example.org`,
  firstName: "Camille",
  lastName: n.charAt(0).toUpperCase() + n.slice(1),
  address: donation(0).donor.address,
});
const to = (address: string) => (m: InboxMessage) => m.to.some((t) => t.address === address);
const inboxOf = async (address: string) => (await stack.inbox()).filter(to(address));
/** An attachment's text, once maildev has it on disk (its listing can come first). */
async function attachmentText(m: InboxMessage, index = 0) {
  let bytes: Uint8Array = new Uint8Array();
  for (let i = 0; i < 50 && bytes.length === 0; i++) {
    if (i) await new Promise((r) => setTimeout(r, 100));
    bytes = await stack.mail!.attachment(m, m.attachments![index]!.generatedFileName);
  }
  return pdfText(bytes);
}

async function give(who: ReturnType<typeof person>, amount: number, at = "2026-03-05T10:00:00Z") {
  const { sessionId } = await checkout(stack, { ...donation(amount), donor: who });
  await pay(stack, sessionId, at);
  return sessionId;
}

const messagesRoute = async (email: string, role = "tresorier") => {
  const res = await stack.call("GET", `/v1/people/${encodeURIComponent(email)}/messages`, { role });
  expect(res.status).toBe(200);
  return PersonMessagesSchema.parse(await res.json());
};

describe("a gift with a receipt", () => {
  it("sends the confirmation and the receipt, the PDF attached with the amount in words, in French with the association in the footer", async () => {
    const who = person("lefort");
    await give(who, 5000);
    await expect.poll(async () => (await inboxOf(who.email)).length, { timeout: 20_000 }).toBe(2);
    const mails = await inboxOf(who.email);
    const thanks = mails.find((m) => m.subject.startsWith("Merci pour votre don"))!;
    expect(thanks.subject).toBe("Merci pour votre don de 50,00\u00a0€");
    expect(thanks.from[0]).toMatchObject({ address: "dons@amis-du-canal.test", name: "Les Amis du Canal" });
    expect(thanks.text).toContain("Bonjour Camille Lefort,");
    expect(thanks.text).toContain("5 mars 2026");
    expect(thanks.text).toMatch(/SIREN 912345678/);
    expect(thanks.text).toContain("3 quai de Valmy, 75010 Paris");
    expect(thanks.html).toContain('<html lang="fr">');
    const receipt = mails.find((m) => m.subject.startsWith("Votre reçu fiscal"))!;
    expect(receipt.attachments).toHaveLength(1);
    const file = receipt.attachments![0]!;
    expect(file).toMatchObject({ contentType: "application/pdf", filename: expect.stringMatching(/^recu-fiscal-2026-\d{6}\.pdf$/) });
    const text = await attachmentText(receipt);
    expect(text).toContain("cinquante euros");
    expect(text).toContain("LEFORT Camille");

    const listed = await messagesRoute(who.email, "auditor");
    expect(listed.suppressed).toBeNull();
    expect(listed.items.map((m) => [m.kind, m.status]).sort()).toEqual([
      ["gift_confirmation", "sent"],
      ["receipt_issued", "sent"],
    ]);
  });

  it("a redelivered Stripe event sends nothing twice", async () => {
    const who = person("redelivery");
    const sessionId = await give(who, 2500);
    await expect.poll(async () => (await inboxOf(who.email)).length, { timeout: 20_000 }).toBe(2);
    const events = (await (await fetch(`${stack.stripeUrl}/__dev/events`)).json()) as {
      data: { id: string; type: string; data: { object: { id: string } } }[];
    };
    const completed = events.data.find((e) => e.type === "checkout.session.completed" && e.data.object.id === sessionId)!;
    await dev(stack, `/__dev/events/${completed.id}/redeliver`);
    await dev(stack, `/__dev/events/${completed.id}/redeliver`);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await inboxOf(who.email)).toHaveLength(2);
    expect(await listMessages(stack.db, who.email)).toHaveLength(2);
  });
});

describe("what else people receive", () => {
  it("a partial refund: the cancellation notice names the replacement receipt, attached, for what was kept", async () => {
    const who = person("rembourse");
    const sessionId = await give(who, 8000);
    await expect.poll(async () => (await inboxOf(who.email)).length, { timeout: 20_000 }).toBe(2);
    const charge = await chargeOf(stack, sessionId);
    await stripeApi(stack, "POST", "/v1/refunds", { charge: charge.id, amount: "3000" });
    await expect.poll(async () => (await inboxOf(who.email)).length, { timeout: 20_000 }).toBe(3);
    const notice = (await inboxOf(who.email)).find((m) => m.subject.includes("est remplacé par"))!;
    const [, old, replacement] = /n° (\S+) est remplacé par le n° (\S+)/.exec(notice.subject)!;
    expect(old).not.toBe(replacement);
    expect(notice.text).toContain(`reçu fiscal n° ${old} est annulé et remplacé par le reçu n° ${replacement}`);
    expect(notice.attachments?.map((a) => a.filename)).toEqual([`recu-fiscal-${replacement}.pdf`]);
    const text = await attachmentText(notice);
    expect(text).toContain("cinquante euros");
    expect(text).toContain(replacement!);
    // A full refund of the rest: the replacement is cancelled, with no new receipt.
    await stripeApi(stack, "POST", "/v1/refunds", { charge: charge.id });
    await expect.poll(async () => (await inboxOf(who.email)).length, { timeout: 20_000 }).toBe(4);
    // maildev dates to the second: messages are found by subject, never by position.
    const last = (await inboxOf(who.email)).find((m) => m.subject === `Votre reçu fiscal n° ${replacement} est annulé`)!;
    expect(last).toBeDefined();
    expect(last.attachments ?? []).toHaveLength(0);
  });

  it("a new member is welcomed with the validity dates; a renewal says renewed, with the new dates", async () => {
    const email = "adherente.mail@example.org";
    const join = async (at: string) => {
      const { sessionId } = await checkout(
        stack,
        { tierId: "individuel", member: { email, firstName: "Ada", lastName: "Mail", address: donation(0).donor.address } },
        "/v1/public/memberships/checkout",
      );
      await pay(stack, sessionId, at);
    };
    const about = async () => (await inboxOf(email)).filter((m) => m.subject.includes("adhésion"));
    await join("2026-02-10T10:00:00Z");
    await expect.poll(async () => (await about()).length, { timeout: 20_000 }).toBe(1);
    const welcome = (await about()).find((m) => m.subject === "Bienvenue : votre adhésion est enregistrée")!;
    expect(welcome).toBeDefined();
    expect(welcome.text).toContain("Votre adhésion est valable du 1er janvier 2026 au 31 décembre 2026.");
    expect(welcome.text).toContain("20,00\u00a0€");
    await join("2026-11-20T10:00:00Z");
    await expect.poll(async () => (await about()).length, { timeout: 20_000 }).toBe(2);
    const renewed = (await about()).find((m) => m.subject === "Votre adhésion est renouvelée")!;
    expect(renewed).toBeDefined();
    expect(renewed.text).toContain("au 31 décembre 2027");
    expect(
      (await listMessages(stack.db, email))
        .map((m) => m.kind)
        .filter((k) => k.startsWith("membership"))
        .sort(),
    ).toEqual(["membership_renewed", "membership_welcome"]);
  });

  it("the annual recap (POST /v1/receipts/annual) sends each monthly donor the recap receipt, attached; once", async () => {
    const who = person("mensuelle");
    const { sessionId } = await checkout(stack, { ...donation(1500), frequency: "monthly", donor: who });
    await pay(stack, sessionId, "2025-01-15T10:00:00Z");
    const subscriptionId = (await stripeApi(stack, "GET", `/v1/checkout/sessions/${sessionId}`)).subscription as string;
    await dev(stack, `/__dev/subscriptions/${subscriptionId}/renew`, { at: "2025-02-15T10:00:00Z" });
    await expect.poll(async () => (await inboxOf(who.email)).length, { timeout: 20_000 }).toBe(2);
    expect((await inboxOf(who.email)).map((m) => m.subject)).toEqual([
      "Merci pour votre don mensuel de 15,00\u00a0€",
      "Merci pour votre don mensuel de 15,00\u00a0€",
    ]);
    for (let i = 0; i < 2; i++) expect((await stack.call("POST", "/v1/receipts/annual", { body: { year: 2025 } })).status).toBe(201);
    await expect.poll(async () => (await inboxOf(who.email)).length, { timeout: 20_000 }).toBe(3);
    const recap = (await inboxOf(who.email)).find((m) => m.subject === "Vos dons de 2025 : votre reçu fiscal récapitulatif")!;
    expect(recap).toBeDefined();
    expect(recap.text).toContain("Merci pour vos 2 dons mensuels de 2025, 30,00\u00a0€ en tout.");
    const text = await attachmentText(recap);
    expect(text).toContain("trente euros");
    await new Promise((r) => setTimeout(r, 1000));
    expect(await inboxOf(who.email)).toHaveLength(3);
  });

  it("the AWS worker (the mail function run by its schedule) sends what is due, one run at a time", async () => {
    const who = person("lambda");
    await stack.mail!.worker.stop();
    try {
      await give(who, 1100);
      await expect.poll(async () => (await listMessages(stack.db, who.email)).length, { timeout: 20_000 }).toBe(2);
      const { handler } = await import("../packages/functions/src/handlers/mail.js");
      const context = { getRemainingTimeInMillis: () => 15_000 };
      const [a, b] = (await Promise.all([
        handler({ source: "aws.events", "detail-type": "Scheduled Event" }, context),
        handler({ source: "aws.events" }, context),
      ])) as {
        sent: number;
      }[];
      expect([a!.sent, b!.sent].sort()).toEqual([0, 2]);
      expect(await inboxOf(who.email)).toHaveLength(2);
    } finally {
      stack.mail!.worker = (await import("@asso/core/workflows/mail")).startMailWorker(
        stack.db,
        await (await import("@asso/core/mail")).smtpTransport(stack.mail!.env.MAIL_SMTP_URL),
        {
          backoffMs: 300,
          leaseMs: 1500,
        },
      );
    }
  });
});

describe("faults", () => {
  it("SMTP refusing: the message fails, is retried with back-off, and is sent once the server is back", async () => {
    const who = person("panne");
    await stack.mail!.stop();
    try {
      await give(who, 1500);
      await expect
        .poll(async () => (await listMessages(stack.db, who.email)).find((m) => m.kind === "gift_confirmation"), { timeout: 20_000 })
        .toMatchObject({ status: "failed", error: expect.stringMatching(/SMTP.*nouvel essai/), retryAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    } finally {
      await stack.mail!.start();
    }
    await expect.poll(async () => (await listMessages(stack.db, who.email)).map((m) => m.status), { timeout: 30_000 }).toEqual(["sent", "sent"]);
    expect((await inboxOf(who.email)).filter((m) => m.subject.startsWith("Merci"))).toHaveLength(1);
  });

  it("a worker killed between the send and the mark never sends the message twice", async () => {
    const who = person("coupure");
    await stack.mail!.worker.stop();
    let resumed = false;
    try {
      await give(who, 1200);
      await expect.poll(async () => (await listMessages(stack.db, who.email)).length, { timeout: 20_000 }).toBe(2);
      // Another process runs the worker and is killed (SIGKILL) right after its first send.
      const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "support", "mail-kill-worker.ts")], {
        env: process.env,
        stdio: "inherit",
      });
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, s) => resolve(s)));
      expect(signal).toBe("SIGKILL");
      await expect.poll(async () => (await inboxOf(who.email)).length, { timeout: 10_000 }).toBe(1);
      stack.mail!.worker = (await import("@asso/core/workflows/mail")).startMailWorker(
        stack.db,
        await (await import("@asso/core/mail")).smtpTransport(stack.mail!.env.MAIL_SMTP_URL),
        {
          backoffMs: 300,
          leaseMs: 1500,
          ratePerSecond: 50,
          pollMs: 150,
        },
      );
      resumed = true;
      // The killed claim's lease ends: that message is failed (it may have left), never sent again by itself; the other one goes.
      await expect.poll(async () => (await listMessages(stack.db, who.email)).map((m) => m.status).sort(), { timeout: 20_000 }).toEqual(["failed", "sent"]);
      await new Promise((r) => setTimeout(r, 2000));
      const arrived = await inboxOf(who.email);
      expect(arrived).toHaveLength(2);
      expect(new Set(arrived.map((m) => m.subject)).size).toBe(2);
      const failed = (await listMessages(stack.db, who.email)).find((m) => m.status === "failed")!;
      expect(failed.error).toMatch(/interrompu/);
    } finally {
      if (!resumed)
        stack.mail!.worker = (await import("@asso/core/workflows/mail")).startMailWorker(
          stack.db,
          await (await import("@asso/core/mail")).smtpTransport(stack.mail!.env.MAIL_SMTP_URL),
          {
            backoffMs: 300,
            leaseMs: 1500,
          },
        );
    }
  });

  it("an address that bounces (SES event) is marked: later messages are not sent until the trésorier clears it, then resend sends once", async () => {
    const who = person("rebond");
    await give(who, 3000);
    await expect.poll(async () => (await inboxOf(who.email)).length, { timeout: 20_000 }).toBe(2);
    const { handler } = await import("../packages/functions/src/handlers/mail.js");
    const thanks = (await listMessages(stack.db, who.email)).find((m) => m.kind === "gift_confirmation")!;
    const sesEvent = {
      eventType: "Bounce",
      bounce: {
        bounceType: "Permanent",
        bounceSubType: "General",
        bouncedRecipients: [{ emailAddress: who.email.toUpperCase(), diagnosticCode: "smtp; 550 5.1.1 user unknown" }],
      },
      mail: { messageId: "ses-1", headers: [{ name: "X-Asso-Message", value: thanks.id }] },
    };
    await handler({ Records: [{ EventSource: "aws:sns", Sns: { Message: JSON.stringify(sesEvent) } }] } as never);
    const marked = await messagesRoute(who.email);
    expect(marked.suppressed).toMatchObject({ type: "bounce", reason: expect.stringContaining("550 5.1.1") });
    expect(marked.items.find((m) => m.id === thanks.id)).toMatchObject({ status: "bounced" });

    // A second gift: its messages are not sent.
    await give(who, 3100, "2026-03-06T10:00:00Z");
    await expect.poll(async () => (await listMessages(stack.db, who.email)).filter((m) => m.status === "bounced").length, { timeout: 20_000 }).toBe(3);
    expect(await inboxOf(who.email)).toHaveLength(2);
    const resend = (id: string) => stack.call("POST", `/v1/people/${encodeURIComponent(who.email)}/messages/${id}/resend`);
    const refused = await resend(thanks.id);
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect((await stack.call("DELETE", `/v1/people/${encodeURIComponent(who.email)}/mail-bounce`, { role: "auditor" })).status).toBe(403);
    const cleared = await stack.call("DELETE", `/v1/people/${encodeURIComponent(who.email)}/mail-bounce`);
    expect(await cleared.json()).toEqual({ email: who.email, cleared: true });
    expect((await messagesRoute(who.email)).suppressed).toBeNull();
    const again = await resend(thanks.id);
    expect(again.status).toBe(200);
    expect(MessageViewSchema.parse(await again.json())).toMatchObject({ id: thanks.id, status: "queued" });
    await expect.poll(async () => (await inboxOf(who.email)).length, { timeout: 20_000 }).toBe(3);
  });

  it("resend: a sent message goes once more; a second resend while it waits sends nothing more; unknown ids are 404", async () => {
    const who = person("renvoi");
    await give(who, 4000);
    await expect.poll(async () => (await listMessages(stack.db, who.email)).map((m) => m.status), { timeout: 20_000 }).toEqual(["sent", "sent"]);
    const thanks = (await listMessages(stack.db, who.email)).find((m) => m.kind === "gift_confirmation")!;
    await stack.mail!.worker.stop();
    const path = `/v1/people/${encodeURIComponent(who.email)}/messages/${thanks.id}/resend`;
    const [a, b] = await Promise.all([stack.call("POST", path), stack.call("POST", path)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await stack.call("POST", path, { role: "auditor" })).status).toBe(403);
    expect((await stack.call("POST", `/v1/people/${encodeURIComponent(who.email)}/messages/${"0".repeat(32)}/resend`)).status).toBe(404);
    expect((await stack.call("POST", `/v1/people/autre%40example.org/messages/${thanks.id}/resend`)).status).toBe(404);
    const bad = await stack.call("GET", "/v1/people/pas-une-adresse/messages");
    expect(bad.status).toBe(400);
    stack.mail!.worker = (await import("@asso/core/workflows/mail")).startMailWorker(
      stack.db,
      await (await import("@asso/core/mail")).smtpTransport(stack.mail!.env.MAIL_SMTP_URL),
      {
        backoffMs: 300,
        leaseMs: 1500,
      },
    );
    await expect.poll(async () => (await inboxOf(who.email)).filter((m) => m.subject.startsWith("Merci")).length, { timeout: 20_000 }).toBe(2);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await inboxOf(who.email)).filter((m) => m.subject.startsWith("Merci"))).toHaveLength(2);
  });
});
