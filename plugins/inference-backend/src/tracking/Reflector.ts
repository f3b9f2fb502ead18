import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import fetch from 'node-fetch';
import { Backoff } from './backoff';
import { collectionPath, TrackedResource } from './resources';

/** Minimal shape of a Kubernetes object as the reflector needs it. */
export interface KubeObject {
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
  };
}

/** Where the reflector keeps what it has seen; it replaces the contents on every (re)list. */
export interface ReflectorSink<T> {
  replace(objects: T[]): void;
  upsert(object: T): void;
  remove(object: T): void;
}

/** Tunables of the list/watch loop (defaults follow client-go's reflector). */
export interface ReflectorOptions {
  pageSize: number;
  /** Server-side watch timeout; the watch is renewed from the last resourceVersion afterwards. */
  watchTimeoutSeconds: number;
  /** A watch with no event or bookmark for this long is presumed dead and restarted. */
  silentWatchMs: number;
  /** Timeout of one list page. */
  requestTimeoutMs: number;
  /** How long to wait before asking again for a CRD the cluster lacks. */
  absentRetryMs: number;
  /** Least time between the start of a watch that brought no event and the next watch. */
  minWatchMs: number;
}

/** Health of one resource's list/watch loop. */
export type ReflectorState =
  | { phase: 'syncing' }
  | { phase: 'synced'; since: Date }
  | { phase: 'failing'; since: Date; lastError: string; hasData: boolean }
  | { phase: 'absent' };

/** Reflector counters, for status and benchmarks. */
export interface ReflectorStats {
  lists: number;
  relistsAfterGone: number;
  watchRestarts: number;
  events: number;
  failures: number;
  /** Watches the server ended within minWatchMs without an event. */
  shortWatches: number;
}

export const DEFAULT_REFLECTOR_OPTIONS: ReflectorOptions = {
  pageSize: 500,
  watchTimeoutSeconds: 300,
  silentWatchMs: 90_000,
  requestTimeoutMs: 30_000,
  absentRetryMs: 300_000,
  minWatchMs: 1000,
};

class GoneError extends Error {}
class NotFoundError extends Error {}
/** No answer from the server at all (a timed-out list, a silent watch). */
class UnreachableError extends Error {}

function isUnreachable(error: unknown): boolean {
  // node-fetch reports refused and reset connections as FetchError of type 'system'
  return error instanceof UnreachableError || (error as any)?.type === 'system';
}

/**
 * Lists and watches one resource of one cluster, like client-go's reflector rather than client-node's informer:
 * it restarts after any error with jittered backoff, resumes from the last resourceVersion, relists on 410 Gone,
 * asks for bookmarks, restarts a silent watch and paginates the list.
 */
export class Reflector<T extends KubeObject> {
  private stopped = false;
  private resourceVersion: string | undefined;
  private abortWatch: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private readonly backoff = new Backoff();
  /** Set when restartWatch ended the watch on purpose: its shortness says nothing about the server. */
  private restartRequested = false;
  private hasData = false;
  /** Whether the last attempt failed without an answer from the server. */
  private unreachable = false;
  state: ReflectorState = { phase: 'syncing' };
  readonly stats: ReflectorStats = {
    lists: 0,
    relistsAfterGone: 0,
    watchRestarts: 0,
    events: 0,
    failures: 0,
    shortWatches: 0,
  };

  constructor(
    private readonly args: {
      clusterName: string;
      kubeConfig: KubeConfig;
      resource: TrackedResource;
      /** Trims an object for the cache; `undefined` drops it (e.g. events that are not warnings). */
      trim: (raw: any) => T | undefined;
      sink: ReflectorSink<T>;
      logger: LoggerService;
      options?: Partial<ReflectorOptions>;
      onStateChange?: () => void;
    },
  ) {}

  private get options(): ReflectorOptions {
    return { ...DEFAULT_REFLECTOR_OPTIONS, ...this.args.options };
  }

