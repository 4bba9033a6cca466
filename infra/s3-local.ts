/**
 * The local S3: s3rver, a real S3-compatible HTTP server (signature checks, presigned URLs), on
 * 127.0.0.1. `npm run dev` keeps its files under `.data/s3/`; tests use a temporary folder. The
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
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: { S3_ENDPOINT: endpoint, FILES_BUCKET: LOCAL_BUCKETS.FILES_BUCKET },
    stop: () => server.close() as Promise<void>,
  };
}
