/**
 * The foundation through the real HTTP surface: the auth matrix generated from the route table,
 * the error model, and the events the local gateway hands to the handlers.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, routes, type RouteDef } from "@asso/functions";
import { createGateway, listen } from "../infra/gateway.js";
import { securityHeaders } from "@asso/functions/headers";
import { startTestStack, type TestStack } from "./support/stack.js";
import { examplePath } from "./support/routes.js";

let stack: TestStack;

/** A request with any method and body (fetch refuses a GET with a body). */
function rawRequest(port: string | number, method: string, path: string, contentType: string, body: Buffer) {
  return new Promise<{ status: number; body: string }>((ok, ko) => {
    const r = request({ host: "127.0.0.1", port, path, method, headers: { "content-type": contentType, "content-length": body.length } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => ok({ status: res.statusCode ?? 0, body: text }));
    });
    r.on("error", ko);
    r.end(body);
  });
}
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const problemOf = async (res: Response) => {
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as { type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] };
  expect(body.status).toBe(res.status);
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  return body;
};

describe("auth matrix, generated from the route table", () => {
  for (const route of routes as readonly RouteDef[]) {
    const path = examplePath(route.path);
    const name = `${route.method} ${route.path}`;
    if (route.auth === "public") {
      it(`${name} answers without a token`, async () => {
        const res = await stack.call(route.method, path, { role: null, body: route.body ? {} : undefined });
        // A public route with a credential of its own (the donor space's link) answers its own
        // 401 problem, never the edge's staff-token one.
        if (route.errors && 401 in route.errors && res.status === 401) expect(((await res.json()) as { type: string }).type).not.toBe("/problems/unauthorized");
        else expect([401, 403]).not.toContain(res.status);
      });
      continue;
    }
    it(`${name} without a token → 401`, async () => {
      const res = await stack.call(route.method, path, { role: null });
      expect(res.status).toBe(401);
      await problemOf(res);
    });
    for (const role of ROLES) {
      const allowed = route.auth.includes(role);
      it(`${name} as ${role} → ${allowed ? "allowed" : "403"}`, async () => {
        const res = await stack.call(route.method, path, { role, body: route.body ? {} : undefined });
        if (allowed) expect([401, 403]).not.toContain(res.status);
        else {
          expect(res.status).toBe(403);
          await problemOf(res);
        }
      });
    }
  }
});

