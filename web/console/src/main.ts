/**
 * The staff console: sign-in, then the screens the caller's roles allow (read from `GET /v1/me`,
 * computed by the API from the route table). Routing lives in the hash (`#/ledger/entries`), so
 * the same static files work under `/console/` locally and behind CloudFront.
 */
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { get, SIGNED_OUT_EVENT } from "./api.js";
import { completeCognitoRedirect, loadConfig, signedIn, SignedOut, signInCognito, signInLocal, signOut, type ConsoleConfig } from "./auth.js";
import { can, getMe, html, loadFiscalStart, ProblemView, ROLE_LABELS, setMe, type Me } from "./ui.js";
import { Dashboard } from "./screens/dashboard.js";
import { Ledger } from "./screens/ledger.js";
import { Giving } from "./screens/giving.js";
import { Exports } from "./screens/exports.js";
import { Grants } from "./screens/grants.js";
import { Expenses } from "./screens/expenses.js";
import { Bank } from "./screens/bank.js";
import { Report } from "./screens/report.js";
import { Projects } from "./screens/projects.js";
import { Volunteers } from "./screens/volunteers.js";
import { needsFirstRun, Settings } from "./screens/settings.js";

interface Screen {
  path: string;
  label: string;
  /** Shown when the caller may call this operation. */
  needs: string;
  view: (p: { sub: string }) => unknown;
}

