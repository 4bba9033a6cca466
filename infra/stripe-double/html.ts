/** What the double's pages share: escaping and the page frame. */

/** Text for HTML (element content and quoted attributes). */
export const escapeHtml = (value: unknown) =>
  String(value ?? "").replace(/[&<>"'`]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" })[c]!);

/** A link only when it is http(s) (a `javascript:` return URL is dropped). */
export const safeLink = (url: unknown) => (/^https?:\/\//i.test(String(url ?? "")) ? String(url) : "");
