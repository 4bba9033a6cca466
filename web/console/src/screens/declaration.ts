/**
 * « Déclaration des reçus (art. 222 bis) », on the receipts part of « Dons et adhésions »: the
 * period (calendar or fiscal year), the deadline, the current count and total of the receipts; once
 * filed, the figures as filed with their date beside the current ones, and why they differ. The
 * trésorier marks it filed (confirmed first, with the date of filing); other roles read it.
 * API: `GET /v1/receipts/declarations/{year}`, `POST /v1/receipts/declarations/{year}/filing`.
 */
import { useState } from "preact/hooks";
import { api, get, newKey } from "../api.js";
import { formatDate, formatEuros, formatInt, parisToday } from "../money.js";
import { can, confirmDialog, html, Loading, longDate, ProblemView, Success, useLoad } from "../ui.js";

interface Figures {
  count: number;
  total: number;
}
export interface Declaration {
  year: number;
  basis: "calendar" | "fiscal";
  period: { start: string; end: string };
  due: string;
  figures: Figures;
  current: Figures;
  filed: (Figures & { filedOn: string; filedAt: string; filedBy: { sub: string; role: string } }) | null;
  changedSinceFiling: boolean;
}

const receipts = (n: number) => `${formatInt(n)} reçu${n > 1 ? "s" : ""}`;

/** One sentence: how the current figures moved since the filing. */
export function differenceSentence(d: Declaration): string {
  if (!d.filed) return "";
  if (!d.changedSinceFiling) return "Les chiffres actuels sont ceux déclarés : aucun reçu n'a été annulé ou émis depuis le dépôt.";
  const dc = d.current.count - d.filed.count;
  const dt = d.current.total - d.filed.total;
  const parts = [dc ? `${dc > 0 ? "+" : "−"}${receipts(Math.abs(dc))}` : "", dt ? `${dt > 0 ? "+" : "−"}${formatEuros(Math.abs(dt))}` : ""].filter(Boolean);
  return `Depuis le dépôt du ${formatDate(d.filed.filedOn)}, des reçus ont été annulés ou remplacés (${parts.join(", ") || "même total"}) : les chiffres déclarés restent ceux déposés, les chiffres actuels en tiennent compte.`;
}

export function DeclarationCard({ year }: { year: number }) {
  const r = useLoad(() => get<Declaration>(`/v1/receipts/declarations/${year}`), [year]);
  const [error, setError] = useState<unknown>();
  const [said, setDone] = useState<{ year: number; text: string }>();
  const done = said?.year === year ? said.text : undefined;
  const [key] = useState(newKey);
  const d = r.data;
  const ended = d ? parisToday() > d.period.end : false;
  const file = async () => {
    if (!d) return;
    setError(undefined);
    setDone(undefined);
    const today = parisToday();
    const answer = await confirmDialog({
      title: `Déclarer les reçus ${periodName(d)}`,
      body: html`<p>Les chiffres déclarés seront figés : <strong>${receipts(d.current.count)}</strong> pour <strong>${formatEuros(d.current.total)}</strong>. Une annulation ultérieure ne les modifiera plus.</p>
        <div class="field"><label for="decl-filed-on">Date du dépôt</label><input id="decl-filed-on" name="filedOn" type="date" value=${today} min=${nextDay(d.period.end)} max=${today} required /></div>`,
      confirm: "Marquer comme déclarée",
    });
    if (!answer) return;
    try {
      const out = await api<Declaration>("POST", `/v1/receipts/declarations/${year}/filing`, {
        body: answer.filedOn ? { filedOn: answer.filedOn } : {},
        idempotencyKey: `${key}-${year}`,
      });
      setDone({ year, text: `Déclaration ${periodName(out)} enregistrée comme déposée le ${formatDate(out.filed?.filedOn)}.` });
      r.reload();
    } catch (err) {
      setError(err);
    }
  };
  return html`<section class="card declaration" aria-labelledby="decl-title">
    <h2 id="decl-title">Déclaration des reçus (art. 222 bis)</h2>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error ?? r.error} onRetry=${r.reload} />
    ${
      d
        ? html`<p>
            ${d.basis === "calendar" ? "Année civile" : "Exercice"} du ${formatDate(d.period.start)} au ${formatDate(d.period.end)} —
            à déclarer au plus tard le <strong>${longDate(d.due)}</strong>${d.filed ? null : ended ? "." : html` (après la fin de la période).`}
          </p>
          ${
            d.filed
              ? html`<table>
                  <caption class="sr-only">Chiffres déclarés et chiffres actuels</caption>
                  <thead><tr><th scope="col"><span class="sr-only">Chiffre</span></th><th scope="col" class="num">Déclarés <br />le ${formatDate(d.filed.filedOn)}</th><th scope="col" class="num">Actuels</th></tr></thead>
                  <tbody>
                    <tr><th scope="row">Nombre de reçus</th><td class="num">${formatInt(d.filed.count)}</td><td class="num">${formatInt(d.current.count)}</td></tr>
                    <tr><th scope="row">Montant des dons</th><td class="num">${formatEuros(d.filed.total)}</td><td class="num">${formatEuros(d.current.total)}</td></tr>
                  </tbody>
                </table>
                <p class="decl-difference">${differenceSentence(d)}</p>`
              : html`<dl class="figures">
                  <div><dt>Nombre de reçus</dt><dd>${formatInt(d.current.count)}</dd></div>
                  <div><dt>Montant des dons</dt><dd>${formatEuros(d.current.total)}</dd></div>
                  <div><dt>État</dt><dd>${ended ? (parisToday() > d.due ? "à déclarer, échéance passée" : "à déclarer") : "période en cours"}</dd></div>
                </dl>
                ${
                  can("fileReceiptsDeclaration")
                    ? ended
                      ? html`<div class="toolbar"><button type="button" class="primary" onClick=${file}>Marquer comme déclarée</button></div>`
                      : html`<p class="hint">La déclaration pourra être marquée déposée après le ${formatDate(d.period.end)}.</p>`
                    : null
                }`
          }`
        : r.error
          ? null
          : html`<${Loading} />`
    }
  </section>`;
}

const periodName = (d: Declaration) => (d.basis === "calendar" ? String(d.year) : `de l'exercice ${d.year}-${d.year + 1}`);
const nextDay = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
