/**
 * A person's data across the domains (RGPD arts. 15 and 17), each domain answering for its own
 * through its door: giving (donations, checkout records, member record, subscriptions, incidents),
 * the receipts, the ledger (the entries of their payments), the mail (messages).
 *
 * - `exportPerson`: everything held about an e-mail address, as JSON.
 * - `erasePerson`: pseudonymises what the law does not require as it is, keeps what it does, and
 *   says what was kept and why: the receipts (six years, art. L102 B du livre des procédures
 *   fiscales) and the ledger's entries (ten years, art. L123-22 du Code de commerce; never edited).
 *   Idempotent: a second erasure answers the same and writes nothing.
 *
 * Errors: ConflictError (a monthly gift still runs), from giving.
 */
import { nowIso } from "../clock.js";
import { fiscalYearBounds, fiscalYearOf, parisDate } from "../dates.js";
import type { Db } from "../db/client.js";
import { now } from "../clock.js";
import { ConflictError } from "../errors.js";
import {
  erasePerson as eraseGiving,
  erasureAlias,
  exportPerson as exportGiving,
  inactivePeople,
  peopleIndex,
  retentionCutoff,
  type PeopleIndex,
} from "../giving/index.js";
import { getEntry, readIdempotency } from "../ledger/index.js";
import { eraseMessages, listMessages } from "../mail/index.js";
import type { Receipt } from "../receipts/index.js";
import { receiptsOfPerson } from "../receipts/lazy.js";
import { currentSettings } from "../settings/index.js";
import type { Erasure, PersonExport, Retention } from "./personal-data-schemas.js";

/** How long an entry is kept: ten years from the end of its fiscal year (art. L123-22 du Code de commerce). */
export const LEDGER_RETENTION_YEARS = 10;
export function entryKeptUntil(date: string): string {
  const end = fiscalYearBounds(fiscalYearOf(date)).end;
  const day = end.slice(5) === "02-29" ? "02-28" : end.slice(5);
  return `${Number(end.slice(0, 4)) + LEDGER_RETENTION_YEARS}-${day}`;
}

export const RECEIPTS_REASON =
  "Article L102 B du livre des procédures fiscales : le double des reçus fiscaux est conservé six ans, avec le nom et l'adresse imprimés ; un reçu émis n'est jamais modifié.";
export const LEDGER_REASON =
  "Article L123-22 du Code de commerce : les écritures comptables et leurs pièces justificatives sont conservées dix ans ; une écriture n'est jamais modifiée (son libellé nomme le donateur).";

/** The ledger entries of a person's payments (the gift's entry, moved to an open year or not). */
async function entriesOf(db: Db, chargeIds: readonly string[]) {
  const out: PersonExport["ledgerEntries"] = [];
  for (const charge of chargeIds) {
    const marker = await readIdempotency(db, "stripe", `charge:${charge}`);
    const entry = marker?.entryId ? await getEntry(db, marker.entryId) : undefined;
    if (entry)
      out.push({
        id: entry.id,
        journal: entry.journal,
        number: entry.number ?? null,
        date: entry.date,
        label: entry.label,
        pieceRef: entry.pieceRef,
        keptUntil: entryKeptUntil(entry.date),
      });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1));
}

/** What is held elsewhere than in the table, or held but not by address: said in every export. */
const ELSEWHERE: PersonExport["elsewhere"] = [
  {
    where: "Stripe",
    what: "Le paiement lui-même (client, moyen de paiement, adresse e-mail) chez Stripe, qui en est responsable pour ses propres obligations ; la demande se fait à Stripe ou depuis le tableau de bord Stripe de l'association.",
  },
  { where: "Amazon SES", what: "Les e-mails envoyés : les journaux d'envoi d'Amazon SES et la boîte de réception de la personne." },
  {
    where: "Stockage des fichiers (S3)",
    what: "Le PDF de chaque reçu fiscal, figé à son émission (receipts/<année>/<numéro>.pdf), conservé comme le reçu.",
  },
  {
    where: "Table (données techniques)",
    what: "Les réponses gardées pour rejouer une demande (clé d'idempotence, 24 h) et les compteurs anti-abus par adresse IP (1 h) : ni nom ni adresse e-mail, effacés automatiquement.",
  },
];

