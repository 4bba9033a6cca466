import { describe, expect, it } from "vitest";
import { compose } from "./compose.js";
import type { StoredMessage } from "./schemas.js";
import { longDate, render, subjectOf } from "./templates.js";
import { sesFailure, smtpFailure } from "./transports.js";

const sender = {
  name: "Les Amis du Canal",
  address: "3 quai de Valmy, 75010 Paris",
  rna: "W751234567",
  fromName: "Les Amis",
  fromAddress: "dons@amis.test",
  replyTo: "tresorerie@amis.test",
};
const message = (over: Partial<StoredMessage> = {}): StoredMessage => ({
  id: "a".repeat(32),
  fact: "donation#ch_1",
  kind: "gift_confirmation",
  to: "eve@example.org",
  name: "Ève <b>Durand</b>",
  data: { amount: 123456, date: "2026-12-02", reference: "ch_1", monthly: false },
  subject: "",
  status: "sending",
  attempts: 1,
  createdAt: "2026-12-02T10:00:00.000Z",
  at: "2026-12-02T10:00:00.000Z",
  nextAttemptAt: "2026-12-02T10:00:00.000Z",
  ...over,
});

describe("the messages' words", () => {
  it("writes dates as a French reader does", () => {
    expect(longDate("2026-12-02")).toBe("2 décembre 2026");
    expect(longDate("2026-01-01")).toBe("1er janvier 2026");
  });

  it("amounts through money.ts, greeting with the name, the association's name, address and RNA in the footer", () => {
    const r = render("gift_confirmation", message().data, "Ève Durand", sender);
    expect(r.subject).toBe("Merci pour votre don de 1\u202f234,56\u00a0€");
    expect(r.text).toContain("Bonjour Ève Durand,");
    expect(r.text).toContain("le 2 décembre 2026");
    expect(r.text).toMatch(/Les Amis du Canal\n3 quai de Valmy, 75010 Paris\nRNA W751234567/);
    expect(r.html).toContain("RNA W751234567");
  });

  it("escapes what people typed in the HTML part, and links only http(s)", () => {
    const r = render("payment_failed", { amount: 1000, date: "2026-12-02", fixLink: "javascript:alert(1)" }, "<script>x</script>", sender);
    expect(r.html).not.toContain("<script>");
    expect(r.html).toContain("&lt;script&gt;");
    expect(r.html).toContain('href=""');
  });

  it("every kind has a French subject", () => {
    expect(subjectOf("receipt_cancelled", { receiptNumber: "2026-000001" })).toBe("Votre reçu fiscal n° 2026-000001 est annulé");
    expect(subjectOf("renewal_reminder", { validUntil: "2026-12-31", daysLeft: 0 })).toBe("Votre adhésion se termine aujourd'hui");
    expect(subjectOf("renewal_reminder", { validUntil: "2026-12-31", daysLeft: 30 })).toBe("Votre adhésion se termine le 31 décembre 2026");
  });
});

describe("composition", () => {
  it("MIME with text and HTML parts, the Message-ID of the claim, the sender, reply-to and the attachment", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.7 reçu");
    const mail = await compose(message(), sender, [{ filename: "recu.pdf", contentType: "application/pdf", content: pdf }], "<abc@amis.test>");
    const raw = mail.raw.toString("utf8");
    expect(raw).toMatch(/^Message-ID: <abc@amis\.test>/m);
    expect(raw).toMatch(/^Reply-To: tresorerie@amis\.test/m);
    expect(raw).toMatch(/^From: Les Amis <dons@amis\.test>/m);
    expect(raw).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(raw).toMatch(/Content-Type: text\/html; charset=utf-8/);
    expect(raw).toMatch(/Content-Type: application\/pdf; name=recu\.pdf/);
    expect(mail.envelope).toEqual({ from: "dons@amis.test", to: ["eve@example.org"] });
  });
});

describe("what a transport's failure means", () => {
  it("SMTP: an answer or no connection certainly did not deliver; a failure during the content may have", () => {
    expect(smtpFailure({ code: "EENVELOPE", responseCode: 550, command: "RCPT TO", message: "no" }).definite).toBe(true);
    expect(smtpFailure({ code: "ESOCKET", command: "CONN", message: "connect ECONNREFUSED" }).definite).toBe(true);
    expect(smtpFailure({ code: "ECONNECTION", message: "closed" }).definite).toBe(true);
    expect(smtpFailure({ code: "ETIMEDOUT", command: "DATA", message: "timeout" }).definite).toBe(false);
    expect(smtpFailure({ code: "ESOCKET", message: "socket hang up" }).definite).toBe(false);
  });
  it("SES: an HTTP answer (throttled, refused) is definite; no answer is not", () => {
    expect(sesFailure({ name: "TooManyRequestsException", $metadata: { httpStatusCode: 429 }, message: "slow down" }).definite).toBe(true);
    expect(sesFailure({ name: "TimeoutError", message: "socket timeout" }).definite).toBe(false);
  });
});
