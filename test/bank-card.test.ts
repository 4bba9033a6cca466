/**
 * A payment card the bank knows only by its number (no IBAN, issue 23): declared with `numbers`,
 * its statements found by that number, its lines keyed by it, through HTTP.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";

const ACCOUNTS = [
  { iban: "FR7642559100000801234567812", account: "512", label: "Crédit Coopératif" },
  // No IBAN: the card's statements (OFX CCSTMTRS, masked but for 4242) name it by its number.
  { account: "5121", label: "Carte Visa Business", numbers: ["4242"] },
];

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ BANK_ACCOUNTS: JSON.stringify(ACCOUNTS) });
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function json(res: Response, status = 200): Promise<Json> {
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body;
}

async function upload(body: Buffer | string, query = "") {
  const token = await stack.identity.token("tresorier");
  return fetch(`${stack.url}/v1/bank/statements${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ofx" },
    body,
  });
}

const card = () => readFileSync(join(__dirname, "fixtures/bank", "credit-card.ofx"));

describe("a card account known by its number, without an IBAN", () => {
  it("is listed with its numbers and no IBAN", async () => {
    const body = await json(await stack.call("GET", "/v1/bank/accounts", { role: "auditor" }));
    expect(body.items).toContainEqual({ account: "5121", label: "Carte Visa Business", currency: "EUR", numbers: ["4242"] });
  });

  it("its statement is imported by the card's number and its lines are keyed by it; a second import writes nothing", async () => {
    const body = await json(await upload(card()));
    expect(body).toMatchObject({ imported: 2, statements: [{ account: "5121", iban: "4242", closing: -10230 }], skipped: [] });
    expect(await json(await upload(card()))).toMatchObject({ imported: 0, duplicates: 2 });
    for (const ref of ["4242", "5121"]) {
      const lines = await json(await stack.call("GET", `/v1/bank/lines?account=${ref}`, { role: "auditor" }));
      expect(lines.items.map((l: Json) => [l.iban, l.account, l.amount])).toEqual([
        ["4242", "5121", -8990],
        ["4242", "5121", -1240],
      ]);
    }
    const current = await json(await stack.call("GET", "/v1/bank/lines?account=512", { role: "auditor" }));
    expect(current.items).toEqual([]);
  });

  it("a statement naming no account goes to the card asked for by its number", async () => {
    const unnamed = card()
      .toString("utf8")
      .replace("<ACCTID>XXXXXXXXXXXX4242\n", "")
      .replace("CB-0207-1", "CB-0301-1")
      .replace("<DTPOSTED>20250207", "<DTPOSTED>20250301")
      .replace("<DTSTART>20250201", "<DTSTART>20250301")
      .replace("<DTEND>20250228", "<DTEND>20250331")
      .replace("<TRNAMT>-12.40", "<TRNAMT>-12.41")
      .replace("<DTPOSTED>20250219", "<DTPOSTED>20250302")
      .replace("<LEDGERBAL><BALAMT>-102.30<DTASOF>20250228</LEDGERBAL>", "");
    expect(await json(await upload(unnamed, "?account=4242"))).toMatchObject({ imported: 2, statements: [{ account: "5121", iban: "4242" }] });
  });

  it("its état de rapprochement names the card's number and its statement's balance", async () => {
    const body = await json(await stack.call("GET", "/v1/bank/reconciliation?account=4242&date=2025-02-28", { role: "auditor" }));
    expect(body).toMatchObject({ account: "5121", ibans: ["4242"], bankBalance: -10230, since: "2025-02-01" });
    const pdf = await stack.call("GET", "/v1/bank/reconciliation.pdf?account=4242&date=2025-02-28", { role: "auditor" });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toContain("application/pdf");
  });
});

describe("the bank accounts' settings", () => {
  const put = async (accounts: unknown[]) => {
    const s = await json(await stack.call("GET", "/v1/settings", { role: "tresorier" }));
    const version = String(s.sections["bank-accounts"].version);
    return stack.call("PUT", "/v1/settings/bank-accounts", { role: "tresorier", body: { accounts }, headers: { "if-match": version } });
  };

  it("take an account with numbers and an empty IBAN (the console's empty field); without numbers the IBAN is required, in French", async () => {
    const refused = await json(await put([{ iban: "", account: "5121", label: "Carte" }]), 400);
    expect(refused.errors).toContainEqual({ path: "accounts.0.iban", message: expect.stringContaining("sauf pour un compte connu par son numéro") });
    const twice = await json(
      await put([
        { account: "5121", label: "Carte", numbers: ["4970 1234"] },
        { account: "5121", label: "Carte bis", numbers: ["49701234"] },
      ]),
      400,
    );
    expect(twice.errors).toContainEqual({ path: "accounts.1.numbers", message: "ce numéro est déjà listé" });
    await json(await put([...ACCOUNTS.slice(0, 1), { iban: "", account: "5121", label: "Carte Visa Business", numbers: ["4242"] }]));
    const listed = await json(await stack.call("GET", "/v1/bank/accounts", { role: "auditor" }));
    expect(listed.items.map((a: Json) => [a.account, a.iban ?? null])).toEqual([
      ["512", "FR7642559100000801234567812"],
      ["5121", null],
    ]);
  });
});
