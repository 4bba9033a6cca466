/**
 * `npx tsx bench/mail.ts`: the mail outbox at the size of January's recaps. 10 000 `annual_recap`
 * messages (each with a 25 KB receipt PDF attached, as a receipt's file is) queued into DynamoDB
 * Local; composed and sent by the worker to a local SMTP server (maildev), unpaced, to measure what
 * the back-office itself costs per message; and the sending time SES's rate imposes on the same
 * number (1 message/s in the sandbox, 14/s by default in production). Prints a Markdown table.
 *
 * BENCH_MESSAGES (default 10000) the messages queued; BENCH_SENT (default 500) those sent to maildev.
 */
import { makeDb } from "@asso/core";
import { queueMessage, sendQueued, smtpTransport } from "@asso/core/mail";
import { ensureTable, startDynamoDbLocal } from "../infra/dynamodb-local.js";
import { startMailLocal } from "../infra/mail-local.js";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const SENT = Math.min(MESSAGES, Number(process.env.BENCH_SENT ?? 500));
const PDF = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(25_700, 0x41)]);
const sender = async () => ({
  name: "Les Amis du Canal",
  address: "3 quai de Valmy, 75010 Paris",
  siren: "912345678",
  fromName: "Les Amis du Canal",
  fromAddress: "dons@amis.test",
});

let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const duration = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);

async function inParallel(total: number, concurrency: number, work: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await work(next++);
    }),
  );
}

const dynamo = await startDynamoDbLocal();
const mail = await startMailLocal();
try {
  await ensureTable(dynamo.endpoint, "bench-mail");
  const db = makeDb("bench-mail", dynamo.endpoint);
  const t0 = performance.now();
  await inParallel(MESSAGES, 8, (i) =>
    queueMessage(db, {
      fact: `receipt#2025-${String(i + 1).padStart(6, "0")}`,
      kind: "annual_recap",
      to: `donateur${i}@example.org`,
      name: `Donateur ${i}`,
      data: { year: 2025, total: 18_000, count: 12, receiptNumber: `2025-${String(i + 1).padStart(6, "0")}` },
      attachments: [
        { key: `receipts/2025/2025-${String(i + 1).padStart(6, "0")}.pdf`, filename: `recu-fiscal-2025-${i + 1}.pdf`, contentType: "application/pdf" },
      ],
    }),
  );
  const queued = (performance.now() - t0) / 1000;

  // The back-office's own cost: a transport that takes the bytes and answers at once.
  let bytes = 0;
  const counting = {
    name: "count",
    send: async (raw: Buffer) => {
      bytes += raw.length;
      return {};
    },
  };
  const t1 = performance.now();
  const own = await sendQueued(db, counting, { sender, attachment: async () => PDF, ratePerSecond: 1_000_000, limit: SENT });
  const sent = (performance.now() - t1) / 1000;
  if (own.sent !== SENT) throw new Error(`sent ${own.sent} of ${SENT}`);
  // End to end, to a real SMTP server (maildev, one SMTP session per message).
  const transport = await smtpTransport(mail.env.MAIL_SMTP_URL);
  const t2 = performance.now();
  const report = await sendQueued(db, transport, { sender, attachment: async () => PDF, ratePerSecond: 1_000_000, limit: SENT });
  const smtp = (performance.now() - t2) / 1000;
  transport.close?.();
  if (report.sent !== SENT) throw new Error(`sent ${report.sent} of ${SENT} to maildev`);

  console.log(`| ${MESSAGES.toLocaleString("en")} recap messages (25 KB PDF each), DynamoDB Local, one process | figure |`);
  console.log("| --- | --- |");
  console.log(`| queued (queueMessage, 8 at a time) | ${(MESSAGES / queued).toFixed(0)} messages/s (${duration(queued)}) |`);
  console.log(
    `| claimed, suppression checked, composed (${(bytes / SENT / 1024).toFixed(0)} KB of MIME), handed over, marked; unpaced, ${SENT} of them | ${(SENT / sent).toFixed(0)} messages/s, ${((sent * 1000) / SENT).toFixed(1)} ms each |`,
  );
  console.log(
    `| the same to maildev over SMTP (one session per message) | ${(SENT / smtp).toFixed(0)} messages/s, ${((smtp * 1000) / SENT).toFixed(1)} ms each |`,
  );
  console.log(`| the back-office's own time for all ${MESSAGES.toLocaleString("en")} at that speed | ${duration((MESSAGES * sent) / SENT)} |`);
  console.log(`| sending time at SES's sandbox rate (1 message/s) | ${duration(MESSAGES)} |`);
  console.log(`| sending time at SES's default production rate (14 messages/s) | ${duration(MESSAGES / 14)} |`);
  console.log(`| peak memory (RSS) | ${(peak / 1024 / 1024).toFixed(0)} MB |`);
  db.doc.destroy();
} finally {
  clearInterval(sample);
  await mail.stop();
  await dynamo.stop();
}
