// The public giving page: a donation (once or monthly) or a membership, sent to Stripe Checkout.
(() => {
  // The tax-reduction rate comes from the association's settings (GET /v1/public/giving-settings);
  // until it is known, or when the association issues no receipts, no cost is shown.
  let reduction = null;
  // When the association turns a CAPTCHA on, the page asks the widget it embeds for a token:
  // `window.assoCaptcha()` (a function answering a promise of the token) is that hook.
  let captcha = false;
  const euro = (cents) => `${(cents / 100).toLocaleString("fr-FR", { minimumFractionDigits: cents % 100 ? 2 : 0, maximumFractionDigits: 2 })} €`;
  const $ = (sel, root = document) => root.querySelector(sel);
  const don = $("#panel-don");
  const adhesion = $("#panel-adhesion");

  if (new URLSearchParams(location.search).has("annule")) $("#cancelled").hidden = false;

  // Tabs (keyboard: arrows switch).
  const tabs = [$("#tab-don"), $("#tab-adhesion")];
  function select(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    }
    tab.focus();
  }
  tabs.forEach((t, i) => {
    t.addEventListener("click", () => select(t));
    t.addEventListener("keydown", (e) => {
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") select(tabs[(i + 1) % 2]);
    });
  });

  // Amount and what it costs after the tax reduction.
  function amountCents() {
    const preset = $('input[name="preset"]:checked', don).value;
    const raw = preset === "other" ? $("#amount-other").value.replace(",", ".") : preset;
    const n = Math.round(Number(raw) * 100);
    return Number.isFinite(n) ? n : NaN;
  }
  function showCost() {
    const cents = amountCents();
    const monthly = $('input[name="frequency"]:checked', don).value === "monthly";
    $("#cost").textContent =
      reduction !== null && cents >= 100
        ? `${euro(cents)}${monthly ? " par mois" : ""} vous coûte${cents >= 200 ? "nt" : ""} ${euro(cents - Math.round((cents * reduction) / 100))} après réduction d'impôt`
        : "";
  }
  don.addEventListener("input", showCost);
  $("#amount-other").addEventListener("focus", () => ($('input[name="preset"][value="other"]', don).checked = true));
  $("#receipt").addEventListener("change", (e) => ($("#address").hidden = !e.target.checked));
  showCost();

  // Errors: the API answers problem+json with every bad field.
  const FIELD = {
    "donor.email": "email",
    "donor.firstName": "firstName",
    "donor.lastName": "lastName",
    "donor.address": "line1",
    "donor.address.line1": "line1",
    "donor.address.postalCode": "postalCode",
    "donor.address.city": "city",
    amount: "amount-other",
    "member.email": "m-email",
    "member.firstName": "m-firstName",
    "member.lastName": "m-lastName",
  };
  const LABEL = {
    email: "Adresse e-mail",
    firstName: "Prénom",
    lastName: "Nom",
    line1: "Adresse",
    postalCode: "Code postal",
    city: "Ville",
    "amount-other": "Montant",
    "m-email": "Adresse e-mail",
    "m-firstName": "Prénom",
    "m-lastName": "Nom",
  };
  function showErrors(form, list) {
    const box = $(".errors", form);
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    if (!list.length) return (box.innerHTML = "");
    const ul = document.createElement("ul");
    for (const { field, message } of list) {
      const li = document.createElement("li");
      li.textContent = `${LABEL[field] || field} : ${message}`;
      ul.appendChild(li);
      const el = document.getElementById(field);
      if (el) el.setAttribute("aria-invalid", "true");
    }
    box.replaceChildren(ul);
    const first = list.map((e) => document.getElementById(e.field)).find(Boolean);
    if (first) first.focus();
  }

  // A corrected field is no longer marked invalid.
  for (const form of [don, adhesion]) form.addEventListener("input", (e) => e.target.removeAttribute?.("aria-invalid"));

  async function send(form, path, body) {
    const button = $(".pay", form);
    button.disabled = true;
    try {
      if (captcha && typeof window.assoCaptcha === "function") body = { ...body, captchaToken: await window.assoCaptcha() };
      const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const data = await res.json();
      if (res.ok && data.url) return location.assign(data.url);
      showErrors(
        form,
        (data.errors || [{ path: "", message: data.detail || "Une erreur est survenue." }]).map((e) => ({
          field: FIELD[e.path] || e.path,
          message: e.message,
        })),
      );
    } catch {
      showErrors(form, [{ field: "", message: "Le service ne répond pas. Réessayez dans un instant." }]);
    } finally {
      button.disabled = false;
    }
  }

  don.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(don);
    const local = [];
    const amount = amountCents();
    if (!(amount >= 100 && amount <= 10000000)) local.push({ field: "amount-other", message: "indiquez un montant entre 1 € et 100 000 €" });
    for (const id of ["firstName", "lastName", "email"]) if (!String(f.get(id) || "").trim()) local.push({ field: id, message: "à renseigner" });
    const receipt = $("#receipt").checked;
    if (receipt)
      for (const id of ["line1", "postalCode", "city"])
        if (!String(f.get(id) || "").trim()) local.push({ field: id, message: "à renseigner pour le reçu fiscal" });
    if (local.length) return showErrors(don, local);
    const address = receipt
      ? {
          line1: f.get("line1"),
          ...(f.get("line2") ? { line2: f.get("line2") } : {}),
          postalCode: f.get("postalCode"),
          city: f.get("city"),
          country: f.get("country"),
        }
      : undefined;
    send(don, "/v1/public/donations/checkout", {
      amount,
      frequency: f.get("frequency"),
      receipt,
      donor: { email: f.get("email"), firstName: f.get("firstName"), lastName: f.get("lastName"), ...(address ? { address } : {}) },
    });
  });

  adhesion.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(adhesion);
    const local = [];
    for (const id of ["firstName", "lastName", "email"]) if (!String(f.get(id) || "").trim()) local.push({ field: `m-${id}`, message: "à renseigner" });
    if (!f.get("tierId")) local.push({ field: "tiers", message: "choisissez une formule" });
    if (local.length) return showErrors(adhesion, local);
    send(adhesion, "/v1/public/memberships/checkout", {
      tierId: f.get("tierId"),
      member: {
        email: f.get("email"),
        firstName: f.get("firstName"),
        lastName: f.get("lastName"),
        ...(f.get("organisation") ? { organisation: f.get("organisation") } : {}),
      },
    });
  });

  fetch("/v1/public/giving-settings")
    .then((r) => (r.ok ? r.json() : null))
    .then((settings) => {
      if (!settings) return;
      captcha = !!settings.captcha;
      if (settings.receiptsEnabled) {
        reduction = settings.taxReductionPercent;
        $("#rate").textContent = String(reduction).replace(".", ",");
        $("#reduction-lead").hidden = false;
      } else {
        // No tax receipts: no reduction to promise, no receipt to ask for.
        $("#receipt").checked = false;
        $("#receipt").closest("label").hidden = true;
        $("#address").hidden = true;
      }
      showCost();
    })
    .catch(() => {});

  fetch("/v1/public/membership-tiers")
    .then((r) => r.json())
    .then(({ tiers }) => {
      const box = $("#tiers");
      tiers.forEach((t, i) => {
        const label = document.createElement("label");
        const input = document.createElement("input");
        Object.assign(input, { type: "radio", name: "tierId", value: t.id, checked: i === 0 });
        label.append(input, ` ${t.label} : ${euro(t.amount)} par an`);
        box.appendChild(label);
      });
    });
})();
