/**
 * Where a composed message goes: SMTP (nodemailer's SMTP transport; locally maildev at
 * `MAIL_SMTP_URL`, e.g. smtp://127.0.0.1:1025) or Amazon SES v2 (`SendEmailCommand`, the raw MIME,
 * the configuration set whose bounce and complaint events come back). Chosen by the environment.
 *
 * A failure says whether the message certainly did not leave (`definite`: the server answered no,
 * or the connection never reached the message's content), so the worker may try again without
 * risk of a second copy; otherwise (a connection lost while the content was being sent, an answer
 * that never came) it may have left, and the worker never retries it by itself.
 */
export interface MailTransport {
  readonly name: string;
  send(raw: Buffer, envelope: { from: string; to: string[] }): Promise<{ providerId?: string }>;
  close?(): void;
}

export class SendFailed extends Error {
  constructor(
    message: string,
    readonly definite: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SendFailed";
  }
}

/** SMTP steps before the message's content: a failure there cannot have delivered it. */
const BEFORE_CONTENT = new Set([
  "CONN",
  "EHLO",
  "HELO",
  "LHLO",
  "STARTTLS",
  "AUTH PLAIN",
  "AUTH LOGIN",
  "AUTH XOAUTH2",
  "AUTH CRAM-MD5",
  "MAIL FROM",
  "RCPT TO",
]);
const NO_CONNECTION = new Set(["ECONNECTION", "ECONNREFUSED", "EDNS", "EAUTH", "ENOTFOUND", "EENVELOPE", "EHOSTUNREACH"]);

/** How nodemailer's SMTP error reads: refused by the server or never connected is definite. */
export function smtpFailure(err: unknown): SendFailed {
  const e = err as { message?: string; code?: string; responseCode?: number; command?: string; response?: string };
  const definite = typeof e.responseCode === "number" || NO_CONNECTION.has(e.code ?? "") || BEFORE_CONTENT.has((e.command ?? "").toUpperCase());
  const what = [e.code, e.responseCode, e.command].filter(Boolean).join(" ");
  return new SendFailed(`SMTP : ${e.response ?? e.message ?? String(err)}${what ? ` (${what})` : ""}`.slice(0, 400), definite, { cause: err });
}

export async function smtpTransport(url: string): Promise<MailTransport> {
  const nodemailer = await import("nodemailer");
  // One SMTP session per message, not a pool: a pool whose server went away kept later sends
  // waiting (test/mail.test.ts, SMTP down then back); SMTP is the local transport only.
  const transporter = nodemailer.createTransport(url);
  return {
    name: "smtp",
    async send(raw, envelope) {
      try {
        const info = await transporter.sendMail({ envelope, raw });
        return { providerId: info.messageId };
      } catch (err) {
        throw smtpFailure(err);
      }
    },
    close: () => transporter.close(),
  };
}

/** How an SES error reads: an HTTP answer (throttled, refused) is definite; no answer is not. */
export function sesFailure(err: unknown): SendFailed {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return new SendFailed(`SES : ${e.name ?? "Error"} ${status ?? ""} ${e.message ?? ""}`.replace(/\s+/g, " ").trim().slice(0, 400), typeof status === "number", {
    cause: err,
  });
}

export async function sesTransport(
  opts: { configurationSet?: string | undefined; region?: string | undefined; endpoint?: string | undefined } = {},
): Promise<MailTransport> {
  const { SESv2Client, SendEmailCommand } = await import("@aws-sdk/client-sesv2");
  // One attempt per send: the SDK's own retries could send a message twice after a lost answer.
  const client = new SESv2Client({ maxAttempts: 1, ...(opts.region ? { region: opts.region } : {}), ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
  return {
    name: "ses",
    async send(raw, envelope) {
      try {
        const r = await client.send(
          new SendEmailCommand({
            FromEmailAddress: envelope.from,
            Destination: { ToAddresses: envelope.to },
            Content: { Raw: { Data: new Uint8Array(raw) } },
            ...(opts.configurationSet ? { ConfigurationSetName: opts.configurationSet } : {}),
          }),
        );
        return r.MessageId ? { providerId: r.MessageId } : {};
      } catch (err) {
        throw sesFailure(err);
      }
    },
    close: () => client.destroy(),
  };
}

/** SMTP when `MAIL_SMTP_URL` is set (local, tests), else SES with `MAIL_CONFIGURATION_SET`. */
export async function transportFromEnv(env: Record<string, string | undefined> = process.env): Promise<MailTransport> {
  if (env.MAIL_SMTP_URL) return smtpTransport(env.MAIL_SMTP_URL);
  return sesTransport({ configurationSet: env.MAIL_CONFIGURATION_SET, region: env.AWS_REGION });
}
