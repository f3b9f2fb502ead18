/**
 * What GET /clusters tells about a failing cluster: a short category and the HTTP status, never the raw error (it
 * carries API server URLs, addresses, file paths and stack text; the backend log keeps the full message).
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
  if (status) return describeStatus(Number(status));
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
