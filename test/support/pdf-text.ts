/** The text of a PDF, as a reader would copy it out: poppler's `pdftotext` (Debian poppler-utils). */
import { spawnSync } from "node:child_process";

export async function pdfText(bytes: Uint8Array): Promise<string> {
  const r = spawnSync("pdftotext", ["-enc", "UTF-8", "-", "-"], { input: Buffer.from(bytes), encoding: "utf8" });
  if (r.error) throw new Error("pdftotext is needed by the tests: apt-get install -y poppler-utils");
  if (r.status !== 0) throw new Error(`pdftotext could not read the PDF: ${r.stderr.trim()}`);
  return r.stdout;
}
