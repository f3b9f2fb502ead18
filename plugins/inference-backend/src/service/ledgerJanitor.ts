import { LoggerService } from '@backstage/backend-plugin-api';
import { InferenceStore } from '../database/InferenceStore';
import { InferenceTracker } from '../tracking/InferenceTracker';

/**
 * Settles pending reservations: confirms those whose workload now runs (it carries the reservation label, or it is
 * the workload the reservation named) and expires those past their TTL. Idempotent, so any instance may run it.
 */
export async function settleReservations(args: {
  store: InferenceStore;
  tracker: InferenceTracker;
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
