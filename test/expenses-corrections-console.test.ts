/**
 * A trésorier corrects an expense booked on the wrong account (issue 19, item 10), in real headless
 * Chromium against a local stack: « Corriger » on the expense, « Corriger le compte de charge »,
 * the right account picked by its name, a reason, a confirmation that says what will be written and
 * that it cannot be erased; the books then show the amount on the right account, and the expense's
 * history says who corrected it and why. A new expense is confirmed before it is booked.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";
import { firstRunChecked } from "./support/console.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
const thisYear = Number(today.slice(0, 4));

let stack: TestStack;
let browser: Browser;
let expenseId: string;
const pageErrors: string[] = [];

type Json = Record<string, any>;
const api = async (method: string, path: string, body?: unknown) => {
  const res = await stack.call(method, path, { body, role: "tresorier" });
  return { status: res.status, body: (await res.json()) as Json };
};
const balances = async () => {
  const r = await api("GET", `/v1/ledger/trial-balance?year=${thisYear}`);
  return new Map<string, number>((r.body.accounts as { account: string; balance: number }[]).map((a) => [a.account, a.balance]));
};

beforeAll(async () => {
  stack = await startTestStack();
  const r = await api("POST", "/v1/expenses", {
    date: today,
    supplier: "Cabinet Martin",
    account: "623",
    amount: 48_000,
    label: "Conseil juridique",
    pieceRef: "CM-2026-07",
  });
  expect(r.status).toBe(201);
  expenseId = r.body.id;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signIn(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "fr-FR", timezoneId: "Europe/Paris" });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`${stack.url}/console/`);
  await page.getByRole("heading", { level: 1, name: "Connexion à la console" }).waitFor();
  await page.getByLabel("Trésorier").check();
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Écrans" }).waitFor();
  // The first-run check may send a new stack to « Paramètres » once: let it answer first.
  await firstRunChecked(page);
  return page;
}

async function go(page: Page, hash: string, heading: string) {
  await page.evaluate(`location.hash = ${JSON.stringify(`#/${hash}`)}`);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  await poll(() => page.locator(".loading").count()).toBe(0);
}

describe("correcting an expense booked on the wrong account", () => {
  it("« Corriger » → the right account by its name, a reason, a confirmation; the books and the history follow", { timeout: 120_000 }, async () => {
    const page = await signIn();
    await go(page, "depenses", "Dépenses");
    await page.getByRole("button", { name: "Corriger la dépense CM-2026-07 (Cabinet Martin)" }).click();
    const panel = page.getByRole("region", { name: "Corriger la dépense CM-2026-07 — Cabinet Martin" });
    await panel.getByText("Dépense enregistrée").waitFor();
    // Booked unpaid: every correction is offered, the wrong account first.
    await panel.getByLabel("Corriger le compte de charge (reclassement)").check();
    expect(await panel.getByLabel("Annuler la dépense").count()).toBe(1);
    await panel.getByLabel("Bon compte de charge").fill("hono");
    await page.getByRole("option", { name: /^Honoraires 6226$/ }).click();
    await panel.getByLabel("Motif").fill("Conseil d'avocat : des honoraires, pas de la publicité");
    await panel.getByRole("button", { name: "Enregistrer la correction" }).click();

    // The confirmation says what will be written, and that it stays.
    const dialog = page.getByRole("dialog", { name: "Corriger le compte de la dépense" });
    await dialog.waitFor();
    const said = (await dialog.textContent())?.replace(/\s/g, " ") ?? "";
    expect(said).toContain("480,00 €");
    expect(said).toContain("« Publicité, publications, relations publiques »");
    expect(said).toContain("« Honoraires »");
    expect(said).toContain("ne s'efface pas");
    // Cancelled first: nothing is written.
    await dialog.getByRole("button", { name: "Annuler" }).click();
    expect((await balances()).get("6226") ?? 0).toBe(0);
    await panel.getByRole("button", { name: "Enregistrer la correction" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirmer" }).click();
    await page.getByText("Compte de la dépense CM-2026-07 corrigé : Honoraires.").waitFor();

    // The books: the amount is on Honoraires, nothing left on Publicité; the supplier still owes it.
    await poll(async () => (await balances()).get("6226")).toBe(48_000);
    const tb = await balances();
    expect(tb.get("623") ?? 0).toBe(0);
    expect(tb.get("401")).toBe(-48_000);
    const e = (await api("GET", `/v1/expenses/${expenseId}`)).body;
    expect(e.account).toBe("6226");
    expect(e.history.at(-1)).toMatchObject({
      kind: "reclassification",
      from: "623",
      to: "6226",
      reason: "Conseil d'avocat : des honoraires, pas de la publicité",
      by: { role: "tresorier" },
    });

    // The list shows the right account; the history says who and why.
    await page
      .getByRole("row", { name: /CM-2026-07/ })
      .getByText("Honoraires")
      .waitFor();
    await page.getByRole("button", { name: "Corriger la dépense CM-2026-07 (Cabinet Martin)" }).click();
    await panel
      .getByText(
        /Compte corrigé \(reclassement\).*de « Publicité, publications, relations publiques » à « Honoraires ».*par Trésorier.*des honoraires, pas de la publicité/,
      )
      .waitFor();

    // In the ledger, the expense's entries are corrected from Dépenses: « Corriger », never « Extourner » (the API refuses it, 409).
    const purchase = (await api("GET", `/v1/ledger/entries/${e.purchaseEntryId}`)).body;
    await go(page, "comptabilite/ecritures", "Écritures");
    await page.getByLabel("Du").fill(today);
    await page.getByLabel("Au").fill(today);
    await page.getByRole("button", { name: "Filtrer" }).click();
    const row = page.locator(`tr[data-entry="${purchase.ref}"]`);
    await row.waitFor();
    expect(await row.getByRole("button", { name: /Extourner/ }).count()).toBe(0);
    await row.getByRole("link", { name: `Corriger ${purchase.ref} depuis Dépenses` }).click();
    await page.getByRole("heading", { level: 1, name: "Dépenses" }).waitFor();
    // Bug: the link opened only the list (#/depenses); it lands on this expense's own correction.
    const hashIs = (want: string) => (globalThis as unknown as { location: { hash: string } }).location.hash === want;
    await page.waitForFunction(hashIs, `#/depenses/corriger/${expenseId}`);
    await page.getByRole("region", { name: "Corriger la dépense CM-2026-07 — Cabinet Martin" }).waitFor();
    expect((await api("POST", `/v1/ledger/entries/${e.purchaseEntryId}/reversal`, {})).status).toBe(409);
    expect(pageErrors).toEqual([]);
  });

  it("a new expense is confirmed before it is booked", { timeout: 90_000 }, async () => {
    const page = await signIn();
    await go(page, "depenses", "Dépenses");
    await page.getByRole("button", { name: "Nouvelle dépense" }).click();
    await page.getByLabel("Date de la facture").fill(today);
    await page.getByLabel("Fournisseur", { exact: true }).fill("Papeterie Durand");
    await page.getByLabel("Facture n°").fill("PD-1");
    await page.getByLabel("Libellé", { exact: true }).fill("Ramettes");
    await page.getByLabel("Compte de charge").fill("fournitures admin");
    await page.getByRole("option", { name: /^Fournitures administratives 6064$/ }).click();
    await page.getByLabel("Montant TTC (€)").fill("35,20");
    await page.getByRole("button", { name: "Enregistrer la dépense" }).click();
    const dialog = page.getByRole("dialog", { name: "Enregistrer la dépense" });
    await dialog.getByText("« Fournitures administratives »", { exact: false }).waitFor();
    await dialog.getByRole("button", { name: "Annuler" }).click();
    const listed = async () => ((await api("GET", `/v1/expenses?year=${thisYear}&limit=200`)).body.items as Json[]).filter((x) => x.pieceRef === "PD-1").length;
    expect(await listed()).toBe(0);
    await page.getByRole("button", { name: "Enregistrer la dépense" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Enregistrer" }).click();
    await poll(listed).toBe(1);
  });
});

describe("a bank rule entry corrected from the ledger", () => {
  it("« Corriger » on a bank rule entry in the ledger opens that line's own correction, not only #/banque", { timeout: 120_000 }, async () => {
    const statement = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
  <GrpHdr><MsgId>ECC-${today}</MsgId><CreDtTm>${today}T20:00:00+01:00</CreDtTm></GrpHdr>
  <Stmt><Id>STMT-ECC-${today}</Id><CreDtTm>${today}T20:00:00+01:00</CreDtTm>
    <Acct><Id><IBAN>FR76 4255 9100 0008 0123 4567 812</IBAN></Id><Ccy>EUR</Ccy></Acct>
    <Ntry><NtryRef>1</NtryRef><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
      <BookgDt><Dt>${today}</Dt></BookgDt><ValDt><Dt>${today}</Dt></ValDt><AcctSvcrRef>ECC1</AcctSvcrRef>
      <NtryDtls><TxDtls><RmtInf><Ustrd>FRAIS TENUE DE COMPTE</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
  </Stmt></BkToCstmrStmt></Document>`;
    expect((await stack.call("POST", "/v1/bank/statements", { body: statement, headers: { "content-type": "application/xml" } })).status).toBe(200);
    const listed = await api("GET", `/v1/bank/lines?account=512&from=${today}&to=${today}`);
    const line = (listed.body.items as Json[]).find((l) => l.amount === -1_250)!;
    const made = await api("POST", `/v1/bank/lines/${line.id}/entry`, { rule: "bank_fees" });
    expect(made.status).toBe(201);
    const ref = (await api("GET", `/v1/ledger/entries/${made.body.entry.id}`)).body.ref as string;

    const page = await signIn();
    await go(page, "comptabilite/ecritures", "Écritures");
    await page.getByLabel("Du").fill(today);
    await page.getByLabel("Au").fill(today);
    await page.getByRole("button", { name: "Filtrer" }).click();
    const row = page.locator(`tr[data-entry="${ref}"]`);
    await row.waitFor();
    await row.getByRole("link", { name: `Corriger ${ref} depuis Banque et rapprochement` }).click();
    const hashIs = (want: string) => (globalThis as unknown as { location: { hash: string } }).location.hash === want;
    await page.waitForFunction(hashIs, `#/banque/lignes/corriger/${made.body.entry.id}`);
    // The line's own correction is open: its « Corriger » expanded, the rule to choose shown.
    await page.locator(`tr[data-line="${line.id}"]`).getByRole("button", { name: "Corriger l'écriture de FRAIS TENUE DE COMPTE", expanded: true }).waitFor();
    expect(await page.getByLabel("Règle").count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});

describe("a later payment from the console", () => {
  it("the later payment offers the unmatched bank lines of its amount and writes the payment lettered with the one picked (it sent no bankLineId)", {
    timeout: 120_000,
  }, async () => {
    const made = await api("POST", "/v1/expenses", {
      date: today,
      supplier: "Imprimerie Dupont",
      account: "623",
      amount: 30_000,
      label: "Affiches",
      pieceRef: "ID-41",
    });
    expect(made.status).toBe(201);
    const statement = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
  <GrpHdr><MsgId>ECP-${today}</MsgId><CreDtTm>${today}T21:00:00+01:00</CreDtTm></GrpHdr>
  <Stmt><Id>STMT-ECP-${today}</Id><CreDtTm>${today}T21:00:00+01:00</CreDtTm>
    <Acct><Id><IBAN>FR76 4255 9100 0008 0123 4567 812</IBAN></Id><Ccy>EUR</Ccy></Acct>
    <Ntry><NtryRef>1</NtryRef><Amt Ccy="EUR">300.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
      <BookgDt><Dt>${today}</Dt></BookgDt><ValDt><Dt>${today}</Dt></ValDt><AcctSvcrRef>ECP1</AcctSvcrRef>
      <NtryDtls><TxDtls><RmtInf><Ustrd>VIR AFFICHES ID-41</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
  </Stmt></BkToCstmrStmt></Document>`;
    expect((await stack.call("POST", "/v1/bank/statements", { body: statement, headers: { "content-type": "application/xml" } })).status).toBe(200);
    const listed = await api("GET", `/v1/bank/lines?account=512&status=unmatched&from=${today}&to=${today}`);
    const line = (listed.body.items as Json[]).find((l) => l.amount === -30_000)!;

    const page = await signIn();
    await go(page, "depenses", "Dépenses");
    await page.getByRole("button", { name: "Corriger la dépense ID-41 (Imprimerie Dupont)" }).click();
    const panel = page.getByRole("region", { name: "Corriger la dépense ID-41 — Imprimerie Dupont" });
    await panel.getByLabel("Enregistrer le règlement").check();
    await panel.getByLabel("Ligne de relevé").selectOption(line.id);
    await panel.getByRole("button", { name: "Enregistrer la correction" }).click();
    const dialog = page.getByRole("dialog", { name: "Enregistrer le règlement" });
    await dialog.waitFor();
    expect((await dialog.textContent())?.replace(/\s/g, " ")).toContain("« VIR AFFICHES ID-41 »");
    await dialog.getByRole("button", { name: "Confirmer" }).click();
    await page.getByText("Règlement de la dépense ID-41 enregistré.").waitFor();
    // The payment and the match, written together.
    const after = (await api("GET", `/v1/expenses/${made.body.id}`)).body;
    expect(after.status).toBe("paid");
    const matched = (await api("GET", `/v1/bank/lines/${line.id}`)).body;
    expect(matched.status).toBe("matched");
    expect(matched.match.entryIds).toEqual([after.paymentEntryId]);
    expect(pageErrors).toEqual([]);
  });
});
