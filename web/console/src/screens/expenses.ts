/** Expenses: the year's purchases, a new expense (booked in HA, paid or not), the invoice file (upload, download). */
import { useState } from "preact/hooks";
import { api, get, keyKeeper } from "../api.js";
import { formatDate, formatEuros, parisToday, parseEuros } from "../money.js";
import { ActionButton, can, html, Loading, MoreButton, Page, ProblemView, Success, useLoad, usePaged, useYears, YearSelect } from "../ui.js";
import type { Grant } from "./grants.js";

interface Expense {
  id: string;
  date: string;
  supplier: string;
  account: string;
  amount: number;
  label: string;
  pieceRef: string;
  grantId: string | null;
  paid: { date: string; method: string } | null;
  file: { contentType: string; size: number } | null;
}
const METHODS: Record<string, string> = { bank: "Virement / prélèvement", card: "Carte", cash: "Espèces" };

export function Expenses() {
  const { years, current } = useYears();
  const [picked, setYear] = useState<number>();
  const year = picked ?? current;
  const list = usePaged<Expense>("/v1/expenses", { year, limit: 200 }, [year]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const upload = async (e: Expense, file: File) => {
    setError(undefined);
    setDone(undefined);
    try {
      await api("PUT", `/v1/expenses/${encodeURIComponent(e.id)}/invoice`, { raw: file, contentType: file.type || "application/octet-stream" });
      setDone(`Facture « ${file.name} » jointe à ${e.pieceRef}.`);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const open = async (e: Expense) => {
    setError(undefined);
    try {
      const link = await get<{ url: string }>(`/v1/expenses/${encodeURIComponent(e.id)}/invoice`);
      window.open(link.url, "_blank", "noopener");
    } catch (err) {
      setError(err);
    }
  };
  return html`<${Page} title="Dépenses" actions=${html`<${YearSelect} id="exp-year" value=${year} years=${years} onChange=${setYear} />`}>
    ${can("createExpense") ? html`<${NewExpense} onDone=${list.reload} />` : null}
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error ?? list.error} />
    ${
      list.first
        ? html`<table>
          <caption class="sr-only">Dépenses ${year}</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">Fournisseur</th><th scope="col">Libellé</th><th scope="col">Compte</th><th scope="col">Facture n°</th><th scope="col" class="num">Montant</th><th scope="col">Payée</th><th scope="col">Justificatif</th></tr></thead>
          <tbody>
            ${list.items.length === 0 ? html`<tr><td colspan="8">Aucune dépense en ${year}.</td></tr>` : null}
            ${list.items.map(
              (e) => html`<tr>
              <td>${formatDate(e.date)}</td><td>${e.supplier}</td><td>${e.label}</td><td>${e.account}</td><td>${e.pieceRef}</td><td class="num">${formatEuros(e.amount)}</td>
              <td>${e.paid ? `${formatDate(e.paid.date)} (${METHODS[e.paid.method] ?? e.paid.method})` : "non"}</td>
              <td>${
                e.file
                  ? html`<button type="button" class="link" onClick=${() => open(e)}>Voir<span class="sr-only"> la facture ${e.pieceRef}</span></button>`
                  : can("uploadInvoice")
                    ? html`<label class="file-button">Joindre<span class="sr-only"> la facture ${e.pieceRef}</span><input type="file" class="sr-only" accept="application/pdf,image/jpeg,image/png" onChange=${(
                        ev: Event,
                      ) => {
                        const f = (ev.target as HTMLInputElement).files?.[0];
                        if (f) void upload(e, f);
                      }} /></label>`
                    : "—"
              }</td></tr>`,
            )}
          </tbody>
        </table><${MoreButton} paged=${list} what="dépenses" />`
        : html`<${Loading} />`
    }
  <//>`;
}

function NewExpense({ onDone }: { onDone: () => void }) {
  const grants = useLoad(() => (can("listGrants") ? get<{ items: Grant[] }>("/v1/grants") : Promise.resolve({ items: [] as Grant[] })), []);
  const [open, setOpen] = useState(false);
  const [x, setX] = useState({
    date: parisToday(),
    supplier: "",
    account: "6226",
    amount: "",
    label: "",
    pieceRef: "",
    grantId: "",
    paid: false,
    paidDate: parisToday(),
    method: "bank",
  });
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [keys] = useState(keyKeeper);
  const cents = parseEuros(x.amount);
  const set = (p: Partial<typeof x>) => setX({ ...x, ...p });
  if (!open)
    return html`<div class="toolbar"><button type="button" class="primary" onClick=${() => setOpen(true)}>Nouvelle dépense</button></div>${done ? html`<${Success}>${done}<//>` : null}`;
  return html`<form class="card" onSubmit=${(e: Event) => e.preventDefault()}>
    <h2>Nouvelle dépense</h2>
    <div class="row">
      <div class="field"><label for="x-date">Date de la facture</label><input id="x-date" type="date" value=${x.date} onInput=${(e: Event) => set({ date: (e.target as HTMLInputElement).value })} /></div>
      <div class="field grow"><label for="x-supplier">Fournisseur</label><input id="x-supplier" value=${x.supplier} onInput=${(e: Event) => set({ supplier: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="x-piece">Facture n°</label><input id="x-piece" value=${x.pieceRef} onInput=${(e: Event) => set({ pieceRef: (e.target as HTMLInputElement).value })} /></div>
    </div>
    <div class="row">
      <div class="field grow"><label for="x-label">Libellé</label><input id="x-label" value=${x.label} onInput=${(e: Event) => set({ label: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="x-account">Compte de charge (classe 6)</label><input id="x-account" inputmode="numeric" value=${x.account} onInput=${(e: Event) => set({ account: (e.target as HTMLInputElement).value.trim() })} /></div>
      <div class="field"><label for="x-amount">Montant TTC (€)</label><input id="x-amount" class="num" inputmode="decimal" value=${x.amount} aria-invalid=${x.amount && cents === null ? "true" : undefined} onInput=${(e: Event) => set({ amount: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="x-grant">Subvention concernée</label><select id="x-grant" value=${x.grantId} onChange=${(e: Event) => set({ grantId: (e.target as HTMLSelectElement).value })}>
        <option value="">aucune</option>${grants.data?.items.map((g) => html`<option value=${g.id}>${g.funderName} — ${g.title}</option>`)}</select></div>
    </div>
    <div class="row">
      <label class="radio"><input type="checkbox" checked=${x.paid} onChange=${(e: Event) => set({ paid: (e.target as HTMLInputElement).checked })} /> Déjà payée</label>
      ${
        x.paid
          ? html`<div class="field"><label for="x-paid-date">Payée le</label><input id="x-paid-date" type="date" value=${x.paidDate} onInput=${(e: Event) => set({ paidDate: (e.target as HTMLInputElement).value })} /></div>
            <div class="field"><label for="x-method">Moyen</label><select id="x-method" value=${x.method} onChange=${(e: Event) => set({ method: (e.target as HTMLSelectElement).value })}>
              ${Object.entries(METHODS).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select></div>`
          : null
      }
    </div>
    <${ActionButton} disabled=${!cents || !x.supplier.trim() || !x.label.trim() || !x.pieceRef.trim()} busy="Enregistrement…" onClick=${async () => {
      setError(undefined);
      try {
        const body = {
          date: x.date,
          supplier: x.supplier.trim(),
          account: x.account,
          amount: cents,
          label: x.label.trim(),
          pieceRef: x.pieceRef.trim(),
          ...(x.grantId ? { grantId: x.grantId } : {}),
          ...(x.paid ? { paid: { date: x.paidDate, method: x.method } } : {}),
        };
        await api("POST", "/v1/expenses", { body, idempotencyKey: keys.for(body) });
        setDone(`Dépense « ${x.label} » enregistrée (${formatEuros(cents!)}).`);
        keys.reset();
        setOpen(false);
        onDone();
      } catch (err) {
        setError(err);
      }
    }}>Enregistrer la dépense<//>
    <${ProblemView} error=${error} />
  </form>`;
}
