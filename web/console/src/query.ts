/** The console's URL and header helpers that need no browser (unit-tested under Node). */

export type Query = Record<string, string | number | undefined | null | false>;

/** `path?k=v…`, leaving out empty filters. */
export function withQuery(path: string, query?: Query): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== false && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** The file name of a download, from `Content-Disposition`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]!);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1]! : fallback;
}

/** A fresh key for one user action. */
export const newKey = (): string => crypto.randomUUID();

/**
 * The `Idempotency-Key` of a form: the same request sent again (a retry after a network failure,
 * a double click) carries the same key, so the API writes once; a corrected request gets a new key
 * (the API refuses a key reused for another body). `reset()` after a success, so that the same
 * figures entered again on purpose make a second write.
 */
export function keyKeeper(): { for(request: unknown): string; reset(): void } {
  let last: { sig: string; key: string } | undefined;
  return {
    for(request) {
      const sig = JSON.stringify(request);
      if (!last || last.sig !== sig) last = { sig, key: newKey() };
      return last.key;
    },
    reset() {
      last = undefined;
    },
  };
}