describe("tokens", () => {
  const path = "/v1/ledger/accounts";
  it("an expired token → 401", async () => {
    const token = await stack.identity.token("tresorier", { ttlSeconds: -60 });
    const res = await stack.call("GET", path, { role: null, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    await problemOf(res);
  });
  it("a tampered token → 401", async () => {
    const token = await stack.identity.token("auditor");
    const [h, p, s] = token.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
    claims["cognito:groups"] = ["tresorier"];
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${s}`;
    const res = await stack.call("GET", path, { role: null, headers: { authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
  });
  it("a token signed by another key → 401", async () => {
    const { createIdentity } = await import("../infra/identity.js");
    const other = await createIdentity();
    const res = await stack.call("GET", path, { role: null, headers: { authorization: `Bearer ${await other.token("tresorier")}` } });
    expect(res.status).toBe(401);
  });
  it("a token for another audience or issuer → 401", async () => {
    for (const opts of [{ audience: "someone-else" }, { issuer: "https://evil.example/" }]) {
      const token = await stack.identity.token("tresorier", opts);
      const res = await stack.call("GET", path, { role: null, headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
    }
  });
  it("a token without any known group → 403", async () => {
    const token = await stack.identity.token("volunteers");
    const res = await stack.call("GET", path, { role: null, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
  });
  it("a token without exp → 401, though its signature, issuer and audience are right (issue 21: dev tokens carry exp)", async () => {
    const { createIdentity } = await import("../infra/identity.js");
    const { SignJWT, importJWK } = await import("jose");
    const dir = mkdtempSync(join(tmpdir(), "dev-key-"));
    const keyFile = join(dir, "key.json");
    const identity = await createIdentity(keyFile);
    const stored = JSON.parse(readFileSync(keyFile, "utf8")) as { kid: string; privateJwk: Record<string, unknown> };
    const key = await importJWK(stored.privateJwk, "RS256");
    const forever = await new SignJWT({ "cognito:groups": ["tresorier"], token_use: "id" })
      .setProtectedHeader({ alg: "RS256", kid: stored.kid, typ: "JWT" })
      .setSubject("dev-tresorier")
      .setIssuer(identity.issuer)
      .setAudience(identity.audience)
      .setIssuedAt()
      .sign(key);
    await expect(identity.verify(forever)).rejects.toThrow();
    await expect(identity.verify(await identity.token("tresorier"))).resolves.toMatchObject({ sub: "dev-tresorier" });
    const server = createGateway({ identity });
    const port = await listen(server, 0);
    try {
      const at = (t: string) => fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${t}` } });
      expect((await at(forever)).status).toBe(401);
      expect((await at(await identity.token("tresorier"))).status).toBe(200);
      expect(JSON.parse(Buffer.from(identity.tokenSync("auditor").split(".")[1]!, "base64url").toString()).exp).toBeGreaterThan(Date.now() / 1000);
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
  it("a malformed Authorization header → 401", async () => {
    const res = await stack.call("GET", path, { role: null, headers: { authorization: "Basic abc" } });
    expect(res.status).toBe(401);
  });
});

describe("errors", () => {
  it("an unknown route → 404 problem", async () => {
    const res = await stack.call("GET", "/v1/nothing-here", { role: null });
    expect(res.status).toBe(404);
    await problemOf(res);
  });
  it("bug: a malformed percent-encoding in a path answered 500; it is a 400 problem naming the parameter", async () => {
    for (const path of ["/v1/ledger/entries/%E0%A4%A", "/v1/ledger/entries/%", "/v1/receipts/%ZZ.pdf"]) {
      const res = await stack.call("GET", path, { role: "auditor" });
      expect(res.status, path).toBe(400);
      const body = await problemOf(res);
      expect(body.errors?.[0]?.message).toMatch(/percent-encoding/);
    }
  });
  it("the edge refuses a path parameter still holding a malformed escape (400, named), as API Gateway may hand it", async () => {
    const { handler } = (await import("../packages/functions/src/handlers/ledger.js")) as never as {
      handler: (e: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const token = { sub: "dev-auditor", "cognito:groups": "[auditor]" };
    const res = await handler({
      version: "2.0",
      routeKey: "GET /v1/ledger/entries/{id}",
      rawPath: "/v1/ledger/entries/%E0%A4%A",
      headers: {},
      pathParameters: { id: "%E0%A4%A" },
      requestContext: { requestId: "pct", http: { method: "GET", path: "/", sourceIp: "127.0.0.1" }, authorizer: { jwt: { claims: token, scopes: null } } },
      isBase64Encoded: false,
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).errors.map((e: { path: string }) => e.path)).toContain("id");
  });
  it("the local sign-in refuses a foreign Host (DNS rebinding) and answers on loopback names", async () => {
    const port = new URL(stack.url).port;
    const get = (host: string) =>
      new Promise<number>((ok, ko) => {
        const r = request({ host: "127.0.0.1", port, path: "/console/dev-token/tresorier", method: "GET", headers: { host } }, (res) => {
          res.resume();
          res.on("end", () => ok(res.statusCode ?? 0));
        });
        r.on("error", ko);
        r.end();
      });
    for (const host of ["evil.example", `evil.example:${port}`, "127.0.0.1.nip.io", "localhost.evil.example"]) expect(await get(host), host).toBe(403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) expect(await get(host), host).toBe(200);
  });
  it("the local S3 refuses unsigned requests, as a private bucket does; signed and presigned ones pass (issue 21)", async () => {
    const { S3Client, PutObjectCommand, GetObjectCommand } = await import("@aws-sdk/client-s3");
    const { getSignedUrl } = await import("@aws-sdk/s3-request-presigner");
    const s3 = new S3Client({
      endpoint: stack.s3.endpoint,
      region: "eu-west-3",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    const bucket = stack.s3.env.FILES_BUCKET;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "receipts/secret.pdf", Body: "%PDF-1.7 secret" }));
    for (const [method, path] of [
      ["GET", `/${bucket}/receipts/secret.pdf`],
      ["GET", `/${bucket}`],
      ["PUT", `/${bucket}/invoices/dropped.pdf`],
      ["DELETE", `/${bucket}/receipts/secret.pdf`],
    ] as const) {
      const res = await fetch(`${stack.s3.endpoint}${path}`, { method, ...(method === "PUT" ? { body: "x" } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.text()).toContain("AccessDenied");
    }
    const presigned = await getSignedUrl(s3 as never, new GetObjectCommand({ Bucket: bucket, Key: "receipts/secret.pdf" }) as never, { expiresIn: 60 });
    const ok = await fetch(presigned);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("%PDF-1.7 secret");
    // A CORS preflight is s3rver's to answer (by the bucket's CORS rules), not refused as unsigned.
    const preflight = await fetch(`${stack.s3.endpoint}/${bucket}/receipts/secret.pdf`, {
      method: "OPTIONS",
      headers: { origin: stack.url, "access-control-request-method": "PUT" },
    });
    expect(await preflight.text()).not.toContain("Anonymous access is refused");
  });
  it("a body over the gateway limit (10 MiB) → 413 problem", async () => {
    const res = await rawRequest(new URL(stack.url).port, "GET", "/v1/health", "application/json", Buffer.alloc(10 * 1024 * 1024 + 1, 32));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).status).toBe(413);
  });
});

describe("health and the API description", () => {
  it("GET /v1/health", async () => {
    const res = await stack.call("GET", "/v1/health", { role: null });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("ok");
  });
  it("GET /v1/openapi.json lists every route with its security (bug: its $refs pointed at #/$defs, absent from the document)", async () => {
    const res = await stack.call("GET", "/v1/openapi.json", { role: null });
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { security?: unknown; operationId: string }>> };
    expect(doc.openapi).toBe("3.1.0");
    for (const route of routes as readonly RouteDef[]) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op?.operationId).toBe(route.operationId);
      // Public operations say so (`security: []`, issue 21), staff ones name the bearer token.
      expect(op?.security).toEqual(route.auth === "public" ? [] : [{ bearer: [] }]);
    }
    // Request schemas come from the zod schemas themselves; every $ref resolves inside the document.
    const full = doc as unknown as { components: { schemas: Record<string, { required: string[]; properties: { lines: { minItems: number } } }> } };
    const post = doc.paths["/v1/ledger/entries"]!.post as unknown as { requestBody: { content: { "application/json": { schema: { $ref: string } } } } };
    expect(post.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/PostEntry");
    const schema = full.components.schemas.PostEntry!;
    expect(schema.required).toEqual(expect.arrayContaining(["journal", "date", "label", "pieceRef", "lines"]));
    expect(schema.properties.lines.minItems).toBe(2);
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const name = /#\/components\/schemas\/(\w+)/.exec(ref)?.[1];
      expect(name && full.components.schemas[name], ref).toBeTruthy();
    }
  });
  it("GET /v1/ledger/accounts returns the association chart", async () => {
    const res = await stack.call("GET", "/v1/ledger/accounts", { role: "auditor" });
    const body = (await res.json()) as { items: { number: string; label: string; class: number }[] };
    const numbers = body.items.map((a) => a.number);
    for (const n of ["512", "4671", "627", "7541", "756", "741", "120", "129", "194", "6894", "7894"]) expect(numbers).toContain(n);
    expect(numbers).not.toContain("757");
    expect(body.items.find((a) => a.number === "7541")).toEqual({ number: "7541", label: "Dons manuels", class: 7 });
  });
});

