/**
 * Bénévolat: the volunteers' hours per month (per project if wanted), valued at the hourly rate of
 * the settings, and the gifts in kind by nature, booked as contributions volontaires en nature;
 * each line can be cancelled with a reason (an entry reverses it: nothing is edited).
 */
import { useState } from "preact/hooks";
import { api, get } from "../api.js";
import { formatDate, formatEuros, parseEuros } from "../money.js";
import { ActionButton, can, confirmDialog, html, Loading, Page, ProblemView, Success, useLoad, useYears, YearSelect } from "../ui.js";

interface Reversal {
  reason: string;
  on: string;
}
interface Common {
  id: string;
  date: string;
  label: string;
  project: string | null;
  amount: number;
  status: "booked" | "reversed";
  reversal: Reversal | null;
}
interface VolunteerTime extends Common {
  month: string;
  hours: number;
  rate: number;
  method: string;
}
interface GiftInKind extends Common {
  nature: string;
  natureLabel: string;
  giver: string | null;
}
interface TimeList {
  items: VolunteerTime[];
  totals: { hours: number; amount: number };
  valuation: { rate: number; method: string };
}
interface GiftList {
  items: GiftInKind[];
  byNature: { nature: string; label: string; amount: number }[];
  total: number;
}

const NATURES: [string, string][] = [
  ["biens", "Dons en nature (biens reçus)"],
  ["mise-a-disposition", "Mise à disposition gratuite (locaux, matériel)"],
  ["prestations", "Prestations en nature (services rendus gratuitement)"],
];
const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const monthName = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;
const hoursText = (h: number) => `${h.toLocaleString("fr-FR", { maximumFractionDigits: 2 })} h`;
/** A project of the registry (`GET /v1/projects`): the form offers it by name, the record keeps its code. */
interface ProjectRef {
  code: string;
  name: string;
}
const NO_PROJECT = "Aucun projet";
/** The association's projects, for whoever may read them ([] otherwise). */
const loadProjects = () => (can("listProjects") ? get<{ items: ProjectRef[] }>("/v1/projects").then((r) => r.items) : Promise.resolve([] as ProjectRef[]));
/** A project's name from its code (the code itself if the registry no longer has it); « — » for none. */
const projectName = (projects: readonly ProjectRef[], code: string | null) => (code ? (projects.find((p) => p.code === code)?.name ?? code) : "—");

function ProjectSelect({ id, projects }: { id: string; projects: readonly ProjectRef[] }) {
  return html`<div class="field"><label for=${id}>Projet (facultatif)</label><select id=${id} name="project">
      <option value="">${NO_PROJECT}</option>${projects.map((p) => html`<option value=${p.code}>${p.name}</option>`)}</select></div>`;
}

