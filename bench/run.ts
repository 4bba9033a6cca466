/**
 * `npm run bench`: the speed and memory figures recorded in BENCHMARKS.md.
 *
 * 1. Each handler bundle: size, and the median time for a fresh Node process to load it and answer
 *    a first request, next to the same for an empty handler; then the PDFs a cold start may have to
 *    render first (the compte-rendu financier of a grant).
 * 2. The ledger against DynamoDB Local: entries posted per second (1 client, 25 concurrent),
 *    trial-balance latency at growing entry counts, FEC export time and peak memory.
 *
 * BENCH_ENTRIES (default 100000) sets the largest ledger size; BENCH_RUNS (default 7) the cold starts.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";

import { join } from "node:path";
import { buildSync } from "esbuild";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { createHmac } from "node:crypto";
import {
  createDonationCheckout,
  exportLedger,
  makeDb,
  makeStripe,
  postEntry,
  receiptKey,
  renderReceiptPdf,
  trialBalance,
  type Db,
  type PostEntryInput,
  type Receipt,
} from "@asso/core";
import { createGateway, listen } from "../infra/gateway.js";
import { createIdentity } from "../infra/identity.js";
import { createStripeDouble } from "../infra/stripe-double.js";
import { GROUPS, type Group } from "@asso/functions";
import { bundleGroup, ROOT } from "../stacks/bundle.js";
import { ensureTable, startDynamoDbLocal } from "../infra/dynamodb-local.js";
import { createFunder, createGrant } from "@asso/core/grants";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const MAX_ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

// ---------------------------------------------------------------- 1. bundles and first requests

/** The first request each bundle answers, and the status it must give. */
type FirstRequest = { routeKey: string; path?: string; params?: Record<string, string>; query?: string; status: number; body?: string };
const FIRST_REQUEST: Record<Group, FirstRequest> = {
  system: { routeKey: "GET /v1/health", status: 200 },
  ledger: { routeKey: "GET /v1/ledger/accounts", status: 200 },
  public: { routeKey: "GET /v1/public/membership-tiers", status: 200 },
  webhooks: { routeKey: "POST /v1/webhooks/stripe", status: 400, body: "{}" },
  people: { routeKey: "GET /v1/members", status: 200 },
  documents: { routeKey: "GET /v1/receipts/{file}", path: "/v1/receipts/2024-000001.pdf", params: { file: "2024-000001.pdf" }, status: 200 },
  grants: { routeKey: "GET /v1/funders", status: 200 },
  bank: { routeKey: "GET /v1/bank/lines", status: 200 },
  reports: { routeKey: "GET /v1/reports/{year}/figures", path: "/v1/reports/2024/figures", params: { year: "2024" }, status: 200 },
  settings: { routeKey: "GET /v1/settings", status: 200 },
  // No link: the space answers 401 without reading anything.
  donor: { routeKey: "GET /v1/public/donor/space", status: 401 },
  mail: {
    routeKey: "GET /v1/people/{email}/messages",
    path: "/v1/people/camille%40example.org/messages",
    params: { email: "camille@example.org" },
    status: 200,
  },
  projects: { routeKey: "GET /v1/projects", status: 200 },
};

/** More first requests, on bundles already listed: the PDFs their cold start may render first. */
const EXTRA_FIRST: Array<{ group: Group; request: FirstRequest }> = [];

function coldStart(file: string, first: FirstRequest, env: Record<string, string>): number {
  const { routeKey, status } = first;
  const method = routeKey.split(" ")[0]!;
  const path = first.path ?? routeKey.split(" ")[1]!;
  const pathParameters = first.params;
  const script = `
    const { handler } = await import(${JSON.stringify(file)});
    const r = await handler({ version: "2.0", routeKey: ${JSON.stringify(routeKey)}, rawPath: ${JSON.stringify(path)}, rawQueryString: ${JSON.stringify(first.query ?? "")},
      headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=00" }, pathParameters: ${JSON.stringify(pathParameters)},
      body: ${JSON.stringify(first.body)},
      requestContext: { requestId: "bench", http: { method: ${JSON.stringify(method)}, path: ${JSON.stringify(path)} },
        authorizer: { jwt: { claims: { sub: "bench", "cognito:groups": "[auditor]" }, scopes: null } } }, isBase64Encoded: false });
    if (r.statusCode !== ${status}) { console.error(r.statusCode, r.body); process.exit(1); }`;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`cold start of ${file} failed: ${r.stderr}`);
  return performance.now() - t0;
}

