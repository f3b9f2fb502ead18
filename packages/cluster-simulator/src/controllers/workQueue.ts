/*
 * A de-duplicating work queue, like client-go's: a key added many times
 * before it is processed is reconciled once. Queues drain on the next turn
 * of the event loop (and after each batch of simulated timers), so controllers
 * react to a burst of changes in one batch instead of once per change.
 */

/** A queue of keys reconciled by one function. */
export class WorkQueue {
  private pending = new Set<string>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly reconcile: (key: string) => void,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.drain();
      });
    }
  }

  get length(): number {
    return this.pending.size;
  }

  /** Processes every pending key, including keys added while draining (bounded). */
  drain(limit = 100_000): void {
    let processed = 0;
    while (this.pending.size > 0 && processed < limit && !this.stopped) {
      const batch = Array.from(this.pending);
      this.pending.clear();
      for (const key of batch) {
        try {
          this.reconcile(key);
        } catch (e) {
          this.onError(key, e);
        }
        processed++;
      }
    }
    if (this.pending.size > 0 && !this.scheduled && !this.stopped) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.drain();
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }
}