const value = (form: HTMLFormElement, name: string) => ((form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? "").trim();

function Status({ item }: { item: Common }) {
  return item.status === "reversed"
    ? html`<span class="badge">Annulé le ${formatDate(item.reversal?.on)} : ${item.reversal?.reason}</span>`
    : html`<span class="badge success">Comptabilisé</span>`;
}

function CancelButton({ path, what, onDone }: { path: string; what: string; onDone: () => void }) {
  const [error, setError] = useState<unknown>();
  return html`<${ActionButton}
      className="secondary"
      busy="Annulation…"
      onClick=${async () => {
        const answer = await confirmDialog({
          title: `Annuler ${what}`,
          body: html`<p>Une écriture inverse sera passée ; l'enregistrement reste visible, marqué annulé.</p>
            <div class="field"><label for="cvn-reason">Motif</label><input id="cvn-reason" name="reason" required /></div>`,
          confirm: "Annuler l'enregistrement",
          danger: true,
        });
        if (!answer) return;
        try {
          await api("POST", path, { body: { reason: answer.reason ?? "" } });
          onDone();
        } catch (err) {
          setError(err);
        }
      }}
      >Annuler</${ActionButton}>${error ? html`<${ProblemView} error=${error} />` : null}`;
}

function TimeSection({ year, projects }: { year: number; projects: readonly ProjectRef[] }) {
  const list = useLoad(() => get<TimeList>("/v1/volunteer-time", { year }), [year]);
  const [error, setError] = useState<unknown>();
  const [rateError, setRateError] = useState<string>();
  const [done, setDone] = useState<string>();
  const canBook = can("recordVolunteerTime");
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const hours = Number(value(form, "hours").replace(",", "."));
    const rateText = value(form, "rate");
    const rate = rateText ? parseEuros(rateText) : null;
    const project = value(form, "project");
    setError(undefined);
    // A rate typed but unreadable (« 12 €/h ») is refused here: sent without it, the settings' rate would be used unseen.
    if (rateText && rate === null) {
      setRateError("Taux horaire illisible : indiquez un montant en euros, par exemple 12,02 (ou laissez vide pour le taux des paramètres).");
      (form.elements.namedItem("rate") as HTMLInputElement | null)?.focus();
      return;
    }
    setRateError(undefined);
    try {
      const r = await api<VolunteerTime>("POST", "/v1/volunteer-time", {
        body: { month: value(form, "month"), hours, label: value(form, "label"), ...(rate !== null ? { rate } : {}), ...(project ? { project } : {}) },
      });
      setDone(`${hoursText(r.hours)} de ${monthName(r.month)} comptabilisées pour ${formatEuros(r.amount)}.`);
      form.reset();
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return html`<section aria-labelledby="cvn-time">
    <h2 id="cvn-time">Heures de bénévolat</h2>
    ${
      list.data
        ? html`<p>
            ${
              list.data.valuation.rate
                ? html`Une heure est valorisée ${formatEuros(list.data.valuation.rate)}${list.data.valuation.method ? html` : ${list.data.valuation.method}` : "."}`
                : html`Aucun taux horaire n'est fixé : indiquez-le dans Paramètres › Bénévoles, ou pour chaque mois ci-dessous.`
            }
          </p>`
        : null
    }
    ${
      canBook
        ? html`<form class="form" onSubmit=${submit}>
            <div class="field"><label for="cvn-month">Mois</label><input id="cvn-month" name="month" type="month" required /></div>
            <div class="field"><label for="cvn-hours">Heures</label><input id="cvn-hours" name="hours" inputmode="decimal" required /></div>
            <div class="field"><label for="cvn-label">Activité</label><input id="cvn-label" name="label" required maxlength="200" /></div>
            <div class="field"><label for="cvn-rate">Taux horaire (€, facultatif)</label><input id="cvn-rate" name="rate" inputmode="decimal"
              aria-invalid=${rateError ? "true" : undefined} aria-describedby=${rateError ? "cvn-rate-error" : undefined} onInput=${() => setRateError(undefined)} />
              ${rateError ? html`<p class="field-error" id="cvn-rate-error">${rateError}</p>` : null}</div>
            <${ProjectSelect} id="cvn-project" projects=${projects} />
            <${ActionButton} type="submit" busy="Enregistrement…">Comptabiliser les heures</${ActionButton}>
          </form>`
        : null
    }
    ${done ? html`<${Success}>${done}</${Success}>` : null} ${error ? html`<${ProblemView} error=${error} />` : null}
    ${list.error ? html`<${ProblemView} error=${list.error} onRetry=${list.reload} />` : null}
    ${
      list.loading && !list.data
        ? html`<${Loading} />`
        : list.data
          ? html`<table>
              <caption>Heures de l'exercice ${year} : ${hoursText(list.data.totals.hours)}, ${formatEuros(list.data.totals.amount)}</caption>
              <thead><tr><th scope="col">Mois</th><th scope="col">Activité</th><th scope="col">Projet</th><th scope="col" class="num">Heures</th><th scope="col" class="num">Valeur</th><th scope="col">État</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                ${list.data.items.map(
                  (i) => html`<tr>
                    <td>${monthName(i.month)}</td><td>${i.label}</td><td>${projectName(projects, i.project)}</td><td class="num">${hoursText(i.hours)}</td><td class="num">${formatEuros(i.amount)}</td><td><${Status} item=${i} /></td>
                    <td>${i.status === "booked" && can("reverseVolunteerTime") ? html`<${CancelButton} path=${`/v1/volunteer-time/${i.id}/reversal`} what=${`les heures de ${monthName(i.month)}`} onDone=${list.reload} />` : null}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
          : null
    }
  </section>`;
}

function GiftSection({ year, projects }: { year: number; projects: readonly ProjectRef[] }) {
  const list = useLoad(() => get<GiftList>("/v1/gifts-in-kind", { year }), [year]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const amount = parseEuros(value(form, "amount"));
    const giver = value(form, "giver");
    const project = value(form, "project");
    setError(undefined);
    try {
      const r = await api<GiftInKind>("POST", "/v1/gifts-in-kind", {
        body: {
          date: value(form, "date"),
          nature: value(form, "nature"),
          amount,
          label: value(form, "label"),
          ...(giver ? { giver } : {}),
          ...(project ? { project } : {}),
        },
      });
      setDone(`${r.natureLabel} : ${r.label}, comptabilisé pour ${formatEuros(r.amount)}.`);
      form.reset();
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return html`<section aria-labelledby="cvn-gifts">
    <h2 id="cvn-gifts">Dons en nature</h2>
    ${
      can("recordGiftInKind")
        ? html`<form class="form" onSubmit=${submit}>
            <div class="field"><label for="gik-date">Date de réception</label><input id="gik-date" name="date" type="date" required /></div>
            <div class="field"><label for="gik-nature">Nature</label><select id="gik-nature" name="nature">${NATURES.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></div>
            <div class="field"><label for="gik-label">Description</label><input id="gik-label" name="label" required maxlength="200" /></div>
            <div class="field"><label for="gik-amount">Valeur (€)</label><input id="gik-amount" name="amount" inputmode="decimal" required /></div>
            <div class="field"><label for="gik-giver">Donateur (facultatif)</label><input id="gik-giver" name="giver" /></div>
            <${ProjectSelect} id="gik-project" projects=${projects} />
            <${ActionButton} type="submit" busy="Enregistrement…">Comptabiliser le don</${ActionButton}>
          </form>`
        : null
    }
    ${done ? html`<${Success}>${done}</${Success}>` : null} ${error ? html`<${ProblemView} error=${error} />` : null}
    ${list.error ? html`<${ProblemView} error=${list.error} onRetry=${list.reload} />` : null}
    ${
      list.data
        ? html`<table>
            <caption>Dons en nature de l'exercice ${year} : ${formatEuros(list.data.total)}</caption>
            <thead><tr><th scope="col">Date</th><th scope="col">Nature</th><th scope="col">Description</th><th scope="col">Donateur</th><th scope="col">Projet</th><th scope="col" class="num">Valeur</th><th scope="col">État</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              ${list.data.items.map(
                (i) => html`<tr>
                  <td>${formatDate(i.date)}</td><td>${i.natureLabel}</td><td>${i.label}</td><td>${i.giver ?? "—"}</td><td>${projectName(projects, i.project)}</td><td class="num">${formatEuros(i.amount)}</td><td><${Status} item=${i} /></td>
                  <td>${i.status === "booked" && can("reverseGiftInKind") ? html`<${CancelButton} path=${`/v1/gifts-in-kind/${i.id}/reversal`} what=${`le don « ${i.label} »`} onDone=${list.reload} />` : null}</td>
                </tr>`,
              )}
            </tbody>
            <tfoot>${list.data.byNature.map((n) => html`<tr><th scope="row" colspan="5">${n.label}</th><td class="num">${formatEuros(n.amount)}</td><td colspan="2"></td></tr>`)}</tfoot>
          </table>`
        : list.loading
          ? html`<${Loading} />`
          : null
    }
  </section>`;
}

export function Volunteers() {
  const { years, year, setYear } = useYears();
  const projects = useLoad(loadProjects, []);
  const projectList = projects.data ?? [];
  return html`<${Page} title="Bénévolat" actions=${html`<${YearSelect} id="cvn-year" value=${year} years=${years} onChange=${setYear} />`}>
    <p>Le temps donné par les bénévoles et les dons en nature figurent au pied du compte de résultat (contributions volontaires en nature), valorisés selon la méthode énoncée dans l'annexe.</p>
    <${TimeSection} year=${year} projects=${projectList} />
    <${GiftSection} year=${year} projects=${projectList} />
  </${Page}>`;
}
