import { retryDelayMs } from '../http';

/**
 * How a client waits out a 429 (rate limited) or 503 (store unreachable) whose `Retry-After` says when to come back.
 *
 * @public
 */
export interface InferenceApiRetrySettings {
  /** Requests sent again at most, after the first. */
  maxRetries: number;
  /** A longer Retry-After is not waited for: the answer goes to the caller as it is. */
  maxWaitMs: number;
  /** How a wait is done (default: a timer; tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
}

const timer = (ms: number) =>
  new Promise<void>(resolve => {
    setTimeout(resolve, ms);
  });

/**
 * Sends a request and sends it again while the answer is a 429 or 503 that says when to come back, within the
 * settings; the backend refuses both before acting, so the same request can go again. `isAnswer` names statuses that
 * are answers rather than refusals (a degraded health report is a 503 that must not be retried).
 */
export async function fetchWithRetry(
  send: () => Promise<Response>,
  settings: InferenceApiRetrySettings,
  isAnswer: (status: number) => boolean = () => false,
): Promise<Response> {
  const sleep = settings.sleep ?? timer;
  let response = await send();
  for (let retries = 0; retries < settings.maxRetries; retries++) {
    if (response.ok || isAnswer(response.status)) break;
    const delayMs = retryDelayMs(
      response.status,
      response.headers.get('Retry-After'),
      { maxWaitMs: settings.maxWaitMs },
    );
    if (delayMs === undefined) break;
    await discardBody(response);
    await sleep(delayMs);
    response = await send();
  }
  return response;
}

// An unread body holds its connection open until it is collected; some test doubles have no stream to cancel.
async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // nothing to release
  }
}
