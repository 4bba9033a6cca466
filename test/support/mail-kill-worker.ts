/**
 * A worker that dies between sending and marking (test/mail.test.ts): one run of the outbox's
 * worker against the test stack's table and SMTP server, killed by SIGKILL right after its first
 * send, before anything is written about it.
 */
import { makeDb } from "@asso/core/db";
import { smtpTransport } from "@asso/core/mail";
import { sendMail } from "@asso/core/workflows/mail";

const db = makeDb(process.env.TABLE_NAME!, process.env.DYNAMODB_ENDPOINT);
const transport = await smtpTransport(process.env.MAIL_SMTP_URL!);
await sendMail(db, transport, { leaseMs: 1500, ratePerSecond: 50, afterSend: () => void process.kill(process.pid, "SIGKILL") });
console.error("mail-kill-worker: the worker was not killed (nothing was due?)");
process.exit(3);
