/**
 * `npx tsx bench/bank.ts`: importing a 10 000-line bank statement through the HTTP API (local
 * gateway, the bank handler module, DynamoDB Local), then the same file again (every line a
 * duplicate), then the matching proposals and the état de rapprochement over those lines.
 * BENCH_BANK_LINES sets the number of lines (default 10 000). The issue asks under 10 s.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { ensureTable, startDynamoDbLocal } from "../infra/dynamodb-local.js";
import { createGateway, listen } from "../infra/gateway.js";
import { createIdentity } from "../infra/identity.js";

/** CPU seconds used so far by a process (user + system), from /proc (Linux). */
function cpuOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

const LINES = Number(process.env.BENCH_BANK_LINES ?? 10_000);
const IBAN = "FR7642559100000801234567812";

const LABELS = [
  "PRLV SEPA ÉNERGIE COOPÉRATIVE",
  "VIR SEPA DON MENSUEL",
  "CARTE X1234 LIBRAIRIE",
  "COMMISSION VIREMENT",
  "VIR SEPA FONDATION DE FRANCE",
  "REMISE CHEQUES",
];

/** A CAMT.053.001.08 statement of `n` booked lines over a year, with repeated identical lines. */
function statement(n: number): string {
  let total = 0;
  const entries: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = new Date(Date.UTC(2025, 0, 1 + Math.floor((i * 365) / n))).toISOString().slice(0, 10);
    const amount = ((i * 7919) % 200000) - 90000 || 100;
    total += amount;
    const label = `${LABELS[i % LABELS.length]} ${i % 3 === 0 ? "" : `REF ${i % 997}`}`.trim();
    entries.push(
      `<Ntry><Amt Ccy="EUR">${(Math.abs(amount) / 100).toFixed(2)}</Amt><CdtDbtInd>${amount < 0 ? "DBIT" : "CRDT"}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${day}</Dt></BookgDt><ValDt><Dt>${day}</Dt></ValDt><AcctSvcrRef>${i % 50}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Cdtr><Pty><Nm>TIERS ${i % 200}</Nm></Pty></Cdtr></RltdPties><RmtInf><Ustrd>${label}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
    );
  }
  const opening = 10_000_000;
  const bal = (code: string, amount: number, date: string) =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${(Math.abs(amount) / 100).toFixed(2)}</Amt><CdtDbtInd>${amount < 0 ? "DBIT" : "CRDT"}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
  return `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId></GrpHdr><Stmt><Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>${bal("OPBD", opening, "2025-01-01")}${bal("CLBD", opening + total, "2025-12-31")}${entries.join("")}</Stmt></BkToCstmrStmt></Document>`;
}

async function main() {
  const dynamo = await startDynamoDbLocal();
  const table = `bench-bank-${randomUUID().slice(0, 6)}`;
  await ensureTable(dynamo.endpoint, table);
  Object.assign(process.env, { TABLE_NAME: table, DYNAMODB_ENDPOINT: dynamo.endpoint });
  const identity = await createIdentity();
  const server = createGateway({ identity });
  const port = await listen(server, 0);
  const token = await identity.token("tresorier");
  const javaPid = dynamo.process.pid!;
  const call = async (method: string, path: string, body?: string, type = "application/json") => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const java = cpuOf(javaPid);
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": type }, body });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - t, node: (used.user + used.system) / 1e6, java: cpuOf(javaPid) - java, json: json as Record<string, unknown> };
  };
  const cpu = (r: { node: number; java: number }) => `(CPU: node ${r.node.toFixed(2)} s, DynamoDB Local ${r.java.toFixed(2)} s)`;
  try {
    const file = statement(LINES);
    console.log(`bank statement: ${LINES} lines, ${(file.length / 1024 / 1024).toFixed(2)} MiB (CAMT.053.001.08)`);
    const first = await call("POST", "/v1/bank/statements", file, "application/xml");
    console.log(`  first import      ${(first.ms / 1000).toFixed(2)} s   imported ${first.json.imported}, duplicates ${first.json.duplicates} ${cpu(first)}`);
    const again = await call("POST", "/v1/bank/statements", file, "application/xml");
    console.log(`  same file again   ${(again.ms / 1000).toFixed(2)} s   imported ${again.json.imported}, duplicates ${again.json.duplicates} ${cpu(again)}`);
    const proposals = await call("POST", "/v1/bank/reconcile", JSON.stringify({ account: "512" }));
    console.log(
      `  reconcile         ${(proposals.ms / 1000).toFixed(2)} s   ${proposals.json.lines} unmatched lines, ${(proposals.json.proposals as unknown[]).length} proposals ${cpu(proposals)}`,
    );
    const state = await call("GET", "/v1/bank/reconciliation?account=512&date=2025-12-31");
    console.log(`  état de rappro.   ${(state.ms / 1000).toFixed(2)} s   bank ${state.json.bankBalance}, difference ${state.json.difference}`);
    const page = await call("GET", "/v1/bank/lines?status=unmatched&limit=500");
    console.log(`  one page of 500   ${page.ms.toFixed(0)} ms`);
    console.log(
      `  (load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")} on ${(await import("node:os")).cpus().length} cores)`,
    );
    if (first.ms > 10_000) process.exitCode = 1;
  } finally {
    await new Promise<void>((ok) => server.close(() => ok()));
    await dynamo.stop();
  }
}

await main();
