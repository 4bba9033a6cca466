/**
 * The year end as a guided screen (#/comptabilite/cloture/<year>): choose the year (any open one, not
 * a future one), read its closing checklist, fix each blocking point where the link leads or accept
 * each warning with a comment, then close. A closed year shows its checklist as signed and the
 * procès-verbal de clôture; its result is allocated as the general assembly decided.
 */
import { useState } from "preact/hooks";
import { api, download, get } from "../api.js";
import { formatDate, formatEuros, parseEuros } from "../money.js";
import { ActionButton, can, confirmDialog, currentFiscalYear, html, Loading, ProblemView, Success, useLoad } from "../ui.js";

export interface ChecklistItem {
  id: string;
  status: "ok" | "warning" | "blocking";
  title: string;
  detail: string;
  figures?: Record<string, number | string>;
  fix?: { screen: string; label: string };
  comment?: string;
}
export interface ClosingChecklist {
  year: number;
  ready: boolean;
  toAcknowledge: string[];
  closed?: { closedAt: string; signedAt: string; signedBy: { sub: string; role: string; name?: string } };
  items: ChecklistItem[];
}
interface YearRow {
  year: number;
  status: string;
  closedAt?: string;
  result?: number;
}

const STATUS: Record<ChecklistItem["status"], { label: string; cls: string }> = {
  ok: { label: "Conforme", cls: "tag active" },
  warning: { label: "À accepter", cls: "tag warn" },
  blocking: { label: "Bloquant", cls: "tag expired" },
};

/** The years a closing may be prepared for: the open ones up to the current one (never a future one), and the closed ones to read. */
export function closableYears(items: YearRow[], current = currentFiscalYear()): YearRow[] {
  return items.filter((y) => y.year <= current && (y.status !== "closed" || y.closedAt));
}

export function Closing({ year: asked }: { year?: number }) {
  const years = useLoad(() => get<{ items: YearRow[] }>("/v1/ledger/years"), []);
  const choices = years.data ? closableYears(years.data.items) : [];
  const firstOpen = choices.find((y) => y.status !== "closed")?.year;
  const year = asked && choices.some((y) => y.year === asked) ? asked : (firstOpen ?? choices[choices.length - 1]?.year);
  const choose = (y: number) => {
    location.hash = `#/comptabilite/cloture/${y}`;
  };
  if (years.error) return html`<${ProblemView} error=${years.error} onRetry=${years.reload} />`;
  if (!years.data) return html`<${Loading} />`;
  return html`<div class="toolbar"><div class="field inline"><label for="closing-year">Exercice</label>
      <select id="closing-year" value=${year ?? ""} onChange=${(e: Event) => choose(Number((e.target as HTMLSelectElement).value))}>
        ${choices.map((y) => html`<option value=${y.year}>${y.year}${y.status === "closed" ? " (clôturé)" : ""}</option>`)}
      </select></div></div>
    ${year === undefined ? html`<p>Aucun exercice à clôturer.</p>` : html`<${YearClosing} key=${year} year=${year} result=${choices.find((y) => y.year === year)?.result} onClosed=${years.reload} />`}`;
}

