/**
 * `npm run test:unit:nojava`: runs the `unit` vitest project with Java off the PATH, to prove the
 * domain rules need no DynamoDB Local. The PATH is one temporary folder holding only `node` and the
 * tools the unit tests call (`pdftotext`); the script first checks `java` cannot be started there.
 * Extra arguments go to vitest (e.g. a file to run).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const TOOLS = ["pdftotext"];

const bin = mkdtempSync(join(tmpdir(), "no-java-"));
try {
  symlinkSync(process.execPath, join(bin, "node"));
  for (const tool of TOOLS) {
    const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
    if (found) symlinkSync(found, join(bin, tool));
  }
  const env = { ...process.env, PATH: bin, JAVA_HOME: "" };
  const java = spawnSync("java", ["-version"], { env });
  if (!java.error) throw new Error("java is still reachable on the stripped PATH");
  console.log(`PATH=${bin} (node${TOOLS.map((t) => `, ${t}`).join("")}); java: not found`);
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--project", "unit", ...process.argv.slice(2)], {
    cwd: ROOT,
    env,
    stdio: "inherit",
  });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(bin, { recursive: true, force: true });
}
