/**
 * The dashboard: « À traiter » first (what waits for the trésorier, each task a link to the screen
 * where it is done: `GET /v1/todo`; a year ended and still open: its closing checklist's points), then cash in bank (512) and at Stripe (4671) as balances at a
 * date (today in the current year, the last day of a past one) with the year's movements beside,
 * the year's result, income by source, incidents, unreconciled lines. Two tasks are done from the
 * dashboard's own pages: the addresses that bounced (`#/tableau-de-bord/adresses-en-erreur`, each
 * person's e-mails, where the mark is lifted and a message sent again) and the receipts that wait
 * for a postal address (`#/tableau-de-bord/recus-sans-adresse`, whom to ask).
 */
import { useState } from "preact/hooks";
import { get } from "../api.js";
import { formatDate, formatEuros } from "../money.js";
import { fiscalYearEnd } from "../query.js";
import { balanceDate, can, fiscalStartMonth, ChartView, html, Loading, longDate, Money, Page, ProblemView, useLoad, useYears, YearSelect } from "../ui.js";
import { PersonMail } from "./person-mail.js";
import { ThresholdsCard } from "./report.js";

export interface TrialBalance {
  year: number;
  accounts: { account: string; label: string; debit: number; credit: number; balance: number }[];
  totals: { debit: number; credit: number };
}

/** Sum of the balances of accounts starting with `prefix`. */
export const balanceOf = (tb: TrialBalance, prefix: string) => tb.accounts.filter((a) => a.account.startsWith(prefix)).reduce((s, a) => s + a.balance, 0);

/** Income (class 7) by account, as positive amounts, largest first. */
export const incomeBySource = (tb: TrialBalance) =>
  tb.accounts
    .filter((a) => a.account.startsWith("7") && a.balance !== 0)
    .map((a) => ({ label: `${a.label} (${a.account})`, amount: -a.balance }))
    .sort((a, b) => b.amount - a.amount);

/**
 * The cash accounts' balances at the end of `year`, or today in the current year: the trial
 * balances of the years since the last closing before it (the year after a closing opens with its
 * à-nouveaux), summed, less what is already booked on them with a later date this year.
 */
export async function cashBalances(year: number, thisYear: TrialBalance): Promise<{ bank: number; stripe: number }> {
  const years = (await get<{ items: { year: number; status: string }[] }>("/v1/ledger/years")).items;
  const closed = years.filter((y) => y.year < year && y.status === "closed").map((y) => y.year);
  const since = closed.length ? Math.max(...closed) + 1 : Number.NEGATIVE_INFINITY;
  const earlier = years.filter((y) => y.year >= since && y.year < year).map((y) => y.year);
  const tbs = [thisYear, ...(await Promise.all(earlier.map((y) => get<TrialBalance>("/v1/ledger/trial-balance", { year: y }))))];
  const at = balanceDate(year);
  const end = fiscalYearEnd(year, fiscalStartMonth());
  const later: Record<string, number> = {};
  if (at < end) {
    const next = new Date(Date.UTC(Number(at.slice(0, 4)), Number(at.slice(5, 7)) - 1, Number(at.slice(8, 10)) + 1)).toISOString().slice(0, 10);
    const cash = thisYear.accounts.filter((a) => (a.account.startsWith("512") || a.account.startsWith("4671")) && (a.debit || a.credit));
    await Promise.all(
      cash.map(async (a) => {
        let cursor: string | undefined;
        let sum = 0;
        for (let page = 0; page < 20; page++) {
          const r = await get<{ items: { status: string; lines: { account: string; debit: number; credit: number }[] }[]; nextCursor: string | null }>(
            "/v1/ledger/entries",
            { from: next, to: end, account: a.account, limit: 200, cursor },
          );
          for (const e of r.items) if (e.status !== "rejected") for (const l of e.lines) if (l.account === a.account) sum += l.debit - l.credit;
          if (!r.nextCursor) break;
          cursor = r.nextCursor;
        }
        later[a.account] = sum;
      }),
    );
  }
  const laterOf = (prefix: string) => Object.entries(later).reduce((s, [k, v]) => s + (k.startsWith(prefix) ? v : 0), 0);
  return {
    bank: tbs.reduce((s, t) => s + balanceOf(t, "512"), 0) - laterOf("512"),
    stripe: tbs.reduce((s, t) => s + balanceOf(t, "4671"), 0) - laterOf("4671"),
  };
}

