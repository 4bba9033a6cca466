// The donor's space: a link without an account. Without a token, the form "Recevoir un lien"
// (POST /v1/public/donor-access); with one, the person's gifts, receipts, monthly gifts and
// membership (GET /v1/public/donor/space). The token arrives in the link's query once: it is moved
// to sessionStorage (this tab only) and the address bar cleaned, then sent as Authorization: Bearer.
(() => {
  const KEY = "asso.donorToken";
  const $ = (sel, root = document) => root.querySelector(sel);
  const euro = (cents) => `${(cents / 100).toLocaleString("fr-FR", { minimumFractionDigits: cents % 100 ? 2 : 0, maximumFractionDigits: 2 })} €`;
  const percent = (share) => `${(share * 100).toLocaleString("fr-FR", { maximumFractionDigits: 2 })} %`;
  const day = (date) => new Date(`${date}T12:00:00Z`).toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/Paris" });
  const instant = (iso) => new Date(iso).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" });
  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c) e.append(c);
    return e;
  };

  // The link's token: taken from the URL on the first load, then kept for this tab only.
  const params = new URLSearchParams(location.search);
  if (params.has("token")) {
    sessionStorage.setItem(KEY, params.get("token"));
    history.replaceState(null, "", location.pathname);
  }
  const token = () => sessionStorage.getItem(KEY);
  const auth = () => ({ authorization: `Bearer ${token()}` });

  // ------------------------------------------------------------ asking for a link

  const ask = $("#ask");
  const form = $("#ask-form");
  const errors = $(".errors", form);
  const sent = $("#ask-sent");

  function showAsk(problem) {
    $("#space").hidden = true;
    ask.hidden = false;
    const p = $("#link-problem");
    p.hidden = !problem;
    p.textContent = problem ?? "";
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.textContent = "";
    sent.hidden = true;
    const input = $("#email");
    const email = input.value.trim();
    input.removeAttribute("aria-invalid");
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      input.setAttribute("aria-invalid", "true");
      errors.textContent = "Indiquez une adresse e-mail valable, par exemple prenom.nom@exemple.fr.";
      input.focus();
      return;
    }
    const button = $("button[type=submit]", form);
    button.disabled = true;
    try {
      const res = await fetch("/v1/public/donor-access", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email }) });
      if (res.status === 202) {
        sent.hidden = false;
        $("#link-problem").hidden = true;
      } else if (res.status === 429) {
        const wait = Number(res.headers.get("retry-after")) || 60;
        errors.textContent = `Trop de demandes : réessayez dans ${wait} seconde${wait > 1 ? "s" : ""}.`;
      } else if (res.status === 400) {
        input.setAttribute("aria-invalid", "true");
        errors.textContent = "Indiquez une adresse e-mail valable.";
      } else errors.textContent = "Le lien n'a pas pu être demandé. Réessayez dans un instant.";
    } catch {
      errors.textContent = "Le service ne répond pas. Vérifiez votre connexion et réessayez.";
    } finally {
      button.disabled = false;
    }
  });
  $("#email").addEventListener("input", () => {
    $("#email").removeAttribute("aria-invalid");
    errors.textContent = "";
  });

  // ------------------------------------------------------------ the space

  /** A 401 ends the visit: the page offers a new link (expired, or not a link of ours). */
  async function linkProblem(res) {
    sessionStorage.removeItem(KEY);
    let type = "";
    try {
      type = (await res.json()).type ?? "";
    } catch {}
    showAsk(
      type.endsWith("donor-link-expired")
        ? "Ce lien a expiré — recevoir un nouveau lien : indiquez votre adresse e-mail ci-dessous."
        : "Ce lien n'est pas valable — recevoir un nouveau lien : indiquez votre adresse e-mail ci-dessous.",
    );
  }

  function problemInSpace(text) {
    const p = $("#space-problem");
    p.hidden = !text;
    p.textContent = text ?? "";
  }

  async function portal(subscriptionId, action, button) {
    button.disabled = true;
    problemInSpace();
    try {
      const res = await fetch("/v1/public/donor/portal-sessions", {
        method: "POST",
        headers: { ...auth(), "content-type": "application/json" },
        body: JSON.stringify({ subscriptionId, action }),
      });
      if (res.status === 401) return linkProblem(res);
      if (res.status !== 201) throw new Error(String(res.status));
      location.assign((await res.json()).url);
    } catch {
      problemInSpace("La page de gestion du paiement n'a pas pu être ouverte. Réessayez dans un instant.");
      button.disabled = false;
    }
  }

  async function download(receipt, button) {
    button.disabled = true;
    problemInSpace();
    try {
      const res = await fetch(receipt.url, { headers: auth() });
      if (res.status === 401) return linkProblem(res);
      if (res.status !== 200) throw new Error(String(res.status));
      const url = URL.createObjectURL(await res.blob());
      const a = el("a", { href: url, download: `recu-fiscal-${receipt.id}.pdf` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      problemInSpace("Le reçu n'a pas pu être téléchargé. Réessayez dans un instant.");
    } finally {
      button.disabled = false;
    }
  }

  function render(s) {
    $("#who").textContent = s.email;
    $("#until").textContent = instant(s.expiresAt);

    const monthly = $("#monthly");
    monthly.replaceChildren();
    $("#monthly-box").hidden = !s.monthly.length;
    for (const m of s.monthly) {
      const running = m.status === "active";
      const li = el(
        "li",
        { "data-subscription": m.subscriptionId },
        el("p", { class: "amount", text: `${euro(m.amount)} par mois` }),
        el("p", {}, el("span", { class: `status ${m.status}`, text: running ? "En cours" : `Arrêté${m.stoppedOn ? ` le ${day(m.stoppedOn)}` : ""}` })),
        el("p", { class: "meta", text: `Depuis le ${day(m.since)} · ${m.payments} prélèvement${m.payments > 1 ? "s" : ""}, ${euro(m.paid)} en tout` }),
      );
      if (running) {
        const card = el("button", { type: "button", class: "primary", text: "Changer de carte" });
        const stop = el("button", { type: "button", class: "danger", text: "Arrêter" });
        card.addEventListener("click", () => portal(m.subscriptionId, "card", card));
        stop.addEventListener("click", () => portal(m.subscriptionId, "cancel", stop));
        li.append(el("div", { class: "actions" }, card, stop));
      }
      monthly.append(li);
    }

    const box = $("#membership-box");
    const mb = $("#membership");
    mb.replaceChildren();
    box.hidden = !s.membership;
    if (s.membership) {
      const m = s.membership;
      const active = m.status === "active";
      mb.append(
        el("p", { class: "amount", text: m.tierLabel ?? "Adhésion" }),
        el("p", {}, el("span", { class: `status ${m.status}`, text: active ? "Active" : "Expirée" })),
        el("p", { class: "meta", text: m.validFrom ? `Valable du ${day(m.validFrom)} au ${day(m.validUntil)}` : `Valable jusqu'au ${day(m.validUntil)}` }),
        el("div", { class: "actions" }, el("a", { href: m.renewUrl, class: "primary", text: "Renouveler" })),
      );
    }

    const receipts = $("#receipts");
    receipts.replaceChildren();
    $("#receipts-none").hidden = !!s.receipts.length;
    for (const r of s.receipts) {
      const button = el("button", { type: "button", class: "primary", text: "Télécharger" });
      button.setAttribute("aria-label", `Télécharger le reçu n° ${r.id}`);
      button.addEventListener("click", () => download(r, button));
      receipts.append(
        el(
          "li",
          { "data-receipt": r.id },
          el("p", { class: "amount", text: `Reçu n° ${r.id} · ${euro(r.amount)}` }),
          el("p", {
            class: "meta",
            text: `${r.kind === "annual" ? `Récapitulatif des dons mensuels de ${r.year}` : `Don de ${r.year}`} · émis le ${day(r.issuedOn)}${
              r.status === "cancelled" ? ` · annulé${r.replacedBy ? `, remplacé par le n° ${r.replacedBy}` : ""}` : ""
            }`,
          }),
          el("div", { class: "actions" }, button),
        ),
      );
    }

    const gifts = $("#gifts");
    gifts.replaceChildren();
    $("#gifts-none").hidden = !!s.gifts.length;
    for (const g of s.gifts) {
      const what = g.kind === "membership" ? "Cotisation" : g.frequency === "monthly" ? "Don mensuel" : "Don ponctuel";
      gifts.append(
        el(
          "li",
          { "data-gift": g.reference },
          el("p", { class: "amount", text: `${euro(g.amount)} · ${what}` }),
          el("p", {
            class: "meta",
            text: `Le ${day(g.date)} · référence ${g.reference}${g.refunded ? ` · ${euro(g.refunded)} remboursé${g.refunded > 1 ? "s" : ""}` : ""}`,
          }),
          ...(g.project ? [el("p", { class: "meta project", text: `Affecté au projet « ${g.project.name} »` })] : []),
          ...(g.projects?.length
            ? [el("p", { class: "meta project", text: `Réparti entre les projets ${g.projects.map((p) => `« ${p.name} » (${percent(p.share)})`).join(", ")}` })]
            : []),
        ),
      );
    }
    ask.hidden = true;
    $("#space").hidden = false;
  }

  async function load() {
    if (!token()) return showAsk();
    try {
      const res = await fetch("/v1/public/donor/space", { headers: auth() });
      if (res.status === 401) return linkProblem(res);
      if (res.status !== 200) throw new Error(String(res.status));
      render(await res.json());
    } catch {
      showAsk("Votre espace n'a pas pu être chargé. Réessayez dans un instant, ou demandez un nouveau lien.");
    }
  }

  $("#leave").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    showAsk();
  });

  load();
})();
