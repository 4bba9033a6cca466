/**
 * Exports: the FEC (the legal file for the tax administration), the same lines as a spreadsheet CSV,
 * the balance and the grand livre as files, and the auditor's package (dossier de révision): one
 * zip prepared in the background, its progress shown while it is built, then a download link.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, download, get, newKey } from "../api.js";
import { ActionButton, can, html, Page, ProblemView, Success, useLoad, useYears, YearSelect } from "../ui.js";

interface ExportJob {
  id: string;
  status: "pending" | "running" | "done" | "failed";
  fileName?: string;
  bytes?: number;
  progress?: { done: number; total: number };
  url?: string;
  error?: string;
}

const POLL_MS = 1000;
const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1).replace(".", ",")} Mo` : `${Math.max(1, Math.round(bytes / 1024))} ko`;

/** The auditor's package of a year: asked for, followed (progress bar), then downloaded. */
function AuditPackage({ year }: { year: number }) {
  const [job, setJob] = useState<ExportJob>();
  const [error, setError] = useState<unknown>();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    setJob(undefined);
    setError(undefined);
    return () => clearTimeout(timer.current);
  }, [year]);

  const follow = (id: string) => {
    timer.current = setTimeout(async () => {
      try {
        const j = await get<ExportJob>(`/v1/ledger/exports/${id}`);
        setJob(j);
        if (j.status === "pending" || j.status === "running") follow(id);
      } catch (err) {
        setError(err);
      }
    }, POLL_MS);
  };
  const start = async () => {
    setError(undefined);
    clearTimeout(timer.current);
    try {
      const j = await api<ExportJob>("POST", `/v1/ledger/years/${year}/audit-package`, { idempotencyKey: newKey() });
      setJob(j);
      follow(j.id);
    } catch (err) {
      setError(err);
    }
  };

  const running = job && (job.status === "pending" || job.status === "running");
  const p = job?.progress;
  return html`<section class="card audit-package" aria-labelledby="audit-title">
    <h2 id="audit-title">Dossier de révision</h2>
    <p>
      Tout ce que le vérificateur ou le commissaire aux comptes demande, en un seul fichier ZIP : le FEC, la balance et le grand livre
      (tableur et PDF), le compte de résultat, le bilan et l'annexe, les états de rapprochement, la liste de contrôle de clôture, chaque
      facture et chaque reçu fiscal de l'exercice, et un index qui relie chaque fichier à son écriture.
    </p>
    <${ActionButton} busy="Demande en cours…" disabled=${!!running} onClick=${start}>Préparer le dossier de révision ${year}<//>
    ${
      running
        ? html`<div class="job-progress" role="status" aria-live="polite">
            <label for="audit-progress">${p ? `Préparation : ${p.done} fichier${p.done > 1 ? "s" : ""} sur ${p.total}` : "Préparation du dossier…"}</label>
            <progress id="audit-progress" max=${p?.total ?? 1} value=${p ? p.done : undefined}></progress>
          </div>`
        : null
    }
    ${
      job?.status === "done" && job.url
        ? html`<${Success}>Le dossier est prêt.
            <a class="button primary" href=${job.url} download=${job.fileName}>Télécharger ${job.fileName}${job.bytes ? ` (${sizeText(job.bytes)})` : ""}</a>
            <span class="hint"> Le lien reste valable 15 minutes ; au-delà, préparez le dossier à nouveau.</span><//>`
        : null
    }
    ${job?.status === "failed" ? html`<div class="alert error" role="alert">${job.error ?? "Le dossier n'a pas pu être préparé : demandez-le à nouveau."}</div>` : null}
    <${ProblemView} error=${error} onRetry=${start} />
  </section>`;
}

export function Exports() {
  const { years, year, setYear } = useYears();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const fetchFile = (path: string, query: Record<string, string | number>, fallback: string) => async () => {
    setError(undefined);
    setDone(undefined);
    try {
      const name = await download(path, query, fallback);
      setDone(`Fichier « ${name} » téléchargé.`);
    } catch (err) {
      setError(err);
    }
  };
  const get = (format: "fec" | "csv", encoding = "utf-8") =>
    fetchFile(
      "/v1/ledger/export",
      { year, format, ...(encoding === "utf-8" ? {} : { encoding }) },
      format === "fec" ? `FEC${year}1231.txt` : `ecritures-${year}.csv`,
    );
  // A year still open: its FEC is provisional (the API says so too, in a Warning header).
  const status = useLoad(() => api<{ items: { year: number; status: string }[] }>("GET", "/v1/ledger/years"), []);
  const open = status.data ? status.data.items.find((y) => y.year === year)?.status !== "closed" : false;
  const book = (path: string, name: string) => fetchFile(path, { year }, name);
  return html`<${Page} title="Exports">
    <div class="toolbar"><${YearSelect} id="export-year" value=${year} years=${years} onChange=${setYear} /></div>
    <div class="grid2">
      <section class="card" aria-labelledby="fec-title">
        <h2 id="fec-title">Fichier des écritures comptables (FEC)</h2>
        <p>Le fichier exigé par l'administration fiscale (article A47 A-1 du LPF) : 18 colonnes séparées par des tabulations, à-nouveaux en premier.</p>
        ${
          open
            ? html`<p class="alert warn" role="note">L'exercice ${year} n'est pas clos : ce FEC est provisoire, ses écritures peuvent encore changer jusqu'à la clôture.</p>`
            : null
        }
        <div class="actions">
          <${ActionButton} busy="Préparation…" onClick=${get("fec")}>Télécharger le FEC ${year}<//>
          <${ActionButton} className="secondary" busy="Préparation…" onClick=${get("fec", "iso-8859-15")}>FEC ${year} en ISO-8859-15<//>
        </div>
        <p class="hint">Lettrage rempli (rapprochements bancaires, fournisseurs, usagers, subventions et produits à recevoir soldés) ; ISO-8859-15 pour les logiciels de révision qui l'attendent.</p>
      </section>
      <section class="card" aria-labelledby="csv-title">
        <h2 id="csv-title">Écritures pour un tableur (CSV)</h2>
        <p>Les mêmes lignes, séparées par des points-virgules, pour Excel ou LibreOffice.</p>
        <${ActionButton} className="secondary" busy="Préparation…" onClick=${get("csv")}>Télécharger le CSV ${year}<//>
      </section>
      <section class="card" aria-labelledby="books-title">
        <h2 id="books-title">Balance et grand livre</h2>
        <p>La balance générale (le total de chaque compte) et le grand livre (chaque ligne de chaque compte, avec son solde), en PDF ou pour un tableur.</p>
        <div class="actions">
          <${ActionButton} className="secondary" busy="Préparation…" onClick=${book("/v1/ledger/trial-balance.pdf", `balance-${year}.pdf`)}>Balance ${year} (PDF)<//>
          <${ActionButton} className="secondary" busy="Préparation…" onClick=${book("/v1/ledger/trial-balance.csv", `balance-${year}.csv`)}>Balance ${year} (CSV)<//>
          <${ActionButton} className="secondary" busy="Préparation…" onClick=${book("/v1/ledger/general-ledger.pdf", `grand-livre-${year}.pdf`)}>Grand livre ${year} (PDF)<//>
          <${ActionButton} className="secondary" busy="Préparation…" onClick=${book("/v1/ledger/general-ledger.csv", `grand-livre-${year}.csv`)}>Grand livre ${year} (CSV)<//>
        </div>
      </section>
      ${can("startAuditPackage") ? html`<${AuditPackage} year=${year} />` : null}
    </div>
    ${done ? html`<${Success}>${done}<//>` : null}
    <${ProblemView} error=${error} />
  <//>`;
}
