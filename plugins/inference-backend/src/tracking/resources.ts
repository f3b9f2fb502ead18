/**
 * A Kubernetes resource the tracker lists and watches.
 *
 * @public
 */
export interface TrackedResource {
  /** Short name used in logs, status and the cache, e.g. `pods`, `scaledobjects`. */
  id: string;
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** A CRD that clusters may lack: a 404 marks it absent instead of failing the cluster. */
  optional: boolean;
}

function resource(
  groupVersion: string,
  plural: string,
  kind: string,
  options: { namespaced?: boolean; optional?: boolean } = {},
): TrackedResource {
  const [group, version] = groupVersion.includes('/')
    ? groupVersion.split('/')
    : ['', groupVersion];
  return {
    id: plural,
    group,
    version,
    plural,
    kind,
    namespaced: options.namespaced ?? true,
    optional: options.optional ?? false,
  };
}

/**
 * Everything the tracker watches in every cluster.
 *
 * @public
 */
export const TRACKED_RESOURCES: TrackedResource[] = [
  resource('v1', 'nodes', 'Node', { namespaced: false }),
  resource('v1', 'pods', 'Pod'),
  resource('v1', 'events', 'Event'),
  resource('v1', 'resourcequotas', 'ResourceQuota'),
  resource('apps/v1', 'deployments', 'Deployment'),
  resource('apps/v1', 'statefulsets', 'StatefulSet'),
  resource('apps/v1', 'replicasets', 'ReplicaSet'),
  resource(
    'autoscaling/v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
  ),
  resource('keda.sh/v1alpha1', 'scaledobjects', 'ScaledObject', {
    optional: true,
  }),
  resource('karpenter.sh/v1', 'nodepools', 'NodePool', {
    namespaced: false,
    optional: true,
  }),
  resource(
    'serving.kserve.io/v1beta1',
    'inferenceservices',
    'InferenceService',
    { optional: true },
  ),
  resource(
    'leaderworkerset.x-k8s.io/v1',
    'leaderworkersets',
    'LeaderWorkerSet',
    { optional: true },
  ),
];

/** API path listing a resource across all namespaces, e.g. `/apis/apps/v1/deployments`. */
export function collectionPath(r: TrackedResource): string {
  return r.group === ''
    ? `/api/${r.version}/${r.plural}`
    : `/apis/${r.group}/${r.version}/${r.plural}`;
}
