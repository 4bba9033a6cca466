/**
 * One person's data through HTTP (issue 17 item 7): the export holds everything (gifts, membership,
 * checkout records, receipts, the ledger's entries, incidents); the erasure pseudonymises what the
 * law does not require, keeps the receipts and the entries with their reasons, leaves the receipt's
 * PDF and the ledger as they were, and a second erasure answers the same and writes nothing.
 */
import { createHash } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DonorListSchema, erasureAlias, MemberListSchema } from "@asso/core/giving";
import { queueMessage } from "@asso/core/mail";
import { ErasureSchema, PersonExportSchema, RetentionSchema, type PersonExport } from "@asso/core/workflows/personal-data-schemas";
import { startTestStack, type TestStack } from "./support/stack.js";
import { ADDRESS, checkout, pay } from "./support/giving.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_IP_BURST: "100", CHECKOUT_IP_PER_MINUTE: "1000" });
});
afterAll(() => stack.close());

const EMAIL = "camille.efface@example.org";
const ALIAS = erasureAlias(EMAIL);
const YEAR = 2025;
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function exportOf(email: string, role = "tresorier"): Promise<PersonExport> {
  const res = await stack.call("GET", `/v1/people/${encodeURIComponent(email)}/export`, { role });
  expect(res.status).toBe(200);
  return PersonExportSchema.parse(await res.json());
}

async function erase(email: string, key: string) {
  const res = await stack.call("POST", `/v1/people/${encodeURIComponent(email)}/erasure`, { headers: { "idempotency-key": key } });
  expect(res.status).toBe(200);
  return ErasureSchema.parse(await res.json());
}

async function pdf(id: string) {
  const res = await stack.call("GET", `/v1/receipts/${id}.pdf`);
  expect(res.status).toBe(200);
  return sha256(new Uint8Array(await res.arrayBuffer()));
}

/** Every item of the test's table, keys and all (what "writes nothing" is checked against). */
async function tableItems() {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await stack.db.doc.send(new ScanCommand({ TableName: stack.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    out.push(...((r.Items ?? []) as Record<string, unknown>[]));
    start = r.LastEvaluatedKey;
  } while (start);
  return out.sort((a, b) => (`${a.pk}|${a.sk}` < `${b.pk}|${b.sk}` ? -1 : 1));
}

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 200 });

