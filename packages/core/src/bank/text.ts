/**
 * Bytes to text and bank notations to numbers: files come in UTF-8 (with or without BOM),
 * Windows-1252 or ISO-8859-15; amounts with a decimal comma or point and spaces between thousands;
 * dates as `DD/MM/YYYY`, `YYYY-MM-DD` or `YYYYMMDD`.
 */
import iconv from "iconv-lite";
import { isCalendarDate } from "../dates.js";

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

/**
 * A decimal amount as banks write it → integer cents, or undefined when it is not one.
 * `1 234,56`, `-1234.56`, `+12,5`, `1.234,56`, `12,50 €`, `(12,50)`.
 */
export function parseAmount(raw: string | number | undefined | null): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  let s = String(raw).trim().replace(/[\s\u00a0\u202f]/g, "").replace(/(EUR|€)$/i, "");
  if (!s) return undefined;
  let sign = 1;
  if (/^\(.*\)$/.test(s)) {
    sign = -1;
    s = s.slice(1, -1);
  }
  if (s.startsWith("-")) {
    sign = -sign;
    s = s.slice(1);
  } else if (s.startsWith("+")) s = s.slice(1);
  // The last separator is the decimal one when followed by 1 or 2 digits; others group thousands.
  const m = /^(\d{1,3}(?:[.,']\d{3})*|\d+)(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  const whole = m[1]!.replace(/[.,']/g, "");
  const cents = (m[2] ?? "").padEnd(2, "0");
  const value = Number(whole) * 100 + Number(cents || "0");
  if (!Number.isSafeInteger(value)) return undefined;
  return sign * value;
}

/** `05/11/2024`, `05-11-2024`, `05.11.24`, `2024-11-05`, `20241105`, `2024-11-05T10:00:00` → `2024-11-05`. */
export function parseDate(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  const s = String(raw).trim();
  let y: string | undefined, mo: string | undefined, d: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(s))) [, y, mo, d] = m;
  else if ((m = /^(\d{4})(\d{2})(\d{2})(?:$|\d|\[|\.)/.exec(s))) [, y, mo, d] = m;
  else if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(s))) {
    [, d, mo, y] = m;
    if (y!.length === 2) y = `20${y}`;
  }
  if (!y || !mo || !d) return undefined;
  const date = `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`;
  return isCalendarDate(date) ? date : undefined;
}

/** Whitespace collapsed, trimmed: how a label is stored and compared. */
export const cleanLabel = (s: string | undefined | null) => String(s ?? "").replace(/\s+/g, " ").trim();

/** `FR76 3000 4000 …` → `FR7630004000…`. */
export const compactIban = (s: string) => s.replace(/\s+/g, "").toUpperCase();

/** 123456 → "1 234,56 €" (narrow no-break space between thousands), negative with a minus sign. */
export function formatEuros(cents: number): string {
  const sign = cents < 0 ? "−" : "";
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  return `${sign}${whole},${String(abs % 100).padStart(2, "0")} €`;
}