function YearClosing({ year, result, onClosed }: { year: number; result?: number; onClosed: () => void }) {
  const list = useLoad(() => get<ClosingChecklist>(`/v1/ledger/years/${year}/closing-checklist`), [year]);
  const [comments, setComments] = useState<Record<string, string>>({});
  const [signer, setSigner] = useState("");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  if (list.error) return html`<${ProblemView} error=${list.error} onRetry=${list.reload} />`;
  if (!list.data) return html`<${Loading} what="Vérification de l'exercice" />`;
  const c = list.data;
  const blocking = c.items.filter((i) => i.status === "blocking");
  const missing = c.items.filter((i) => i.status === "warning" && (comments[i.id] ?? "").trim().length < 3);
  const closed = !!c.closed;

  const close = async () => {
    setError(undefined);
    const ok = await confirmDialog({
      title: `Clôturer l'exercice ${year} ?`,
      body: html`<p>Le résultat sera porté en 120 ou 129, les à-nouveaux écrits en ${year + 1}, et <strong>l'exercice ${year} sera verrouillé</strong> : plus aucune écriture ne pourra y être passée. La liste de contrôle sera conservée, signée${signer.trim() ? ` par ${signer.trim()}` : ""}, avec vos commentaires. C'est définitif.</p>`,
      confirm: `Clôturer ${year}`,
      danger: true,
    });
    if (!ok) return;
    try {
      const acknowledged = c.items.filter((i) => i.status === "warning").map((i) => ({ id: i.id, comment: (comments[i.id] ?? "").trim() }));
      const r = await api<{ result: number }>("POST", `/v1/ledger/years/${year}/close`, {
        body: { acknowledged, ...(signer.trim() ? { signer: signer.trim() } : {}) },
        idempotencyKey: `close-${year}-${Date.now()}`,
      });
      setDone(`Exercice ${year} clôturé ; résultat ${r.result >= 0 ? "excédentaire" : "déficitaire"} de ${formatEuros(Math.abs(r.result))}.`);
      list.reload();
      onClosed();
    } catch (err) {
      setError(err);
      list.reload();
    }
  };

  return html`${done ? html`<${Success}>${done}<//>` : null}
    ${
      closed
        ? html`<div class="alert success" role="status">Exercice ${year} clôturé le ${formatDate(c.closed!.closedAt)}, liste de contrôle signée par ${c.closed!.signedBy.name ?? c.closed!.signedBy.sub}.
            <div class="form-actions"><${ActionButton} busy="Préparation…" onClick=${async () => {
              await download(`/v1/ledger/years/${year}/closing-report.pdf`, undefined, `PV-cloture-${year}.pdf`);
            }}>Télécharger le procès-verbal de clôture<//></div></div>`
        : html`<p>${
            blocking.length
              ? `${blocking.length} point${blocking.length > 1 ? "s bloquent" : " bloque"} la clôture : corrigez-les là où le lien mène, puis revenez ici.`
              : missing.length
                ? `Aucun point bloquant. Acceptez chaque réserve par un commentaire (il figurera au procès-verbal), puis clôturez.`
                : "Tout est prêt : vous pouvez clôturer."
          }</p>`
    }
    <ol class="checklist">
      ${c.items.map(
        (i) => html`<li class=${`checklist-item ${i.status}`} id=${`point-${i.id}`}>
          <div class="checklist-head"><span class=${STATUS[i.status].cls}>${STATUS[i.status].label}</span> <strong>${i.title}</strong></div>
          <p>${i.detail}</p>
          ${!closed && i.fix && i.status !== "ok" ? html`<p><a href=${`#/${i.fix.screen}`}>${i.fix.label}</a></p>` : null}
          ${
            closed
              ? i.comment
                ? html`<p><em>Commentaire : ${i.comment}</em></p>`
                : null
              : i.status === "warning" && can("closeYear")
                ? html`<div class="field"><label for=${`ack-${i.id}`}>Commentaire pour accepter ce point</label>
                    <textarea id=${`ack-${i.id}`} rows="2" value=${comments[i.id] ?? ""} onInput=${(e: Event) => setComments({ ...comments, [i.id]: (e.target as HTMLTextAreaElement).value })}></textarea></div>`
                : null
          }
        </li>`,
      )}
    </ol>
    <${ProblemView} error=${error} />
    ${
      !closed && can("closeYear")
        ? html`<div class="field"><label for="closing-signer">Signataire (nom et qualité)</label>
            <input id="closing-signer" value=${signer} placeholder="Marie Dupont, trésorière" onInput=${(e: Event) => setSigner((e.target as HTMLInputElement).value)} /></div>
          <div class="form-actions">
            <button type="button" class="danger" disabled=${blocking.length > 0 || missing.length > 0} onClick=${close}>Clôturer l'exercice ${year}</button>
            <button type="button" class="secondary" onClick=${list.reload}>Vérifier à nouveau</button>
          </div>
          ${
            blocking.length || missing.length
              ? html`<p class="hint">${[
                  blocking.length ? `À corriger : ${blocking.map((i) => i.title).join(", ")}.` : "",
                  missing.length ? `À accepter avec un commentaire : ${missing.map((i) => i.title).join(", ")}.` : "",
                ]
                  .filter(Boolean)
                  .join(" ")}</p>`
              : null
          }`
        : null
    }
    ${closed && can("allocateResult") && result ? html`<${Allocation} year=${year} result=${result} />` : null}`;
}

/** The general assembly's decision: the result moved to report à nouveau and the reserves, in the next year. */
function Allocation({ year, result }: { year: number; result: number }) {
  const report = result >= 0 ? "110" : "119";
  const [date, setDate] = useState("");
  const [toReport, setToReport] = useState("");
  const [toReserves, setToReserves] = useState("");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  return html`<form class="card" onSubmit=${async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    const toReportCents = parseEuros(toReport || "0") ?? 0;
    const reserves = parseEuros(toReserves || "0") ?? 0;
    const lines = [...(toReportCents ? [{ account: report, amount: toReportCents }] : []), ...(reserves ? [{ account: "1068", amount: reserves }] : [])];
    try {
      const r = await api<{ result: number }>("POST", `/v1/ledger/years/${year}/result-allocation`, {
        body: { date, lines },
        idempotencyKey: `alloc-${year}-${Date.now()}`,
      });
      setDone(`Résultat ${year} affecté (${formatEuros(Math.abs(r.result))}).`);
    } catch (err) {
      setError(err);
    }
  }}>
    <h2>Affectation du résultat ${year}</h2>
    <p class="hint">Après l'assemblée générale : ${result >= 0 ? `l'excédent de ${formatEuros(result)} va en report à nouveau et en réserves` : `le déficit de ${formatEuros(-result)} va en report à nouveau débiteur ou s'impute sur les réserves`}, écrit en ${year + 1}. Les montants font le résultat.</p>
    <div class="row">
      <div class="field"><label for="alloc-date">Date de la décision</label><input id="alloc-date" type="date" value=${date} onInput=${(e: Event) => setDate((e.target as HTMLInputElement).value)} /></div>
      <div class="field"><label for="alloc-report">Report à nouveau (€)</label><input id="alloc-report" inputmode="decimal" value=${toReport} onInput=${(e: Event) => setToReport((e.target as HTMLInputElement).value)} /></div>
      <div class="field"><label for="alloc-reserves">Réserves (€)</label><input id="alloc-reserves" inputmode="decimal" value=${toReserves} onInput=${(e: Event) => setToReserves((e.target as HTMLInputElement).value)} /></div>
    </div>
    <${ProblemView} error=${error} />
    ${done ? html`<${Success}>${done}<//>` : null}
    <div class="form-actions"><button type="submit">Affecter le résultat</button></div>
  </form>`;
}
