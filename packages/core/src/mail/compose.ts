/**
 * A message as MIME, composed by nodemailer's MailComposer: French text and HTML parts, the
 * association as sender (name, address, reply-to), the Message-ID of the claim, the attachments'
 * bytes. The raw bytes are what both transports send (SMTP's DATA, SES's `Content.Raw`).
 */
import type { StoredMessage } from "./schemas.js";
import { render, type Sender } from "./templates.js";

export interface ComposedMail {
  raw: Buffer;
  envelope: { from: string; to: string[] };
  subject: string;
  messageId: string;
}

/** The domain of an address (the Message-ID's right-hand side). */
export const domainOf = (address: string) => address.split("@")[1]?.toLowerCase() || "localhost";

/** The Message-ID of a claim: one per attempt, stored on the message before it is sent. */
export const messageIdFor = (sendId: string, fromAddress: string) => `<${sendId}@${domainOf(fromAddress)}>`;

export async function compose(
  m: StoredMessage,
  sender: Sender,
  files: { filename: string; contentType: string; content: Uint8Array }[],
  messageId: string,
): Promise<ComposedMail> {
  const { subject, text, html } = render(m.kind, m.data, m.name, sender);
  // Loaded on first use: a bundle that only queues messages carries no nodemailer.
  const { default: MailComposer } = await import("nodemailer/lib/mail-composer/index.js");
  const composer = new MailComposer({
    from: { name: sender.fromName, address: sender.fromAddress },
    to: m.name ? { name: m.name, address: m.to } : m.to,
    ...(sender.replyTo ? { replyTo: sender.replyTo } : {}),
    subject,
    text,
    html,
    messageId,
    headers: { "Content-Language": "fr", "X-Asso-Message": m.id, "Auto-Submitted": "auto-generated" },
    attachments: files.map((f) => ({ filename: f.filename, contentType: f.contentType, content: Buffer.from(f.content) })),
  });
  const raw = await new Promise<Buffer>((resolve, reject) => composer.compile().build((err, out) => (err ? reject(err) : resolve(out))));
  return { raw, envelope: { from: sender.fromAddress, to: [m.to] }, subject, messageId };
}
