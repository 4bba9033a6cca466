/**
 * The giving page people trust (issue 17 item 6), in Debian's Chromium on a phone (390×844) and a
 * desktop (1280×800): who asks (name, logo, object) and the legal mentions and privacy notice come
 * from the settings; the amount is a text field read as the person means it ("15,50" is 1 550
 * cents, never 1 550 €), checked where Stripe receives it; the keyboard moves through the amounts
 * without choosing "Autre"; an error goes once fixed; tap targets are 24 px at least; the thank-you
 * page thanks only a payment the back-office knows; unknown pages answer a French 404.
 */
import { crc32, deflateSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";
import { ADDRESS, checkout, donation, pay } from "./support/giving.js";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
let browser: Browser;

/** A real 16×16 PNG (a green square), so Chromium draws it. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(16, 0);
  ihdr.writeUInt32BE(16, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: 16 }, () => Buffer.concat([Buffer.from([0]), Buffer.from(Array(16).fill([31, 111, 74]).flat())])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function putSection(name: string, body: unknown) {
  const current = (await (await stack.call("GET", "/v1/settings")).json()) as { sections: Record<string, { version: number }> };
  const res = await stack.call("PUT", `/v1/settings/${name}`, { body, headers: { "if-match": String(current.sections[name]!.version) } });
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_IP_BURST: "1000", CHECKOUT_IP_PER_MINUTE: "10000" });
  await putSection("identity", {
    name: "Les Amis du Canal",
    object: "Faire vivre les berges du canal et leurs jardins partagés",
    address: "3 quai de la Loire, 75019 Paris",
    siren: "123456782",
    rna: "W751234567",
    signatory: { name: "Alex Durand", quality: "Trésorier" },
    receiptsEnabled: true,
    reductionRate: 66,
  });
  await putSection("privacy", { contactName: "Claire Petit, déléguée à la protection des données", contactEmail: "donnees@amis-du-canal.fr" });
  const token = await stack.identity.token("tresorier");
  const logo = await fetch(`${stack.url}/v1/settings/logo`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "image/png" },
    body: png(),
  });
  expect(logo.status).toBe(200);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const VIEWPORTS = [
  ["a phone", { width: 390, height: 844 }],
  ["a desktop", { width: 1280, height: 800 }],
] as const;

/** The form filled but for the amount, without a receipt (fewer fields). */
async function fillDonor(page: Page, email: string) {
  const form = page.locator("#panel-don");
  await form.getByLabel("Prénom").fill("Camille");
  await form.getByLabel("Nom", { exact: true }).fill("Martin");
  await form.getByLabel("Adresse e-mail").fill(email);
  await page.locator("#receipt").uncheck();
}

/** The giving page once its settings are shown (the association's name is in the header). */
async function open(viewport: { width: number; height: number }) {
  const page = await browser.newPage({ viewport, locale: "fr-FR" });
  await page.goto(`${stack.url}/`);
  await expect.poll(() => page.locator("#asso-name").textContent()).toBe("Les Amis du Canal");
  return page;
}

for (const [device, viewport] of VIEWPORTS)
  describe(`the giving page on ${device}`, () => {
    it("shows the association's name, logo and object at the top, its legal mentions and whom to write to about personal data, from the settings", async () => {
      const page = await open(viewport);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Soutenir Les Amis du Canal");
      expect(await page.locator("#asso-object").textContent()).toBe("Faire vivre les berges du canal et leurs jardins partagés");
      const logo = page.getByRole("img", { name: "Logo de Les Amis du Canal" });
      await expect
        .poll(() =>
          logo.evaluate((el) => {
            const img = el as unknown as { complete: boolean; naturalWidth: number };
            return img.complete && img.naturalWidth;
          }),
        )
        .toBe(16);
      const legal = (await page.locator("#legal-identity").textContent())!;
      for (const part of ["Les Amis du Canal", "SIREN 123 456 782", "RNA W751234567", "3 quai de la Loire, 75019 Paris"]) expect(legal).toContain(part);
      expect(await page.locator("#legal-tax").textContent()).toBe(
        "Un don à l'association ouvre droit à une réduction de l'impôt sur le revenu de 66 % de son montant, dans les limites de l'article 200 du Code général des impôts, sur présentation du reçu fiscal qu'elle vous envoie.",
      );
      const privacy = (await page.locator("footer").textContent())!;
      expect(privacy).toContain("Un paiement abandonné est effacé après 30 jours");
      expect(privacy).toContain("écrivez à Claire Petit, déléguée à la protection des données, donnees@amis-du-canal.fr");
      expect(await page.getByRole("link", { name: "donnees@amis-du-canal.fr" }).getAttribute("href")).toBe("mailto:donnees@amis-du-canal.fr");
      expect(await page.getByRole("link", { name: "Retrouver mes reçus et mes dons" }).getAttribute("href")).toBe("/espace/");
      await page.close();
    });

    const spellings: Array<[string, number]> = [
      ["15,50", 1550],
      ["15.50", 1550],
      ["15 €", 1500],
      ["15,5", 1550],
      [" 1 000 ", 100000],
      ["1 000,00 €", 100000],
    ];
    for (const [typed, cents] of spellings)
      it(`reads "${typed}" as ${cents} cents: the checkout Stripe receives is for that amount`, async () => {
        const page = await open(viewport);
        await fillDonor(page, "spelling@example.org");
        await page.getByLabel("Autre montant (en euros)").fill(typed);
        expect(await page.locator('input[name="preset"][value="other"]').isChecked()).toBe(true);
        expect(await page.getByLabel("Autre montant (en euros)").getAttribute("inputmode")).toBe("decimal");
        await page.getByRole("button", { name: "Continuer vers le paiement sécurisé" }).click();
        await page.waitForURL(/\/c\/pay\/cs_/);
        const sessionId = /\/c\/pay\/(cs_\w+)/.exec(page.url())![1]!;
        expect(stack.stripe.objects.get(sessionId)?.amount_total).toBe(cents);
        await page.close();
      });

    it("refuses nonsense and amounts out of bounds in French, and the error goes once the amount is fixed", async () => {
      const page = await open(viewport);
      await fillDonor(page, "errors@example.org");
      const field = page.getByLabel("Autre montant (en euros)");
      const alert = page.locator("#panel-don .errors");
      await field.fill("quinze euros");
      await page.getByRole("button", { name: "Continuer vers le paiement sécurisé" }).click();
      await expect.poll(() => alert.textContent()).toBe("Montant : écrivez un montant en euros, par exemple 15 ou 15,50");
      expect(await field.getAttribute("aria-invalid")).toBe("true");
      await field.fill("0,50");
      await expect.poll(() => alert.textContent()).toBe("Montant : indiquez un montant entre 1 € et 100\u202f000 €");
      await field.fill("15,50");
      await expect.poll(() => alert.textContent()).toBe("");
      expect(await field.getAttribute("aria-invalid")).toBeNull();
      expect(await page.locator("#cost").textContent()).toBe("15,50 € vous coûtent 5,27 € après réduction d'impôt");

      // A required field left empty: its line goes as soon as it is filled, the others stay.
      await page.locator("#panel-don").getByLabel("Prénom").fill("");
      await page.locator("#panel-don").getByLabel("Adresse e-mail").fill("");
      await page.getByRole("button", { name: "Continuer vers le paiement sécurisé" }).click();
      await expect.poll(() => alert.textContent()).toBe("Prénom : à renseignerAdresse e-mail : à renseigner");
      await page.locator("#panel-don").getByLabel("Prénom").fill("Camille");
      await expect.poll(() => alert.textContent()).toBe("Adresse e-mail : à renseigner");
      expect(await page.locator("#firstName").getAttribute("aria-invalid")).toBeNull();
      expect(await page.locator("#email").getAttribute("aria-invalid")).toBe("true");
      await page.close();
    });

    it("moves through the amounts with the keyboard without choosing Autre: arrows change the amount, Tab leaves the group", async () => {
      const page = await open(viewport);
      await page.locator('input[name="frequency"][value="once"]').focus();
      await page.keyboard.press("Tab");
      expect(await page.evaluate<string>("document.activeElement.value")).toBe("5000");
      await page.keyboard.press("ArrowRight");
      expect(await page.locator('input[name="preset"]:checked').getAttribute("value")).toBe("10000");
      await page.keyboard.press("Tab");
      expect(await page.evaluate<string>("document.activeElement.id")).toBe("amount-other");
      await page.keyboard.press("Tab");
      expect(await page.locator('input[name="preset"]:checked').getAttribute("value")).toBe("10000");
      expect(await page.locator('input[name="preset"][value="other"]').isChecked()).toBe(false);
      expect(await page.locator("#cost").textContent()).toBe("100 € vous coûtent 34 € après réduction d'impôt");
      await page.close();
    });

    it("gives every control a tap target of 24 px at least and every field a label", async () => {
      const page = await open(viewport);
      for (const tab of ["#tab-don", "#tab-adhesion"]) {
        await page.locator(tab).click();
        const panel = tab === "#tab-don" ? "#panel-don" : "#panel-adhesion";
        await expect.poll(() => page.locator(`${panel} input`).count()).toBeGreaterThan(3);
        const targets = page.locator(`${panel} input:visible, ${panel} select:visible, ${panel} button:visible, .tabs button, a.target:visible`);
        const sizes = await targets.evaluateAll((els) =>
          els.map((el) => {
            const r = el.getBoundingClientRect();
            return { what: `${el.tagName} ${el.id || (el as unknown as { value?: string }).value || el.textContent}`, width: r.width, height: r.height };
          }),
        );
        expect(sizes.length).toBeGreaterThan(5);
        for (const s of sizes) {
          expect(s.width, `${s.what} width`).toBeGreaterThanOrEqual(24);
          expect(s.height, `${s.what} height`).toBeGreaterThanOrEqual(24);
        }
        const unlabelled = await page
          .locator(`${panel} input:visible, ${panel} select:visible`)
          .evaluateAll((els) =>
            els.filter((el) => !(el as unknown as { labels: { length: number } | null }).labels?.length).map((el) => el.id || String(el.getAttribute("name"))),
          );
        expect(unlabelled).toEqual([]);
      }
      await page.close();
    });

    it("does not thank a made-up session id: the thank-you page says it cannot find that payment", async () => {
      const page = await browser.newPage({ viewport, locale: "fr-FR" });
      for (const query of ["?session_id=cs_test_inventeDeToutesPieces", "?session_id=n'importe%20quoi", ""]) {
        await page.goto(`${stack.url}/merci${query}`);
        await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Nous ne retrouvons pas ce paiement");
        expect(await page.textContent("body")).not.toContain("Merci");
      }
      await page.close();
    });
  });

describe("the thank-you page and its status route", () => {
  it("thanks a paid gift, says the receipt comes by e-mail to the address given (masked) and links to the donor's space", async () => {
    const { sessionId } = await checkout(
      stack,
      donation(4200, { donor: { email: "marie.dupont@exemple.fr", firstName: "Marie", lastName: "Dupont", address: ADDRESS } }),
    );
    const before = await (await stack.call("GET", `/v1/public/checkout-sessions/${sessionId}`, { role: null })).json();
    expect(before).toEqual({ status: "pending", kind: "donation", frequency: "once", amount: 4200, receipt: true, email: "m…@exemple.fr" });
    await pay(stack, sessionId);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: "fr-FR" });
    await page.goto(`${stack.url}/merci?session_id=${sessionId}`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Merci pour votre soutien !");
    const text = await page.textContent("main");
    expect(text).toContain("Votre don de 42 € est enregistré.");
    expect(text).toContain("Votre reçu fiscal arrivera par e-mail à l'adresse m…@exemple.fr");
    expect(text).not.toContain("marie.dupont");
    expect(await page.getByRole("link", { name: "Retrouver mes reçus et mes dons" }).getAttribute("href")).toBe("/espace/");
    await page.close();
  });

  it("answers only a status for an id that is not one of ours, without the donor's details", async () => {
    for (const id of ["cs_test_inventeDeToutesPieces", "pas-un-identifiant", "cs_test_x%2F..%2F"]) {
      const res = await stack.call("GET", `/v1/public/checkout-sessions/${id}`, { role: null });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "unknown", receipt: false });
    }
  });
});