const SCREENS: Screen[] = [
  { path: "tableau-de-bord", label: "Tableau de bord", needs: "trialBalance", view: Dashboard },
  { path: "comptabilite", label: "Comptabilité", needs: "listEntries", view: Ledger },
  { path: "dons", label: "Dons et adhésions", needs: "listDonors", view: Giving },
  { path: "subventions", label: "Financeurs et subventions", needs: "listFunders", view: Grants },
  { path: "depenses", label: "Dépenses", needs: "listExpenses", view: Expenses },
  { path: "banque", label: "Banque et rapprochement", needs: "listBankLines", view: Bank },
  { path: "projets", label: "Projets et budgets", needs: "listProjects", view: Projects },
  { path: "benevolat", label: "Bénévolat", needs: "listVolunteerTime", view: Volunteers },
  { path: "rapport", label: "Rapport annuel", needs: "reportFigures", view: Report },
  { path: "exports", label: "Exports", needs: "exportLedger", view: Exports },
  { path: "parametres", label: "Paramètres", needs: "getSettings", view: Settings },
];

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return hash;
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const hash = useHash();
  const visible = SCREENS.filter((s) => can(s.needs));
  // `#/comptabilite/ecritures?projet=CODE`, or `#/comptabilite?projet=CODE`: the query goes to the screen.
  const body = hash.replace(/^#\/?/, "");
  const at = body.indexOf("?");
  const [path = "", ...rest] = (at < 0 ? body : body.slice(0, at)).split("/");
  const query = at < 0 ? "" : body.slice(at);
  const screen = visible.find((s) => s.path === path) ?? visible[0];
  const me = getMe();
  // First run: while the association's identity is incomplete, the console opens on the guide.
  useEffect(() => {
    // Only if the person has not gone elsewhere meanwhile (the check answers after the first screen).
    const at = location.hash;
    // `<html data-first-run>` once the check has answered (and sent the person on, if it did): the
    // browser tests wait for it instead of guessing how long the check takes.
    // Signing out takes it off, so that the next sign-in's check is waited for again.
    let live = true;
    const settled = () => live && (document.documentElement.dataset.firstRun = "checked");
    if (!can("getSettings")) settled();
    else
      void needsFirstRun()
        .then((yes) => live && yes && location.hash === at && (location.hash = "#/parametres"))
        .finally(settled);
    return () => {
      live = false;
      delete document.documentElement.dataset.firstRun;
    };
  }, []);
  const roles = me.roles.map((r) => ROLE_LABELS[r] ?? r).join(", ");
  return html`
    <a class="skip" href="#main" onClick=${(e: Event) => (e.preventDefault(), document.getElementById("main")?.focus())}>Aller au contenu</a>
    <header class="top">
      <div class="brand">Console de gestion</div>
      <div class="who"><span class="role-badge" data-testid="role">${roles}</span>
        <button type="button" class="secondary small" onClick=${onSignOut}>Se déconnecter</button></div>
    </header>
    <div class="layout">
      <nav class="side" aria-label="Écrans">
        <ul>${visible.map((s) => html`<li><a href=${`#/${s.path}`} aria-current=${s === screen ? "page" : undefined}>${s.label}</a></li>`)}</ul>
      </nav>
      <main id="main" tabindex="-1">
        ${screen ? html`<${screen.view} sub=${rest.join("/") + query} />` : html`<p>Aucun écran n'est ouvert à votre rôle.</p>`}
      </main>
    </div>`;
}

function LocalSignIn({ config, onDone, initialError }: { config: Extract<ConsoleConfig, { auth: "local" }>; onDone: () => void; initialError?: unknown }) {
  const [role, setRole] = useState(config.roles[0] ?? "tresorier");
  const [error, setError] = useState<unknown>(initialError);
  return html`<main class="signin" id="main">
    <form class="card" onSubmit=${async (e: Event) => {
      e.preventDefault();
      try {
        await signInLocal(role);
        onDone();
      } catch (err) {
        setError(err);
      }
    }}>
      <h1>Connexion à la console</h1>
      <p class="hint">Environnement local : l'identité de développement délivre un jeton pour le rôle choisi. En production, la connexion passe par Cognito (avec double authentification).</p>
      <fieldset>
        <legend>Se connecter en tant que</legend>
        ${config.roles.map((r) => html`<label class="radio"><input type="radio" name="role" value=${r} checked=${r === role} onChange=${() => setRole(r)} /> ${ROLE_LABELS[r] ?? r}</label>`)}
      </fieldset>
      <${ProblemView} error=${error} />
      <button type="submit" class="primary">Se connecter</button>
    </form>
  </main>`;
}

function CognitoSignIn({ error }: { error?: unknown }) {
  return html`<main class="signin" id="main"><div class="card">
    <h1>Connexion à la console</h1>
    <p>La connexion se fait sur la page sécurisée de l'association (identifiant, mot de passe et code de double authentification).</p>
    <${ProblemView} error=${error} />
    <button type="button" class="primary" onClick=${() => signInCognito()}>Se connecter</button>
  </div></main>`;
}

/**
 * The session expired while the console was open: a modal asks to sign in again, over the screen
 * left as it was (what was typed stays in the forms; a sign-in through the hosted page reloads the
 * console, and the forms' drafts come back from sessionStorage).
 */
const RETURN_KEY = "console.return";

/** Signing out on purpose leaves no typed draft behind in the tab. */
function forgetDrafts(): void {
  for (const k of Object.keys(sessionStorage)) if (k.startsWith("console.draft.")) sessionStorage.removeItem(k);
}

function Reconnect({ config, onDone }: { config: ConsoleConfig; onDone: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  const role = getMe().roles[0] ?? "tresorier";
  return html`<dialog ref=${dialog} aria-labelledby="reconnect-title" data-testid="reconnect" onCancel=${(e: Event) => e.preventDefault()}>
    <h2 id="reconnect-title">Session expirée</h2>
    <div class="dialog-body">
      <p>Pour votre sécurité, la session a pris fin. Reconnectez-vous pour continuer : ce que vous avez saisi reste à l'écran, rien n'a été perdu.</p>
      <${ProblemView} error=${error} />
    </div>
    <div class="dialog-actions">
      <button type="button" class="primary" onClick=${async () => {
        setError(undefined);
        try {
          if (config.auth === "local") {
            await signInLocal(role);
            onDone();
          } else {
            // The hosted page comes back to index.html: the screen to reopen is kept for the return.
            sessionStorage.setItem(RETURN_KEY, location.hash);
            await signInCognito();
          }
        } catch (err) {
          setError(err instanceof TypeError ? new Error("Connexion impossible : vérifiez la connexion à Internet, puis réessayez.") : err);
        }
      }}>Se reconnecter${config.auth === "local" ? ` (${ROLE_LABELS[role] ?? role})` : ""}</button>
    </div>
  </dialog>`;
}

function App({ config, initialError }: { config: ConsoleConfig; initialError?: unknown }) {
  const [state, setState] = useState<"out" | "loading" | "in">(signedIn() ? "loading" : "out");
  const [expired, setExpired] = useState(false);
  const [error, setError] = useState<unknown>(initialError);
  const current = useRef(state);
  current.current = state;
  const enter = async () => {
    setState("loading");
    try {
      setMe(await get<Me>("/v1/me"));
      await loadFiscalStart();
      const back = sessionStorage.getItem(RETURN_KEY);
      if (back) sessionStorage.removeItem(RETURN_KEY), (location.hash = back);
      setState("in");
    } catch (err) {
      setError(err);
      setState("out");
    }
  };
  useEffect(() => {
    if (state === "loading") void enter();
    const onSignedOut = () => {
      // Signed in with a screen open: keep it, ask to sign in again over it.
      if (current.current === "in") return setExpired(true);
      setError(new SignedOut());
      setState("out");
    };
    addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, []);
  if (state === "in")
    return html`<${Shell} onSignOut=${() => (forgetDrafts(), signOut(), setExpired(false), setState("out"))} />
      ${expired ? html`<${Reconnect} config=${config} onDone=${() => setExpired(false)} />` : null}`;
  if (state === "loading") return html`<p class="boot" role="status">Connexion…</p>`;
  return config.auth === "local" ? html`<${LocalSignIn} config=${config} onDone=${enter} initialError=${error} />` : html`<${CognitoSignIn} error=${error} />`;
}

async function boot() {
  const root = document.getElementById("app")!;
  try {
    const config = await loadConfig();
    let initialError: unknown;
    try {
      await completeCognitoRedirect();
    } catch (err) {
      initialError = err;
    }
    root.replaceChildren();
    render(html`<${App} config=${config} initialError=${initialError} />`, root);
  } catch (err) {
    root.innerHTML = "";
    const p = document.createElement("p");
    p.setAttribute("role", "alert");
    // Offline or the server unreachable: said in French, with a way to try again.
    const offline = err instanceof TypeError || !navigator.onLine;
    p.textContent = offline
      ? "La console n'a pas pu démarrer : le serveur est injoignable. Vérifiez la connexion à Internet, puis réessayez."
      : "La console n'a pas pu démarrer. Réessayez dans un instant ; si cela se reproduit, prévenez la personne qui s'occupe de la console.";
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "primary";
    retry.textContent = "Réessayer";
    retry.addEventListener("click", () => location.reload());
    root.append(p, retry);
  }
}

void boot();