async function controllerOf(db: Db): Promise<PersonExport["controller"]> {
  const { values } = await currentSettings(db);
  return {
    name: values.identity.name,
    privacyContact: { name: values.privacy.contactName, email: values.privacy.contactEmail },
    policyUrl: values.privacy.policyUrl,
  };
}

/** `GET /v1/people/{email}/export`: everything held about the address (and its alias once erased). */
export async function exportPerson(db: Db, email: string): Promise<PersonExport> {
  const address = email.trim().toLowerCase();
  const giving = await exportGiving(db, address);
  const chargeIds = giving.donations.map((d) => String(d.chargeId));
  const years = [...new Set(giving.donations.map((d) => Number(d.year)).filter(Number.isInteger))];
  return {
    email: address,
    alias: erasureAlias(address),
    exportedAt: nowIso(),
    controller: await controllerOf(db),
    ...giving,
    receipts: (await receiptsOfPerson(db, address, chargeIds, years)) as unknown as Record<string, unknown>[],
    ledgerEntries: await entriesOf(db, chargeIds),
    // Its messages, and once erased the pseudonymised ones (kind, status, subject and dates kept).
    messages: [...(await listMessages(db, address)), ...(await listMessages(db, erasureAlias(address)))],
    elsewhere: ELSEWHERE,
  };
}

const latest = (dates: readonly string[]) => (dates.length ? [...dates].sort().at(-1)! : null);

/** What a run over many people reads once: where everybody's records are, each year's receipts. */
interface RunCache {
  index: PeopleIndex;
  receipts: Map<number, Receipt[]>;
}

/** `POST /v1/people/{email}/erasure`: pseudonymises, keeps what the law requires, says which and why. */
export async function erasePerson(db: Db, email: string, run?: RunCache): Promise<Erasure> {
  const address = email.trim().toLowerCase();
  const alias = erasureAlias(address);
  const giving = await eraseGiving(db, address, { today: parisDate(now()), ...(run ? { index: run.index } : {}) });
  await eraseMessages(db, address, alias);
  const messages = (await listMessages(db, alias)).length;
  const receipts = await receiptsOfPerson(db, address, giving.chargeIds, giving.giftYears, run?.receipts);
  const entries = await entriesOf(db, giving.chargeIds);
  return {
    email: alias,
    erased: [...giving.erased, { what: "messages", label: "E-mails envoyés (adresse et contenu ; type, objet et dates gardés)", count: messages }],
    kept: [
      {
        what: "receipts",
        label: "Reçus fiscaux (et leur PDF)",
        count: receipts.length,
        reason: RECEIPTS_REASON,
        until: latest(receipts.map((r) => r.keptUntil)),
      },
      { what: "ledgerEntries", label: "Écritures comptables", count: entries.length, reason: LEDGER_REASON, until: latest(entries.map((e) => e.keptUntil)) },
    ],
    notes: [
      "Les montants, les dates et les références Stripe des dons restent, sous le pseudonyme : les totaux de l'année et la comptabilité ne changent pas.",
      "Stripe garde ses propres données de paiement : l'effacement s'y demande depuis le tableau de bord Stripe.",
    ],
  };
}

/**
 * The retention run (monthly, and `POST /v1/people/retention`): every person whose last contact
 * (last gift or fee, end of membership, last incident) is more than three years old is erased as
 * on request — their receipts and entries kept for their own periods. A person whose monthly gift
 * still runs is skipped, with why. `dryRun`: lists who would be, writing nothing.
 */
export async function applyRetention(db: Db, opts: { dryRun?: boolean } = {}): Promise<Retention> {
  const today = parisDate(now());
  const cutoff = retentionCutoff(today);
  const people: Retention["people"] = [];
  // Everybody's records are located once, each year's receipts read once, for the whole run.
  const run: RunCache = { index: await peopleIndex(db), receipts: new Map() };
  for (const p of await inactivePeople(db, cutoff, { index: run.index })) {
    if (opts.dryRun) {
      people.push({ email: p.email, lastContact: p.lastContact, action: "would_erase" });
      continue;
    }
    try {
      const r = await erasePerson(db, p.email, run);
      people.push({ email: r.email, lastContact: p.lastContact, action: "erased" });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      people.push({ email: p.email, lastContact: p.lastContact, action: "skipped", reason: err.message });
    }
  }
  return { today, cutoff, dryRun: !!opts.dryRun, people };
}
