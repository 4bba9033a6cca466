/**
 * The console as a volunteer trésorier uses it (issue 22), in real headless Chromium against a
 * local stack: the current fiscal year by default even with a future year's entries, the year
 * picked kept per person after a reload, balances read at a date, an expense entered by picking
 * "Honoraires" with its invoice dropped in the same form, the supplier's usual account and the
 * duplicate warning, offline then online writing once (also when the first answer was lost), a
 * server error in French with "Réessayer", a session that expires keeping what was typed.
 * Screenshots at 1280×800 and 390×844 go to /work/team/screens/ (or CONSOLE_SCREENS).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstRunChecked } from "./support/console.js";
import { startTestStack, type TestStack } from "./support/stack.js";
import { launchChromium } from "./support/chromium.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const SCREENS = process.env.CONSOLE_SCREENS ?? "/work/team/screens";
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
/** English the console must never show a person. */
const ENGLISH = /Failed to fetch|webhook|Something went wrong|is corrected there|Internal error|NetworkError/i;

const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
/** Calendar fiscal years (the settings' default start, January). */
const thisYear = Number(today.slice(0, 4));
const longToday = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/Paris" }).format(new Date());

let stack: TestStack;
let browser: Browser;
const pageErrors: string[] = [];

async function post(path: string, body: unknown, key: string) {
  const res = await stack.call("POST", path, { body, headers: { "idempotency-key": key } });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res.json();
}

beforeAll(async () => {
  stack = await startTestStack();
  const entry = (date: string, amount: number, piece: string) => ({
    journal: "OD",
    date,
    label: `Subvention reçue ${piece}`,
    pieceRef: piece,
    lines: [
      { account: "512", debit: amount },
      { account: "741", credit: amount },
    ],
  });
  // Last year, this year, and a future year (a two-year grant's second installment).
  await post("/v1/ledger/entries", entry(`${thisYear - 1}-06-01`, 100_000, "PASSE-1"), "seed-past");
  await post("/v1/ledger/entries", entry(`${thisYear}-02-01`, 50_000, "CETTE-ANNEE-1"), "seed-now");
  await post("/v1/ledger/entries", entry(`${thisYear + 1}-03-01`, 70_000, "FUTUR-1"), "seed-future");
  // Booked ahead, on the year's last day: not in today's balance (unless today is that day).
  await post("/v1/ledger/entries", entry(`${thisYear}-12-31`, 20_000, "FIN-ANNEE-1"), "seed-year-end");
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signIn(
  role: "tresorier" | "auditor" | "delegation" = "tresorier",
  viewport = { width: 1280, height: 800 },
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport, locale: "fr-FR", timezoneId: "Europe/Paris" });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`${stack.url}/console/`);
  await login(page, role);
  return { page, context };
}

async function login(page: Page, role: "tresorier" | "auditor" | "delegation") {
  await page.getByRole("heading", { level: 1, name: "Connexion à la console" }).waitFor();
  const labels = { tresorier: "Trésorier", auditor: "Auditeur (commissaire aux comptes)", delegation: "Délégation générale" };
  await page.getByLabel(labels[role]).check();
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Écrans" }).waitFor();
  // The first-run check may send a new stack to « Paramètres » once: let it answer first.
  await firstRunChecked(page);
}

async function go(page: Page, hash: string, heading: string) {
  await page.evaluate(`location.hash = ${JSON.stringify(`#/${hash}`)}`);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  await poll(() => page.locator(".loading").count()).toBe(0);
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });

const expensesOf = async (pieceRef: string) => {
  const r = (await (await stack.call("GET", `/v1/expenses?year=${thisYear}&limit=200`)).json()) as {
    items: { pieceRef: string; account: string; file: unknown }[];
  };
  return r.items.filter((e) => e.pieceRef === pieceRef);
};

/** The confirmation the console asks before booking an expense (once per expense typed: a retry does not ask again). */
async function confirmExpense(page: Page, required = true) {
  const confirm = page.getByRole("dialog", { name: "Enregistrer la dépense" }).getByRole("button", { name: "Enregistrer", exact: true });
  if (required) return confirm.click();
  await confirm.click({ timeout: 3_000 }).catch(() => undefined);
}

