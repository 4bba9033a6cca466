/**
 * One entry point for every statement format: finds the format from the bytes (or the caller's
 * `format`), decodes the text in the file's encoding, and hands it to its parser.
 */
import { parseCamt } from "./camt.js";
import { parseCsv, type CsvOptions } from "./csv.js";
import type { ParsedFile, StatementFormat } from "./model.js";
import { ofxCharset, parseOfx } from "./ofx.js";
import { decode } from "./decode.js";
import { unreadable } from "./errors.js";

export interface ParseOptions extends CsvOptions {
  format?: StatementFormat;
  /** Overrides the encoding the file declares or the one guessed. */
  encoding?: string;
}

/** What the bytes look like: an XML document with a CAMT namespace, an OFX header, else CSV. */
export function sniffFormat(bytes: Buffer): StatementFormat {
  const head = bytes.subarray(0, 4096).toString("latin1");
  if (/OFXHEADER|<OFX>|<\?OFX/i.test(head)) return "ofx";
  if (/^\s*(\uFEFF|ï»¿)?\s*<(\?xml|Document)/i.test(head) || /camt\.053/.test(head)) return "camt053";
  return "csv";
}

export function parseStatementFile(bytes: Buffer, opts: ParseOptions = {}): ParsedFile {
  if (!bytes.length) throw unreadable("le fichier est vide");
  if (bytes.includes(0)) throw unreadable("un fichier binaire, pas un relevé (CAMT.053, OFX ou CSV)");
  const format = opts.format ?? sniffFormat(bytes);
  const head = bytes.subarray(0, 1024).toString("latin1");
  switch (format) {
    case "camt053":
      return parseCamt(decode(bytes, /<\?xml[^>]*encoding=["']([^"']+)["']/i.exec(head)?.[1], opts.encoding));
    case "ofx":
      return parseOfx(decode(bytes, ofxCharset(head), opts.encoding));
    case "csv":
      return parseCsv(decode(bytes, undefined, opts.encoding), opts);
  }
}
