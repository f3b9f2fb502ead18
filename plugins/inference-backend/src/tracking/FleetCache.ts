import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterConnection } from '@inference-platform/plugin-inference-node';
import { ClusterTracker, ClusterTrackerOptions } from './ClusterTracker';
import { ClusterSnapshot, snapshotOf } from './snapshot';

/** Tunables of the fleet cache. */
export interface FleetCacheOptions {
  cluster?: Partial<ClusterTrackerOptions>;
}

/**
 * What the watches hold, for the whole fleet: one {@link ClusterTracker} (list + watch of every tracked resource)
 * per cluster, a snapshot of each, and a change event. Nothing is derived here.
 */
export class FleetCache {
  private readonly trackers: ClusterTracker[];
  private readonly listeners = new Set<() => void>();

  constructor(
    connections: ClusterConnection[],
    logger: LoggerService,
    options: FleetCacheOptions = {},
  ) {
    this.trackers = connections.map(
      connection =>
        new ClusterTracker({
          connection,
          logger: logger.child({ cluster: connection.name }),
          options: options.cluster,
          onChange: () => this.listeners.forEach(listener => listener()),
        }),
    );
  }

  start(): void {
    for (const cluster of this.trackers) cluster.start();
  }

  stop(): void {
    for (const cluster of this.trackers) cluster.stop();
  }

  /** Called after any cached object of any cluster changed; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The per-cluster trackers (status, revision, counters). */
  clusters(): readonly ClusterTracker[] {
    return this.trackers;
  }

  has(cluster: string): boolean {
    return this.trackers.some(c => c.name === cluster);
  }

  /** Every cached object of one cluster, by resource. */
  snapshot(cluster: ClusterTracker): ClusterSnapshot {
    return snapshotOf(cluster);
  }

  /** The cached pods of a cluster (for scraping them directly). */
  pods(cluster: string): Array<Record<string, any>> {
    return (
      this.trackers
        .find(c => c.name === cluster)
        ?.cache('pods')
        .list() ?? []
    );
  }
}

/** The fleet cache's tunables from `inference.tracking`. */
export function fleetCacheOptions(tracking: {
  probeIntervalMs: number;
  probeTimeoutMs: number;
  silentWatchMs: number;
  watchTimeoutSeconds: number;
  pageSize: number;
}): FleetCacheOptions {
  return {
    cluster: {
      probeIntervalMs: tracking.probeIntervalMs,
      probeTimeoutMs: tracking.probeTimeoutMs,
      reflector: {
        silentWatchMs: tracking.silentWatchMs,
        watchTimeoutSeconds: tracking.watchTimeoutSeconds,
        pageSize: tracking.pageSize,
      },
    },
  };
}
