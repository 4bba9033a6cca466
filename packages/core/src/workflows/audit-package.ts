/**
 * The auditor's package (dossier de révision) of a fiscal year: one zip, built as a ledger export
 * job (`format: "audit-package"`) streamed to the files bucket (`exports/audit/…`), fetched through
 * `GET /v1/ledger/exports/{id}` like a large FEC. It spans domains, so it lives here and reads each
 * one through its door:
 *
 * | in the zip | from |
 * | --- | --- |
 * | `LISEZMOI.txt` | what the package holds; whether the year is closed |
 * | `<SIREN>FEC<date>.txt` | ledger: the FEC with its lettrage (workflows/fec-export.ts), as `GET /v1/ledger/export` answers it |
 * | `livres/balance-<year>.csv` / `.pdf`, `livres/grand-livre-<year>.csv` / `.pdf` | ledger: books.ts |
 * | `etats-financiers/compte-de-resultat-<year>.pdf`, `bilan-<year>.pdf` | reports: the statements (before closing entries), each rubrique with its accounts |
 * | `etats-financiers/comptes-annuels-<year>.pdf` | reports: the accounts and the annexe as printed for the Journal officiel |
 * | `cloture/<SIREN>PV<date>.pdf` | the closing checklist as signed (workflows/closing-report.ts); before the closing, `liste-de-controle-<year>.pdf`, the checklist as it stands, unsigned |
 * | `rapprochements/<account>-<date>.pdf` | bank: the état de rapprochement of each bank account at each month end its imported statements cover, and on the year's last day (today for a year still running) |
 * | `factures/<piece>-<expense>.<ext>` | spending: every invoice file booked on the year's expenses, checked against its SHA-256 |
 * | `recus/<number>.pdf` | receipts: every receipt for gifts of the year, as issued (checked against its SHA-256) |
 * | `index.csv` | every file above, with the entry it supports (journal and number), its SHA-256, and what is missing |
 *
 * A year still open says so on every page of the documents the package writes (the books, the
 * statements, the états, stamped) and on every line of the index; invoices and receipts are kept as
 * they were booked and issued (their SHA-256 proves it), so they are not stamped.
 *
 * Memory: one file at a time (the grand livre's PDF being the largest); the zip is streamed
 * (fflate, no ZIP64: the package stays under 4 GiB).
 */
import { Zip, ZipDeflate, ZipPassThrough } from "fflate";
import { reconciliationState } from "../bank/index.js";
import { renderReconciliationPdf } from "../bank/lazy.js";
import { fiscalYearBounds, parisDate } from "../dates.js";
import { now } from "../clock.js";
import { CSV_BOM, csvLine, csvFigure } from "../csv.js";
import { getObject } from "../files/index.js";
import { sha256Hex } from "../hash.js";
import {
  bookFileName,
  checkFecSiren,
  exportFileName,
  exportLedger,
  generalLedgerCsv,
  generalLedgerPdf,
  listEntries,
  renderTablePdf,
  runExportJob,
  stampPdf,
  startExportJob,
  trialBalance,
  trialBalanceBook,
  trialBalanceCsv,
  trialBalancePdf,
  yearStanding,
  type Actor,
  type ExportJobFormat,
  type ExportJobView,
  type TableSection,
  type YearStanding,
} from "../ledger/index.js";
import { frenchAmount, euros } from "../money.js";
import { isDevelopment } from "../receipts/index.js";
import { getReceipt, listReceipts, renderReceiptPdf } from "../receipts/lazy.js";
import { buildStatements, frenchDate as frenchLongDate, loadAnnualReport, type StatementLine, type Statements } from "../reports/index.js";
import { renderJournalOfficiel } from "../reports/lazy.js";
import { closingChecklist, type ClosingChecklist } from "./closing-checklist.js";
import { closingReportPdf, closingReportFileName } from "./closing-report.js";
import { fecExportOptions } from "./fec-export.js";
import { associationOf, bankAccountsOf } from "../settings/index.js";
import { listExpenses, type Expense } from "../spending/index.js";
import type { Db } from "../db/client.js";

const frenchDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
/** A file name part: letters, digits, dot, dash and underscore only (no path, no accent). */
const safe = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\w.-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(0, 80) || "sans-nom";

