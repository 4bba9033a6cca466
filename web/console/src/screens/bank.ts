/**
 * The bank: statement import (CAMT.053, OFX, CSV), the lines to reconcile (create an entry from a
 * rule), the proposals to accept or reject, and the état de rapprochement at a date (and its PDF).
 * `#/banque/lignes/corriger/<entryId>` opens the correction of the line a rule entry (or its
 * correction) was written for: the ledger's « Corriger » on a bank entry.
 */
import { useEffect, useState } from "preact/hooks";
import { api, download, get, keyKeeper, newKey } from "../api.js";
import { formatDate, formatEuros, parisToday, parseEuros } from "../money.js";
import { ActionButton, can, confirmDialog, html, Loading, Money, MoreButton, Page, ProblemView, Success, Tabs, useLoad, usePaged } from "../ui.js";

interface BankAccount {
  iban: string;
  account: string;
  label: string;
}
interface BankLine {
  id: string;
  account: string;
  date: string;
  amount: number;
  label: string;
  counterparty?: string;
  reference?: string;
  status: "unmatched" | "matched";
  matchId?: string;
  ruleCorrections?: { date: string; reason: string; from: { account: string }; to: { account: string; aux?: { label: string } }; at: string; by: string }[];
}
/**
 * The line a rule entry was written for, from the entry's id (a correction's id is its original's
 * and `-cN`): the entry gives its date and bank account, the line's lettrage holds the entry.
 */
async function lineOfRuleEntry(entryId: string): Promise<BankLine | undefined> {
  const base = entryId.replace(/-c\d+$/, "");
  const entry = await get<{ date: string; lines: { account: string }[] }>(`/v1/ledger/entries/${encodeURIComponent(base)}`);
  const banks = new Set((await get<{ items: BankAccount[] }>("/v1/bank/accounts")).items.map((a) => a.account));
  const account = entry.lines.find((l) => banks.has(l.account))?.account;
  if (!account) return undefined;
  const page = await get<{ items: BankLine[] }>("/v1/bank/lines", { status: "matched", account, from: entry.date, to: entry.date, limit: 500 });
  for (const l of page.items.filter(ruleEntry)) {
    const one = await get<BankLine & { match: { entryIds: string[] } | null }>(`/v1/bank/lines/${encodeURIComponent(l.id)}`);
    if (one.match?.entryIds.includes(base)) return l;
  }
  return undefined;
}

/** A line lettered with the entry a rule wrote for it (bank fees, a supplier…): corrected in the bank. */
const ruleEntry = (l: BankLine) => l.status === "matched" && !!l.matchId?.startsWith("m_rule_");
interface Proposal {
  lineIds: string[];
  entryIds: string[];
  amount: number;
  score: number;
  kind: string;
  reason: string;
  lines: { id: string; date: string; amount: number; label: string }[];
  entries: { entryId: string; date: string; amount: number; label: string; pieceRef: string; ref: string | null }[];
}

const PRESETS: Record<string, string> = {
  "": "Détection automatique",
  "credit-agricole": "Crédit Agricole",
  "societe-generale": "Société Générale",
  "bnp-paribas": "BNP Paribas",
  "bnp-paribas-sans-entete": "BNP Paribas (sans en-tête)",
  "caisse-epargne": "Caisse d'Épargne",
  boursorama: "Boursorama",
  fortuneo: "Fortuneo",
  lcl: "LCL",
  qonto: "Qonto",
  shine: "Shine",
  "credit-mutuel": "Crédit Mutuel / CIC",
  "banque-postale": "La Banque Postale",
  generic: "Autre banque (colonnes Date, Libellé, Montant)",
};
const RULES: Record<string, string> = {
  bank_fees: "Frais bancaires (627)",
  interest: "Intérêts (768)",
  supplier: "Fournisseur (401)",
  account: "Autre compte",
};

/**
 * Statement files go up as bytes: sent as text/csv, a Windows-1252 export would reach the API as
 * altered UTF-8 text; as application/octet-stream every bank's export arrives as it was saved.
 */
const STATEMENT_CONTENT_TYPE = "application/octet-stream";

