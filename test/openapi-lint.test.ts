/**
 * The API description is true (issue 21, item 10): `GET /v1/openapi.json` as the system Lambda
 * answers it passes `redocly lint` with Redocly's recommended rules and zero errors, run offline
 * (telemetry off; a preload refuses and records every connection the linter tries); it keeps its
 * Problem schema, declares the file uploads' request bodies, every route's problems, `security: []`
 * on public operations and the project's licence.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { routes, statusesOf, type HttpEvent, type RouteDef } from "@asso/functions";
import { handler as systemHandler } from "../packages/functions/src/handlers/system.js";

type Json = Record<string, any>;
const run = promisify(execFile);
const REDOCLY = join(process.cwd(), "node_modules", ".bin", "redocly");

/** Refuses every outgoing connection and writes where it was going: the linter must need none. */
const NO_NETWORK = `
import net from "node:net";
import { appendFileSync } from "node:fs";
const log = process.env.NO_NETWORK_LOG;
net.Socket.prototype.connect = function (...args) {
  const o = args[0];
  const target = typeof o === "object" && o ? (o.path ?? \`\${o.host}:\${o.port}\`) : String(o);
  appendFileSync(log, target + "\\n");
  throw new Error("no network in this test: " + target);
};
globalThis.fetch = async (u) => { appendFileSync(log, "fetch " + String(u) + "\\n"); throw new Error("no network in this test"); };
`;

async function served(): Promise<Json> {
  const event = {
    version: "2.0",
    routeKey: "GET /v1/openapi.json",
    rawPath: "/v1/openapi.json",
    rawQueryString: "",
    headers: { host: "127.0.0.1" },
    requestContext: { requestId: "lint", http: { method: "GET", path: "/v1/openapi.json", sourceIp: "127.0.0.1" } },
    isBase64Encoded: false,
  } as unknown as HttpEvent;
  const res = await systemHandler(event);
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body as string) as Json;
}

let doc: Json;
beforeAll(async () => {
  doc = await served();
});

describe("GET /v1/openapi.json", () => {
  it("passes redocly lint (recommended rules) with zero errors, offline", async () => {
    const dir = mkdtempSync(join(tmpdir(), "openapi-lint-"));
    const file = join(dir, "openapi.json");
    const preload = join(dir, "no-network.mjs");
    const log = join(dir, "connections.log");
    writeFileSync(file, JSON.stringify(doc, null, 2));
    writeFileSync(preload, NO_NETWORK);
    const env = {
      ...process.env,
      REDOCLY_TELEMETRY: "off",
      REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
      NO_NETWORK_LOG: log,
      NODE_OPTIONS: `--import ${preload}`,
    };
    const out = await run(REDOCLY, ["lint", "--extends=recommended", "--format=json", file], { env, cwd: dir, timeout: 120_000 }).catch(
      (err: { stdout?: string; stderr?: string; code?: number }) => {
        throw new Error(`redocly lint failed (exit ${err.code}):\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
      },
    );
    const report = JSON.parse(out.stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; severity: string; message: string }[];
    };
    const errors = report.problems.filter((p) => p.severity === "error");
    expect(errors.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals.errors).toBe(0);
    expect(existsSync(log) ? readFileSync(log, "utf8") : "").toBe("");
  }, 180_000);

  it("keeps the Problem schema every problem answer refers to (it was lost before)", () => {
    expect(doc.components.schemas.Problem).toMatchObject({ type: "object", required: expect.arrayContaining(["type", "title", "status", "detail"]) });
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[\w.-]+/g) ?? [];
    for (const ref of new Set(refs)) expect(doc.components.schemas[ref.split("/").pop()!], ref).toBeDefined();
  });

  it("declares the file uploads' request bodies", () => {
    const upload = doc.paths["/v1/expenses/{id}/invoice"].put;
    expect(Object.keys(upload.requestBody.content)).toEqual(expect.arrayContaining(["application/pdf", "image/jpeg", "image/png"]));
    expect(doc.paths["/v1/bank/statements"].post.requestBody.content["text/csv"].schema.format).toBe("binary");
    expect(doc.paths["/v1/social-metrics/{platform}/import"].post.requestBody).toBeDefined();
    for (const r of routes as readonly RouteDef[])
      if (r.rawBody || r.body) expect(doc.paths[r.path][r.method.toLowerCase()].requestBody, r.operationId).toBeDefined();
  });

  it("declares every status each route may answer (the route table's), with Retry-After on 429", () => {
    for (const r of routes as readonly RouteDef[]) {
      const op = doc.paths[r.path][r.method.toLowerCase()];
      expect(Object.keys(op.responses).map(Number).sort(), r.operationId).toEqual(statusesOf(r));
    }
    const checkout = doc.paths["/v1/public/donations/checkout"].post.responses;
    for (const s of ["409", "413", "415", "429"]) expect(checkout[s], s).toBeDefined();
    expect(checkout["429"].headers["Retry-After"]).toBeDefined();
    expect(doc.paths["/v1/ledger/entries/{id}"].get.responses["404"]).toBeDefined();
    expect(doc.paths["/v1/bank/statements"].post.responses["422"]).toBeDefined();
  });

  it("says public operations need no token (security: []) and staff ones a bearer token", () => {
    for (const r of routes as readonly RouteDef[]) {
      const op = doc.paths[r.path][r.method.toLowerCase()];
      expect(op.security, r.operationId).toEqual(r.auth === "public" ? [] : [{ bearer: [] }]);
    }
  });

  it("carries the project's licence", () => {
    expect(doc.info.license).toEqual({ name: expect.any(String), identifier: "AGPL-3.0-or-later" });
    expect(JSON.parse(readFileSync("package.json", "utf8")).license).toBe(doc.info.license.identifier);
  });
});
