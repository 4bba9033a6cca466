/**
 * Issue 22 item 6, the auditor's package through the HTTP surface: the auditor asks for a year's
 * package (an export job), follows its progress, downloads the zip from the local S3 (s3rver) and
 * opens it: index.csv lists every invoice and every receipt of the year with the entry it supports,
 * each file is there with the SHA-256 the index gives, the FEC passes the checker, and a year still
 * open says so on every page. The balance and the grand livre are files of their own too.
 */
import { createHash } from "node:crypto";
import { unzipSync, strFromU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { checkFec } from "./support/fec-check.js";
import { pdfText } from "./support/pdf-text.js";

const SIREN = "912345678";
const YEAR = 2025;
let stack: TestStack;
type Json = Record<string, any>;

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const PDF = (ref: string) => Buffer.from(`%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% facture ${ref}\n%%EOF\n`);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("IHDR ticket de caisse")]);
const IBAN = "FR7642559100000801234567812";
const ntry = (n: number, date: string, amount: string, dir: "CRDT" | "DBIT", label: string) =>
  `<Ntry><NtryRef>${n}</NtryRef><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>${dir}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${date}</Dt></BookgDt><ValDt><Dt>${date}</Dt></ValDt><AcctSvcrRef>AP${n}</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>${label}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;
/** Written for this test: the bank's statement of March 2025 (opening 1 000,00 €, two lines, closing 1 105,00 €). */
const MARCH = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>AP-2025-03</MsgId><CreDtTm>2025-04-01T06:00:00+02:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-AP-2025-03</Id><CreDtTm>2025-04-01T06:00:00+02:00</CreDtTm>
<FrToDt><FrDtTm>2025-03-01T00:00:00+01:00</FrDtTm><ToDtTm>2025-03-31T23:59:59+02:00</ToDtTm></FrToDt>
<Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1105.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-31</Dt></Dt></Bal>
${ntry(1, "2025-03-05", "150.00", "CRDT", "VIR REMISE COTISATIONS MARS")}
${ntry(2, "2025-03-10", "45.00", "DBIT", "PRLV SEPA ASSURANCE MAIF")}
</Stmt></BkToCstmrStmt></Document>`;
const ADDRESS = { line1: "12 rue des Lilas", postalCode: "69003", city: "Lyon", country: "FR" };

async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  return { status: res.status, body: (text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as Json };
}

async function expense(date: string, pieceRef: string, amount: number, file?: { bytes: Buffer; type: string }) {
  const r = await call("POST", "/v1/expenses", { date, supplier: "Imprimerie du Centre", account: "623", amount, label: `Affiches ${pieceRef}`, pieceRef });
  expect(r.status).toBe(201);
  if (file) {
    const token = await stack.identity.token("tresorier");
    const up = await fetch(`${stack.url}/v1/expenses/${r.body.id}/invoice`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": file.type },
      body: file.bytes,
    });
    expect(up.status).toBe(200);
  }
  return r.body as { id: string; purchaseEntryId: string; entries: Array<{ id: string; ref: string }> };
}

async function give(amount: number, email: string, at: string) {
  const res = await stack.call("POST", "/v1/public/donations/checkout", {
    role: null,
    body: { amount, frequency: "once", donor: { email, firstName: "Camille", lastName: "Martin", address: ADDRESS } },
  });
  expect(res.status).toBe(201);
  const { sessionId } = (await res.json()) as { sessionId: string };
  const done = await fetch(`${stack.stripeUrl}/__dev/checkout/sessions/${sessionId}/complete`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ at }),
  });
  expect(done.status).toBe(200);
}

async function receiptsOf(year: number) {
  const r = await call("GET", `/v1/receipts?year=${year}&limit=500`);
  expect(r.status).toBe(200);
  return r.body.items as Array<{ id: string; amount: number; donor: { email: string }; gifts: Array<{ reference: string }> }>;
}

