/**
 * The file store adapter: invoices and large exports in S3 (a private, encrypted bucket in AWS;
 * s3rver locally through `S3_ENDPOINT`). Domain code calls these functions, never the SDK.
 * The SDK is loaded on first use, so routes that never touch files do not pay for it.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";

let client: S3Client | undefined;
let clientEndpoint: string | undefined;

async function s3(): Promise<S3Client> {
  const endpoint = process.env.S3_ENDPOINT;
  if (client && clientEndpoint === endpoint) return client;
  const { S3Client } = await import("@aws-sdk/client-s3");
  // Checksums only where S3 requires them: otherwise the SDK puts the CRC32 of an empty body in a
  // presigned PUT's query, and S3 refuses the file actually sent (BadDigest).
  client = new S3Client({
    requestChecksumCalculation: "WHEN_REQUIRED",
    ...(endpoint ? { endpoint, region: "eu-west-3", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } } : {}),
  });
  clientEndpoint = endpoint;
  return client;
}

export function filesBucket(env: Record<string, string | undefined> = process.env): string {
  const b = env.FILES_BUCKET;
  if (!b) throw new Error("FILES_BUCKET is not set");
  return b;
}

export async function putObject(key: string, body: Buffer | Uint8Array | string | Readable, contentType: string, bucket = filesBucket()): Promise<void> {
  const { PutObjectCommand } = await import("@aws-sdk/client-s3");
  await (await s3()).send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      ServerSideEncryption: process.env.S3_ENDPOINT ? undefined : "AES256",
    }),
  );
}

/** The object's bytes, or undefined when there is none. */
export async function getObject(key: string, bucket = filesBucket()): Promise<Buffer | undefined> {
  const { GetObjectCommand, NoSuchKey } = await import("@aws-sdk/client-s3");
  try {
    const r = await (await s3()).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await r.Body!.transformToByteArray());
  } catch (err) {
    if (err instanceof NoSuchKey || (err as { name?: string }).name === "NoSuchKey") return undefined;
    throw err;
  }
}

/** A presigned GET (download) link, valid `seconds`. */
export async function presignGet(key: string, seconds = 300, opts: { fileName?: string; bucket?: string } = {}): Promise<string> {
  const { GetObjectCommand } = await import("@aws-sdk/client-s3");
  const { getSignedUrl } = await import("@aws-sdk/s3-request-presigner");
  return getSignedUrl(
    await s3(),
    new GetObjectCommand({
      Bucket: opts.bucket ?? filesBucket(),
      Key: key,
      ...(opts.fileName ? { ResponseContentDisposition: `attachment; filename="${opts.fileName}"` } : {}),
    }),
    { expiresIn: seconds },
  );
}

/**
 * A presigned PUT (upload) link for one content type and one size, valid `seconds`: Content-Type
 * and Content-Length are signed headers, so S3 refuses a body of any other size or type.
 */
export async function presignPut(key: string, contentType: string, seconds = 300, opts: { contentLength?: number; bucket?: string } = {}): Promise<string> {
  const { PutObjectCommand } = await import("@aws-sdk/client-s3");
  const { getSignedUrl } = await import("@aws-sdk/s3-request-presigner");
  const length = opts.contentLength;
  return getSignedUrl(
    await s3(),
    new PutObjectCommand({
      Bucket: opts.bucket ?? filesBucket(),
      Key: key,
      ContentType: contentType,
      ...(length !== undefined ? { ContentLength: length } : {}),
    }),
    { expiresIn: seconds, signableHeaders: new Set(["content-type", ...(length !== undefined ? ["content-length"] : [])]) },
  );
}

/** The object's size and type without reading it (HeadObject), or undefined when there is none. */
export async function headObject(key: string, bucket = filesBucket()): Promise<{ size: number; contentType?: string } | undefined> {
  const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
  try {
    const r = await (await s3()).send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { size: r.ContentLength ?? 0, ...(r.ContentType ? { contentType: r.ContentType } : {}) };
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return undefined;
    throw err;
  }
}

/** S3's smallest part of a multipart upload (all but the last), 5 MiB. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/**
 * Streams text or bytes to S3 without holding the file: chunks are gathered into parts of
 * `partBytes` (5 MiB at least) sent one at a time as a multipart upload, so memory stays about one
 * part whatever the file's size; a file smaller than one part is a single PUT. An upload that fails
 * half-way is aborted (no orphan parts are kept).
 */
export async function uploadStream(
  key: string,
  source: AsyncIterable<string | Uint8Array>,
  contentType: string,
  opts: { partBytes?: number; bucket?: string } = {},
): Promise<{ bytes: number; parts: number }> {
  const { CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, AbortMultipartUploadCommand } = await import("@aws-sdk/client-s3");
  const client = await s3();
  const bucket = opts.bucket ?? filesBucket();
  const partBytes = Math.max(opts.partBytes ?? 8 * 1024 * 1024, MIN_PART_BYTES);
  const sse = process.env.S3_ENDPOINT ? undefined : ("AES256" as const);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;
  let uploadId: string | undefined;
  const parts: { ETag: string; PartNumber: number }[] = [];

  const flush = async () => {
    const body = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (!uploadId) {
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType, ServerSideEncryption: sse }));
      uploadId = created.UploadId!;
    }
    const n = parts.length + 1;
    const r = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: body, ContentLength: body.length }));
    parts.push({ ETag: r.ETag!, PartNumber: n });
  };

  try {
    for await (const chunk of source) {
      const b = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      pending.push(b);
      pendingBytes += b.length;
      total += b.length;
      if (pendingBytes >= partBytes) await flush();
    }
    if (!uploadId) {
      await putObject(key, Buffer.concat(pending, pendingBytes), contentType, bucket);
      return { bytes: total, parts: 1 };
    }
    if (pendingBytes > 0) await flush();
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    return { bytes: total, parts: parts.length };
  } catch (err) {
    if (uploadId) await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw err;
  }
}