export function Bank({ sub }: { sub: string }) {
  const accounts = useLoad(() => get<{ items: BankAccount[] }>("/v1/bank/accounts"), []);
  const [account, setAccount] = useState("512");
  const tabs = [
    { id: "lignes", label: "Relevés et lignes", href: "#/banque/lignes" },
    { id: "propositions", label: "Rapprochement", href: "#/banque/propositions", show: can("reconcileBank") },
    { id: "etat", label: "État de rapprochement", href: "#/banque/etat", show: can("bankReconciliation") },
    { id: "stripe", label: "Stripe", href: "#/banque/stripe", show: can("stripeBalance") },
  ].filter((t) => t.show !== false);
  const [tab, head, linkId] = sub.split("/");
  const linkedEntry = tab === "lignes" && head === "corriger" && linkId ? decodeURIComponent(linkId) : undefined;
  const linked = useLoad(() => (linkedEntry ? lineOfRuleEntry(linkedEntry) : Promise.resolve(undefined)), [linkedEntry]);
  useEffect(() => {
    if (linked.data) setAccount(linked.data.account);
  }, [linked.data]);
  const current = tabs.find((t) => t.id === tab)?.id ?? "lignes";
  const title = { lignes: "Relevés et lignes bancaires", propositions: "Rapprochement bancaire", etat: "État de rapprochement", stripe: "Fonds chez Stripe" }[
    current
  ]!;
  return html`<${Page} title=${title} actions=${
    current === "stripe"
      ? null
      : html`<div class="field inline"><label for="bank-account">Compte</label>
      <select id="bank-account" value=${account} onChange=${(e: Event) => setAccount((e.target as HTMLSelectElement).value)}>
        ${(accounts.data?.items ?? [{ iban: "", account: "512", label: "Banque" }]).map((a) => html`<option value=${a.account}>${a.account} — ${a.label}</option>`)}
      </select></div>`
  }>
    <${Tabs} label="Banque" items=${tabs} current=${current} />
    <${ProblemView} error=${accounts.error ?? linked.error} />
    ${linkedEntry && !linked.loading && !linked.error && !linked.data ? html`<p class="hint">La ligne de relevé de cette écriture est introuvable : cherchez-la parmi les lignes rapprochées.</p>` : null}
    ${current === "lignes" ? html`<${Lines} key=${linked.data?.account === account ? linked.data.id : ""} account=${account} linked=${linked.data?.account === account ? linked.data : undefined} />` : null}
    ${current === "propositions" ? html`<${Proposals} account=${account} />` : null}
    ${current === "etat" ? html`<${Statement} account=${account} />` : null}
    ${current === "stripe" ? html`<${StripeBalance} />` : null}
  <//>`;
}