async function waitDone(id: string, seen: Json[]) {
  for (let i = 0; i < 600; i++) {
    const r = await call("GET", `/v1/ledger/exports/${id}`, undefined, "auditor");
    expect(r.status).toBe(200);
    seen.push(r.body);
    if (r.body.status === "done" || r.body.status === "failed") return r.body;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error("the package did not finish");
}

/** A `;` CSV line split into its cells (quotes handled). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ";") out.push(cur), (cur = "");
    else cur += c;
  }
  out.push(cur);
  return out;
}

let invoiced: Array<{ id: string; pieceRef: string; bytes: Buffer; entryRef: string }> = [];
let missing: { id: string; pieceRef: string };

beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: SIREN });
  const entryRef = async (entryId: string) => (await call("GET", `/v1/ledger/entries/${entryId}`, undefined, "auditor")).body.ref as string;
  const a = await expense(`${YEAR}-02-03`, "F-2025-001", 12_000, { bytes: PDF("F-2025-001"), type: "application/pdf" });
  const b = await expense(`${YEAR}-05-20`, "T-2025/002", 2_350, { bytes: PNG, type: "image/png" });
  const c = await expense(`${YEAR}-06-11`, "F-2025-003", 4_000);
  await expense(`${YEAR - 1}-11-02`, "F-2024-099", 9_900, { bytes: PDF("F-2024-099"), type: "application/pdf" });
  invoiced = [
    { id: a.id, pieceRef: "F-2025-001", bytes: PDF("F-2025-001"), entryRef: await entryRef(a.purchaseEntryId) },
    { id: b.id, pieceRef: "T-2025/002", bytes: PNG, entryRef: await entryRef(b.purchaseEntryId) },
  ];
  missing = { id: c.id, pieceRef: "F-2025-003" };
  await give(5_000, "camille@example.org", `${YEAR}-03-05T10:00:00Z`);
  await give(2_000, "paul@example.org", `${YEAR}-09-15T10:00:00Z`);
  await give(1_500, "avant@example.org", `${YEAR - 1}-10-01T10:00:00Z`);
  const imported = await stack.call("POST", "/v1/bank/statements", { body: MARCH, headers: { "content-type": "application/xml" } });
  expect(imported.status).toBe(200);
}, 180_000);
afterAll(() => stack?.close());

describe("the auditor's package", () => {
  let zip: Record<string, Uint8Array>;
  let index: string[][];
  const progress: Json[] = [];

  it("is an export job: 202 { id, status }, progress while it runs, then a link to one zip", { timeout: 180_000 }, async () => {
    expect((await call("POST", `/v1/ledger/years/${YEAR}/audit-package`, undefined, "delegation")).status).toBe(403);
    const res = await call("POST", `/v1/ledger/years/${YEAR}/audit-package`, undefined, "auditor");
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: "pending" });
    const job = await waitDone(res.body.id, progress);
    expect(job.status, job.error).toBe("done");
    expect(job.format).toBe("audit-package");
    expect(job.fileName).toBe(`dossier-revision-${YEAR}.zip`);
    expect(progress.some((p) => p.status === "running" && p.progress && p.progress.done < p.progress.total)).toBe(true);
    expect(job.progress.done).toBe(job.progress.total);
    expect(job.progress.total).toBeGreaterThan(10);
    const file = await fetch(job.url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toContain(`dossier-revision-${YEAR}.zip`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(job.bytes).toBe(bytes.length);
    zip = unzipSync(bytes);
    const text = strFromU8(zip["index.csv"]!).replace(/^\uFEFF/, "");
    index = text.trimEnd().split("\r\n").map(cells);
    expect(index[0]).toEqual(["Fichier", "Nature", "Écriture", "Date", "Pièce", "Libellé", "Montant", "SHA-256", "Exercice", "Remarque"]);
  });

  it("index.csv lists every invoice of the year with its entry, and each file is in the zip as booked", () => {
    const rows = index.filter((r) => r[1] === "Facture");
    expect(rows.map((r) => r[4]).sort()).toEqual(["F-2025-001", "F-2025-003", "T-2025/002"]);
    for (const inv of invoiced) {
      const row = rows.find((r) => r[4] === inv.pieceRef)!;
      expect(row[2]).toBe(inv.entryRef);
      expect(row[0]).toMatch(/^factures\//);
      const inZip = zip[row[0]!];
      expect(inZip, row[0]).toBeDefined();
      expect(Buffer.from(inZip!).equals(inv.bytes)).toBe(true);
      expect(row[7]).toBe(sha256(inv.bytes));
    }
    expect(rows.find((r) => r[4] === "T-2025/002")![0]).toMatch(/\.png$/);
    // An expense without its invoice is a line of the index that says so, not a silent gap.
    const gap = rows.find((r) => r[4] === missing.pieceRef)!;
    expect(gap[0]).toBe("");
    expect(gap[9]).toContain("justificatif manquant");
    // The previous year's invoice is not in this year's package.
    expect(index.some((r) => r[4] === "F-2024-099")).toBe(false);
  });

  it("index.csv lists every receipt of the year's gifts with its entry, each PDF as issued", async () => {
    const receipts = (await receiptsOf(YEAR)).filter((r) => ["camille@example.org", "paul@example.org"].includes(r.donor.email));
    expect(receipts).toHaveLength(2);
    const rows = index.filter((r) => r[1] === "Reçu fiscal");
    for (const r of receipts) {
      const row = rows.find((x) => x[5]!.includes(r.id))!;
      expect(row, r.id).toBeDefined();
      expect(row[0]).toBe(`recus/${r.id}.pdf`);
      expect(row[2]).toMatch(/^ST\d{6}$/);
      const pdf = zip[row[0]!]!;
      expect(sha256(pdf)).toBe(row[7]);
      const official = await stack.call("GET", `/v1/receipts/${r.id}.pdf`, { role: "auditor" });
      expect(Buffer.from(await official.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
    }
    expect(rows.some((x) => x[5]!.includes(`${YEAR - 1}-`))).toBe(false);
  });

  it("every file the index names is in the zip with its SHA-256, and nothing else is", () => {
    const named = index.slice(1).filter((r) => r[0]);
    for (const r of named) expect(sha256(zip[r[0]!]!), r[0]).toBe(r[7]);
    expect(Object.keys(zip).sort()).toEqual([...named.map((r) => r[0]!), "index.csv"].sort());
    for (const want of [
      `${SIREN}FEC${YEAR}1231.txt`,
      `livres/balance-${YEAR}.csv`,
      `livres/balance-${YEAR}.pdf`,
      `livres/grand-livre-${YEAR}.csv`,
      `livres/grand-livre-${YEAR}.pdf`,
      `etats-financiers/compte-de-resultat-${YEAR}.pdf`,
      `etats-financiers/bilan-${YEAR}.pdf`,
      `etats-financiers/comptes-annuels-${YEAR}.pdf`,
      `cloture/liste-de-controle-${YEAR}.pdf`,
      `rapprochements/512-${YEAR}-03-31.pdf`,
      `rapprochements/512-${YEAR}-12-31.pdf`,
      "LISEZMOI.txt",
    ])
      expect(zip[want], want).toBeDefined();
    // An état stands at each month end the imported statements cover, and on the year's last day; none after the last statement.
    // The second account of the demo settings (5121) has no statement: its état stands on the last day only.
    expect(Object.keys(zip).filter((n) => n.startsWith("rapprochements/"))).toEqual([
      `rapprochements/512-${YEAR}-03-31.pdf`,
      `rapprochements/512-${YEAR}-12-31.pdf`,
      `rapprochements/5121-${YEAR}-12-31.pdf`,
    ]);
  });

  it("the FEC parses and passes the checker, the same file as the direct export", async () => {
    const name = `${SIREN}FEC${YEAR}1231.txt`;
    const text = strFromU8(zip[name]!);
    const { problems, lines } = checkFec(name, text, SIREN, YEAR);
    expect(problems).toEqual([]);
    expect(lines.length).toBeGreaterThan(6);
    const direct = await stack.call("GET", `/v1/ledger/export?year=${YEAR}&format=fec`, { role: "auditor" });
    expect(await direct.text()).toBe(text);
  });

  it("a year still open is marked on every page of the documents and every line of the index", async () => {
    for (const r of index.slice(1)) expect(r[8]).toBe("non clôturé");
    expect(strFromU8(zip["LISEZMOI.txt"]!)).toContain("Exercice non clôturé");
    for (const name of [
      `livres/balance-${YEAR}.pdf`,
      `livres/grand-livre-${YEAR}.pdf`,
      `etats-financiers/compte-de-resultat-${YEAR}.pdf`,
      `etats-financiers/bilan-${YEAR}.pdf`,
      `etats-financiers/comptes-annuels-${YEAR}.pdf`,
      `cloture/liste-de-controle-${YEAR}.pdf`,
      `rapprochements/512-${YEAR}-03-31.pdf`,
    ]) {
      const pages = (await pdfText(zip[name]!)).split("\f").filter((p) => p.trim());
      expect(pages.length, name).toBeGreaterThan(0);
      pages.forEach((page, i) => expect(page, `${name}, page ${i + 1}`).toContain("Exercice non clôturé"));
    }
    expect(strFromU8(zip[`livres/balance-${YEAR}.csv`]!)).toContain("Exercice non clôturé");
  });

  it("the compte de résultat and the bilan carry the year's figures", async () => {
    const cr = await pdfText(zip[`etats-financiers/compte-de-resultat-${YEAR}.pdf`]!);
    expect(cr).toContain("Autres achats et charges externes");
    expect(cr).toContain("Total des charges");
    const bilan = await pdfText(zip[`etats-financiers/bilan-${YEAR}.pdf`]!);
    expect(bilan).toContain("Total de l'actif");
    expect(await pdfText(zip[`etats-financiers/comptes-annuels-${YEAR}.pdf`]!)).toMatch(/Annexe/i);
  });

  it("the closing checklist of a year still open is there as it stands, said unsigned in the index", async () => {
    const row = index.find((r) => r[0] === `cloture/liste-de-controle-${YEAR}.pdf`)!;
    expect(row[9]).toContain("non signée");
    expect(await pdfText(zip[row[0]!]!)).toContain("Liste de contrôle de clôture");
  });
});

describe("the balance and the grand livre as files", () => {
  it("CSV and PDF, named, for the auditor; the délégation reads them too", async () => {
    for (const [path, type, name] of [
      ["/v1/ledger/trial-balance.csv", "text/csv", `balance-${YEAR}.csv`],
      ["/v1/ledger/trial-balance.pdf", "application/pdf", `balance-${YEAR}.pdf`],
      ["/v1/ledger/general-ledger.csv", "text/csv", `grand-livre-${YEAR}.csv`],
      ["/v1/ledger/general-ledger.pdf", "application/pdf", `grand-livre-${YEAR}.pdf`],
    ] as const) {
      const res = await stack.call("GET", `${path}?year=${YEAR}`, { role: "auditor" });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toContain(type);
      expect(res.headers.get("content-disposition")).toContain(name);
      expect((await stack.call("GET", `${path}?year=${YEAR}`, { role: "delegation" })).status).toBe(200);
    }
  });

  it("the balance CSV: one line per account, totals that balance, amounts as numbers", async () => {
    const text = (await (await stack.call("GET", `/v1/ledger/trial-balance.csv?year=${YEAR}`, { role: "auditor" })).text()).replace(/^\uFEFF/, "");
    const rows = text.trimEnd().split("\r\n").map(cells);
    expect(rows[0]![0]).toContain("Exercice non clôturé");
    expect(rows[1]).toEqual(["Compte", "Intitulé", "Débit", "Crédit", "Solde débiteur", "Solde créditeur"]);
    const tb = (await call("GET", `/v1/ledger/trial-balance?year=${YEAR}`, undefined, "auditor")).body;
    expect(rows.slice(2, -1).map((r) => r[0])).toEqual(tb.accounts.map((a: Json) => a.account));
    const totals = rows.at(-1)!;
    expect(totals[1]).toBe("Totaux");
    expect(totals[2]).toBe(totals[3]);
    expect(totals[2]).toBe((tb.totals.debit / 100).toFixed(2).replace(".", ","));
  });

  it("the grand livre CSV: every line of each account with its entry and running balance", async () => {
    const text = (await (await stack.call("GET", `/v1/ledger/general-ledger.csv?year=${YEAR}`, { role: "auditor" })).text()).replace(/^\uFEFF/, "");
    const rows = text.trimEnd().split("\r\n").map(cells);
    const of623 = rows.filter((r) => r[0] === "623" && r[2]);
    expect(of623.map((r) => r[5])).toEqual(["F-2025-001", "T-2025/002", "F-2025-003"]);
    expect(of623.map((r) => r[9])).toEqual(["120,00", "143,50", "183,50"]);
    expect(of623[0]![4]).toBe(invoiced[0]!.entryRef);
  });

  it("a bad year is a 400 naming the field", async () => {
    const res = await call("GET", "/v1/ledger/trial-balance.pdf?year=deux", undefined, "auditor");
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain("year");
  });
});

describe("the package of a closed year", () => {
  it("holds the closing checklist as signed (the procès-verbal) and says the year is closed, nowhere provisional", { timeout: 240_000 }, async () => {
    const checklist = (await call("GET", `/v1/ledger/years/${YEAR - 1}/closing-checklist`, undefined, "auditor")).body;
    expect(checklist.items.filter((i: Json) => i.status === "blocking").map((i: Json) => i.id)).toEqual([]);
    const acknowledged = checklist.toAcknowledge.map((id: string) => ({ id, comment: "Vu avec le vérificateur." }));
    const closed = await call("POST", `/v1/ledger/years/${YEAR - 1}/close`, { acknowledged, signer: "Marie Dupont, trésorière" });
    expect(closed.status, JSON.stringify(closed.body)).toBe(201);

    const res = await call("POST", `/v1/ledger/years/${YEAR - 1}/audit-package`, undefined, "tresorier");
    expect(res.status).toBe(202);
    const job = await waitDone(res.body.id, []);
    expect(job.status, job.error).toBe("done");
    const zip = unzipSync(new Uint8Array(await (await fetch(job.url)).arrayBuffer()));
    const index = strFromU8(zip["index.csv"]!)
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n")
      .map(cells);
    const pv = `cloture/${SIREN}PV${YEAR - 1}1231.pdf`;
    expect(index.find((r) => r[0] === pv)?.[1]).toBe("Procès-verbal de clôture");
    const official = await stack.call("GET", `/v1/ledger/years/${YEAR - 1}/closing-report.pdf`, { role: "auditor" });
    expect(await pdfText(zip[pv]!)).toBe(await pdfText(new Uint8Array(await official.arrayBuffer())));
    expect(await pdfText(zip[pv]!)).toContain("Marie Dupont");
    for (const r of index.slice(1)) expect(r[8]).toBe("clôturé");
    expect(index.map((r) => r[4])).toContain("F-2024-099");
    expect(index.filter((r) => r[1] === "Reçu fiscal")).toHaveLength(1);
    for (const name of [`livres/balance-${YEAR - 1}.pdf`, `livres/grand-livre-${YEAR - 1}.pdf`, `rapprochements/512-${YEAR - 1}-12-31.pdf`]) {
      const text = await pdfText(zip[name]!);
      expect(text, name).not.toContain("non clôturé");
    }
    expect(await pdfText(zip[`livres/balance-${YEAR - 1}.pdf`]!)).toContain("Exercice clôturé le");
  });
});

describe("the placeholder SIREN", () => {
  it("is refused outside development for the auditor's package too (409 in French, no 000000000FEC file built)", async () => {
    const settings = async () => (await call("GET", "/v1/settings")).body.sections.identity as { value: Json; version: number };
    const putIdentity = async (value: Json) => {
      const res = await stack.call("PUT", "/v1/settings/identity", {
        role: "tresorier",
        body: value,
        headers: { "if-match": String((await settings()).version) },
      });
      expect(res.status, await res.text()).toBe(200);
    };
    const stage = process.env.STAGE;
    const original = (await settings()).value;
    // No SIREN (the RNA number stands in for the receipts): the FEC would be named 000000000FEC….
    await putIdentity({ ...original, siren: "", rna: original.rna || "W751234567" });
    try {
      process.env.STAGE = "prod";
      const res = await stack.call("POST", `/v1/ledger/years/${YEAR}/audit-package`, { role: "auditor" });
      expect(res.status).toBe(409);
      expect(res.headers.get("content-type")).toMatch(/problem\+json/);
      const problem = (await res.json()) as { detail: string };
      expect(problem.detail).toContain("Le SIREN de l'association n'est pas renseigné");
    } finally {
      if (stage === undefined) delete process.env.STAGE;
      else process.env.STAGE = stage;
      await putIdentity(original);
    }
  });
});
