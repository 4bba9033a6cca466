/**
 * Imports of the platforms' own exports into monthly social statistics.
 *
 * - LinkedIn page analytics: the content (updates), followers and visitors files, as XLSX (read with
 *   `read-excel-file`, after the archive and its sheets are checked against the limits below) or CSV;
 *   an old binary XLS (Excel 97-2003) is refused, asking for XLSX or CSV; one row per day, dates
 *   MM/DD/YYYY, values that can be
 *   negative, sometimes a note line above the header, English or French headers. The followers file
 *   gives new followers per day, never the total: the caller states the total at a date
 *   (`followers`, `followersAt`) and the month-end totals are worked out from the daily gains.
 * - YouTube Studio: the zip it exports, or one of its files — `Table data.csv` (one row per video,
 *   a "Total" row, the publish time), `Chart data.csv` (per day and video), `Totals.csv` (per day);
 *   French headers and decimal commas.
 *
 * Parsing is pure (`parseSocialFile`); a file that is not what it claims is a ValidationError naming
 * what was expected, and nothing is written. `importSocialFile` writes all the months at once.
 *
 * Limits: a zip (YouTube's, or the XLSX container) has only its expected entries inflated, 20 MB at
 * most in all (413 past it); a sheet has at most MAX_ROWS rows and MAX_COLUMNS columns, counted from
 * its cells, never from its `<dimension>` (413 past them); XML declaring a DOCTYPE or entities is
 * refused (400). A date that cannot be read refuses the file, naming the row.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { strFromU8, zipSync } from "fflate";
import type { Db } from "../db/client.js";
import { PayloadTooLargeError, ValidationError } from "../errors.js";
import { readZip } from "./archive.js";
import type { Metric, Platform } from "./metrics.js";
import { saveSocialMonths, type MetricValues } from "./store.js";
import type { Actor } from "../ledger/index.js";
import type { ImportQuery } from "./schemas.js";

export type ImportKind = "content" | "followers" | "visitors" | "youtube";

export interface ParsedImport {
  platform: Platform;
  kind: ImportKind;
  days: number;
  from: string;
  to: string;
  months: Array<{ month: string; values: MetricValues }>;
}

type Cell = string | number | boolean | Date | null | undefined;
type Table = { name: string; rows: Cell[][] };

const bad = (message: string, path = "(body)") => new ValidationError([{ path, message }], message);

/** Lower case, no accents, single spaces: "Réactions (totales)" → "reactions (totales)". */
export const norm = (s: unknown) =>
  String(s ?? "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\u00a0\u202f\s]+/g, " ")
    .trim()
    .toLowerCase();

// ---------------------------------------------------------------- reading bytes

const isZip = (b: Buffer) => b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Buffer) => b.length > 8 && b.readUInt32BE(0) === 0xd0cf11e0 && b.readUInt32BE(4) === 0xa1b11ae1;

function decodeText(b: Buffer): string {
  if (b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString("utf16le");
  const text = b.toString("utf8").replace(/^\ufeff/, "");
  if (text.includes("\u0000") || /[\u0001-\u0008\u000e-\u001f]/.test(text.slice(0, 2000)))
    throw bad("the file is neither a spreadsheet (XLS, XLSX) nor a CSV, nor a zip");
  return text;
}

function csvTable(text: string, name: string): Table {
  const firstLines = text.split(/\r?\n/).slice(0, 6).join("\n");
  const counts = [",", ";", "\t"].map((d) => [d, firstLines.split(d).length] as const).sort((a, b) => b[1] - a[1]);
  const delimiter = counts[0]![0];
  try {
    const rows = parseCsv(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true }) as string[][];
    return { name, rows };
  } catch {
    throw bad(`${name}: the CSV cannot be read`);
  }
}

/** A sheet's size limits: LinkedIn gives one row a day (a few years fit), a few dozen columns. */
export const MAX_ROWS = 10_000;
export const MAX_COLUMNS = 200;

/** The parts of an XLSX workbook that are read; anything else in the archive (images, printer settings) is skipped unread. */
const XLSX_PART =
  /^(\[Content_Types\]\.xml|_rels\/\.rels|xl\/workbook\.xml|xl\/_rels\/workbook\.xml\.rels|xl\/sharedStrings\.xml|xl\/styles\.xml|xl\/worksheets\/sheet\d{1,3}\.xml)$/;

const columnNumber = (letters: string) => [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);