/** `GET /v1/todo`: what waits to be done (workflows/todo.ts). */
export interface TodoList {
  year: number;
  asOf: string;
  bankLines: { count: number; oldest: string | null };
  missingInvoices: { count: number; expenses: { id: string; date: string; supplier: string; pieceRef: string; amount: number }[] };
  receiptsAwaitingAddress: {
    count: number;
    gifts: {
      chargeId: string;
      kind: "donation" | "membership";
      date: string;
      amount: number;
      email: string;
      firstName: string;
      lastName: string;
      tierId?: string;
    }[];
  };
  bouncedAddresses: { count: number; addresses: { email: string; type: "bounce" | "complaint"; reason: string; at: string }[] };
  grantReports: { count: number; grants: { id: string; title: string; funderName: string; endDate: string; dueDate: string; late: boolean }[] };
  paymentIncidents: { count: number };
  closing: {
    count: number;
    years: { year: number; ready: boolean; items: { id: string; status: "warning" | "blocking"; title: string; fix?: { screen: string; label: string } }[] }[];
  };
}

/** The words after a count, singular or plural (French: 0 and 1 take the singular). */
const plural = (n: number, one: string, many: string) => (n > 1 ? many : one);
const names = (list: string[], total: number) => `${list.slice(0, 3).join(", ")}${total > 3 ? "…" : ""}`;

/** The tasks, in the order a trésorier does them: the link goes where each is done. */
export interface TodoTask {
  id: string;
  count: number;
  text: string;
  href: string;
  detail?: string;
  /** Said when there is nothing to do. */
  done: string;
}

export function todoTasks(t: TodoList): TodoTask[] {
  const g = t.grantReports.grants[0];
  const closingYears = t.closing.years.filter((y) => y.items.length).map((y) => y.year);
  const closingItems = t.closing.years.flatMap((y) => y.items);
  return [
    {
      id: "closing",
      count: t.closing.count,
      text: `${plural(t.closing.count, "point à régler", "points à régler")} avant de clôturer ${closingYears.join(" et ")}`,
      // The checklist's titles state what a closing needs ("L'exercice précédent est clôturé"):
      // listed here they are what to check, and the link opens the first year's checklist.
      href: closingYears.length ? `#/comptabilite/cloture/${closingYears[0]}` : "#/comptabilite/exercices",
      detail: `À vérifier : ${names(
        closingItems.map((i) => i.title),
        closingItems.length,
      )}`,
      done: "clôture des exercices",
    },
    {
      id: "bank-lines",
      count: t.bankLines.count,
      text: plural(t.bankLines.count, "ligne bancaire à rapprocher", "lignes bancaires à rapprocher"),
      href: "#/banque/lignes",
      ...(t.bankLines.oldest ? { detail: `la plus ancienne du ${formatDate(t.bankLines.oldest)}` } : {}),
      done: "rapprochement bancaire",
    },
    {
      id: "invoices",
      count: t.missingInvoices.count,
      text: plural(t.missingInvoices.count, "dépense sans sa facture", "dépenses sans leur facture"),
      href: "#/depenses",
      detail: names(
        t.missingInvoices.expenses.map((e) => e.supplier),
        t.missingInvoices.count,
      ),
      done: "factures des dépenses",
    },
    {
      id: "receipts",
      count: t.receiptsAwaitingAddress.count,
      text: plural(t.receiptsAwaitingAddress.count, "reçu fiscal en attente d'une adresse postale", "reçus fiscaux en attente d'une adresse postale"),
      href: "#/tableau-de-bord/recus-sans-adresse",
      detail: names(
        t.receiptsAwaitingAddress.gifts.map((x) => `${x.firstName} ${x.lastName}`.trim() || x.email),
        t.receiptsAwaitingAddress.count,
      ),
      done: "reçus fiscaux",
    },
    {
      id: "bounced",
      count: t.bouncedAddresses.count,
      text: plural(t.bouncedAddresses.count, "adresse e-mail en erreur (messages non remis)", "adresses e-mail en erreur (messages non remis)"),
      href: "#/tableau-de-bord/adresses-en-erreur",
      detail: names(
        t.bouncedAddresses.addresses.map((a) => a.email),
        t.bouncedAddresses.count,
      ),
      done: "e-mails",
    },
    {
      id: "grant-reports",
      count: t.grantReports.count,
      text: plural(t.grantReports.count, "compte-rendu financier de subvention à remettre", "comptes-rendus financiers de subventions à remettre"),
      // One report due: straight to its compte-rendu; several: the list of those due.
      href: g && t.grantReports.count === 1 ? `#/projets/compte-rendu/${encodeURIComponent(g.id)}` : "#/projets/comptes-rendus",
      ...(g
        ? {
            detail: `${g.funderName} · ${g.title} : ${g.late ? `en retard depuis le ${formatDate(g.dueDate)}` : `avant le ${formatDate(g.dueDate)}`}${t.grantReports.count > 1 ? "…" : ""}`,
          }
        : {}),
      done: "comptes-rendus de subventions",
    },
    {
      id: "incidents",
      count: t.paymentIncidents.count,
      text: `${plural(t.paymentIncidents.count, "incident de paiement", "incidents de paiement")} en ${t.year}`,
      href: "#/dons/incidents",
      done: "incidents de paiement",
    },
  ];
}

