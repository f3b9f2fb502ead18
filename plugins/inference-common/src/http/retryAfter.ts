/**
 * When to try an answered request again, from its status and `Retry-After` header (RFC 9110 §10.2.3: a number of
 * seconds or an HTTP date). Only 429 (rate limited) and 503 (the store is unreachable) are retried: the inference
 * backend refuses both before doing anything, so trying again cannot do a write twice. Undefined: do not retry
 * (another status, no usable header, or a wait longer than the caller accepts).
 *
 * @public
 */
export function retryDelayMs(
  status: number,
  retryAfter: string | null | undefined,
  options: { maxWaitMs: number; now?: number },
): number | undefined {
  if (status !== 429 && status !== 503) return undefined;
  const value = retryAfter?.trim();
  if (!value) return undefined;
  let delayMs: number;
  if (/^\d+$/.test(value)) {
    delayMs = Number(value) * 1000;
  } else if (/^[A-Za-z]{3},? /.test(value)) {
    // an HTTP date begins with the day's name (IMF-fixdate, or the obsolete RFC 850 and asctime forms)
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    delayMs = Math.max(0, at - (options.now ?? Date.now()));
  } else {
    return undefined;
  }
  return delayMs <= options.maxWaitMs ? delayMs : undefined;
}