describe("security headers, as CloudFront adds them in AWS (same definitions)", () => {
  const expectHeaders = (res: Response, expected: Record<string, string>) => {
    for (const [name, value] of Object.entries(expected)) expect(res.headers.get(name), name).toBe(value);
  };
  it("the giving page answers with CSP, HSTS, frame-ancestors 'none', no-referrer and nosniff (bug: no security headers)", async () => {
    for (const path of ["/", "/merci", "/app.js"]) {
      const res = await stack.call("GET", path, { role: null });
      expect(res.status).toBe(200);
      expectHeaders(res, securityHeaders("page"));
    }
    const csp = (await stack.call("GET", "/", { role: null })).headers.get("content-security-policy")!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
  });
  it("the API's answers, problems included, carry the API's headers, whatever the handler set", async () => {
    for (const [path, status] of [
      ["/v1/health", 200],
      ["/v1/nothing-here", 404],
      ["/v1/ledger/accounts", 401],
    ] as const) {
      const res = await stack.call("GET", path, { role: null });
      expect(res.status).toBe(status);
      expectHeaders(res, securityHeaders("api"));
    }
  });
  it("the console's files carry the console's headers, its uploads allowed to the local S3 only", async () => {
    const res = await stack.call("GET", "/console/", { role: null });
    expect(res.status).toBe(200);
    expectHeaders(res, securityHeaders("console", { connect: [new URL(stack.s3.endpoint).origin] }));
  });
});

