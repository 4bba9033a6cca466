/**
 * The local stack's DynamoDB Local: every file it runs is checked against the committed manifest
 * (a changed, missing or added file is refused), it listens on 127.0.0.1 only, and it writes no
 * telemetry file into the repository.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import {
  compiledLauncher,
  DEFAULT_CACHE,
  dynamoCommand,
  ensureEmulator,
  manifestOf,
  MANIFEST,
  readManifest,
  ROOT,
  SIMULATOR_VERSION,
  verifyEmulator,
} from "../infra/dynamodb-local.js";

/** A small emulator-like folder and its manifest. */
function fakeEmulator() {
  const dir = mkdtempSync(join(tmpdir(), "fake-emulator-"));
  mkdirSync(join(dir, "DynamoDBLocal_lib"));
  writeFileSync(join(dir, "DynamoDBLocal.jar"), "main jar");
  writeFileSync(join(dir, "DynamoDBLocal_lib", "jetty-server.jar"), "a library");
  writeFileSync(join(dir, "DynamoDBLocal_lib", "libsqlite4java-linux-amd64.so"), "native code");
  return { dir, manifest: manifestOf(dir) };
}

describe("the DynamoDB Local download is checked file by file (bug: only the main jar was)", () => {
  it("the committed manifest names the jar, every library and native file of the emulator folder", () => {
    const manifest = readManifest(readFileSync(MANIFEST, "utf8"));
    expect(manifest.has("DynamoDBLocal.jar")).toBe(true);
    expect([...manifest.keys()].filter((f) => f.startsWith("DynamoDBLocal_lib/")).length).toBeGreaterThan(100);
    expect([...manifest.keys()].some((f) => f.endsWith(".so"))).toBe(true);
    // The folder the tests run matches it exactly.
    expect(() => verifyEmulator(ensureEmulator())).not.toThrow();
  });

  it("refuses a tampered library, a missing file, and a file added to the class path folder", () => {
    const { dir, manifest } = fakeEmulator();
    expect(() => verifyEmulator(dir, manifest)).not.toThrow();
    appendFileSync(join(dir, "DynamoDBLocal_lib", "jetty-server.jar"), "!");
    expect(() => verifyEmulator(dir, manifest)).toThrow(/DynamoDBLocal_lib\/jetty-server\.jar has sha256 [0-9a-f]{64}, expected/);
    const fresh = fakeEmulator();
    writeFileSync(join(fresh.dir, "DynamoDBLocal_lib", "evil.jar"), "injected");
    expect(() => verifyEmulator(fresh.dir, fresh.manifest)).toThrow(/DynamoDBLocal_lib\/evil\.jar is not in the manifest/);
    const third = fakeEmulator();
    rmSync(join(third.dir, "DynamoDBLocal_lib", "libsqlite4java-linux-amd64.so"));
    expect(() => verifyEmulator(third.dir, third.manifest)).toThrow(/libsqlite4java-linux-amd64\.so is missing/);
  });

  it("a cached emulator changed after it was fetched is refused before it runs, not only on first fetch", () => {
    const cache = mkdtempSync(join(tmpdir(), "ddb-cache-"));
    try {
      const copy = join(cache, SIMULATOR_VERSION, "emulator");
      cpSync(join(DEFAULT_CACHE, SIMULATOR_VERSION, "emulator"), copy, { recursive: true });
      expect(ensureEmulator(cache)).toBe(copy);
      appendFileSync(join(copy, "DynamoDBLocal_lib", "jetty-server-9.4.53.v20231009.jar"), "tampered");
      expect(() => ensureEmulator(cache)).toThrow(/jetty-server-9\.4\.53\.v20231009\.jar has sha256/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe("DynamoDB Local runs closed to the network", () => {
  it("listens on 127.0.0.1 only (bug: every interface)", () => {
    const port = Number(new URL(inject("dynamoEndpoint")).port);
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    const listening: string[] = [];
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      if (!existsSync(table)) continue;
      for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
        const [, local, , state] = line.trim().split(/\s+/);
        if (state === "0A" && local?.endsWith(`:${hexPort}`)) listening.push(local.split(":")[0]!);
      }
    }
    expect(listening.length).toBeGreaterThan(0);
    // IPv4 127.0.0.1, or the same as an IPv4-mapped IPv6 address; never 0.0.0.0 or ::.
    for (const address of listening) expect(["0100007F", "0000000000000000FFFF00000100007F"]).toContain(address);
  });

  it("runs with telemetry off, CORS closed, from a working folder outside the repository and the checked folder", () => {
    const emulator = join(DEFAULT_CACHE, SIMULATOR_VERSION, "emulator");
    const cmd = dynamoCommand(emulator, 8000, { workDir: join(DEFAULT_CACHE, "work") });
    expect(cmd.args).toContain("-disableTelemetry");
    expect(cmd.args[cmd.args.indexOf("-cors") + 1]).toBe("http://127.0.0.1");
    expect(cmd.args.some((a) => a.endsWith("DynamoDBLocalLoopback.java"))).toBe(true);
    expect(cmd.args).not.toContain("-jar");
    expect(cmd.cwd.startsWith(emulator)).toBe(false);
    expect(cmd.cwd).not.toBe(ROOT);
  });

  it("compiles the loopback launcher once into the cache and runs the class, not the source, at later starts", () => {
    const emulator = join(DEFAULT_CACHE, SIMULATOR_VERSION, "emulator");
    const classDir = compiledLauncher(emulator);
    expect(classDir, "javac is part of the JDK these machines have").toBeDefined();
    expect(compiledLauncher(emulator)).toBe(classDir);
    const cmd = dynamoCommand(emulator, 8000, { workDir: join(DEFAULT_CACHE, "work"), launcherClassDir: classDir! });
    expect(cmd.args).toContain("DynamoDBLocalLoopback");
    expect(cmd.args.some((a) => a.endsWith(".java"))).toBe(false);
    expect(cmd.args[cmd.args.indexOf("-cp") + 1]!.endsWith(`:${classDir}`)).toBe(true);
  });
});
