/**
 * The local mail: maildev, a real SMTP server with a web inbox and a REST API, bound to 127.0.0.1.
 * `npm run dev` keeps its messages under `.data/mail/` (SMTP 1025, inbox 1080); tests take free
 * ports and a temporary folder. The back-office reaches it through nodemailer's SMTP transport at
 * `MAIL_SMTP_URL`, as it reaches SES in AWS. Its REST API (`GET /api/email`, attachments at
 * `/api/email/{id}/attachment/{generatedFileName}`) is what tests read.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MailDev } from "maildev";

export interface InboxMessage {
  id: string;
  subject: string;
  to: { address: string; name?: string }[];
  from: { address: string; name?: string }[];
  text?: string;
  html?: string;
  headers: Record<string, string>;
  attachments?: { filename: string; generatedFileName: string; contentType: string; size: number }[];
  time: string;
}

export interface LocalMail {
  smtpPort: number;
  webPort: number;
  /** The inbox's page. */
  webUrl: string;
  env: { MAIL_SMTP_URL: string };
  /** Every message received, oldest first. */
  inbox(): Promise<InboxMessage[]>;
  /** An attachment's bytes. */
  attachment(message: InboxMessage, generatedFileName: string): Promise<Uint8Array>;
  /** Stops the SMTP server and the inbox (the ports refuse connections) … */
  stop(): Promise<void>;
  /** … and starts them again on the same ports, with the messages kept. */
  start(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startMailLocal(opts: { smtp?: number; web?: number; directory?: string } = {}): Promise<LocalMail> {
  const smtpPort = opts.smtp ?? (await freePort());
  const webPort = opts.web ?? (await freePort());
  const directory = opts.directory ?? mkdtempSync(join(tmpdir(), "maildev-"));
  mkdirSync(directory, { recursive: true });
  let running: MailDev | undefined;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const start = async () => {
    if (running) return;
    const m = new MailDev({ smtp: smtpPort, ip: "127.0.0.1", web: webPort, webIp: "127.0.0.1", mailDirectory: directory, silent: true });
    await m.start();
    running = m;
  };
  await start();
  return {
    smtpPort,
    webPort,
    webUrl,
    env: { MAIL_SMTP_URL: `smtp://127.0.0.1:${smtpPort}` },
    async inbox() {
      const r = await fetch(`${webUrl}/api/email`);
      if (!r.ok) throw new Error(`maildev answered ${r.status}`);
      const list = (await r.json()) as InboxMessage[];
      return list.sort((a, b) => a.time.localeCompare(b.time));
    },
    async attachment(message, generatedFileName) {
      const r = await fetch(`${webUrl}/api/email/${encodeURIComponent(message.id)}/attachment/${encodeURIComponent(generatedFileName)}`);
      if (!r.ok) throw new Error(`maildev answered ${r.status} for ${generatedFileName}`);
      return new Uint8Array(await r.arrayBuffer());
    },
    async stop() {
      const m = running;
      running = undefined;
      await m?.stop();
    },
    start,
  };
}
