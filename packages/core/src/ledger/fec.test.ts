import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Chart } from "./chart.js";
import { csvCell, entryRows, exportFileName, FEC_FIELDS, formatLine, frenchAmount, letterCode, letterLines, toIso885915 } from "./fec.js";
import type { Entry } from "./model.js";

describe("money formatting", () => {
  it("writes cents with a decimal comma and no thousands separator", () => {
    expect(frenchAmount(0)).toBe("0,00");
    expect(frenchAmount(5)).toBe("0,05");
    expect(frenchAmount(50)).toBe("0,50");
    expect(frenchAmount(123456)).toBe("1234,56");
    expect(frenchAmount(100000000)).toBe("1000000,00");
    expect(frenchAmount(-2550)).toBe("-25,50");
  });
  it("reads back to the same cents, for any amount", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (cents) => {
        const m = /^(-?)(\d+),(\d{2})$/.exec(frenchAmount(cents))!;
        expect(m).not.toBeNull();
        expect((m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3]))).toBe(cents);
      }),
    );
  });
});

const entry: Entry = {
  id: "e1",
  journal: "HA",
  year: 2024,
  number: 12,
  seq: 40,
  date: "2024-03-05",
  label: "Facture\tACME | mars\r\n",
  pieceRef: " F-17 ",
  pieceDate: "2024-03-01",
  validDate: "2024-03-06",
  status: "validated",
  createdAt: "2024-03-06T10:00:00Z",
  lines: [
    { account: "6064", debit: 9000, credit: 0 },
    { account: "401", debit: 0, credit: 9000, aux: { number: "F-ACME", label: "ACME\tImprimerie" } },
  ],
};

describe("FEC lines", () => {
  it("has the 18 fields in order, AAAAMMJJ dates, cleaned text, the auxiliary account", () => {
    const [first, second] = entryRows(entry, "fec", new Chart());
    expect(first).toEqual([
      "HA",
      "Achats",
      "HA000012",
      "20240305",
      "6064",
      "Fournitures administratives",
      "",
      "",
      "F-17",
      "20240301",
      "Facture ACME mars",
      "90,00",
      "0,00",
      "",
      "",
      "20240306",
      "",
      "",
    ]);
    expect(second!.slice(4, 8)).toEqual(["401", "Fournisseurs", "F-ACME", "ACME Imprimerie"]);
    expect(second!.slice(11, 13)).toEqual(["0,00", "90,00"]);
    expect(first).toHaveLength(FEC_FIELDS.length);
  });
  it("uses the association's label for a sub-account", () => {
    const chart = new Chart([{ number: "60641", label: "Papeterie", class: 6, custom: true, parent: "6064" }]);
    const [row] = entryRows({ ...entry, lines: [{ ...entry.lines[0]!, account: "60641" }, entry.lines[1]!] }, "fec", chart);
    expect(row![5]).toBe("Papeterie");
  });
  it("cleans control characters, line and paragraph separators and pipes out of text fields", () => {
    const [row] = entryRows({ ...entry, label: "Don\u2028Dupont\u0007 |\u2029x\u0085y" }, "fec", new Chart());
    expect(row![10]).toBe("Don Dupont x y");
  });
  it("never leaves a mandatory field blank, even when the text was only invisible characters", () => {
    const [row] = entryRows({ ...entry, label: "\u0007\u200b", pieceRef: "\u202e" }, "fec", new Chart());
    expect(row![8]).toBe("-");
    expect(row![10]).toBe("-");
  });
  it("is tab separated with CRLF; no field holds a tab or a line break", () => {
    const text = entryRows(entry, "fec", new Chart())
      .map((r) => formatLine(r, "fec"))
      .join("");
    for (const line of text.split("\r\n").filter(Boolean)) expect(line.split("\t")).toHaveLength(18);
  });
  it("the CSV writes JJ/MM/AAAA dates", () => {
    expect(entryRows(entry, "csv", new Chart())[0]![3]).toBe("05/03/2024");
  });
  it("names the file after the SIREN and the closing date", () => {
    expect(exportFileName("912345678", 2024, "fec")).toBe("912345678FEC20241231.txt");
    expect(exportFileName("912345678", 2024, "csv")).toBe("ecritures-2024.csv");
  });
});

