/**
 * Ledger export at scale: a year of N entries (default 10 000 and 100 000; `BENCH_ENTRIES=…` for
 * one size) exported as an export job — the FEC streamed page by page from DynamoDB Local to the
 * local S3 (s3rver, in its own process) by multipart upload — timed, with this process's peak RSS
 * sampled every 20 ms. The file is then downloaded through its presigned link and checked.
 *
 *   npx tsx bench/ledger-export.ts
 *
 * The entries are written straight into the table as the sequencer leaves them (validated,
 * numbered, chained), 25 a call: posting 100 000 entries through the API takes most of an hour on
 * DynamoDB Local and measures something else (see `npm run bench`).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { randomUUID } from "node:crypto";
import { batchPut, type Item, makeDb, type Db } from "@asso/core/db";
import { ledgerKeys as keys, entryHash, GENESIS_HASH, type Entry, getExportJob, runExportJob, startExportJob } from "@asso/core/ledger";

const pad = (n: number, width: number) => String(n).padStart(width, "0");
import { ensureTable, startDynamoDbLocal } from "../infra/dynamodb-local.js";
import { startS3Local } from "../infra/s3-local.js";
import { checkFec } from "../test/support/fec-check.js";

const YEAR = 2024;
const SIREN = "912345678";

async function startS3Child(): Promise<{ env: Record<string, string>; stop: () => void }> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, "--s3-child"], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((ok) => createInterface({ input: child.stdout! }).once("line", ok));
  return { env: JSON.parse(line) as Record<string, string>, stop: () => child.kill("SIGTERM") };
}

const ACCOUNTS: Array<[string, string]> = [
  ["512", "7541"],
  ["6226", "512"],
  ["4671", "7541"],
  ["627", "4671"],
  ["512", "756"],
  ["6064", "401"],
];

/** Writes entries `from`..`to` (exclusive) of journal OD, validated and chained, as the sequencer would. */
async function seed(db: Db, from: number, to: number, chain: { hash: string }): Promise<void> {
  const batch: Item[] = [];
  const flush = async () => {
    const items = batch.splice(0);
    const quarter = Math.ceil(items.length / 4);
    await Promise.all([0, 1, 2, 3].map((q) => batchPut(db, items.slice(q * quarter, (q + 1) * quarter))));
  };
  for (let n = from; n < to; n++) {
    const [d, c] = ACCOUNTS[n % ACCOUNTS.length]!;
    const amount = 100 + ((n * 7919) % 500_000);
    const date = `${YEAR}-${pad((n % 12) + 1, 2)}-${pad((n % 28) + 1, 2)}`;
    const e: Entry = {
      id: randomUUID(),
      journal: "OD",
      year: YEAR,
      date,
      label: `Écriture ${n + 1}`,
      pieceRef: `B${n + 1}`,
      pieceDate: date,
      lines: [
        { account: d, debit: amount, credit: 0 },
        { account: c, debit: 0, credit: amount, ...(c === "401" ? { aux: { number: `F${n % 50}`, label: `Fournisseur ${n % 50}` } } : {}) },
      ],
      status: "validated",
      createdAt: new Date().toISOString(),
      number: n + 1,
      seq: n + 1,
      validDate: `${YEAR}-12-31`,
      prevHash: chain.hash,
    };
    e.hash = entryHash(e, chain.hash);
    chain.hash = e.hash;
    batch.push({
      ...keys.entry(e.id),
      kind: "entry",
      ...e,
      gsi1pk: keys.chain,
      gsi1sk: pad(e.seq!, 12),
      gsi2pk: keys.journalIndex(YEAR, "OD"),
      gsi2sk: pad(e.number!, 8),
    });
    if (batch.length === 500) await flush();
  }
  await flush();
  // The journal's counter and the chain head, as the sequencer keeps them.
  await batchPut(db, [
    { ...keys.counter(YEAR, "OD"), kind: "counter", next: to },
    { ...keys.head, kind: "head", seq: to, hash: chain.hash },
  ]);
}

async function main() {
  const sizes = process.env.BENCH_ENTRIES ? [Number(process.env.BENCH_ENTRIES)] : [10_000, 100_000];
  const dynamo = await startDynamoDbLocal();
  const s3 = await startS3Child();
  Object.assign(process.env, s3.env);
  const rows = [
    "| entries in the year | export job time (FEC to S3) | file | parts | peak RSS during the job | RSS growth | heap growth |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  try {
    await ensureTable(dynamo.endpoint, "bench-export");
    const db = makeDb("bench-export", dynamo.endpoint);
    const chain = { hash: GENESIS_HASH };
    let seeded = 0;
    for (const size of sizes) {
      const t0 = performance.now();
      await seed(db, seeded, size, chain);
      seeded = size;
      process.stderr.write(`  ${size} entries written in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);

      global.gc?.();
      const rss0 = process.memoryUsage().rss;
      const heap0 = process.memoryUsage().heapUsed;
      let peakRss = rss0;
      let peakHeap = heap0;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }, 20);
      const j0 = performance.now();
      const job = await startExportJob(db, { year: YEAR, format: "fec", siren: SIREN }, { dispatch: async () => undefined });
      const status = await runExportJob(db, job.id);
      const seconds = (performance.now() - j0) / 1000;
      clearInterval(sampler);
      if (status !== "done") throw new Error(`the export job ended ${status}`);

      const done = await getExportJob(db, job.id);
      const text = await (await fetch(done.url!)).text();
      const { problems, lines } = checkFec(done.fileName, text, SIREN, YEAR);
      if (problems.length || lines.length !== size * 2) throw new Error(`the exported FEC is wrong: ${lines.length} lines, ${problems.slice(0, 3).join("; ")}`);
      const parts = Math.max(1, Math.ceil((done.bytes ?? 0) / (8 * 1024 * 1024)));
      const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
      rows.push(
        `| ${size.toLocaleString("en")} | ${seconds.toFixed(2)} s | ${mb(done.bytes ?? 0)} | ${parts} | ${mb(peakRss)} | ${mb(peakRss - rss0)} | ${mb(peakHeap - heap0)} |`,
      );
      process.stderr.write(`  ${size} entries exported in ${seconds.toFixed(1)} s\n`);
    }
    db.doc.destroy();
  } finally {
    s3.stop();
    await dynamo.stop();
  }
  console.log(rows.join("\n"));
}

/** `--s3-child`: run s3rver here and print its settings, so its memory is not counted with ours. */
if (process.argv.includes("--s3-child")) {
  const s3 = await startS3Local();
  process.stdout.write(`${JSON.stringify(s3.env)}\n`);
  process.on("SIGTERM", () => void s3.stop().then(() => process.exit(0)));
} else {
  await main();
}