describe("pages that do not exist", () => {
  it("answer a French 404 page with status 404, in Chromium too; the API keeps its problem+json", async () => {
    const res = await fetch(`${stack.url}/nulle-part/ici`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("<h1>Page introuvable</h1>");

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: "fr-FR" });
    const answer = await page.goto(`${stack.url}/dons-2019.html`);
    expect(answer?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Page introuvable");
    expect(await page.getByRole("link", { name: "Faire un don ou adhérer" }).getAttribute("href")).toBe("/");
    await page.close();

    const api = await fetch(`${stack.url}/v1/nulle-part`);
    expect(api.status).toBe(404);
    expect(api.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("memberships on the giving page", () => {
  it("shows each tier's period and validity dates, and near the year's end sends the year chosen as membershipYear", async () => {
    const tiers = (await (await stack.call("GET", "/v1/public/membership-tiers", { role: null })).json()) as {
      tiers: { id: string; validFrom: string; validUntil: string; next?: { year: number } }[];
    };
    const first = tiers.tiers[0]!;
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: "fr-FR" });
    await page.goto(`${stack.url}/`);
    await page.getByRole("tab", { name: "Adhérer" }).click();
    const fr = (iso: string) => new Date(`${iso}T12:00:00Z`).toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    await expect.poll(() => page.locator("#tiers label").first().textContent()).toContain(`Valable du ${fr(first.validFrom)} au ${fr(first.validUntil)}`);
    const sent: unknown[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/v1/public/memberships/checkout")) sent.push(r.postDataJSON());
    });
    const form = page.locator("#panel-adhesion");
    await form.getByLabel("Prénom").fill("Lou");
    await form.getByLabel("Nom", { exact: true }).fill("Bernard");
    await form.getByLabel("Adresse e-mail").fill("lou.bernard@example.org");
    // From 1 November a calendar-year tier offers the next year; before, no choice is shown.
    expect(await page.locator("#year-choice").isVisible()).toBe(!!first.next);
    if (first.next) await page.getByRole("radio", { name: new RegExp(`Pour ${first.next.year}`) }).check();
    await page.getByRole("button", { name: "Adhérer et payer" }).click();
    await page.waitForURL(/\/c\/pay\/cs_/);
    expect(sent).toEqual([
      {
        tierId: first.id,
        ...(first.next ? { membershipYear: first.next.year } : {}),
        member: { email: "lou.bernard@example.org", firstName: "Lou", lastName: "Bernard" },
      },
    ]);
    await page.close();
  });
});
