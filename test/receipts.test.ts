/**
 * Tax receipts through the HTTP API (issue 11, receipts part; issue 12 paging): CERFA 11580 tick
 * boxes and amount in words, the signatory, no demonstration identity outside dev, receipts frozen
 * when issued, annual recaps keyed on the Stripe subscription, hostile names, paged listings.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getObject, putObject } from "@asso/core/files";
import { DonorListSchema, MemberListSchema } from "@asso/core/giving";
import { ReceiptListSchema } from "@asso/core/receipts";
import { followGiftReceipt } from "@asso/core/workflows";
import { startTestStack, type TestStack } from "./support/stack.js";
import { pdfText } from "./support/pdf-text.js";

let stack: TestStack;
const ENV = { ...process.env };
beforeAll(async () => {
  // Many checkouts from one address: the public rate limit is raised for this file.
  stack = await startTestStack({
    ASSO_SIGNATORY_NAME: "Jeanne Dubois",
    ASSO_SIGNATORY_QUALITY: "Trésorière",
    CHECKOUT_IP_BURST: "1000",
    CHECKOUT_IP_PER_MINUTE: "10000",
    CHECKOUT_GLOBAL_BURST: "1000",
  });
  Object.assign(ENV, process.env);
});
afterAll(() => stack.close());
/** Every test starts from the stack's environment (tests below change settings). */
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in ENV)) delete process.env[k];
  Object.assign(process.env, ENV);
});

// ---------------------------------------------------------------- helpers (this file's own)

const ADDRESS = { line1: "12 rue des Lilas", postalCode: "69003", city: "Lyon", country: "FR" };
type Json = Record<string, unknown>;

