/**
 * Cleaning free text that people type (names, addresses, labels) before it is printed on a legal
 * document or written to a file: a tax receipt, the FEC. What comes out is one line of visible
 * text, of bounded length.
 */

/**
 * Characters removed outright: C0 and C1 controls and DEL (tab, CR, LF, NEL…), the line and
 * paragraph separators U+2028/U+2029, the bidirectional overrides and isolates (they reorder what
 * a reader sees: U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C), zero-width characters and
 * the byte-order mark, and lone surrogates (not text).
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\u2060\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * One line of visible text from anything a person typed: Unicode NFC; every run of white space,
 * control character or line/paragraph separator becomes one space (so words on two lines stay
 * two words), other invisible characters are removed; trimmed; at most `maxLength` characters
 * (code points: a character outside the BMP is never cut in half), trimmed again after the cut.
 *
 * ```ts
 * cleanText("Camille\u2028***1 000 €***", 100) // "Camille ***1 000 €***"
 * cleanText("  Léo\tBernard  ", 5)            // "Léo B"
 * ```
 */
export function cleanText(value: string | null | undefined, maxLength: number): string {
  if (value === null || value === undefined) return "";
  if (!Number.isInteger(maxLength) || maxLength < 0) throw new RangeError(`maxLength must be a whole number ≥ 0, not ${maxLength}`);
  const oneLine = String(value)
    .normalize("NFC")
    // Separators and line-breaking controls become spaces first (two lines stay two words).
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0009-\u000d\u0085\u2028\u2029]/g, " ")
    .replace(INVISIBLE, "")
    .replace(/\s+/gu, " ")
    .trim();
  const chars = Array.from(oneLine);
  return chars.length <= maxLength ? oneLine : chars.slice(0, maxLength).join("").trimEnd();
}