/**
 * Checks a sheet's XML before any library reads it: no DOCTYPE or entity, at most MAX_ROWS rows and
 * MAX_COLUMNS columns as its rows and cells are numbered (a single cell at XFD1048576 is a sheet of
 * 17 billion cells to a reader that fills the gaps). `<dimension>` is not looked at.
 */
function checkSheet(name: string, xml: string) {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw bad(`${name} : le classeur déclare un DOCTYPE ou des entités XML, refusés`);
  let rows = 0;
  for (const m of xml.matchAll(/<(?:\w+:)?row\b[^>]*?(?:\sr="(\d+)")?[^>]*>/g)) {
    rows++;
    if (rows > MAX_ROWS) throw new PayloadTooLargeError(`La feuille ${name} dépasse ${MAX_ROWS} lignes : le fichier est refusé.`);
    if (m[1] && Number(m[1]) > MAX_ROWS)
      throw new PayloadTooLargeError(`La feuille ${name} a une ligne numérotée ${m[1]}, au-delà de ${MAX_ROWS} lignes : le fichier est refusé.`);
  }
  for (const m of xml.matchAll(/<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})(\d+)"/g)) {
    if (columnNumber(m[1]!) > MAX_COLUMNS || Number(m[2]) > MAX_ROWS)
      throw new PayloadTooLargeError(
        `La feuille ${name} a une cellule en ${m[1]}${m[2]}, au-delà de ${MAX_ROWS} lignes ou ${MAX_COLUMNS} colonnes : le fichier est refusé.`,
      );
  }
}

async function workbookTables(parts: Map<string, Uint8Array>): Promise<Table[]> {
  for (const [name, data] of parts) {
    const xml = strFromU8(data);
    if (name.startsWith("xl/worksheets/")) checkSheet(name, xml);
    else if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw bad(`${name} : le classeur déclare un DOCTYPE ou des entités XML, refusés`);
  }
  // The library reads a workbook rebuilt from the checked parts only.
  const rebuilt = zipSync(Object.fromEntries(parts));
  const { default: readXlsxFile } = await import("read-excel-file/universal");
  let sheets: Awaited<ReturnType<typeof readXlsxFile>>;
  try {
    sheets = await readXlsxFile(rebuilt.buffer.slice(rebuilt.byteOffset, rebuilt.byteOffset + rebuilt.byteLength) as ArrayBuffer);
  } catch {
    throw bad("le classeur XLSX ne peut pas être lu");
  }
  return sheets.map((s) => ({ name: s.sheet, rows: s.data as unknown as Cell[][] }));
}

// ---------------------------------------------------------------- dates and numbers

