/** Funders and grants: each funder's five figures, its grants, new funders and grants, payments received. */
import { useState } from "preact/hooks";
import { api, get, keyKeeper } from "../api.js";
import { formatDate, formatEuros, parisToday, parseEuros } from "../money.js";
import { ActionButton, can, html, Loading, Page, ProblemView, Success, Tabs, useLoad, useYears, YearSelect } from "../ui.js";

export const FUNDER_KINDS: Record<string, string> = {
  foundation: "Fondation",
  endowment_fund: "Fonds de dotation",
  public: "Organisme public",
  association: "Association",
  company: "Entreprise",
};

interface Funder {
  id: string;
  name: string;
  kind: string;
  awarded: number;
  recognised: number;
  received: number;
  outstanding: number;
  spent: number;
  unspentRestricted?: number;
}
export interface Grant {
  id: string;
  funderId: string;
  funderName: string;
  title: string;
  agreementDate: string;
  amount: number;
  restricted: boolean;
  startDate: string;
  endDate: string;
  status: string;
  installments: { dueDate: string; amount: number; received: number }[];
}

export function Grants({ sub }: { sub: string }) {
  const tabs = [
    { id: "financeurs", label: "Financeurs", href: "#/subventions/financeurs" },
    { id: "conventions", label: "Subventions", href: "#/subventions/conventions", show: can("listGrants") },
    { id: "fonds-dedies", label: "Fonds dédiés", href: "#/subventions/fonds-dedies", show: can("dedicatedFunds") },
  ].filter((t) => t.show !== false);
  const tab = tabs.find((t) => t.id === sub)?.id ?? "financeurs";
  const title = { financeurs: "Financeurs", conventions: "Subventions", "fonds-dedies": "Fonds dédiés" }[tab]!;
  return html`<${Page} title=${title}>
    <${Tabs} label="Financeurs et subventions" items=${tabs} current=${tab} />
    ${tab === "financeurs" ? html`<${Funders} />` : tab === "conventions" ? html`<${GrantList} />` : html`<${DedicatedFunds} />`}
  <//>`;
}

function Funders() {
  const list = useLoad(() => get<{ items: Funder[] }>("/v1/funders", { limit: 500 }), []);
  const [open, setOpen] = useState<string>();
  const detail = useLoad(() => (open ? get<Funder & { grants: Grant[] }>(`/v1/funders/${encodeURIComponent(open)}`) : Promise.resolve(undefined)), [open]);
  return html`${can("createFunder") ? html`<${NewFunder} onDone=${list.reload} />` : null}
    <${ProblemView} error=${list.error ?? detail.error} />
    ${
      list.data
        ? html`<table>
          <caption class="sr-only">Financeurs et leurs chiffres</caption>
          <thead><tr><th scope="col">Financeur</th><th scope="col">Type</th><th scope="col" class="num">Accordé</th><th scope="col" class="num">Reçu</th><th scope="col" class="num">Reste à recevoir</th><th scope="col" class="num">Dépensé</th><th scope="col"><span class="sr-only">Détail</span></th></tr></thead>
          <tbody>
            ${list.data.items.length === 0 ? html`<tr><td colspan="7">Aucun financeur.</td></tr>` : null}
            ${list.data.items.map(
              (f) => html`<tr>
              <td>${f.name}</td><td>${FUNDER_KINDS[f.kind] ?? f.kind}</td><td class="num">${formatEuros(f.awarded)}</td><td class="num">${formatEuros(f.received)}</td>
              <td class="num">${formatEuros(f.outstanding)}</td><td class="num">${formatEuros(f.spent)}</td>
              <td><button type="button" class="link" aria-expanded=${open === f.id} onClick=${() => setOpen(open === f.id ? undefined : f.id)}>Détail<span class="sr-only"> de ${f.name}</span></button></td></tr>
              ${
                open === f.id && detail.data
                  ? html`<tr class="lines"><td colspan="7">
                    <dl class="figures">
                      <div><dt>Accordé</dt><dd>${formatEuros(detail.data.awarded)}</dd></div>
                      <div><dt>Reçu</dt><dd>${formatEuros(detail.data.received)}</dd></div>
                      <div><dt>Reste à recevoir</dt><dd>${formatEuros(detail.data.outstanding)}</dd></div>
                      <div><dt>Dépensé</dt><dd>${formatEuros(detail.data.spent)}</dd></div>
                      <div><dt>Non dépensé (fonds affectés)</dt><dd>${formatEuros(detail.data.unspentRestricted ?? 0)}</dd></div>
                    </dl>
                    ${detail.data.grants.length ? html`<ul class="plain">${detail.data.grants.map((g) => html`<li>${g.title} · signée le ${formatDate(g.agreementDate)} · ${formatEuros(g.amount)}${g.restricted ? " · affectée" : ""}</li>`)}</ul>` : html`<p>Aucune subvention.</p>`}
                  </td></tr>`
                  : null
              }`,
            )}
          </tbody>
        </table>`
        : html`<${Loading} />`
    }`;
}