  /** Runs until {@link Reflector.stop}; never throws. */
  async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        const startedAt = Date.now();
        const eventsBefore = this.stats.events;
        this.restartRequested = false;
        await this.watch();
        if (
          !this.stopped &&
          !this.restartRequested &&
          this.stats.events === eventsBefore &&
          Date.now() - startedAt < this.options.minWatchMs
        ) {
          // A minimum interval between watch resumes: a watch that ends within minWatchMs without an event (client-go's
          // reflector calls it a "very short watch", tools/cache/reflector.go) is resumed no sooner than minWatchMs
          // after it began, so a server that accepts and cuts every watch gets one watch a second per resource, not a
          // tight loop, while a dropped watch still resumes within a second. The next watch resumes from the last
          // resourceVersion, so the cache stays current.
          this.stats.shortWatches += 1;
          await this.sleep(startedAt + this.options.minWatchMs - Date.now());
        }
      } catch (error) {
        if (this.stopped) break;
        if (error instanceof GoneError) {
          // our resourceVersion left the server's history window: start over from a fresh list
          this.stats.relistsAfterGone += 1;
          this.resourceVersion = undefined;
          continue;
        }
        if (error instanceof NotFoundError && this.args.resource.optional) {
          this.setState({ phase: 'absent' });
          this.resourceVersion = undefined;
          await this.sleep(this.options.absentRetryMs);
          continue;
        }
        this.stats.failures += 1;
        this.unreachable = isUnreachable(error);
        const message = error instanceof Error ? error.message : String(error);
        if (this.state.phase !== 'failing') {
          this.args.logger.warn(
            `${this.args.clusterName}/${this.args.resource.id}: ${message}; retrying with backoff`,
          );
          this.setState({
            phase: 'failing',
            since: new Date(),
            lastError: message,
            hasData: this.hasData,
          });
        } else {
          this.state = { ...this.state, lastError: message };
        }
        await this.sleep(this.backoff.next());
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.abortWatch?.();
    this.wake?.();
  }

  /** Ends the backoff of a reflector that could not reach the server (its cluster's probe says the server answers). */
  retryIfUnreachable(): void {
    if (this.unreachable && this.state.phase === 'failing') this.wake?.();
  }

  /** Ends the current watch so the loop resumes it (used when the cluster's probe says it came back). */
  restartWatch(): void {
    this.restartRequested = true;
    this.abortWatch?.();
    this.wake?.();
  }

  private async list(): Promise<void> {
    const cluster = this.args.kubeConfig.getCurrentCluster()!;
    const objects: T[] = [];
    let continueToken: string | undefined;
    let listVersion: string | undefined;
    do {
      const url = new URL(
        cluster.server.replace(/\/$/, '') + collectionPath(this.args.resource),
      );
      url.searchParams.set('limit', String(this.options.pageSize));
      if (continueToken) url.searchParams.set('continue', continueToken);
      const body = await this.getJson(url);
      for (const item of body.items ?? []) {
        const trimmed = this.args.trim(item);
        if (trimmed) objects.push(trimmed);
      }
      continueToken = body.metadata?.continue || undefined;
      listVersion = body.metadata?.resourceVersion;
    } while (continueToken && !this.stopped);

    this.args.sink.replace(objects);
    this.hasData = true;
    this.resourceVersion = listVersion;
    this.stats.lists += 1;
    this.setState({ phase: 'synced', since: new Date() });
  }

  private async getJson(url: URL): Promise<any> {
    const init = await this.args.kubeConfig.applyToFetchOptions({});
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(),
      this.options.requestTimeoutMs,
    );
    try {
      const response = await fetch(url.toString(), {
        ...init,
        method: 'GET',
        signal: controller.signal as any,
      });
      if (response.status === 410)
        throw new GoneError('list continue token expired');
      if (response.status === 404)
        throw new NotFoundError(`${url.pathname} not found`);
      if (!response.ok) {
        const text = await response.text().catch(() => '');
        throw new Error(
          `list ${url.pathname} answered ${response.status}: ${summarizeStatus(
            text,
          )}`,
        );
      }
      return await response.json();
    } catch (error) {
      if (controller.signal.aborted && !(error instanceof GoneError)) {
        throw new UnreachableError(
          `list ${url.pathname} timed out after ${this.options.requestTimeoutMs} ms`,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private watch(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let lastActivity = Date.now();
      let established = false;
      let finished = false;
      let controller: AbortController | undefined;
      const timers: { silence?: NodeJS.Timeout } = {};
      const finish = (error?: unknown) => {
        if (finished) return;
        finished = true;
        clearInterval(timers.silence);
        controller?.abort();
        this.abortWatch = undefined;
        if (error) reject(error);
        else resolve();
      };
      timers.silence = setInterval(() => {
        if (Date.now() - lastActivity > this.options.silentWatchMs) {
          this.stats.watchRestarts += 1;
          finish(
            new UnreachableError(
              `watch silent for ${this.options.silentWatchMs} ms`,
            ),
          );
        }
      }, Math.min(1000, this.options.silentWatchMs / 2));
      this.abortWatch = () => {
        this.stats.watchRestarts += 1;
        finish();
      };

      const timeoutSeconds = Math.round(
        this.options.watchTimeoutSeconds * (1 + Math.random()),
      );
      new Watch(this.args.kubeConfig)
        .watch(
          collectionPath(this.args.resource),
          {
            allowWatchBookmarks: true,
            resourceVersion: this.resourceVersion,
            timeoutSeconds,
          },
          (type: string, object: any) => {
            lastActivity = Date.now();
            try {
              this.handleEvent(type, object);
            } catch (error) {
              finish(error);
            }
          },
          (error: any) => {
            if (!error) {
              finish();
            } else if (error.statusCode === 410) {
              finish(new GoneError('watch answered 410 Gone'));
            } else if (established) {
              // the stream of an accepted watch was cut (connection reset): resume at once from the last
              // resourceVersion, as after a clean end, instead of counting a failure and sleeping out the backoff
              finish();
            } else if (typeof error.statusCode === 'number') {
              // the server refused the watch itself (e.g. 403 when RBAC grants list but not watch): client-node only
              // says "Forbidden", so name the request as list errors do, for the log and the cluster's status
              finish(
                new Error(
                  `watch ${collectionPath(this.args.resource)} answered ${
                    error.statusCode
                  }: ${error.message}`,
                ),
              );
            } else {
              finish(error);
            }
          },
        )
        .then(c => {
          controller = c;
          if (finished) {
            c.abort();
            return;
          }
          established = true;
          if (this.state.phase !== 'synced') {
            // the server accepted the watch: caught up again, even if the cluster is quiet
            this.setState({ phase: 'synced', since: new Date() });
          }
        })
        .catch(finish);
    });
  }

  private handleEvent(type: string, object: any) {
    if (type === 'ERROR') {
      if (object?.code === 410) throw new GoneError(object.message ?? 'Gone');
      throw new Error(`watch error ${object?.code}: ${object?.message}`);
    }
    const version = object?.metadata?.resourceVersion;
    if (version) this.resourceVersion = version;
    if (this.state.phase !== 'synced') {
      this.setState({ phase: 'synced', since: new Date() });
    }
    if (type === 'BOOKMARK') return;
    this.stats.events += 1;
    if (type === 'DELETED') {
      const trimmed = this.args.trim(object);
      if (trimmed) this.args.sink.remove(trimmed);
      return;
    }
    const trimmed = this.args.trim(object);
    if (trimmed) this.args.sink.upsert(trimmed);
  }

  private setState(state: ReflectorState) {
    this.state = state;
    this.args.onStateChange?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function summarizeStatus(text: string): string {
  try {
    const status = JSON.parse(text);
    return status.message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
