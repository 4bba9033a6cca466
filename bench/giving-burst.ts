/**
 * Giving under abuse: a burst of 1 000 checkout requests from one address hits the public routes
 * while real donors pay; the webhook must still book every payment. Runs on the local stack
 * (DynamoDB Local, the local gateway running the real handler modules, the Stripe double delivering
 * signed events) with the default rate settings.
 *
 *   npx tsx bench/giving-burst.ts            # BURST=1000 PAYMENTS=20 by default
 */
import { randomUUID } from "node:crypto";
import { makeDb } from "@asso/core";
import type { HttpEvent } from "@asso/functions";
import { createGateway, listen } from "../infra/gateway.js";
import { createIdentity } from "../infra/identity.js";
import { createStripeDouble } from "../infra/stripe-double.js";
import { ensureTable, startDynamoDbLocal } from "../infra/dynamodb-local.js";

const BURST = Number(process.env.BURST ?? 1000);
const PAYMENTS = Number(process.env.PAYMENTS ?? 20);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

const dynamo = await startDynamoDbLocal();
const secrets = { secretKey: "sk_test_bench", webhookSecret: "whsec_bench" };
const table = `burst-${randomUUID().slice(0, 8)}`;
await ensureTable(dynamo.endpoint, table);
const gateway = createGateway({ identity: await createIdentity() });
const port = await listen(gateway, 0);
const api = `http://127.0.0.1:${port}`;
const double = createStripeDouble({ ...secrets, webhookUrl: `${api}/v1/webhooks/stripe`, retryDelaysMs: [200, 400, 800, 1600] });
const stripeUrl = (await double.listen(0)).url;
Object.assign(process.env, {
  TABLE_NAME: table,
  DYNAMODB_ENDPOINT: dynamo.endpoint,
  STRIPE_SECRET_KEY: secrets.secretKey,
  STRIPE_WEBHOOK_SECRET: secrets.webhookSecret,
  STRIPE_API_URL: stripeUrl,
  PUBLIC_BASE_URL: api,
  RECEIPTS_ENABLED: "false",
});
const { handler } = (await import("../packages/functions/src/handlers/public.js")) as {
  handler: (e: HttpEvent) => Promise<{ statusCode?: number; body?: string }>;
};

/** A real donor's checkout, from the donor's own address. */
async function realCheckout(i: number): Promise<string> {
  const path = "/v1/public/donations/checkout";
  const r = await handler({
    version: "2.0",
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: "",
    headers: { "content-type": "application/json" },
    requestContext: { requestId: randomUUID(), http: { method: "POST", path, sourceIp: `100.64.1.${i + 1}` } },
    body: JSON.stringify({
      amount: 2000 + i,
      frequency: "once",
      receipt: false,
      donor: { email: `real${i}@example.org`, firstName: "Real", lastName: `Donor${i}` },
    }),
    isBase64Encoded: false,
  } as unknown as HttpEvent);
  if (r.statusCode !== 201) throw new Error(`real checkout ${i}: ${r.statusCode} ${r.body}`);
  return (JSON.parse(r.body!) as { sessionId: string }).sessionId;
}

try {
  const sessions = [];
  for (let i = 0; i < PAYMENTS; i++) sessions.push(await realCheckout(i));

  const junk = { amount: 100, frequency: "once", receipt: false, donor: { email: "card.tester@example.org", firstName: "X", lastName: "Y" } };
  const t0 = performance.now();
  // As fast as one client can: INFLIGHT requests open at any moment (a single local Node server
  // resets connections past its accept backlog; API Gateway would not), until BURST are sent.
  const INFLIGHT = Number(process.env.INFLIGHT ?? 100);
  const answersOut: { status: number; ms: number }[] = [];
  let sent = 0;
  const sender = async () => {
    while (sent < BURST) {
      sent++;
      const s = performance.now();
      try {
        const r = await fetch(`${api}/v1/public/donations/checkout`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(junk),
        });
        await r.arrayBuffer();
        answersOut.push({ status: r.status, ms: performance.now() - s });
      } catch {
        answersOut.push({ status: 0, ms: performance.now() - s });
      }
    }
  };
  const burst = Promise.all(Array.from({ length: INFLIGHT }, sender)).then(() => answersOut);
  // Real donors pay while the burst runs: each completion delivers its webhook synchronously.
  const payments = Promise.all(
    sessions.map(async (id, i) => {
      await new Promise((r) => setTimeout(r, i * 20));
      const s = performance.now();
      const res = await fetch(`${stripeUrl}/__dev/checkout/sessions/${id}/complete`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      await res.arrayBuffer();
      return performance.now() - s;
    }),
  );
  const [answers, payMs] = await Promise.all([burst, payments]);
  const burstMs = performance.now() - t0;

  // Wait for any retried delivery, then count what the ledger holds.
  const deadline = Date.now() + 10_000;
  const db = makeDb(table, dynamo.endpoint);
  const { queryAll } = await import("@asso/core/db");
  let booked = 0;
  while (Date.now() < deadline) {
    const items = await queryAll(db, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :p",
      ExpressionAttributeValues: { ":p": `DONATIONS#${new Date().getFullYear()}` },
    });
    booked = items.filter((i) => String(i.email).startsWith("real")).length;
    if (booked >= PAYMENTS) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const attempts = double.events.filter((e) => e.type === "checkout.session.completed").map((e) => e.attempts);
  const firstTry = attempts.filter((a) => a[0]?.status === 200).length;
  const by = (code: number) => answers.filter((a) => a.status === code).length;
  const lat = answers.map((a) => a.ms);
  console.log(`## Giving under a checkout burst (${BURST} requests from one address, ${INFLIGHT} in flight, ${PAYMENTS} real payments meanwhile)\n`);
  console.log(`| figure | value |\n| --- | --- |`);
  console.log(`| burst wall time | ${burstMs.toFixed(0)} ms |`);
  console.log(`| answers 201 / 429 / other | ${by(201)} / ${by(429)} / ${answers.length - by(201) - by(429)} |`);
  console.log(`| burst answer p50 / p95 / max | ${pct(lat, 50).toFixed(0)} / ${pct(lat, 95).toFixed(0)} / ${Math.max(...lat).toFixed(0)} ms |`);
  console.log(
    `| payment + webhook booking p50 / p95 / max | ${pct(payMs, 50).toFixed(0)} / ${pct(payMs, 95).toFixed(0)} / ${Math.max(...payMs).toFixed(0)} ms |`,
  );
  console.log(`| webhook deliveries accepted on first try | ${firstTry} / ${attempts.length} |`);
  console.log(`| real payments booked | ${booked} / ${PAYMENTS} |`);
  console.log(`| Stripe sessions created by the burst | ${by(201)} |`);
  if (booked !== PAYMENTS) process.exitCode = 1;
} finally {
  await double.close();
  gateway.close();
  await dynamo.stop();
}