/** Opens the expense form and fills it (the account picked by its name). */
async function fillExpense(page: Page, x: { supplier: string; piece: string; label: string; amount: string; pick?: string }) {
  await page.getByRole("button", { name: "Nouvelle dépense" }).click();
  await page.getByLabel("Date de la facture").fill(today);
  await page.getByLabel("Fournisseur", { exact: true }).fill(x.supplier);
  await page.getByLabel("Facture n°").fill(x.piece);
  await page.getByLabel("Libellé", { exact: true }).fill(x.label);
  if (x.pick) {
    await page.getByLabel("Compte de charge").fill(x.pick);
    await page.getByRole("option", { name: /^Honoraires 6226$/ }).click();
  }
  await page.getByLabel("Montant TTC (€)").fill(x.amount);
}

describe("the year shown", () => {
  it("opens on the current fiscal year though a future year has entries, and keeps the year picked after a reload, per person", {
    timeout: 90_000,
  }, async () => {
    const { page, context } = await signIn();
    await go(page, "tableau-de-bord", "Tableau de bord");
    await expect(page.getByLabel("Exercice").inputValue()).resolves.toBe(String(thisYear));
    expect(await page.getByLabel("Exercice").locator("option").allTextContents()).toContain(String(thisYear + 1));
    // A balance at a date: last year's 1 000 € and this year's 500 € (no closing yet), not what is
    // dated after today; the year's movements (500 € + 200 €) said apart.
    const yearEnd = today === `${thisYear}-12-31`;
    await poll(async () => (await page.getByTestId("kpi-bank").textContent())?.replace(/\s/g, " ")).toBe(yearEnd ? "1 700,00 €" : "1 500,00 €");
    await page.getByText(`Solde au ${longToday}`).first().waitFor();
    await page.getByText(`Mouvements ${thisYear} : 700,00 €`).first().waitFor();
    await shot(page, "volunteer-dashboard-1280");

    // Picking another year shows that year's loading state, never the other year's figures meanwhile.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const lastYear = (url: URL) => url.pathname.endsWith("/v1/ledger/trial-balance") && url.searchParams.get("year") === String(thisYear - 1);
    await page.route(lastYear, async (route) => {
      await held;
      await route.fallback();
    });
    await page.getByLabel("Exercice").selectOption(String(thisYear - 1));
    await page
      .getByRole("status")
      .filter({ hasText: `Chargement de ${thisYear - 1}` })
      .waitFor();
    expect(await page.getByTestId("kpi-bank").count()).toBe(0);
    release();
    await page.unroute(lastYear);
    await poll(async () => (await page.getByTestId("kpi-bank").textContent())?.replace(/\s/g, " ")).toBe("1 000,00 €");
    await page
      .getByText(`Solde au 31 décembre ${thisYear - 1}`)
      .first()
      .waitFor();
    await page.reload();
    await login(page, "tresorier");
    await go(page, "tableau-de-bord", "Tableau de bord");
    await expect(page.getByLabel("Exercice").inputValue()).resolves.toBe(String(thisYear - 1));
    await go(page, "depenses", "Dépenses");
    await expect(page.getByLabel("Exercice").inputValue()).resolves.toBe(String(thisYear - 1));

    // Another person (the auditor) in the same browser still opens on the current year.
    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await login(page, "auditor");
    await go(page, "tableau-de-bord", "Tableau de bord");
    await expect(page.getByLabel("Exercice").inputValue()).resolves.toBe(String(thisYear));
    // And so does the délégation générale, on its annual report.
    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await login(page, "delegation");
    await go(page, "rapport", "Rapport annuel");
    await expect(page.getByLabel("Exercice").inputValue()).resolves.toBe(String(thisYear));
    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await login(page, "tresorier");
    await go(page, "tableau-de-bord", "Tableau de bord");
    await expect(page.getByLabel("Exercice").inputValue()).resolves.toBe(String(thisYear - 1));
    await page.getByLabel("Exercice").selectOption(String(thisYear));
    await context.close();
  });

  it("never offers to close the current or a future year", { timeout: 60_000 }, async () => {
    const { page, context } = await signIn();
    await go(page, "comptabilite/exercices", "Exercices et clôture");
    await page.getByRole("button", { name: `Clôturer ${thisYear - 1}` }).waitFor();
    expect(await page.getByRole("button", { name: `Clôturer ${thisYear}` }).count()).toBe(0);
    expect(await page.getByRole("button", { name: `Clôturer ${thisYear + 1}` }).count()).toBe(0);
    await page.getByText("exercice à venir").waitFor();
    await context.close();
  });
});