/** « À traiter »: each task with its count, a link to where it is done; what is up to date said in one line. */
export function TodoCard({ year }: { year: number }) {
  const todo = useLoad(() => get<TodoList>("/v1/todo", { year }), [year]);
  const tasks = todo.data ? todoTasks(todo.data) : [];
  const open = tasks.filter((t) => t.count > 0);
  const clear = tasks.filter((t) => t.count === 0);
  return html`<section class="card todo" aria-labelledby="todo-title" aria-busy=${todo.loading ? "true" : "false"}>
    <h2 id="todo-title">À traiter</h2>
    <${ProblemView} error=${todo.error} />
    ${todo.loading && !todo.data ? html`<${Loading} what="Recherche de ce qui reste à faire" />` : null}
    ${
      todo.data
        ? html`${
            open.length
              ? html`<ul class="todo-list" data-testid="todo-list">
                ${open.map(
                  (t) =>
                    html`<li data-task=${t.id}><a href=${t.href}><span class="todo-count">${t.count}</span>${" "}<span class="todo-text"><strong>${t.text}</strong>${
                      t.detail ? html`${" "}<small>${t.detail}</small>` : null
                    }</span><span class="todo-go" aria-hidden="true">›</span></a></li>`,
                )}
              </ul>`
              : html`<p class="todo-none">Rien à traiter pour l'instant.</p>`
          }
          ${clear.length && open.length ? html`<p class="todo-clear"><span aria-hidden="true">✓</span> À jour : ${clear.map((t) => t.done).join(", ")}.</p>` : null}`
        : null
    }
  </section>`;
}

const BackToDashboard = () => html`<p class="back"><a href="#/tableau-de-bord">← Retour au tableau de bord</a></p>`;

/** The addresses that bounced: each person's e-mails open here, where the mark is lifted and a message sent again. */
function BouncedAddresses({ year }: { year: number }) {
  const todo = useLoad(() => get<TodoList>("/v1/todo", { year }), [year]);
  const [open, setOpen] = useState<string>();
  const list = todo.data?.bouncedAddresses;
  return html`<${Page} title="Adresses e-mail en erreur">
    <${BackToDashboard} />
    <p class="hint">Le serveur de ces personnes a refusé un message (adresse inexistante, boîte pleine) ou elles l'ont signalé comme indésirable : plus rien ne leur est envoyé. Vérifiez l'adresse avec la personne, puis ouvrez ses e-mails pour lever la marque et renvoyer ce qui ne lui est pas parvenu.</p>
    <${ProblemView} error=${todo.error} />
    ${open ? html`<${PersonMail} email=${open} name="" onClose=${() => (setOpen(undefined), todo.reload())} />` : null}
    ${
      list
        ? list.count
          ? html`<ul class="todo-rows">${list.addresses.map(
              (a) => html`<li>
                <div><strong>${a.email}</strong><small>${a.type === "complaint" ? "signalé comme indésirable" : "message refusé"} le ${formatDate(a.at.slice(0, 10))} · ${a.reason}</small></div>
                <button type="button" class="secondary" aria-expanded=${open === a.email} onClick=${() => setOpen(a.email)}>Voir ses e-mails<span class="sr-only"> (${a.email})</span></button>
              </li>`,
            )}</ul>${list.count > list.addresses.length ? html`<p class="hint">${list.count} adresses en tout ; les ${list.addresses.length} plus anciennes sont listées.</p>` : null}`
          : html`<p>Aucune adresse en erreur.</p>`
        : html`<${Loading} />`
    }
  <//>`;
}

