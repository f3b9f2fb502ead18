/**
 * What GET /clusters tells about a failing cluster: a short category and the HTTP status, never the raw error (it
 * carries API server URLs, addresses, file paths and stack text; the backend log keeps the full message). A 403 of
 * the tracker's list or watch also names the verb and resource RBAC refused, so the platform team knows what to grant.
 */
export function publicClusterError(
  message: string | undefined,
): string | undefined {
  if (message === undefined) return undefined;
  if (
    /did not answer|timed? ?out|ETIMEDOUT|ESOCKETTIMEDOUT|silent for/i.test(
      message,
    )
  ) {
    return 'timed out';
  }
  const status =
    /\b(?:answered|error|HTTP[- ]?(?:code|status)?:?|status(?:Code)?:?)\s*(\d{3})\b/i.exec(
      message,
    )?.[1];
  if (status) return describeStatus(Number(status)) + forbiddenAccess(message);
  if (/unauthori[sz]ed/i.test(message)) return describeStatus(401);
  if (/forbidden/i.test(message)) return describeStatus(403);
  if (/certificate|CERT_|SSL|TLS|self[- ]signed/i.test(message)) {
    return 'TLS certificate rejected';
  }
  if (
    /unreachable|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|socket hang up|fetch failed/i.test(
      message,
    )
  ) {
    return 'unreachable';
  }
  return 'failing (details in the backend log)';
}

function describeStatus(status: number): string {
  switch (status) {
    case 401:
      return 'unauthorised (401)';
    case 403:
      return 'forbidden (403)';
    case 404:
      return 'not found (404)';
    case 429:
      return 'throttled (429)';
    default:
      return status >= 500 ? `server error (${status})` : `refused (${status})`;
  }
}

/**
 * `: cannot watch pods` for the tracker's `watch /api/v1/pods answered 403` (`deployments.apps` for a named group):
 * which verb the cluster's RBAC lacks. Resource names are public Kubernetes API names, not internal details.
 */
function forbiddenAccess(message: string): string {
  const match =
    /\b(list|watch) \/(?:api\/v1|apis\/([a-z0-9.-]+)\/[a-z0-9]+)\/([a-z0-9]+) answered 403\b/.exec(
      message,
    );
  if (!match) return '';
  const [, verb, group, plural] = match;
  return `: cannot ${verb} ${group ? `${plural}.${group}` : plural}`;
}
