/** The donors' registry through HTTP: one row per donor identity (e-mail, name, address as given), never merged by e-mail. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DonorListSchema } from "@asso/core/giving";
import { startTestStack, type TestStack } from "./support/stack.js";
import { checkout, pay } from "./support/giving.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_IP_BURST: "100", CHECKOUT_IP_PER_MINUTE: "1000" });
});
afterAll(() => stack.close());

const SHARED = "foyer.dupont@example.org";
const LYON = { line1: "12 rue des Lilas", postalCode: "69003", city: "Lyon", country: "FR" };
const NANTES = { line1: "3 quai de la Fosse", postalCode: "44000", city: "Nantes", country: "FR" };

async function give(amount: number, firstName: string, lastName: string, address: typeof LYON, at: string, email = SHARED) {
  const { sessionId } = await checkout(stack, { amount, frequency: "once", receipt: false, donor: { email, firstName, lastName, address } });
  await pay(stack, sessionId, at);
}

async function donors(year: number, role = "tresorier", limit = 100) {
  const rows: ReturnType<typeof DonorListSchema.parse>["items"] = [];
  let cursor: string | null = null;
  do {
    const res = await stack.call("GET", `/v1/donors?year=${year}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { role });
    expect(res.status).toBe(200);
    const body = DonorListSchema.parse(await res.json());
    rows.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return rows;
}

describe("donors' registry", () => {
  beforeAll(async () => {
    await give(5000, "Camille", "Dupont", LYON, "2024-03-01T10:00:00Z");
    await give(2000, "Dominique", "Dupont", NANTES, "2024-06-01T10:00:00Z");
    // The same person again, spelled with other case and spacing: the same identity.
    await give(1000, "camille ", "DUPONT", { ...LYON, line1: "12  rue des lilas" }, "2024-09-01T10:00:00Z");
  });

  it("bug: one row mixed one gift's name and another's address (merged by e-mail)", async () => {
    // Wait for the webhook to book all three gifts.
    for (let i = 0; i < 100 && (await donors(2024)).reduce((s, d) => s + d.gifts, 0) < 3; i++) await new Promise((r) => setTimeout(r, 100));
    const rows = (await donors(2024)).filter((d) => d.email === SHARED);
    expect(rows).toHaveLength(2);
    const camille = rows.find((d) => d.firstName === "Camille");
    const dominique = rows.find((d) => d.firstName === "Dominique");
    expect(camille).toMatchObject({ lastName: "Dupont", address: LYON, total: 6000, gifts: 2, lastGift: "2024-09-01" });
    expect(dominique).toMatchObject({ lastName: "Dupont", address: NANTES, total: 2000, gifts: 1, lastGift: "2024-06-01" });
  });

  it("pages through identities with one e-mail without losing or repeating a row, and the délégation sees no address", async () => {
    const all = await donors(2024);
    const paged = await donors(2024, "delegation", 1);
    expect(paged).toHaveLength(all.length);
    expect(paged.map((d) => `${d.email} ${d.firstName}`)).toEqual(all.map((d) => `${d.email} ${d.firstName}`));
    for (const d of paged) expect(d.address).toBeUndefined();
  });
});