/** The gifts and fees whose receipt waits for a postal address: whom to ask. */
function ReceiptsAwaitingAddress({ year }: { year: number }) {
  const todo = useLoad(() => get<TodoList>("/v1/todo", { year }), [year]);
  const list = todo.data?.receiptsAwaitingAddress;
  return html`<${Page} title="Reçus fiscaux en attente d'une adresse">
    <${BackToDashboard} />
    <p class="hint">Ces dons et cotisations ouvrent droit à un reçu fiscal, mais la personne n'a pas donné d'adresse postale (une adhésion payée depuis la page publique n'en demande pas) : le reçu ne peut pas être établi sans elle. Demandez-la à la personne. La console ne permet pas encore de saisir cette adresse.</p>
    <${ProblemView} error=${todo.error} />
    ${
      list
        ? html`<div class="scroll"><table class="todo-table">
          <caption class="sr-only">Reçus en attente d'une adresse (${year})</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">Personne</th><th scope="col">E-mail</th><th scope="col">Nature</th><th scope="col" class="num">Montant</th></tr></thead>
          <tbody>
            ${list.count === 0 ? html`<tr><td colspan="5">Aucun reçu en attente en ${year}.</td></tr>` : null}
            ${list.gifts.map(
              (g) => html`<tr><td>${formatDate(g.date)}</td><td>${`${g.lastName.toUpperCase()} ${g.firstName}`.trim()}</td><td>${g.email}</td>
                <td>${g.kind === "membership" ? "Cotisation" : "Don"}</td><td class="num">${formatEuros(g.amount)}</td></tr>`,
            )}
          </tbody>
        </table></div>`
        : html`<${Loading} />`
    }
  <//>`;
}

/** Stripe's ids in an incident's wording (`ch_…`, `py_…`, `po_…`…): said as what they are, the id kept as a detail. */
const STRIPE_ID = /\b(?:ch|py|pi|po|in|sub|dp|re|txn|cs)_[A-Za-z0-9_]+/g;
export const stripeIds = (text: string) => text.match(STRIPE_ID) ?? [];
export const withoutStripeIds = (text: string) => text.replace(STRIPE_ID, "un paiement en ligne");

export function Dashboard({ sub = "" }: { sub?: string }) {
  const { year: pickedYear } = useYears();
  if (sub === "adresses-en-erreur" && can("todoList")) return html`<${BouncedAddresses} year=${pickedYear} />`;
  if (sub === "recus-sans-adresse" && can("todoList")) return html`<${ReceiptsAwaitingAddress} year=${pickedYear} />`;
  return html`<${Overview} />`;
}