describe("the expense form", () => {
  it("books an expense picked as 'Honoraires' with its invoice dropped in the same form, then remembers the supplier's account and warns of a duplicate", {
    timeout: 90_000,
  }, async () => {
    const { page, context } = await signIn();
    await go(page, "depenses", "Dépenses");
    await fillExpense(page, { supplier: "Cabinet Martin", piece: "CM-2026-01", label: "Conseil juridique", amount: "480", pick: "hono" });
    await expect(page.getByLabel("Compte de charge").inputValue()).resolves.toBe("Honoraires (6226)");
    // Drop the invoice on the form (as from the file manager).
    const transfer = await page.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(${JSON.stringify([...PDF])})], "facture-martin.pdf", { type: "application/pdf" }));
      return dt;
    })()`);
    await page.getByTestId("invoice-drop").dispatchEvent("drop", { dataTransfer: transfer });
    await page.getByText("facture-martin.pdf").waitFor();
    expect(await page.locator("#x-file").getAttribute("accept")).toBe("image/*,application/pdf");
    expect(await page.locator("#x-file").getAttribute("capture")).not.toBeNull();
    await shot(page, "volunteer-expense-form-1280");
    await page.getByRole("button", { name: "Enregistrer la dépense" }).click();
    await confirmExpense(page);
    await page.getByRole("status").filter({ hasText: "avec sa facture « facture-martin.pdf »" }).waitFor();
    const [saved] = await expensesOf("CM-2026-01");
    expect(saved).toMatchObject({ account: "6226" });
    expect(saved!.file).not.toBeNull();
    await page.getByRole("button", { name: "Voir la facture CM-2026-01" }).waitFor();
    await page.getByRole("cell", { name: "Honoraires 6226" }).first().waitFor();

    // The same supplier again: its usual account comes by itself; same amount and date: a warning first.
    await page.getByRole("button", { name: "Nouvelle dépense" }).click();
    await page.getByLabel("Date de la facture").fill(today);
    await page.getByLabel("Fournisseur", { exact: true }).fill("cabinet martin");
    await poll(() => page.getByLabel("Compte de charge").inputValue()).toBe("Honoraires (6226)");
    await page.getByText("Compte habituel de ce fournisseur : Honoraires (6226).").waitFor();
    await page.getByLabel("Facture n°").fill("CM-2026-01-bis");
    await page.getByLabel("Libellé", { exact: true }).fill("Conseil juridique");
    await page.getByLabel("Montant TTC (€)").fill("480,00");
    const warning = page.getByTestId("duplicate");
    await warning.getByText("Cette facture semble déjà enregistrée.").waitFor();
    await warning.getByText("CM-2026-01").waitFor();
    await expect(page.getByRole("button", { name: "Enregistrer la dépense" }).isDisabled()).resolves.toBe(true);
    await warning.getByLabel("C'est une autre facture : l'enregistrer quand même").check();
    await expect(page.getByRole("button", { name: "Enregistrer la dépense" }).isEnabled()).resolves.toBe(true);
    await shot(page, "volunteer-expense-duplicate-1280");
    await page.getByRole("button", { name: "Annuler" }).click();
    expect(await expensesOf("CM-2026-01-bis")).toHaveLength(0);
    await context.close();
  });
});

describe("a photographed invoice", () => {
  it("a phone's photo over the API's 10 MB is made lighter (JPEG, 2 400 px at most) and sent with the expense", { timeout: 90_000 }, async () => {
    const { page, context } = await signIn("tresorier", { width: 390, height: 844 });
    await go(page, "depenses", "Dépenses");
    await fillExpense(page, { supplier: "Garage Moreau", piece: "GM-5", label: "Location camionnette", amount: "120", pick: "hono" });
    // A 3 000 × 2 400 PNG of noise: about 20 MB, as no phone would send but as the limit must survive.
    const transfer = await page.evaluateHandle(`(async () => {
      const c = document.createElement("canvas");
      c.width = 3000; c.height = 2400;
      const ctx = c.getContext("2d");
      const img = ctx.createImageData(c.width, c.height);
      for (let i = 0; i < img.data.length; i++) img.data[i] = (i % 4 === 3) ? 255 : Math.floor(Math.random() * 256);
      ctx.putImageData(img, 0, 0);
      const blob = await new Promise((r) => c.toBlob(r, "image/png"));
      const dt = new DataTransfer();
      dt.items.add(new File([blob], "photo-facture.png", { type: "image/png" }));
      return dt;
    })()`);
    const original = await transfer.evaluate((dt) => (dt as unknown as { files: { size: number }[] }).files[0]!.size);
    expect(original).toBeGreaterThan(10 * 1024 * 1024);
    await page.getByTestId("invoice-drop").dispatchEvent("drop", { dataTransfer: transfer });
    await page.getByText("photo-facture.jpg").waitFor();
    await shot(page, "volunteer-expense-photo-390");
    await page.getByRole("button", { name: "Enregistrer la dépense" }).click();
    await confirmExpense(page);
    await page.getByRole("status").filter({ hasText: "avec sa facture « photo-facture.jpg »" }).waitFor();
    const [saved] = (await expensesOf("GM-5")) as unknown as { file: { contentType: string; size: number } }[];
    expect(saved!.file.contentType).toBe("image/jpeg");
    expect(saved!.file.size).toBeLessThan(10 * 1024 * 1024);
    await context.close();
  });
});

describe("faults", () => {
  it("offline: a French notice with 'Réessayer'; back online the retry writes the expense once", { timeout: 90_000 }, async () => {
    const { page, context } = await signIn();
    await go(page, "depenses", "Dépenses");
    await fillExpense(page, { supplier: "Imprimerie du Port", piece: "IP-77", label: "Affiches", amount: "95,40", pick: "hono" });
    await context.setOffline(true);
    await page.getByRole("button", { name: "Enregistrer la dépense" }).click();
    await confirmExpense(page);
    const notice = page.getByTestId("problem");
    await notice.getByText("Vous êtes hors ligne").waitFor();
    await notice.getByText(/Vérifiez la connexion à Internet/).waitFor();
    expect(await page.locator("body").innerText()).not.toMatch(ENGLISH);
    await shot(page, "volunteer-offline-1280");
    await context.setOffline(false);
    await notice.getByRole("button", { name: "Réessayer" }).click();
    await page.getByRole("status").filter({ hasText: "Affiches" }).waitFor();
    expect(await expensesOf("IP-77")).toHaveLength(1);
    await context.close();
  });

  it("the answer lost after the server wrote: the retry carries the same Idempotency-Key and writes once", { timeout: 90_000 }, async () => {
    const { page, context } = await signIn();
    await go(page, "depenses", "Dépenses");
    await fillExpense(page, { supplier: "Papeterie Centrale", piece: "PC-12", label: "Ramettes", amount: "42", pick: "hono" });
    const keys: string[] = [];
    await page.route("**/v1/expenses", async (route) => {
      if (route.request().method() !== "POST") return route.fallback();
      keys.push(route.request().headers()["idempotency-key"] ?? "");
      await route.fetch(); // the server writes the expense…
      await route.abort("connectionreset"); // …and its answer never reaches the browser
    });
    await page.getByRole("button", { name: "Enregistrer la dépense" }).click();
    await confirmExpense(page);
    await page.getByTestId("problem").getByText("Serveur injoignable").waitFor();
    await page.unroute("**/v1/expenses");
    expect(await expensesOf("PC-12")).toHaveLength(1);
    page.on("request", (r) => r.method() === "POST" && r.url().endsWith("/v1/expenses") && keys.push(r.headers()["idempotency-key"] ?? ""));
    await page.getByRole("button", { name: "Réessayer" }).click();
    await page.getByRole("status").filter({ hasText: "Ramettes" }).waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await expensesOf("PC-12")).toHaveLength(1);
    await context.close();
  });

  it("a console that cannot reach the server at start says so in French, with 'Réessayer'", { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "fr-FR" });
    const page = await context.newPage();
    await page.route("**/console/config.json", (route) => route.abort("internetdisconnected"));
    await page.goto(`${stack.url}/console/`);
    await page.getByRole("alert").filter({ hasText: "le serveur est injoignable" }).waitFor();
    expect(await page.locator("body").innerText()).not.toMatch(ENGLISH);
    await page.unroute("**/console/config.json");
    await page.getByRole("button", { name: "Réessayer" }).click();
    await page.getByRole("heading", { level: 1, name: "Connexion à la console" }).waitFor();
    await context.close();
  });

  it("a server error (500) shows the French notice with what to do next and 'Réessayer', which loads again", { timeout: 60_000 }, async () => {
    const { page, context } = await signIn();
    await go(page, "exports", "Exports");
    let fail = true;
    await page.route("**/v1/ledger/trial-balance**", (route) =>
      fail
        ? route.fulfill({
            status: 500,
            contentType: "application/problem+json",
            body: JSON.stringify({
              type: "/problems/internal",
              title: "Internal error",
              status: 500,
              detail: "Something went wrong; quote request req-42 to the maintainers.",
            }),
          })
        : route.fallback(),
    );
    await page.evaluate(`location.hash = "#/tableau-de-bord"`);
    const notice = page.getByTestId("problem");
    await notice.getByText("Erreur du serveur").waitFor();
    await notice.getByText(/Réessayez/).waitFor();
    expect(await page.locator("body").innerText()).not.toMatch(ENGLISH);
    await shot(page, "volunteer-server-error-1280");
    fail = false;
    await notice.getByRole("button", { name: "Réessayer" }).click();
    await poll(async () => (await page.getByTestId("kpi-bank").textContent()) ?? "").toMatch(/€/);
    await context.close();
  });

  it("a session that expires asks to sign in again and keeps what was typed", { timeout: 90_000 }, async () => {
    const { page, context } = await signIn();
    await go(page, "depenses", "Dépenses");
    await fillExpense(page, { supplier: "Traiteur Lemoine", piece: "TL-3", label: "Buffet de l'assemblée générale", amount: "310", pick: "hono" });
    // The session is over: every call refused, and the token can no longer be renewed.
    await page.route("**/v1/**", (route) =>
      route.fulfill({ status: 401, contentType: "application/problem+json", body: '{"title":"Unauthorized","status":401}' }),
    );
    await page.route("**/console/dev-token/**", (route) => route.fulfill({ status: 401, body: "" }));
    await page.getByRole("button", { name: "Enregistrer la dépense" }).click();
    await confirmExpense(page);
    const dialog = page.getByTestId("reconnect");
    await dialog.getByRole("heading", { name: "Session expirée" }).waitFor();
    await shot(page, "volunteer-session-expired-1280");
    await page.unroute("**/v1/**");
    await page.unroute("**/console/dev-token/**");
    await dialog.getByRole("button", { name: /Se reconnecter/ }).click();
    await dialog.waitFor({ state: "detached" });
    await expect(page.getByLabel("Fournisseur", { exact: true }).inputValue()).resolves.toBe("Traiteur Lemoine");
    await expect(page.getByLabel("Libellé", { exact: true }).inputValue()).resolves.toBe("Buffet de l'assemblée générale");
    await expect(page.getByLabel("Montant TTC (€)").inputValue()).resolves.toBe("310");
    await page.getByRole("button", { name: "Enregistrer la dépense" }).click();
    await confirmExpense(page, false);
    await page.getByRole("status").filter({ hasText: "Buffet" }).waitFor();
    expect(await expensesOf("TL-3")).toHaveLength(1);
    await context.close();
  });
});

describe("every screen changed, at 1280×800 and 390×844", () => {
  it("renders without script errors or English, and is photographed", { timeout: 120_000 }, async () => {
    for (const [w, h] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      const { page, context } = await signIn("tresorier", { width: w, height: h });
      for (const [hash, heading, name] of [
        ["tableau-de-bord", "Tableau de bord", "dashboard"],
        ["depenses", "Dépenses", "expenses"],
        ["comptabilite/ecritures", "Écritures", "entries"],
        ["comptabilite/saisie", "Saisir une écriture", "post-entry"],
        ["comptabilite/exercices", "Exercices et clôture", "years"],
        ["subventions/fonds-dedies", "Fonds dédiés", "dedicated-funds"],
        ["rapport", "Rapport annuel", "report"],
        ["exports", "Exports", "exports"],
      ] as const) {
        await go(page, hash, heading);
        expect(await page.locator("body").innerText(), hash).not.toMatch(ENGLISH);
        // Nothing widens the page past the screen (a wide table scrolls in its own box).
        expect(await page.evaluate<number>("document.documentElement.scrollWidth"), hash).toBeLessThanOrEqual(w);
        if (hash === "depenses") {
          await page.getByRole("button", { name: "Nouvelle dépense" }).click();
          await page.getByLabel("Compte de charge").fill("frais");
          await page.getByRole("listbox").waitFor();
        }
        await shot(page, `volunteer-${name}-${w}`);
      }
      await context.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