function NewFunder({ onDone }: { onDone: () => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState("foundation");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [keys] = useState(keyKeeper);
  return html`<form class="card" onSubmit=${(e: Event) => e.preventDefault()}>
    <h2>Nouveau financeur</h2>
    <div class="row">
      <div class="field grow"><label for="fu-name">Nom</label><input id="fu-name" value=${name} maxlength="200" onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} /></div>
      <div class="field"><label for="fu-kind">Type</label><select id="fu-kind" value=${kind} onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value)}>
        ${Object.entries(FUNDER_KINDS).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select></div>
      <${ActionButton} disabled=${!name.trim()} busy="Création…" onClick=${async () => {
        setError(undefined);
        try {
          const body = { name: name.trim(), kind };
          const f = await api<Funder>("POST", "/v1/funders", { body, idempotencyKey: keys.for(body) });
          setDone(`Financeur « ${f.name} » créé.`);
          setName("");
          keys.reset();
          onDone();
        } catch (err) {
          setError(err);
        }
      }}>Créer le financeur<//>
    </div>
    ${done ? html`<${Success}>${done}<//>` : null}<${ProblemView} error=${error} />
  </form>`;
}

function GrantList() {
  const { years, year, setYear } = useYears();
  const list = useLoad(() => get<{ items: Grant[] }>("/v1/grants", { year }), [year]);
  const [paying, setPaying] = useState<string>();
  const [done, setDone] = useState<string>();
  return html`<div class="toolbar"><${YearSelect} id="grants-year" value=${year} years=${years} onChange=${setYear} /></div>
    ${can("createGrant") ? html`<${NewGrant} onDone=${list.reload} />` : null}
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${list.error} />
    ${
      list.data
        ? html`<table>
          <caption class="sr-only">Subventions ${year}</caption>
          <thead><tr><th scope="col">Financeur</th><th scope="col">Objet</th><th scope="col">Signée le</th><th scope="col">Période</th><th scope="col" class="num">Montant</th><th scope="col" class="num">Reçu</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            ${list.data.items.length === 0 ? html`<tr><td colspan="7">Aucune subvention pour ${year}.</td></tr>` : null}
            ${list.data.items.map(
              (g) => html`<tr>
              <td>${g.funderName}</td><td>${g.title}${g.restricted ? html` <span class="tag">affectée</span>` : null}</td><td>${formatDate(g.agreementDate)}</td>
              <td>${formatDate(g.startDate)} – ${formatDate(g.endDate)}</td><td class="num">${formatEuros(g.amount)}</td>
              <td class="num">${formatEuros(g.installments.reduce((s, i) => s + i.received, 0))}</td>
              <td>${can("recordGrantPayment") ? html`<button type="button" class="secondary small" aria-expanded=${paying === g.id} onClick=${() => setPaying(paying === g.id ? undefined : g.id)}>Encaisser<span class="sr-only"> ${g.title}</span></button>` : null}</td></tr>
              ${paying === g.id ? html`<tr class="lines"><td colspan="7"><${Payment} grant=${g} onDone=${(m: string) => (setPaying(undefined), setDone(m), list.reload())} /></td></tr>` : null}`,
            )}
          </tbody>
        </table>`
        : html`<${Loading} />`
    }`;
}

function Payment({ grant, onDone }: { grant: Grant; onDone: (m: string) => void }) {
  const [date, setDate] = useState(parisToday());
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<unknown>();
  const [keys] = useState(keyKeeper);
  const cents = parseEuros(amount);
  return html`<div class="row">
    <div class="field"><label for=${`pay-date-${grant.id}`}>Date de réception</label><input id=${`pay-date-${grant.id}`} type="date" value=${date} onInput=${(e: Event) => setDate((e.target as HTMLInputElement).value)} /></div>
    <div class="field"><label for=${`pay-amount-${grant.id}`}>Montant reçu (€)</label><input id=${`pay-amount-${grant.id}`} class="num" inputmode="decimal" value=${amount} aria-invalid=${amount && cents === null ? "true" : undefined} onInput=${(e: Event) => setAmount((e.target as HTMLInputElement).value)} /></div>
    <${ActionButton} disabled=${!cents} busy="Enregistrement…" onClick=${async () => {
      setError(undefined);
      try {
        await api("POST", `/v1/grants/${encodeURIComponent(grant.id)}/payments`, {
          body: { date, amount: cents },
          idempotencyKey: keys.for({ date, amount: cents }),
        });
        onDone(`Versement de ${formatEuros(cents!)} enregistré pour « ${grant.title} ».`);
      } catch (err) {
        setError(err);
      }
    }}>Enregistrer le versement<//>
    <${ProblemView} error=${error} />
  </div>`;
}

function NewGrant({ onDone }: { onDone: () => void }) {
  const funders = useLoad(() => get<{ items: Funder[] }>("/v1/funders", { limit: 500 }), []);
  const [g, setG] = useState({
    funderId: "",
    title: "",
    agreementDate: parisToday(),
    amount: "",
    restricted: false,
    startDate: parisToday(),
    endDate: parisToday(),
  });
  const [installments, setInstallments] = useState<{ dueDate: string; amount: string }[]>([{ dueDate: parisToday(), amount: "" }]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [keys] = useState(keyKeeper);
  const [open, setOpen] = useState(false);
  const amount = parseEuros(g.amount);
  const sum = installments.reduce((s, i) => s + (parseEuros(i.amount) ?? 0), 0);
  const set = (patch: Partial<typeof g>) => setG({ ...g, ...patch });
  if (!open) return html`<div class="toolbar"><button type="button" class="primary" onClick=${() => setOpen(true)}>Nouvelle subvention</button></div>`;
  return html`<form class="card" onSubmit=${(e: Event) => e.preventDefault()}>
    <h2>Nouvelle subvention</h2>
    <div class="row">
      <div class="field"><label for="g-funder">Financeur</label><select id="g-funder" value=${g.funderId} onChange=${(e: Event) => set({ funderId: (e.target as HTMLSelectElement).value })}>
        <option value="">— choisir —</option>${funders.data?.items.map((f) => html`<option value=${f.id}>${f.name}</option>`)}</select></div>
      <div class="field grow"><label for="g-title">Objet</label><input id="g-title" value=${g.title} onInput=${(e: Event) => set({ title: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="g-amount">Montant accordé (€)</label><input id="g-amount" class="num" inputmode="decimal" value=${g.amount} onInput=${(e: Event) => set({ amount: (e.target as HTMLInputElement).value })} /></div>
    </div>
    <div class="row">
      <div class="field"><label for="g-agreement">Signée le</label><input id="g-agreement" type="date" value=${g.agreementDate} onInput=${(e: Event) => set({ agreementDate: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="g-start">Début</label><input id="g-start" type="date" value=${g.startDate} onInput=${(e: Event) => set({ startDate: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="g-end">Fin</label><input id="g-end" type="date" value=${g.endDate} onInput=${(e: Event) => set({ endDate: (e.target as HTMLInputElement).value })} /></div>
      <label class="radio"><input type="checkbox" checked=${g.restricted} onChange=${(e: Event) => set({ restricted: (e.target as HTMLInputElement).checked })} /> Affectée à un projet (fonds dédiés)</label>
    </div>
    <fieldset><legend>Échéancier</legend>
      ${installments.map(
        (i, n) => html`<div class="row">
        <div class="field"><label for=${`inst-date-${n}`}>Date de l'échéance ${n + 1}</label><input id=${`inst-date-${n}`} type="date" value=${i.dueDate} onInput=${(e: Event) => setInstallments(installments.map((x, j) => (j === n ? { ...x, dueDate: (e.target as HTMLInputElement).value } : x)))} /></div>
        <div class="field"><label for=${`inst-amount-${n}`}>Montant de l'échéance ${n + 1} (€)</label><input id=${`inst-amount-${n}`} class="num" inputmode="decimal" value=${i.amount} onInput=${(e: Event) => setInstallments(installments.map((x, j) => (j === n ? { ...x, amount: (e.target as HTMLInputElement).value } : x)))} /></div>
      </div>`,
      )}
      <button type="button" class="secondary small" onClick=${() => setInstallments([...installments, { dueDate: g.endDate, amount: "" }])}>Ajouter une échéance</button>
      <p aria-live="polite" class=${amount !== null && sum === amount ? "balance ok" : "balance ko"}>Échéances : ${formatEuros(sum)} sur ${amount !== null ? formatEuros(amount) : "—"}</p>
    </fieldset>
    <${ActionButton} disabled=${!g.funderId || !g.title.trim() || amount === null || sum !== amount} busy="Création…" onClick=${async () => {
      setError(undefined);
      try {
        const body = { ...g, title: g.title.trim(), amount, installments: installments.map((i) => ({ dueDate: i.dueDate, amount: parseEuros(i.amount) })) };
        await api("POST", "/v1/grants", { body, idempotencyKey: keys.for(body) });
        setDone(`Subvention « ${g.title} » enregistrée.`);
        keys.reset();
        onDone();
      } catch (err) {
        setError(err);
      }
    }}>Enregistrer la subvention<//>
    ${done ? html`<${Success}>${done}<//>` : null}<${ProblemView} error=${error ?? funders.error} />
  </form>`;
}

interface DedicatedRow {
  grantId: string;
  title: string;
  funderName: string;
  recognised: number;
  spent: number;
  atStart: number;
  new: number;
  used: number;
  atEnd: number;
  posted: boolean;
}

/** The year's fonds dédiés per restricted grant, and booking them before the closing. */
function DedicatedFunds() {
  const { years, year, setYear } = useYears();
  const funds = useLoad(
    () =>
      get<{ rows: DedicatedRow[]; totals: { atStart: number; new: number; used: number; atEnd: number }; pending: string[] }>("/v1/grants/dedicated-funds", {
        year,
      }),
    [year],
  );
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [keys] = useState(keyKeeper);
  const f = funds.data;
  return html`<div class="toolbar"><${YearSelect} id="df-year" value=${year} years=${years} onChange=${setYear} />
      ${
        can("postDedicatedFunds") && f?.pending.length
          ? html`<${ActionButton} busy="Comptabilisation…" onClick=${async () => {
              setError(undefined);
              setDone(undefined);
              try {
                const out = await api<{ entries: unknown[] }>("POST", `/v1/ledger/years/${year}/dedicated-funds`, {
                  idempotencyKey: keys.for({ year, pending: f.pending }),
                });
                setDone(`Fonds dédiés ${year} comptabilisés (${out.entries.length} écriture(s)).`);
                keys.reset();
                funds.reload();
              } catch (err) {
                setError(err);
              }
            }}>Comptabiliser les fonds dédiés ${year}<//>`
          : null
      }
    </div>
    <p class="hint">Les fonds dédiés, c'est la part d'une subvention réservée à un projet qui n'a pas encore été dépensée à la fin de l'exercice : elle est mise de côté pour l'année suivante, où elle reviendra au fil des dépenses du projet. À comptabiliser avant la clôture.</p>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error ?? funds.error} />
    ${
      f
        ? html`<table>
          <caption class="sr-only">Fonds dédiés ${year}</caption>
          <thead><tr><th scope="col">Subvention</th><th scope="col" class="num">Au début</th><th scope="col" class="num">Reportés</th><th scope="col" class="num">Utilisés</th><th scope="col" class="num">À la fin</th><th scope="col">Comptabilisé</th></tr></thead>
          <tbody>
            ${f.rows.length === 0 ? html`<tr><td colspan="6">Aucune subvention affectée en ${year}.</td></tr>` : null}
            ${f.rows.map((r) => html`<tr><td>${r.funderName} — ${r.title}</td><td class="num">${formatEuros(r.atStart)}</td><td class="num">${formatEuros(r.new)}</td><td class="num">${formatEuros(r.used)}</td><td class="num">${formatEuros(r.atEnd)}</td><td>${r.posted ? "oui" : html`<strong>non</strong>`}</td></tr>`)}
          </tbody>
          <tfoot><tr><th scope="row">Totaux</th><td class="num">${formatEuros(f.totals.atStart)}</td><td class="num">${formatEuros(f.totals.new)}</td><td class="num">${formatEuros(f.totals.used)}</td><td class="num">${formatEuros(f.totals.atEnd)}</td><td></td></tr></tfoot>
        </table>`
        : html`<${Loading} />`
    }`;
}