function Overview() {
  const { years, year, setYear } = useYears();
  const tb = useLoad(async () => {
    const t = await get<TrialBalance>("/v1/ledger/trial-balance", { year, closing: "exclude" });
    return { ...t, cash: await cashBalances(year, t) };
  }, [year]);
  const at = longDate(balanceDate(year));
  const incidents = useLoad(
    () =>
      can("listIncidents")
        ? get<{ items: { ref: string; type: string; date: string; amount: number; detail: string }[] }>("/v1/payment-incidents", { year })
        : Promise.resolve(undefined),
    [year],
  );
  const unmatched = useLoad(
    () =>
      can("listBankLines")
        ? get<{ items: unknown[]; nextCursor?: string | null }>("/v1/bank/lines", { status: "unmatched", limit: 500 })
        : Promise.resolve(undefined),
    [],
  );
  const data = tb.data;
  const result = data ? -(balanceOf(data, "6") + balanceOf(data, "7")) : undefined;
  const income = data ? incomeBySource(data) : [];
  return html`<${Page} title="Tableau de bord" actions=${html`<${YearSelect} id="dash-year" value=${year} years=${years} onChange=${setYear} />`}>
    ${can("todoList") ? html`<${TodoCard} year=${year} />` : null}
    <${ProblemView} error=${tb.error} />
    ${tb.loading && !data ? html`<${Loading} what=${`Chargement de ${year}`} />` : null}
    ${
      data
        ? html`<section class="kpis" aria-label="Chiffres clés">
          <div class="kpi"><h2>Banque</h2><p class="kpi-date">Solde au ${at}</p><p data-testid="kpi-bank"><${Money} cents=${data.cash.bank} signed /></p>
            <small>Mouvements ${year} : <${Money} cents=${balanceOf(data, "512")} signed /> · compte 512</small></div>
          <div class="kpi"><h2>Paiements en ligne chez Stripe</h2><p class="kpi-date">Solde au ${at}</p><p data-testid="kpi-stripe"><${Money} cents=${data.cash.stripe} signed /></p>
            <small>En attente de virement vers la banque. Mouvements ${year} : <${Money} cents=${balanceOf(data, "4671")} signed /> · compte 4671</small></div>
          <div class="kpi"><h2>Résultat ${year} à date</h2><p data-testid="kpi-result"><${Money} cents=${result} signed /></p>
            <small>${result !== undefined && result >= 0 ? "excédent" : "déficit"} (produits − charges)</small></div>
          ${
            can("listBankLines")
              ? html`<div class="kpi"><h2>Lignes bancaires à rapprocher</h2><p data-testid="kpi-unmatched">${unmatched.data ? `${unmatched.data.items.length}${unmatched.data.nextCursor ? "+" : ""}` : unmatched.error ? "—" : "…"}</p>
                <a href="#/banque">Rapprocher</a></div>`
              : null
          }
          ${
            can("listIncidents")
              ? html`<div class="kpi"><h2>Incidents de paiement</h2><p data-testid="kpi-incidents">${incidents.data ? incidents.data.items.length : incidents.error ? "—" : "…"}</p>
                <a href="#/dons/incidents">Voir</a></div>`
              : null
          }
        </section>
        <div class="grid2">
          <section class="card" aria-labelledby="income-title">
            <h2 id="income-title">Produits par origine (${year})</h2>
            ${
              income.length
                ? html`<${ChartView} type="doughnut" label=${`Produits ${year} par origine`} labels=${income.map((i) => i.label)} values=${income.map((i) => i.amount)} />
                  <table class="compact"><caption class="sr-only">Produits par origine</caption>
                    <thead><tr><th scope="col">Origine</th><th scope="col" class="num">Montant</th></tr></thead>
                    <tbody>${income.map((i) => html`<tr><td>${i.label}</td><td class="num">${formatEuros(i.amount)}</td></tr>`)}</tbody>
                  </table>`
                : html`<p>Aucun produit enregistré pour ${year}.</p>`
            }
          </section>
          ${
            can("listIncidents")
              ? html`<section class="card" aria-labelledby="inc-title">
                <h2 id="inc-title">Derniers incidents de paiement</h2>
                <${ProblemView} error=${incidents.error} />
                ${
                  incidents.data?.items.length
                    ? html`<ul class="plain">${incidents.data.items
                        .slice(-6)
                        .reverse()
                        .map(
                          (i) =>
                            html`<li><strong>${formatDate(i.date)}</strong> · ${withoutStripeIds(i.detail)} · <${Money} cents=${i.amount} />${stripeIds(i.detail).map((id) => html`<small class="piece"><span class="detail">${id}</span></small>`)}</li>`,
                        )}</ul>`
                    : html`<p>Aucun incident en ${year}.</p>`
                }
              </section>`
              : null
          }
        </div>
        ${can("reportThresholds") ? html`<${ThresholdsCard} year=${year} />` : null}`
        : null
    }
  <//>`;
}
