/**
 * The derivation step of one cluster: workloads, GPU capacity and reservation labels from its cached objects, each
 * object on its own. An object that makes a derivation throw is left out and reported, so it can never stop the
 * figures of the others (or of other clusters).
 */
import {
  ClusterCapacity,
  InferenceWorkload,
  SkippedObject,
} from '@inference-platform/plugin-inference-common';
import { TRACKED_RESOURCES } from '../tracking/resources';
import { ClusterSnapshot } from '../tracking/snapshot';
import { CapacityObjects, deriveCapacity } from './deriveCapacity';
import {
  ClusterObjects,
  deriveWorkloads,
  identify,
  messageOf,
  WorkloadServing,
} from './deriveWorkloads';
import { EntityIndex } from './entityIndex';
import { metadataOf, ObjectMeta } from './kubernetesObjects';

/** A workload carrying a reservation label, or matching a reservation's target, seen in a cluster. */
export interface ObservedWorkload {
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  reservationId?: string;
}

/** What the cluster's objects say, and which objects were left out. */
export interface ClusterView {
  workloads: InferenceWorkload[];
  capacity: ClusterCapacity;
  observed: ObservedWorkload[];
  /** Objects left out of this derivation (one entry per object). */
  skipped: SkippedObject[];
  /** What each workload's pods serve, by workload id (for the metric findings of the views). */
  serving: Map<string, WorkloadServing>;
}

const RESERVATION_LABEL = 'inference-platform.io/reservation';

const KIND_OF = new Map(TRACKED_RESOURCES.map(r => [r.id, r.kind]));

/**
 * Capacity from every object; when that throws, each object is tried alone, those that throw alone are left out and
 * reported, and the rest is derived again. Throws only when the rest still fails (objects that fail together).
 */
function isolatedCapacity(
  snapshot: ClusterSnapshot,
  now: Date,
  onSkip: (skipped: SkippedObject) => void,
): ClusterCapacity {
  try {
    return deriveCapacity(snapshot.cluster, snapshot, now);
  } catch {
    const lists = Object.entries(snapshot).filter(
      (entry): entry is [string, unknown[]] => Array.isArray(entry[1]),
    );
    const empty = Object.fromEntries(lists.map(([id]) => [id, []]));
    const rest: Record<string, unknown[]> = {};
    for (const [id, items] of lists) {
      rest[id] = items.filter(item => {
        try {
          // one object of the list, as untrusted as the whole list was
          const alone = {
            ...empty,
            [id]: [item],
          } as unknown as CapacityObjects;
          deriveCapacity(snapshot.cluster, alone, now);
          return true;
        } catch (error) {
          onSkip(
            identify(
              KIND_OF.get(id) ?? id,
              item,
              `left out of capacity: ${messageOf(error)}`,
            ),
          );
          return false;
        }
      });
    }
    return deriveCapacity(
      snapshot.cluster,
      { ...snapshot, ...rest } as ClusterSnapshot,
      now,
    );
  }
}

function observeReservations(
  objects: ClusterObjects,
  onSkip: (skipped: SkippedObject) => void,
): ObservedWorkload[] {
  const observed: ObservedWorkload[] = [];
  const roots: Array<[string, ReadonlyArray<{ metadata?: ObjectMeta }>]> = [
    ['Deployment', objects.deployments],
    ['StatefulSet', objects.statefulsets],
    ['LeaderWorkerSet', objects.leaderworkersets],
    ['InferenceService', objects.inferenceservices],
  ];
  for (const [kind, items] of roots) {
    for (const item of items) {
      try {
        const metadata = metadataOf(item);
        const reservationId = metadata.labels?.[RESERVATION_LABEL];
        if (typeof reservationId !== 'string' || !reservationId) continue;
        const { namespace, name } = metadata;
        // a workload is named by namespace and name: without them it cannot be matched to its reservation
        if (typeof namespace !== 'string' || typeof name !== 'string') {
          throw new TypeError('it has no metadata.namespace or metadata.name');
        }
        observed.push({
          cluster: objects.cluster,
          namespace,
          kind,
          name,
          reservationId,
        });
      } catch (error) {
        onSkip(identify(kind, item, `could not be read: ${messageOf(error)}`));
      }
    }
  }
  return observed;
}

/**
 * Derives one cluster's view. Objects that throw are reported in `skipped` (once each, with the first reason) and
 * left out; it throws only when capacity fails for objects that each pass alone.
 */
export function deriveClusterView(
  snapshot: ClusterSnapshot,
  entities: EntityIndex,
  options: { now: Date },
): ClusterView {
  const skipped = new Map<string, SkippedObject>();
  const onSkip = (object: SkippedObject) => {
    const key = `${object.kind}/${object.namespace ?? ''}/${object.name}`;
    if (!skipped.has(key)) skipped.set(key, object);
  };
  const serving = new Map<string, WorkloadServing>();
  const workloads = deriveWorkloads(snapshot, entities, {
    now: options.now,
    onSkip,
    onServing: (id, context) => serving.set(id, context),
  });
  const capacity = isolatedCapacity(snapshot, options.now, onSkip);
  const observed = observeReservations(snapshot, onSkip);
  return {
    workloads,
    capacity,
    observed,
    skipped: [...skipped.values()],
    serving,
  };
}
