/**
 * One entry point for every statement format: finds the format from the bytes (or the caller's
 * `format`), decodes the text in the file's encoding, and hands it to its parser.
 */
import { ValidationError } from "../errors.js";
import { parseCamt } from "./camt.js";
import { parseCsv, type CsvOptions } from "./csv.js";
import type { ParsedFile, StatementFormat } from "./model.js";
import { ofxCharset, parseOfx } from "./ofx.js";
import { decode } from "./decode.js";

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
  if (!bytes.length) throw new ValidationError([{ path: "(body)", message: "the file is empty" }], "The statement file cannot be read.");
  if (bytes.includes(0))
    throw new ValidationError([{ path: "(body)", message: "a binary file, not a statement (CAMT.053, OFX or CSV)" }], "The statement file cannot be read.");
  const format = opts.format ?? sniffFormat(bytes);
  const head = bytes.subarray(0, 1024).toString("latin1");
  switch (format) {
    case "camt053":
      return parseCamt(decode(bytes, opts.encoding ?? /<\?xml[^>]*encoding=["']([^"']+)["']/i.exec(head)?.[1]));
    case "ofx":
      return parseOfx(decode(bytes, opts.encoding ?? ofxCharset(head)));
    case "csv":
      return parseCsv(decode(bytes, opts.encoding), opts);
  }
}
