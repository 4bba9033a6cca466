/**
 * Settings as data (issue 23), through HTTP: sections versioned with If-Match (412 when stale),
 * every bad field named, roles (the délégation changes identity, look, volunteers only; the auditor
 * reads), the fiscal year start locked once entries exist, the logo sniffed by its bytes, and the
 * settings read where they are used: the next checkout charges a tier's new price, the next receipt
 * prints the new signatory while an issued one stays as it was.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { ADDRESS, chargeOf, checkout, pay } from "./support/giving.js";
import { pdfText } from "./support/pdf-text.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    ASSO_SIGNATORY_NAME: "Jeanne Dubois",
    ASSO_SIGNATORY_QUALITY: "Trésorière",
    CHECKOUT_IP_BURST: "1000",
    CHECKOUT_IP_PER_MINUTE: "10000",
    SETTINGS_CACHE_SECONDS: "30",
  });
});
afterAll(() => stack.close());

type Json = Record<string, any>;
type Problem = { status: number; type: string; errors?: { path: string; message: string }[]; detail: string };

async function settings(role = "tresorier"): Promise<Json> {
  const res = await stack.call("GET", "/v1/settings", { role });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}
const section = async (name: string) => (await settings()).sections[name] as { version: number; value: Json };

async function put(name: string, body: unknown, version: number | undefined, role = "tresorier") {
  const res = await stack.call("PUT", `/v1/settings/${name}`, { role, body, headers: version === undefined ? {} : { "if-match": String(version) } });
  return { res, body: (await res.json()) as Json & Problem };
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("sections", () => {
  it("answers every section with its version; a section never saved has its first value from the environment (version 0)", async () => {
    const s = await settings("auditor");
    expect(Object.keys(s.sections).sort()).toEqual(
      ["annexe", "bank-accounts", "checkout", "email", "giving", "identity", "look", "membership-tiers", "privacy", "volunteers", "year"].sort(),
    );
    expect(s.sections.identity.version).toBe(0);
    expect(s.sections.identity.value.signatory).toEqual({ name: "Jeanne Dubois", quality: "Trésorière" });
    expect(s.sections["membership-tiers"].value.tiers.map((t: Json) => t.id)).toEqual(["individuel", "reduit", "organisation"]);
    expect(s.sections.checkout.value.ipBurst).toBe(1000);
    expect(s.complete).toBe(true);
  });

  it("moves the fiscal year start while the ledger is empty, then refuses it (409) once entries exist", async () => {
    const y = await section("year");
    const moved = await put("year", { startMonth: 9 }, y.version);
    expect(moved.res.status).toBe(200);
    expect(moved.body).toEqual({ version: y.version + 1, value: { startMonth: 9 } });
    const back = await put("year", { startMonth: 1 }, moved.body.version);
    expect(back.res.status).toBe(200);

    const entry = await stack.call("POST", "/v1/ledger/entries", {
      body: {
        journal: "OD",
        date: "2025-02-03",
        label: "Écriture de test",
        pieceRef: "T-1",
        lines: [
          { account: "512", debit: 1000 },
          { account: "7541", credit: 1000 },
        ],
      },
    });
    expect(entry.status).toBe(201);
    const refused = await put("year", { startMonth: 9 }, back.body.version);
    expect(refused.res.status).toBe(409);
    expect(refused.res.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body.detail).toMatch(/2025/);
    expect((await section("year")).value.startMonth).toBe(1);
    // The same start saved again is no move.
    expect((await put("year", { startMonth: 1 }, back.body.version)).res.status).toBe(200);
  });

  it("a stale If-Match is 412 (problem+json, nothing written); a missing one is 400", async () => {
    const v = await section("volunteers");
    const first = await put("volunteers", { hourlyRate: 1500, headcount: 12 }, v.version);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get("etag")).toBe(`"${v.version + 1}"`);
    const stale = await put("volunteers", { hourlyRate: 2000, headcount: 14 }, v.version);
    expect(stale.res.status).toBe(412);
    expect(stale.res.headers.get("content-type")).toContain("application/problem+json");
    expect(stale.body.detail).toMatch(/modifiée entre-temps/);
    expect((await section("volunteers")).value).toMatchObject({ hourlyRate: 1500, headcount: 12 });
    const none = await put("volunteers", { hourlyRate: 2000, headcount: 14 }, undefined);
    expect(none.res.status).toBe(400);
    expect(none.body.errors!.map((e) => e.path)).toEqual(["If-Match"]);
  });

  it("names every bad field (400), writes nothing", async () => {
    const before = await section("identity");
    const bad = await put(
      "identity",
      {
        ...before.value,
        siren: "12345",
        rna: "751234567",
        reductionRate: 80,
        articles: ["238 bis"],
        signatory: { name: "X", quality: "Y", phone: "06" },
        colour: "red",
      },
      before.version,
    );
    expect(bad.res.status).toBe(400);
    expect(bad.body.errors!.map((e) => e.path).sort()).toEqual(["articles.0", "colour", "reductionRate", "rna", "signatory.phone", "siren"].sort());
    const tiers = await section("membership-tiers");
    const badTiers = await put(
      "membership-tiers",
      {
        tiers: [
          { id: "bad id", label: "", amount: "20" },
          { id: "ok", label: "Ok", amount: 1050.5 },
        ],
      },
      tiers.version,
    );
    expect(badTiers.res.status).toBe(400);
    expect(badTiers.body.errors!.map((e) => e.path).sort()).toEqual(["tiers.0.amount", "tiers.0.id", "tiers.0.label", "tiers.1.amount"].sort());
    const receiptsOn = await put("identity", { ...before.value, name: "", receiptsEnabled: true }, before.version);
    expect(receiptsOn.res.status).toBe(400);
    expect(receiptsOn.body.errors!.map((e) => e.path)).toEqual(["name"]);
    expect(receiptsOn.body.errors![0]!.message).toMatch(/reçus/);
    expect(await section("identity")).toEqual(before);
    const unknown = await stack.call("PUT", "/v1/settings/colours", { body: {}, headers: { "if-match": "0" } });
    expect(unknown.status).toBe(400);
  });

  it("the délégation changes identity, look and volunteers but not the tiers (403); the auditor reads, history included, and changes nothing", async () => {
    const tiers = await section("membership-tiers");
    const refused = await put("membership-tiers", tiers.value, tiers.version, "delegation");
    expect(refused.res.status).toBe(403);
    expect(refused.body.detail).toMatch(/trésorier/);
    const look = await section("look");
    const colour = await put("look", { colour: "#0F766E" }, look.version, "delegation");
    expect(colour.res.status).toBe(200);
    expect(colour.body.value).toEqual({ colour: "#0f766e", logo: null });
    const auditor = await put("look", { colour: "#000000" }, colour.body.version, "auditor");
    expect(auditor.res.status).toBe(403);

    const history = await stack.call("GET", "/v1/settings/history?section=look", { role: "auditor" });
    expect(history.status).toBe(200);
    const { items } = (await history.json()) as { items: Json[] };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      section: "look",
      version: 1,
      by: { role: "delegation" },
      before: { colour: "#1d4ed8", logo: null },
      after: { colour: "#0f766e" },
    });
    expect(items[0]!.by.requestId).toBeTruthy();
  });
});

describe("logo", () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
  const upload = async (body: Buffer, contentType = "image/png") => {
    const token = await stack.identity.token("tresorier");
    return fetch(`${stack.url}/v1/settings/logo`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": contentType }, body });
  };

  it("keeps a PNG recognised by its bytes in the files bucket and names it in look; SVG is refused (415) whatever it claims; over 1 MiB is 413", async () => {
    const res = await upload(png);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: number; value: Json };
    expect(body.value.logo).toMatchObject({ contentType: "image/png", sha256: sha256(png), bytes: png.length });
    expect(body.value.colour).toBe("#0f766e");
    const svg = await upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "image/png");
    expect(svg.status).toBe(415);
    expect((await upload(Buffer.concat([png, Buffer.alloc(1024 * 1024)]))).status).toBe(413);
    // The look saved without a logo keeps the one sent.
    const again = await put("look", { colour: "#112233" }, body.version);
    expect(again.body.value.logo.sha256).toBe(sha256(png));
  });
});

describe("read where used", () => {
  it("a tier's price changed by the trésorier is what the next checkout charges; the old member keeps their period", async () => {
    const year = new Date().getUTCFullYear();
    const first = await checkout(
      stack,
      { tierId: "individuel", member: { email: "ancien@example.org", firstName: "An", lastName: "Cien" } },
      "/v1/public/memberships/checkout",
    );
    await pay(stack, first.sessionId);
    expect((await chargeOf(stack, first.sessionId)).amount).toBe(2000);
    const memberBefore = await member("ancien@example.org");

    const tiers = await section("membership-tiers");
    const raised = tiers.value.tiers.map((t: Json) => (t.id === "individuel" ? { ...t, amount: 3500 } : t));
    const saved = await put(
      "membership-tiers",
      { tiers: [...raised, { id: "soutien", label: "Adhésion de soutien", amount: 5000, active: false }] },
      tiers.version,
    );
    expect(saved.res.status).toBe(200);

    const listed = (await (await stack.call("GET", "/v1/public/membership-tiers", { role: null })).json()) as { tiers: Json[] };
    expect(listed.tiers.find((t) => t.id === "individuel")!.amount).toBe(3500);
    expect(listed.tiers.map((t) => t.id)).not.toContain("soutien");
    const inactive = await stack.call("POST", "/v1/public/memberships/checkout", {
      role: null,
      body: { tierId: "soutien", member: { email: "x@example.org", firstName: "X", lastName: "Y" } },
    });
    expect(inactive.status).toBe(400);

    const next = await checkout(
      stack,
      { tierId: "individuel", member: { email: "nouveau@example.org", firstName: "Nou", lastName: "Veau" } },
      "/v1/public/memberships/checkout",
    );
    await pay(stack, next.sessionId);
    expect((await chargeOf(stack, next.sessionId)).amount).toBe(3500);
    expect(await member("ancien@example.org")).toEqual(memberBefore);
    expect((await member("nouveau@example.org")).validUntil).toMatch(new RegExp(`^(${year}|${year + 1})-12-31$`));
  });

  it("a signatory changed after a receipt leaves that receipt's PDF unchanged and prints on the next", async () => {
    const give = async (email: string, at: string) => {
      const { sessionId } = await checkout(stack, { amount: 6000, frequency: "once", donor: { email, firstName: "Don", lastName: "Neur", address: ADDRESS } });
      await pay(stack, sessionId, at);
      const list = (await (await stack.call("GET", "/v1/receipts?year=2025&limit=500")).json()) as { items: { id: string; donor: { email: string } }[] };
      return list.items.find((r) => r.donor.email === email)!.id;
    };
    const pdf = async (id: string) => Buffer.from(await (await stack.call("GET", `/v1/receipts/${id}.pdf`)).arrayBuffer());

    const before = await give("avant@example.org", "2025-04-02T10:00:00Z");
    const first = await pdf(before);
    expect(await pdfText(first)).toContain("Jeanne Dubois, Trésorière");

    const id = await section("identity");
    const saved = await put("identity", { ...id.value, signatory: { name: "Paul Martin", quality: "Président" } }, id.version, "delegation");
    expect(saved.res.status).toBe(200);

    expect(sha256(await pdf(before))).toBe(sha256(first));
    const after = await give("apres@example.org", "2025-04-03T10:00:00Z");
    const text = await pdfText(await pdf(after));
    expect(text).toContain("Paul Martin, Président");
    expect(text).not.toContain("Jeanne Dubois");

    const history = (await (await stack.call("GET", "/v1/settings/history?section=identity", { role: "auditor" })).json()) as { items: Json[] };
    expect(history.items[0]).toMatchObject({
      version: saved.body.version,
      by: { role: "delegation" },
      before: { signatory: { name: "Jeanne Dubois" } },
      after: { signatory: { name: "Paul Martin" } },
    });
  });

  it("the first-run checks say what works and, in French, what to do for the rest", async () => {
    const res = await stack.call("GET", "/v1/settings/checks", { role: "auditor" });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { id: string; ok: boolean; todo?: string }[] };
    const byId = Object.fromEntries(items.map((c) => [c.id, c]));
    expect(byId.identity!.ok).toBe(true);
    expect(byId.stripe!.ok).toBe(true);
    expect(byId.webhook!.ok).toBe(true);
    expect(byId.email!.ok).toBe(false);
    expect(byId.email!.todo).toMatch(/expéditeur|adresse/);
  });
});

async function member(email: string): Promise<Json> {
  const res = await stack.call("GET", "/v1/members?limit=500");
  const { items } = (await res.json()) as { items: Json[] };
  return items.find((m) => m.email === email)!;
}
