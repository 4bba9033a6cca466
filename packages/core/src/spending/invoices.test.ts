import { describe, expect, it } from "vitest";
import { sniffInvoiceType } from "./invoices.js";

describe("invoice type from content", () => {
  it("recognises PDF, JPEG and PNG by their first bytes, whatever the name says", () => {
    expect(sniffInvoiceType(Buffer.from("%PDF-1.4\n…"))).toBe("application/pdf");
    expect(sniffInvoiceType(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0]))).toBe("image/jpeg");
    expect(sniffInvoiceType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe("image/png");
  });
  it("refuses anything else, and truncated signatures", () => {
    for (const bytes of [Buffer.from("<html>"), Buffer.from("%PDF"), Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from("PK\u0003\u0004"), Buffer.alloc(0)])
      expect(sniffInvoiceType(bytes)).toBeUndefined();
  });
});
