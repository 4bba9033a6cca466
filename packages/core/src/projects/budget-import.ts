/**
 * A budget read from a spreadsheet (CSV, or XLSX read with `read-excel-file`): one line per row, a
 * header row naming the columns « compte », « montant » and, if wanted, « projet » (any order, any
 * case, accents or not; « libellé » and other columns are ignored). Amounts in euros as a
 * spreadsheet writes them: 1 234,56 · 1234.56 · 1 235 € · a number cell. Nothing is written: the
 * lines go back to the console's grid, to be checked and saved with `PUT /v1/budgets/{year}`.
 *
 * Limits, as for the other imports: a workbook's archive has only its sheet parts inflated, 20 MB
 * at most in all, chunk by chunk (a zip bomb stops at the cap); at most 5 000 rows; XML declaring a
 * DOCTYPE or entities is refused; an old binary XLS is refused, asking for XLSX or CSV.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { strFromU8, Unzip, UnzipInflate, UnzipPassThrough, zipSync } from "fflate";
import { PayloadTooLargeError, ValidationError, type FieldError } from "../errors.js";

export const MAX_BUDGET_ROWS = 5_000;
const MAX_INFLATED = 20 * 1024 * 1024;
const MAX_ENTRIES = 1_000;

type Cell = string | number | boolean | Date | null | undefined;

export interface ImportedBudget {
  lines: Array<{ account: string; project?: string; amount: number }>;
  /** Rows that could not be read, each named (`ligne 4`), with why. */
  errors: FieldError[];
  /** Rows left out: empty, or a total (no account). */
  skipped: number;
}

