/**
 * Invoice files (justificatifs) of expenses, in the private files bucket. A file is accepted when
 * its content is a PDF, JPEG or PNG (checked on its first bytes, not on what the client says) and
 * at most 10 MiB; its SHA-256 is kept with the expense, so an auditor can prove the file shown is
 * the one booked. An expense has one file: the same file again is accepted, another is refused.
 *
 * Two ways in: the body of `PUT /v1/expenses/{id}/invoice`, or a presigned PUT straight to the
 * bucket (signed for one type and one size) followed by `POST /v1/expenses/{id}/invoice/confirm`
 * with the key the server issued, which checks the object's size before reading it back and then
 * checks it the same way.
 *
 * Errors: NotFoundError (expense, object), UnsupportedMediaTypeError (not PDF/JPEG/PNG),
 * PayloadTooLargeError (over 10 MiB), ConflictError (another file is already booked).
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.js";
import { UnitOfWork } from "../db/unit-of-work.js";
import { ConflictError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from "../errors.js";
import { getObject, headObject, presignGet, presignPut, putObject } from "../files/index.js";
import { expenseFileItem, readExpense, readIssuedUpload, saveIssuedUpload, type InvoiceFile } from "./store.js";
import { MAX_INVOICE_BYTES } from "./schemas.js";
import { sha256Hex } from "../hash.js";
import { nowIso, nowMs } from "../clock.js";
export { MAX_INVOICE_BYTES };
const LINK_SECONDS = 300;

/** The file's type read from its first bytes: `%PDF-`, JPEG's SOI marker, PNG's signature; else undefined. */
export function sniffInvoiceType(bytes: Uint8Array): "application/pdf" | "image/jpeg" | "image/png" | undefined {
  const starts = (sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  return undefined;
}

const EXT = { "application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png" } as const;
const sha256 = sha256Hex;
const objectKey = (expenseId: string, hash: string, type: keyof typeof EXT) => `invoices/${expenseId}/${hash}.${EXT[type]}`;

function check(bytes: Uint8Array): keyof typeof EXT {
  if (bytes.length === 0) throw new ValidationError([{ path: "(body)", message: "the file is empty" }]);
  if (bytes.length > MAX_INVOICE_BYTES) throw new PayloadTooLargeError(`The file is ${bytes.length} bytes; the limit is ${MAX_INVOICE_BYTES}.`);
  const type = sniffInvoiceType(bytes);
  if (!type) throw new UnsupportedMediaTypeError("An invoice is a PDF, JPEG or PNG file (its content says otherwise).");
  return type;
}

async function record(db: Db, expenseId: string, file: InvoiceFile) {
  const refused = await new UnitOfWork().add(expenseFileItem(expenseId, file)).tryCommit(db);
  if (refused) {
    if (!refused.has("expense-file")) throw refused;
    const e = await readExpense(db, expenseId);
    if (!e) throw new NotFoundError(`No expense ${expenseId}.`);
    if (e.file?.sha256 !== file.sha256)
      throw new ConflictError(`Expense ${expenseId} already has its invoice (sha256 ${e.file?.sha256}); a booked file is not replaced.`, {
        sha256: e.file?.sha256,
      });
  }
  return (await readExpense(db, expenseId))!.file!;
}

/** `PUT /v1/expenses/{id}/invoice`: the file as the request body. */
export async function uploadInvoice(db: Db, expenseId: string, bytes: Buffer) {
  if (!(await readExpense(db, expenseId))) throw new NotFoundError(`No expense ${expenseId}.`);
  const type = check(bytes);
  const hash = sha256(bytes);
  const key = objectKey(expenseId, hash, type);
  await putObject(key, bytes, type);
  return record(db, expenseId, { key, sha256: hash, contentType: type, size: bytes.length, uploadedAt: nowIso() });
}

/** How long an issued upload key may be confirmed (the bucket expires unconfirmed uploads after 2 days). */
const UPLOAD_CONFIRM_SECONDS = 2 * 24 * 3600;

/**
 * `POST /v1/expenses/{id}/invoice/upload-url`: a presigned PUT for the client to send the file
 * itself, signed for its type and its exact size (S3 refuses another Content-Length), and the key
 * it is for, kept so that confirm accepts that key only.
 */
export async function invoiceUploadUrl(db: Db, expenseId: string, contentType: keyof typeof EXT, size: number) {
  if (!(await readExpense(db, expenseId))) throw new NotFoundError(`No expense ${expenseId}.`);
  if (size > MAX_INVOICE_BYTES) throw new PayloadTooLargeError(`The file is ${size} bytes; the limit is ${MAX_INVOICE_BYTES}.`);
  const key = `invoices/uploads/${expenseId}/${randomUUID()}.${EXT[contentType]}`;
  await saveIssuedUpload(db, expenseId, { key, contentType, size, ttl: Math.floor(nowMs() / 1000) + UPLOAD_CONFIRM_SECONDS });
  return {
    url: await presignPut(key, contentType, LINK_SECONDS, { contentLength: size }),
    key,
    contentType,
    expiresIn: LINK_SECONDS,
    maxBytes: MAX_INVOICE_BYTES,
  };
}

/**
 * `POST /v1/expenses/{id}/invoice/confirm`: accepts only a key the server issued for this expense
 * (any other, a `../` one included, is a 400 and nothing is read), checks the object's size with
 * HeadObject before reading it (over 10 MiB or not the size the link was signed for: refused), then
 * checks its content and books it.
 */
export async function confirmInvoiceUpload(db: Db, expenseId: string, key: string) {
  const notIssued = new ValidationError([{ path: "key", message: "is not an upload key given for this expense" }]);
  if (!key.startsWith(`invoices/uploads/${expenseId}/`)) throw notIssued;
  if (!(await readExpense(db, expenseId))) throw new NotFoundError(`No expense ${expenseId}.`);
  const issued = await readIssuedUpload(db, expenseId, key);
  if (!issued || issued.key !== key || issued.ttl < Math.floor(nowMs() / 1000)) throw notIssued;
  const head = await headObject(key);
  if (!head) throw new NotFoundError(`Nothing was uploaded at ${key}.`);
  if (head.size > MAX_INVOICE_BYTES) throw new PayloadTooLargeError(`The file is ${head.size} bytes; the limit is ${MAX_INVOICE_BYTES}.`);
  if (head.size !== issued.size)
    throw new ValidationError([{ path: "key", message: `the uploaded file is ${head.size} bytes, not the ${issued.size} the link was given for` }]);
  const bytes = await getObject(key);
  if (!bytes) throw new NotFoundError(`Nothing was uploaded at ${key}.`);
  if (bytes.length !== issued.size)
    throw new ValidationError([{ path: "key", message: `the uploaded file is ${bytes.length} bytes, not the ${issued.size} the link was given for` }]);
  const type = check(bytes);
  // Booked under its final key (expense and hash), like a direct upload: the upload area
  // (`invoices/uploads/`) holds only unconfirmed files, which a bucket lifecycle rule may expire.
  const hash = sha256(bytes);
  const finalKey = objectKey(expenseId, hash, type);
  await putObject(finalKey, bytes, type);
  return record(db, expenseId, { key: finalKey, sha256: hash, contentType: type, size: bytes.length, uploadedAt: nowIso() });
}

/** `GET /v1/expenses/{id}/invoice`: a presigned download link and the file's SHA-256. */
export async function invoiceLink(db: Db, expenseId: string) {
  const e = await readExpense(db, expenseId);
  if (!e) throw new NotFoundError(`No expense ${expenseId}.`);
  if (!e.file) throw new NotFoundError(`Expense ${expenseId} has no invoice file.`);
  const name = `${e.pieceRef.replace(/[^\w.-]+/g, "_")}.${EXT[e.file.contentType as keyof typeof EXT]}`;
  return { url: await presignGet(e.file.key, LINK_SECONDS, { fileName: name }), expiresIn: LINK_SECONDS, file: e.file };
}
