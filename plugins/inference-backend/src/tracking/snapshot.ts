import { ClusterObjects } from '../workloads/deriveWorkloads';
import { CachedNodePool } from '../workloads/kubernetesObjects';
import { ClusterTracker } from './ClusterTracker';

/** Every cached object of one cluster, by tracked resource id. */
export type ClusterSnapshot = ClusterObjects & {
  nodepools: CachedNodePool[];
  /** Any other tracked resource: objects of a shape derivation does not read. */
  [resourceId: string]: unknown[] | string;
};

/** A copy of what one cluster's caches hold (a resource not tracked there reads as empty). */
export function snapshotOf(cluster: ClusterTracker): ClusterSnapshot {
  const list = (id: string) => {
    try {
      return cluster.cache(id).list();
    } catch {
      return [];
    }
  };
  return {
    cluster: cluster.name,
    pods: list('pods'),
    events: list('events'),
    nodes: list('nodes'),
    deployments: list('deployments'),
    statefulsets: list('statefulsets'),
    replicasets: list('replicasets'),
    horizontalpodautoscalers: list('horizontalpodautoscalers'),
    scaledobjects: list('scaledobjects'),
    inferenceservices: list('inferenceservices'),
    leaderworkersets: list('leaderworkersets'),
    nodepools: list('nodepools'),
    resourcequotas: list('resourcequotas'),
  };
}
