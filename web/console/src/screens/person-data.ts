/**
 * One person's data (RGPD) from the donors' and members' lists: "Exporter ses données" downloads
 * everything held about the address as JSON; "Effacer ses données" pseudonymises it after a
 * confirmation that says what is kept and why (the receipts, the ledger's entries). The trésorier's
 * only: the buttons follow the routes the signed-in role may call.
 */
import { useState } from "preact/hooks";
import { api, download, newKey } from "../api.js";
import { formatDate } from "../money.js";
import { can, confirmDialog, html, Success } from "../ui.js";

export interface Erasure {
  email: string;
  erased: { what: string; label: string; count: number }[];
  kept: { what: string; label: string; count: number; reason: string; until: string | null }[];
  notes: string[];
}

const isAlias = (email: string) => email.endsWith("@efface.invalid");
const path = (email: string, what: "export" | "erasure") => `/v1/people/${encodeURIComponent(email)}/${what}`;

/** What an erasure did, as the trésorier reads it once it is done. */
export function ErasureSummary({ result }: { result: Erasure }) {
  const erased = result.erased.filter((e) => e.count > 0);
  const kept = result.kept.filter((k) => k.count > 0);
  return html`<${Success}>
    <p>Données effacées : la personne apparaît désormais sous le pseudonyme <strong>${result.email}</strong>.</p>
    ${erased.length ? html`<ul>${erased.map((e) => html`<li>${e.label} : ${e.count}</li>`)}</ul>` : null}
    ${
      kept.length
        ? html`<p>Conservé :</p>
          <ul>${kept.map((k) => html`<li>${k.label} (${k.count})${k.until ? `, jusqu'au ${formatDate(k.until)}` : ""} — ${k.reason}</li>`)}</ul>`
        : null
    }
  <//>`;
}

/** The two buttons of a person's row; `onErased` gets the answer (the list shows it and reloads). */
export function PersonDataActions({
  email,
  name,
  onErased,
  onError,
}: {
  email: string;
  name: string;
  onErased: (r: Erasure) => void;
  onError: (err: unknown) => void;
}) {
  const [key] = useState(newKey);
  const [busy, setBusy] = useState(false);
  const mayExport = can("exportPerson");
  const mayErase = can("erasePerson") && !isAlias(email);
  if (!mayExport && !mayErase) return null;
  const exportData = async () => {
    onError(undefined);
    try {
      await download(path(email, "export"), undefined, `donnees-${email}.json`);
    } catch (err) {
      onError(err);
    }
  };
  const erase = async () => {
    onError(undefined);
    const ok = await confirmDialog({
      title: `Effacer les données de ${name || email}`,
      body: html`<p>Le nom, l'adresse e-mail, l'adresse postale et le lien vers le client Stripe de <strong>${email}</strong> seront remplacés par « Personne effacée » et un pseudonyme, dans ses dons, ses cotisations, sa fiche d'adhérent, ses formulaires de paiement, ses incidents et ses e-mails. Les montants et les dates restent : les totaux ne changent pas.</p>
        <p><strong>Ce qui est conservé, parce que la loi l'exige :</strong></p>
        <ul>
          <li>les reçus fiscaux émis, tels qu'imprimés, pendant six ans (article L102 B du livre des procédures fiscales) ;</li>
          <li>les écritures comptables, dont le libellé porte son nom, pendant dix ans (article L123-22 du Code de commerce) : une écriture n'est jamais modifiée.</li>
        </ul>
        <p>L'effacement ne peut pas être annulé. Les données détenues par Stripe s'effacent depuis le tableau de bord Stripe.</p>`,
      confirm: "Effacer ses données",
      danger: true,
    });
    if (!ok) return;
    setBusy(true);
    try {
      onErased(await api<Erasure>("POST", path(email, "erasure"), { idempotencyKey: `${key}-${email}` }));
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="row-actions">
    ${mayExport ? html`<button type="button" class="link" onClick=${exportData}>Exporter ses données<span class="sr-only"> (${email})</span></button>` : null}
    ${mayErase ? html` <button type="button" class="link danger" disabled=${busy} onClick=${erase}>Effacer ses données<span class="sr-only"> (${email})</span></button>` : null}
  </span>`;
}
