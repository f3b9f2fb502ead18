import {
  ClusterStatus,
  NothingRunning,
} from '@inference-platform/plugin-inference-common';
import { InferenceStore } from '../database/InferenceStore';
import { WorkloadModel } from '../workloads/WorkloadModel';
import { EntityIndex } from '../workloads/entityIndex';

/** How long after the backend first sees an entity it counts as new: linking, not "nothing running". */
export const NEW_ENTITY_MS = 2 * 60_000;

const list = (names: string[]) => names.join(', ');

/**
 * Says why an entity has no workload, naming where the backend looked: `linking` for an entity the backend saw
 * appear moments ago or one a GPU reservation is pending for (a template is deploying it), and while a cluster is
 * still in its first sync; otherwise `not-running`, with what it looked for (the kubernetes-id label, the owner, the
 * system's components, the clusters of a Resource).
 */
export function describeNothingRunning(input: {
  entityRef: string;
  kind: string;
  index: EntityIndex;
  clusters: ClusterStatus[];
  /** A GPU reservation for this entity is pending (its workload is on its way). */
  reservationPending: boolean;
  /** When the backend first saw the entity, if after its first catalog load. */
  newSince?: Date;
  now: Date;
}): NothingRunning {
  const { entityRef, kind, index } = input;
  const linked = index.byEntityRef(entityRef);
  const wanted =
    kind === 'resource'
      ? index.clusterResource(entityRef)?.clusters
      : linked?.clusters;
  const tracked = input.clusters.filter(
    c => !wanted || wanted.includes(c.name),
  );
  const clusters = tracked.map(c => c.name);
  const synced = tracked.filter(c => c.state === 'synced').map(c => c.name);
  const syncing = tracked.filter(c => c.state === 'syncing').map(c => c.name);
  const unreadable = tracked
    .filter(c => c.state === 'stale' || c.state === 'unreachable')
    .map(c => `${c.name}: ${c.state}`);

  if (tracked.length === 0) {
    return {
      state: 'not-running',
      message: wanted
        ? `Nothing is running: the backend tracks none of the clusters ${list(
            wanted,
          )}`
        : 'Nothing is running: the backend tracks no cluster',
      clusters,
    };
  }
  if (syncing.length > 0) {
    return {
      state: 'linking',
      message: `Waiting for the first sync of ${list(
        syncing,
      )}: its workloads show here once the cluster is read`,
      clusters,
    };
  }

  const where = `in ${list(synced)} (synced)${
    unreadable.length ? `; not readable now: ${list(unreadable)}` : ''
  }`;
  if (kind === 'group') {
    return {
      state: 'not-running',
      message: `Nothing is running: ${entityRef} owns no GPU workload ${where}`,
      clusters,
    };
  }
  if (kind === 'system') {
    return {
      state: 'not-running',
      message: `Nothing is running: no component of ${entityRef} runs a workload ${where}`,
      clusters,
    };
  }
  if (kind === 'resource') {
    return {
      state: 'not-running',
      message: `Nothing is running: no GPU workload ${where}`,
      clusters,
    };
  }
  if (!linked) {
    return {
      state: 'not-running',
      message: `Nothing is running for ${entityRef}: it has no backstage.io/kubernetes-id annotation, so no workload is linked to it`,
      clusters,
    };
  }
  const label = `backstage.io/kubernetes-id=${linked.kubernetesId}${
    linked.namespace ? ` in namespace ${linked.namespace}` : ''
  }`;
  const isNew =
    input.newSince !== undefined &&
    input.now.getTime() - input.newSince.getTime() < NEW_ENTITY_MS;
  if (isNew || input.reservationPending) {
    return {
      state: 'linking',
      message: `Linking ${entityRef}: no workload labelled ${label} is running yet in ${list(
        synced,
      )}; a new service shows here as soon as its workload is seen`,
      clusters,
    };
  }
  return {
    state: 'not-running',
    message: `Nothing is running: no workload labelled ${label} ${where}`,
    clusters,
  };
}

/** The explainer the summaries use: the tracker's clusters and index, pending reservations, the catalog links. */
export function createNothingRunningExplainer(deps: {
  tracker: WorkloadModel;
  store: InferenceStore;
  newSince: (entityRef: string) => Date | undefined;
  now?: () => Date;
}): (entityRef: string, kind: string) => Promise<NothingRunning> {
  return async (entityRef, kind) => {
    const now = deps.now?.() ?? new Date();
    const pending = await deps.store.quotas.listReservations({
      status: ['pending'],
    });
    return describeNothingRunning({
      entityRef,
      kind,
      index: deps.tracker.entityIndex,
      clusters: deps.tracker.clusterStatuses(),
      reservationPending: pending.some(
        r => r.entityRef === entityRef && r.expiresAt > now,
      ),
      newSince: deps.newSince(entityRef),
      now,
    });
  };
}
