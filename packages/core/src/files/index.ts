/** The file store adapter's door (S3; s3rver locally): invoices, receipts' PDFs, large exports. */
export * from "./s3.js";