async function benchBundles(): Promise<string[]> {
  const dynamo = await startDynamoDbLocal();
  await ensureTable(dynamo.endpoint, "bench-cold");
  const db = makeDb("bench-cold", dynamo.endpoint);
  await db.doc.send(new PutCommand({ TableName: "bench-cold", Item: { ...receiptKey(SAMPLE_RECEIPT.id), ...SAMPLE_RECEIPT } }));
  // A grant, for the compte-rendu financier a cold `projects` bundle renders as its first answer.
  const funder = await createFunder(db, { name: "Fondation du banc d'essai", kind: "foundation" });
  const grant = await createGrant(db, {
    funderId: funder.id,
    title: "Programme 2024",
    agreementDate: "2024-04-10",
    amount: 10_000_000,
    restricted: true,
    startDate: "2024-04-01",
    endDate: "2024-12-31",
    installments: [{ dueDate: "2024-04-15", amount: 10_000_000 }],
    reportingDeadlines: [],
    documents: [],
  });
  EXTRA_FIRST.push({
    group: "projects",
    request: {
      routeKey: "GET /v1/grants/{id}/financial-report.pdf",
      path: `/v1/grants/${grant.id}/financial-report.pdf`,
      params: { id: grant.id },
      status: 200,
    },
  });
  const env = {
    TABLE_NAME: "bench-cold",
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    STRIPE_SECRET_KEY: "sk_test_bench",
    STRIPE_WEBHOOK_SECRET: "whsec_bench",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  try {
    return runBundles(env);
  } finally {
    db.doc.destroy();
    await dynamo.stop();
  }
}

const SAMPLE_RECEIPT: Receipt = {
  id: "2024-000001",
  year: 2024,
  kind: "single",
  status: "issued",
  issuedOn: "2024-03-06",
  donor: {
    firstName: "Camille",
    lastName: "Martin",
    email: "camille@example.org",
    address: { line1: "12 rue des Lilas", postalCode: "69003", city: "Lyon", country: "FR" },
  },
  amount: 5000,
  gifts: [{ date: "2024-03-05", amount: 5000, reference: "ch_bench" }],
  method: "Carte bancaire",
};

function runBundles(env: Record<string, string>): string[] {
  // Inside the project, so that the AWS SDK (external, as in the Lambda runtime) resolves.
  const dir = join(ROOT, "dist", "bench");
  mkdirSync(dir, { recursive: true });
  const emptySrc = join(dir, "empty.ts");
  writeFileSync(emptySrc, `export const handler = async () => ({ statusCode: 200, body: "{}" });\n`);
  const emptyOut = join(dir, "empty", "index.mjs");
  buildSync({ entryPoints: [emptySrc], outfile: emptyOut, bundle: true, minify: true, platform: "node", target: "node22", format: "esm", logLevel: "error" });
  const empty = median(Array.from({ length: RUNS }, () => coldStart(emptyOut, FIRST_REQUEST.system, env)));
  const rows = [`| bundle | size (minified) | fresh Node process: load + first answer, median of ${RUNS} | × empty handler |`, "| --- | --- | --- | --- |"];
  rows.push(`| (empty handler) | — | ${ms(empty)} | 1.0 |`);
  for (const g of GROUPS) {
    const first = FIRST_REQUEST[g];
    const b = bundleGroup(g, dir);
    const t = median(Array.from({ length: RUNS }, () => coldStart(b.file, first, env)));
    rows.push(`| ${g} (${first.routeKey} → ${first.status}) | ${(b.bytes / 1024).toFixed(1)} KB | ${ms(t)} | ${(t / empty).toFixed(2)} |`);
  }
  for (const { group, request } of EXTRA_FIRST) {
    const b = bundleGroup(group, dir);
    const t = median(Array.from({ length: RUNS }, () => coldStart(b.file, request, env)));
    rows.push(`| ${group} (${request.routeKey} → ${request.status}) | ${(b.bytes / 1024).toFixed(1)} KB | ${ms(t)} | ${(t / empty).toFixed(2)} |`);
  }
  return rows;
}

// ---------------------------------------------------------------- 2. the ledger

const ACCOUNTS: Array<[string, string]> = [
  ["512", "7541"],
  ["4671", "7541"],
  ["627", "4671"],
  ["6226", "401"],
  ["401", "512"],
  ["512", "756"],
];
let counter = 0;
function nextEntry(year: number): PostEntryInput {
  const i = counter++;
  const [d, c] = ACCOUNTS[i % ACCOUNTS.length]!;
  const day = String(1 + (i % 28)).padStart(2, "0");
  const month = String(1 + (Math.floor(i / 28) % 12)).padStart(2, "0");
  const amount = 100 + (i % 9973);
  return {
    journal: "OD",
    date: `${year}-${month}-${day}`,
    label: `Écriture ${i}`,
    pieceRef: `B${i}`,
    lines: [
      { account: d, debit: amount },
      { account: c, credit: amount },
    ],
  };
}

async function postMany(db: Db, year: number, total: number, concurrency: number): Promise<number> {
  const t0 = performance.now();
  let left = total;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left--;
        await postEntry(db, nextEntry(year));
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

async function timeTrialBalance(db: Db, year: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await trialBalance(db, year);
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

async function benchLedger(): Promise<string[]> {
  const dynamo = await startDynamoDbLocal();
  try {
    await ensureTable(dynamo.endpoint, "bench");
    const db = makeDb("bench", dynamo.endpoint);
    const rows: string[] = [];
    const one = await postMany(db, 2023, 300, 1);
    const many = await postMany(db, 2023, 1000, 25);
    rows.push("| posting (through the sequencer, DynamoDB Local) | entries/s |", "| --- | --- |");
    rows.push(`| 1 client | ${one.toFixed(0)} |`, `| 25 concurrent clients | ${many.toFixed(0)} |`, "");

    rows.push(
      "| entries in the year | trial balance, median of 5 | FEC export time | FEC size | peak heap during export | RSS growth during export |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    let posted = 0;
    for (const size of [1_000, 10_000, 100_000].filter((s) => s <= MAX_ENTRIES)) {
      const t0 = performance.now();
      await postMany(db, 2024, size - posted, 25);
      posted = size;
      process.stderr.write(`  ${size} entries loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      const tb = await timeTrialBalance(db, 2024);
      global.gc?.();
      const rss0 = process.memoryUsage().rss;
      const heap0 = process.memoryUsage().heapUsed;
      let peakHeap = heap0;
      let peakRss = rss0;
      let bytes = 0;
      const e0 = performance.now();
      for await (const chunk of exportLedger(db, 2024, "fec")) {
        bytes += Buffer.byteLength(chunk);
        const m = process.memoryUsage();
        peakHeap = Math.max(peakHeap, m.heapUsed);
        peakRss = Math.max(peakRss, m.rss);
      }
      const exportMs = performance.now() - e0;
      rows.push(
        `| ${size.toLocaleString("en")} | ${ms(tb)} | ${(exportMs / 1000).toFixed(2)} s | ${(bytes / 1024 / 1024).toFixed(1)} MB | ${((peakHeap - heap0) / 1024 / 1024).toFixed(1)} MB above start | ${((peakRss - rss0) / 1024 / 1024).toFixed(1)} MB |`,
      );
    }
    db.doc.destroy();
    return rows;
  } finally {
    await dynamo.stop();
  }
}

// ---------------------------------------------------------------- 3. webhooks and receipts

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function deliverAll(url: string, payloads: string[], concurrency: number, secret: string) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < payloads.length) {
        const payload = payloads[next++]!;
        const t = Math.floor(Date.now() / 1000);
        const sig = `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${payload}`).digest("hex")}`;
        const s = performance.now();
        const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": sig }, body: payload });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: payloads.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function benchWebhooks(): Promise<string[]> {
  const dynamo = await startDynamoDbLocal();
  const secrets = { secretKey: "sk_test_bench", webhookSecret: "whsec_bench" };
  const double = createStripeDouble({ ...secrets, webhookUrl: "http://127.0.0.1:9/", retryDelaysMs: [] });
  try {
    await ensureTable(dynamo.endpoint, "bench-hooks");
    const stripeUrl = (await double.listen(0)).url;
    const gateway = createGateway({
      identity: await createIdentity(),
      env: {
        TABLE_NAME: "bench-hooks",
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        STRIPE_SECRET_KEY: secrets.secretKey,
        STRIPE_WEBHOOK_SECRET: secrets.webhookSecret,
        STRIPE_API_URL: stripeUrl,
        PUBLIC_BASE_URL: "http://127.0.0.1",
      },
    });
    const port = await listen(gateway, 0);
    const db = makeDb("bench-hooks", dynamo.endpoint);
    const stripe = await makeStripe(secrets.secretKey, stripeUrl);
    const paidEvents = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const { sessionId } = await createDonationCheckout(
          db,
          stripe,
          { amount: 1000 + i, frequency: "once", receipt: false, donor: { email: `b${i}@example.org`, firstName: "B", lastName: String(i) } },
          "http://127.0.0.1",
        );
        await fetch(`${stripeUrl}/__dev/checkout/sessions/${sessionId}/complete`, { method: "POST" });
      }
      const all = double.events.filter((e) => e.type === "checkout.session.completed").splice(0, n);
      return all.map(({ attempts: _a, ...e }) => JSON.stringify(e, null, 2));
    };
    const url = `http://127.0.0.1:${port}/v1/webhooks/stripe`;
    const distinct = await deliverAll(url, await paidEvents(200), 10, secrets.webhookSecret);
    double.events.length = 0;
    const fresh = await paidEvents(400);
    const burst = [...fresh, ...fresh.slice(0, 100)].sort(() => Math.random() - 0.5);
    const b = await deliverAll(url, burst, 25, secrets.webhookSecret);
    const tb = await trialBalance(db, Number(new Date().getFullYear()));
    const booked = tb.accounts.find((a) => a.account === "7541")?.credit ?? 0;
    const expected =
      Array.from({ length: 200 }, (_, i) => 1000 + i).reduce((x, y) => x + y, 0) + Array.from({ length: 400 }, (_, i) => 1000 + i).reduce((x, y) => x + y, 0);
    gateway.close();
    db.doc.destroy();

    // Receipt PDFs.
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      size = (await renderReceiptPdf(SAMPLE_RECEIPT)).length;
      times.push(performance.now() - t);
    }
    return [
      "| webhook deliveries (local gateway, DynamoDB Local, Stripe double) | events/s | p50 | p99 |",
      "| --- | --- | --- | --- |",
      `| 200 distinct checkout.session.completed, 10 at a time | ${distinct.perSecond.toFixed(0)} | ${ms(distinct.p50)} | ${ms(distinct.p99)} |`,
      `| burst of 500 (400 distinct + 100 duplicates), 25 at a time | ${b.perSecond.toFixed(0)} | ${ms(b.p50)} | ${ms(b.p99)} |`,
      "",
      `Booked exactly once: ${booked === expected ? "yes" : `NO (${booked} booked, ${expected} expected)`} (7541 credit ${booked} = sum of the 600 distinct gifts).`,
      "",
      "| receipt PDF | median of 30 (warm) | first (cold) | size |",
      "| --- | --- | --- | --- |",
      `| CERFA 11580 receipt, DejaVu Sans subset | ${ms(median(times.slice(1)))} | ${ms(times[0]!)} | ${(size / 1024).toFixed(1)} KB |`,
    ];
  } finally {
    await double.close();
    await dynamo.stop();
  }
}

const started = new Date().toISOString();
console.log(`# npm run bench (${started}, node ${process.version}, ${RUNS} cold starts, up to ${MAX_ENTRIES} entries)\n`);
console.log("## Handler bundles\n");
console.log((await benchBundles()).join("\n"));
if (process.env.BENCH_WEBHOOKS !== "0") {
  console.log("\n## Webhooks and receipts\n");
  console.log((await benchWebhooks()).join("\n"));
}
if (MAX_ENTRIES > 0) {
  console.log("\n## Ledger\n");
  console.log((await benchLedger()).join("\n"));
}

// The domains' own benchmarks, each in its own process (its own DynamoDB Local): BENCH_ONLY=a,b
// runs some of them, BENCH_DOMAINS=0 none.
const DOMAIN_BENCHES = [
  ["Grants: the funder view and the fonds dédiés", "grants.ts"],
  ["Bank statements: import, re-import, proposals, état", "bank.ts"],
  ["Bank statement formats (10 000 lines each) and the parsers' bombs", "bank-files.ts"],
  ["Annual report: figures and the PDF", "reports.ts"],
  ["Projects: budget comparisons and the compte-rendu financier", "projects.ts"],
  ["Ledger export jobs (FEC to S3)", "ledger-export.ts"],
  ["Giving under a burst of checkout requests", "giving-burst.ts"],
  ["Mail: January's recap messages queued, composed and sent", "mail.ts"],
] as const;
if (process.env.BENCH_DOMAINS !== "0") {
  const only = process.env.BENCH_ONLY?.split(",");
  for (const [title, file] of DOMAIN_BENCHES) {
    if (only && !only.some((o) => file.startsWith(o))) continue;
    console.log(`\n## ${title}\n`);
    const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "bench", file)], { stdio: ["ignore", "inherit", "inherit"], env: process.env });
    if (r.status !== 0) console.log(`(bench/${file} failed with status ${r.status})`);
  }
}
