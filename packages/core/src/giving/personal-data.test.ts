import { describe, expect, it } from "vitest";
import { memoryDb } from "../db/memory.js";
import { getItem, transact } from "../db/store.js";
import { ConflictError } from "../errors.js";
import { ERASED_NAME, erasePerson, erasureAlias, exportPerson, inactivePeople, isErasureAlias, retentionCutoff } from "./personal-data.js";
import { checkoutKey, donationKey, incidentKey, memberKey, subscriptionKey } from "./records.js";
import { donationItem, recordIncident, refundedItem, saveCheckout, saveMember, subscriptionCancelled, subscriptionPaid, subscriptionStarted } from "./store.js";

const EMAIL = "camille@example.org";
const ADDRESS = { line1: "12 rue des Lilas", postalCode: "69003", city: "Lyon", country: "FR" };
const YEARS = [2025];

async function seed(opts: { monthly?: "active" | "canceled" } = {}) {
  const db = memoryDb();
  const person = { email: EMAIL, firstName: "Camille", lastName: "Martin", address: ADDRESS };
  await saveCheckout(db, {
    checkoutId: "co_1",
    kind: "donation",
    frequency: opts.monthly ? "monthly" : "once",
    amount: 5000,
    ...person,
    receipt: true,
    createdAt: "2025-03-01T10:00:00Z",
  });
  await transact(db, [
    donationItem({
      chargeId: "ch_1",
      kind: "donation",
      frequency: opts.monthly ? "monthly" : "once",
      amount: 5000,
      fee: 100,
      date: "2025-03-01",
      year: 2025,
      ...person,
      receiptWanted: true,
      method: "card",
      checkoutId: "co_1",
      ...(opts.monthly ? { subscriptionId: "sub_1" } : {}),
    }),
  ]);
  await transact(db, [refundedItem("ch_1", 1000)]);
  await saveMember(db, { ...person, tierId: "individuel", validUntil: "2025-12-31", lastPaymentOn: "2025-03-01" });
  await recordIncident(db, {
    ref: "member:ch_2",
    type: "member_identity_mismatch",
    date: "2025-04-01",
    amount: 2000,
    email: EMAIL,
    detail: "Cotisation payée sous l'adresse d'un adhérent existant avec un autre nom (Camille Martin)",
  });
  if (opts.monthly) {
    await subscriptionStarted(db, "sub_1", "co_1", "cus_1");
    await subscriptionPaid(db, "sub_1", { email: EMAIL, amount: 5000, checkoutId: "co_1" });
    if (opts.monthly === "canceled") await subscriptionCancelled(db, "sub_1", "2025-06-01");
  }
  return db;
}

describe("the erasure alias", () => {
  it("is stable, ignores case and spacing, and is recognised as an alias on a reserved domain", () => {
    expect(erasureAlias(" Camille@Example.org ")).toBe(erasureAlias(EMAIL));
    expect(erasureAlias("other@example.org")).not.toBe(erasureAlias(EMAIL));
    expect(erasureAlias(EMAIL)).toMatch(/^efface-[0-9a-f]{24}@efface\.invalid$/);
    expect(isErasureAlias(erasureAlias(EMAIL))).toBe(true);
    expect(isErasureAlias(EMAIL)).toBe(false);
  });

  it("the retention cutoff is three years back, 29 February giving the 28th", () => {
    expect(retentionCutoff("2026-12-02")).toBe("2023-12-02");
    expect(retentionCutoff("2028-02-29")).toBe("2025-02-28");
  });
});

describe("a person's giving records", () => {
  it("the export has every record carrying the address, without storage keys", async () => {
    const db = await seed({ monthly: "canceled" });
    const data = await exportPerson(db, EMAIL, { years: YEARS });
    expect(data.donations).toEqual([expect.objectContaining({ chargeId: "ch_1", email: EMAIL, address: ADDRESS, refunded: 1000 })]);
    expect(data.donations[0]).not.toHaveProperty("pk");
    expect(data.checkouts).toEqual([expect.objectContaining({ checkoutId: "co_1", email: EMAIL })]);
    expect(data.member).toMatchObject({ email: EMAIL, firstName: "Camille" });
    expect(data.subscriptions).toEqual([expect.objectContaining({ email: EMAIL, customerId: "cus_1", status: "canceled" })]);
    expect(data.incidents).toEqual([expect.objectContaining({ ref: "member:ch_2" })]);
  });

  it("the erasure pseudonymises every record, keeps amounts and refunds, unlinks the Stripe customer; a second writes nothing", async () => {
    const db = await seed({ monthly: "canceled" });
    const alias = erasureAlias(EMAIL);
    const first = await erasePerson(db, EMAIL, { years: YEARS, today: "2026-12-02" });
    expect(first.written).toBe(5);
    expect(Object.fromEntries(first.erased.map((e) => [e.what, e.count]))).toEqual({ donations: 1, checkouts: 1, member: 1, subscriptions: 1, incidents: 1 });
    const gift = await getItem(db, donationKey("ch_1"));
    expect(gift).toMatchObject({ email: alias, firstName: "", lastName: ERASED_NAME, amount: 5000, refunded: 1000, erasedOn: "2026-12-02" });
    expect(gift).not.toHaveProperty("address");
    expect(await getItem(db, checkoutKey("co_1"))).not.toHaveProperty("address");
    expect(await getItem(db, memberKey(EMAIL))).toBeUndefined();
    expect(await getItem(db, memberKey(alias))).toMatchObject({ email: alias, lastName: ERASED_NAME, validUntil: "2025-12-31", gsi1sk: alias });
    const sub = await getItem(db, subscriptionKey("sub_1"));
    expect(sub).toMatchObject({ email: alias, status: "canceled" });
    expect(sub).not.toHaveProperty("customerId");
    const incident = await getItem(db, incidentKey("member:ch_2"));
    expect(incident).toMatchObject({ email: alias });
    expect(String(incident!.detail)).not.toContain("Camille");

    const second = await erasePerson(db, EMAIL, { years: YEARS, today: "2026-12-03" });
    expect(second.written).toBe(0);
    expect(second.erased).toEqual(first.erased);
    expect(await getItem(db, donationKey("ch_1"))).toMatchObject({ erasedOn: "2026-12-02" });
  });

  it("refuses while a monthly gift runs, writing nothing", async () => {
    const db = await seed({ monthly: "active" });
    await expect(erasePerson(db, EMAIL, { years: YEARS })).rejects.toBeInstanceOf(ConflictError);
    expect(await getItem(db, donationKey("ch_1"))).toMatchObject({ email: EMAIL, firstName: "Camille" });
  });

  it("lists as inactive whoever's last contact is before the cutoff, never an alias", async () => {
    const db = await seed();
    expect(await inactivePeople(db, "2026-01-01", { years: YEARS })).toEqual([{ email: EMAIL, lastContact: "2025-12-31" }]);
    expect(await inactivePeople(db, "2025-12-31", { years: YEARS })).toEqual([]);
    await erasePerson(db, EMAIL, { years: YEARS });
    expect(await inactivePeople(db, "2026-01-01", { years: YEARS })).toEqual([]);
  });
});
