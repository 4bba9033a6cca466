/** The file store adapter against the real local S3 (s3rver): bytes in, bytes out, presigned links. */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startS3Local, type RunningS3 } from "../infra/s3-local.js";
import { getObject, presignGet, presignPut, putObject } from "@asso/core/files";

let s3: RunningS3;
beforeAll(async () => {
  s3 = await startS3Local();
  Object.assign(process.env, s3.env);
});
afterAll(() => s3.stop());

it("stores a file and gives it back byte for byte, directly and through presigned links", async () => {
  const bytes = Buffer.from("%PDF-1.7\nfacture 2024-017\n");
  await putObject("invoices/a.pdf", bytes, "application/pdf");
  expect((await getObject("invoices/a.pdf"))?.equals(bytes)).toBe(true);
  expect(await getObject("invoices/missing.pdf")).toBeUndefined();

  const got = await fetch(await presignGet("invoices/a.pdf", 60, { fileName: "facture.pdf" }));
  expect(got.status).toBe(200);
  expect(
    createHash("sha256")
      .update(Buffer.from(await got.arrayBuffer()))
      .digest("hex"),
  ).toBe(createHash("sha256").update(bytes).digest("hex"));

  const up = await fetch(await presignPut("invoices/b.png", "image/png", 60), {
    method: "PUT",
    body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    headers: { "content-type": "image/png" },
  });
  expect(up.status).toBe(200);
  expect((await getObject("invoices/b.png"))?.length).toBe(4);
});
