/**
 * End to end in real headless Chromium: a citizen gives 50 € with a receipt on the public page,
 * pays on the Stripe double's checkout page, comes back to the thank-you page; the ledger shows the
 * gross, fee and clearing lines, and the receipt PDF holds the donor, the amount and the number;
 * the thank-you and the receipt arrive by e-mail in the local inbox (maildev), the PDF attached.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { stripeEntries, stripeFee } from "./support/giving.js";
import { pdfText } from "./support/pdf-text.js";
import { launchChromium } from "./support/chromium.js";

let stack: TestStack;
let browser: Browser;
beforeAll(async () => {
  stack = await startTestStack({ RECEIPTS_ENABLED: "true", TAX_REDUCTION_PERCENT: "66" }, { mail: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

it("gives 50 € with a receipt from a phone-sized page, pays, is booked and receipted, and the receipt arrives by e-mail", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: "fr-FR" });
  await page.goto(`${stack.url}/`);
  await expect.poll(() => page.locator("#cost").textContent()).toBe("50 € vous coûtent 17 € après réduction d'impôt");

  // Every field has a label; submitting empty lists the errors in an alert and marks the fields.
  for (const input of await page.locator("#panel-don input:not([type=radio]):not([type=checkbox])").all()) {
    const id = await input.getAttribute("id");
    expect(await page.locator(`label[for="${id}"]`).count(), `label for #${id}`).toBe(1);
  }
  await page.getByRole("button", { name: "Continuer vers le paiement sécurisé" }).click();
  await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("Prénom : à renseigner");
  expect(await page.locator("#email").getAttribute("aria-invalid")).toBe("true");

  // Keyboard: the tabs switch with the arrow keys.
  await page.locator("#tab-don").focus();
  await page.keyboard.press("ArrowRight");
  expect(await page.locator("#tab-adhesion").getAttribute("aria-selected")).toBe("true");
  await page.keyboard.press("ArrowLeft");

  const form = page.locator("#panel-don");
  await form.getByLabel("Prénom").fill("Camille");
  await form.getByLabel("Nom", { exact: true }).fill("Martin");
  await form.getByLabel("Adresse e-mail").fill("camille.browser@example.org");
  await form.getByLabel("Adresse", { exact: true }).fill("12 rue des Lilas");
  await form.getByLabel("Code postal").fill("69003");
  await form.getByLabel("Ville").fill("Lyon");
  mkdirSync(join(import.meta.dirname, "..", ".data", "screenshots"), { recursive: true });
  await page.screenshot({ path: join(import.meta.dirname, "..", ".data", "screenshots", "giving-page.png"), fullPage: true });

  await page.getByRole("button", { name: "Continuer vers le paiement sécurisé" }).click();
  await page.waitForURL(/\/c\/pay\/cs_/);
  expect(await page.textContent("body")).toContain("50,00 €");
  await page.getByRole("button", { name: "Payer" }).click();
  await page.waitForURL(/\/merci\?session_id=cs_/);
  // The thank-you page asks the back-office what became of the payment before it thanks.
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Merci pour votre soutien !");
  expect(await page.textContent("main")).toContain("Votre reçu fiscal arrivera par e-mail à l'adresse c…@example.org");

  // The ledger: gross against the Stripe clearing account, the fee to 627.
  const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
  const entry = (await stripeEntries(stack, today, today)).find((e) => e.label.includes("Camille Martin"))!;
  expect(entry.lines.map((l) => [l.account, l.debit, l.credit])).toEqual([
    ["4671", 5000, 0],
    ["7541", 0, 5000],
    ["627", stripeFee(5000), 0],
    ["4671", 0, stripeFee(5000)],
  ]);

  // The receipt.
  const receipts = (await (await stack.call("GET", `/v1/receipts?year=${today.slice(0, 4)}`)).json()) as { items: { id: string; donor: { email: string } }[] };
  const receipt = receipts.items.find((r) => r.donor.email === "camille.browser@example.org")!;
  const text = await pdfText(Buffer.from(await (await stack.call("GET", `/v1/receipts/${receipt.id}.pdf`)).arrayBuffer()));
  expect(text).toContain("MARTIN Camille");
  expect(text).toContain("***50,00 €***");
  expect(text).toContain(receipt.id);

  // The mail: the thank-you and the receipt, its PDF attached, the amount in words.
  const mine = async () => (await stack.inbox()).filter((m) => m.to.some((t) => t.address === "camille.browser@example.org"));
  await expect.poll(async () => (await mine()).map((m) => m.subject.split(" ")[0]).sort(), { timeout: 30_000 }).toEqual(["Merci", "Votre"]);
  const mail = (await mine()).find((m) => m.subject.startsWith("Votre reçu fiscal"))!;
  expect(mail.attachments).toHaveLength(1);
  let bytes: Uint8Array = new Uint8Array();
  for (let i = 0; i < 50 && bytes.length === 0; i++) {
    if (i) await new Promise((r) => setTimeout(r, 100));
    bytes = await stack.mail!.attachment(mail, mail.attachments![0]!.generatedFileName);
  }
  const attached = await pdfText(bytes);
  expect(attached).toContain("cinquante euros");
  expect(attached).toContain(receipt.id);
});

it("the page shows the tax-reduction rate the API gives, not a hard-coded 66 %", async () => {
  process.env.TAX_REDUCTION_PERCENT = "75";
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: "fr-FR" });
    await page.goto(`${stack.url}/`);
    await expect.poll(() => page.locator("#cost").textContent()).toBe("50 € vous coûtent 12,50 € après réduction d'impôt");
    expect(await page.locator("#reduction-lead").textContent()).toBe("Votre don ouvre droit à une réduction d'impôt de 75\u00a0% de son montant.");
    await page.close();
  } finally {
    process.env.TAX_REDUCTION_PERCENT = "66";
  }
});