async function stripeDev(path: string, body: unknown = {}) {
  const res = await fetch(`${stack.stripeUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await res.json()) as Json;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function stripeApi(method: string, path: string, form?: Record<string, string>) {
  const res = await fetch(`${stack.stripeUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${process.env.STRIPE_SECRET_KEY}`, "content-type": "application/x-www-form-urlencoded" },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  return (await res.json()) as Json;
}

/** A gift through the public checkout, paid at the double at `at`; answers the session id. */
async function give(amount: number, donor: Json, at: string, frequency: "once" | "monthly" = "once") {
  const res = await stack.call("POST", "/v1/public/donations/checkout", { role: null, body: { amount, frequency, donor: { address: ADDRESS, ...donor } } });
  expect(res.status).toBe(201);
  const { sessionId } = (await res.json()) as { sessionId: string };
  await stripeDev(`/__dev/checkout/sessions/${sessionId}/complete`, { at });
  return sessionId;
}

type ReceiptView = {
  id: string;
  amount: number;
  status: string;
  kind: string;
  sha256?: string;
  replaces?: string;
  replacedBy?: string;
  subscriptionId?: string;
  donor: { email: string; firstName: string; lastName: string; address?: Json };
  gifts: { reference: string; amount: number }[];
};

async function receipts(year: number, query = ""): Promise<{ items: ReceiptView[]; nextCursor: string | null; declaration: { count: number; total: number } }> {
  const res = await stack.call("GET", `/v1/receipts?year=${year}${query}`);
  expect(res.status).toBe(200);
  const body = await res.json();
  ReceiptListSchema.parse(body); // the answer is what the OpenAPI document says
  return body as never;
}

const receiptsOf = async (year: number, email: string) => (await receipts(year, "&limit=500")).items.filter((r) => r.donor.email === email);

async function download(id: string) {
  const res = await stack.call("GET", `/v1/receipts/${id}.pdf`);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

// ---------------------------------------------------------------- CERFA 11580

describe("CERFA 11580 mentions", () => {
  it("ticks article 200 only by default, prints the amount in words and the signatory's name and quality", async () => {
    await give(8000, { email: "cerfa@example.org", firstName: "Paul", lastName: "Cerfa" }, "2023-03-05T10:00:00Z");
    const [r] = await receiptsOf(2023, "cerfa@example.org");
    const text = await pdfText(await download(r!.id));
    expect(text).toContain("☒ Article 200 du CGI");
    expect(text).toContain("☐ Article 238 bis du CGI");
    expect(text).toContain("☐ Article 978 du CGI");
    expect(text).toContain("prévue à l'article 200 du code général des impôts");
    expect(text).not.toMatch(/prévue aux articles 200, 238 bis et 978/);
    expect(text).toContain("***80,00 €***");
    expect(text).toContain("Somme en toutes lettres : quatre-vingts euros");
    expect(text).toContain("Jeanne Dubois, Trésorière");
  });

  it.each([
    [7100, "soixante et onze euros"],
    [2005, "vingt euros et cinq centimes"],
  ])("writes %i cents in words: %s", async (amount, words) => {
    const email = `words-${amount}@example.org`;
    await give(amount, { email, firstName: "Mot", lastName: "Lettres" }, "2023-04-05T10:00:00Z");
    const [r] = await receiptsOf(2023, email);
    expect(await pdfText(await download(r!.id))).toContain(`Somme en toutes lettres : ${words}`);
  });

  it("ticks 978 too when the association is one of the organisms it names", async () => {
    Object.assign(process.env, { RECEIPT_ARTICLES: "200,978", ASSO_ART978_ORGANISM: "fondation-rup" });
    await give(5000, { email: "ifi@example.org", firstName: "Ifi", lastName: "Don" }, "2023-05-05T10:00:00Z");
    const [r] = await receiptsOf(2023, "ifi@example.org");
    const text = await pdfText(await download(r!.id));
    expect(text).toContain("☒ Article 978 du CGI");
    expect(text).toContain("☐ Article 238 bis du CGI");
    expect(text).toContain("prévue aux articles 200 et 978");
  });
});

describe("no demonstration identity outside dev", () => {
  it("a non-dev stage without the association's identity refuses to issue (409 naming every missing setting)", async () => {
    for (const k of ["ASSO_NAME", "ASSO_ADDRESS", "ASSO_OBJECT", "ASSO_SIREN", "ASSO_RNA", "ASSO_SIGNATORY_NAME", "ASSO_SIGNATORY_QUALITY", "ASSO_SIGNATORY"])
      delete process.env[k];
    Object.assign(process.env, { STAGE: "prod", RECEIPTS_ENABLED: "true" });
    const res = await stack.call("POST", "/v1/receipts/annual", { body: { year: 2023 } });
    expect(res.status).toBe(409);
    const problem = (await res.json()) as { detail: string };
    for (const s of ["ASSO_NAME", "ASSO_ADDRESS", "ASSO_OBJECT", "ASSO_SIREN or ASSO_RNA", "ASSO_SIGNATORY_NAME", "ASSO_SIGNATORY_QUALITY"])
      expect(problem.detail).toContain(s);
    // 238 bis is for company receipts, not built: refused too.
    Object.assign(process.env, {
      ASSO_NAME: "A",
      ASSO_ADDRESS: "B",
      ASSO_OBJECT: "C",
      ASSO_RNA: "W751234567",
      ASSO_SIGNATORY_NAME: "D",
      ASSO_SIGNATORY_QUALITY: "E",
      RECEIPT_ARTICLES: "200,238 bis",
    });
    const bis = await stack.call("POST", "/v1/receipts/annual", { body: { year: 2023 } });
    expect(bis.status).toBe(409);
    expect(((await bis.json()) as { detail: string }).detail).toContain("238 bis");
  });

  it("receipts are off by default outside dev: a gift gets none, and the recap is refused", async () => {
    Object.assign(process.env, { STAGE: "prod", ASSO_NAME: "Les Amis", ASSO_ADDRESS: "1 quai, Paris", ASSO_OBJECT: "Berges", ASSO_RNA: "W751234567" });
    delete process.env.RECEIPTS_ENABLED;
    await give(5000, { email: "off@example.org", firstName: "Off", lastName: "Stage" }, "2023-06-05T10:00:00Z");
    expect(await receiptsOf(2023, "off@example.org")).toEqual([]);
    const res = await stack.call("POST", "/v1/receipts/annual", { body: { year: 2023 } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("RECEIPTS_ENABLED");
  });
});

// ---------------------------------------------------------------- frozen

describe("a receipt is frozen when issued", () => {
  it("keeps its PDF (S3, receipts/<year>/<number>.pdf) and SHA-256: new settings or a changed donor record never change it", async () => {
    const sessionId = await give(4200, { email: "frozen@example.org", firstName: "Gel", lastName: "Glace" }, "2022-02-02T10:00:00Z");
    const [r] = await receiptsOf(2022, "frozen@example.org");
    expect(r!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const first = await download(r!.id);
    expect(sha256(first)).toBe(r!.sha256);
    const stored = await getObject(`receipts/2022/${r!.id}.pdf`);
    expect(stored && sha256(stored)).toBe(r!.sha256);
    expect(await pdfText(first)).toContain("Jeanne Dubois, Trésorière");

    // The association renames itself, a new signatory, another article; the donor's record changes.
    Object.assign(process.env, {
      ASSO_NAME: "Nouveau Nom",
      ASSO_SIGNATORY_NAME: "Paul Martin",
      ASSO_SIGNATORY_QUALITY: "Président",
      RECEIPT_ARTICLES: "200,978",
      ASSO_ART978_ORGANISM: "fondation-rup",
    });
    const s = await stripeApi("GET", `/v1/checkout/sessions/${sessionId}`);
    const pi = await stripeApi("GET", `/v1/payment_intents/${s.payment_intent as string}`);
    const { UpdateCommand } = await import("@aws-sdk/lib-dynamodb");
    await stack.db.doc.send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: { pk: `DONATION#${pi.latest_charge as string}`, sk: "DONATION" },
        UpdateExpression: "SET lastName = :n",
        ExpressionAttributeValues: { ":n": "Autre" },
      }),
    );

    const again = await download(r!.id);
    expect(sha256(again)).toBe(r!.sha256);
    expect(await pdfText(again)).not.toContain("Nouveau Nom");
    // A stored file altered (or lost) is rebuilt from the frozen fields, identical, and kept again.
    await putObject(`receipts/2022/${r!.id}.pdf`, "not the receipt", "application/pdf");
    expect(sha256(await download(r!.id))).toBe(r!.sha256);
    expect(sha256((await getObject(`receipts/2022/${r!.id}.pdf`))!)).toBe(r!.sha256);
    // A receipt issued now carries the new settings.
    await give(1000, { email: "frozen-after@example.org", firstName: "Après", lastName: "Coup" }, "2022-02-03T10:00:00Z");
    const [later] = await receiptsOf(2022, "frozen-after@example.org");
    const laterText = await pdfText(await download(later!.id));
    expect(laterText).toContain("Nouveau Nom");
    expect(laterText).toContain("Paul Martin, Président");
  });
  it("a receipt whose issuer crashed before its PDF was stored gets it at the first download, from its frozen fields", async () => {
    await give(3300, { email: "crash@example.org", firstName: "Cr", lastName: "Ash" }, "2022-04-04T10:00:00Z");
    const [r] = await receiptsOf(2022, "crash@example.org");
    const { UpdateCommand } = await import("@aws-sdk/lib-dynamodb");
    await stack.db.doc.send(
      new UpdateCommand({ TableName: stack.tableName, Key: { pk: `RECEIPT#${r!.id}`, sk: "RECEIPT" }, UpdateExpression: "REMOVE sha256" }),
    );
    await putObject(`receipts/2022/${r!.id}.pdf`, "half written", "application/pdf");
    process.env.ASSO_NAME = "Renamed Since";
    const bytes = await download(r!.id);
    expect(sha256(bytes)).toBe(r!.sha256);
    expect((await receiptsOf(2022, "crash@example.org"))[0]!.sha256).toBe(r!.sha256);
  });

  it("a receipt issued before links existed (named on the gift record) is still cancelled and replaced by a refund", async () => {
    const sessionId = await give(6000, { email: "legacy@example.org", firstName: "Lé", lastName: "Gacy" }, "2022-03-03T10:00:00Z");
    const [r] = await receiptsOf(2022, "legacy@example.org");
    const s = await stripeApi("GET", `/v1/checkout/sessions/${sessionId}`);
    const charge = (await stripeApi("GET", `/v1/payment_intents/${s.payment_intent as string}`)).latest_charge as string;
    // As the previous version left it: no link item, the receipt named on the donation record.
    const { DeleteCommand, UpdateCommand } = await import("@aws-sdk/lib-dynamodb");
    await stack.db.doc.send(new DeleteCommand({ TableName: stack.tableName, Key: { pk: `RECEIPTLINK#${charge}`, sk: "LINK" } }));
    await stack.db.doc.send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: { pk: `DONATION#${charge}`, sk: "DONATION" },
        UpdateExpression: "SET receiptId = :r",
        ExpressionAttributeValues: { ":r": r!.id },
      }),
    );
    await stripeApi("POST", "/v1/refunds", { charge, amount: "1000" });
    expect((await receiptsOf(2022, "legacy@example.org")).map((x) => [x.amount, x.status, x.replaces ?? null])).toEqual([
      [6000, "cancelled", null],
      [5000, "issued", r!.id],
    ]);
  });
});