/**
 * `POST /v1/ledger/years/{year}/audit-package`: records the job and hands it to `dispatch`. The
 * package holds the FEC, named after the SIREN: the placeholder SIREN is refused outside
 * development, as on the direct FEC download (ConflictError, nothing recorded).
 */
export async function startAuditPackage(
  db: Db,
  year: number,
  opts: { actor?: Actor; dispatch: (id: string, format: ExportJobFormat) => Promise<void>; development?: boolean },
): Promise<ExportJobView> {
  const { siren } = await associationOf(db);
  checkFecSiren(siren, opts.development ?? isDevelopment(process.env));
  return startExportJob(db, { year, format: "audit-package", siren }, opts);
}

/** Runs an export job of any kind: the auditor's package built here, a FEC or a CSV by the ledger. */
export function runAnyExportJob(db: Db, id: string) {
  return runExportJob(db, id, (job, progress) =>
    job.format === "audit-package"
      ? auditPackageZip(db, job.year, progress)
      : // A large year's FEC or CSV: the same file as the direct answer, the bank's lettrage included.
        exportLedger(db, job.year, job.format, fecExportOptions(db, job.encoding)),
  );
}

// ---------------------------------------------------------------- what goes in

interface IndexRow {
  file: string;
  kind: string;
  entry: string;
  date: string;
  pieceRef: string;
  label: string;
  amount: number | null;
  sha256: string;
  note: string;
}

/** One file of the zip: its name, how to make its bytes, and its line(s) in the index. */
interface Part {
  name: string;
  /** Already compressed (PDF, JPEG, PNG): stored as is. */
  stored: boolean;
  bytes: () => Promise<Uint8Array | string | AsyncIterable<string | Uint8Array> | undefined>;
  row: Omit<IndexRow, "file" | "sha256">;
}

