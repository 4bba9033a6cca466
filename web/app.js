// The public giving page: a donation (once or monthly) or a membership, sent to Stripe Checkout.
// Who asks (name, logo, object, legal identity) and whom to write to about one's data come from
// the association's settings (GET /v1/public/giving-settings).
(() => {
  // The tax-reduction rate comes from the settings; until it is known, or when the association
  // issues no receipts, no cost is shown.
  let reduction = null;
  // When the association turns a CAPTCHA on, the page asks the widget it embeds for a token:
  // `window.assoCaptcha()` (a function answering a promise of the token) is that hook.
  let captcha = false;
  // A gift's bounds in cents (the API's; the settings answer repeats them).
  let bounds = { min: 100, max: 10000000 };
  const presets = { once: [2000, 5000, 10000], monthly: [1000, 2000, 3000] };
  const euro = (cents) => `${(cents / 100).toLocaleString("fr-FR", { minimumFractionDigits: cents % 100 ? 2 : 0, maximumFractionDigits: 2 })} €`;
  const $ = (sel, root = document) => root.querySelector(sel);
  const don = $("#panel-don");
  const adhesion = $("#panel-adhesion");
  const other = $("#amount-other");

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

  /**
   * What a person types as an amount in euros, as integer cents: "15,50", "15.50", "15 €", "15,5",
   * " 1 000 " and "1 000,00 €" all read as they are meant (15,50 € is 1550). Strings only: never a
   * float. Answers { cents } or { error } (French).
   */
  function parseEuros(text) {
    const t = String(text)
      .trim()
      .replace(/\s*(€|euros?|eur)$/i, "");
    if (!t) return { error: "indiquez un montant" };
    // Spaces only between groups of three digits (1 000, 1 000,50): "15 50" is not 1 550 €.
    if (/\s/.test(t) && !/^\d{1,3}(?:\s\d{3})+(?:[.,]\d{1,2})?$/.test(t)) return { error: "écrivez un montant en euros, par exemple 15 ou 15,50" };
    const s = t.replace(/\s/g, "");
    const cents = (units, decimals = "") => {
      const c = Number(units) * 100 + Number(decimals.padEnd(2, "0"));
      return Number.isSafeInteger(c) ? { cents: c } : { error: "ce montant est trop grand" };
    };
    let m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(s);
    if (m) return cents(m[1], m[2]);
    // Thousands grouped by dots then cents after a comma (1.000,50), or the other way round (1,000.50).
    m = /^(\d{1,3}(?:\.\d{3})+),(\d{1,2})$/.exec(s) ?? /^(\d{1,3}(?:,\d{3})+)\.(\d{1,2})$/.exec(s);
    if (m) return cents(m[1].replace(/[.,]/g, ""), m[2]);
    // Two groups or more with one separator: thousands (1.000.000).
    if (/^\d{1,3}([.,])\d{3}(?:\1\d{3})+$/.test(s)) return cents(s.replace(/[.,]/g, ""));
    // One group of three digits: 1.000 is a thousand for some, one euro for others.
    m = /^(\d{1,3})[.,](\d{3})$/.exec(s);
    if (m) return { error: `« ${s} » se lit de deux façons : écrivez ${m[1]} ${m[2]} ou ${m[1]},${m[2].slice(0, 2)}` };
    if (/^\d+[.,]\d{3,}$/.test(s)) return { error: "2 chiffres au plus après la virgule, par exemple 15,50" };
    return { error: "écrivez un montant en euros, par exemple 15 ou 15,50" };
  }

  const chosenPreset = () => $('input[name="preset"]:checked', don)?.value;
  /** The amount asked for, as { cents } or { error }. */
  function amount() {
    const preset = chosenPreset();
    if (preset && preset !== "other") return { cents: Number(preset) };
    const r = parseEuros(other.value);
    if (r.error) return r;
    if (r.cents < bounds.min || r.cents > bounds.max) return { error: `indiquez un montant entre ${euro(bounds.min)} et ${euro(bounds.max)}` };
    return r;
  }
  const monthly = () => $('input[name="frequency"]:checked', don).value === "monthly";
  function showCost() {
    const { cents } = amount();
    $("#cost").textContent =
      reduction !== null && cents >= 100
        ? `${euro(cents)}${monthly() ? " par mois" : ""} vous coûte${cents >= 200 ? "nt" : ""} ${euro(cents - Math.round((cents * reduction) / 100))} après réduction d'impôt`
        : "";
  }

  /** The amounts proposed for the chosen frequency; the one chosen stays chosen if it is still proposed. */
  function renderPresets() {
    const box = $("#presets");
    const list = presets[monthly() ? "monthly" : "once"];
    const was = chosenPreset();
    const keep = was === "other" || list.includes(Number(was)) ? was : String(list[Math.min(1, list.length - 1)] ?? "other");
    const labels = [...list.map((c) => [String(c), euro(c)]), ["other", "Autre"]].map(([value, text]) => {
      const label = document.createElement("label");
      const input = Object.assign(document.createElement("input"), { type: "radio", name: "preset", value, checked: value === keep });
      label.append(input, ` ${text}`);
      return label;
    });
    box.replaceChildren(...labels);
  }

  // Typing an amount chooses "Autre"; moving through the field with the keyboard does not.
  other.addEventListener("input", () => {
    const o = $('input[name="preset"][value="other"]', don);
    if (o && !o.checked) o.checked = true;
  });
  don.addEventListener("change", (e) => {
    if (e.target.name === "frequency") renderPresets();
    if (e.target.name === "preset" || e.target.name === "frequency") recheck(don, "amount-other");
    showCost();
  });
  don.addEventListener("input", showCost);
  $("#receipt").addEventListener("change", (e) => {
    $("#address").hidden = !e.target.checked;
    for (const id of ["line1", "postalCode", "city"]) recheck(don, id);
  });

  // Errors: listed in the form's alert, each tied to its field; a field corrected loses its error.
  const FIELD = {
    "donor.email": "email",
    "donor.firstName": "firstName",
    "donor.lastName": "lastName",
    "donor.address": "line1",
    "donor.address.line1": "line1",
    "donor.address.postalCode": "postalCode",
    "donor.address.city": "city",
    amount: "amount-other",
    project: "project",
    "member.email": "m-email",
    "member.firstName": "m-firstName",
    "member.lastName": "m-lastName",
    membershipYear: "year-next",
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
    tiers: "Formule",
    "year-next": "Année",
  };
  /** The error a field has now (local rules only), or undefined. */
  function localError(form, id) {
    const value = (sel) => String($(sel, form)?.value ?? "").trim();
    if (form === don) {
      if (id === "amount-other") return amount().error;
      if (["firstName", "lastName"].includes(id)) return value(`#${id}`) ? undefined : "à renseigner";
      if (id === "email")
        return !value("#email") ? "à renseigner" : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value("#email")) ? undefined : "n'est pas une adresse e-mail";
      if (["line1", "postalCode", "city"].includes(id)) return $("#receipt").checked && !value(`#${id}`) ? "à renseigner pour le reçu fiscal" : undefined;
    } else {
      if (["m-firstName", "m-lastName"].includes(id)) return value(`#${id}`) ? undefined : "à renseigner";
      if (id === "m-email")
        return !value("#m-email") ? "à renseigner" : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value("#m-email")) ? undefined : "n'est pas une adresse e-mail";
      if (id === "tiers") return $('input[name="tierId"]:checked', form) ? undefined : "choisissez une formule";
    }
    return undefined;
  }
  const errorsOf = new Map([
    [don, new Map()],
    [adhesion, new Map()],
  ]);
  function render(form) {
    const box = $(".errors", form);
    const list = errorsOf.get(form);
    if (!list.size) return box.replaceChildren();
    const ul = document.createElement("ul");
    for (const [field, message] of list) {
      const li = document.createElement("li");
      li.textContent = field ? `${LABEL[field] || field} : ${message}` : message;
      ul.appendChild(li);
    }
    box.replaceChildren(ul);
  }
  function showErrors(form, list) {
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    const map = errorsOf.get(form);
    map.clear();
    for (const { field, message } of list) {
      map.set(field, message);
      document.getElementById(field)?.setAttribute("aria-invalid", "true");
    }
    render(form);
    const first = list.map((e) => document.getElementById(e.field)).find(Boolean);
    if (first) first.focus();
  }
  /** A field shown in error is checked again: fixed, its error goes; still wrong, its message follows what is typed. */
  function recheck(form, id) {
    const map = errorsOf.get(form);
    if (!map.has(id)) return;
    const now = localError(form, id);
    if (now) map.set(id, now);
    else {
      map.delete(id);
      document.getElementById(id)?.removeAttribute("aria-invalid");
    }
    render(form);
  }
  for (const form of [don, adhesion])
    form.addEventListener("input", (e) => {
      const id = e.target.name === "tierId" ? "tiers" : e.target.id;
      if (e.target.id === "amount-other" || e.target.name === "preset") recheck(form, "amount-other");
      else recheck(form, id);
    });
  adhesion.addEventListener("change", (e) => {
    if (e.target.name === "tierId") {
      recheck(adhesion, "tiers");
      showYearChoice();
    }
  });

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
          field: FIELD[e.path] ?? e.path,
          message: e.message,
        })),
      );
    } catch {
      showErrors(form, [{ field: "", message: "Le service ne répond pas. Réessayez dans un instant." }]);
    } finally {
      button.disabled = false;
    }
  }

  const check = (form, ids) => ids.map((id) => ({ field: id, message: localError(form, id) })).filter((e) => e.message);

  don.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(don);
    const local = check(don, ["amount-other", "firstName", "lastName", "email", "line1", "postalCode", "city"]);
    if (local.length) return showErrors(don, local);
    const receipt = $("#receipt").checked;
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
      amount: amount().cents,
      frequency: f.get("frequency"),
      ...(f.get("project") ? { project: f.get("project") } : {}),
      receipt,
      donor: { email: f.get("email"), firstName: f.get("firstName"), lastName: f.get("lastName"), ...(address ? { address } : {}) },
    });
  });

  // Memberships: each tier's period and, when the settings give them, the dates it would cover;
  // near a calendar year's end, whether the fee is for the next year.
  let tiers = [];
  const day = (iso) => new Date(`${iso}T12:00:00Z`).toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const chosenTier = () => tiers.find((t) => t.id === $('input[name="tierId"]:checked', adhesion)?.value);
  /** The next year a tier offers, as { year, validFrom?, validUntil? }, or undefined. */
  const nextYearOf = (t) => {
    const n = t?.nextYear ?? t?.next ?? (t?.years?.next ? { year: t.years.next } : undefined);
    if (n === undefined || n === null) return undefined;
    return typeof n === "number" ? { year: n } : n;
  };
  const yearOf = (t) => t?.year ?? t?.years?.current ?? (t?.validFrom ? Number(t.validFrom.slice(0, 4)) : undefined);
  function showYearChoice() {
    const t = chosenTier();
    const next = nextYearOf(t);
    $("#year-choice").hidden = !next;
    if (!next) return;
    const current = yearOf(t);
    $("#year-current-label").textContent = current
      ? `Pour ${current}${t.validFrom && t.validUntil ? ` (du ${day(t.validFrom)} au ${day(t.validUntil)})` : ""}`
      : "Cette année";
    $("#year-next-label").textContent =
      `Pour ${next.year}${next.validFrom && next.validUntil ? ` (du ${day(next.validFrom)} au ${day(next.validUntil)})` : ""}`;
    $("#year-current").value = current ? String(current) : "";
    $("#year-next").value = String(next.year);
  }
  function periodText(t) {
    if (t.period === "rolling_12_months") return "par an, pour 12 mois à partir du paiement";
    if (t.period === "calendar_year" || t.period === "year") return "par année civile";
    return "par an";
  }

  adhesion.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(adhesion);
    const local = check(adhesion, ["tiers", "m-firstName", "m-lastName", "m-email"]);
    if (local.length) return showErrors(adhesion, local);
    const next = nextYearOf(chosenTier());
    const year = next && !$("#year-choice").hidden && $("#year-next").checked ? next.year : undefined;
    send(adhesion, "/v1/public/memberships/checkout", {
      tierId: f.get("tierId"),
      ...(year ? { membershipYear: year } : {}),
      member: {
        email: f.get("email"),
        firstName: f.get("firstName"),
        lastName: f.get("lastName"),
        ...(f.get("organisation") ? { organisation: f.get("organisation") } : {}),
      },
    });
  });

  /** The association: header, legal mentions, privacy contact. Text only (textContent): never HTML from the settings. */
  function showAssociation(a, privacy, receiptsEnabled) {
    if (a?.name) {
      $("#asso").hidden = false;
      $("#asso-name").textContent = a.name;
      $("#asso-object").textContent = a.object;
      $("#title").textContent = `Soutenir ${a.name}`;
      document.title = `Soutenir ${a.name} : don ou adhésion`;
      if (a.logoUrl) Object.assign($("#asso-logo"), { src: a.logoUrl, alt: `Logo de ${a.name}`, hidden: false });
    }
    if (a && /^#[0-9a-f]{6}$/i.test(a.colour ?? "")) document.documentElement.style.setProperty("--accent", a.colour);
    if (a) {
      const ids = [a.siren && `SIREN ${a.siren.replace(/(\d{3})(?=\d)/g, "$1 ")}`, a.rna && `RNA ${a.rna}`].filter(Boolean).join(", ");
      $("#legal-identity").textContent = [
        `${a.name || "L'association"}${a.category ? `, ${a.category.charAt(0).toLowerCase()}${a.category.slice(1)}` : ""}`,
        ids,
        a.address && `siège : ${a.address}`,
      ]
        .filter(Boolean)
        .join(" — ")
        .concat(".");
    }
    const articles = a?.articles ?? ["200"];
    $("#legal-tax").textContent = receiptsEnabled
      ? `Un don à l'association ouvre droit à une réduction de l'impôt sur le revenu de ${String(reduction).replace(".", ",")} % de son montant, dans les limites de l'article 200 du Code général des impôts${articles.includes("978") ? " (ou de l'impôt sur la fortune immobilière, article 978)" : ""}, sur présentation du reçu fiscal qu'elle vous envoie.`
      : "L'association n'émet pas de reçu fiscal : les versements qu'elle reçoit ne donnent pas droit à une réduction d'impôt.";
    if (privacy?.contactEmail) {
      const p = $("#privacy-contact");
      const link = Object.assign(document.createElement("a"), { href: `mailto:${privacy.contactEmail}`, textContent: privacy.contactEmail });
      p.replaceChildren(`Pour consulter, corriger ou effacer vos données, écrivez à ${privacy.contactName ? `${privacy.contactName}, ` : ""}`, link, ".");
      if (privacy.policyUrl && /^https?:\/\//.test(privacy.policyUrl))
        p.append(" ", Object.assign(document.createElement("a"), { href: privacy.policyUrl, textContent: "Politique de confidentialité complète" }), ".");
    }
  }

  renderPresets();
  showCost();

  fetch("/v1/public/giving-settings")
    .then((r) => (r.ok ? r.json() : null))
    .then((settings) => {
      if (!settings) return;
      captcha = !!settings.captcha;
      if (Number.isInteger(settings.amountMin) && Number.isInteger(settings.amountMax)) bounds = { min: settings.amountMin, max: settings.amountMax };
      $("#amount-min").textContent = euro(bounds.min);
      $("#amount-max").textContent = euro(bounds.max);
      if (Array.isArray(settings.presets) && settings.presets.length) presets.once = settings.presets;
      if (Array.isArray(settings.monthlyPresets) && settings.monthlyPresets.length) presets.monthly = settings.monthlyPresets;
      if (settings.monthly === false) {
        $("#monthly-choice").hidden = true;
        $('input[name="frequency"][value="once"]', don).checked = true;
      }
      renderPresets();
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
      showAssociation(settings.association, settings.privacy, settings.receiptsEnabled);
      showCost();
    })
    .catch(() => {});

  // The projects a gift may go to (dons affectés): the select shows only when the association offers some.
  fetch("/v1/public/projects")
    .then((r) => (r.ok ? r.json() : null))
    .then((answer) => {
      const items = answer?.items ?? [];
      if (!items.length) return;
      const select = $("#project");
      for (const p of items) select.append(Object.assign(document.createElement("option"), { value: p.code, textContent: p.name }));
      const wanted = new URLSearchParams(location.search).get("projet");
      if (wanted && items.some((p) => p.code === wanted.toUpperCase())) select.value = wanted.toUpperCase();
      $("#project-box").hidden = false;
    })
    .catch(() => {});

  fetch("/v1/public/membership-tiers")
    .then((r) => r.json())
    .then((answer) => {
      tiers = answer.tiers;
      const box = $("#tiers");
      tiers.forEach((t, i) => {
        const label = document.createElement("label");
        const input = Object.assign(document.createElement("input"), { type: "radio", name: "tierId", value: t.id, checked: i === 0 });
        const text = document.createElement("span");
        text.textContent = `${t.label} : ${euro(t.amount)} ${periodText(t)}`;
        label.append(input, " ", text);
        if (t.validFrom && t.validUntil) {
          const dates = document.createElement("span");
          dates.className = "validity";
          dates.textContent = `Valable du ${day(t.validFrom)} au ${day(t.validUntil)}`;
          label.append(dates);
        }
        box.appendChild(label);
      });
      showYearChoice();
    })
    .catch(() => {});
})();
