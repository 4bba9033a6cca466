/**
 * A local back-office for one test file: its own table in the shared DynamoDB Local, a dev identity
 * and the local gateway on a free port, running the real handler modules.
 */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { inject } from "vitest";
import { ensureTable } from "../../infra/dynamodb-local.js";
import { createGateway, listen } from "../../infra/gateway.js";
import { createIdentity, type Identity } from "../../infra/identity.js";
import { makeDb, type Db } from "@asso/core";
import { createStripeDouble, type StripeDouble } from "../../infra/stripe-double.js";
import { webRoutes } from "../../infra/web.js";
import { startS3Local, type RunningS3 } from "../../infra/s3-local.js";
import { checkDeclared } from "./declared.js";
import { startMailLocal, type InboxMessage, type LocalMail } from "../../infra/mail-local.js";
import { smtpTransport } from "@asso/core/mail";
import { startMailWorker } from "@asso/core/workflows/mail";

export interface TestStack {
  url: string;
  identity: Identity;
  db: Db;
  tableName: string;
  /** fetch against the gateway, with a token for `role` unless role is null. */
  call(method: string, path: string, opts?: { role?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
  stripe: StripeDouble;
  stripeUrl: string;
  /** The local S3 (s3rver) this stack writes files to. */
  s3: RunningS3;
  /** With `mail`: the local SMTP server and inbox (maildev) and the outbox's worker loop sending to it. */
  mail?: LocalMail & { worker: { stop(): Promise<void>; kick(): void } };
  /** With `mail`: what arrived in the inbox, oldest first (maildev's REST API). */
  inbox(): Promise<InboxMessage[]>;
}

/** `mail: true` (or the worker's options): maildev on free ports and the outbox's worker loop, fast back-off for tests. */
export interface TestMailOptions {
  backoffMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  ratePerSecond?: number;
  pollMs?: number;
}

export const TEST_STRIPE = { secretKey: "sk_test_suite", webhookSecret: "whsec_suite" };

/** `deliver: false`: the double keeps its events (nothing listens where it sends them); tests deliver them. */
export async function startTestStack(
  env: Record<string, string> = {},
  opts: { retryDelaysMs?: number[]; deliver?: boolean; mail?: boolean | TestMailOptions } = {},
): Promise<TestStack> {
  const endpoint = inject("dynamoEndpoint");
  const tableName = `t-${randomUUID().slice(0, 8)}`;
  await ensureTable(endpoint, tableName);
  const identity = await createIdentity();
  const server: Server = createGateway({ identity, staticRoutes: webRoutes() });
  const port = await listen(server, 0);
  const url = `http://127.0.0.1:${port}`;
  const stripe = createStripeDouble({
    ...TEST_STRIPE,
    webhookUrl: opts.deliver === false ? "http://127.0.0.1:9/nowhere" : `${url}/v1/webhooks/stripe`,
    retryDelaysMs: opts.deliver === false ? [] : (opts.retryDelaysMs ?? [200, 400, 800]),
  });
  const stripeUrl = (await stripe.listen(0)).url;
  const s3 = await startS3Local();
  const mailLocal = opts.mail ? await startMailLocal() : undefined;
  Object.assign(process.env, {
    ...s3.env,
    ...(mailLocal?.env ?? {}),
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: endpoint,
    STRIPE_SECRET_KEY: TEST_STRIPE.secretKey,
    STRIPE_WEBHOOK_SECRET: TEST_STRIPE.webhookSecret,
    STRIPE_API_URL: stripeUrl,
    PUBLIC_BASE_URL: url,
    ...env,
  });
  const tokens = new Map<string, string>();
  const db = makeDb(tableName, endpoint);
  let mail: TestStack["mail"];
  if (mailLocal) {
    const m = typeof opts.mail === "object" ? opts.mail : {};
    const transport = await smtpTransport(mailLocal.env.MAIL_SMTP_URL);
    const worker = startMailWorker(db, transport, {
      backoffMs: m.backoffMs ?? 300,
      leaseMs: m.leaseMs ?? 5_000,
      maxAttempts: m.maxAttempts ?? 5,
      ratePerSecond: m.ratePerSecond ?? 50,
      pollMs: m.pollMs ?? 150,
    });
    mail = Object.assign(mailLocal, { worker });
  }
  return {
    url,
    identity,
    tableName,
    db,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const role = opts.role === undefined ? "tresorier" : opts.role;
      if (role) {
        if (!tokens.has(role)) tokens.set(role, await identity.token(role));
        headers.authorization ??= `Bearer ${tokens.get(role)}`;
      }
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
        headers["content-type"] ??= "application/json";
      }
      const res = await fetch(`${url}${path}`, { method, headers, body });
      await checkDeclared(method, path, res);
      return res;
    },
    stripe,
    stripeUrl,
    s3,
    ...(mail ? { mail } : {}),
    async inbox() {
      if (!mail) throw new Error("startTestStack(env, { mail: true }) starts the inbox");
      return mail.inbox();
    },
    async close() {
      await mail?.worker.stop();
      await mail?.stop();
      await stripe.close();
      await s3.stop();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