/** The year's validated entries by id and by piece reference (each file's line in the index names its entry). */
async function entriesOfYear(db: Db, year: number) {
  const { start, end } = fiscalYearBounds(year);
  const byId = new Map<string, { ref: string; date: string; label: string }>();
  const byPiece = new Map<string, string[]>();
  let cursor: string | undefined;
  do {
    const page = await listEntries(db, { from: start, to: end, limit: 500, ...(cursor ? { cursor } : {}) });
    for (const e of page.items) {
      const ref = e.ref ?? e.id;
      byId.set(e.id, { ref, date: e.date, label: e.label });
      byPiece.set(e.pieceRef, [...(byPiece.get(e.pieceRef) ?? []), ref]);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { byId, byPiece };
}

async function expensesOfYear(db: Db, year: number): Promise<Expense[]> {
  const out: Expense[] = [];
  let cursor: string | undefined;
  do {
    const page = await listExpenses(db, { year, limit: 500, ...(cursor ? { cursor } : {}) });
    out.push(...(page.items as Expense[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** The receipts for gifts made in the fiscal year (a receipt's year is the calendar year of its gifts). */
async function receiptIdsOfYear(db: Db, year: number) {
  const { start, end } = fiscalYearBounds(year);
  const ids: string[] = [];
  for (let y = Number(start.slice(0, 4)); y <= Number(end.slice(0, 4)); y++) {
    let cursor: string | undefined;
    do {
      const page = await listReceipts(db, y, { withAddresses: false, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const r of page.items as Array<{ id: string; gifts: Array<{ date: string }> }>)
        if (r.gifts.some((g) => g.date.slice(0, 10) >= start && g.date.slice(0, 10) <= end)) ids.push(r.id);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return ids;
}

/** The last day the year's états stand at: its end, or today for a year still running. */
function lastDay(year: number): string {
  const { start, end } = fiscalYearBounds(year);
  const today = parisDate(now());
  return today < end ? (today < start ? start : today) : end;
}

/**
 * When to draw a bank account's état: at the end of each month its imported statements cover
 * within the year (before the first statement an état says nothing), and on the year's last day
 * (the year end, or today) in any case.
 */
function etatDates(year: number, since: string | null, lastStatementEnd: string | null): string[] {
  const { start } = fiscalYearBounds(year);
  const last = lastDay(year);
  const out = new Set<string>();
  if (since && lastStatementEnd) {
    let y = Number(start.slice(0, 4));
    let m = Number(start.slice(5, 7));
    for (;;) {
      const d = `${y}-${String(m).padStart(2, "0")}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
      if (d >= last) break;
      if (d >= since && d <= lastStatementEnd) out.add(d);
      m++;
      if (m > 12) {
        m = 1;
        y++;
      }
    }
  }
  out.add(last);
  return [...out].sort();
}

// ---------------------------------------------------------------- the statements as PDF

const money = (cents: number) => euros(cents);
const AMOUNT_COLUMNS: TableSection["columns"] = [
  { label: "Rubrique / compte", width: 600 },
  { label: "Montant", width: 170, align: "right" },
];

function statementRows(lines: StatementLine[], side: StatementLine["side"]): TableSection["rows"] {
  const rows: TableSection["rows"] = [];
  for (const l of lines.filter((x) => x.side === side && (x.amount !== 0 || x.accounts.length))) {
    rows.push({ cells: [l.label, money(l.amount)], bold: true });
    for (const a of l.accounts) rows.push({ cells: [`    ${a.account} ${a.label}`, money(a.amount)] });
  }
  if (!rows.length) rows.push({ cells: ["Aucun montant", money(0)] });
  return rows;
}

function compteDeResultatDoc(s: Statements): TableSection[] {
  const cr = s.compteDeResultat;
  const sections: TableSection[] = [
    {
      heading: "Produits",
      columns: AMOUNT_COLUMNS,
      rows: [...statementRows(cr.lines, "produits"), { cells: ["Total des produits", money(cr.totals.produits)], bold: true }],
    },
    {
      heading: "Charges",
      columns: AMOUNT_COLUMNS,
      rows: [...statementRows(cr.lines, "charges"), { cells: ["Total des charges", money(cr.totals.charges)], bold: true }],
    },
    {
      heading: "Résultat",
      columns: AMOUNT_COLUMNS,
      rows: [
        { cells: ["Résultat d'exploitation", money(cr.sections.exploitation.result)] },
        { cells: ["Résultat financier", money(cr.sections.financier.result)] },
        { cells: ["Résultat exceptionnel", money(cr.sections.exceptionnel.result)] },
        { cells: [cr.result >= 0 ? "Excédent de l'exercice" : "Déficit de l'exercice", money(cr.result)], bold: true },
      ],
    },
  ];
  if (cr.cvn.lines.some((l) => l.amount !== 0))
    sections.push({
      heading: "Contributions volontaires en nature",
      columns: AMOUNT_COLUMNS,
      rows: [...statementRows(cr.cvn.lines, "ressources"), ...statementRows(cr.cvn.lines, "emplois")],
    });
  if (s.unmapped.length) sections.at(-1)!.note = `Comptes sans rubrique (à classer) : ${s.unmapped.join(", ")}.`;
  return sections;
}

function bilanDoc(s: Statements): TableSection[] {
  const b = s.bilan;
  const sections: TableSection[] = [
    {
      heading: "Actif",
      columns: AMOUNT_COLUMNS,
      rows: [...statementRows(b.lines, "actif"), { cells: ["Total de l'actif", money(b.totals.actif)], bold: true }],
    },
    {
      heading: "Passif",
      columns: AMOUNT_COLUMNS,
      rows: [...statementRows(b.lines, "passif"), { cells: ["Total du passif", money(b.totals.passif)], bold: true }],
    },
  ];
  if (b.difference !== 0) sections[1]!.note = `Écart entre l'actif et le passif : ${money(b.difference)}.`;
  return sections;
}

/** The accounts and the annexe as the reports print them for the Journal officiel (no person's data). */
async function annualAccountsPdf(db: Db, year: number, association: Awaited<ReturnType<typeof associationOf>>): Promise<Uint8Array> {
  const { figures, annexe } = await loadAnnualReport(db, year);
  const identity = [
    association.address,
    [association.siren && association.siren !== "000000000" ? `SIREN ${association.siren}` : "", association.rna ? `RNA ${association.rna}` : ""]
      .filter(Boolean)
      .join(" · "),
    annexe.exercise.first ? `Créée le ${frenchLongDate(annexe.exercise.start)}` : "",
  ].filter(Boolean);
  return renderJournalOfficiel(figures, annexe, { association: association.name, colour: association.colour, identity });
}

const STATUS_WORDS = { ok: "Fait", warning: "À vérifier", blocking: "Bloquant" } as const;

/** The checklist of a year not closed yet, point by point. */
function checklistDoc(c: ClosingChecklist): TableSection[] {
  return [
    {
      columns: [
        { label: "Point", width: 230 },
        { label: "État", width: 70 },
        { label: "Détail", width: 470 },
      ],
      rows: c.items.map((i) => ({ cells: [i.title, STATUS_WORDS[i.status] ?? i.status, i.detail] })),
      note: c.ready
        ? "Aucun point bloquant : l'exercice peut être clôturé une fois les points à vérifier commentés."
        : "Des points bloquants restent à traiter avant la clôture.",
    },
  ];
}

// ---------------------------------------------------------------- the zip

const INDEX_HEADER = ["Fichier", "Nature", "Écriture", "Date", "Pièce", "Libellé", "Montant", "SHA-256", "Exercice", "Remarque"];

/** The package's files in order: the FEC and the books first, then the statements, the états, the invoices and the receipts. */
async function plan(db: Db, year: number, standing: YearStanding): Promise<Part[]> {
  const association = await associationOf(db);
  const name = association.name;
  const end = fiscalYearBounds(year).end;
  const mark = (pdf: Uint8Array) => (standing.status === "closed" ? pdf : stampPdf(pdf, `${name} — ${standing.title} — ${standing.mark}`));
  const doc = (kind: string, label: string) => ({ kind, entry: "", date: frenchDate(end), pieceRef: "", label, amount: null, note: "" });
  const parts: Part[] = [
    { name: "LISEZMOI.txt", stored: false, bytes: async () => readme(name, standing), row: doc("Présentation", "Ce que contient le dossier") },
    {
      name: exportFileName(association.siren, year, "fec"),
      stored: false,
      bytes: async () => exportLedger(db, year, "fec", fecExportOptions(db)),
      row: doc("FEC", "Fichier des écritures comptables (article A47 A-1 du LPF)"),
    },
  ];
  const book = () => trialBalanceBook(db, year, name);
  parts.push(
    {
      name: `livres/${bookFileName("balance", year, "csv")}`,
      stored: false,
      bytes: async () => trialBalanceCsv(await book()),
      row: doc("Balance", "Balance générale (tableur)"),
    },
    {
      name: `livres/${bookFileName("balance", year, "pdf")}`,
      stored: true,
      bytes: async () => trialBalancePdf(await book()),
      row: doc("Balance", "Balance générale"),
    },
    {
      name: `livres/${bookFileName("grand-livre", year, "csv")}`,
      stored: false,
      bytes: async () => generalLedgerCsv(db, year, name),
      row: doc("Grand livre", "Grand livre (tableur)"),
    },
    {
      name: `livres/${bookFileName("grand-livre", year, "pdf")}`,
      stored: true,
      bytes: async () => generalLedgerPdf(db, year, name),
      row: doc("Grand livre", "Grand livre"),
    },
  );
  const statements = async () => buildStatements((await trialBalance(db, year, { closing: "exclude" })).accounts);
  parts.push(
    {
      name: `etats-financiers/compte-de-resultat-${year}.pdf`,
      stored: true,
      bytes: async () => renderTablePdf({ title: "Compte de résultat", association: name, standing, sections: compteDeResultatDoc(await statements()) }),
      row: doc("Compte de résultat", "Compte de résultat (présentation ANC 2018-06)"),
    },
    {
      name: `etats-financiers/bilan-${year}.pdf`,
      stored: true,
      bytes: async () => renderTablePdf({ title: `Bilan au ${frenchDate(end)}`, association: name, standing, sections: bilanDoc(await statements()) }),
      row: doc("Bilan", `Bilan au ${frenchDate(end)} (présentation ANC 2018-06)`),
    },
    {
      name: `etats-financiers/comptes-annuels-${year}.pdf`,
      stored: true,
      bytes: async () => mark(await annualAccountsPdf(db, year, association)),
      row: doc("Comptes annuels et annexe", "Bilan, compte de résultat et annexe, avec l'exercice précédent (présentation du Journal officiel)"),
    },
  );

  // The closing checklist: as signed (the procès-verbal de clôture) once the year is closed; before, as it stands, unsigned.
  if (standing.status === "closed")
    parts.push({
      name: `cloture/${closingReportFileName(association.siren, year)}`,
      stored: true,
      bytes: async () => (await closingReportPdf(db, year)).pdf,
      row: doc("Procès-verbal de clôture", "La liste de contrôle de clôture telle qu'elle a été signée"),
    });
  else
    parts.push({
      name: `cloture/liste-de-controle-${year}.pdf`,
      stored: true,
      bytes: async () =>
        renderTablePdf({
          title: "Liste de contrôle de clôture",
          association: name,
          standing,
          sections: checklistDoc(await closingChecklist(db, year, { stripe: null })),
        }),
      row: {
        ...doc("Liste de contrôle de clôture", "La liste de contrôle telle qu'elle se présente aujourd'hui"),
        note: "non signée : l'exercice n'est pas clôturé",
      },
    });

  // The états de rapprochement: each bank account of the books, at each month end its statements cover and on the last day.
  const accounts = await bankAccountsOf(db);
  for (const ledgerAccount of [...new Set(accounts.map((a) => a.account))]) {
    const label = accounts.find((a) => a.account === ledgerAccount)!.label;
    const final = await reconciliationState(db, accounts, ledgerAccount, lastDay(year));
    for (const date of etatDates(year, final.since, final.lastStatementEnd))
      parts.push({
        name: `rapprochements/${safe(ledgerAccount)}-${date}.pdf`,
        stored: true,
        bytes: async () => mark(await renderReconciliationPdf(await reconciliationState(db, accounts, ledgerAccount, date), { name })),
        row: { ...doc("État de rapprochement", `${label} au ${frenchDate(date)}`), date: frenchDate(date) },
      });
  }

  const entries = await entriesOfYear(db, year);
  // Every invoice of the year's expenses; an expense without its file is a line of the index too.
  for (const e of await expensesOfYear(db, year)) {
    const entry = entries.byId.get(e.purchaseEntryId)?.ref ?? "";
    const row = { kind: "Facture", entry, date: frenchDate(e.date), pieceRef: e.pieceRef, label: `${e.supplier} — ${e.label}`, amount: e.amount, note: "" };
    if (!e.file) {
      parts.push({ name: "", stored: true, bytes: async () => undefined, row: { ...row, note: "justificatif manquant : aucune facture jointe à la dépense" } });
      continue;
    }
    const file = e.file;
    const ext = file.contentType === "application/pdf" ? "pdf" : file.contentType === "image/png" ? "png" : "jpg";
    parts.push({
      name: `factures/${safe(e.pieceRef)}-${e.id.slice(0, 8)}.${ext}`,
      stored: true,
      bytes: async () => {
        const bytes = await getObject(file.key);
        if (!bytes) throw new MissingFile("le fichier de la facture est introuvable dans le stockage");
        if (sha256Hex(bytes) !== file.sha256) throw new MissingFile("le fichier stocké ne correspond plus à l'empreinte enregistrée");
        return bytes;
      },
      row,
    });
  }

  // Every receipt of the year's gifts, as issued (its stored PDF, or rendered again from its frozen fields when it gives the same SHA-256).
  for (const id of await receiptIdsOfYear(db, year)) {
    const r = await getReceipt(db, id);
    if (!r) continue;
    const refs = [...new Set(r.gifts.flatMap((g) => entries.byPiece.get(g.reference) ?? []))];
    parts.push({
      name: `recus/${safe(r.id)}.pdf`,
      stored: true,
      bytes: async () => {
        const stored = r.file ? await getObject(r.file) : undefined;
        if (stored && r.sha256 && sha256Hex(stored) === r.sha256) return stored;
        const again = await renderReceiptPdf(r);
        if (r.sha256 && sha256Hex(again) !== r.sha256)
          throw new MissingFile("le PDF du reçu est introuvable ou altéré et ne peut être reproduit à l'identique");
        return again;
      },
      row: {
        kind: r.status === "cancelled" ? "Reçu fiscal annulé" : "Reçu fiscal",
        entry: refs.join(" "),
        date: frenchDate(r.issuedOn),
        pieceRef: r.gifts.map((g) => g.reference).join(" "),
        label: `Reçu n° ${r.id} — ${r.kind === "annual" ? "reçu récapitulatif" : "don"}${r.replaces ? ` (remplace le n° ${r.replaces})` : ""}`,
        amount: r.amount,
        note: refs.length ? "" : "aucune écriture de l'exercice ne porte la référence du don",
      },
    });
  }
  return parts;
}

/** A file the package should hold but cannot: its line in the index says why. */
class MissingFile extends Error {}

function readme(association: string, standing: YearStanding): string {
  return [
    `Dossier de révision — ${association}`,
    standing.title,
    standing.mark,
    "",
    "Contenu :",
    "- index.csv : chaque fichier du dossier, l'écriture qu'il justifie (journal et numéro), son empreinte SHA-256, et ce qui manque ;",
    "- le FEC (fichier des écritures comptables, article A47 A-1 du LPF) ;",
    "- livres/ : la balance générale et le grand livre, en tableur (CSV) et en PDF ;",
    "- etats-financiers/ : le compte de résultat et le bilan détaillés par compte (présentation ANC 2018-06, avant écritures de clôture), et les comptes annuels avec leur annexe ;",
    "- cloture/ : la liste de contrôle de clôture, telle qu'elle a été signée (procès-verbal de clôture) ou, avant la clôture, telle qu'elle se présente ;",
    "- rapprochements/ : l'état de rapprochement de chaque compte bancaire à chaque fin de mois couverte par ses relevés, et au dernier jour de l'exercice ;",
    "- factures/ : les justificatifs des dépenses, tels qu'ils ont été enregistrés ;",
    "- recus/ : les reçus fiscaux des dons de l'exercice, tels qu'ils ont été émis.",
    "",
  ].join("\r\n");
}

async function bytesOf(content: Uint8Array | AsyncIterable<string | Uint8Array> | string): Promise<Uint8Array> {
  if (typeof content === "string") return new TextEncoder().encode(content);
  if (content instanceof Uint8Array) return content;
  const chunks: Buffer[] = [];
  for await (const c of content) chunks.push(typeof c === "string" ? Buffer.from(c, "utf8") : Buffer.from(c));
  return Buffer.concat(chunks);
}

/**
 * The zip, chunk by chunk: each part's bytes made, checked and added in turn, then `index.csv`.
 * `progress` is told after each file (done out of total, the index included).
 */
export async function* auditPackageZip(
  db: Db,
  year: number,
  progress: (done: number, total: number) => Promise<void> = async () => {},
): AsyncGenerator<Uint8Array> {
  const standing = await yearStanding(db, year);
  const parts = await plan(db, year, standing);
  const files = parts.filter((p) => p.name);
  const total = files.length + 1;
  await progress(0, total);
  const out: Uint8Array[] = [];
  let failed: Error | undefined;
  const zip = new Zip((err, chunk) => {
    if (err) failed = err;
    else out.push(chunk);
  });
  const drain = function* () {
    if (failed) throw failed;
    while (out.length) yield out.shift()!;
  };
  const mtime = now();
  const add = (name: string, bytes: Uint8Array, stored: boolean) => {
    const f = stored ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    f.mtime = mtime;
    zip.add(f);
    f.push(bytes, true);
  };
  const index: IndexRow[] = [];
  const yearCell = standing.status === "closed" ? "clôturé" : "non clôturé";
  let done = 0;
  for (const p of parts) {
    if (!p.name) {
      index.push({ ...p.row, file: "", sha256: "" });
      continue;
    }
    let content: Uint8Array | undefined;
    let note = p.row.note;
    try {
      const made = await p.bytes();
      content = made === undefined ? undefined : await bytesOf(made);
    } catch (err) {
      if (!(err instanceof MissingFile)) throw err;
      note = err.message;
    }
    if (content) {
      add(p.name, content, p.stored);
      yield* drain();
    }
    index.push({ ...p.row, note, file: content ? p.name : "", sha256: content ? sha256Hex(content) : "" });
    await progress(++done, total);
  }
  let csv = CSV_BOM + csvLine(INDEX_HEADER);
  for (const r of index)
    csv += csvLine([
      r.file,
      r.kind,
      r.entry,
      r.date,
      r.pieceRef,
      r.label,
      r.amount === null ? "" : csvFigure(frenchAmount(r.amount)),
      r.sha256,
      yearCell,
      r.note,
    ]);
  add("index.csv", new TextEncoder().encode(csv), false);
  zip.end();
  yield* drain();
  await progress(total, total);
}