function Import({ account, onDone }: { account: string; onDone: () => void }) {
  const [file, setFile] = useState<File>();
  const [preset, setPreset] = useState("");
  const [result, setResult] = useState<{
    imported: number;
    duplicates: number;
    statements: { from: string; to: string; closing: number | null; balanceChecked: boolean }[];
    skipped?: { message: string }[];
  }>();
  const [error, setError] = useState<unknown>();
  const [keys] = useState(keyKeeper);
  const csv = file && /\.csv$/i.test(file.name);
  return html`<form class="card" onSubmit=${(e: Event) => e.preventDefault()}>
    <h2>Importer un relevé</h2>
    <div class="row">
      <div class="field grow"><label for="statement-file">Fichier de relevé (CAMT.053, OFX ou CSV)</label>
        <input id="statement-file" type="file" accept=".xml,.ofx,.ofc,.csv,.txt,application/xml,text/csv" onChange=${(e: Event) => (setFile((e.target as HTMLInputElement).files?.[0]), setResult(undefined))} /></div>
      ${
        csv
          ? html`<div class="field"><label for="statement-preset">Présentation du CSV</label>
            <select id="statement-preset" value=${preset} onChange=${(e: Event) => setPreset((e.target as HTMLSelectElement).value)}>
              ${Object.entries(PRESETS).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
            </select></div>`
          : null
      }
      <${ActionButton} disabled=${!file} busy="Import…" onClick=${async () => {
        setError(undefined);
        setResult(undefined);
        try {
          const out = await api<typeof result>("POST", `/v1/bank/statements?${new URLSearchParams({ account, ...(csv && preset ? { preset } : {}) })}`, {
            raw: file!,
            contentType: STATEMENT_CONTENT_TYPE,
            idempotencyKey: keys.for({ name: file!.name, size: file!.size, modified: file!.lastModified, account, preset }),
          });
          setResult(out);
          keys.reset();
          onDone();
        } catch (err) {
          setError(err);
        }
      }}>Importer le relevé<//>
    </div>
    <${ProblemView} error=${error} />
    ${
      result
        ? html`<${Success}>${result.imported} ligne(s) importée(s), ${result.duplicates} déjà présente(s).
          ${result.statements.map((s) => html` Relevé du ${formatDate(s.from)} au ${formatDate(s.to)}${s.closing !== null ? html`, solde final ${formatEuros(s.closing)}${s.balanceChecked ? " (soldes vérifiés)" : ""}` : null}.`)}
          ${result.skipped?.length ? html`<ul class="skipped">${result.skipped.map((k) => html`<li>${k.message}</li>`)}</ul>` : null}<//>`
        : null
    }
  </form>`;
}

function Lines({ account, linked }: { account: string; linked?: BankLine }) {
  const [status, setStatus] = useState(linked ? "matched" : "unmatched");
  const lines = usePaged<BankLine>("/v1/bank/lines", { status: status || undefined, account, limit: 200 }, [status, account]);
  const [creating, setCreating] = useState<string>();
  const [searching, setSearching] = useState<string>();
  const [fixing, setFixing] = useState<string | undefined>(linked?.id);
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<unknown>();
  const unmatch = async (l: BankLine) => {
    setError(undefined);
    setDone(undefined);
    const ok = await confirmDialog({
      title: "Défaire le rapprochement ?",
      body: html`<p>La ligne « ${l.label} » (${formatEuros(l.amount)}) et les écritures rapprochées avec elle redeviennent à rapprocher. Les écritures restent au journal.</p>`,
      confirm: "Défaire",
    });
    if (!ok) return;
    try {
      await api("DELETE", `/v1/bank/lines/${encodeURIComponent(l.id)}/match`);
      setDone(`Rapprochement de « ${l.label} » défait.`);
      lines.reload();
    } catch (err) {
      setError(err);
    }
  };
  return html`${can("importStatement") ? html`<${Import} account=${account} onDone=${lines.reload} />` : null}
    <div class="toolbar"><div class="field inline"><label for="line-status">Lignes</label>
      <select id="line-status" value=${status} onChange=${(e: Event) => setStatus((e.target as HTMLSelectElement).value)}>
        <option value="unmatched">à rapprocher</option><option value="matched">rapprochées</option><option value="">toutes</option>
      </select></div></div>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error ?? lines.error} />
    ${
      // The linked line beyond the lines listed: its correction on its own.
      linked && fixing === linked.id && lines.first && !lines.items.some((l) => l.id === linked.id)
        ? html`<section class="card" aria-label=${`Corriger l'écriture de ${linked.label}`}><h2>${linked.label} (${formatDate(linked.date)}, ${formatEuros(linked.amount)})</h2>
          <${RuleCorrection} line=${linked} onDone=${(msg: string) => (setFixing(undefined), setDone(msg), lines.reload())} /></section>`
        : null
    }
    ${
      lines.first
        ? html`<table>
          <caption class="sr-only">Lignes bancaires</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">Libellé</th><th scope="col" class="num">Montant</th><th scope="col">Statut</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            ${lines.items.length === 0 ? html`<tr><td colspan="5">Aucune ligne.</td></tr>` : null}
            ${lines.items.map(
              (l) => html`<tr data-line=${l.id}>
              <td>${formatDate(l.date)}</td><td>${l.label}${l.counterparty ? html`<br /><small>${l.counterparty}</small>` : null}</td>
              <td class="num"><${Money} cents=${l.amount} signed /></td>
              <td>${l.status === "matched" ? html`<span class="tag active">rapprochée</span>` : html`<span class="tag">à rapprocher</span>`}</td>
              <td class="row-actions">${
                l.status === "unmatched" && can("matchBankLine")
                  ? html`<button type="button" class="secondary small" aria-expanded=${searching === l.id} onClick=${() => (setSearching(searching === l.id ? undefined : l.id), setCreating(undefined))}>Rechercher une écriture<span class="sr-only"> pour ${l.label}</span></button> `
                  : null
              }${
                l.status === "unmatched" && can("createBankLineEntry")
                  ? html`<button type="button" class="secondary small" aria-expanded=${creating === l.id} onClick=${() => (setCreating(creating === l.id ? undefined : l.id), setSearching(undefined))}>Créer l'écriture<span class="sr-only"> pour ${l.label}</span></button>`
                  : l.status === "matched" && can("unmatchBankLine")
                    ? html`${
                        ruleEntry(l) && can("correctBankLineEntry")
                          ? html`<button type="button" class="secondary small" aria-expanded=${fixing === l.id} onClick=${() => setFixing(fixing === l.id ? undefined : l.id)}>Corriger<span class="sr-only"> l'écriture de ${l.label}</span></button> `
                          : null
                      }<button type="button" class="link" onClick=${() => unmatch(l)}>Défaire<span class="sr-only"> le rapprochement de ${l.label}</span></button>`
                    : null
              }</td></tr>
              ${searching === l.id ? html`<tr class="lines"><td colspan="5"><${ManualMatch} line=${l} onDone=${(msg: string) => (setSearching(undefined), setDone(msg), lines.reload())} /></td></tr>` : null}
              ${creating === l.id ? html`<tr class="lines"><td colspan="5"><${RuleForm} line=${l} onDone=${(msg: string) => (setCreating(undefined), setDone(msg), lines.reload())} /></td></tr>` : null}
              ${fixing === l.id ? html`<tr class="lines"><td colspan="5"><${RuleCorrection} line=${l} onDone=${(msg: string) => (setFixing(undefined), setDone(msg), lines.reload())} /></td></tr>` : null}`,
            )}
          </tbody>
        </table><${MoreButton} paged=${lines} what="lignes" />`
        : html`<${Loading} />`
    }`;
}

