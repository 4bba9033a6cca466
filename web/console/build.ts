/**
 * The staff console's build: `src/main.ts` (preact + htm, chart.js) bundled by esbuild into one
 * `app.js`, beside `index.html` and `style.css`. No fingerprints: the stack serves the folder at
 * `/console/*` and writes `config.json` next to it; the local gateway serves the same bundle.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, buildSync, type BuildOptions } from "esbuild";

export const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIST = join(CONSOLE_DIR, "dist");
/** Copied as they are. */
const STATIC_FILES = ["index.html", "style.css"] as const;

const options = (outfile: string): BuildOptions => ({
  entryPoints: [join(CONSOLE_DIR, "src", "main.ts")],
  outfile,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome110", "firefox110", "safari16"],
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "silent",
  absWorkingDir: CONSOLE_DIR,
});

/** Writes `app.js`, `index.html` and `style.css` into `outDir` (default `web/console/dist`). */
export async function buildConsole(outDir: string = CONSOLE_DIST): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build(options(join(outDir, "app.js")));
  for (const f of STATIC_FILES) copyFileSync(join(CONSOLE_DIR, f), join(outDir, f));
}

/** The same files in memory, for the local gateway (built once per process, at the first request). */
export function consoleFilesSync(): Record<"app.js" | "index.html" | "style.css", Buffer> {
  const out = buildSync({ ...options(join(CONSOLE_DIST, "app.js")), write: false });
  const js = out.outputFiles?.[0];
  if (!js) throw new Error("console build: no output");
  return {
    "app.js": Buffer.from(js.contents),
    "index.html": readFileSync(join(CONSOLE_DIR, "index.html")),
    "style.css": readFileSync(join(CONSOLE_DIR, "style.css")),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildConsole(process.argv[2]);
  console.log(`console built in ${process.argv[2] ?? CONSOLE_DIST}`);
}