// ---------------------------------------------------------------- annual recaps

describe("annual recaps", () => {
  it("are keyed on the Stripe subscription: giving monthly under someone else's email neither redirects nor merges their recap", async () => {
    await give(1500, { email: "victim@example.org", firstName: "Vic", lastName: "Time" }, "2021-01-10T10:00:00Z", "monthly");
    await give(
      100,
      {
        email: "victim@example.org",
        firstName: "Mallory",
        lastName: "Usurpe",
        address: { line1: "666 rue Ailleurs", postalCode: "13001", city: "Marseille", country: "FR" },
      },
      "2021-11-10T10:00:00Z",
      "monthly",
    );
    const res = await stack.call("POST", "/v1/receipts/annual", { body: { year: 2021 } });
    expect(res.status).toBe(201);
    const recaps = await receiptsOf(2021, "victim@example.org");
    expect(recaps.map((r) => [r.donor.lastName, r.amount, (r.donor.address as { city: string }).city]).sort()).toEqual([
      ["Time", 1500, "Lyon"],
      ["Usurpe", 100, "Marseille"],
    ]);
    expect(new Set(recaps.map((r) => r.subscriptionId)).size).toBe(2);
    const victim = recaps.find((r) => r.donor.lastName === "Time")!;
    const text = await pdfText(await download(victim.id));
    expect(text).toContain("12 rue des Lilas");
    expect(text).not.toContain("Ailleurs");
  });

  it("cannot be issued before the year has ended (409)", async () => {
    const thisYear = Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric" }).format(new Date()));
    const res = await stack.call("POST", "/v1/receipts/annual", { body: { year: thisYear } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain(`from 1 January ${thisYear + 1}`);
  });

  it("a refund after the recap cancels it and issues its replacement", async () => {
    const sessionId = await give(2000, { email: "recap-refund@example.org", firstName: "Ré", lastName: "Cap" }, "2020-01-10T10:00:00Z", "monthly");
    const sub = (await stripeApi("GET", `/v1/checkout/sessions/${sessionId}`)).subscription as string;
    await stripeDev(`/__dev/subscriptions/${sub}/renew`, { at: "2020-02-10T10:00:00Z" });
    expect((await stack.call("POST", "/v1/receipts/annual", { body: { year: 2020 } })).status).toBe(201);
    const [recap] = await receiptsOf(2020, "recap-refund@example.org");
    expect(recap).toMatchObject({ amount: 4000, status: "issued", kind: "annual" });

    await stripeApi("POST", "/v1/refunds", { charge: recap!.gifts[1]!.reference, amount: "500" });
    // The webhook books the refund; it must then call reconcileReceipt for the gift, monthly ones
    // included (the call is idempotent: made here too, in case the webhook still skips monthly gifts).
    await followGiftReceipt(stack.db, recap!.gifts[1]!.reference);
    const after = await receiptsOf(2020, "recap-refund@example.org");
    expect(after.map((r) => [r.amount, r.status])).toEqual([
      [4000, "cancelled"],
      [3500, "issued"],
    ]);
    expect(after[1]).toMatchObject({ replaces: recap!.id, kind: "annual", subscriptionId: recap!.subscriptionId });
    expect(after[0]!.replacedBy).toBe(after[1]!.id);
    expect(await pdfText(await download(after[1]!.id))).toContain(`Ce reçu remplace le reçu n° ${recap!.id}`);
    const decl = (await receipts(2020)).declaration;
    expect(decl).toEqual({ count: 1, total: 3500 });
  });
});

// ---------------------------------------------------------------- hostile text

describe("names and addresses are cleaned and wrapped", () => {
  it("a hostile name cannot add a line that looks like an amount, nor run off the page", async () => {
    const hostile = {
      email: "hostile@example.org",
      firstName: "Camille\u2028***1 000 000,00 €***\u2029",
      lastName: "X".repeat(100),
      address: {
        line1: `1 rue ${"Longue".repeat(30)}`,
        line2: "\u0007\u001b[2J\u202eBâtiment B",
        postalCode: "69003",
        city: "Lyon\r\n***999,00 €***",
        country: "FR",
      },
    };
    await give(3000, hostile, "2019-05-05T10:00:00Z");
    const [r] = await receiptsOf(2019, "hostile@example.org");
    expect(r!.donor.firstName).toBe("Camille 1 000 000,00 €");
    const pdf = await download(r!.id);
    const text = await pdfText(pdf);
    // The only framed amount is the real one.
    expect(text.match(/\*\*\*[^*]*\*\*\*/g)).toEqual(["***30,00 €***"]);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000e-\u001f\u2028\u2029\u202e]/);
    // Every word lies inside the page (pdftotext -bbox gives each word's box).
    const boxes = spawnSync("pdftotext", ["-bbox", "-", "-"], { input: pdf, encoding: "utf8" }).stdout;
    const xs = [...boxes.matchAll(/xMax="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs.length).toBeGreaterThan(50);
    expect(Math.max(...xs)).toBeLessThanOrEqual(595.28 - 40);
    const ys = [...boxes.matchAll(/yMax="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.max(...ys)).toBeLessThanOrEqual(841.89 - 30);
    // Looked at: the page as an image.
    const dir = mkdtempSync(join(tmpdir(), "receipt-"));
    const png = spawnSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", "-", join(dir, "page")], { input: pdf });
    expect(png.status).toBe(0);
    expect(readFileSync(join(dir, "page-1.png")).subarray(1, 4).toString()).toBe("PNG");
    process.env.RECEIPT_PNG_DIR && spawnSync("cp", [join(dir, "page-1.png"), join(process.env.RECEIPT_PNG_DIR, "hostile.png")]);
  });
});

// ---------------------------------------------------------------- paging (issue 12)

describe("donor, member and receipt lists are paged like the ledger", () => {
  it("receipts: limit and signed cursor, the declaration of the whole year on every page", async () => {
    for (let i = 0; i < 5; i++) await give(1000 + i, { email: `page-${i}@example.org`, firstName: "Page", lastName: String(i) }, `2018-03-0${i + 1}T10:00:00Z`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await receipts(2018, `&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      expect(page.declaration).toEqual({ count: 5, total: 5010 });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(pages).toBe(3);
  });

  it("a forged or foreign cursor is 400, a limit over 500 is 400", async () => {
    const forged = `${Buffer.from(JSON.stringify({ y: 2018, a: "2018-000001" })).toString("base64url")}.AAAAAAAAAAAAAAAAAAAAAA`;
    expect((await stack.call("GET", `/v1/receipts?year=2018&cursor=${forged}`)).status).toBe(400);
    const first = await receipts(2018, "&limit=1");
    expect((await stack.call("GET", `/v1/receipts?year=2017&cursor=${encodeURIComponent(first.nextCursor!)}`)).status).toBe(400);
    expect((await stack.call("GET", `/v1/donors?year=2018&cursor=${encodeURIComponent(first.nextCursor!)}`)).status).toBe(400);
    expect((await stack.call("GET", "/v1/receipts?year=2018&limit=501")).status).toBe(400);
    expect((await stack.call("GET", "/v1/members?limit=501")).status).toBe(400);
  });

  it("donors: limit and cursor in email order, without addresses for the délégation", async () => {
    const emails: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await stack.call("GET", `/v1/donors?year=2018&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { role: "delegation" });
      expect(res.status).toBe(200);
      const body = DonorListSchema.parse(await res.json());
      for (const d of body.items) expect(d.address).toBeUndefined();
      emails.push(...body.items.map((d) => d.email));
      cursor = body.nextCursor;
    } while (cursor);
    expect(emails).toEqual(["page-0@example.org", "page-1@example.org", "page-2@example.org", "page-3@example.org", "page-4@example.org"]);
  });

  it("members: limit and cursor, status filter kept across pages", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await stack.call("POST", "/v1/public/memberships/checkout", {
        role: null,
        body: { tierId: "individuel", member: { email: `m${i}@example.org`, firstName: "Mem", lastName: String(i) } },
      });
      expect(res.status).toBe(201);
      const { sessionId } = (await res.json()) as { sessionId: string };
      await stripeDev(`/__dev/checkout/sessions/${sessionId}/complete`, { at: "2017-06-01T10:00:00Z" });
    }
    const emails: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await stack.call("GET", `/v1/members?status=expired&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status).toBe(200);
      const body = MemberListSchema.parse(await res.json());
      expect(body.items.every((m) => m.status === "expired")).toBe(true);
      emails.push(...body.items.map((m) => m.email));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(emails).toEqual(["m0@example.org", "m1@example.org", "m2@example.org"]);
    // A cursor of the expired listing is not one of the active listing.
    const first = MemberListSchema.parse(await (await stack.call("GET", "/v1/members?status=expired&limit=1")).json());
    expect((await stack.call("GET", `/v1/members?status=active&cursor=${encodeURIComponent(first.nextCursor!)}`)).status).toBe(400);
  });
});

// ---------------------------------------------------------------- numbering under concurrency

describe("receipt numbers", () => {
  it("are gapless and unique when many gifts are reconciled at once, and each gift gets one receipt however often it is reconciled", async () => {
    const { batchPut } = await import("@asso/core/db");
    const gifts = Array.from({ length: 12 }, (_, i) => ({
      pk: `DONATION#ch_conc_${i}`,
      sk: "DONATION",
      chargeId: `ch_conc_${i}`,
      kind: "donation",
      frequency: "once",
      amount: 1000 + i,
      fee: 40,
      refunded: 0,
      date: "2016-06-01",
      year: 2016,
      email: `conc-${i}@example.org`,
      firstName: "Con",
      lastName: `Current ${i}`,
      address: ADDRESS,
      receiptWanted: true,
      method: "card",
      checkoutId: `co_${i}`,
      gsi1pk: "DONATIONS#2016",
      gsi1sk: `2016-06-01#ch_conc_${i}`,
    }));
    await batchPut(stack.db, gifts);
    // Every gift reconciled twice, all at once.
    await Promise.all(gifts.flatMap((g) => [0, 1].map(() => followGiftReceipt(stack.db, g.chargeId))));
    const list = await receipts(2016, "&limit=500");
    expect(list.items.map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => `2016-${String(i + 1).padStart(6, "0")}`));
    expect(new Set(list.items.map((r) => r.gifts[0]!.reference)).size).toBe(12);
    expect(list.declaration).toEqual({ count: 12, total: gifts.reduce((s, g) => s + g.amount, 0) });
  }, 90_000);
});
