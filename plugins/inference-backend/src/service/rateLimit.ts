import { CustomErrorBase } from '@backstage/errors';

/**
 * A 429: the caller made more writes than its allowance. The error handler answers with `statusCode`; the route
 * sets `Retry-After`.
 */
export class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;
  readonly statusCode = 429;

  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** How many buckets are kept before idle ones (full again) are dropped. */
const PRUNE_ABOVE = 10_000;

/**
 * A token bucket per caller, in memory: `writesPerMinute` tokens at most, refilled continuously. Per instance: with
 * several backend replicas a caller's allowance is per replica.
 */
export class WriteRateLimiter {
  static create(options: {
    writesPerMinute: number;
    now?: () => number;
  }): WriteRateLimiter {
    return new WriteRateLimiter(
      options.writesPerMinute,
      options.now ?? Date.now,
    );
  }

  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  private constructor(
    private readonly writesPerMinute: number,
    private readonly now: () => number,
  ) {}

  /** Takes one write of the caller's allowance; throws {@link TooManyRequestsError} when none is left. */
  take(caller: string): void {
    const now = this.now();
    const bucket = this.refilled(caller, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(caller, bucket);
      if (this.buckets.size > PRUNE_ABOVE) this.prune(now);
      return;
    }
    const retryAfter = this.retryAfterSeconds(bucket);
    throw new TooManyRequestsError(
      `${caller} made more than ${this.writesPerMinute} writes in a minute; retry in ${retryAfter} s`,
      retryAfter,
    );
  }

  private retryAfterSeconds(bucket: { tokens: number }): number {
    // whole milliseconds first: float error must not turn 1 s into 2
    const ms = Math.round(
      ((1 - bucket.tokens) * 60_000) / this.writesPerMinute,
    );
    return Math.max(1, Math.ceil(ms / 1000));
  }

  private refilled(caller: string, now: number) {
    const bucket = this.buckets.get(caller);
    if (!bucket) return { tokens: this.writesPerMinute, at: now };
    const elapsedMinutes = Math.max(0, now - bucket.at) / 60_000;
    return {
      tokens: Math.min(
        this.writesPerMinute,
        bucket.tokens + elapsedMinutes * this.writesPerMinute,
      ),
      at: now,
    };
  }

  private prune(now: number) {
    for (const [caller] of this.buckets) {
      if (this.refilled(caller, now).tokens >= this.writesPerMinute) {
        this.buckets.delete(caller);
      }
    }
  }
}
