/**
 * A local back-office for one test file: its own table in the shared DynamoDB Local, a dev identity
 * and the local gateway on a free port, running the real handler modules.
 */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { inject } from "vitest";
import { ensureTable } from "../../infra/dynamodb-local.js";
import { createGateway, listen } from "../../infra/gateway.js";
import { createIdentity, type Identity } from "../../infra/identity.js";
import { makeDb, type Db } from "@asso/core";

export interface TestStack {
  url: string;
  identity: Identity;
  db: Db;
  tableName: string;
  /** fetch against the gateway, with a token for `role` unless role is null. */
  call(method: string, path: string, opts?: { role?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestStack(env: Record<string, string> = {}): Promise<TestStack> {
  const endpoint = inject("dynamoEndpoint");
  const tableName = `t-${randomUUID().slice(0, 8)}`;
  await ensureTable(endpoint, tableName);
  const identity = await createIdentity();
  const server: Server = createGateway({ identity, env: { TABLE_NAME: tableName, DYNAMODB_ENDPOINT: endpoint, ...env } });
  const port = await listen(server, 0);
  const url = `http://127.0.0.1:${port}`;
  const tokens = new Map<string, string>();
  return {
    url,
    identity,
    tableName,
    db: makeDb(tableName, endpoint),
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const role = opts.role === undefined ? "tresorier" : opts.role;
      if (role) {
        if (!tokens.has(role)) tokens.set(role, await identity.token(role));
        headers.authorization ??= `Bearer ${tokens.get(role)}`;
      }
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
        headers["content-type"] ??= "application/json";
      }
      return fetch(`${url}${path}`, { method, headers, body });
    },
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