describe("CSV cells", () => {
  it("neutralises what a spreadsheet would run as a formula", () => {
    for (const v of ["=1+1", "+33", "-2", "@SUM(A1)", "\t=1", "\r=1"]) expect(csvCell(v).replace(/^"/, "")).toMatch(/^'/);
    expect(csvCell("Don")).toBe("Don");
    expect(csvCell("12,50")).toBe("12,50");
  });
  it("quotes a cell with the separator, a quote or a line break", () => {
    expect(csvCell('a;b"c')).toBe('"a;b""c"');
    expect(csvCell("=a;b")).toBe(`"'=a;b"`);
  });
  it("never lets a cell start with a formula character, for any text", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const cell = csvCell(s);
        const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
        expect(unquoted).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
  });
});

describe("lettrage", () => {
  const c = (key: string, account: string, amount: number, date: string, pieceRef = "P", aux = "") => ({
    key,
    entryId: key.split("#")[0]!,
    account,
    aux,
    pieceRef,
    date,
    amount,
  });
  it("codes run A…Z, AA, AB…", () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(letterCode)).toEqual(["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
  });
  it("letters a piece settled on one account and auxiliary account, dated its last line", () => {
    const l = letterLines([c("e1#1", "401", -15000, "2024-02-01", "F-12", "F1"), c("e2#0", "401", 15000, "2024-02-10", "F-12", "F1")], [], new Map());
    expect(l.get("e1#1")).toEqual({ code: "A", date: "2024-02-10" });
    expect(l.get("e2#0")).toEqual({ code: "A", date: "2024-02-10" });
  });
  it("pairs equal amounts across pieces, never across auxiliary accounts, and leaves what is open", () => {
    const l = letterLines(
      [
        c("a#0", "411", 5000, "2024-01-05", "V1", "C1"),
        c("b#0", "411", -5000, "2024-01-20", "R9", "C1"),
        c("c#0", "411", 7000, "2024-01-06", "V2", "C1"),
        c("d#0", "411", -7000, "2024-01-21", "R8", "C2"),
        c("e#0", "441", 10000, "2024-03-01", "S1"),
        c("f#0", "441", -4000, "2024-04-01", "S2"),
        c("g#0", "441", -6000, "2024-05-01", "S3"),
      ],
      [],
      new Map(),
    );
    expect(l.get("a#0")).toEqual({ code: "A", date: "2024-01-20" });
    expect(l.get("b#0")).toEqual({ code: "A", date: "2024-01-20" });
    expect(l.has("c#0")).toBe(false);
    expect(l.has("d#0")).toBe(false);
    for (const k of ["e#0", "f#0", "g#0"]) expect(l.get(k)).toEqual({ code: "A", date: "2024-05-01" });
  });
  it("letters a bank group's lines on its account, dated the day it was matched (Paris)", () => {
    const l = letterLines(
      [],
      [c("x#0", "512", 2000, "2024-01-15"), c("y#1", "5121", -300, "2024-01-16")],
      new Map([
        ["x", { group: "m1", account: "512", matchedAt: "2024-01-31T23:30:00.000Z" }],
        ["y", { group: "m2", account: "512", matchedAt: "2024-01-20T10:00:00.000Z" }],
      ]),
    );
    expect(l.get("x#0")).toEqual({ code: "A", date: "2024-02-01" });
    expect(l.has("y#1")).toBe(false);
  });
  it("fills EcritureLet and DateLet in the rows", () => {
    const [row] = entryRows(entry, "fec", new Chart([]), new Map([["e1#0", { code: "C", date: "2024-03-01" }]]));
    expect(row![13]).toBe("C");
    expect(row![14]).toBe("20240301");
  });
});

describe("ISO-8859-15", () => {
  it("keeps French letters and the euro sign, and writes the nearest form of the rest", () => {
    expect([...toIso885915("é à ç Œ œ € Ÿ")]).toEqual([0xe9, 0x20, 0xe0, 0x20, 0xe7, 0x20, 0xbc, 0x20, 0xbd, 0x20, 0xa4, 0x20, 0xbe]);
    expect(Buffer.from(toIso885915("l\u2019asso \u2013 ok\u2026 ǅ 中")).toString("latin1")).toBe("l'asso - ok... ? ?");
    expect(Buffer.from(toIso885915("ő")).toString("latin1")).toBe("o");
  });
});
