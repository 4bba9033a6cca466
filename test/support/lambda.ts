/** The public Lambda called directly, as API Gateway (HTTP API, payload 2.0) would call it; and a scoped environment change. */
import { randomUUID } from "node:crypto";
import type { HttpEvent } from "@asso/functions";

/** A POST event for `path` from the address `sourceIp` (behind CloudFront, the edge's address). */
export function postEvent(path: string, payload: unknown, sourceIp: string, headers: Record<string, string> = {}): HttpEvent {
  const now = new Date();
  return {
    version: "2.0",
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: "",
    headers: { "content-type": "application/json", host: "127.0.0.1", ...headers },
    requestContext: {
      accountId: "000000000000",
      apiId: "test",
      domainName: "127.0.0.1",
      domainPrefix: "127",
      http: { method: "POST", path, protocol: "HTTP/1.1", sourceIp, userAgent: "test" },
      requestId: randomUUID(),
      routeKey: `POST ${path}`,
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: JSON.stringify(payload),
    isBase64Encoded: false,
  } as HttpEvent;
}

/** Runs `run` with `env` added to the process environment, then puts every variable back. */
export async function withEnv<T>(env: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}
