/**
 * Sign-in. In AWS: the Cognito hosted UI, authorization code + PKCE; the tokens live in memory only
 * (a reload signs in again through the hosted UI's own session), the ID token is refreshed with the
 * refresh token before it expires, sign-out ends the hosted UI session too. Locally: the dev
 * identity's sign-in routes hand a token for the role picked on the sign-in page.
 * Only the PKCE verifier and state cross the redirect (sessionStorage), never a token.
 */

export type ConsoleConfig =
  | { auth: "local"; roles: string[]; tokenPath: string }
  | { auth: "cognito"; domain: string; clientId: string; redirectUri: string; logoutUri?: string; scopes?: string[] };

interface Session {
  idToken: string;
  refreshToken?: string;
  /** epoch ms */
  expiresAt: number;
  /** local only: the role signed in as */
  role?: string;
}

let config: ConsoleConfig | undefined;
let session: Session | undefined;
const PKCE_KEY = "console.pkce";

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch("/console/config.json", { cache: "no-store" });
  if (!res.ok) throw new Error(`config.json: ${res.status}`);
  config = (await res.json()) as ConsoleConfig;
  return config;
}

export const signedIn = (): boolean => !!session;

const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const randomString = (n = 32) => b64url(crypto.getRandomValues(new Uint8Array(n)));
const origin = (domain: string) => (/^https?:\/\//.test(domain) ? domain.replace(/\/$/, "") : `https://${domain}`);

/** Local: a token for `role` from the dev identity. */
export async function signInLocal(role: string): Promise<void> {
  if (config?.auth !== "local") throw new Error("not local");
  const res = await fetch(`${config.tokenPath}${encodeURIComponent(role)}`, { cache: "no-store" });
  if (!res.ok) throw new Error(`sign-in: ${res.status}`);
  const t = (await res.json()) as { idToken: string; expiresIn: number };
  session = { idToken: t.idToken, expiresAt: Date.now() + t.expiresIn * 1000, role };
}

/** AWS: off to the hosted UI, with a PKCE challenge. */
export async function signInCognito(): Promise<void> {
  if (config?.auth !== "cognito") throw new Error("not cognito");
  const verifier = randomString(48);
  const state = randomString(16);
  const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const q = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: (config.scopes ?? ["openid", "email"]).join(" "),
    code_challenge_method: "S256",
    code_challenge: challenge,
    state,
  });
  location.assign(`${origin(config.domain)}/oauth2/authorize?${q}`);
}

async function tokenRequest(form: Record<string, string>): Promise<void> {
  if (config?.auth !== "cognito") throw new Error("not cognito");
  const res = await fetch(`${origin(config.domain)}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: config.clientId, ...form }),
  });
  if (!res.ok) throw new Error(`token: ${res.status}`);
  const t = (await res.json()) as { id_token: string; refresh_token?: string; expires_in: number };
  session = { idToken: t.id_token, refreshToken: t.refresh_token ?? session?.refreshToken, expiresAt: Date.now() + t.expires_in * 1000 };
}

/** Back from the hosted UI with `?code=&state=`: exchanges the code; true when signed in. */
export async function completeCognitoRedirect(): Promise<boolean> {
  if (config?.auth !== "cognito") return false;
  const url = new URL(location.href);
  const code = url.searchParams.get("code");
  const state = url.searchParams.get("state");
  if (!code) return false;
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? "null") as { verifier: string; state: string } | null;
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, "", url.pathname + url.hash);
  if (!saved || saved.state !== state) throw new Error("La réponse de connexion ne correspond à aucune demande : reconnectez-vous.");
  await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: config.redirectUri, code_verifier: saved.verifier });
  return true;
}

/** A fresh token: refreshed when it expires within a minute (or when `force`). */
export async function idToken(force = false): Promise<string> {
  if (!session) throw new SignedOut();
  if (force || session.expiresAt - 60_000 < Date.now()) {
    try {
      if (config?.auth === "local" && session.role) await signInLocal(session.role);
      else if (config?.auth === "cognito" && session.refreshToken) await tokenRequest({ grant_type: "refresh_token", refresh_token: session.refreshToken });
      else throw new SignedOut();
    } catch (err) {
      // No answer (offline): the session is not over, the call fails as a network fault.
      if (err instanceof TypeError) throw err;
      // Refresh refused (revoked, expired) or impossible: the session is over.
      session = undefined;
      throw new SignedOut();
    }
  }
  return session!.idToken;
}

export class SignedOut extends Error {
  constructor() {
    super("Session terminée : reconnectez-vous.");
    this.name = "SignedOut";
  }
}

/** Forgets the tokens; in AWS also ends the hosted UI session. */
export function signOut(): void {
  session = undefined;
  if (config?.auth === "cognito") {
    const q = new URLSearchParams({ client_id: config.clientId, logout_uri: config.logoutUri ?? config.redirectUri });
    location.assign(`${origin(config.domain)}/logout?${q}`);
  }
}
