/**
 * DynamoDB Local, the official emulator, as the embedded database for dev and tests. It ships in
 * the npm package `amplify-dynamodb-simulator` (folder `emulator/`); we fetch that package with
 * `npm pack` into a cache folder (never installing its dependency tree), check EVERY file of the
 * folder against a committed manifest of sha256 sums (infra/dynamodb-local/manifest.sha256: the
 * jar, each library of DynamoDBLocal_lib/, the native sqlite libraries; a file missing, changed or
 * added is refused) before each start, and run it with Java, listening on 127.0.0.1 only, telemetry
 * off, from a working folder outside the checked one.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { createTableInput, tableDefinition } from "@asso/core";

// Local tooling runs on Node 20; the Lambdas run Node 22. Keep the SDK's upgrade notice out of dev logs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export const SIMULATOR_PACKAGE = "amplify-dynamodb-simulator";
export const SIMULATOR_VERSION = "2.9.30";

export const ROOT = resolve(import.meta.dirname, "..");
export const DEFAULT_CACHE = join(ROOT, ".cache", "dynamodb-local");
/** `<sha256>  <path>` for every file of the emulator folder (DynamoDB Local 1.25.1). */
export const MANIFEST = join(import.meta.dirname, "dynamodb-local", "manifest.sha256");
/** Starts DynamoDB Local bound to 127.0.0.1 (it has no option for the address). */
export const LOOPBACK_LAUNCHER = join(import.meta.dirname, "dynamodb-local", "DynamoDBLocalLoopback.java");

const INSTALL_JAVA = "apt-get install -y openjdk-17-jdk-headless";

export class JavaMissingError extends Error {
  constructor(what = "`java` was not found") {
    super(
      `DynamoDB Local needs Java 17 or newer with its compiler module (a JDK), and ${what}: install it (Debian: \`${INSTALL_JAVA}\`) and run the command again.`,
    );
    this.name = "JavaMissingError";
  }
}

/**
 * Throws JavaMissingError when no usable `java` is on the PATH: version 17 or newer, with the
 * `jdk.compiler` module, which runs the loopback launcher from its source.
 */
export function checkJava(): void {
  const r = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new JavaMissingError();
  const m = /version "(\d+)/.exec(`${r.stderr}${r.stdout}`);
  if (m && Number(m[1]) < 17) throw new JavaMissingError(`the one found is Java ${m[1]}`);
  const modules = spawnSync("java", ["--list-modules"], { encoding: "utf8" });
  if (modules.status !== 0 || !/^jdk\.compiler@/m.test(modules.stdout)) throw new JavaMissingError("the one found is a JRE without the jdk.compiler module");
}

const sha256File = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** The marker earlier versions wrote beside the files (never run); ignored. */
const LEGACY_MARKER = ".verified";

/** Every regular file under `dir`, as paths relative to it with `/` separators, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (d === dir && name === LEGACY_MARKER) continue;
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

/** The manifest of a folder: one `<sha256>  <path>` line per file (to pin a new emulator version). */
export function manifestOf(dir: string): string {
  return filesUnder(dir)
    .map((f) => `${sha256File(join(dir, f))}  ${f}\n`)
    .join("");
}

export function readManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!m) throw new Error(`DynamoDB Local manifest: bad line ${JSON.stringify(line)}`);
    out.set(m[2]!, m[1]!);
  }
  return out;
}

/**
 * Verifies an emulator folder file by file against the manifest; throws naming every file that is
 * missing, changed, or not in the manifest (a library dropped in DynamoDBLocal_lib/ would be on
 * the class path).
 */
export function verifyEmulator(emulatorDir: string, manifestText = readFileSync(MANIFEST, "utf8")): void {
  const expected = readManifest(manifestText);
  const problems: string[] = [];
  const present = new Set(filesUnder(emulatorDir));
  for (const [file, sum] of expected) {
    if (!present.has(file)) problems.push(`${file} is missing`);
    else {
      const actual = sha256File(join(emulatorDir, file));
      if (actual !== sum) problems.push(`${file} has sha256 ${actual}, expected ${sum}`);
    }
  }
  for (const file of present) if (!expected.has(file)) problems.push(`${file} is not in the manifest`);
  if (problems.length) throw new Error(`DynamoDB Local in ${emulatorDir} does not match its manifest (${MANIFEST}): ${problems.join("; ")}`);
}

