/**
 * True when `host` (the Host header) names this machine's loopback: what the local sign-in
 * answers to. A page on another site whose name resolves to 127.0.0.1 (DNS rebinding) sends its
 * own name as Host and is refused.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!m) return false;
  const name = m[1]!;
  return name === "localhost" || name === "[::1]" || /^127(\.\d{1,3}){3}$/.test(name);
}
