/** The HTTP edge: what a server error logs, and the CloudFront origin check. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { clientIp, defineGroup, type HttpEvent } from "./http.js";
import { ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER } from "./headers.js";
import type { RouteDef } from "./route.js";
import { routes } from "./routes.js";

const PERSONAL = "camille.martin@example.org";

/** The system group, every operation of which runs `op`. */
function systemGroup(op: () => Promise<unknown>) {
  const ops = Object.fromEntries((routes as readonly RouteDef[]).filter((r) => r.group === "system").map((r) => [r.operationId, op]));
  return defineGroup("system", ops as never);
}

const event = (headers: Record<string, string> = {}): HttpEvent =>
  ({
    version: "2.0",
    routeKey: "GET /v1/health",
    rawPath: "/v1/health",
    rawQueryString: `email=${PERSONAL}`,
    headers: { "x-donor": PERSONAL, ...headers },
    queryStringParameters: { email: PERSONAL },
    requestContext: { requestId: "req-42", http: { method: "GET", path: "/v1/health", sourceIp: "203.0.113.9" } },
    isBase64Encoded: false,
  }) as unknown as HttpEvent;

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.ORIGIN_VERIFY;
});

describe("server errors are logged with the request id and the stack, never with personal data", () => {
  it("a 500's log line has the request id, the route, the error name and stack frames, and not the input values (bug: only the name was logged, no stack)", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const handler = systemGroup(async () => {
      throw new TypeError(`cannot read donor ${PERSONAL}`, { cause: new RangeError(`bad ${PERSONAL}`) });
    });
    const res = await handler(event());
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain(PERSONAL);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).not.toContain(PERSONAL);
    expect(line).not.toContain("cannot read donor");
    const log = JSON.parse(line) as { requestId: string; route: string; error: string; causes: string[]; stack: string[] };
    expect(log.requestId).toBe("req-42");
    expect(log.route).toBe("GET /v1/health");
    expect(log.error).toBe("TypeError");
    expect(log.causes).toEqual(["RangeError"]);
    expect(log.stack.length).toBeGreaterThan(0);
    for (const frame of log.stack) expect(frame).toMatch(/^at /);
    expect(log.stack.join("\n")).toMatch(/http\.test\.ts/);
  });

  it("a thrown string is logged by its type, not its content", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const res = await systemGroup(() => Promise.reject(PERSONAL))(event());
    expect(res.statusCode).toBe(500);
    expect(lines.join("\n")).not.toContain(PERSONAL);
    expect(JSON.parse(lines[0]!)).toMatchObject({ requestId: "req-42", error: "string", stack: [] });
  });
});

describe("the API answers only what CloudFront forwards (ORIGIN_VERIFY)", () => {
  it("refuses a request without CloudFront's secret header (the execute-api address called directly), 403", async () => {
    process.env.ORIGIN_VERIFY = "cf-secret-value";
    let ran = 0;
    const handler = systemGroup(async () => {
      ran++;
      return { status: "ok" };
    });
    expect((await handler(event())).statusCode).toBe(403);
    expect((await handler(event({ [ORIGIN_VERIFY_HEADER]: "cf-secret-valuX" }))).statusCode).toBe(403);
    expect((await handler(event({ [ORIGIN_VERIFY_HEADER]: "short" }))).statusCode).toBe(403);
    expect(ran).toBe(0);
    expect((await handler(event({ [ORIGIN_VERIFY_HEADER]: "cf-secret-value" }))).statusCode).toBe(200);
    expect(ran).toBe(1);
  });
  it("checks nothing when ORIGIN_VERIFY is unset (local gateway)", async () => {
    const res = await systemGroup(async () => ({ status: "ok" }))(event());
    expect(res.statusCode).toBe(200);
  });
});

describe("the caller's address behind CloudFront (clientIp)", () => {
  it("is the viewer address CloudFront sets, trusted only with CloudFront's secret header; sourceIp otherwise", () => {
    expect(clientIp(event({ [VIEWER_IP_HEADER]: "198.51.100.7" }))).toBe("203.0.113.9");
    process.env.ORIGIN_VERIFY = "cf-secret-value";
    expect(clientIp(event({ [VIEWER_IP_HEADER]: "198.51.100.7", [ORIGIN_VERIFY_HEADER]: "cf-secret-value" }))).toBe("198.51.100.7");
    expect(clientIp(event({ [VIEWER_IP_HEADER]: "198.51.100.7" }))).toBe("203.0.113.9");
    expect(clientIp(event({ [ORIGIN_VERIFY_HEADER]: "cf-secret-value" }))).toBe("203.0.113.9");
  });
});
