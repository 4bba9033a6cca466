/**
 * The dashboard: cash in bank (512) and at Stripe (4671) as balances at a date (today in the
 * current year, the last day of a past one) with the year's movements beside, the year's result,
 * income by source, incidents, unreconciled lines.
 */
import { get } from "../api.js";
import { formatDate, formatEuros } from "../money.js";
import { fiscalYearEnd } from "../query.js";
import { balanceDate, can, fiscalStartMonth, ChartView, html, Loading, longDate, Money, Page, ProblemView, useLoad, useYears, YearSelect } from "../ui.js";

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

export function Dashboard() {
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
