/**
 * Presigned invoice uploads through the HTTP surface, against the real local S3 (s3rver): confirm
 * accepts only the key the server issued, the link is signed for one size, and confirm checks the
 * object's size before reading it.
 *
 * s3rver does not verify V4 signatures (nor POST policies), so it stores a body of any size at a
 * presigned URL: here it stands for an S3 that let a file through, and confirm must still refuse it.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putObject } from "@asso/core/files";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

const PDF = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% facture F-2025-001\n%%EOF\n");
const RECEIPT = Buffer.from("%PDF-1.7\n% Reçu fiscal 2025-0001 Camille Martin 12 rue des Lilas\n%%EOF\n");

async function expense(pieceRef: string) {
  const r = await call("POST", "/v1/expenses", {
    date: "2025-02-03",
    supplier: "Studio Graphique Lumen",
    account: "623",
    amount: 12_000,
    label: "Affiches",
    pieceRef,
  });
  expect(r.status).toBe(201);
  return r.body as { id: string };
}
const fileOf = async (id: string) => (await call("GET", `/v1/expenses/${id}`, undefined, "auditor")).body.file;

describe("confirm takes only the key the server issued", () => {
  it("bug: a ../ key booked a donor's receipt as an invoice", async () => {
    await putObject("receipts/2025/2025-0001.pdf", RECEIPT, "application/pdf");
    const e = await expense("F-DOT-1");
    for (const key of [
      `invoices/uploads/${e.id}/../../../receipts/2025/2025-0001.pdf`,
      `invoices/uploads/${e.id}/%2e%2e/%2e%2e/%2e%2e/receipts/2025/2025-0001.pdf`,
    ]) {
      const c = await call("POST", `/v1/expenses/${e.id}/invoice/confirm`, { key });
      expect(c.status, key).toBe(400);
      expect(c.body.errors).toEqual([{ path: "key", message: "is not an upload key given for this expense" }]);
    }
    expect(await fileOf(e.id)).toBeNull();
  });

  it("a well-formed key the server never issued is refused, even with a file behind it", async () => {
    const e = await expense("F-FORGED-1");
    const key = `invoices/uploads/${e.id}/${randomUUID()}.pdf`;
    await putObject(key, PDF, "application/pdf");
    expect((await call("POST", `/v1/expenses/${e.id}/invoice/confirm`, { key })).status).toBe(400);
    // Issued for another expense: refused here too.
    const other = await expense("F-OTHER-1");
    const u = await call("POST", `/v1/expenses/${other.id}/invoice/upload-url`, { contentType: "application/pdf", size: PDF.length });
    await fetch(u.body.url, { method: "PUT", body: PDF, headers: { "content-type": "application/pdf" } });
    expect((await call("POST", `/v1/expenses/${e.id}/invoice/confirm`, { key: u.body.key })).status).toBe(400);
    expect(await fileOf(e.id)).toBeNull();
  });
});

describe("the upload carries a size limit", () => {
  it("the link is signed for the file's type and exact size (and carries no checksum of an empty body)", async () => {
    const e = await expense("F-SIGNED-1");
    const u = await call("POST", `/v1/expenses/${e.id}/invoice/upload-url`, { contentType: "application/pdf", size: PDF.length });
    expect(u.status).toBe(201);
    const q = new URL(u.body.url).searchParams;
    expect(q.get("X-Amz-SignedHeaders")?.split(";")).toEqual(expect.arrayContaining(["content-length", "content-type", "host"]));
    expect([...q.keys()].filter((k) => k.toLowerCase().startsWith("x-amz-checksum"))).toEqual([]);
    const sent = await fetch(u.body.url, { method: "PUT", body: PDF, headers: { "content-type": "application/pdf" } });
    expect(sent.status).toBe(200);
    const c = await call("POST", `/v1/expenses/${e.id}/invoice/confirm`, { key: u.body.key });
    expect(c.status).toBe(200);
    expect(c.body.size).toBe(PDF.length);
  });

  it("a link for more than 10 MiB is refused, naming the field", async () => {
    const e = await expense("F-BIG-LINK-1");
    const r = await call("POST", `/v1/expenses/${e.id}/invoice/upload-url`, { contentType: "application/pdf", size: 10 * 1024 * 1024 + 1 });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((x: Json) => x.path)).toEqual(["size"]);
  });

  it("confirm checks the size before reading: another size than signed → 400, over 10 MiB → 413, nothing booked", async () => {
    const e = await expense("F-SIZE-1");
    const u = await call("POST", `/v1/expenses/${e.id}/invoice/upload-url`, { contentType: "application/pdf", size: PDF.length });
    const longer = Buffer.concat([PDF, Buffer.from("% more than was signed\n")]);
    await putObject(u.body.key, longer, "application/pdf");
    const c = await call("POST", `/v1/expenses/${e.id}/invoice/confirm`, { key: u.body.key });
    expect(c.status).toBe(400);
    expect(c.body.errors[0].message).toMatch(/bytes, not the \d+ the link was given for/);

    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    PDF.copy(big);
    await putObject(u.body.key, big, "application/pdf");
    expect((await call("POST", `/v1/expenses/${e.id}/invoice/confirm`, { key: u.body.key })).status).toBe(413);
    expect(await fileOf(e.id)).toBeNull();
  });
});
