/**
 * Zip archives (the YouTube Studio export, an XLSX workbook) read with limits: only the entries
 * asked for are inflated, the others skipped unread; the entries counted; the inflated total capped
 * (20 MB by default) while it inflates, so a zip bomb stops at the cap instead of filling memory.
 * fflate's streaming Unzip inflates chunk by chunk; a declared size is never trusted.
 */
import { Unzip, UnzipInflate, UnzipPassThrough } from "fflate";
import { PayloadTooLargeError, ValidationError } from "../errors.js";

export interface ZipLimits {
  /** Inflated bytes of all the entries read, together. */
  maxTotalBytes: number;
  /** Entries in the archive (read or not). */
  maxEntries: number;
}

export const ZIP_LIMITS: ZipLimits = { maxTotalBytes: 20 * 1024 * 1024, maxEntries: 1000 };

class Stop extends Error {}

/** The entries whose name `wanted` accepts, inflated; a 413 past the limits, a 400 for a broken archive. */
export function readZip(bytes: Buffer, wanted: (name: string) => boolean, limits: ZipLimits = ZIP_LIMITS): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let total = 0;
  let entries = 0;
  let failure: Error | undefined;
  const unzip = new Unzip((file) => {
    entries++;
    if (entries > limits.maxEntries) {
      failure = new PayloadTooLargeError(`L'archive contient plus de ${limits.maxEntries} fichiers : elle est refusée.`);
      throw new Stop();
    }
    if (!wanted(file.name) || out.has(file.name)) return;
    const chunks: Uint8Array[] = [];
    file.ondata = (err, chunk, final) => {
      if (failure) throw new Stop();
      if (err) {
        failure = new ValidationError([{ path: "(body)", message: `l'archive est abîmée (${file.name})` }], "L'archive zip ne peut pas être lue.");
        throw new Stop();
      }
      total += chunk.length;
      if (total > limits.maxTotalBytes) {
        failure = new PayloadTooLargeError(
          `Une fois décompressée, l'archive dépasse ${Math.round(limits.maxTotalBytes / 1024 / 1024)} Mo (${file.name}) : elle est refusée.`,
        );
        throw new Stop();
      }
      chunks.push(chunk);
      if (final) out.set(file.name, concat(chunks));
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  try {
    // Pushed in slices, so that the entries' limits apply while the archive is read.
    // Pushed in small slices (a 4 KB slice inflates to 4 MB at most), so that the cap applies as it inflates.
    const step = 4 * 1024;
    for (let i = 0; i < bytes.length; i += step) unzip.push(bytes.subarray(i, Math.min(bytes.length, i + step)), i + step >= bytes.length);
  } catch (err) {
    if (failure) throw failure;
    if (err instanceof Stop) throw new ValidationError([{ path: "(body)", message: "l'archive zip est abîmée" }], "L'archive zip ne peut pas être lue.");
    throw new ValidationError([{ path: "(body)", message: "l'archive zip est abîmée" }], "L'archive zip ne peut pas être lue.");
  }
  if (failure) throw failure;
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
