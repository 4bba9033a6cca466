/** The HTTP API as the console calls it: bearer token, JSON, problems as typed errors, downloads. */
import { idToken, SignedOut } from "./auth.js";
import { frenchProblem, networkProblem, type FrenchProblem, type Problem } from "./problems.js";
import { fileNameOf, keyKeeper, newKey, withQuery } from "./query.js";

export { fileNameOf, withQuery, type Problem };

/** An answer of the API that is a problem (application/problem+json); `french` is what a person reads. */
export class ApiError extends Error {
  readonly french: FrenchProblem;
  constructor(readonly problem: Problem) {
    const french = frenchProblem(problem);
    super(french.detail ?? french.title);
    this.name = "ApiError";
    this.french = french;
  }
}

/** No answer at all (offline, the server unreachable): the browser's "Failed to fetch", in French. */
export class NetworkError extends Error {
  readonly french: FrenchProblem;
  constructor(cause: unknown) {
    const french = networkProblem(typeof navigator === "undefined" || navigator.onLine);
    super(french.title, { cause });
    this.name = "NetworkError";
    this.french = french;
  }
}

type Query = Parameters<typeof withQuery>[1];

export interface CallOptions {
  query?: Query;
  body?: unknown;
  /** A raw body (statement upload) sent with `contentType`. */
  raw?: Blob | string;
  contentType?: string;
  /** Sent as `Idempotency-Key` on writes: a retry of the same action writes nothing twice. */
  idempotencyKey?: string;
  /** More request headers (`If-Match` on a settings section). */
  headers?: Record<string, string>;
}

/** fetch with the bearer token; on a 401 the token is refreshed once and the call made again. */
async function send(method: string, path: string, opts: CallOptions = {}, retry = true): Promise<Response> {
  try {
    return await sendOnce(method, path, opts, retry);
  } catch (err) {
    // The session is over (refresh refused or expired): the app goes back to its sign-in page.
    if (err instanceof SignedOut) dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT));
    throw err;
  }
}

/** The session's token; a refresh that got no answer is a network fault, not the end of the session. */
async function token(force = false): Promise<string> {
  try {
    return await idToken(force);
  } catch (err) {
    if (err instanceof TypeError) throw new NetworkError(err);
    throw err;
  }
}

/** Sent on `window` when a call finds the session over. */
export const SIGNED_OUT_EVENT = "console:signed-out";

async function sendOnce(method: string, path: string, opts: CallOptions, retry: boolean): Promise<Response> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}), authorization: `Bearer ${await token()}` };
  let body: BodyInit | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers["content-type"] = opts.contentType ?? "application/octet-stream";
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = "application/json";
  }
  if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body, cache: "no-store" });
  } catch (err) {
    // The request may or may not have reached the server: a retry sends the same Idempotency-Key.
    throw new NetworkError(err);
  }
  if (res.status === 401 && retry) {
    await token(true);
    return sendOnce(method, path, opts, false);
  }
  if (res.status === 401) throw new SignedOut();
  if (!res.ok) {
    let problem: Problem = { title: `Erreur ${res.status}`, status: res.status };
    try {
      problem = { ...problem, ...((await res.json()) as Partial<Problem>) };
    } catch {
      /* not JSON: keep the status */
    }
    throw new ApiError(problem);
  }
  return res;
}

export async function api<T = unknown>(method: string, path: string, opts?: CallOptions): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch (err) {
    // The connection dropped while the answer was read.
    throw new NetworkError(err);
  }
}

export const get = <T = unknown>(path: string, query?: Query) => api<T>("GET", path, { query });

/** Downloads a file the API answers (with the token: a plain link could not carry it); returns its name. */
export async function download(path: string, query: Query | undefined, fallbackName: string): Promise<string> {
  const res = await send("GET", path, { query });
  const name = fileNameOf(res.headers.get("content-disposition"), fallbackName);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return name;
}

export { keyKeeper, newKey };