interface Candidate {
  entryId: string;
  date: string;
  label: string;
  pieceRef: string;
  ref: string | null;
  amount: number;
  accounts: string[];
}

/** A line matched by hand: search the entries not lettered yet, tick one or several, match. */
function ManualMatch({ line, onDone }: { line: BankLine; onDone: (msg: string) => void }) {
  const [amount, setAmount] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [q, setQ] = useState("");
  const [account, setAccount] = useState("");
  const [found, setFound] = useState<Candidate[]>();
  const [ticked, setTicked] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [keys] = useState(keyKeeper);
  const id = `search-${line.id}`;
  const search = async () => {
    setError(undefined);
    const cents = amount ? parseEuros(amount.replace(/^-/, "")) : null;
    if (amount && cents === null) return setError(new Error("Montant illisible : écrivez par exemple 45,00."));
    try {
      const out = await get<{ items: Candidate[] }>(`/v1/bank/lines/${encodeURIComponent(line.id)}/candidates`, {
        ...(cents !== null ? { amount: String(line.amount < 0 ? -cents : cents) } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(q ? { q } : {}),
        ...(account ? { account } : {}),
      });
      setFound(out.items);
      setTicked([]);
    } catch (err) {
      setError(err);
    }
  };
  const total = (found ?? []).filter((c) => ticked.includes(c.entryId)).reduce((sum, c) => sum + c.amount, 0);
  return html`<form class="manual-match" aria-label=${`Rechercher une écriture pour ${line.label}`} onSubmit=${(e: Event) => (e.preventDefault(), search())}>
    <div class="row">
      <div class="field"><label for=${`${id}-amount`}>Montant (€)</label><input id=${`${id}-amount`} inputmode="decimal" value=${amount} onInput=${(e: Event) => setAmount((e.target as HTMLInputElement).value.trim())} /></div>
      <div class="field"><label for=${`${id}-from`}>Du</label><input id=${`${id}-from`} type="date" value=${from} onChange=${(e: Event) => setFrom((e.target as HTMLInputElement).value)} /></div>
      <div class="field"><label for=${`${id}-to`}>Au</label><input id=${`${id}-to`} type="date" value=${to} onChange=${(e: Event) => setTo((e.target as HTMLInputElement).value)} /></div>
      <div class="field grow"><label for=${`${id}-q`}>Libellé ou pièce</label><input id=${`${id}-q`} value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} /></div>
      <div class="field"><label for=${`${id}-account`}>Compte de contrepartie</label><input id=${`${id}-account`} inputmode="numeric" value=${account} onInput=${(e: Event) => setAccount((e.target as HTMLInputElement).value.trim())} /></div>
      <${ActionButton} className="secondary" busy="Recherche…" onClick=${search}>Rechercher<//>
    </div>
    <p class="hint">Sans dates, la recherche porte sur les 30 jours avant et après la ligne (${formatDate(line.date)}).</p>
    <${ProblemView} error=${error} />
    ${
      found
        ? found.length
          ? html`<table>
            <caption class="sr-only">Écritures non rapprochées</caption>
            <thead><tr><th scope="col"><span class="sr-only">Choisir</span></th><th scope="col">Date</th><th scope="col">Pièce</th><th scope="col">Libellé</th><th scope="col">Contrepartie</th><th scope="col" class="num">Montant</th></tr></thead>
            <tbody>${found.map(
              (c) => html`<tr data-candidate=${c.entryId}>
                <td><input type="checkbox" id=${`${id}-${c.entryId}`} checked=${ticked.includes(c.entryId)} onChange=${(e: Event) =>
                  setTicked(
                    (e.target as HTMLInputElement).checked ? [...ticked, c.entryId] : ticked.filter((x) => x !== c.entryId),
                  )} aria-label=${`Choisir ${c.label}`} /></td>
                <td>${formatDate(c.date)}</td><td>${c.ref ?? ""} ${c.pieceRef}</td><td>${c.label}</td><td>${c.accounts.join(", ")}</td>
                <td class="num"><${Money} cents=${c.amount} signed /></td></tr>`,
            )}</tbody>
          </table>
          <p>Sélection : <${Money} cents=${total} signed /> pour une ligne de <${Money} cents=${line.amount} signed />${ticked.length && total !== line.amount ? " : les montants doivent être égaux." : "."}</p>
          <${ActionButton} disabled=${!ticked.length || total !== line.amount} busy="Rapprochement…" onClick=${async () => {
            setError(undefined);
            try {
              const body = { entryIds: ticked };
              await api("POST", `/v1/bank/lines/${encodeURIComponent(line.id)}/match`, { body, idempotencyKey: keys.for({ line: line.id, ...body }) });
              onDone(`Ligne « ${line.label} » rapprochée de ${ticked.length} écriture(s).`);
            } catch (err) {
              setError(err);
            }
          }}>Rapprocher<//>`
          : html`<p>Aucune écriture non rapprochée ne correspond.</p>`
        : null
    }
  </form>`;
}

function RuleForm({ line, onDone }: { line: BankLine; onDone: (msg: string) => void }) {
  const [rule, setRule] = useState(line.amount < 0 ? "bank_fees" : "account");
  const [account, setAccount] = useState("");
  const [supplier, setSupplier] = useState(line.counterparty ?? "");
  const [error, setError] = useState<unknown>();
  const [keys] = useState(keyKeeper);
  const id = `rule-${line.id}`;
  return html`<div class="row">
    <div class="field"><label for=${`${id}-rule`}>Règle</label>
      <select id=${`${id}-rule`} value=${rule} onChange=${(e: Event) => setRule((e.target as HTMLSelectElement).value)}>
        ${Object.entries(RULES).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
      </select></div>
    ${rule === "account" ? html`<div class="field"><label for=${`${id}-account`}>Compte de contrepartie</label><input id=${`${id}-account`} inputmode="numeric" value=${account} onInput=${(e: Event) => setAccount((e.target as HTMLInputElement).value.trim())} /></div>` : null}
    ${rule === "supplier" ? html`<div class="field"><label for=${`${id}-supplier`}>Fournisseur</label><input id=${`${id}-supplier`} value=${supplier} onInput=${(e: Event) => setSupplier((e.target as HTMLInputElement).value)} /></div>` : null}
    <${ActionButton} busy="Création…" onClick=${async () => {
      setError(undefined);
      const body = { rule, ...(rule === "account" ? { account } : {}), ...(rule === "supplier" ? { supplier } : {}) };
      const ok = await confirmDialog({
        title: "Créer l'écriture et rapprocher",
        body: html`<p>Une écriture de ${formatEuros(Math.abs(line.amount))} (${RULES[rule]}${rule === "account" && account ? ` ${account}` : ""}${
          rule === "supplier" && supplier ? ` : ${supplier}` : ""
        }) sera passée au journal de banque le ${formatDate(line.date)} et rapprochée de la ligne « ${line.label} ».${rule === "supplier" ? " Une dépense de ce fournisseur encore à régler de ce montant sera soldée." : ""}</p>
          <p>Une écriture passée ne s'efface pas : elle ne pourra être corrigée que par une autre écriture (« Corriger »).</p>`,
        confirm: "Créer",
      });
      if (!ok) return;
      try {
        const out = await api<{ entry: { ref: string | null } }>("POST", `/v1/bank/lines/${encodeURIComponent(line.id)}/entry`, {
          body,
          idempotencyKey: keys.for(body),
        });
        onDone(`Écriture ${out.entry.ref ?? ""} créée et rapprochée de la ligne « ${line.label} ».`);
      } catch (err) {
        setError(err);
      }
    }}>Créer et rapprocher<//>
    <${ProblemView} error=${error} />
  </div>`;
}

/** The rule entry of a matched line, corrected: the right counterpart; the bank side and the lettrage stay. */
function RuleCorrection({ line, onDone }: { line: BankLine; onDone: (msg: string) => void }) {
  const [rule, setRule] = useState("account");
  const [account, setAccount] = useState("");
  const [supplier, setSupplier] = useState(line.counterparty ?? "");
  const [date, setDate] = useState(parisToday());
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>();
  const [keys] = useState(keyKeeper);
  const id = `fixrule-${line.id}`;
  const ready = !!reason.trim() && (rule !== "account" || !!account) && (rule !== "supplier" || !!supplier.trim());
  return html`<div class="rule-fix" role="group" aria-label=${`Corriger l'écriture de ${line.label}`}>
    ${
      line.ruleCorrections?.length
        ? html`<ol class="history">${line.ruleCorrections.map(
            (c) => html`<li>Corrigée le ${formatDate(c.date)} : de ${c.from.account} à ${c.to.aux?.label ?? c.to.account} — « ${c.reason} »</li>`,
          )}</ol>`
        : null
    }
    <div class="row">
      <div class="field"><label for=${`${id}-rule`}>Bonne règle</label>
        <select id=${`${id}-rule`} value=${rule} onChange=${(e: Event) => setRule((e.target as HTMLSelectElement).value)}>
          ${Object.entries(RULES).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
        </select></div>
      ${rule === "account" ? html`<div class="field"><label for=${`${id}-account`}>Bon compte</label><input id=${`${id}-account`} inputmode="numeric" value=${account} onInput=${(e: Event) => setAccount((e.target as HTMLInputElement).value.trim())} /></div>` : null}
      ${rule === "supplier" ? html`<div class="field"><label for=${`${id}-supplier`}>Fournisseur</label><input id=${`${id}-supplier`} value=${supplier} onInput=${(e: Event) => setSupplier((e.target as HTMLInputElement).value)} /></div>` : null}
      <div class="field"><label for=${`${id}-date`}>Date</label><input id=${`${id}-date`} type="date" value=${date} onInput=${(e: Event) => setDate((e.target as HTMLInputElement).value)} /></div>
      <div class="field grow"><label for=${`${id}-reason`}>Motif</label><input id=${`${id}-reason`} value=${reason} onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} /></div>
      <${ActionButton} disabled=${!ready} busy="Enregistrement…" onClick=${async () => {
        setError(undefined);
        const body = {
          rule,
          date,
          reason: reason.trim(),
          ...(rule === "account" ? { account } : {}),
          ...(rule === "supplier" ? { supplier: supplier.trim() } : {}),
        };
        const ok = await confirmDialog({
          title: "Corriger l'écriture",
          body: html`<p>Une écriture d'opérations diverses portera ${formatEuros(Math.abs(line.amount))} sur ${RULES[rule]}${rule === "account" ? ` ${account}` : rule === "supplier" ? ` : ${supplier.trim()}` : ""}, datée du ${formatDate(date)}. La ligne reste rapprochée.</p>
            <p>Une écriture passée ne s'efface pas : l'écriture d'origine reste au journal.</p>`,
          confirm: "Confirmer",
        });
        if (!ok) return;
        try {
          const out = await api<{ entry: { ref: string | null } }>("POST", `/v1/bank/lines/${encodeURIComponent(line.id)}/entry/corrections`, {
            body,
            idempotencyKey: keys.for(body),
          });
          onDone(`Écriture de la ligne « ${line.label} » corrigée (${out.entry.ref ?? ""}).`);
        } catch (err) {
          setError(err);
        }
      }}>Corriger l'écriture<//>
    </div>
    <${ProblemView} error=${error} />
  </div>`;
}

function Proposals({ account }: { account: string }) {
  const [proposals, setProposals] = useState<Proposal[]>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const run = async () => {
    setError(undefined);
    setDone(undefined);
    try {
      const out = await api<{ proposals: Proposal[] }>("POST", "/v1/bank/reconcile", { body: { account, apply: false }, idempotencyKey: newKey() });
      setProposals(out.proposals);
    } catch (err) {
      setError(err);
    }
  };
  const accept = async (p: Proposal) => {
    setError(undefined);
    try {
      const [first, ...rest] = p.lineIds;
      await api("POST", `/v1/bank/lines/${encodeURIComponent(first!)}/match`, {
        body: { entryIds: p.entryIds, ...(rest.length ? { lineIds: rest } : {}) },
        idempotencyKey: `match-${p.lineIds.join("-")}`,
      });
      setDone(`Rapprochement accepté : ${p.lines.map((l) => l.label).join(", ")} (${formatEuros(p.amount)}).`);
      setProposals(proposals?.filter((x) => x !== p));
    } catch (err) {
      setError(err);
    }
  };
  const reject = async (p: Proposal) => {
    setError(undefined);
    try {
      for (const lineId of p.lineIds)
        await api("POST", `/v1/bank/lines/${encodeURIComponent(lineId)}/rejections`, {
          body: { entryIds: p.entryIds },
          idempotencyKey: `reject-${lineId}-${p.entryIds.join("-")}`,
        });
      setDone(`Proposition rejetée : elle ne sera plus proposée pour ${p.lines.map((l) => `« ${l.label} »`).join(", ")}.`);
      setProposals(proposals?.filter((x) => x !== p));
    } catch (err) {
      setError(err);
    }
  };
  return html`<div class="toolbar"><${ActionButton} busy="Recherche…" onClick=${run}>Proposer des rapprochements<//></div>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error} />
    ${proposals && proposals.length === 0 ? html`<p>Aucune proposition : les lignes restantes se rapprochent à la main (Relevés et lignes).</p>` : null}
    ${proposals?.map(
      (p, i) => html`<section class="card proposal" aria-labelledby=${`prop-${i}`} data-proposal=${i}>
      <h2 id=${`prop-${i}`}>${formatEuros(p.amount)} · confiance ${Math.round(p.score * 100)} %</h2>
      <p class="hint">${p.reason}</p>
      <div class="grid2">
        <div><h3>Banque</h3><ul class="plain">${p.lines.map((l) => html`<li>${formatDate(l.date)} · ${l.label} · <${Money} cents=${l.amount} signed /></li>`)}</ul></div>
        <div><h3>Comptabilité</h3><ul class="plain">${p.entries.map((e) => html`<li>${formatDate(e.date)} · ${e.ref ?? ""} ${e.label} · <${Money} cents=${e.amount} signed /></li>`)}</ul></div>
      </div>
      ${
        can("matchBankLine")
          ? html`<div class="dialog-actions"><${ActionButton} className="secondary" onClick=${() => reject(p)} ariaLabel=${`Rejeter la proposition ${i + 1}`}>Rejeter<//>
            <${ActionButton} onClick=${() => accept(p)} ariaLabel=${`Accepter la proposition ${i + 1}`}>Accepter<//></div>`
          : null
      }
    </section>`,
    )}`;
}

function Statement({ account }: { account: string }) {
  const [date, setDate] = useState(parisToday());
  const state = useLoad(
    () =>
      get<{
        accountLabel: string;
        bankBalance: number | null;
        ledgerBalance: number;
        unmatchedBank: { count: number; total: number; items: { id: string; date: string; amount: number; label: string }[] };
        unmatchedBooks: { count: number; total: number; items: { id: string; date: string; amount: number; label: string; ref?: string | null }[] };
        adjustedBank: number | null;
        adjustedBooks: number;
        difference: number | null;
        afterLastStatement: boolean;
        lastStatementEnd: string | null;
        warnings: string[];
      }>("/v1/bank/reconciliation", { account, date }),
    [account, date],
  );
  const [error, setError] = useState<unknown>();
  const s = state.data;
  return html`<div class="toolbar">
      <div class="field inline"><label for="rec-date">Au</label><input id="rec-date" type="date" value=${date} onChange=${(e: Event) => setDate((e.target as HTMLInputElement).value)} /></div>
      <${ActionButton} className="secondary" busy="Préparation…" onClick=${async () => {
        setError(undefined);
        try {
          await download("/v1/bank/reconciliation.pdf", { account, date }, `rapprochement-${account}-${date}.pdf`);
        } catch (err) {
          setError(err);
        }
      }}>Télécharger l'état (PDF)<//>
    </div>
    <${ProblemView} error=${error ?? state.error} />
    ${
      s
        ? html`${s.warnings.map((w) => html`<div class="alert warn" role="status">${w}</div>`)}
        <table class="statement">
          <caption>État de rapprochement du compte ${account} ${s.accountLabel} au ${formatDate(date)}</caption>
          <tbody>
            <tr><th scope="row">${s.afterLastStatement && s.lastStatementEnd ? `Solde du dernier relevé (au ${formatDate(s.lastStatementEnd)})` : "Solde du relevé bancaire"}</th><td class="num" data-testid="rec-bank"><${Money} cents=${s.bankBalance} signed /></td><th scope="row">Solde comptable</th><td class="num" data-testid="rec-books"><${Money} cents=${s.ledgerBalance} signed /></td></tr>
            <tr><th scope="row">Moins les lignes bancaires non comptabilisées (${s.unmatchedBank.count})</th><td class="num" data-testid="rec-bank-items"><${Money} cents=${-s.unmatchedBank.total} signed /></td><th scope="row">Moins les écritures non encore passées en banque (${s.unmatchedBooks.count})</th><td class="num" data-testid="rec-books-items"><${Money} cents=${-s.unmatchedBooks.total} signed /></td></tr>
            <tr><th scope="row">Solde bancaire rectifié</th><td class="num" data-testid="rec-bank-adjusted"><${Money} cents=${s.adjustedBank} signed /></td><th scope="row">Solde comptable rectifié</th><td class="num" data-testid="rec-books-adjusted"><${Money} cents=${s.adjustedBooks} signed /></td></tr>
          </tbody>
          <tfoot><tr><th scope="row" colspan="3">Écart</th><td class="num" data-testid="rec-difference">${s.difference === null ? "inconnu" : html`<${Money} cents=${s.difference} signed />`}</td></tr></tfoot>
        </table>
        <div class="grid2">
          <section class="card"><h2>Lignes bancaires à comptabiliser</h2>
            ${s.unmatchedBank.items.length ? html`<ul class="plain">${s.unmatchedBank.items.map((i) => html`<li>${formatDate(i.date)} · ${i.label} · <${Money} cents=${i.amount} signed /></li>`)}</ul>` : html`<p>Aucune.</p>`}</section>
          <section class="card"><h2>Écritures en attente en banque</h2>
            ${s.unmatchedBooks.items.length ? html`<ul class="plain">${s.unmatchedBooks.items.map((i) => html`<li>${formatDate(i.date)} · ${i.ref ?? ""} ${i.label} · <${Money} cents=${i.amount} signed /></li>`)}</ul>` : html`<p>Aucune.</p>`}</section>
        </div>`
        : html`<${Loading} />`
    }`;
}

interface BalanceTx {
  id: string;
  type: string;
  date: string;
  net: number;
  description: string | null;
}

/** Account 4671 against Stripe's own balance at a date, and booking what Stripe deducted that no webhook books. */
function StripeBalance() {
  const [date, setDate] = useState(parisToday());
  const state = useLoad(
    () => get<{ ledger: number; stripe: number; difference: number; toBook: BalanceTx[]; awaitingWebhook: BalanceTx[] }>("/v1/bank/stripe-balance", { date }),
    [date],
  );
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [keys] = useState(keyKeeper);
  const s = state.data;
  const list = (items: BalanceTx[]) =>
    items.length
      ? html`<ul class="plain">${items.map((t) => html`<li>${formatDate(t.date)} · ${t.description ?? t.type} · <${Money} cents=${t.net} signed /></li>`)}</ul>`
      : html`<p>Aucun.</p>`;
  return html`<div class="toolbar">
      <div class="field inline"><label for="stripe-date">Au</label><input id="stripe-date" type="date" value=${date} onChange=${(e: Event) => setDate((e.target as HTMLInputElement).value)} /></div>
      ${
        can("bookStripeDeductions") && s?.toBook.length
          ? html`<${ActionButton} busy="Comptabilisation…" onClick=${async () => {
              setError(undefined);
              setDone(undefined);
              try {
                const out = await api<{ booked: unknown[] }>("POST", "/v1/bank/stripe-balance/book", {
                  body: { date },
                  idempotencyKey: keys.for({ date, n: s.toBook.length }),
                });
                setDone(`${out.booked.length} prélèvement(s) Stripe comptabilisé(s).`);
                keys.reset();
                state.reload();
              } catch (err) {
                setError(err);
              }
            }}>Comptabiliser les prélèvements Stripe<//>`
          : null
      }
    </div>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error ?? state.error} />
    ${
      s
        ? html`<table class="statement"><caption>Compte 4671 (fonds Stripe en transit) au ${formatDate(date)}</caption>
          <tbody>
            <tr><th scope="row">Solde comptable (4671)</th><td class="num"><${Money} cents=${s.ledger} signed /></td></tr>
            <tr><th scope="row">Solde chez Stripe</th><td class="num"><${Money} cents=${s.stripe} signed /></td></tr>
          </tbody>
          <tfoot><tr><th scope="row">Écart</th><td class="num" data-testid="stripe-difference"><${Money} cents=${s.difference} signed /></td></tr></tfoot>
        </table>
        <div class="grid2">
          <section class="card"><h2>Prélevé par Stripe, à comptabiliser</h2>${list(s.toBook)}</section>
          <section class="card"><h2>En attente de l'avis de Stripe</h2>${list(s.awaitingWebhook)}</section>
        </div>`
        : html`<${Loading} />`
    }`;
}