const pad = (n: number) => String(n).padStart(2, "0");
function isoOf(y: number, m: number, d: number): string | undefined {
  if (!(y >= 1990 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return undefined;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * LinkedIn's day: MM/DD/YYYY text, an ISO date, or a date cell of the spreadsheet. A bare number
 * is not taken for a date (it would be read as a day counted from 1900, some day of 2011 for
 * 40 544): the row is refused.
 */
function linkedinDate(v: Cell): string | undefined {
  if (typeof v === "number") return undefined;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : isoOf(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate());
  const s = String(v ?? "").trim();
  let m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) return isoOf(Number(m[3]), Number(m[1]), Number(m[2]));
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return isoOf(Number(m[1]), Number(m[2]), Number(m[3]));
  return undefined;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  janv: 1,
  fevr: 2,
  fev: 2,
  mars: 3,
  avr: 4,
  mai: 5,
  juin: 6,
  juil: 7,
  aout: 8,
  octo: 10,
  dece: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
  janvier: 1,
  fevrier: 2,
  avril: 4,
  juillet: 7,
  septembre: 9,
  octobre: 10,
  novembre: 11,
  decembre: 12,
};

/** YouTube's dates: ISO, "Mar 1, 2024", "1 mars 2024", "1 mars 2024 à 10:00". */
function youtubeDate(v: Cell): string | undefined {
  const s = norm(v).replace(/\./g, "");
  let m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) return isoOf(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^([a-z]+) (\d{1,2}),? (\d{4})/.exec(s);
  if (m && MONTHS[m[1]!]) return isoOf(Number(m[3]), MONTHS[m[1]!]!, Number(m[2]));
  m = /^(\d{1,2}) ([a-z]+) (\d{4})/.exec(s);
  if (m && MONTHS[m[2]!]) return isoOf(Number(m[3]), MONTHS[m[2]!]!, Number(m[1]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(s);
  if (m) return isoOf(Number(m[3]), Number(m[1]), Number(m[2]));
  return undefined;
}

/** A count: a number cell, or text with thousands separators (English) or a decimal comma (French). */
function numberOf(v: Cell, decimalComma: boolean): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (v === null || v === undefined) return 0;
  let s = String(v)
    .replace(/[\u00a0\u202f\s]/g, "")
    .replace(/\u2212/g, "-");
  if (s === "" || s === "-") return 0;
  s = decimalComma ? s.replace(/\./g, "").replace(",", ".") : s.replace(/,/g, "");
  if (!/^-?\d+(\.\d+)?$/.test(s)) return undefined;
  return Number(s);
}

// ---------------------------------------------------------------- LinkedIn

interface LinkedinSpec {
  kind: Exclude<ImportKind, "youtube">;
  label: string;
  /** Finds the value columns in the header; undefined when the header is not this kind's. */
  columns(header: string[]): Partial<Record<Metric, number[]>> | undefined;
}

const find = (header: string[], test: (h: string) => boolean) => header.map((h, i) => (test(h) ? i : -1)).filter((i) => i >= 0);
const isTotal = (h: string) => /\((total|totale|totales|totaux)\)$/.test(h) || /^total/.test(h);

const LINKEDIN: LinkedinSpec[] = [
  {
    kind: "content",
    label: "LinkedIn content (updates) file",
    columns(h) {
      const impressions = find(h, (x) => x.includes("impressions") && !x.includes("unique") && isTotal(x));
      const reactions = find(h, (x) => x.includes("reactions") && isTotal(x));
      if (!impressions.length) return undefined;
      return { impressions: impressions.slice(0, 1), ...(reactions.length ? { reactions: reactions.slice(0, 1) } : {}) };
    },
  },
  {
    kind: "followers",
    label: "LinkedIn followers file",
    columns(h) {
      const total = find(h, (x) => /(followers|abonnes)/.test(x) && isTotal(x));
      if (total.length) return { newFollowers: total.slice(0, 1) };
      const parts = find(h, (x) => /(followers|abonnes)/.test(x) && /(sponsored|sponsorises|organic|organiques|auto-invited|invites)/.test(x));
      return parts.length ? { newFollowers: parts } : undefined;
    },
  },
  {
    kind: "visitors",
    label: "LinkedIn visitors file",
    columns(h) {
      const views = (x: string) => /(page views|vues de (la )?page|pages vues|affichages de (la )?page)/.test(x);
      const total = find(h, (x) => views(x) && /^total/.test(x) && isTotal(x.replace(/^total\S*/, "")));
      const any = total.length ? total : find(h, (x) => views(x) && /^total/.test(x));
      return any.length ? { pageVisits: any.slice(0, 1) } : undefined;
    },
  },
];

/** The header row: within the first rows (a note line may sit above it), its first cell "Date". */
function headerRow(rows: Cell[][]): number {
  for (let i = 0; i < Math.min(rows.length, 6); i++) if (["date", "date (utc)"].includes(norm(rows[i]?.[0]))) return i;
  return -1;
}

type LinkedinPick = { spec: LinkedinSpec; table: Table; head: number; cols: Partial<Record<Metric, number[]>> };
type LinkedinDay = { date: string; values: Partial<Record<Metric, number>> };

/** The sheet of the kind asked for (else the first one recognised), its header row and metric columns. */
function pickLinkedin(tables: Table[], query: ImportQuery): LinkedinPick {
  const wanted = query.kind && query.kind !== "youtube" ? query.kind : undefined;
  const found: LinkedinPick[] = [];
  for (const table of tables) {
    const head = headerRow(table.rows);
    if (head < 0) continue;
    const header = (table.rows[head] ?? []).map(norm);
    for (const spec of LINKEDIN) {
      const cols = spec.columns(header);
      if (cols) {
        found.push({ spec, table, head, cols });
        break;
      }
    }
  }
  const expected = wanted ? LINKEDIN.find((s) => s.kind === wanted)!.label : "LinkedIn page analytics file (content, followers or visitors)";
  if (!found.length) throw bad(`this is not a ${expected}: no sheet has a Date column with the expected metrics`);
  const pick = wanted ? found.find((f) => f.spec.kind === wanted) : found[0];
  if (!pick) throw bad(`this is a ${found[0]!.spec.label}, not a ${expected}`, "kind");
  return pick;
}

/** The sheet's days in date order, each metric summed over its columns (whole numbers, no day twice). */
function linkedinDays({ spec, table, head, cols }: LinkedinPick): LinkedinDay[] {
  const days: LinkedinDay[] = [];
  const seen = new Set<string>();
  for (let i = head + 1; i < table.rows.length; i++) {
    const row = table.rows[i] ?? [];
    if (row.every((c) => c === null || c === undefined || String(c).trim() === "")) continue;
    const date = linkedinDate(row[0] ?? null);
    if (!date) throw bad(`${table.name}, row ${i + 1}: "${String(row[0] ?? "")}" is not a date written MM/DD/YYYY`);
    if (seen.has(date)) throw bad(`${table.name}, row ${i + 1}: the day ${date} appears twice`);
    seen.add(date);
    const values: Partial<Record<Metric, number>> = {};
    for (const [metric, idx] of Object.entries(cols) as Array<[Metric, number[]]>) {
      let sum = 0;
      for (const c of idx) {
        const n = numberOf(row[c] ?? null, false);
        if (n === undefined || !Number.isInteger(n)) throw bad(`${table.name}, row ${i + 1}: "${String(row[c])}" is not a whole number`);
        sum += n;
      }
      values[metric] = sum;
    }
    days.push({ date, values });
  }
  if (!days.length) throw bad(`this ${spec.label} has no day in it`);
  return days.sort((a, b) => a.date.localeCompare(b.date));
}

/** The followers at each month's last day, from the total the caller gives at one day (`?followers=`, `?followersAt=`). */
function followersAtMonthEnds(days: LinkedinDay[], months: Map<string, MetricValues>, query: ImportQuery, from: string, to: string): void {
  const errors = [];
  if (query.followers === undefined)
    errors.push({
      path: "followers",
      message:
        "LinkedIn's followers file gives new followers per day, not the total: send the follower total as ?followers=<n> (and ?followersAt=<YYYY-MM-DD>, default the file's last day)",
    });
  const at = query.followersAt ?? to;
  if (at < from || at > to) errors.push({ path: "followersAt", message: `must be a day the file covers, from ${from} to ${to}` });
  if (errors.length) throw new ValidationError(errors);
  const total = query.followers!;
  // Followers at the end of day E = total − (gains after E up to `at`) + (gains after `at` up to E).
  for (const [month, values] of months) {
    const end = days.filter((d) => d.date.slice(0, 7) === month).at(-1)!.date;
    let f = total;
    for (const d of days) {
      const g = d.values.newFollowers ?? 0;
      if (d.date > end && d.date <= at) f -= g;
      if (d.date > at && d.date <= end) f += g;
    }
    if (f < 0) throw bad(`the follower total ${total} at ${at} gives ${f} followers at ${end}: check the total and its date`, "followers");
    values.followers = f;
  }
}

function parseLinkedin(tables: Table[], query: ImportQuery): ParsedImport {
  const pick = pickLinkedin(tables, query);
  const days = linkedinDays(pick);
  const from = days[0]!.date;
  const to = days[days.length - 1]!.date;

  const months = new Map<string, MetricValues>();
  for (const d of days) {
    const m = months.get(d.date.slice(0, 7)) ?? {};
    for (const [k, v] of Object.entries(d.values) as Array<[Metric, number]>) m[k] = ((m[k] as number | undefined) ?? 0) + v;
    months.set(d.date.slice(0, 7), m);
  }
  if (pick.spec.kind === "followers") followersAtMonthEnds(days, months, query, from, to);
  return {
    platform: "linkedin",
    kind: pick.spec.kind,
    days: days.length,
    from,
    to,
    months: [...months].sort(([a], [b]) => a.localeCompare(b)).map(([month, values]) => ({ month, values })),
  };
}

// ---------------------------------------------------------------- YouTube

const YT = {
  date: ["date"],
  views: ["views", "vues"],
  subscribers: ["subscribers", "abonnes"],
  publish: ["video publish time", "heure de publication de la video", "date de publication de la video", "publish time"],
  content: ["content", "contenu"],
};
const col = (header: string[], names: string[]) => header.findIndex((h) => names.includes(h));

type YtFile = { kind: "table" | "chart" | "totals"; table: Table; header: string[]; french: boolean };

function youtubeFile(table: Table): YtFile | undefined {
  const header = (table.rows[0] ?? []).map(norm);
  const french = header.some((h) => ["vues", "contenu", "titre de la video", "abonnes"].includes(h));
  const hasDate = col(header, YT.date) >= 0;
  const hasViews = col(header, YT.views) >= 0;
  if (hasDate && hasViews && col(header, YT.content) >= 0) return { kind: "chart", table, header, french };
  if (hasDate && hasViews) return { kind: "totals", table, header, french };
  if (col(header, YT.publish) >= 0 && col(header, YT.content) >= 0 && hasViews) return { kind: "table", table, header, french };
  return undefined;
}

/** Views (and new subscribers) per day, from Totals.csv or Chart data.csv. */
function youtubeDaily(daySource: YtFile | undefined): Map<string, { views: number; subscribers: number | undefined }> {
  const daily = new Map<string, { views: number; subscribers: number | undefined }>();
  if (daySource) {
    const { header, table, french } = daySource;
    const [d, v, s, c] = [col(header, YT.date), col(header, YT.views), col(header, YT.subscribers), col(header, YT.content)];
    table.rows.slice(1).forEach((row, i) => {
      if (row.every((x) => x === null || x === undefined || String(x).trim() === "")) return;
      if (c >= 0 && norm(row[c]) === "total") return;
      if (norm(row[d]) === "total") return;
      const date = youtubeDate(row[d] ?? null);
      if (!date) throw bad(`${table.name}, row ${i + 2}: "${String(row[d] ?? "")}" is not a date`);
      const views = numberOf(row[v] ?? null, french);
      if (views === undefined || !Number.isInteger(views)) throw bad(`${table.name}, row ${i + 2}: views "${String(row[v])}" is not a whole number`);
      const subs = s >= 0 ? numberOf(row[s] ?? null, french) : undefined;
      if (s >= 0 && (subs === undefined || !Number.isInteger(subs)))
        throw bad(`${table.name}, row ${i + 2}: subscribers "${String(row[s])}" is not a whole number`);
      const cur = daily.get(date) ?? { views: 0, subscribers: s >= 0 ? 0 : undefined };
      cur.views += views;
      if (subs !== undefined) cur.subscribers = (cur.subscribers ?? 0) + subs;
      daily.set(date, cur);
    });
  }
  return daily;
}

/** Videos published per month and the views of every video over the export, from Table data.csv. */
function youtubePublished(tableFile: YtFile | undefined): { published: Map<string, number>; tableViews: number } {
  const published = new Map<string, number>();
  let tableViews = 0;
  if (tableFile) {
    const { header, table, french } = tableFile;
    const [p, c, v] = [col(header, YT.publish), col(header, YT.content), col(header, YT.views)];
    table.rows.slice(1).forEach((row, i) => {
      if (row.every((x) => x === null || x === undefined || String(x).trim() === "")) return;
      if (norm(row[c]) === "total") return;
      const date = youtubeDate(row[p] ?? null);
      if (!date) throw bad(`${table.name}, row ${i + 2}: publish time "${String(row[p] ?? "")}" is not a date`);
      published.set(date.slice(0, 7), (published.get(date.slice(0, 7)) ?? 0) + 1);
      const views = numberOf(row[v] ?? null, french);
      if (views === undefined || !Number.isInteger(views)) throw bad(`${table.name}, row ${i + 2}: views "${String(row[v])}" is not a whole number`);
      tableViews += views;
    });
  }
  return { published, tableViews };
}

function parseYoutube(tables: Table[], period?: { from: string; to: string }): ParsedImport {
  const files = tables.map(youtubeFile).filter((f): f is YtFile => !!f);
  if (!files.length)
    throw bad("this is not a YouTube Studio export: expected Table data.csv (Content, Video publish time, Views…), Chart data.csv or Totals.csv (Date, Views)");
  const daySource = files.find((f) => f.kind === "totals") ?? files.find((f) => f.kind === "chart");
  const daily = youtubeDaily(daySource);
  const tableFile = files.find((f) => f.kind === "table");
  const { published, tableViews } = youtubePublished(tableFile);
  // Table data gives each video's views over the whole export, not per day: they are kept when the
  // export is of one month (its folder names the period), and never dropped without a word.
  if (!daySource && tableFile && tableViews > 0) {
    if (period && period.from.slice(0, 7) === period.to.slice(0, 7)) daily.set(period.from, { views: tableViews, subscribers: undefined });
    else
      throw bad(
        `${tableFile.table.name} donne les vues de chaque vidéo (${tableViews} en tout) sur toute la période exportée, pas mois par mois : envoyez l'export zip complet de YouTube Studio (avec Totals.csv ou Chart data.csv), ou un export d'un seul mois`,
      );
  }
  const dates = [...daily.keys()].sort();
  const pubMonths = [...published.keys()].sort();
  const from = dates[0] ?? `${pubMonths[0]}-01`;
  const to = dates.at(-1) ?? `${pubMonths.at(-1)}-01`;
  if (!dates.length && !pubMonths.length) throw bad("this YouTube Studio export has no rows");
  const months = new Map<string, MetricValues>();
  for (const [date, d] of daily) {
    const m = months.get(date.slice(0, 7)) ?? {};
    m.views = ((m.views as number | undefined) ?? 0) + d.views;
    if (d.subscribers !== undefined) m.newFollowers = ((m.newFollowers as number | undefined) ?? 0) + d.subscribers;
    months.set(date.slice(0, 7), m);
  }
  if (tableFile) {
    // Every month the export covers gets its count of videos published (0 included).
    const first = (dates.length ? from : `${pubMonths[0]}-01`).slice(0, 7);
    const last = (dates.length ? to : `${pubMonths.at(-1)}-01`).slice(0, 7);
    for (let m = first; m <= last; m = nextMonth(m)) {
      const v = months.get(m) ?? {};
      v.videosPublished = published.get(m) ?? 0;
      months.set(m, v);
    }
  }
  return {
    platform: "youtube",
    kind: "youtube",
    days: dates.length,
    from,
    to,
    months: [...months].sort(([a], [b]) => a.localeCompare(b)).map(([month, values]) => ({ month, values })),
  };
}

const nextMonth = (m: string) => {
  const y = Number(m.slice(0, 4));
  const mo = Number(m.slice(5, 7));
  return mo === 12 ? `${y + 1}-01` : `${y}-${pad(mo + 1)}`;
};

// ---------------------------------------------------------------- entry points

/** Reads a platform's export into months of metrics. Pure: bytes in, months out. */
export async function parseSocialFile(platform: "linkedin" | "youtube", bytes: Buffer, query: ImportQuery = {}): Promise<ParsedImport> {
  if (!bytes.length) throw bad("the body is empty: send the exported file as the raw body");
  if (platform === "youtube" && query.kind && query.kind !== "youtube") throw bad(`a YouTube import has no kind "${query.kind}"`, "kind");
  if (platform === "linkedin" && query.kind === "youtube") throw bad('a LinkedIn import has kind "content", "followers" or "visitors"', "kind");
  let tables: Table[];
  let period: { from: string; to: string } | undefined;
  if (isZip(bytes)) {
    const entries = readZip(bytes, (n) => XLSX_PART.test(n) || (/\.csv$/i.test(n) && !n.startsWith("__MACOSX/")));
    if (entries.has("[Content_Types].xml") || [...entries.keys()].some((n) => n.startsWith("xl/"))) {
      tables = await workbookTables(new Map([...entries].filter(([n]) => XLSX_PART.test(n))));
    } else {
      const csvs = [...entries].filter(([n]) => /\.csv$/i.test(n));
      tables = csvs.map(([n, data]) => csvTable(decodeText(Buffer.from(data)), n.split("/").at(-1)!));
      // YouTube names its export's folder after the period: "Contenu 2024-03-01_2024-05-31/".
      const m = csvs.map(([n]) => /(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})/.exec(n)).find(Boolean);
      if (m) period = { from: m[1]!, to: m[2]! };
    }
  } else if (isOle(bytes))
    throw bad(
      "un classeur Excel 97-2003 (XLS) n'est pas lu : ouvrez-le et enregistrez-le en XLSX (Excel 2007 ou plus récent) ou en CSV, puis envoyez ce fichier",
    );
  else tables = [csvTable(decodeText(bytes), "the CSV")];
  return platform === "linkedin" ? parseLinkedin(tables, query) : parseYoutube(tables, period);
}

/** Parses the file and writes its months (all or nothing); answers what was written. */
export async function importSocialFile(db: Db, platform: "linkedin" | "youtube", bytes: Buffer, query: ImportQuery, at: string, by?: Actor) {
  const parsed = await parseSocialFile(platform, bytes, query);
  await saveSocialMonths(db, platform, parsed.months, { source: `import:${parsed.kind}`, at, ...(by ? { by } : {}) });
  return {
    platform,
    kind: parsed.kind,
    days: parsed.days,
    from: parsed.from,
    to: parsed.to,
    months: parsed.months.map((m) => ({ platform, month: m.month, ...Object.fromEntries(Object.entries(m.values).filter(([, v]) => v !== null)) })),
  };
}
