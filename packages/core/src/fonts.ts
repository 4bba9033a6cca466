/**
 * The fonts every PDF embeds (DejaVu Sans, regular and bold): the receipts, the état de
 * rapprochement, the annual report. Loaded by the renderers only, so a route that renders no PDF
 * never reads them.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const fonts = new Map<string, Uint8Array>();

/** The font next to the bundle in Lambda (copied by the bundler), else from the npm package. */
export function loadFont(file: "DejaVuSans.ttf" | "DejaVuSans-Bold.ttf"): Uint8Array {
  const cached = fonts.get(file);
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const local = join(here, file);
  const path = existsSync(local) ? local : createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`);
  const bytes = new Uint8Array(readFileSync(path));
  fonts.set(file, bytes);
  return bytes;
}
