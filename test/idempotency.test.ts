/**
 * Idempotency once (issue 16, item 4; issue 21, items 1 and 6): every route the table declares
 * `idempotent` has its Idempotency-Key applied by the HTTP edge. A replay answers the first answer
 * and writes nothing; another body under the key is a 409; the key is the caller's (token subject,
 * or the caller's address as CloudFront saw it) and expires after 24 h; the public key is claimed
 * with a conditional write before Stripe is called, so two concurrent checkouts with one key and
 * different bodies cannot both be 201.
 */
import { randomUUID } from "node:crypto";
import { postEvent, withEnv } from "./support/lambda.js";
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claim, completeClaim, scopedKey } from "@asso/core/idempotency";
import { routes, type HttpEvent, type RouteDef } from "@asso/functions";
import { startTestStack, type TestStack } from "./support/stack.js";
import { donation } from "./support/giving.js";

let stack: TestStack;
let publicHandler: (e: HttpEvent) => Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: string }>;
beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_IP_BURST: "1000", CHECKOUT_IP_PER_MINUTE: "10000" });
  ({ handler: publicHandler } = (await import("../packages/functions/src/handlers/public.js")) as never);
});
afterAll(() => stack.close());

const DONATE = "/v1/public/donations/checkout";
const entry = (amount: number, date = "2024-03-04") => ({
  journal: "BQ",
  date,
  label: `Don ${amount}`,
  pieceRef: `P-${amount}`,
  lines: [
    { account: "512", debit: amount },
    { account: "7541", credit: amount },
  ],
});
const post = (body: unknown, key: string, token?: string) =>
  stack.call("POST", "/v1/ledger/entries", { body, headers: { "idempotency-key": key, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
const entriesOf = async (amount: number) => {
  const res = await stack.call("GET", "/v1/ledger/entries?from=2024-01-01&to=2024-12-31&limit=500", { role: "auditor" });
  return ((await res.json()) as { items: { id: string; lines: { debit: number }[] }[] }).items.filter((e) => e.lines[0]!.debit === amount);
};
const sessions = () => [...stack.stripe.objects.values()].filter((o) => (o as { object?: string }).object === "checkout.session").length;

/** The public Lambda called as API Gateway would behind CloudFront: `edge` is sourceIp, `viewer` the address CloudFront saw. */
const viaCloudFront = (viewer: string, payload: unknown, headers: Record<string, string> = {}, edge = "130.176.1.1") =>
  publicHandler(postEvent(DONATE, payload, edge, { "x-origin-verify": "cf-secret", "x-viewer-ip": viewer, ...headers }));

describe("declared in the route table", () => {
  it("every staff POST and both public checkouts declare it; the edge ignores a key elsewhere", () => {
    const table = routes as readonly RouteDef[];
    for (const r of table.filter((r) => r.method === "POST" && r.auth !== "public")) expect(r.idempotent, r.operationId).toBeTruthy();
    expect(table.filter((r) => r.auth === "public" && r.idempotent).map((r) => r.operationId)).toEqual(["donationCheckout", "membershipCheckout"]);
  });
});

describe("staff keys", () => {
  it("a replay answers the first answer, marked Idempotent-Replayed, and writes nothing", async () => {
    const key = `k-${randomUUID()}`;
    const a = await post(entry(1101), key);
    const b = await post(entry(1101), key);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(a.headers.get("idempotent-replayed")).toBeNull();
    expect(await b.json()).toEqual(await a.json());
    expect(await entriesOf(1101)).toHaveLength(1);
  });

  it("the same key with another body is a 409, and writes nothing", async () => {
    const key = `k-${randomUUID()}`;
    expect((await post(entry(1102), key)).status).toBe(201);
    const other = await post(entry(1103), key);
    expect(other.status).toBe(409);
    expect(other.headers.get("content-type")).toContain("application/problem+json");
    expect(await entriesOf(1103)).toHaveLength(0);
  });

  it("a key replayed by another subject is theirs: it runs for them and never answers the first caller's entry", async () => {
    const key = `shared-${randomUUID()}`;
    const first = (await (await post(entry(1104), key)).json()) as { id: string };
    const someoneElse = await stack.identity.token("tresorier", { subject: "another-treasurer" });
    const theirs = await post(entry(1104), key, someoneElse);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(((await theirs.json()) as { id: string }).id).not.toBe(first.id);
    // And another body from them under the same key is not the first caller's conflict.
    const someoneThird = await stack.identity.token("tresorier", { subject: "a-third-treasurer" });
    expect((await post(entry(1105), key, someoneThird)).status).toBe(201);
    expect(await entriesOf(1104)).toHaveLength(2);
  });

  it("expire: the claim and the posting's own marker carry DynamoDB's ttl, about 24 h", async () => {
    const key = `ttl-${randomUUID()}`;
    expect((await post(entry(1106), key)).status).toBe(201);
    const scoped = scopedKey("sub:dev-tresorier", key);
    const items = (
      await stack.db.doc.send(
        new QueryCommand({ TableName: stack.tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": `IDEM#postEntry#${scoped}` } }),
      )
    ).Items!;
    expect(items.map((i) => i.sk).sort()).toEqual(["CLAIM", "IDEM"]);
    for (const i of items) {
      expect(i.ttl).toBeGreaterThan(Date.now() / 1000 + 23 * 3600);
      expect(i.ttl).toBeLessThan(Date.now() / 1000 + 25 * 3600);
    }
    // The client's key is stored nowhere.
    expect(JSON.stringify(items)).not.toContain(key);
  });

  it("a failed first request gives the key back: the corrected request runs under it", async () => {
    const key = `fix-${randomUUID()}`;
    const wrong = {
      ...entry(1107),
      lines: [
        { account: "512", debit: 1107 },
        { account: "999999", credit: 1107 },
      ],
    };
    expect((await post(wrong, key)).status).toBe(400);
    expect((await post(entry(1107), key)).status).toBe(201);
  });

  it("concurrent requests with one key and one body run once; every one answers the same entry", async () => {
    const key = `race-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(entry(1108), key)));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    const ids = await Promise.all(answers.map(async (a) => ((await a.json()) as { id: string }).id));
    expect(new Set(ids).size).toBe(1);
    expect(await entriesOf(1108)).toHaveLength(1);
  });

  it("routes without a marker of their own (a sub-account) replay from the edge's stored answer", async () => {
    const key = `acct-${randomUUID()}`;
    const a = await stack.call("POST", "/v1/ledger/accounts", { body: { number: "62271", label: "Frais d'actes" }, headers: { "idempotency-key": key } });
    const b = await stack.call("POST", "/v1/ledger/accounts", { body: { number: "62271", label: "Frais d'actes" }, headers: { "idempotency-key": key } });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(await b.json()).toEqual(await a.json());
    const c = await stack.call("POST", "/v1/ledger/accounts", { body: { number: "62272", label: "Autre" }, headers: { "idempotency-key": key } });
    expect(c.status).toBe(409);
  });

  it("an expired claim DynamoDB has not swept yet is claimed afresh", async () => {
    const input = { operation: "test-op", scope: "sub:x", key: `exp-${randomUUID()}`, requestHash: "h1", public: false };
    const first = await claim(stack.db, input);
    if (!("run" in first)) throw new Error("expected to run");
    await completeClaim(stack.db, first.run, { status: 201, headers: {}, body: "{}" });
    expect("replay" in (await claim(stack.db, input))).toBe(true);
    await stack.db.doc.send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: { pk: `IDEM#test-op#${first.run.key}`, sk: "CLAIM" },
        UpdateExpression: "SET #t = :past",
        ExpressionAttributeNames: { "#t": "ttl" },
        ExpressionAttributeValues: { ":past": Math.floor(Date.now() / 1000) - 10 },
      }),
    );
    expect("run" in (await claim(stack.db, { ...input, requestHash: "h2" }))).toBe(true);
  });
});

describe("public keys", () => {
  const body = (email: string) => donation(2500, { receipt: false, donor: { email, firstName: "Pu", lastName: "Blic" } });
  const checkout = (payload: unknown, key: string) => stack.call("POST", DONATE, { role: null, body: payload, headers: { "idempotency-key": key } });

  it("two concurrent checkouts with one key and different bodies: one 201, one 409, one Stripe session", async () => {
    const key = `race-${randomUUID()}`;
    const before = sessions();
    const answers = await Promise.all([checkout(body("first@example.org"), key), checkout(body("second@example.org"), key)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(sessions() - before).toBe(1);
  });

  it("two concurrent checkouts with one key and one body share one session", async () => {
    const key = `same-${randomUUID()}`;
    const before = sessions();
    const answers = await Promise.all([checkout(body("same@example.org"), key), checkout(body("same@example.org"), key)]);
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    const [a, b] = await Promise.all(answers.map(async (r) => ((await r.json()) as { sessionId: string }).sessionId));
    expect(a).toBe(b);
    expect(sessions() - before).toBe(1);
  });

  it("a CAPTCHA token renewed by a retry is the same request (declared `ignore`)", async () => {
    const key = `captcha-${randomUUID()}`;
    const a = await checkout({ ...body("captcha@example.org"), captchaToken: "t1" }, key);
    const b = await checkout({ ...body("captcha@example.org"), captchaToken: "t2" }, key);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
  });

  it("behind CloudFront, the scope and the rate bucket are the viewer's address, not the edge's (clientIp)", async () => {
    await withEnv({ ORIGIN_VERIFY: "cf-secret", CHECKOUT_IP_BURST: "1", CHECKOUT_IP_PER_MINUTE: "1" }, async () => {
      const key = `edge-${randomUUID()}`;
      // Two donors behind one CloudFront edge, one key: each their own checkout.
      const one = await viaCloudFront("203.0.113.10", body("viewer1@example.org"), { "idempotency-key": key });
      const two = await viaCloudFront("203.0.113.11", body("viewer2@example.org"), { "idempotency-key": key });
      expect([one.statusCode, two.statusCode]).toEqual([201, 201]);
      expect(JSON.parse(one.body!).sessionId).not.toBe(JSON.parse(two.body!).sessionId);
      // The first donor's bucket is empty now (burst 1); the second's was their own.
      expect((await viaCloudFront("203.0.113.10", body("viewer1b@example.org"))).statusCode).toBe(429);
      expect((await viaCloudFront("203.0.113.12", body("viewer3@example.org"))).statusCode).toBe(201);
      // The claim is stored under the viewer's address.
      const scoped = scopedKey("ip:203.0.113.10", key);
      const item = (await stack.db.doc.send(new GetCommand({ TableName: stack.tableName, Key: { pk: `PUBIDEM#donationCheckout#${scoped}`, sk: "PUBIDEM" } })))
        .Item;
      expect(item?.state).toBe("done");
    });
  });
});
