/**
 * Expenses and their invoice files through the HTTP surface, against the real local S3 (s3rver):
 * the file's type is read from its content, its SHA-256 is kept with the expense, a presigned link
 * gives back the same bytes, a booked file is never replaced.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, opts: { role?: string; headers?: Record<string, string> } = {}) {
  const res = await stack.call(method, path, { body, role: opts.role ?? "tresorier", headers: opts.headers });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
async function put(path: string, bytes: Uint8Array, contentType: string, role = "tresorier") {
  const token = await stack.identity.token(role);
  const res = await fetch(`${stack.url}${path}`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": contentType }, body: bytes });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

const PDF = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% facture F-2024-031\n%%EOF\n");
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("IHDR fake png body")]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("JFIF fake jpeg body")]);

async function expense(pieceRef: string, extra: Json = {}) {
  const r = await call("POST", "/v1/expenses", {
    date: "2025-02-03",
    supplier: "Studio Graphique Lumen",
    account: "623",
    amount: 180_000,
    label: "Affiches",
    pieceRef,
    ...extra,
  });
  expect(r.status).toBe(201);
  return r.body;
}

describe("expenses", () => {
  it("paid in cash: the payment goes to 530 (OD); unpaid: one entry only", async () => {
    const cash = await expense("F-CASH-1", { amount: 4_500, paid: { date: "2025-02-03", method: "cash" } });
    expect(cash.entries).toHaveLength(2);
    expect(cash.entries[1].journal).toBe("OD");
    expect(cash.entries[1].lines.map((l: Json) => [l.account, l.debit, l.credit])).toEqual([
      ["401", 4_500, 0],
      ["530", 0, 4_500],
    ]);
    const unpaid = await expense("F-OPEN-1");
    expect(unpaid.entries).toHaveLength(1);
    expect(unpaid.paymentEntryId).toBeNull();
  });

  it("a sub-account the association added (62261) is a charge account for expenses; an unknown one is refused", async () => {
    expect(
      (
        await call("POST", "/v1/expenses", {
          date: "2025-02-03",
          supplier: "Léa Petit",
          account: "62261",
          amount: 70_000,
          label: "Rédaction",
          pieceRef: "F-LP-1",
        })
      ).status,
    ).toBe(400);
    const added = await call("POST", "/v1/ledger/accounts", { number: "62261", label: "Honoraires de rédaction" });
    expect(added.status).toBe(201);
    const r = await call("POST", "/v1/expenses", {
      date: "2025-02-03",
      supplier: "Léa Petit",
      account: "62261",
      amount: 70_000,
      label: "Rédaction",
      pieceRef: "F-LP-1",
    });
    expect(r.status).toBe(201);
    expect(r.body.entries[0].lines.map((l: Json) => [l.account, l.debit, l.aux?.number ?? null])).toEqual([
      ["62261", 70_000, null],
      ["401", 0, "FLEAPETIT"],
    ]);
  });

  it("a replayed Idempotency-Key answers the same expense and writes nothing twice", async () => {
    const body = {
      date: "2025-02-04",
      supplier: "Data Lab",
      account: "604",
      amount: 90_000,
      label: "Analyse",
      pieceRef: "F-IDEM-1",
      paid: { date: "2025-02-05", method: "card" },
    };
    const headers = { "idempotency-key": "expense-idem-1" };
    const a = await call("POST", "/v1/expenses", body, { headers });
    const b = await call("POST", "/v1/expenses", body, { headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(b.body.entries.map((e: Json) => e.number)).toEqual(a.body.entries.map((e: Json) => e.number));
    const list = await call("GET", "/v1/expenses?year=2025&limit=500", undefined, { role: "auditor" });
    expect(list.body.items.filter((e: Json) => e.pieceRef === "F-IDEM-1")).toHaveLength(1);
  });

  it("lists a year's expenses a page at a time with signed cursors", async () => {
    const first = await call("GET", "/v1/expenses?year=2025&limit=2", undefined, { role: "auditor" });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await call("GET", `/v1/expenses?year=2025&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, undefined, { role: "auditor" });
    expect(next.status).toBe(200);
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
    const forged = await call("GET", `/v1/expenses?year=2025&cursor=abc.def`, undefined, { role: "auditor" });
    expect(forged.status).toBe(400);
  });
});

describe("invoice files", () => {
  it("a PDF sent as the body: checked by content, its SHA-256 kept; a presigned link gives back the same bytes", async () => {
    const e = await expense("F-2024-031");
    const up = await put(`/v1/expenses/${e.id}/invoice`, PDF, "application/pdf");
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ sha256: sha256(PDF), contentType: "application/pdf", size: PDF.length });
    const link = await call("GET", `/v1/expenses/${e.id}/invoice`, undefined, { role: "auditor" });
    expect(link.status).toBe(200);
    const got = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    // The auditor's proof: the downloaded file hashes to the SHA-256 booked with the expense.
    expect(sha256(got)).toBe((await call("GET", `/v1/expenses/${e.id}`, undefined, { role: "auditor" })).body.file.sha256);
    // The same file again is accepted; another file is refused, the booked one stays.
    expect((await put(`/v1/expenses/${e.id}/invoice`, PDF, "application/pdf")).status).toBe(200);
    const other = await put(`/v1/expenses/${e.id}/invoice`, Buffer.concat([PDF, Buffer.from("x")]), "application/pdf");
    expect(other.status).toBe(409);
    expect((await call("GET", `/v1/expenses/${e.id}`, undefined, { role: "auditor" })).body.file.sha256).toBe(sha256(PDF));
  });

  it("the type comes from the content: a text file called PDF → 415; JPEG and PNG are accepted", async () => {
    const e = await expense("F-TXT-1");
    const fake = await put(`/v1/expenses/${e.id}/invoice`, Buffer.from("not a pdf at all"), "application/pdf");
    expect(fake.status).toBe(415);
    const jpg = await put(`/v1/expenses/${e.id}/invoice`, JPEG, "application/octet-stream");
    expect(jpg.status).toBe(200);
    expect(jpg.body.contentType).toBe("image/jpeg");
  });

  it("over 10 MiB → 413; an unknown expense → 404; the délégation and the auditor may not upload", async () => {
    const e = await expense("F-BIG-1");
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    PDF.copy(big);
    expect((await put(`/v1/expenses/${e.id}/invoice`, big, "application/pdf")).status).toBe(413);
    expect((await put(`/v1/expenses/nope/invoice`, PDF, "application/pdf")).status).toBe(404);
    expect((await put(`/v1/expenses/${e.id}/invoice`, PDF, "application/pdf", "delegation")).status).toBe(403);
    expect((await put(`/v1/expenses/${e.id}/invoice`, PDF, "application/pdf", "auditor")).status).toBe(403);
    expect((await call("GET", `/v1/expenses/${e.id}/invoice`, undefined, { role: "auditor" })).status).toBe(404);
  });

  it("presigned PUT then confirm: the uploaded object is checked and booked", async () => {
    const e = await expense("F-PNG-1");
    const u = await call("POST", `/v1/expenses/${e.id}/invoice/upload-url`, { contentType: "image/png", size: PNG.length });
    expect(u.status).toBe(201);
    const sent = await fetch(u.body.url, { method: "PUT", body: PNG, headers: { "content-type": "image/png" } });
    expect(sent.status).toBe(200);
    const wrongKey = await call("POST", `/v1/expenses/${e.id}/invoice/confirm`, { key: "uploads/other/x.png" });
    expect(wrongKey.status).toBe(400);
    const c = await call("POST", `/v1/expenses/${e.id}/invoice/confirm`, { key: u.body.key });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ sha256: sha256(PNG), contentType: "image/png", size: PNG.length, key: `invoices/${e.id}/${sha256(PNG)}.png` });
    const link = await call("GET", `/v1/expenses/${e.id}/invoice`, undefined, { role: "auditor" });
    expect(sha256(Buffer.from(await (await fetch(link.body.url)).arrayBuffer()))).toBe(sha256(PNG));

    // A presigned upload of something else is refused at confirmation.
    const e2 = await expense("F-PNG-2");
    const u2 = await call("POST", `/v1/expenses/${e2.id}/invoice/upload-url`, { contentType: "image/png", size: 6 });
    await fetch(u2.body.url, { method: "PUT", body: Buffer.from("<html>"), headers: { "content-type": "image/png" } });
    expect((await call("POST", `/v1/expenses/${e2.id}/invoice/confirm`, { key: u2.body.key })).status).toBe(415);
    expect((await call("GET", `/v1/expenses/${e2.id}`, undefined, { role: "auditor" })).body.file).toBeNull();
  });
});
