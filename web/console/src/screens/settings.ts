/**
 * Paramètres: the association sets itself up. One form per section (identity, look, year, bank
 * accounts, tiers, giving, volunteers, e-mail, privacy, checkout), saved with the version read
 * (If-Match; a 412 says someone changed it in the meantime), errors shown beside each field, the
 * history of each section, and a first-run guide while the identity is incomplete. The délégation
 * edits identity, look and volunteers; the auditor reads.
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get } from "../api.js";
import { formatDate, formatEuros, parseEuros } from "../money.js";
import { ActionButton, getMe, html, Loading, Page, ProblemView, ROLE_LABELS, Success, useLoad } from "../ui.js";

type Json = Record<string, any>;
interface SettingsView {
  sections: Record<string, { version: number; value: Json }>;
  complete: boolean;
  missing: string[];
}
interface Check {
  id: string;
  label: string;
  ok: boolean;
  detail: string;
  todo?: string;
}

type Kind = "text" | "textarea" | "email" | "number" | "euros" | "bool" | "select" | "colour" | "date" | "eurosList" | "textList" | "articles";
interface Field {
  path: string;
  label: string;
  kind: Kind;
  options?: [string | number, string][];
  hint?: string;
}
interface Rows {
  path: string;
  label: string;
  kind: "rows";
  fields: Field[];
  empty: Json;
  add: string;
}

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const ORGANISMS: [string, string][] = [
  ["", "—"],
  ["recherche-enseignement", "Recherche ou enseignement supérieur ou artistique"],
  ["fondation-rup", "Fondation reconnue d'utilité publique"],
  ["fondation-universitaire", "Fondation universitaire ou partenariale"],
  ["insertion", "Structure d'insertion par l'activité économique"],
  ["entreprise-adaptee", "Entreprise adaptée"],
  ["anr", "Agence nationale de la recherche"],
  ["association-rup-entreprises", "Association RUP de financement de la création d'entreprises"],
  ["groupement-employeurs", "Groupement d'employeurs pour l'insertion et la qualification"],
];

const SECTIONS: { id: string; label: string; intro: string; fields: (Field | Rows)[] }[] = [
  {
    id: "identity",
    label: "Identité",
    intro: "Ce que les reçus fiscaux, le FEC et le rapport impriment. Les reçus restent désactivés tant que l'identité est incomplète.",
    fields: [
      { path: "name", label: "Nom de l'association", kind: "text" },
      { path: "object", label: "Objet", kind: "textarea" },
      { path: "address", label: "Adresse du siège", kind: "textarea" },
      { path: "siren", label: "SIREN", kind: "text", hint: "9 chiffres ; le SIREN ou le numéro RNA" },
      { path: "rna", label: "Numéro RNA", kind: "text", hint: "W suivi de 9 chiffres" },
      { path: "creationDate", label: "Date de création", kind: "date" },
      { path: "category", label: "Qualité de l'organisme (imprimée sur les reçus)", kind: "text" },
      { path: "articles", label: "Articles du CGI que l'association peut certifier", kind: "articles" },
      { path: "art978Organism", label: "Organisme visé par l'article 978", kind: "select", options: ORGANISMS },
      {
        path: "reductionRate",
        label: "Taux de réduction d'impôt affiché aux donateurs",
        kind: "select",
        options: [
          [66, "66 %"],
          [75, "75 % (aide aux personnes en difficulté)"],
        ],
      },
      { path: "signatory.name", label: "Nom du signataire des reçus", kind: "text" },
      { path: "signatory.quality", label: "Qualité du signataire", kind: "text", hint: "Trésorière, Président…" },
      { path: "receiptsEnabled", label: "Émettre des reçus fiscaux", kind: "bool" },
    ],
  },
  {
    id: "look",
    label: "Apparence",
    intro: "Le logo (PNG ou JPEG, 1 Mio au plus) et la couleur principale des documents et de la page de dons.",
    fields: [{ path: "colour", label: "Couleur principale", kind: "colour" }],
  },
  {
    id: "year",
    label: "Exercice",
    intro: "Le premier mois de l'exercice comptable. Il ne peut plus changer une fois des écritures passées.",
    fields: [{ path: "startMonth", label: "Début de l'exercice", kind: "select", options: MONTHS.map((m, i) => [i + 1, `1er ${m}`]) }],
  },
  {
    id: "bank-accounts",
    label: "Comptes bancaires",
    intro:
      "Chaque IBAN est suivi sur un compte de trésorerie (classe 5) : 512 pour le compte courant, 5121 pour un livret… Une carte que la banque ne connaît que par son numéro se déclare sans IBAN, avec ce numéro (ou ses 4 derniers chiffres).",
    fields: [
      {
        path: "accounts",
        label: "Comptes",
        kind: "rows",
        add: "Ajouter un compte",
        empty: { iban: "", account: "512", label: "", currency: "EUR" },
        fields: [
          { path: "iban", label: "IBAN", kind: "text" },
          { path: "account", label: "Compte comptable", kind: "text" },
          { path: "label", label: "Libellé", kind: "text" },
          { path: "currency", label: "Devise", kind: "text" },
          {
            path: "numbers",
            label: "Autres numéros (carte…)",
            kind: "textList",
            hint: "séparés par « ; » : le numéro de la carte ou ses 4 derniers chiffres, le numéro d'un export",
          },
        ],
      },
    ],
  },
  {
    id: "membership-tiers",
    label: "Adhésions",
    intro:
      "Les formules proposées sur la page d'adhésion, chacune pour l'année civile (du 1er janvier au 31 décembre ; à partir du 1er novembre, le payeur peut choisir l'année suivante) ou pour 12 mois à partir du paiement. Un renouvellement prolonge l'adhésion en cours. Un nouveau montant vaut pour les adhésions suivantes ; les adhérents gardent leur période.",
    fields: [
      {
        path: "tiers",
        label: "Formules",
        kind: "rows",
        add: "Ajouter une formule",
        empty: { id: "", label: "", amount: 2000, period: "calendar_year", receipt: true, counterpart: false, active: true },
        fields: [
          { path: "id", label: "Identifiant", kind: "text" },
          { path: "label", label: "Libellé", kind: "text" },
          { path: "amount", label: "Montant (€)", kind: "euros" },
          {
            path: "period",
            label: "Période",
            kind: "select",
            options: [
              ["calendar_year", "Année civile"],
              ["rolling_12_months", "12 mois à partir du paiement"],
            ],
          },
          { path: "receipt", label: "Reçu fiscal", kind: "bool" },
          { path: "counterpart", label: "Avec contrepartie", kind: "bool" },
          { path: "active", label: "Proposée", kind: "bool" },
        ],
      },
    ],
  },
  {
    id: "giving",
    label: "Dons",
    intro: "Les montants proposés sur la page de dons, et le don mensuel.",
    fields: [
      { path: "presets", label: "Montants proposés (€, séparés par « ; »)", kind: "eurosList" },
      { path: "monthly", label: "Proposer le don mensuel", kind: "bool" },
      { path: "monthlyPresets", label: "Montants mensuels proposés (€, séparés par « ; »)", kind: "eurosList" },
    ],
  },
  {
    id: "volunteers",
    label: "Bénévoles",
    intro: "Pour valoriser le bénévolat dans le rapport annuel.",
    fields: [
      { path: "hourlyRate", label: "Valeur d'une heure de bénévolat (€)", kind: "euros" },
      { path: "headcount", label: "Nombre de bénévoles", kind: "number" },
      { path: "method", label: "Méthode de valorisation (énoncée dans l'annexe)", kind: "textarea" },
      {
        path: "timeSourceAccount",
        label: "Compte du bénévolat (ressource)",
        kind: "select",
        options: [
          ["875", "875 Bénévolat (plan comptable ANC 2018-06) — dons en nature de biens au 870"],
          ["870", "870 Bénévolat (plan de 1999) — dons en nature de biens alors au 875"],
        ],
        hint: "Les heures sont portées au 864 Personnel bénévole et à ce compte. Il ne peut plus changer une fois des contributions en nature passées dans un exercice ouvert.",
      },
    ],
  },
  {
    id: "annexe",
    label: "Annexe des comptes",
    intro:
      "Les engagements donnés par l'association (cautions, subventions promises aux organismes qu'elle soutient, baux) : l'annexe les liste avec leur total, ou indique « Aucun engagement donné ».",
    fields: [
      {
        path: "engagementsGiven",
        label: "Engagements donnés",
        kind: "rows",
        add: "Ajouter un engagement",
        empty: { label: "", amount: "", beneficiary: "", until: "" },
        fields: [
          { path: "label", label: "Nature de l'engagement", kind: "text" },
          { path: "amount", label: "Montant (€, facultatif)", kind: "euros" },
          { path: "beneficiary", label: "Bénéficiaire (facultatif)", kind: "text" },
          { path: "until", label: "Jusqu'au (facultatif)", kind: "date" },
        ],
      },
    ],
  },
  {
    id: "email",
    label: "E-mails",
    intro: "Qui signe les e-mails envoyés aux donateurs et adhérents.",
    fields: [
      { path: "senderName", label: "Nom de l'expéditeur", kind: "text" },
      { path: "senderAddress", label: "Adresse de l'expéditeur", kind: "email" },
      { path: "replyTo", label: "Adresse de réponse", kind: "email" },
    ],
  },
  {
    id: "privacy",
    label: "Données personnelles",
    intro: "Le contact pour exercer ses droits (RGPD), affiché aux donateurs.",
    fields: [
      { path: "contactName", label: "Contact", kind: "text" },
      { path: "contactEmail", label: "Adresse e-mail du contact", kind: "email" },
      { path: "policyUrl", label: "Adresse de la politique de confidentialité", kind: "text" },
    ],
  },
  {
    id: "checkout",
    label: "Paiement en ligne",
    intro: "Les limites contre les abus du paiement en ligne.",
    fields: [
      { path: "ipBurst", label: "Paiements d'affilée par adresse", kind: "number" },
      { path: "ipPerMinute", label: "Paiements par minute et par adresse", kind: "number" },
      { path: "globalBurst", label: "Paiements d'affilée en tout", kind: "number" },
      { path: "globalPerSecond", label: "Paiements par seconde en tout", kind: "number" },
    ],
  },
];

const DELEGATION = ["identity", "look", "volunteers"];
const mayEdit = (section: string) => {
  const roles = getMe().roles;
  return roles.includes("tresorier") || (roles.includes("delegation") && DELEGATION.includes(section));
};

const getAt = (o: Json, path: string): any => path.split(".").reduce<any>((v, k) => (v == null ? undefined : v[k]), o);
function setAt(o: Json, path: string, value: unknown): Json {
  const [k, ...rest] = path.split(".");
  const copy: any = Array.isArray(o) ? [...o] : { ...o };
  copy[k!] = rest.length ? setAt(o?.[k!] ?? {}, rest.join("."), value) : value;
  return copy;
}
const eurosText = (c: unknown) => (typeof c === "number" ? formatEuros(c).replace(/\s*€$/, "") : String(c ?? ""));

function Input({
  f,
  id,
  value,
  onChange,
  error,
  disabled,
}: {
  f: Field;
  id: string;
  value: any;
  onChange: (v: unknown) => void;
  error?: string;
  disabled: boolean;
}) {
  const invalid = error ? "true" : undefined;
  const described = error ? `${id}-error` : undefined;
  const text = (e: Event) => (e.target as HTMLInputElement).value;
  let control: unknown;
  switch (f.kind) {
    case "textarea":
      control = html`<textarea id=${id} rows="2" disabled=${disabled} aria-invalid=${invalid} aria-describedby=${described} value=${value ?? ""} onInput=${(e: Event) => onChange(text(e))}></textarea>`;
      break;
    case "bool":
      control = html`<input id=${id} type="checkbox" disabled=${disabled} aria-invalid=${invalid} aria-describedby=${described} checked=${!!value} onChange=${(e: Event) => onChange((e.target as HTMLInputElement).checked)} />`;
      break;
    case "select":
      control = html`<select id=${id} disabled=${disabled} aria-invalid=${invalid} aria-describedby=${described} value=${String(value ?? "")} onChange=${(
        e: Event,
      ) => {
        const v = (e.target as HTMLSelectElement).value;
        onChange(typeof f.options?.[1]?.[0] === "number" || typeof f.options?.[0]?.[0] === "number" ? Number(v) : v);
      }}>${f.options!.map(([v, l]) => html`<option value=${String(v)}>${l}</option>`)}</select>`;
      break;
    case "number":
      control = html`<input id=${id} class="num" inputmode="numeric" disabled=${disabled} aria-invalid=${invalid} aria-describedby=${described} value=${String(value ?? "")} onInput=${(
        e: Event,
      ) => {
        const t = text(e).replace(",", ".");
        onChange(t.trim() !== "" && Number.isFinite(Number(t)) ? Number(t) : t);
      }} />`;
      break;
    case "euros":
      control = html`<input id=${id} class="num" inputmode="decimal" disabled=${disabled} aria-invalid=${invalid} aria-describedby=${described} defaultValue=${eurosText(value)} onInput=${(e: Event) => onChange(parseEuros(text(e)) ?? text(e))} />`;
      break;
    case "eurosList":
      control = html`<input id=${id} disabled=${disabled} aria-invalid=${invalid} aria-describedby=${described} defaultValue=${(Array.isArray(value) ? value : []).map(eurosText).join(" ; ")} onInput=${(
        e: Event,
      ) =>
        onChange(
          text(e)
            .split(";")
            .map((s) => s.trim())
            .filter(Boolean)
            .map((s) => parseEuros(s) ?? s),
        )} />`;
      break;
    case "textList":
      control = html`<input id=${id} disabled=${disabled} aria-invalid=${invalid} aria-describedby=${described} defaultValue=${(Array.isArray(value) ? value : []).join(" ; ")} onInput=${(
        e: Event,
      ) => {
        const list = text(e)
          .split(";")
          .map((s) => s.trim())
          .filter(Boolean);
        onChange(list.length ? list : undefined);
      }} />`;
      break;
    case "articles": {
      const list: string[] = Array.isArray(value) ? value : [];
      const toggle = (a: string) => (e: Event) =>
        onChange((e.target as HTMLInputElement).checked ? [...new Set([...list, a])].sort() : list.filter((x) => x !== a));
      return html`<fieldset class="field" aria-describedby=${described}><legend>${f.label}</legend>
        <label class="radio"><input type="checkbox" disabled=${disabled} checked=${list.includes("200")} onChange=${toggle("200")} /> Article 200 (dons des particuliers)</label>
        <label class="radio"><input type="checkbox" disabled=${disabled} checked=${list.includes("978")} onChange=${toggle("978")} /> Article 978 (IFI)</label>
        ${error ? html`<p class="field-error" id=${described}>${error}</p>` : null}</fieldset>`;
    }
    default:
      control = html`<input id=${id} type=${f.kind === "email" ? "email" : f.kind === "colour" ? "color" : f.kind === "date" ? "date" : "text"} disabled=${disabled} aria-invalid=${invalid} aria-describedby=${described} value=${value ?? ""} onInput=${(e: Event) => onChange(text(e))} />`;
  }
  return html`<div class="field"><label for=${id}>${f.label}</label>${control}
    ${f.hint ? html`<small class="hint">${f.hint}</small>` : null}
    ${error ? html`<p class="field-error" id=${described}>${error}</p>` : null}</div>`;
}

function History({ section }: { section: string }) {
  const [open, setOpen] = useState(false);
  const h = useLoad(() => (open ? get<{ items: Json[] }>("/v1/settings/history", { section }) : Promise.resolve({ items: [] })), [open, section]);
  return html`<details class="history" onToggle=${(e: Event) => setOpen((e.target as HTMLDetailsElement).open)}>
    <summary>Historique des modifications</summary>
    ${h.loading ? html`<${Loading} />` : null}<${ProblemView} error=${h.error} />
    ${
      open && h.data && !h.data.items.length
        ? html`<p>Jamais modifiée : les valeurs viennent du déploiement.</p>`
        : html`<ul>${(h.data?.items ?? []).map((i) => {
            const changed = Object.keys({ ...(i.before ?? {}), ...(i.after ?? {}) }).filter(
              (k) => JSON.stringify(i.before?.[k]) !== JSON.stringify(i.after?.[k]),
            );
            return html`<li>Version ${i.version}, le ${formatDate(String(i.at).slice(0, 10))} à ${String(i.at).slice(11, 16)} UTC, par ${i.by.sub} (${ROLE_LABELS[i.by.role] ?? i.by.role}) : ${changed.join(", ") || "aucun changement"}</li>`;
          })}</ul>`
    }
  </details>`;
}

function SectionForm({ id, state, onSaved }: { id: string; state: { version: number; value: Json }; onSaved: () => void }) {
  const def = SECTIONS.find((s) => s.id === id)!;
  const [draft, setDraft] = useState<Json>(state.value);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [stale, setStale] = useState(false);
  const [formKey, setFormKey] = useState(0);
  useEffect(() => {
    setDraft(state.value);
    setFormKey((k) => k + 1);
  }, [state.version]);
  const editable = mayEdit(id);
  const fieldErrors = new Map<string, string>();
  if (error instanceof ApiError && error.problem.status === 400) for (const e of error.problem.errors ?? []) fieldErrors.set(e.path, e.message);
  const save = async () => {
    setError(undefined);
    setDone(undefined);
    setStale(false);
    try {
      const out = await api<{ version: number }>("PUT", `/v1/settings/${id}`, { body: draft, headers: { "if-match": String(state.version) } });
      setDone(`Section « ${def.label} » enregistrée (version ${out.version}).`);
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.problem.status === 412) setStale(true);
      else setError(err);
    }
  };
  const uploadLogo = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    setError(undefined);
    try {
      await api("PUT", "/v1/settings/logo", { raw: file, contentType: file.type || "application/octet-stream" });
      setDone("Logo enregistré.");
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const one = (f: Field | Rows) => {
    if (f.kind !== "rows")
      return html`<${Input} f=${f} id=${`s-${id}-${f.path}`} value=${getAt(draft, f.path)} error=${fieldErrors.get(f.path)} disabled=${!editable} onChange=${(v: unknown) => setDraft((d) => setAt(d, f.path, v))} />`;
    const rows: Json[] = getAt(draft, f.path) ?? [];
    return html`<fieldset class="rows"><legend>${f.label}</legend>
      ${fieldErrors.get(f.path) ? html`<p class="field-error">${fieldErrors.get(f.path)}</p>` : null}
      ${rows.map(
        (row, i) => html`<div class="row-fields" data-testid=${`${id}-row`}>
          ${f.fields.map(
            (sub) =>
              html`<${Input} f=${{ ...sub, label: `${sub.label} (${i + 1})` }} id=${`s-${id}-${i}-${sub.path}`} value=${row[sub.path]} error=${fieldErrors.get(`${f.path}.${i}.${sub.path}`)} disabled=${!editable}
                onChange=${(v: unknown) => setDraft((d) => setAt(d, `${f.path}.${i}.${sub.path}`, v))} />`,
          )}
          ${editable ? html`<button type="button" class="secondary small" onClick=${() => setDraft((d) => ({ ...d, [f.path]: rows.filter((_, j) => j !== i) }))}>Retirer</button>` : null}
        </div>`,
      )}
      ${editable ? html`<button type="button" class="secondary" onClick=${() => setDraft((d) => ({ ...d, [f.path]: [...rows, { ...f.empty }] }))}>${f.add}</button>` : null}
    </fieldset>`;
  };
  return html`<section class="card" aria-labelledby=${`s-${id}-title`} data-testid=${`section-${id}`}>
    <h2 id=${`s-${id}-title`}>${def.label}</h2>
    <p class="hint">${def.intro}</p>
    ${editable ? null : html`<p class="hint" role="note">Lecture seule pour votre rôle.</p>`}
    <form key=${formKey} onSubmit=${(e: Event) => (e.preventDefault(), void save())}>
      ${def.fields.map(one)}
      ${
        id === "look"
          ? html`<div class="field"><label for="s-look-logo">Logo (PNG ou JPEG, 1 Mio au plus)</label>
              ${state.value.logo ? html`<p>Logo enregistré (${Math.round(state.value.logo.bytes / 1024)} Kio).</p>` : html`<p>Aucun logo.</p>`}
              <input id="s-look-logo" type="file" accept="image/png,image/jpeg" disabled=${!editable} onChange=${uploadLogo} /></div>`
          : null
      }
      ${stale ? html`<div class="alert error" role="alert"><strong>Modifié entre-temps, rechargez.</strong> Quelqu'un d'autre (ou un autre onglet) a enregistré cette section depuis que vous l'avez ouverte ; rechargez-la pour voir ses valeurs, puis refaites votre modification. <button type="button" class="secondary small" onClick=${() => (setStale(false), onSaved())}>Recharger</button></div>` : null}
      ${error && !(error instanceof ApiError && error.problem.status === 400) ? html`<${ProblemView} error=${error} />` : null}
      ${fieldErrors.size ? html`<div class="alert error" role="alert"><strong>Saisie refusée</strong> — ${fieldErrors.size} champ(s) à corriger, indiqués ci-dessus.</div>` : null}
      ${done ? html`<${Success}>${done}<//>` : null}
      ${editable ? html`<${ActionButton} type="submit" busy="Enregistrement…">Enregistrer « ${def.label} »<//>` : null}
    </form>
    <${History} section=${id} />
  </section>`;
}

const GUIDE = [
  { id: "identity", label: "Identité de l'association" },
  { id: "year", label: "Exercice comptable" },
  { id: "bank-accounts", label: "Comptes bancaires" },
  { id: "membership-tiers", label: "Adhésions" },
  { id: "receipts", label: "Reçus fiscaux" },
  { id: "checks", label: "Vérifications" },
];

function Guide({ view, open }: { view: SettingsView; open: (id: string) => void }) {
  const checks = useLoad(() => get<{ items: Check[] }>("/v1/settings/checks"), [view]);
  const done = (id: string) =>
    id === "identity"
      ? view.complete
      : id === "receipts"
        ? !!view.sections.identity?.value.receiptsEnabled
        : id === "checks"
          ? !!checks.data && checks.data.items.every((c) => c.ok)
          : (view.sections[id]?.version ?? 0) > 0;
  return html`<section class="card guide" aria-labelledby="guide-title" data-testid="first-run">
    <h2 id="guide-title">Premiers pas</h2>
    <p>Bienvenue ! Quelques étapes pour que la console connaisse votre association. Les reçus fiscaux restent désactivés tant que l'identité n'est pas complète.</p>
    <ol>${GUIDE.map(
      (s) =>
        html`<li>${done(s.id) ? "✅" : "⬜"} ${
          s.id === "checks"
            ? s.label
            : html`<a href="#/parametres" onClick=${(e: Event) => (e.preventDefault(), open(s.id === "receipts" ? "identity" : s.id))}>${s.label}</a>`
        }${s.id === "receipts" ? html` — cochez « Émettre des reçus fiscaux » dans l'identité, une fois celle-ci complète` : null}</li>`,
    )}</ol>
    <h3>Vérifications</h3>
    ${checks.loading ? html`<${Loading} what="Vérification" />` : null}<${ProblemView} error=${checks.error} />
    <ul class="checks">${(checks.data?.items ?? []).map(
      (c) =>
        html`<li data-testid=${`check-${c.id}`}><strong>${c.ok ? "✅" : "⚠️"} ${c.label}</strong> — ${c.detail}${c.todo ? html`<br /><span>À faire : ${c.todo}</span>` : null}</li>`,
    )}</ul>
    ${view.missing.length ? html`<p>Il manque encore : ${view.missing.join(", ")}.</p>` : null}
  </section>`;
}

export function Settings() {
  const s = useLoad(() => get<SettingsView>("/v1/settings"), []);
  const [current, setCurrent] = useState("identity");
  if (s.loading && !s.data) return html`<${Page} title="Paramètres"><${Loading} /><//>`;
  if (!s.data) return html`<${Page} title="Paramètres"><${ProblemView} error=${s.error} /><//>`;
  const view = s.data;
  // The guide stays until its steps are done: identity complete, receipts on, year, accounts and tiers saved once.
  const showGuide =
    !view.complete ||
    !view.sections.identity?.value.receiptsEnabled ||
    ["year", "bank-accounts", "membership-tiers"].some((id) => (view.sections[id]?.version ?? 0) === 0);
  return html`<${Page} title="Paramètres">
    ${showGuide ? html`<${Guide} view=${view} open=${setCurrent} />` : null}
    <nav class="tabs" aria-label="Sections des paramètres"><ul>${SECTIONS.map(
      (d) =>
        html`<li><a href="#/parametres" aria-current=${d.id === current ? "page" : undefined} onClick=${(e: Event) => (e.preventDefault(), setCurrent(d.id))}>${d.label}</a></li>`,
    )}</ul></nav>
    <${SectionForm} key=${current} id=${current} state=${view.sections[current]!} onSaved=${s.reload} />
  <//>`;
}

/** Whether the first-run guide should open: the identity is incomplete. */
export async function needsFirstRun(): Promise<boolean> {
  try {
    return !(await get<SettingsView>("/v1/settings")).complete;
  } catch {
    return false;
  }
}
