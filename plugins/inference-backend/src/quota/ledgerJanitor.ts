import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { InferenceStore } from '../database/InferenceStore';
import { WorkloadModel } from '../workloads/WorkloadModel';

/**
 * Settles pending reservations: confirms those whose workload now runs (it carries the reservation label, or it is
 * the workload the reservation named) and expires those past their TTL. Idempotent, so any instance may run it.
 */
export async function settleReservations(args: {
  store: InferenceStore;
  tracker: WorkloadModel;
  logger: LoggerService;
  now?: Date;
}): Promise<{ confirmed: number; expired: number }> {
  const now = args.now ?? new Date();
  const pending = await args.store.quotas.listReservations({
    status: ['pending'],
  });
  const byLabel = new Map(
    args.tracker.observedReservations().map(o => [o.reservationId, o]),
  );
  const workloads = args.tracker.workloads();
  let confirmed = 0;
  for (const reservation of pending) {
    if (reservation.expiresAt <= now) continue;
    const labelled = byLabel.get(reservation.id);
    const named = workloads.find(
      w =>
        w.cluster === reservation.cluster &&
        w.namespace === reservation.namespace &&
        w.name === reservation.workloadName,
    );
    const target = labelled ?? named;
    if (!target) continue;
    try {
      await args.store.quotas.confirm(
        reservation.id,
        {
          cluster: target.cluster,
          namespace: target.namespace,
          name: target.name,
        },
        now,
      );
      confirmed += 1;
      args.logger.info(
        `Reservation ${reservation.id} (${reservation.gpuCount} x ${reservation.gpuType} for ${reservation.ownerRef}) confirmed by ${target.cluster}/${target.namespace}/${target.name}`,
      );
    } catch (error) {
      // the store is gone: the rest of the run would fail the same way (the outage is logged once, elsewhere)
      if (error instanceof ServiceUnavailableError) throw error;
      // released or expired meanwhile by another instance: nothing to do
      args.logger.debug(
        `Reservation ${reservation.id} not confirmed: ${error}`,
      );
    }
  }
  const expired = await args.store.quotas.expirePending(now);
  if (expired > 0)
    args.logger.info(
      `${expired} reservation(s) expired before their workload appeared`,
    );
  return { confirmed, expired };
}

/** Kinds a reservation's workload may be (the roots the tracker derives workloads from). */
const WORKLOAD_RESOURCES = [
  'deployments',
  'statefulsets',
  'leaderworkersets',
  'inferenceservices',
];

/** `namespace/name` of every workload root object in a cluster's watch cache. */
function workloadRoots(tracker: WorkloadModel, cluster: string): Set<string> {
  const roots = new Set<string>();
  const clusterTracker = tracker.fleet.clusters().find(c => c.name === cluster);
  for (const resource of WORKLOAD_RESOURCES) {
    let items: any[] = [];
    try {
      items = clusterTracker?.cache(resource).list() ?? [];
    } catch {
      // a resource this cluster does not serve (no CRD) holds no workloads
    }
    for (const item of items) {
      roots.add(`${item.metadata?.namespace}/${item.metadata?.name}`);
    }
  }
  return roots;
}

/**
 * Reconciles the ledger with the clusters: a confirmed reservation whose workload no longer exists in its cluster
 * (deleted while the backend was down, or since) is released, with the reason recorded on the reservation and in
 * the log. Only clusters whose watch cache is synced are believed: while a cluster is syncing, stale or unreachable,
 * or not tracked at all, its reservations stay as they are. Pending reservations are left to their TTL (their
 * workload has not appeared yet, which is what pending means). Idempotent, so any instance may run it.
 */
export async function reconcileReservations(args: {
  store: InferenceStore;
  tracker: WorkloadModel;
  logger: LoggerService;
  now?: Date;
}): Promise<{ released: number }> {
  const now = args.now ?? new Date();
  const synced = new Set(
    args.tracker
      .clusterStatuses()
      .filter(c => c.state === 'synced')
      .map(c => c.name),
  );
  if (synced.size === 0) return { released: 0 };
  const confirmed = await args.store.quotas.listReservations({
    status: ['confirmed'],
  });
  const roots = new Map<string, Set<string>>();
  let released = 0;
  for (const reservation of confirmed) {
    const { cluster, namespace, workloadName } = reservation;
    if (!cluster || !namespace || !workloadName || !synced.has(cluster)) {
      continue;
    }
    if (!roots.has(cluster))
      roots.set(cluster, workloadRoots(args.tracker, cluster));
    if (roots.get(cluster)!.has(`${namespace}/${workloadName}`)) continue;
    const reason = `released by the ledger janitor: workload ${namespace}/${workloadName} no longer exists in cluster ${cluster} (synced)`;
    try {
      const after = await args.store.quotas.releaseVanished(
        reservation.id,
        reason,
        now,
      );
      if (after.status !== 'released' || after.reason !== reason) continue;
      released += 1;
      args.logger.info(
        `Reservation ${reservation.id} (${reservation.gpuCount} x ${reservation.gpuType} for ${reservation.ownerRef}) ${reason}`,
      );
    } catch (error) {
      if (error instanceof ServiceUnavailableError) throw error;
      args.logger.warn(
        `Reservation ${reservation.id} could not be reconciled: ${error}`,
      );
    }
  }
  return { released };
}
