/** Issue 7, the chart part: the trésorier adds sub-accounts; posting, the FEC and the balances use them. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountExists, loadChart } from "@asso/core/ledger";
import { startTestStack, type TestStack } from "./support/stack.js";
import { checkFec } from "./support/fec-check.js";

const SIREN = "912345678";
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: SIREN });
});
afterAll(() => stack.close());

interface Account {
  number: string;
  label: string;
  class: number;
  custom?: boolean;
  parent?: string;
}
const add = async (body: unknown, headers: Record<string, string> = {}, role = "tresorier") => {
  const res = await stack.call("POST", "/v1/ledger/accounts", { body, headers, role });
  return { res, body: (await res.json()) as Account & { errors?: { path: string; message: string }[]; detail?: string } };
};
const accounts = async () => ((await (await stack.call("GET", "/v1/ledger/accounts", { role: "auditor" })).json()) as { items: Account[] }).items;

describe("sub-accounts", () => {
  it("adds 62261 under 6226, lists it with the seeded chart, and posting accepts it", async () => {
    const { res, body } = await add({ number: "62261", label: "Honoraires juridiques" });
    expect(res.status).toBe(201);
    expect(body).toEqual({ number: "62261", label: "Honoraires juridiques", class: 6, custom: true, parent: "6226" });
    const all = await accounts();
    expect(all.find((a) => a.number === "62261")).toMatchObject({ label: "Honoraires juridiques", custom: true });
    expect(all.find((a) => a.number === "6226")).toEqual({ number: "6226", label: "Honoraires", class: 6 });
    expect(all.map((a) => a.number)).toEqual([...all.map((a) => a.number)].sort());

    const post = await stack.call("POST", "/v1/ledger/entries", {
      body: {
        journal: "HA",
        date: "2024-03-10",
        label: "Avocat",
        pieceRef: "AV-1",
        lines: [
          { account: "62261", debit: 60000 },
          { account: "401", credit: 60000, aux: { number: "F-AVOCAT", label: "Cabinet Martin" } },
        ],
      },
    });
    expect(post.status).toBe(201);
    const tb = (await (await stack.call("GET", "/v1/ledger/trial-balance?year=2024", { role: "auditor" })).json()) as {
      accounts: { account: string; label: string; balance: number }[];
    };
    expect(tb.accounts.find((a) => a.account === "62261")).toMatchObject({ label: "Honoraires juridiques", balance: 60000 });
    const gl = (await (await stack.call("GET", "/v1/ledger/general-ledger?year=2024&account=62261", { role: "auditor" })).json()) as { label: string };
    expect(gl.label).toBe("Honoraires juridiques");
  });

  it("the FEC's CompteLib is the sub-account's own label", async () => {
    const res = await stack.call("GET", "/v1/ledger/export?year=2024&format=fec", { role: "auditor" });
    const text = await res.text();
    expect(checkFec(`${SIREN}FEC20241231.txt`, text, SIREN, 2024).problems).toEqual([]);
    const row = text
      .split("\r\n")
      .map((r) => r.split("\t"))
      .find((f) => f[4] === "62261")!;
    expect(row[5]).toBe("Honoraires juridiques");
  });

  it("a sub-account extends the longest existing number: 622611 goes under 62261", async () => {
    const { res, body } = await add({ number: "622611", label: "Honoraires juridiques - contentieux" });
    expect(res.status).toBe(201);
    expect(body.parent).toBe("62261");
  });

  it("an account not added is still refused at posting", async () => {
    const post = await stack.call("POST", "/v1/ledger/entries", {
      body: {
        journal: "HA",
        date: "2024-03-11",
        label: "x",
        pieceRef: "x",
        lines: [
          { account: "62262", debit: 1 },
          { account: "401", credit: 1 },
        ],
      },
    });
    expect(post.status).toBe(400);
    expect(((await post.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["lines.0.account"]);
  });

  const refused: Array<[string, unknown, number, RegExp]> = [
    ["an unknown class", { number: "91234", label: "Classe 9" }, 400, /class 9/],
    ["a number that extends no account", { number: "6999", label: "Rien" }, 400, /must extend an existing account/],
    ["a seeded number", { number: "6226", label: "Doublon" }, 409, /already exists/],
    ["a number already added", { number: "62261", label: "Doublon" }, 409, /already exists/],
    ["letters", { number: "62A61", label: "Lettres" }, 400, /digits/],
    ["a class-level number", { number: "62", label: "Trop court" }, 400, /digits/],
    ["an empty label", { number: "62263", label: " " }, 400, /label|character/],
  ];
  for (const [name, body, status, message] of refused)
    it(`refuses ${name} with ${status} and a clear problem`, async () => {
      const before = (await accounts()).length;
      const { res, body: problem } = await add(body);
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toMatch(/problem\+json/);
      expect(`${problem.detail} ${(problem.errors ?? []).map((e) => `${e.path} ${e.message}`).join(" ")}`).toMatch(message);
      expect((await accounts()).length).toBe(before);
    });

  it("is idempotent with an Idempotency-Key; the same key with another body is 409", async () => {
    const first = await add({ number: "6064001", label: "Papeterie" }, { "idempotency-key": "acc-1" });
    const again = await add({ number: "6064001", label: "Papeterie" }, { "idempotency-key": "acc-1" });
    expect(first.res.status).toBe(201);
    expect(again.res.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await add({ number: "6064002", label: "Autre" }, { "idempotency-key": "acc-1" });
    expect(other.res.status).toBe(409);
  });

  it("concurrent additions of one number: one 201, the others 409", async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => add({ number: "75411", label: "Dons manuels en ligne" })));
    expect(answers.map((a) => a.res.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it("only the trésorier adds accounts", async () => {
    expect((await add({ number: "62264", label: "x" }, {}, "delegation")).res.status).toBe(403);
    expect((await add({ number: "62264", label: "x" }, {}, "auditor")).res.status).toBe(403);
  });

  it("other domains check a number with accountExists / loadChart", async () => {
    expect(await accountExists(stack.db, "62261")).toBe(true);
    expect(await accountExists(stack.db, "512")).toBe(true);
    expect(await accountExists(stack.db, "62269")).toBe(false);
    const chart = await loadChart(stack.db);
    expect(chart.find("622611")?.parent).toBe("62261");
  });
});