const bad = (message: string) => new ValidationError([{ path: "(body)", message }], message);
const isZip = (b: Buffer) => b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Buffer) => b.length > 8 && b.readUInt32BE(0) === 0xd0cf11e0 && b.readUInt32BE(4) === 0xa1b11ae1;
const norm = (s: unknown) =>
  String(s ?? "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\u00a0\u202f\s]+/g, " ")
    .trim()
    .toLowerCase();

const XLSX_PART =
  /^(\[Content_Types\]\.xml|_rels\/\.rels|xl\/workbook\.xml|xl\/_rels\/workbook\.xml\.rels|xl\/sharedStrings\.xml|xl\/styles\.xml|xl\/worksheets\/sheet\d{1,3}\.xml)$/;

class Stop extends Error {}

/** The workbook's parts, inflated chunk by chunk under the cap; anything else skipped unread. */
function workbookParts(bytes: Buffer): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let total = 0;
  let entries = 0;
  let failure: Error | undefined;
  const unzip = new Unzip((file) => {
    if (++entries > MAX_ENTRIES) {
      failure = new PayloadTooLargeError(`Le classeur contient plus de ${MAX_ENTRIES} fichiers : il est refusé.`);
      throw new Stop();
    }
    if (!XLSX_PART.test(file.name) || out.has(file.name)) return;
    const chunks: Uint8Array[] = [];
    file.ondata = (err, chunk, final) => {
      if (failure) throw new Stop();
      if (err) {
        failure = bad(`le classeur est abîmé (${file.name})`);
        throw new Stop();
      }
      total += chunk.length;
      if (total > MAX_INFLATED) {
        failure = new PayloadTooLargeError(`Une fois décompressé, le classeur dépasse ${MAX_INFLATED / 1024 / 1024} Mo : il est refusé.`);
        throw new Stop();
      }
      chunks.push(chunk);
      if (final) {
        const all = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
        let at = 0;
        for (const c of chunks) {
          all.set(c, at);
          at += c.length;
        }
        out.set(file.name, all);
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  try {
    const step = 4 * 1024;
    for (let i = 0; i < bytes.length; i += step) unzip.push(bytes.subarray(i, Math.min(bytes.length, i + step)), i + step >= bytes.length);
  } catch {
    throw failure ?? bad("le classeur XLSX ne peut pas être lu");
  }
  if (failure) throw failure;
  for (const [name, data] of out) {
    const xml = strFromU8(data);
    if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw bad(`${name} : le classeur déclare un DOCTYPE ou des entités XML, refusés`);
    if (name.startsWith("xl/worksheets/") && (xml.match(/<(?:\w+:)?row\b/g)?.length ?? 0) > MAX_BUDGET_ROWS + 50)
      throw new PayloadTooLargeError(`La feuille dépasse ${MAX_BUDGET_ROWS} lignes : le fichier est refusé.`);
  }
  return out;
}

async function firstSheet(bytes: Buffer): Promise<Cell[][]> {
  const parts = workbookParts(bytes);
  const rebuilt = zipSync(Object.fromEntries(parts));
  const { default: readXlsxFile } = await import("read-excel-file/universal");
  try {
    const sheets = await readXlsxFile(rebuilt.buffer.slice(rebuilt.byteOffset, rebuilt.byteOffset + rebuilt.byteLength) as ArrayBuffer);
    return (sheets[0]?.data ?? []) as unknown as Cell[][];
  } catch {
    throw bad("le classeur XLSX ne peut pas être lu");
  }
}

function csvRows(bytes: Buffer): Cell[][] {
  const text = (bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString("utf16le") : bytes.toString("utf8")).replace(/^\ufeff/, "");
  if (text.includes("\u0000")) throw bad("le fichier n'est ni un classeur XLSX ni un CSV");
  const first = text.split(/\r?\n/).slice(0, 5).join("\n");
  const delimiter = [";", ",", "\t"].map((d) => [d, first.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  try {
    return parseCsv(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch {
    throw bad("le CSV ne peut pas être lu");
  }
}

/** Euros as a spreadsheet writes them → cents; undefined when it is not an amount. */
export function centsOf(v: Cell): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? Math.round(v * 100) : undefined;
  let s = String(v ?? "")
    .replace(/[\u00a0\u202f\s]/g, "")
    .replace(/(€|eur|euros?)$/i, "");
  if (!s) return undefined;
  if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(s)) s = s.replace(/\./g, "");
  s = s.replace(",", ".");
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0") || 0);
}

const HEADERS = {
  account: ["compte", "n° de compte", "numero de compte", "account"],
  project: ["projet", "code projet", "project"],
  amount: ["montant", "budget", "prevision", "amount", "montant prevu"],
};

/** Reads the file's budget lines; throws a ValidationError when it has no header row it can read. */
export async function readBudgetFile(bytes: Buffer): Promise<ImportedBudget> {
  if (!bytes.length) throw bad("le corps est vide : envoyez le fichier (CSV ou XLSX) tel quel");
  if (isOle(bytes)) throw bad("un classeur Excel 97-2003 (XLS) n'est pas lu : enregistrez-le en XLSX ou en CSV, puis envoyez ce fichier");
  const rows = isZip(bytes) ? await firstSheet(bytes) : csvRows(bytes);
  if (rows.length > MAX_BUDGET_ROWS + 50) throw new PayloadTooLargeError(`Le fichier dépasse ${MAX_BUDGET_ROWS} lignes : il est refusé.`);
  const find = (row: Cell[], names: string[]) => row.findIndex((c) => names.includes(norm(c)));
  const head = rows.slice(0, 20).findIndex((r) => find(r, HEADERS.account) >= 0 && find(r, HEADERS.amount) >= 0);
  if (head < 0) throw bad("aucune ligne d'en-tête avec les colonnes « compte » et « montant » dans les 20 premières lignes");
  const col = { account: find(rows[head]!, HEADERS.account), project: find(rows[head]!, HEADERS.project), amount: find(rows[head]!, HEADERS.amount) };
  const out: ImportedBudget = { lines: [], errors: [], skipped: 0 };
  rows.slice(head + 1).forEach((row, i) => {
    const where = `ligne ${head + i + 2}`;
    const rawAccount = row[col.account];
    const account = typeof rawAccount === "number" ? String(rawAccount) : norm(rawAccount).replace(/\s/g, "");
    const rawAmount = row[col.amount];
    if (!account) {
      out.skipped++;
      return;
    }
    if (!/^\d{3,10}$/.test(account)) {
      // A sub-total or a rubrique's title ("60 – Achats") is not a line.
      if (/^\d{1,2}(\D|$)/.test(account) || !/\d/.test(account)) out.skipped++;
      else out.errors.push({ path: where, message: `compte « ${String(rawAccount)} » illisible (3 à 10 chiffres)` });
      return;
    }
    const amount = centsOf(rawAmount);
    if (amount === undefined) {
      out.errors.push({ path: where, message: `montant « ${String(rawAmount ?? "")} » illisible` });
      return;
    }
    const project =
      col.project >= 0
        ? String(row[col.project] ?? "")
            .trim()
            .toUpperCase()
        : "";
    out.lines.push({ account, ...(project ? { project } : {}), amount });
  });
  // The same account and project twice: added up, as a grid keeps one cell for them.
  const merged = new Map<string, ImportedBudget["lines"][number]>();
  for (const l of out.lines) {
    const k = `${l.account}#${l.project ?? ""}`;
    const m = merged.get(k);
    if (m) m.amount += l.amount;
    else merged.set(k, { ...l });
  }
  out.lines = [...merged.values()];
  return out;
}
