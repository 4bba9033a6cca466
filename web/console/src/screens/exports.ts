/** Exports: the FEC (the legal file for the tax administration) and the same lines as a spreadsheet CSV. */
import { useState } from "preact/hooks";
import { download } from "../api.js";
import { ActionButton, html, Page, ProblemView, Success, useYears, YearSelect } from "../ui.js";

export function Exports() {
  const { years, year, setYear } = useYears();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const get = (format: "fec" | "csv") => async () => {
    setError(undefined);
    setDone(undefined);
    try {
      const name = await download("/v1/ledger/export", { year, format }, format === "fec" ? `FEC${year}1231.txt` : `ecritures-${year}.csv`);
      setDone(`Fichier « ${name} » téléchargé.`);
    } catch (err) {
      setError(err);
    }
  };
  return html`<${Page} title="Exports">
    <div class="toolbar"><${YearSelect} id="export-year" value=${year} years=${years} onChange=${setYear} /></div>
    <div class="grid2">
      <section class="card" aria-labelledby="fec-title">
        <h2 id="fec-title">Fichier des écritures comptables (FEC)</h2>
        <p>Le fichier exigé par l'administration fiscale (article A47 A-1 du LPF) : 18 colonnes séparées par des tabulations, à-nouveaux en premier.</p>
        <${ActionButton} busy="Préparation…" onClick=${get("fec")}>Télécharger le FEC ${year}<//>
      </section>
      <section class="card" aria-labelledby="csv-title">
        <h2 id="csv-title">Écritures pour un tableur (CSV)</h2>
        <p>Les mêmes lignes, séparées par des points-virgules, pour Excel ou LibreOffice.</p>
        <${ActionButton} className="secondary" busy="Préparation…" onClick=${get("csv")}>Télécharger le CSV ${year}<//>
      </section>
    </div>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error} />
  <//>`;
}
