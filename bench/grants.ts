/**
 * `npx tsx bench/grants.ts`: the funder view (`GET /v1/funders/{id}`) and the fonds dédiés
 * computation (`GET /v1/grants/dedicated-funds`) with 200 grants and 20 000 expenses tagged to them,
 * against DynamoDB Local. Both read running totals kept on the grant and funder items; neither
 * reads an expense. Prints a Markdown table for BENCHMARKS.md.
 *
 * BENCH_GRANTS (default 200) and BENCH_EXPENSES (default 20000) set the sizes; BENCH_CONCURRENCY
 * (default 4) the writers loading the expenses (through createExpense: each one a real entry).
 */
import { makeDb, type Db } from "@asso/core";
import { createExpense } from "@asso/core/spending";
import { createFunder, getFunder, createGrant, dedicatedFunds } from "@asso/core/grants";
import { handler } from "@asso/functions/handlers/grants";
import { ensureTable, startDynamoDbLocal } from "../infra/dynamodb-local.js";

const GRANTS = Number(process.env.BENCH_GRANTS ?? 200);
const EXPENSES = Number(process.env.BENCH_EXPENSES ?? 20_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))]!;

async function inParallel(total: number, concurrency: number, work: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await work(next++);
    }),
  );
}

async function time(runs: number, f: () => Promise<unknown>) {
  await f(); // warm
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    xs.push(performance.now() - t0);
  }
  return { median: median(xs), p95: p95(xs) };
}

async function load(db: Db) {
  const funder = await createFunder(db, { name: "Fondation de France", kind: "foundation" });
  const other = await createFunder(db, { name: "Région Île-de-France", kind: "public" });
  const grantIds: string[] = [];
  const t0 = performance.now();
  await inParallel(GRANTS, 10, async (i) => {
    const g = await createGrant(db, {
      funderId: i % 10 === 0 ? other.id : funder.id,
      title: `Programme ${i}`,
      agreementDate: "2024-12-05",
      amount: 50_000_000,
      restricted: i % 2 === 0,
      startDate: "2024-12-01",
      endDate: "2025-11-30",
      installments: [
        { dueDate: "2024-12-20", amount: 25_000_000 },
        { dueDate: "2025-06-30", amount: 25_000_000 },
      ],
      reportingDeadlines: [],
      documents: [],
    });
    grantIds.push(g.id);
  });
  process.stderr.write(`  ${GRANTS} grants in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const t1 = performance.now();
  await inParallel(EXPENSES, Number(process.env.BENCH_CONCURRENCY ?? 4), async (i) => {
    await createExpense(db, {
      date: i % 2 ? "2025-03-15" : "2024-12-18",
      supplier: `Prestataire ${i % 50}`,
      account: i % 3 ? "6226" : "604",
      amount: 1_000 + (i % 97),
      label: "Prestation",
      pieceRef: `F-${i}`,
      grantId: grantIds[i % grantIds.length],
    });
    if (i % 2000 === 0) process.stderr.write(`  ${i} expenses…\n`);
  });
  process.stderr.write(`  ${EXPENSES} expenses in ${((performance.now() - t1) / 1000).toFixed(1)} s\n`);
  return funder.id;
}

const dynamo = await startDynamoDbLocal();
try {
  await ensureTable(dynamo.endpoint, "bench-grants");
  const db = makeDb("bench-grants", dynamo.endpoint);
  const funderId = await load(db);
  const view = await getFunder(db, funderId);
  const funderView = await time(50, () => getFunder(db, funderId));
  const funds = await time(50, () => dedicatedFunds(db, 2025));
  // The same read through the Lambda handler: route, roles, parsing, the JSON answer.
  Object.assign(process.env, { TABLE_NAME: "bench-grants", DYNAMODB_ENDPOINT: dynamo.endpoint });
  const event = {
    version: "2.0",
    routeKey: "GET /v1/funders/{id}",
    rawPath: `/v1/funders/${funderId}`,
    rawQueryString: "",
    headers: {},
    pathParameters: { id: funderId },
    requestContext: {
      requestId: "bench",
      http: { method: "GET", path: `/v1/funders/${funderId}` },
      authorizer: { jwt: { claims: { sub: "bench", "cognito:groups": "[auditor]" }, scopes: null } },
    },
    isBase64Encoded: false,
  } as unknown as Parameters<typeof handler>[0];
  let bytes = 0;
  const http = await time(50, async () => {
    const r = await handler(event);
    if (r.statusCode !== 200) throw new Error(`funder view answered ${r.statusCode}`);
    bytes = (r.body ?? "").length;
  });
  console.log(`| ${GRANTS} grants (${view.grants.length} of one funder), ${EXPENSES.toLocaleString("en")} expenses, DynamoDB Local | median | p95 |`);
  console.log("| --- | --- | --- |");
  console.log(`| funder view, GET /v1/funders/{id} (getFunder) | ${funderView.median.toFixed(1)} ms | ${funderView.p95.toFixed(1)} ms |`);
  console.log(`| funder view through the Lambda handler (answer ${(bytes / 1024).toFixed(0)} KB) | ${http.median.toFixed(1)} ms | ${http.p95.toFixed(1)} ms |`);
  console.log(`| fonds dédiés of a year, GET /v1/grants/dedicated-funds (dedicatedFunds) | ${funds.median.toFixed(1)} ms | ${funds.p95.toFixed(1)} ms |`);
  console.log(`\nfunder figures: awarded ${view.awarded}, received ${view.received}, spent ${view.spent}, unspentRestricted ${view.unspentRestricted}`);
  db.doc.destroy();
} finally {
  await dynamo.stop();
}
