/** The dashboard: cash in bank (512) and at Stripe (4671), the year's result, income by source, incidents, unreconciled lines. */
import { useState } from "preact/hooks";
import { get } from "../api.js";
import { formatDate, formatEuros } from "../money.js";
import { can, ChartView, html, Loading, Money, Page, ProblemView, useLoad, useYears, YearSelect } from "../ui.js";

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

export function Dashboard() {
  const { years, current } = useYears();
  const [picked, setYear] = useState<number>();
  const year = picked ?? current;
  const tb = useLoad(() => get<TrialBalance>("/v1/ledger/trial-balance", { year, closing: "exclude" }), [year]);
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
    <${ProblemView} error=${tb.error} />
    ${tb.loading && !data ? html`<${Loading} />` : null}
    ${
      data
        ? html`<section class="kpis" aria-label="Chiffres clés">
          <div class="kpi"><h2>Banque (512)</h2><p data-testid="kpi-bank"><${Money} cents=${balanceOf(data, "512")} signed /></p></div>
          <div class="kpi"><h2>Stripe (4671)</h2><p data-testid="kpi-stripe"><${Money} cents=${balanceOf(data, "4671")} signed /></p></div>
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
                        .map((i) => html`<li><strong>${formatDate(i.date)}</strong> · ${i.detail} · <${Money} cents=${i.amount} /></li>`)}</ul>`
                    : html`<p>Aucun incident en ${year}.</p>`
                }
              </section>`
              : null
          }
        </div>`
        : null
    }
  <//>`;
}
