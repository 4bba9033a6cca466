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
 * Decodes a file: a BOM or valid UTF-8 means UTF-8; otherwise the named encoding (from the file's
 * own declaration or the caller), Windows-1252 by default (what French banks export).
 */
export function decode(bytes: Buffer, declared?: string): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString("utf8");
  const named = normaliseEncoding(declared);
  if (named === "utf-8" || (!named && isUtf8(bytes))) return bytes.toString("utf8");
  return iconv.decode(bytes, named ?? "windows-1252");
}

export function normaliseEncoding(name: string | undefined): Encoding | undefined {
  if (!name) return undefined;
  const n = name.trim().toLowerCase().replace(/_/g, "-");
  if (n === "utf-8" || n === "utf8") return "utf-8";
  if (["windows-1252", "cp1252", "1252", "win-1252", "iso-8859-1", "latin1", "latin-1", "usascii", "us-ascii"].includes(n)) return "windows-1252";
  if (["iso-8859-15", "latin-9", "latin9"].includes(n)) return "iso-8859-15";
  return undefined;
}
