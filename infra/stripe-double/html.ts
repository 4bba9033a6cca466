/** What the double's pages share: escaping and the page frame. */

/** Text for HTML (element content and quoted attributes). */
export const escapeHtml = (value: unknown) =>
  String(value ?? "").replace(/[&<>"'`]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" })[c]!);

/** A link only when it is http(s) (a `javascript:` return URL is dropped). */
export const safeLink = (url: unknown) => (/^https?:\/\//i.test(String(url ?? "")) ? String(url) : "");

const PARIS_DATE = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", day: "2-digit", month: "2-digit", year: "numeric" });

/** A Unix time as a Paris date (dd/mm/yyyy). */
export const parisDate = (unixSeconds: unknown) => PARIS_DATE.format(new Date(Number(unixSeconds) * 1000));

/** A page of the double: French, no script, inline style only. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)} (double de test Stripe)</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#222}
.sub{border:1px solid #ccc;border-radius:.5rem;padding:1rem;margin:1rem 0}button{min-height:2.75rem;padding:0 1rem;margin:.25rem 0}
input{min-height:2.5rem;width:100%;box-sizing:border-box}.muted{color:#555}</style></head><body>
${body}</body></html>`;
}
