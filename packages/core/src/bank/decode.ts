/** Bank files' bytes to text: UTF-8 (with or without BOM), Windows-1252 or ISO-8859-15. */
import iconv from "iconv-lite";

export type Encoding = "utf-8" | "windows-1252" | "iso-8859-15";

/** True when the bytes are well-formed UTF-8. */
export function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decodes a file. A BOM means UTF-8; the caller's `override` (`?encoding=`) is obeyed; otherwise
 * bytes that are valid UTF-8 are read as UTF-8 whatever the file declares (a header saying
 * Windows-1252 over UTF-8 bytes would turn `N°` into `NÂ°`), and only bytes that are not valid
 * UTF-8 are read in the declared encoding, Windows-1252 by default (what French banks export).
 */
export function decode(bytes: Buffer, declared?: string, override?: string): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString("utf8");
  const forced = normaliseEncoding(override);
  if (forced) return forced === "utf-8" ? bytes.toString("utf8") : iconv.decode(bytes, forced);
  if (isUtf8(bytes)) return bytes.toString("utf8");
  const named = normaliseEncoding(declared);
  return iconv.decode(bytes, named && named !== "utf-8" ? named : "windows-1252");
}

export function normaliseEncoding(name: string | undefined): Encoding | undefined {
  if (!name) return undefined;
  const n = name.trim().toLowerCase().replace(/_/g, "-");
  if (n === "utf-8" || n === "utf8") return "utf-8";
  if (["windows-1252", "cp1252", "1252", "win-1252", "iso-8859-1", "latin1", "latin-1", "usascii", "us-ascii"].includes(n)) return "windows-1252";
  if (["iso-8859-15", "latin-9", "latin9"].includes(n)) return "iso-8859-15";
  return undefined;
}
