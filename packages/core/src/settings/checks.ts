/**
 * The first-run checks (`GET /v1/settings/checks`): the Stripe keys answer, the webhook has received
 * a verified event, the e-mail sender is set and verified. Each failed check says, in French, what
 * to do.
 */
import type { Db } from "../db/index.js";
import { stripeFromEnv } from "../giving/index.js";
import { identityMissing } from "./schemas.js";
import { currentSettings } from "./settings.js";
import { readWebhookEvent } from "./store.js";

export interface Check {
  id: string;
  label: string;
  ok: boolean;
  detail: string;
  todo?: string;
}

const FIELD_LABELS: Record<string, string> = {
  name: "le nom",
  address: "l'adresse",
  object: "l'objet",
  siren: "le SIREN ou le numéro RNA",
  "signatory.name": "le nom du signataire",
  "signatory.quality": "la qualité du signataire",
};

async function stripeCheck(): Promise<Check> {
  const label = "Les clés Stripe répondent";
  try {
    const { client } = await stripeFromEnv();
    await client.balance.retrieve();
    return { id: "stripe", label, ok: true, detail: "Stripe a répondu avec la clé de cette fonction." };
  } catch {
    return {
      id: "stripe",
      label,
      ok: false,
      detail: "Stripe n'a pas répondu avec la clé enregistrée.",
      todo: "Dans le tableau de bord Stripe (Développeurs › Clés API), créez une clé restreinte en lecture, puis enregistrez-la dans le secret Stripe du déploiement (Secrets Manager) ; la documentation docs/configuration.md dit lequel.",
    };
  }
}

export async function runChecks(db: Db): Promise<{ items: Check[] }> {
  const { values } = await currentSettings(db, { fresh: true });
  const missing = identityMissing(values.identity);
  const items: Check[] = [];
  items.push(
    missing.length
      ? {
          id: "identity",
          label: "L'identité de l'association est complète",
          ok: false,
          detail: `Il manque ${missing.map((m) => FIELD_LABELS[m] ?? m).join(", ")}.`,
          todo: "Complétez l'étape « Identité » : les reçus fiscaux restent désactivés tant qu'elle est incomplète.",
        }
      : { id: "identity", label: "L'identité de l'association est complète", ok: true, detail: "Tout ce qu'un reçu imprime est renseigné." },
  );
  items.push(
    values["bank-accounts"].accounts.length
      ? { id: "bank", label: "Un compte bancaire est déclaré", ok: true, detail: `${values["bank-accounts"].accounts.length} compte(s).` }
      : {
          id: "bank",
          label: "Un compte bancaire est déclaré",
          ok: false,
          detail: "Aucun compte bancaire.",
          todo: "À l'étape « Comptes bancaires », ajoutez l'IBAN du compte courant et le compte 512 qui le suit en comptabilité.",
        },
  );
  items.push(await stripeCheck());
  const event = await readWebhookEvent(db);
  items.push(
    event
      ? {
          id: "webhook",
          label: "Le webhook Stripe a reçu un événement",
          ok: true,
          detail: `Dernier événement reçu le ${event.at.slice(0, 10)} (${event.type}).`,
        }
      : {
          id: "webhook",
          label: "Le webhook Stripe a reçu un événement",
          ok: false,
          detail: "Aucun événement Stripe vérifié n'est encore arrivé.",
          todo: "Dans Stripe (Développeurs › Webhooks), ajoutez le point de terminaison <adresse du site>/v1/webhooks/stripe, enregistrez son secret de signature dans le secret Stripe du déploiement, puis envoyez un événement de test.",
        },
  );
  const mail = values.email;
  // Verified: the deploy's SES identity (MAIL_IDENTITY, a domain or one address), or one listed in EMAIL_VERIFIED_SENDERS.
  const verified = [process.env.MAIL_IDENTITY ?? "", ...(process.env.EMAIL_VERIFIED_SENDERS ?? "").split(",")]
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const address = mail.senderAddress.toLowerCase();
  const isVerified = verified.includes(address) || verified.includes(address.split("@")[1] ?? "");
  items.push(
    !mail.senderAddress
      ? {
          id: "email",
          label: "L'expéditeur des e-mails est vérifié",
          ok: false,
          detail: "Aucune adresse d'expéditeur.",
          todo: "À la section « E-mails », donnez le nom et l'adresse qui signent les e-mails aux donateurs.",
        }
      : isVerified
        ? { id: "email", label: "L'expéditeur des e-mails est vérifié", ok: true, detail: `${mail.senderAddress} est vérifiée.` }
        : {
            id: "email",
            label: "L'expéditeur des e-mails est vérifié",
            ok: false,
            detail: `${mail.senderAddress} n'est pas encore vérifiée.`,
            todo: "Faites vérifier l'adresse ou son domaine par Amazon SES : c'est le réglage de déploiement MAIL_IDENTITY (enregistrements DKIM du domaine, ou lien reçu par e-mail pour une adresse).",
          },
  );
  return { items };
}
