// The thank-you page: says what became of the payment named in its address (?session_id=…), as
// the back-office answers it (GET /v1/public/checkout-sessions/{id}); a made-up id is not thanked.
(() => {
  const $ = (sel) => document.querySelector(sel);
  const euro = (cents) => `${(cents / 100).toLocaleString("fr-FR", { minimumFractionDigits: cents % 100 ? 2 : 0, maximumFractionDigits: 2 })} €`;
  const id = new URLSearchParams(location.search).get("session_id") ?? "";

  /** Writes the page: a title and paragraphs (text only). */
  function show(title, paragraphs, { space = false } = {}) {
    $("#title").textContent = title;
    document.title = title;
    $("#message").replaceChildren(
      ...paragraphs.map((text, i) => {
        const p = document.createElement("p");
        if (i === 0) p.className = "lead";
        p.textContent = text;
        return p;
      }),
    );
    $("#space").hidden = !space;
  }

  const what = (s) =>
    s.kind === "membership"
      ? `Votre adhésion de ${euro(s.amount)}`
      : s.frequency === "monthly"
        ? `Votre don mensuel de ${euro(s.amount)}`
        : `Votre don de ${euro(s.amount)}`;

  function render(s) {
    if (s.status === "paid") {
      const mail = s.receipt
        ? `Votre reçu fiscal arrivera par e-mail à l'adresse ${s.email}, avec la confirmation du paiement.`
        : `La confirmation du paiement arrivera par e-mail à l'adresse ${s.email}.`;
      return show(
        "Merci pour votre soutien !",
        [
          `${what(s)} est enregistré${s.kind === "membership" ? "e" : ""}.`,
          mail,
          "Vous retrouverez vos reçus et vos dons dans votre espace, sans compte à créer.",
        ],
        { space: true },
      );
    }
    if (s.status === "pending")
      return show("Paiement en cours de confirmation", [
        `${what(s)} est en cours de confirmation par la banque.`,
        `Dès qu'il sera confirmé, un e-mail vous sera envoyé à l'adresse ${s.email}${s.receipt ? ", puis votre reçu fiscal" : ""}. Vous pouvez fermer cette page.`,
      ]);
    if (s.status === "expired") return show("Ce paiement n'a pas abouti", ["Rien n'a été prélevé. Vous pouvez recommencer depuis la page de soutien."]);
    return show("Nous ne retrouvons pas ce paiement", [
      "Aucun paiement ne correspond à l'adresse de cette page.",
      "Si vous venez de payer, vérifiez vos e-mails : la confirmation y arrive dans quelques minutes. Sinon, vous pouvez recommencer depuis la page de soutien ; rien n'est prélevé sans votre validation.",
    ]);
  }

  let tries = 0;
  async function ask() {
    if (!id) return render({ status: "unknown" });
    try {
      const res = await fetch(`/v1/public/checkout-sessions/${encodeURIComponent(id)}`);
      if (res.status === 429) throw new Error("busy");
      if (!res.ok) throw new Error(String(res.status));
      const s = await res.json();
      render(s);
      // A card payment is confirmed within seconds: ask again a few times while it is pending.
      if (s.status === "pending" && ++tries < 6) setTimeout(ask, 2000 * tries);
    } catch {
      if (++tries < 4) return setTimeout(ask, 1500 * tries);
      show("Nous ne pouvons pas vérifier votre paiement", [
        "Le service ne répond pas pour l'instant. Si vous avez payé, la confirmation arrivera par e-mail ; vous pouvez aussi recharger cette page dans un instant.",
      ]);
    }
  }
  ask();
})();
