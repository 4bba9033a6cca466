/**
 * The first run in real headless Chromium (issue 23): on an empty table of a deployment whose
 * environment names no association (a non-dev stage), the console opens on the guide; the trésorier
 * fills the identity (a bad SIREN named beside its field), turns receipts on, saves the year, a bank
 * account and the tiers; then a gift paid through the Stripe double gets the association's first
 * receipt, printed with what was typed.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { ADDRESS, checkout, pay } from "./support/giving.js";
import { pdfText } from "./support/pdf-text.js";
import { launchChromium } from "./support/chromium.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

let stack: TestStack;
let browser: Browser;
const pageErrors: string[] = [];
beforeAll(async () => {
  // No ASSO_* variable and a non-dev stage: nothing stands in for the identity.
  for (const k of Object.keys(process.env)) if (/^(ASSO_|RECEIPT|MEMBERSHIP_TIERS|BANK_ACCOUNTS|TAX_REDUCTION)/.test(k)) delete process.env[k];
  stack = await startTestStack({ STAGE: "firstrun" });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("first run", () => {
  it("opens the guide on an empty table and leads the trésorier to a first receipt", { timeout: 120_000 }, async () => {
    // Before the guide: receipts are off (the identity is incomplete).
    const before = (await (await stack.call("GET", "/v1/public/giving-settings", { role: null })).json()) as { receiptsEnabled: boolean };
    expect(before.receiptsEnabled).toBe(false);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "fr-FR", timezoneId: "Europe/Paris" });
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(`${stack.url}/console/`);
    await page.getByLabel("Trésorier").check();
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.getByRole("heading", { level: 2, name: "Premiers pas" }).waitFor();
    expect(page.url()).toContain("#/parametres");
    await poll(() => page.getByTestId("check-identity").textContent()).toMatch(/Il manque le nom/);
    await poll(() => page.getByTestId("check-bank").textContent()).toMatch(/À faire/);

    // Identity: a bad SIREN is named beside its field; nothing is written.
    const identity = page.getByTestId("section-identity");
    await identity.getByLabel("Nom de l'association").fill("Les Jardins Partagés");
    await identity.getByLabel("Objet").fill("Cultiver des jardins partagés en ville");
    await identity.getByLabel("Adresse du siège").fill("4 rue des Potagers, 69007 Lyon");
    await identity.getByLabel("SIREN", { exact: true }).fill("1234");
    await identity.getByLabel("Nom du signataire des reçus").fill("Louise Bêche");
    await identity.getByLabel("Qualité du signataire").fill("Trésorière");
    await identity.getByLabel("Émettre des reçus fiscaux").check();
    await identity.getByRole("button", { name: "Enregistrer « Identité »" }).click();
    await identity.locator(".field-error").filter({ hasText: "9 chiffres" }).waitFor();
    expect(await identity.getByLabel("SIREN", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await identity.getByLabel("SIREN", { exact: true }).fill("123 456 789");
    await identity.getByRole("button", { name: "Enregistrer « Identité »" }).click();
    await page.getByRole("status").filter({ hasText: "Section « Identité » enregistrée (version 1)" }).waitFor();

    // Year, bank account, tiers: through the guide's links.
    await page.getByTestId("first-run").getByRole("link", { name: "Exercice comptable" }).click();
    await page.getByRole("button", { name: "Enregistrer « Exercice »" }).click();
    await page.getByRole("status").filter({ hasText: "Section « Exercice » enregistrée" }).waitFor();
    await page.getByTestId("first-run").getByRole("link", { name: "Comptes bancaires" }).click();
    await page.getByRole("button", { name: "Ajouter un compte" }).click();
    await page.getByLabel("IBAN (1)").fill("FR76 4255 9100 0008 0123 4567 812");
    await page.getByLabel("Libellé (1)").fill("Compte courant");
    await page.getByRole("button", { name: "Enregistrer « Comptes bancaires »" }).click();
    await page.getByRole("status").filter({ hasText: "Section « Comptes bancaires » enregistrée" }).waitFor();
    await poll(() => page.getByTestId("check-bank").textContent()).toMatch(/1 compte/);
    // A card the bank knows only by its number: no IBAN, its number in « Autres numéros ».
    await page.getByRole("button", { name: "Ajouter un compte" }).click();
    await page.getByLabel("Compte comptable (2)").fill("5121");
    await page.getByLabel("Libellé (2)").fill("Carte Visa");
    await page.getByLabel("Autres numéros (carte…) (2)").fill("4242");
    await page.getByRole("button", { name: "Enregistrer « Comptes bancaires »" }).click();
    await page.getByRole("status").filter({ hasText: "Section « Comptes bancaires » enregistrée (version 2)" }).waitFor();
    await poll(() => page.getByTestId("check-bank").textContent()).toMatch(/2 compte/);
    await page.getByTestId("first-run").getByRole("link", { name: "Adhésions" }).click();
    await page.getByLabel("Montant (€) (1)").fill("25");
    await page.getByLabel("Période (1)").selectOption({ label: "12 mois à partir du paiement" });
    await page.getByRole("button", { name: "Enregistrer « Adhésions »" }).click();
    await page.getByRole("status").filter({ hasText: "Section « Adhésions » enregistrée" }).waitFor();
    // Every step done: the guide closes.
    await poll(() => page.getByTestId("first-run").count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();

    // The public page now offers receipts and the new fee; a gift gets the first receipt.
    const after = (await (await stack.call("GET", "/v1/public/giving-settings", { role: null })).json()) as { receiptsEnabled: boolean };
    expect(after.receiptsEnabled).toBe(true);
    const tiers = (await (await stack.call("GET", "/v1/public/membership-tiers", { role: null })).json()) as {
      tiers: { id: string; amount: number; period: string }[];
    };
    expect(tiers.tiers[0]!.amount).toBe(2500);
    expect(tiers.tiers[0]!.period).toBe("rolling_12_months");
    const { sessionId } = await checkout(stack, {
      amount: 4000,
      frequency: "once",
      donor: { email: "premier@example.org", firstName: "Prem", lastName: "Ier", address: ADDRESS },
    });
    await pay(stack, sessionId, "2025-06-01T10:00:00Z");
    const list = (await (await stack.call("GET", "/v1/receipts?year=2025")).json()) as { items: { id: string }[] };
    expect(list.items).toHaveLength(1);
    const pdf = Buffer.from(await (await stack.call("GET", `/v1/receipts/${list.items[0]!.id}.pdf`)).arrayBuffer());
    const text = await pdfText(pdf);
    expect(text).toContain("Les Jardins Partagés");
    expect(text).toContain("123456789");
    expect(text).toContain("Louise Bêche, Trésorière");
  });
});
