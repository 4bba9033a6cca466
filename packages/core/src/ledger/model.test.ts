import { describe, expect, it } from "vitest";
import { entryHash, entryRef, entryView, GENESIS_HASH, type Entry } from "./model.js";

const entry: Entry = {
  id: "e1",
  seq: 7,
  journal: "BQ",
  year: 2024,
  number: 3,
  date: "2024-03-05",
  label: "Don",
  pieceRef: "P1",
  pieceDate: "2024-03-05",
  validDate: "2024-03-06",
  lines: [
    { account: "512", debit: 1000, credit: 0 },
    { account: "7541", debit: 0, credit: 1000, label: "Don Dupont" },
  ],
  status: "validated",
  createdAt: "2024-03-06T10:00:00.000Z",
};

describe("entry hash", () => {
  // Computed with the hash function as it was before auxiliary accounts and the audit trail:
  // entries already in the chain must keep verifying.
  it("is unchanged for entries without auxiliary accounts", () => {
    expect(entryHash(entry, GENESIS_HASH)).toBe("5733e7ab8d4ed58c84e96270040d7d3dcd3645594d9a2013a0b0066d9d993a26");
    expect(entryHash({ ...entry, reversalOf: "e0" }, "a".repeat(64))).toBe("709f2f3e2208ccf82a4d67e5f6a2ffda799e39d6a3a0676f1eb0717aad941e57");
  });
  it("does not cover the audit trail (who wrote it, from which request)", () => {
    const withActor = { ...entry, createdBy: { sub: "u-1", role: "tresorier", requestId: "r-1" } };
    expect(entryHash(withActor, GENESIS_HASH)).toBe(entryHash(entry, GENESIS_HASH));
  });
  it("covers the auxiliary account, its number and its label", () => {
    const aux = (number: string, label: string): Entry => ({ ...entry, lines: [entry.lines[0]!, { ...entry.lines[1]!, aux: { number, label } }] });
    const base = entryHash(aux("F001", "ACME"), GENESIS_HASH);
    expect(base).not.toBe(entryHash(entry, GENESIS_HASH));
    expect(entryHash(aux("F002", "ACME"), GENESIS_HASH)).not.toBe(base);
    expect(entryHash(aux("F001", "ACME SA"), GENESIS_HASH)).not.toBe(base);
  });
  it("changes with any amount, account, date or link", () => {
    const h = entryHash(entry, GENESIS_HASH);
    expect(entryHash({ ...entry, lines: [{ ...entry.lines[0]!, debit: 1001 }, entry.lines[1]!] }, GENESIS_HASH)).not.toBe(h);
    expect(entryHash({ ...entry, lines: [{ ...entry.lines[0]!, account: "530" }, entry.lines[1]!] }, GENESIS_HASH)).not.toBe(h);
    expect(entryHash({ ...entry, date: "2024-03-04" }, GENESIS_HASH)).not.toBe(h);
    expect(entryHash(entry, "1".repeat(64))).not.toBe(h);
  });
});

describe("entry view", () => {
  it("shows the reference, the auxiliary account and who wrote the entry", () => {
    const v = entryView({
      ...entry,
      lines: [entry.lines[0]!, { ...entry.lines[1]!, aux: { number: "D42", label: "Dupont" } }],
      createdBy: { sub: "u-1", role: "tresorier", requestId: "r-1" },
    });
    expect(v.ref).toBe("BQ000003");
    expect(v.lines[1]).toEqual({ account: "7541", debit: 0, credit: 1000, label: "Don Dupont", aux: { number: "D42", label: "Dupont" } });
    expect(v.lines[0]).toEqual({ account: "512", debit: 1000, credit: 0 });
    expect(v.createdBy).toEqual({ sub: "u-1", role: "tresorier", requestId: "r-1" });
  });
  it("a draft has no reference yet", () => {
    expect(entryRef({ journal: "OD", number: undefined })).toBeNull();
    expect(entryRef({ journal: "OD", number: 12 })).toBe("OD000012");
  });
});
