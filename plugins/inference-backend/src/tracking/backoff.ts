/**
 * Jittered exponential backoff as client-go's reflector uses it: 0.8 s doubling to 30 s, reset after 2 minutes
 * without a failure.
 */
export class Backoff {
  private attempt = 0;
  private lastFailureAt = 0;

  constructor(
    private readonly options: {
      initialMs: number;
      maxMs: number;
      resetAfterMs: number;
      jitter: number;
    } = { initialMs: 800, maxMs: 30_000, resetAfterMs: 120_000, jitter: 1 },
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt after a failure. */
  next(): number {
    const now = this.now();
    if (now - this.lastFailureAt > this.options.resetAfterMs) this.attempt = 0;
    this.lastFailureAt = now;
    const base = Math.min(
      this.options.initialMs * 2 ** this.attempt,
      this.options.maxMs,
    );
    this.attempt += 1;
    return Math.min(
      base * (1 + this.random() * this.options.jitter),
      this.options.maxMs * (1 + this.options.jitter),
    );
  }
}
