/**
 * A person's e-mails (the mail outbox) from the donors' and members' lists: "E-mails" opens the
 * list of what was sent or is to be sent to the address, each with its status in French (en
 * attente, envoyé, échec, adresse en erreur) and its error; the trésorier may "Renvoyer" one, and
 * lift the mark of an address that bounced once it is corrected. The auditor reads only.
 */
import { useState } from "preact/hooks";
import { api, get, newKey } from "../api.js";
import { can, html, Loading, ProblemView, Success, useLoad } from "../ui.js";

interface Message {
  id: string;
  kind: string;
  subject: string;
  status: "queued" | "sent" | "failed" | "bounced";
  at: string;
  error?: string;
  retryAt?: string;
}
interface PersonMessages {
  items: Message[];
  suppressed: { email: string; type: "bounce" | "complaint"; reason: string; at: string } | null;
}

export const STATUS_LABELS: Record<Message["status"], string> = { queued: "en attente", sent: "envoyé", failed: "échec", bounced: "adresse en erreur" };
const KIND_LABELS: Record<string, string> = {
  gift_confirmation: "Confirmation de don",
  membership_welcome: "Bienvenue (adhésion)",
  membership_renewed: "Adhésion renouvelée",
  receipt_issued: "Reçu fiscal",
  receipt_cancelled: "Reçu fiscal annulé",
  annual_recap: "Reçu récapitulatif",
  payment_failed: "Prélèvement échoué",
  renewal_reminder: "Rappel de renouvellement",
  donor_access: "Lien vers l'espace donateur",
};
const when = (iso: string) => new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", dateStyle: "long", timeStyle: "short" }).format(new Date(iso));
const path = (email: string) => `/v1/people/${encodeURIComponent(email)}`;

/** The "E-mails" button of a person's row (the roles that may read the messages). */
export function MailButton({ email, onOpen }: { email: string; onOpen: (email: string) => void }) {
  if (!can("personMessages")) return null;
  return html`<button type="button" class="link" onClick=${() => onOpen(email)}>E-mails<span class="sr-only"> (${email})</span></button>`;
}

/** One person's messages, above the list. */
export function PersonMail({ email, name, onClose }: { email: string; name: string; onClose: () => void }) {
  const r = useLoad(() => get<PersonMessages>(`${path(email)}/messages`), [email]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [key] = useState(newKey);
  const act = async (id: string, run: () => Promise<string>) => {
    setError(undefined);
    setDone(undefined);
    setBusy(id);
    try {
      setDone(await run());
      r.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };
  const resend = (m: Message) =>
    act(m.id, async () => {
      await api("POST", `${path(email)}/messages/${m.id}/resend`, { idempotencyKey: `${key}-${m.id}-${m.at}` });
      return `« ${m.subject} » sera renvoyé dans un instant.`;
    });
  const clear = () =>
    act("mark", async () => {
      await api("DELETE", `${path(email)}/mail-bounce`);
      return `L'adresse ${email} n'est plus marquée en erreur : les prochains messages lui seront envoyés.`;
    });
  const mayResend = can("resendMessage");
  return html`<section class="panel person-mail" aria-labelledby="person-mail-title">
    <h2 id="person-mail-title">E-mails de ${name || email}</h2>
    <p><button type="button" class="link" onClick=${onClose}>Fermer<span class="sr-only"> les e-mails de ${email}</span></button></p>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error ?? r.error} />
    ${
      r.data?.suppressed
        ? html`<div class="alert warn" role="alert">
          <p><strong>Adresse en erreur</strong> depuis le ${when(r.data.suppressed.at)} : ${r.data.suppressed.reason}. Plus aucun message ne lui est envoyé.</p>
          ${can("clearMailBounce") ? html`<button type="button" disabled=${busy === "mark"} onClick=${clear}>L'adresse est corrigée : lever la marque</button>` : null}
        </div>`
        : null
    }
    ${
      r.data
        ? html`<table>
          <caption class="sr-only">E-mails envoyés à ${email}</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">Message</th><th scope="col">Objet</th><th scope="col">Statut</th>${mayResend ? html`<th scope="col"><span class="sr-only">Renvoyer</span></th>` : null}</tr></thead>
          <tbody>
            ${r.data.items.length === 0 ? html`<tr><td colspan="5">Aucun e-mail.</td></tr>` : null}
            ${r.data.items.map(
              (m) => html`<tr>
              <td>${when(m.at)}</td><td>${KIND_LABELS[m.kind] ?? m.kind}</td><td>${m.subject}</td>
              <td><span class=${`tag mail-${m.status}`}>${STATUS_LABELS[m.status]}</span>${m.error ? html`<br /><small>${m.error}</small>` : null}${m.retryAt ? html`<br /><small>Nouvel essai le ${when(m.retryAt)}</small>` : null}</td>
              ${mayResend ? html`<td>${m.status !== "queued" ? html`<button type="button" class="link" disabled=${busy === m.id} onClick=${() => resend(m)}>Renvoyer<span class="sr-only"> « ${m.subject} »</span></button>` : null}</td>` : null}
            </tr>`,
            )}
          </tbody>
        </table>`
        : html`<${Loading} />`
    }
  </section>`;
}