describe("the events the gateway builds", () => {
  it("hands JSON bodies as strings and binary bodies as base64, like API Gateway", async () => {
    const seen: { body?: string; isBase64Encoded: boolean; routeKey: string; version: string }[] = [];
    const server = createGateway({
      identity: stack.identity,
      loadHandler: async () => async (event) => {
        seen.push(event);
        return { statusCode: 204 };
      },
    });
    const port = await listen(server, 0);
    try {
      const bytes = Buffer.from([0, 1, 2, 250, 251]);
      await rawRequest(port, "GET", "/v1/health", "application/json", Buffer.from('{"a":"é"}'));
      await rawRequest(port, "GET", "/v1/health", "application/octet-stream", bytes);
      const json = seen.at(-2)!;
      const bin = seen.at(-1)!;
      expect(json.version).toBe("2.0");
      expect(json.routeKey).toBe("GET /v1/health");
      expect(json.isBase64Encoded).toBe(false);
      expect(json.body).toBe('{"a":"é"}');
      expect(bin.isBase64Encoded).toBe(true);
      expect(Buffer.from(bin.body!, "base64")).toEqual(bytes);
    } finally {
      server.close();
    }
  });
});

describe("failures", () => {
  it("an unexpected failure is a 500 problem that reveals nothing of its cause", async () => {
    const table = process.env.TABLE_NAME;
    process.env.TABLE_NAME = "no-such-table";
    try {
      const res = await stack.call("GET", "/v1/ledger/trial-balance?year=2024", { role: "auditor" });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ status: 500, title: "Internal error" });
      expect(text).not.toMatch(/no-such-table|ResourceNotFound|at .*\.ts|Error:/);
    } finally {
      process.env.TABLE_NAME = table;
    }
  });

  it("npm run dev says in one line that Java is missing, and how to install it", async () => {
    const { spawnSync } = await import("node:child_process");
    const { mkdtempSync, symlinkSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    // A PATH with Node but without Java.
    const bin = mkdtempSync(join(tmpdir(), "no-java-"));
    symlinkSync(process.execPath, join(bin, "node"));
    const r = spawnSync(process.execPath, [join("node_modules", "tsx", "dist", "cli.mjs"), "infra/dev.ts"], {
      cwd: join(import.meta.dirname, ".."),
      env: { ...process.env, PATH: bin, PORT: "0" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    const lines = r.stderr
      .trim()
      .split("\n")
      .filter((l) => l.includes("Java"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Java 17.*apt-get install -y openjdk-17-jdk-headless/);
  });
});
