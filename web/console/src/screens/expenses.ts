/**
 * Expenses: the year's purchases, a new expense (booked in HA, paid or not) with its invoice in the
 * same form (a file dropped or a photo taken), the supplier's usual account, a warning before
 * saving the same invoice twice; the invoice file of an expense (upload, download).
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get, keyKeeper } from "../api.js";
import { formatDate, formatEuros, parisToday, parseEuros } from "../money.js";
import { duplicatesOf, fiscalYearOf, usualAccount } from "../query.js";
import {
  AccountPicker,
  ActionButton,
  can,
  currentFiscalYear,
  fiscalStartMonth,
  html,
  Loading,
  loadChart,
  MoreButton,
  Page,
  ProblemView,
  Success,
  useAccountUsage,
  useDraft,
  useLoad,
  usePaged,
  useYears,
  YearSelect,
  type ChartAccount,
} from "../ui.js";
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
  const { years, year, setYear } = useYears();
  const list = usePaged<Expense>("/v1/expenses", { year, limit: 200 }, [year]);
  const chart = useLoad(() => loadChart(), []);
  const accountName = (n: string) => {
    const a = chart.data?.find((c) => c.number === n);
    return a ? html`${a.label} <span class="account-number">${n}</span>` : n;
  };
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const upload = async (e: Expense, file: File) => {
    setError(undefined);
    setDone(undefined);
    try {
      await uploadInvoice(e.id, file);
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
    ${can("createExpense") ? html`<${NewExpense} onDone=${list.reload} chart=${chart.data} />` : null}
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error ?? list.error} />
    ${
      list.first
        ? html`<div class="scroll"><table>
          <caption class="sr-only">Dépenses ${year}</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">Fournisseur</th><th scope="col">Libellé</th><th scope="col">Compte</th><th scope="col">Facture n°</th><th scope="col" class="num">Montant</th><th scope="col">Payée</th><th scope="col">Justificatif</th></tr></thead>
          <tbody>
            ${list.items.length === 0 ? html`<tr><td colspan="8">Aucune dépense en ${year}.</td></tr>` : null}
            ${list.items.map(
              (e) => html`<tr>
              <td>${formatDate(e.date)}</td><td>${e.supplier}</td><td>${e.label}</td><td>${accountName(e.account)}</td><td>${e.pieceRef}</td><td class="num">${formatEuros(e.amount)}</td>
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
        </table></div><${MoreButton} paged=${list} what="dépenses" />`
        : html`<${Loading} />`
    }
  <//>`;
}

const INVOICE_TYPES: Record<string, string> = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };

/** The type an invoice file is sent as (the API checks the content too). */
const invoiceType = (file: File) => file.type || INVOICE_TYPES[file.name.split(".").pop()?.toLowerCase() ?? ""] || "application/octet-stream";
const acceptedInvoice = (file: File) => Object.values(INVOICE_TYPES).includes(invoiceType(file));
const MAX_INVOICE = 10 * 1024 * 1024;

/** The invoice file booked with an expense. An invoice already there (the answer to an earlier try was lost) counts as done. */
async function uploadInvoice(expenseId: string, file: File): Promise<void> {
  try {
    await api("PUT", `/v1/expenses/${encodeURIComponent(expenseId)}/invoice`, { raw: file, contentType: invoiceType(file) });
  } catch (err) {
    if (err instanceof ApiError && err.problem.status === 409 && /already has its invoice/.test(err.problem.detail ?? "")) return;
    throw err;
  }
}

/** Photos over this size are re-encoded before they are sent (a phone's photo is often 4–12 MB). */
const SHRINK_OVER = 3 * 1024 * 1024;
const PHOTO_MAX_SIDE = 2400;

/**
 * A photographed invoice made lighter: a JPEG or PNG over 3 MB is redrawn at 2 400 px on its long
 * side at most and sent as a JPEG (still legible, well under the 10 MB the API takes); a PDF, a
 * small image, or one the browser cannot draw is sent as it is.
 */
async function shrinkPhoto(file: File): Promise<File> {
  const type = invoiceType(file);
  if (file.size <= SHRINK_OVER || (type !== "image/jpeg" && type !== "image/png")) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    const ctx = canvas.getContext("2d");
    if (!ctx) return file;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    if (!blob || blob.size >= file.size) return file;
    return new File([blob], file.name.replace(/\.(png|jpe?g)$/i, "") + ".jpg", { type: "image/jpeg" });
  } catch {
    return file;
  }
}

