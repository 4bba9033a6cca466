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
  client = new S3Client(
    endpoint
      ? { endpoint, region: "eu-west-3", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } }
      : {},
  );
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
  await (await s3()).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ServerSideEncryption: process.env.S3_ENDPOINT ? undefined : "AES256" }));
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
    new GetObjectCommand({ Bucket: opts.bucket ?? filesBucket(), Key: key, ...(opts.fileName ? { ResponseContentDisposition: `attachment; filename="${opts.fileName}"` } : {}) }),
    { expiresIn: seconds },
  );
}

/** A presigned PUT (upload) link for one content type, valid `seconds`. */
export async function presignPut(key: string, contentType: string, seconds = 300, bucket = filesBucket()): Promise<string> {
  const { PutObjectCommand } = await import("@aws-sdk/client-s3");
  const { getSignedUrl } = await import("@aws-sdk/s3-request-presigner");
  return getSignedUrl(await s3(), new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType }), { expiresIn: seconds });
}
