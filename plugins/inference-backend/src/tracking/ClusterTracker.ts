import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterSyncState,
  SkippedObject,
} from '@inference-platform/plugin-inference-common';
import fetch from 'node-fetch';
import { ClusterConnection } from '@inference-platform/plugin-inference-node';
import { ObjectCache } from './ObjectCache';
import { Reflector, ReflectorOptions } from './Reflector';
import { TRACKED_RESOURCES, TrackedResource } from './resources';
import { screenObject } from './screenObject';

/** The API server answered the probe but refused its credentials. */
class RefusedError extends Error {}

/** Tunables of a cluster's tracking. */
export interface ClusterTrackerOptions {
  reflector?: Partial<ReflectorOptions>;
  /** How often the API server is probed (GET /version); a failing probe marks the cluster stale. */
  probeIntervalMs: number;
  probeTimeoutMs: number;
  /** Resources to track (default: all of TRACKED_RESOURCES). */
  resources?: TrackedResource[];
}

export const DEFAULT_CLUSTER_TRACKER_OPTIONS: ClusterTrackerOptions = {
  probeIntervalMs: 2_000,
  probeTimeoutMs: 2_000,
};

/** How one cluster's watch cache stands. */
export interface ClusterTrackingStatus {
  name: string;
  state: ClusterSyncState;
  since: Date;
  lastSyncedAt?: Date;
  lastError?: string;
  /** Optional CRDs the cluster does not serve. */
  absentResources: string[];
  /** Why the cluster is degraded (objects skipped, derivation failing). */
  degradedReason?: string;
  /** Objects left out: unreadable when watched, or throwing when derived. */
  skippedObjects: SkippedObject[];
  /** Objects skipped and derivation failures since start (each logged once). */
  derivationErrors: number;
}

/** What the last derivation of a cluster could not use. */
export interface DerivationProblems {
  /** Objects the derivation left out. */
  skipped: SkippedObject[];
  /** Why the derivation failed as a whole (the last derived figures are kept). */
  error?: string;
}

