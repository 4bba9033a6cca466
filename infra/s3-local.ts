/**
 * The local S3: s3rver, a real S3-compatible HTTP server (signature checks, presigned URLs), on
 * 127.0.0.1, refusing unsigned requests as a private bucket does (`refuseUnsigned`). `npm run dev` keeps its files under `.data/s3/`; tests use a temporary folder. The
 * back-office reaches it through the AWS SDK with `S3_ENDPOINT`, as it reaches S3 in AWS.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error s3rver ships no types
import S3rver from "s3rver";

/** The buckets the stack makes, by their environment variable. */
export const LOCAL_BUCKETS = { FILES_BUCKET: "asso-files" } as const;

export interface RunningS3 {
  endpoint: string;
  env: { S3_ENDPOINT: string; FILES_BUCKET: string };
  stop(): Promise<void>;
}

interface KoaContext {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  status: number;
  type: string;
  body: unknown;
  is(type: string): string | false | null;
}

/**
 * Refuses what S3 refuses on a private bucket: a request carrying no signature at all (no
 * Authorization header, no presigned query). CORS preflights (OPTIONS) pass, as S3 answers them,
 * and so do browser form uploads (POST multipart/form-data), whose signature and policy are fields
 * of the form (s3rver does not check POST policies: the confirm step checks what was uploaded).
 */
export async function refuseUnsigned(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
  const signed = "authorization" in ctx.headers || "X-Amz-Algorithm" in ctx.query || "Signature" in ctx.query;
  if (signed || ctx.method === "OPTIONS" || (ctx.method === "POST" && ctx.is("multipart/form-data"))) return next();
  ctx.status = 403;
  ctx.type = "application/xml";
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Anonymous access is refused: sign the request.</Message></Error>';
}

export async function startS3Local(opts: { directory?: string; port?: number } = {}): Promise<RunningS3> {
  const directory = opts.directory ?? mkdtempSync(join(tmpdir(), "s3-local-"));
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: "127.0.0.1",
    port: opts.port ?? 0,
    silent: true,
    directory,
    configureBuckets: Object.values(LOCAL_BUCKETS).map((name) => ({ name })),
  });
  // Before s3rver's own middleware: it checks a signature when one is given, and lets anonymous
  // requests through (a bucket in AWS is private); s3rver has no setting for it.
  (server as { middleware: unknown[] }).middleware.unshift(refuseUnsigned);
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: { S3_ENDPOINT: endpoint, FILES_BUCKET: LOCAL_BUCKETS.FILES_BUCKET },
    stop: () => server.close() as Promise<void>,
  };
}
