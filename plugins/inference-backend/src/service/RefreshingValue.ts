/**
 * A value loaded from the store and served from memory: after `ttlMs` the next read returns the cached value and
 * reloads it in the background (stale-while-revalidate), so page views never wait on the database once warm.
 */
export class RefreshingValue<T> {
  private value: T | undefined;
  private loadedAt = 0;
  private loading: Promise<T> | undefined;
  // a load started before invalidate() must not put its (older) answer back
  private generation = 0;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<T> {
    if (this.value === undefined) return this.reload();
    if (this.now() - this.loadedAt > this.ttlMs) {
      this.reload().catch(() => {
        // keep serving the last good value; the next read retries
      });
    }
    return this.value;
  }

  /** Drops the cached value: the next read waits for a fresh one (after a write by this instance). */
  invalidate(): void {
    this.generation += 1;
    this.value = undefined;
    this.loading = undefined;
  }

  reload(): Promise<T> {
    if (!this.loading) {
      const generation = this.generation;
      const loading = this.load()
        .then(value => {
          if (generation === this.generation) {
            this.value = value;
            this.loadedAt = this.now();
          }
          return value;
        })
        .finally(() => {
          if (this.loading === loading) this.loading = undefined;
        });
      this.loading = loading;
    }
    return this.loading;
  }
}
