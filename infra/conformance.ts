/**
 * `npm run conformance -- <folder>`: imports every statement file of a folder into a fresh local
 * stack (DynamoDB Local in memory, the local gateway, the real handlers), through
 * POST /v1/bank/statements as the trésorier would, and prints one line per file: the file, the
 * answer's status, the lines imported, the accounts skipped or the refusal's detail.
 *
 * Each file gets a table of its own, with the accounts it needs configured: the demo accounts (512
 * and 5121, FR7642559100000808765432181) kept in the file's own currency, the Boursorama account
 * number 001234 given to 5121. A SOURCES.md beside the files may give a file's query (its `query`
 * column). Not part of npm test: the corpus is not in the repository.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { ensureTable, startDynamoDbLocal } from "./dynamodb-local.js";
import { createGateway, listen } from "./gateway.js";
import { createIdentity } from "./identity.js";

const folder = process.argv[2];
if (!folder) {
  console.error("usage: npm run conformance -- <folder of statement files>");
  process.exit(2);
}

const queries = new Map<string, string>();
const sources = join(folder, "SOURCES.md");
if (existsSync(sources))
  for (const line of readFileSync(sources, "utf8").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length > 8 && /\.(xml|ofx|ofc|csv)$/.test(cells[1] ?? "") && cells[8]) queries.set(cells[1]!, cells[8]!);
  }

/** The currency the file keeps its account in, as it says it (else EUR). */
function currencyOf(bytes: Buffer): string {
  const head = bytes.toString("latin1");
  return /<Ccy>([A-Z]{3})</.exec(head)?.[1] ?? /Ccy="([A-Z]{3})"/.exec(head)?.[1] ?? /<CURDEF>\s*([A-Z]{3})/.exec(head)?.[1] ?? "EUR";
}

const dynamo = await startDynamoDbLocal({});
const identity = await createIdentity();
const server = createGateway({ identity });
const port = await listen(server, 0);
const token = await identity.token("tresorier");
Object.assign(process.env, { DYNAMODB_ENDPOINT: dynamo.endpoint, STAGE: "dev-conformance" });

const files = readdirSync(folder)
  .filter((f) => /\.(xml|ofx|ofc|csv)$/i.test(f))
  .sort();
let n = 0;
for (const file of files) {
  const bytes = readFileSync(join(folder, file));
  const currency = currencyOf(bytes);
  const table = `conf-${++n}`;
  await ensureTable(dynamo.endpoint, table);
  process.env.TABLE_NAME = table;
  process.env.BANK_ACCOUNTS = JSON.stringify([
    { iban: "FR7642559100000801234567812", account: "512", label: "Compte courant", currency },
    { iban: "FR7642559100000808765432181", account: "5121", label: "Livret", currency, numbers: ["001234"] },
  ]);
  const q = queries.get(file);
  const res = await fetch(`http://127.0.0.1:${port}/v1/bank/statements${q ? `?${q}` : ""}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
    body: bytes,
  });
  const body = (await res.json()) as {
    imported?: number;
    statements?: { account: string; lines: number; balanceChecked: boolean }[];
    skipped?: { account: string; reason: string }[];
    detail?: string;
    errors?: { path: string; message: string }[];
  };
  const what =
    res.status === 200
      ? `imported ${body.imported} line(s) in ${body.statements!.map((s) => `${s.account}${s.balanceChecked ? " (balances checked)" : ""}`).join(", ")}${body.skipped?.length ? `; skipped ${body.skipped.map((s) => `${s.account} (${s.reason})`).join(", ")}` : ""}`
      : `${body.detail}${body.errors?.length ? ` [${body.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}]` : ""}`;
  console.log(`${file}\t${res.status}\t${currency}\t${what}`);
}
server.close();
await dynamo.stop?.();
process.exit(0);
