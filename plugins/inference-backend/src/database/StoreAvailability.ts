import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { causeOf, isConnectionLoss } from './connectionLoss';
import { InferenceStore } from './InferenceStore';

/**
 * Whether the inference store (the database) can be reached, as one fact for the whole backend: the first operation
 * that loses the connection starts an outage (one warn line with the cause), during which every store operation is
 * refused at once with a {@link ServiceUnavailableError} and only a ping retries, every `retryMs`, until one
 * answers (one info line with the outage's length).
 */
export class StoreAvailability {
  private lostAt: Date | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  static create(options: {
    logger: LoggerService;
    /** A round trip to the database that bypasses this guard (the raw store's ping). */
    ping: () => Promise<void>;
    retryMs?: number;
    now?: () => Date;
  }): StoreAvailability {
    return new StoreAvailability(
      options.logger,
      options.ping,
      options.retryMs ?? 2_000,
      options.now ?? (() => new Date()),
    );
  }

  private constructor(
    private readonly logger: LoggerService,
    private readonly ping: () => Promise<void>,
    readonly retryMs: number,
    private readonly now: () => Date,
  ) {}

  /** Since when the store is unreachable; undefined while it answers. */
  get unreachableSince(): Date | undefined {
    return this.lostAt;
  }

  /** Throws the outage's ServiceUnavailableError while the store is unreachable. */
  assertReachable(): void {
    if (this.lostAt) throw this.unavailable(this.lostAt);
  }

  /**
   * Runs a store operation: refused at once during an outage; an operation that loses the connection starts one and
   * fails with the ServiceUnavailableError instead of the driver's error. Other errors pass through.
   */
  async run<T>(operation: () => Promise<T>): Promise<T> {
    this.assertReachable();
    try {
      return await operation();
    } catch (error) {
      if (!isConnectionLoss(error)) throw error;
      this.lost(error);
      throw this.unavailable(this.lostAt!);
    }
  }

  /**
   * A periodic task's body that waits out an outage: skipped while the store is unreachable, and a run cut short by
   * the connection loss ends quietly (the loss is logged once, here), so the scheduler logs no stack per run.
   */
  task(body: () => Promise<void>): () => Promise<void> {
    return async () => {
      if (this.lostAt) return;
      try {
        await body();
      } catch (error) {
        if (error instanceof ServiceUnavailableError) return;
        throw error;
      }
    };
  }

  /** Stops retrying (backend shutdown). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  private lost(error: unknown): void {
    if (this.lostAt) return;
    this.lostAt = this.now();
    this.logger.warn(
      `Inference store (database) lost: ${causeOf(
        error,
      )}; reads and writes of the store answer 503 until it is back, retrying every ${
        this.retryMs / 1000
      } s`,
    );
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.ping().then(
        () => this.back(),
        () => this.scheduleRetry(),
      );
    }, this.retryMs);
    // an outage must not keep a stopping process alive
    this.retryTimer.unref();
  }

  private back(): void {
    const since = this.lostAt!;
    this.lostAt = undefined;
    const seconds = (this.now().getTime() - since.getTime()) / 1000;
    this.logger.info(
      `Inference store (database) is back after ${seconds.toFixed(
        1,
      )} s (unreachable since ${since.toISOString()})`,
    );
  }

  private unavailable(since: Date): ServiceUnavailableError {
    return new ServiceUnavailableError(
      `The inference store (database) is unreachable since ${since.toISOString()}; retrying`,
    );
  }
}

/** Every method of `target` run through {@link StoreAvailability.run}. */
function guarded<T extends object>(
  target: T,
  availability: StoreAvailability,
): T {
  return new Proxy(target, {
    get(object, key) {
      const value = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        availability.run(() => value.apply(object, args));
    },
  });
}

/**
 * The store as the rest of the backend uses it: every operation (routes, caches, periodic tasks alike) goes through
 * `availability`, so an outage is noticed by whichever comes first and refused the same way everywhere.
 */
export function guardStore(
  store: InferenceStore,
  availability: StoreAvailability,
): InferenceStore {
  return {
    quotas: guarded(store.quotas, availability),
    usage: guarded(store.usage, availability),
    ping: () => availability.run(() => store.ping()),
    latestMigration: () => availability.run(() => store.latestMigration()),
  };
}