/** Waits (outside a test: in a hook) until `ready` answers true. */
async function until(ready: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("a person's data: export and erasure", () => {
  let before: PersonExport;
  let receiptSha: string;
  let giftReceipt: PersonExport["receipts"][number];

  beforeAll(async () => {
    const gift = await checkout(stack, {
      amount: 5000,
      frequency: "once",
      donor: { email: EMAIL, firstName: "Camille", lastName: "Effacée", address: ADDRESS },
    });
    await pay(stack, gift.sessionId, `${YEAR}-03-05T10:00:00Z`);
    const fee = await checkout(
      stack,
      { tierId: "individuel", member: { email: EMAIL, firstName: "Camille", lastName: "Effacée", address: ADDRESS } },
      "/v1/public/memberships/checkout",
    );
    await pay(stack, fee.sessionId, `${YEAR}-04-05T10:00:00Z`);
    // Paid again under the same address with another name: an incident names the address and that name.
    const other = await checkout(
      stack,
      { tierId: "individuel", member: { email: EMAIL, firstName: "Dominique", lastName: "Autrenom", address: ADDRESS } },
      "/v1/public/memberships/checkout",
    );
    await pay(stack, other.sessionId, `${YEAR}-05-05T10:00:00Z`);
    await until(async () => (await exportOf(EMAIL)).ledgerEntries.length === 3, "the three payments booked");
    // A message of its own (the link to the donor's space), whatever the payments queued.
    await queueMessage(stack.db, {
      fact: "test#personal-data",
      kind: "donor_access",
      to: EMAIL,
      name: "Camille Effacée",
      data: { link: `${stack.url}/espace/?token=secret`, expiresAt: "2026-12-02T12:00:00.000Z" },
    });
    before = await exportOf(EMAIL);
    giftReceipt = before.receipts.find((r) => r.amount === 5000)!;
    receiptSha = await pdf(String(giftReceipt.id));
  }, 60_000);

  it("the export has the gift, the membership, their checkout records, the receipt, the entries and the incident", () => {
    expect(before.email).toBe(EMAIL);
    expect(before.donations.map((d) => [d.kind, d.amount, d.firstName, d.address]).sort()).toEqual([
      ["donation", 5000, "Camille", ADDRESS],
      ["membership", 2000, "Camille", ADDRESS],
      ["membership", 2000, "Dominique", ADDRESS],
    ]);
    expect(before.checkouts).toHaveLength(3);
    expect(before.member).toMatchObject({ email: EMAIL, firstName: "Camille", lastName: "Effacée", address: ADDRESS });
    // The gift's receipt and, the tier giving one, each membership fee's.
    expect(before.receipts).toHaveLength(3);
    expect(giftReceipt).toMatchObject({ status: "issued", kind: "single", donor: { email: EMAIL, lastName: "Effacée", address: ADDRESS } });
    expect(giftReceipt.pdf).toBe(`/v1/receipts/${giftReceipt.id}.pdf`);
    expect(before.ledgerEntries.map((e) => e.label).sort()).toEqual(["Cotisation Camille Effacée", "Cotisation Dominique Autrenom", "Don Camille Effacée"]);
    for (const e of before.ledgerEntries) expect(e.keptUntil).toBe(`${YEAR + 10}-12-31`);
    expect(before.incidents).toHaveLength(1);
    expect(before.incidents[0]).toMatchObject({ type: "member_identity_mismatch", email: EMAIL });
    expect(String(before.incidents[0]!.detail)).toContain("Dominique Autrenom");
    expect(before.elsewhere.map((e) => e.where)).toContain("Stripe");
    expect(before.messages.map((m) => m.kind)).toContain("donor_access");
  });

  it("only the trésorier may export or erase", async () => {
    for (const role of ["auditor", "delegation"]) {
      expect((await stack.call("GET", `/v1/people/${encodeURIComponent(EMAIL)}/export`, { role })).status).toBe(403);
      expect((await stack.call("POST", `/v1/people/${encodeURIComponent(EMAIL)}/erasure`, { role, headers: { "idempotency-key": `k-${role}` } })).status).toBe(
        403,
      );
    }
  });

  it("a bad address is a 400 problem naming the field, and nothing is written", async () => {
    const items = await tableItems();
    for (const [method, path] of [
      ["GET", "/v1/people/pas-une-adresse/export"],
      ["POST", "/v1/people/pas-une-adresse/erasure"],
    ] as const) {
      const res = await stack.call(method, path, { headers: { "idempotency-key": "bad-address" } });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const problem = (await res.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).toEqual(["email"]);
    }
    expect(await tableItems()).toEqual(items);
  });

  describe("erasure", () => {
    let first: ReturnType<typeof ErasureSchema.parse>;
    let entriesBefore: unknown;
    beforeAll(async () => {
      entriesBefore = await (
        await stack.call("GET", `/v1/ledger/entries?journal=ST&from=${YEAR}-01-01&to=${YEAR}-12-31&limit=500`, { role: "auditor" })
      ).json();
      first = await erase(EMAIL, "erase-1");
    });

    it("answers what it pseudonymised and what it kept, with the law's reason and until when", () => {
      expect(first.email).toBe(ALIAS);
      const erased = Object.fromEntries(first.erased.map((e) => [e.what, e.count]));
      expect(erased).toMatchObject({ donations: 3, checkouts: 3, member: 1, incidents: 1, messages: before.messages.length });
      const kept = Object.fromEntries(first.kept.map((k) => [k.what, k]));
      expect(kept.receipts).toMatchObject({ count: 3, until: `${Number(String(giftReceipt.issuedOn).slice(0, 4)) + 6}-12-31` });
      expect(kept.receipts!.reason).toContain("L102 B");
      expect(kept.ledgerEntries).toMatchObject({ count: 3, until: `${YEAR + 10}-12-31` });
      expect(kept.ledgerEntries!.reason).toContain("L123-22");
    });

    it("the donors and members listings show the alias and no name or address; the year's total is unchanged", async () => {
      const donors = DonorListSchema.parse(await (await stack.call("GET", `/v1/donors?year=${YEAR}`)).json());
      expect(donors.items.find((d) => d.email === EMAIL)).toBeUndefined();
      const row = donors.items.find((d) => d.email === ALIAS);
      expect(row).toMatchObject({ firstName: "", lastName: "Personne effacée", total: 5000, gifts: 1 });
      expect(row).not.toHaveProperty("address");
      const members = MemberListSchema.parse(await (await stack.call("GET", "/v1/members")).json());
      expect(members.items.find((m) => m.email === EMAIL)).toBeUndefined();
      expect(members.items.find((m) => m.email === ALIAS)).toMatchObject({ lastName: "Personne effacée", firstName: "" });
    });

    it("the export now finds only the pseudonymised records, and the kept receipt and entries as they were", async () => {
      const after = await exportOf(EMAIL);
      const text = JSON.stringify({ ...after, receipts: [], ledgerEntries: [], email: "", elsewhere: [] });
      expect(text).not.toContain("Camille");
      expect(text).not.toContain("Dominique");
      expect(text).not.toContain("rue des Lilas");
      expect(text).not.toContain(EMAIL);
      expect(after.donations).toHaveLength(3);
      for (const d of [...after.donations, ...after.checkouts]) expect(d).toMatchObject({ email: ALIAS, lastName: "Personne effacée" });
      expect(after.member).toMatchObject({ email: ALIAS });
      expect(after.messages.map((m) => m.kind).sort()).toEqual(before.messages.map((m) => m.kind).sort());
      expect(String(after.incidents[0]!.detail)).toContain("Personne effacée");
      expect(after.receipts).toEqual(before.receipts);
      expect(after.ledgerEntries).toEqual(before.ledgerEntries);
    });

    it("afterwards the address is held only on the receipts, and the name only on the receipts and the ledger's entries", async () => {
      const items = await tableItems();
      const holding = (text: string) => [...new Set(items.filter((i) => JSON.stringify(i).includes(text)).map((i) => String(i.pk).split("#")[0]))].sort();
      expect(holding(EMAIL)).toEqual(["RECEIPT"]);
      expect(holding("Effacée")).toEqual(["ENTRY", "LINES", "RECEIPT"]); // LINES: the ledger's per-account lines
      expect(holding("Autrenom")).toEqual(["ENTRY", "LINES", "RECEIPT"]);
      expect(holding("rue des Lilas")).toEqual(["RECEIPT"]);
    });

    it("never edits the ledger, and the receipt's PDF is the same bytes", async () => {
      const entriesAfter = await (
        await stack.call("GET", `/v1/ledger/entries?journal=ST&from=${YEAR}-01-01&to=${YEAR}-12-31&limit=500`, { role: "auditor" })
      ).json();
      expect(entriesAfter).toEqual(entriesBefore);
      expect(await pdf(String(giftReceipt.id))).toBe(receiptSha);
      const integrity = (await (await stack.call("GET", "/v1/ledger/integrity", { role: "auditor" })).json()) as { ok: boolean };
      expect(integrity.ok).toBe(true);
    });

    it("a second erasure answers the same and writes nothing", async () => {
      const items = await tableItems();
      const second = await erase(EMAIL, "erase-2");
      expect(second).toEqual(first);
      // The edge's own claim for the new Idempotency-Key aside, the table is as it was.
      const changed = (await tableItems()).filter((i) => !String(i.pk).startsWith("IDEM#"));
      expect(changed).toEqual(items.filter((i) => !String(i.pk).startsWith("IDEM#")));
    });
  });

  it("refuses to erase while a monthly gift still runs (409), writing nothing", async () => {
    const email = "mensuel.efface@example.org";
    const { sessionId } = await checkout(stack, {
      amount: 1000,
      frequency: "monthly",
      donor: { email, firstName: "Mona", lastName: "Mensuelle", address: ADDRESS },
    });
    await pay(stack, sessionId);
    await poll(async () => (await exportOf(email)).subscriptions.filter((s) => s.status === "active").length).toBe(1);
    const items = await tableItems();
    const res = await stack.call("POST", `/v1/people/${encodeURIComponent(email)}/erasure`, { headers: { "idempotency-key": "erase-monthly" } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("don mensuel");
    expect((await tableItems()).filter((i) => !String(i.pk).startsWith("IDEM#"))).toEqual(items.filter((i) => !String(i.pk).startsWith("IDEM#")));
  });

  describe("the retention run", () => {
    const OLD = "ancien.donateur@example.org";
    const RECENT = "recent.donateur@example.org";
    beforeAll(async () => {
      // Last gift more than three years ago (the run's cutoff is today less three years), and one last year.
      const old = await checkout(stack, { amount: 3000, frequency: "once", receipt: false, donor: { email: OLD, firstName: "Ancien", lastName: "Donateur" } });
      await pay(stack, old.sessionId, "2022-03-01T10:00:00Z");
      const recent = await checkout(stack, {
        amount: 3000,
        frequency: "once",
        receipt: false,
        donor: { email: RECENT, firstName: "Récent", lastName: "Donateur" },
      });
      await pay(stack, recent.sessionId, `${YEAR}-06-01T10:00:00Z`);
      await until(async () => (await exportOf(OLD)).ledgerEntries.length === 1 && (await exportOf(RECENT)).ledgerEntries.length === 1, "both gifts booked");
    }, 60_000);

    const run = async (body: unknown, key: string) => {
      const res = await stack.call("POST", "/v1/people/retention", { body, headers: { "idempotency-key": key } });
      expect(res.status).toBe(200);
      return RetentionSchema.parse(await res.json());
    };

    it("a dry run lists whose last contact is over three years old, and writes nothing", async () => {
      const items = await tableItems();
      const r = await run({ dryRun: true }, "retention-dry");
      expect(r.people).toEqual([{ email: OLD, lastContact: "2022-03-01", action: "would_erase" }]);
      expect((await tableItems()).filter((i) => !String(i.pk).startsWith("IDEM#"))).toEqual(items.filter((i) => !String(i.pk).startsWith("IDEM#")));
    });

    it("erases them as on request, keeps the recent donor and the already erased as they are; run again, it finds nobody", async () => {
      const r = await run({}, "retention-1");
      expect(r.people).toEqual([{ email: erasureAlias(OLD), lastContact: "2022-03-01", action: "erased" }]);
      expect((await exportOf(OLD)).donations).toEqual([expect.objectContaining({ email: erasureAlias(OLD), lastName: "Personne effacée", amount: 3000 })]);
      expect((await exportOf(RECENT)).donations).toEqual([expect.objectContaining({ email: RECENT, firstName: "Récent" })]);
      expect((await run({}, "retention-2")).people).toEqual([]);
    });

    it("is the trésorier's only", async () => {
      expect((await stack.call("POST", "/v1/people/retention", { role: "auditor", body: {}, headers: { "idempotency-key": "r-a" } })).status).toBe(403);
    });
  });
});
