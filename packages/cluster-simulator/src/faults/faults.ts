/*
 * Fault injection: the failures a product talking to many clusters must
 * survive, on demand. The state here is read by the HTTP layer on every
 * request; actions that act on connections (drop watches, restart) are
 * carried out by the fleet.
 */

/** A fault to inject into one cluster. @public */
export type FaultInjection =
  /** end every open watch; `abort` resets the connections instead of ending the streams */
  | { type: 'dropWatches'; abort?: boolean }
  /** answer the next `count` requests with an error status (500 default, 429 with Retry-After) */
  | {
      type: 'failRequests';
      count: number;
      status?: 429 | 500 | 503;
      retryAfterSeconds?: number;
    }
  /** add latency (and random jitter) before every request is answered; 0 removes it */
  | { type: 'latency'; ms: number; jitterMs?: number }
  /** accept connections and requests but never answer (enabled by default) */
  | { type: 'blackhole'; enabled?: boolean }
  /** discard the watch history so resumes get 410 Gone */
  | { type: 'compact' }
  /** stop listening for `downtimeMs` (connections refused), drop watches, keep state */
  | { type: 'restart'; downtimeMs?: number }
  /** remove latency, pending failures and the black hole */
  | { type: 'clear' };

/** The request-path fault state of one cluster. @public */
export class FaultState {
  latencyMs = 0;
  jitterMs = 0;
  blackhole = false;
  private failRemaining = 0;
  private failStatus: 429 | 500 | 503 = 500;
  private retryAfterSeconds = 1;

  failRequests(
    count: number,
    status: 429 | 500 | 503 = 500,
    retryAfterSeconds = 1,
  ): void {
    this.failRemaining = count;
    this.failStatus = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Consumes one injected failure, if any is pending. */
  takeFailure():
    | { status: 429 | 500 | 503; retryAfterSeconds: number }
    | undefined {
    if (this.failRemaining <= 0) return undefined;
    this.failRemaining--;
    return {
      status: this.failStatus,
      retryAfterSeconds: this.retryAfterSeconds,
    };
  }

  /** The delay to add to the next request. */
  delay(random: () => number): number {
    if (this.latencyMs <= 0 && this.jitterMs <= 0) return 0;
    return this.latencyMs + random() * this.jitterMs;
  }

  clear(): void {
    this.latencyMs = 0;
    this.jitterMs = 0;
    this.blackhole = false;
    this.failRemaining = 0;
  }

  /** A summary for the admin API. */
  describe(): Record<string, unknown> {
    return {
      latencyMs: this.latencyMs,
      jitterMs: this.jitterMs,
      blackhole: this.blackhole,
      pendingFailures: this.failRemaining,
      failureStatus: this.failStatus,
    };
  }
}
