/**
 * Matching by hand in the console, in real headless Chromium: a bank line searched, two entries
 * ticked and matched; a proposal rejected (and kept rejected); the état de rapprochement's columns
 * add up, and dated after the last statement it shows the difference as unknown.
 */
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./support/chromium.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

let stack: TestStack;
let browser: Browser;
const ids: Record<string, string> = {};

const ntry = (n: number, date: string, amount: string, dir: "CRDT" | "DBIT", label: string) => `
      <Ntry><NtryRef>${n}</NtryRef><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>${dir}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>${date}</Dt></BookgDt><ValDt><Dt>${date}</Dt></ValDt><AcctSvcrRef>CON${n}</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>${label}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;
// Written for this test: March 2025, opening 1 000,00 €, closing 1 105,00 €.
const march = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
  <GrpHdr><MsgId>CON-2025-03</MsgId><CreDtTm>2025-04-01T06:00:00+02:00</CreDtTm></GrpHdr>
  <Stmt><Id>STMT-CON-2025-03</Id><CreDtTm>2025-04-01T06:00:00+02:00</CreDtTm>
    <FrToDt><FrDtTm>2025-03-01T00:00:00+01:00</FrDtTm><ToDtTm>2025-03-31T23:59:59+02:00</ToDtTm></FrToDt>
    <Acct><Id><IBAN>FR76 4255 9100 0008 0123 4567 812</IBAN></Id><Ccy>EUR</Ccy></Acct>
    <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-01</Dt></Dt></Bal>
    <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1105.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-31</Dt></Dt></Bal>
    ${ntry(1, "2025-03-05", "150.00", "CRDT", "VIR REMISE COTISATIONS MARS")}
    ${ntry(2, "2025-03-10", "45.00", "DBIT", "PRLV SEPA ASSURANCE MAIF")}
  </Stmt></BkToCstmrStmt></Document>`;

async function post(name: string, date: string, label: string, lines: unknown[]) {
  const res = await stack.call("POST", "/v1/ledger/entries", { body: { journal: "BQ", date, label, pieceRef: name.toUpperCase(), lines } });
  expect(res.status).toBe(201);
  ids[name] = ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  stack = await startTestStack();
  await post("ouverture", "2025-02-28", "Solde bancaire au 28/02/2025", [
    { account: "512", debit: 100000 },
    { account: "102", credit: 100000 },
  ]);
  await post("cot-a", "2025-03-04", "Cotisation Alice Martin", [
    { account: "512", debit: 10000 },
    { account: "756", credit: 10000 },
  ]);
  await post("cot-b", "2025-03-04", "Cotisation Bruno Petit", [
    { account: "512", debit: 5000 },
    { account: "756", credit: 5000 },
  ]);
  await post("maif", "2025-03-09", "Assurance MAIF mars", [
    { account: "616", debit: 4500 },
    { account: "512", credit: 4500 },
  ]);
  expect((await stack.call("POST", "/v1/bank/statements", { body: march, headers: { "content-type": "application/xml" } })).status).toBe(200);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signIn(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "fr-FR", timezoneId: "Europe/Paris" });
  page.setDefaultTimeout(10_000);
  await page.goto(`${stack.url}/console/`);
  await page.getByLabel("Trésorier").check();
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Écrans" }).waitFor();
  return page;
}

const euros = (text: string | null) =>
  Number(
    (text ?? "")
      .replace(/[^\d,−-]/g, "")
      .replace("−", "-")
      .replace(",", "."),
  );

describe("the console, matching by hand", () => {
  it("searches, ticks two entries and matches them; rejects a proposal; the état adds up", { timeout: 120_000 }, async () => {
    const page = await signIn();
    await page.goto(`${stack.url}/console/#/banque/lignes`);
    await page.getByRole("button", { name: "Rechercher une écriture pour VIR REMISE COTISATIONS MARS" }).click();
    await page.getByLabel("Libellé ou pièce").fill("cotisation");
    await page.getByRole("button", { name: "Rechercher", exact: true }).click();
    await page.getByLabel("Choisir Cotisation Alice Martin").check();
    await page.getByLabel("Choisir Cotisation Bruno Petit").check();
    await page.getByRole("button", { name: "Rapprocher", exact: true }).click();
    await poll(() => page.getByRole("status").filter({ hasText: "rapprochée de 2 écriture(s)" }).count()).toBe(1);

    await page.goto(`${stack.url}/console/#/banque/propositions`);
    await page.getByRole("button", { name: "Proposer des rapprochements" }).click();
    const proposal = page.locator("section.proposal").filter({ hasText: "ASSURANCE MAIF" });
    await proposal.getByRole("button", { name: /^Rejeter/ }).click();
    await poll(() => page.getByRole("status").filter({ hasText: "Proposition rejetée" }).count()).toBe(1);
    await page.getByRole("button", { name: "Proposer des rapprochements" }).click();
    await poll(() => page.getByText("Aucune proposition").count()).toBe(1);
    expect(await page.locator("section.proposal").filter({ hasText: "ASSURANCE MAIF" }).count()).toBe(0);

    await page.goto(`${stack.url}/console/#/banque/etat`);
    await page.getByLabel("Au").fill("2025-03-31");
    await page.getByRole("table").filter({ hasText: "au 31/03/2025" }).waitFor();
    const cell = async (id: string) => euros(await page.getByTestId(id).textContent());
    await poll(() => cell("rec-bank")).toBe(1105);
    expect((await cell("rec-bank")) + (await cell("rec-bank-items"))).toBeCloseTo(await cell("rec-bank-adjusted"), 2);
    expect((await cell("rec-books")) + (await cell("rec-books-items"))).toBeCloseTo(await cell("rec-books-adjusted"), 2);
    expect((await cell("rec-bank-adjusted")) - (await cell("rec-books-adjusted"))).toBeCloseTo(await cell("rec-difference"), 2);

    await page.getByLabel("Au").fill("2025-06-30");
    await page.getByRole("table").filter({ hasText: "au 30/06/2025" }).waitFor();
    await poll(() => page.getByTestId("rec-difference").textContent()).toBe("inconnu");
    expect(await page.getByRole("status").filter({ hasText: "Le dernier relevé importé s'arrête au 31/03/2025" }).count()).toBe(1);
    await page.close();
  });
});