const size = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} ko` : `${(bytes / 1024 / 1024).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} Mo`;

/** Every expense of a fiscal year (all pages). */
async function expensesOf(year: number): Promise<Expense[]> {
  const out: Expense[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const r = await get<{ items: Expense[]; nextCursor?: string | null }>("/v1/expenses", { year, limit: 200, cursor });
    out.push(...r.items);
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return out;
}

const blank = () => ({
  date: parisToday(),
  supplier: "",
  account: "",
  /** The account was chosen by the person (the supplier's usual account no longer replaces it). */
  accountChosen: false,
  amount: "",
  label: "",
  pieceRef: "",
  grantId: "",
  paid: false,
  paidDate: parisToday(),
  method: "bank",
});

function NewExpense({ onDone, chart }: { onDone: () => void; chart: ChartAccount[] | undefined }) {
  const grants = useLoad(() => (can("listGrants") ? get<{ items: Grant[] }>("/v1/grants") : Promise.resolve({ items: [] as Grant[] })), []);
  const [x, setDraft, clearDraft] = useDraft("expense", blank);
  const dirty = JSON.stringify({ ...x, date: "", paidDate: "" }) !== JSON.stringify({ ...blank(), date: "", paidDate: "" });
  const [open, setOpen] = useState(dirty);
  const [file, setFile] = useState<File>();
  const [dragging, setDragging] = useState(false);
  const [sameOk, setSameOk] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  /** The expense created by this submit whose invoice is still to send (a retry sends only the file). */
  const [created, setCreated] = useState<{ id: string; pieceRef: string }>();
  const [keys] = useState(keyKeeper);
  const thisYear = currentFiscalYear();
  const dateYear = /^\d{4}-\d{2}-\d{2}$/.test(x.date) ? fiscalYearOf(x.date, fiscalStartMonth()) : thisYear;
  // Past expenses: this year's and last year's (the suppliers' usual accounts), and those of the invoice's year (duplicates).
  const past = useLoad(async () => {
    const years = [...new Set([thisYear, thisYear - 1, dateYear])];
    return (await Promise.all(years.map((y) => expensesOf(y).catch(() => [] as Expense[])))).flat();
  }, [dateYear, open]);
  const tbUsage = useAccountUsage();
  const counts: Record<string, number> = {};
  for (const e of past.data ?? []) counts[e.account] = (counts[e.account] ?? 0) + 1;
  const usage: Record<string, number> = {};
  for (const a of chart ?? []) usage[a.number] = (counts[a.number] ?? 0) * 1e13 + (tbUsage[a.number] ?? 0);
  const charges = chart?.filter((a) => a.class === 6);
  const suppliers = [...new Set((past.data ?? []).map((e) => e.supplier))].sort((a, b) => a.localeCompare(b, "fr"));
  const cents = parseEuros(x.amount);
  const usual = x.supplier.trim() ? usualAccount(past.data ?? [], x.supplier) : undefined;
  const usualLabel = usual ? chart?.find((a) => a.number === usual)?.label : undefined;
  const same = duplicatesOf(past.data ?? [], { supplier: x.supplier, amount: cents, date: x.date });
  const set = (p: Partial<typeof x>) => setDraft({ ...x, ...p });
  // The supplier's usual account, until the person chooses another (also once past expenses arrive).
  useEffect(() => {
    if (usual && !x.accountChosen && x.account !== usual) set({ account: usual });
  }, [usual, x.accountChosen]);
  const badFile =
    file &&
    (!acceptedInvoice(file)
      ? "Ce fichier n'est ni un PDF, ni une photo JPEG ou PNG."
      : file.size > MAX_INVOICE
        ? `Ce fichier fait ${size(file.size)} : 10 Mo au plus.`
        : undefined);
  const ready = !!cents && !!x.supplier.trim() && !!x.label.trim() && !!x.pieceRef.trim() && !!x.account && !badFile && (same.length === 0 || sameOk);
  const pick = async (files: FileList | null | undefined) => {
    const f = files?.[0];
    if (f) setFile(await shrinkPhoto(f));
  };
  const finish = (message: string) => {
    setDone(message);
    keys.reset();
    clearDraft();
    setFile(undefined);
    setCreated(undefined);
    setSameOk(false);
    setOpen(false);
    onDone();
  };
  const submit = async () => {
    setError(undefined);
    setDone(undefined);
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
    let made = created;
    try {
      if (!made) {
        // The same key on a retry: the API writes the expense once, whatever became of the first answer.
        const out = await api<{ id: string; pieceRef?: string }>("POST", "/v1/expenses", { body, idempotencyKey: keys.for(body) });
        made = { id: out.id, pieceRef: body.pieceRef };
        setCreated(made);
      }
      if (file) await uploadInvoice(made.id, file);
      finish(`Dépense « ${body.label} » enregistrée (${formatEuros(cents!)})${file ? `, avec sa facture « ${file.name} »` : ""}.`);
    } catch (err) {
      setError(err);
      if (made) onDone();
    }
  };
  if (!open)
    return html`<div class="toolbar"><button type="button" class="primary" onClick=${() => setOpen(true)}>Nouvelle dépense</button></div>${done ? html`<${Success}>${done}<//>` : null}`;
  return html`<form class="card expense-form" onSubmit=${(e: Event) => e.preventDefault()}>
    <h2>Nouvelle dépense</h2>
    <datalist id="x-suppliers">${suppliers.map((s) => html`<option value=${s}></option>`)}</datalist>
    <div class="row">
      <div class="field"><label for="x-date">Date de la facture</label><input id="x-date" type="date" value=${x.date} onInput=${(e: Event) => set({ date: (e.target as HTMLInputElement).value })} /></div>
      <div class="field grow"><label for="x-supplier">Fournisseur</label><input id="x-supplier" list="x-suppliers" autocomplete="off" value=${x.supplier}
        onInput=${(e: Event) => set({ supplier: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="x-piece">Facture n°</label><input id="x-piece" value=${x.pieceRef} onInput=${(e: Event) => set({ pieceRef: (e.target as HTMLInputElement).value })} /></div>
    </div>
    <div class="row">
      <div class="field grow"><label for="x-label">Libellé</label><input id="x-label" value=${x.label} onInput=${(e: Event) => set({ label: (e.target as HTMLInputElement).value })} /></div>
      <div class="field grow"><${AccountPicker} id="x-account" label="Compte de charge" value=${x.account} accounts=${charges} usage=${usage}
        hint=${usual && usualLabel ? `Compte habituel de ce fournisseur : ${usualLabel} (${usual}).` : "Ce que l'association a acheté : honoraires, fournitures, frais bancaires…"}
        onChange=${(n: string) => set({ account: n, accountChosen: !!n })} /></div>
      <div class="field"><label for="x-amount">Montant TTC (€)</label><input id="x-amount" class="num" inputmode="decimal" value=${x.amount} aria-invalid=${x.amount && cents === null ? "true" : undefined} onInput=${(e: Event) => set({ amount: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="x-grant">Subvention concernée</label><select id="x-grant" value=${x.grantId} onChange=${(e: Event) => set({ grantId: (e.target as HTMLSelectElement).value })}>
        <option value="">aucune</option>${grants.data?.items.map((g) => html`<option value=${g.id}>${g.funderName} — ${g.title}</option>`)}</select></div>
    </div>
    <div class=${`dropzone${dragging ? " over" : ""}${file ? " has-file" : ""}`} data-testid="invoice-drop"
      onDragOver=${(e: DragEvent) => (e.preventDefault(), setDragging(true))}
      onDragLeave=${() => setDragging(false)}
      onDrop=${(e: DragEvent) => (e.preventDefault(), setDragging(false), pick(e.dataTransfer?.files))}>
      <span class="dropzone-title">Facture (PDF ou photo)</span>
      <label class="file-pick secondary">${file ? "Choisir un autre fichier" : "Choisir un fichier ou prendre une photo"}
        <input id="x-file" class="sr-only" type="file" accept="image/*,application/pdf" capture="environment" aria-describedby="x-file-hint"
          onChange=${(e: Event) => pick((e.target as HTMLInputElement).files)} /></label>
      <small id="x-file-hint" class="hint">${
        file
          ? html`<strong>${file.name}</strong> (${size(file.size)}) — envoyée avec la dépense. <button type="button" class="link" onClick=${() => setFile(undefined)}>Retirer le fichier</button>`
          : "Déposez le fichier ici, choisissez-le, ou prenez la facture en photo avec le téléphone. 10 Mo au plus."
      }</small>
      ${badFile ? html`<p class="alert error" role="alert">${badFile}</p>` : null}
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
    ${
      same.length && !created
        ? html`<div class="alert warn" role="alert" data-testid="duplicate">
          <strong>Cette facture semble déjà enregistrée.</strong>
          ${same.map((e) => html`<p>Le ${formatDate(e.date)}, ${e.supplier}, ${formatEuros(e.amount)} : « ${e.label} » (facture n° ${e.pieceRef}).</p>`)}
          <label class="radio"><input type="checkbox" checked=${sameOk} onChange=${(e: Event) => setSameOk((e.target as HTMLInputElement).checked)} /> C'est une autre facture : l'enregistrer quand même</label>
        </div>`
        : null
    }
    <div class="form-actions">
      <${ActionButton} disabled=${!ready} busy=${file ? "Enregistrement et envoi de la facture…" : "Enregistrement…"} onClick=${submit}>${created ? "Envoyer la facture" : "Enregistrer la dépense"}<//>
      <button type="button" class="secondary" onClick=${() => (clearDraft(), setFile(undefined), setCreated(undefined), setError(undefined), setOpen(false))}>Annuler</button>
    </div>
    ${created ? html`<p class="hint" role="status">La dépense est enregistrée ; il reste à envoyer la facture.</p>` : null}
    <${ProblemView} error=${error} onRetry=${submit} />
  </form>`;
}
