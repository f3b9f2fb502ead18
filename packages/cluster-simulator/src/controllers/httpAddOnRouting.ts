/*
 * The KEDA HTTP add-on interceptor's routing table: which HTTPScaledObject a
 * request belongs to. Follows the v0.12 HTTPScaledObject reference
 * (https://github.com/kedacore/http-add-on/blob/main/docs/ref/v0.12.0/http_scaled_object.md,
 * `hosts`, `pathPrefixes`, `headers`) and pkg/routing (table.go Route: the
 * host is the request's Host header without its port):
 * - an exact host beats a wildcard `*.example.com`, a longer wildcard beats a
 *   shorter one, and an empty host or `*` is a catch-all tried last;
 * - among the objects of the best host, the longest matching path prefix
 *   wins (`pathPrefixes` defaults to `/`);
 * - `headers` narrow a route further: all listed headers must match (a value
 *   must match exactly, no value means presence); more headers win, and an
 *   object without headers is the fallback.
 */

type Obj = Record<string, any>;

/** The request attributes the routing table reads. */
export interface RoutedRequest {
  host: string;
  path: string;
  headers: Record<string, string | undefined>;
}

/** The Host header without its port (routing.stripPort). */
export function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const i = host.lastIndexOf(':');
  return i >= 0 ? host.slice(0, i) : host;
}

/** How well a `hosts` entry matches a host name: higher is more specific, -1 no match. */
function hostScore(pattern: string, host: string): number {
  const p = pattern.toLowerCase();
  if (p === '' || p === '*') return 0;
  if (p.startsWith('*.'))
    return host.endsWith(p.slice(1)) && host.length > p.length - 1
      ? p.length
      : -1;
  return p === host ? 1_000_000 : -1;
}

function headerScore(httpso: Obj, headers: RoutedRequest['headers']): number {
  const wanted = (httpso.spec?.headers ?? []) as Obj[];
  let score = 0;
  for (const h of wanted) {
    const got = headers[String(h.name).toLowerCase()];
    if (got === undefined) return -1;
    if (h.value !== undefined && h.value !== null) {
      if (got !== h.value) return -1;
      score += 2;
    } else score += 1;
  }
  return score;
}

/** The HTTPScaledObject a request is routed to, or undefined (the interceptor answers 404). */
export function routeRequest(
  httpsos: Iterable<Obj>,
  req: RoutedRequest,
): Obj | undefined {
  const host = stripPort(req.host).toLowerCase();
  let best: { o: Obj; rank: [number, number, number] } | undefined;
  for (const o of httpsos) {
    const hosts = ((o.spec?.hosts ?? []) as string[]).length
      ? (o.spec.hosts as string[])
      : [''];
    const hs = Math.max(...hosts.map(h => hostScore(String(h), host)));
    if (hs < 0) continue;
    const prefixes = ((o.spec?.pathPrefixes ?? []) as string[]).length
      ? (o.spec.pathPrefixes as string[])
      : ['/'];
    const ps = Math.max(
      ...prefixes.map(p => (req.path.startsWith(p) ? p.length : -1)),
    );
    if (ps < 0) continue;
    const hd = headerScore(o, req.headers);
    if (hd < 0) continue;
    const rank: [number, number, number] = [hs, ps, hd];
    if (
      !best ||
      rank[0] > best.rank[0] ||
      (rank[0] === best.rank[0] &&
        (rank[1] > best.rank[1] ||
          (rank[1] === best.rank[1] && rank[2] > best.rank[2])))
    )
      best = { o, rank };
  }
  return best?.o;
}
