/**
 * Bundles each handler group into a minified ESM entry (`index.mjs`) for Lambda (Node.js 22,
 * arm64), with what only some routes need (the PDF renderers, the file parsers, the Stripe client)
 * split into chunks loaded on first use: a route that renders no PDF does not load pdf-lib. Used by
 * `npm run synth`, the SST stack and the benchmark, so what is measured is what is deployed. The AWS
 * SDK v3 is left out: the Lambda Node.js runtime provides it.
 */
import { buildSync, type BuildResult } from "esbuild";
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { GROUPS, type Group } from "@asso/functions";

export const ROOT = resolve(import.meta.dirname, "..");
export const BUNDLE_DIR = join(ROOT, "dist", "functions");

export const handlerEntry = (group: Group) => join(ROOT, "packages", "functions", "src", "handlers", `${group}.ts`);

export interface Bundle {
  group: Group;
  dir: string;
  file: string;
  /** The entry file, loaded at cold start. */
  bytes: number;
  /** The entry and its chunks. */
  totalBytes: number;
}

/** Files read at run time beside the module that renders a PDF (import.meta.url): the receipt fonts. */
const FONTS = ["dejavu-fonts-ttf/ttf/DejaVuSans.ttf", "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"];

/**
 * Every group whose bundle (entry or chunk) can reach a PDF renderer ships the fonts: found in the
 * output itself, so a group that starts rendering (or importing a door that can) never ships without.
 */
function assetsOf(outputs: readonly string[]): string[] {
  return outputs.some((f) => f.endsWith(".mjs") && readFileSync(f, "utf8").includes(basename(FONTS[0]!))) ? FONTS : [];
}

export function bundleGroup(group: Group, outRoot = BUNDLE_DIR): Bundle {
  const dir = join(outRoot, group);
  const file = join(dir, "index.mjs");
  rmSync(dir, { recursive: true, force: true });
  const result: BuildResult = buildSync({
    entryPoints: [{ in: handlerEntry(group), out: "index" }],
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    splitting: true,
    // Beside the entry: the fonts are read next to the module that renders (import.meta.url).
    chunkNames: "[name]-[hash]",
    metafile: true,
    bundle: true,
    minify: true,
    platform: "node",
    target: "node22",
    format: "esm",
    sourcemap: false,
    legalComments: "none",
    external: ["@aws-sdk/*", "@smithy/*"],
    // Some dependencies are CommonJS and call require(); give the ESM bundle one.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: "error",
  });
  if (result.errors.length) throw new Error(`bundling ${group} failed`);
  const require = createRequire(import.meta.url);
  for (const asset of assetsOf(Object.keys(result.metafile?.outputs ?? {}))) copyFileSync(require.resolve(asset), join(dir, basename(asset)));
  const totalBytes = Object.values(result.metafile?.outputs ?? {}).reduce((n, o) => n + o.bytes, 0);
  return { group, dir, file, bytes: statSync(file).size, totalBytes };
}

export function bundleAll(outRoot = BUNDLE_DIR): Bundle[] {
  return GROUPS.map((g) => bundleGroup(g, outRoot));
}

/** The staff console's build script (web/console/build.ts, `buildConsole(outDir)`). */
export const CONSOLE_BUILD = join(ROOT, "web", "console", "build.ts");
/** Where the stack's copy of the console is built: `<dir>/console/…`, uploaded at the site bucket's root. */
export const CONSOLE_SITE_DIR = join(ROOT, "dist", "console-site");

/**
 * Builds the staff console into `<outRoot>/console/` for the stack and returns `outRoot`; undefined
 * when the console has no build script (the stack then serves no console files). The script is
 * imported only here, so synthesizing does not load the console's dependencies otherwise.
 */
export async function buildConsoleForStack(outRoot = CONSOLE_SITE_DIR, script = CONSOLE_BUILD): Promise<string | undefined> {
  if (!existsSync(script)) return undefined;
  const { buildConsole } = (await import(pathToFileURL(script).href)) as { buildConsole: (outDir: string) => Promise<void> };
  rmSync(outRoot, { recursive: true, force: true });
  await buildConsole(join(outRoot, "console"));
  return outRoot;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const b of bundleAll()) console.log(`${b.group.padEnd(10)} ${(b.bytes / 1024).toFixed(1)} KB  ${b.file}`);
  const consoleDir = await buildConsoleForStack();
  console.log(consoleDir ? `console    ${consoleDir}/console` : "console    no build script (web/console/build.ts): not built");
}