/** `Deployment ml-chat/chat`, `Node gpu-1`: how logs and reasons name an object. */
const describeObject = (o: SkippedObject) =>
  `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

/** `3 objects skipped: Deployment ml-chat/a, ScaledObject ml-chat/b, +1 more` */
function describeSkipped(skipped: SkippedObject[]): string {
  const named = skipped.slice(0, 3).map(describeObject);
  const more = skipped.length > 3 ? `, +${skipped.length - 3} more` : '';
  return `${skipped.length} object${
    skipped.length === 1 ? '' : 's'
  } skipped: ${named.join(', ')}${more}`;
}

/**
 * Tracks one cluster: a reflector per resource into its own cache, plus a probe of the API server, so a slow or
 * dead cluster is reported within seconds and never holds up the others.
 */
export class ClusterTracker {
  private readonly caches = new Map<string, ObjectCache>();
  private readonly reflectors: Array<Reflector<any>> = [];
  private probeTimer: NodeJS.Timeout | undefined;
  private probeFailure: { since: Date; message: string } | undefined;
  private stateSince = new Date();
  private lastState: ClusterSyncState = 'syncing';
  private lastSyncedAt: Date | undefined;
  private derivation: DerivationProblems = { skipped: [] };
  /** What has been logged of the current derivation problems, so each is logged once. */
  private loggedDerivation = new Map<string, string>();
  private derivationErrors = 0;
  /** Increases when any cache of the cluster changes. */
  revision = 0;

  constructor(
    private readonly args: {
      connection: ClusterConnection;
      logger: LoggerService;
      options?: Partial<ClusterTrackerOptions>;
      onChange?: () => void;
    },
  ) {
    const resources = this.options.resources ?? TRACKED_RESOURCES;
    for (const resource of resources) {
      const cache = new ObjectCache(
        () => {
          this.revision += 1;
          this.args.onChange?.();
        },
        skipped => {
          this.derivationErrors += 1;
          this.args.logger.warn(
            `${this.name}: skipping ${describeObject(skipped)}: ${
              skipped.reason
            }`,
          );
        },
      );
      this.caches.set(resource.id, cache);
      this.reflectors.push(
        new Reflector({
          clusterName: args.connection.name,
          kubeConfig: args.connection.kubeConfig,
          resource,
          trim: raw => screenObject(resource, raw),
          sink: cache,
          logger: args.logger,
          options: this.options.reflector,
          onStateChange: () => this.args.onChange?.(),
        }),
      );
    }
  }

  get name(): string {
    return this.args.connection.name;
  }

  private get options(): ClusterTrackerOptions {
    return { ...DEFAULT_CLUSTER_TRACKER_OPTIONS, ...this.args.options };
  }

  start(): void {
    for (const reflector of this.reflectors) void reflector.run();
    this.scheduleProbe(0);
  }

  stop(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    for (const reflector of this.reflectors) reflector.stop();
  }

  /** The cache of one resource (`pods`, `deployments`, …). */
  cache(resourceId: string): ObjectCache {
    const cache = this.caches.get(resourceId);
    if (!cache) throw new Error(`Resource ${resourceId} is not tracked`);
    return cache;
  }

  /**
   * Records what the latest derivation of this cluster left out; new problems are logged (once each) and counted,
   * and the cluster is `degraded` while there are any.
   */
  setDerivationProblems(problems: DerivationProblems): void {
    const logged = new Map<string, string>();
    for (const skipped of problems.skipped) {
      const key = describeObject(skipped);
      logged.set(key, skipped.reason);
      if (this.loggedDerivation.get(key) === skipped.reason) continue;
      this.derivationErrors += 1;
      this.args.logger.warn(`${this.name}: skipping ${key}: ${skipped.reason}`);
    }
    if (problems.error) {
      logged.set('', problems.error);
      if (this.loggedDerivation.get('') !== problems.error) {
        this.derivationErrors += 1;
        this.args.logger.error(
          `${this.name}: deriving inference workloads failed, keeping the last derived figures: ${problems.error}`,
        );
      }
    }
    this.loggedDerivation = logged;
    this.derivation = problems;
  }

  /** Reflector counters, for benchmarks and tests. */
  stats() {
    return this.reflectors.map(r => ({ ...r.stats }));
  }

  /** Every resource the cluster serves has been listed at least once, so its caches hold the whole cluster. */
  hasListedAll(): boolean {
    return this.reflectors.every(({ state: s }) => {
      if (s.phase === 'failing') return s.hasData;
      return s.phase === 'synced' || s.phase === 'absent';
    });
  }

  status(): ClusterTrackingStatus {
    const states = this.reflectors.map(r => r.state);
    const required = states.filter(s => s.phase !== 'absent');
    const failing = required.filter(s => s.phase === 'failing');
    const allListed = this.hasListedAll();
    const hasAnyData = required.some(
      s => s.phase === 'synced' || (s.phase === 'failing' && s.hasData),
    );

    let state: ClusterSyncState;
    let lastError: string | undefined;
    if (this.probeFailure || failing.length > 0) {
      state = hasAnyData ? 'stale' : 'unreachable';
      lastError =
        this.probeFailure?.message ??
        (failing[0].phase === 'failing' ? failing[0].lastError : undefined);
    } else {
      state = allListed ? 'synced' : 'syncing';
    }
    const skippedObjects = [
      ...[...this.caches.values()].flatMap(cache => cache.skipped()),
      ...this.derivation.skipped,
    ];
    let degradedReason: string | undefined;
    if (this.derivation.error || skippedObjects.length > 0) {
      degradedReason = [
        this.derivation.error &&
          `deriving workloads failed (${this.derivation.error}): figures are from the last derivation that worked`,
        skippedObjects.length > 0 && describeSkipped(skippedObjects),
      ]
        .filter(Boolean)
        .join('; ');
      // the watches are current, but the figures leave something out
      if (state === 'synced') state = 'degraded';
    }
    if (state !== this.lastState) {
      this.lastState = state;
      this.stateSince = new Date();
    }
    if (state === 'synced' || state === 'degraded')
      this.lastSyncedAt = new Date();
    return {
      name: this.name,
      state,
      since: this.stateSince,
      lastSyncedAt: this.lastSyncedAt,
      lastError,
      degradedReason,
      skippedObjects,
      derivationErrors: this.derivationErrors,
      absentResources: (this.options.resources ?? TRACKED_RESOURCES)
        .filter((_, i) => this.reflectors[i].state.phase === 'absent')
        .map(r => r.id),
    };
  }

  private scheduleProbe(delayMs: number) {
    this.probeTimer = setTimeout(() => {
      void this.probe().finally(() => {
        if (this.probeTimer) this.scheduleProbe(this.options.probeIntervalMs);
      });
    }, delayMs);
    this.probeTimer.unref?.();
  }

  private async probe(): Promise<void> {
    const cluster = this.args.connection.kubeConfig.getCurrentCluster()!;
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(),
      this.options.probeTimeoutMs,
    );
    try {
      const init = await this.args.connection.kubeConfig.applyToFetchOptions(
        {},
      );
      const response = await fetch(
        `${cluster.server.replace(/\/$/, '')}/version`,
        {
          ...init,
          signal: controller.signal as any,
        },
      );
      await response.text();
      if (response.status === 401 || response.status === 403) {
        // the server answers but refuses the token (expired, revoked, wrong audience): not an outage
        throw new RefusedError(
          `API server refused the credentials: GET /version answered ${response.status}`,
        );
      }
      if (!response.ok)
        throw new Error(`API server answered ${response.status}`);
      if (this.probeFailure) {
        this.args.logger.info(
          `${this.name}: API server answers again; resuming watches`,
        );
        this.probeFailure = undefined;
        // watches opened while the server was black-holed may hang: resume them now
        for (const reflector of this.reflectors) reflector.restartWatch();
        this.args.onChange?.();
      } else {
        // a restart shorter than the probe interval goes unnoticed here: retry what could not reach the server
        for (const reflector of this.reflectors) reflector.retryIfUnreachable();
      }
    } catch (error) {
      let message: string;
      if (controller.signal.aborted) {
        message = `API server did not answer within ${this.options.probeTimeoutMs} ms`;
      } else if (error instanceof RefusedError) {
        message = error.message;
      } else {
        message = `API server unreachable: ${
          error instanceof Error ? error.message : error
        }`;
      }
      if (!this.probeFailure) {
        this.args.logger.warn(`${this.name}: ${message}`);
        this.probeFailure = { since: new Date(), message };
        this.args.onChange?.();
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