/**
 * Returns the folder holding DynamoDBLocal.jar, fetching it on first use, and verifies every file
 * on every call (a cached copy changed since is refused, not run). The fetch goes through
 * `npm pack`, so it uses the npm registry and npm's own integrity check.
 */
export function ensureEmulator(cacheDir = DEFAULT_CACHE): string {
  const target = join(cacheDir, SIMULATOR_VERSION, "emulator");
  if (existsSync(target)) {
    try {
      verifyEmulator(target);
    } catch (err) {
      throw new Error(`${(err as Error).message}. Delete ${join(cacheDir, SIMULATOR_VERSION)} to fetch it again.`);
    }
    return target;
  }
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
    rmSync(join(cacheDir, SIMULATOR_VERSION), { recursive: true, force: true });
    mkdirSync(join(cacheDir, SIMULATOR_VERSION), { recursive: true });
    renameSync(unpacked, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The loopback launcher compiled once into the cache (keyed by its source's sha256), so later
 * starts skip Java's source-file mode (several seconds a start). Undefined when `javac` is not
 * there: the launcher then runs from its source, as Java 17 allows.
 */
export function compiledLauncher(emulatorDir: string, cacheDir = DEFAULT_CACHE): string | undefined {
  const source = readFileSync(LOOPBACK_LAUNCHER);
  const classDir = join(cacheDir, "launcher", createHash("sha256").update(source).digest("hex").slice(0, 16));
  if (existsSync(join(classDir, "DynamoDBLocalLoopback.class"))) return classDir;
  const tmp = `${classDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const r = spawnSync("javac", ["-nowarn", "-d", tmp, "-cp", classPath(emulatorDir), LOOPBACK_LAUNCHER], { encoding: "utf8" });
  if (r.error || r.status !== 0 || !existsSync(join(tmp, "DynamoDBLocalLoopback.class"))) {
    rmSync(tmp, { recursive: true, force: true });
    return undefined;
  }
  rmSync(classDir, { recursive: true, force: true });
  renameSync(tmp, classDir);
  return classDir;
}

const classPath = (emulatorDir: string) => `${join(emulatorDir, "DynamoDBLocal.jar")}:${join(emulatorDir, "DynamoDBLocal_lib", "*")}`;

/**
 * The command that runs DynamoDB Local: the loopback launcher (Java source-file mode) with the
 * emulator's jars on the class path, telemetry off, CORS closed to other sites, and a working
 * folder outside the verified one (DynamoDB Local writes its telemetry id file there).
 */
export function dynamoCommand(emulatorDir: string, port: number, opts: { dbPath?: string; workDir: string; launcherClassDir?: string }) {
  const storage = opts.dbPath ? ["-dbPath", opts.dbPath] : ["-inMemory"];
  const launcher = opts.launcherClassDir
    ? ["-cp", `${classPath(emulatorDir)}:${opts.launcherClassDir}`, "DynamoDBLocalLoopback"]
    : ["-cp", classPath(emulatorDir), LOOPBACK_LAUNCHER];
  return {
    command: "java",
    args: [
      "-Xmx1g",
      `-Djava.library.path=${join(emulatorDir, "DynamoDBLocal_lib")}`,
      ...launcher,
      "-port",
      String(port),
      "-sharedDb",
      "-disableTelemetry",
      "-cors",
      "http://127.0.0.1",
      ...storage,
    ],
    cwd: opts.workDir,
  };
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
  if (opts.dbPath) mkdirSync(opts.dbPath, { recursive: true });
  const workDir = join(opts.cacheDir ?? DEFAULT_CACHE, "work");
  mkdirSync(workDir, { recursive: true });
  const launcherClassDir = compiledLauncher(dir, opts.cacheDir);
  const cmd = dynamoCommand(dir, port, { dbPath: opts.dbPath, workDir, ...(launcherClassDir ? { launcherClassDir } : {}) });
  const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, stdio: ["ignore", "pipe", "pipe"] });
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
      if (d.Table?.TableStatus === "ACTIVE") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Like the stack: items expire by their `ttl` attribute (epoch seconds).
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true } }),
    );
  } finally {
    client.destroy();
  }
}
