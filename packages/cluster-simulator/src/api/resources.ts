/*
 * The resource types a simulated cluster serves: the built-in kinds clients of
 * GPU workloads touch, and the custom resources of the operators such clusters
 * run (KEDA, Karpenter, Prometheus Operator, KServe, LeaderWorkerSet).
 */

/** A subresource the simulator implements for a resource type. @public */
export type Subresource =
  | 'status'
  | 'scale'
  | 'proxy'
  | 'log'
  | 'binding'
  | 'token';

/** Where the scale subresource reads its numbers. @public */
export interface ScalePaths {
  /** dotted path of the desired replica count, e.g. `spec.replicas` */
  specReplicas: string;
  /** dotted path of the observed replica count */
  statusReplicas: string;
  /** dotted path of the label selector (an object selector or a string) */
  labelSelector: string;
}

/** Description of one served resource type (one group/version/plural). @public */
export interface ResourceType {
  /** stable id: `<group>/<plural>`, `core/<plural>` for the legacy group */
  id: string;
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: Subresource[];
  /** read-only virtual resources (metrics.k8s.io) reject writes */
  readOnly: boolean;
  /** whether spec changes bump metadata.generation */
  tracksGeneration: boolean;
  /** field selectors beyond metadata.name/metadata.namespace */
  selectableFields: string[];
  scale?: ScalePaths;
  /** true for resources registered through a CustomResourceDefinition */
  custom: boolean;
}

interface Spec {
  group?: string;
  version: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: Subresource[];
  readOnly?: boolean;
  tracksGeneration?: boolean;
  selectableFields?: string[];
  scale?: ScalePaths;
  custom?: boolean;
}

const DEPLOYMENT_SCALE: ScalePaths = {
  specReplicas: 'spec.replicas',
  statusReplicas: 'status.replicas',
  labelSelector: 'spec.selector',
};

const SPECS: Spec[] = [
  {
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    selectableFields: ['status.phase'],
  },
  {
    version: 'v1',
    kind: 'Node',
    plural: 'nodes',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status', 'proxy'],
    selectableFields: ['spec.unschedulable'],
  },
  {
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'proxy', 'log', 'binding'],
    tracksGeneration: false,
    selectableFields: [
      'spec.nodeName',
      'status.phase',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'status.podIP',
      'status.nominatedNodeName',
    ],
  },
  {
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    shortNames: ['ev'],
    tracksGeneration: false,
    selectableFields: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
  },
  {
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status', 'proxy'],
  },
  {
    version: 'v1',
    kind: 'Endpoints',
    plural: 'endpoints',
    shortNames: ['ep'],
    tracksGeneration: false,
  },
  {
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    shortNames: ['cm'],
    tracksGeneration: false,
  },
  {
    version: 'v1',
    kind: 'Secret',
    plural: 'secrets',
    tracksGeneration: false,
    selectableFields: ['type'],
  },
  {
    version: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    shortNames: ['sa'],
    subresources: ['token'],
    tracksGeneration: false,
  },
  {
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    shortNames: ['pvc'],
    subresources: ['status'],
  },
  {
    version: 'v1',
    kind: 'PersistentVolume',
    plural: 'persistentvolumes',
    namespaced: false,
    shortNames: ['pv'],
    subresources: ['status'],
  },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'StorageClass',
    plural: 'storageclasses',
    namespaced: false,
    shortNames: ['sc'],
    tracksGeneration: false,
  },
  {
    version: 'v1',
    kind: 'ResourceQuota',
    plural: 'resourcequotas',
    shortNames: ['quota'],
    subresources: ['status'],
  },
  {
    version: 'v1',
    kind: 'LimitRange',
    plural: 'limitranges',
    shortNames: ['limits'],
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    scale: DEPLOYMENT_SCALE,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    scale: DEPLOYMENT_SCALE,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    scale: DEPLOYMENT_SCALE,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'ControllerRevision',
    plural: 'controllerrevisions',
    tracksGeneration: false,
  },
  {
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    plural: 'jobs',
    categories: ['all'],
    subresources: ['status'],
  },
  {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    plural: 'cronjobs',
    shortNames: ['cj'],
    categories: ['all'],
    subresources: ['status'],
  },
  {
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status'],
  },
  {
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    shortNames: ['pdb'],
    subresources: ['status'],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    shortNames: ['netpol'],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'Ingress',
    plural: 'ingresses',
    shortNames: ['ing'],
    subresources: ['status'],
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRole',
    plural: 'clusterroles',
    namespaced: false,
    tracksGeneration: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    namespaced: false,
    tracksGeneration: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'Role',
    plural: 'roles',
    tracksGeneration: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'RoleBinding',
    plural: 'rolebindings',
    tracksGeneration: false,
  },
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    kind: 'PodMetrics',
    plural: 'pods',
    readOnly: true,
    tracksGeneration: false,
  },
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    kind: 'NodeMetrics',
    plural: 'nodes',
    namespaced: false,
    readOnly: true,
    tracksGeneration: false,
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
  },
  {
    group: 'keda.sh',
    version: 'v1alpha1',
    kind: 'ScaledObject',
    plural: 'scaledobjects',
    shortNames: ['so'],
    subresources: ['status'],
    custom: true,
  },
  {
    group: 'keda.sh',
    version: 'v1alpha1',
    kind: 'TriggerAuthentication',
    plural: 'triggerauthentications',
    shortNames: ['ta', 'triggerauth'],
    custom: true,
  },
  {
    group: 'http.keda.sh',
    version: 'v1alpha1',
    kind: 'HTTPScaledObject',
    plural: 'httpscaledobjects',
    shortNames: ['httpso'],
    subresources: ['status'],
    custom: true,
  },
  {
    group: 'karpenter.sh',
    version: 'v1',
    kind: 'NodePool',
    plural: 'nodepools',
    namespaced: false,
    subresources: ['status'],
    custom: true,
  },
  {
    group: 'karpenter.sh',
    version: 'v1',
    kind: 'NodeClaim',
    plural: 'nodeclaims',
    namespaced: false,
    subresources: ['status'],
    custom: true,
  },
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    kind: 'ServiceMonitor',
    plural: 'servicemonitors',
    shortNames: ['smon'],
    custom: true,
  },
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    kind: 'PodMonitor',
    plural: 'podmonitors',
    shortNames: ['pmon'],
    custom: true,
  },
  {
    group: 'serving.kserve.io',
    version: 'v1beta1',
    kind: 'InferenceService',
    plural: 'inferenceservices',
    shortNames: ['isvc'],
    subresources: ['status'],
    custom: true,
  },
  {
    group: 'leaderworkerset.x-k8s.io',
    version: 'v1',
    kind: 'LeaderWorkerSet',
    plural: 'leaderworkersets',
    shortNames: ['lws'],
    subresources: ['status', 'scale'],
    custom: true,
    scale: {
      specReplicas: 'spec.replicas',
      statusReplicas: 'status.replicas',
      labelSelector: 'status.hpaPodSelector',
    },
  },
];

function build(spec: Spec): ResourceType {
  const group = spec.group ?? '';
  return {
    id: `${group || 'core'}/${spec.plural}`,
    group,
    version: spec.version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular: spec.kind.toLowerCase(),
    namespaced: spec.namespaced ?? true,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    subresources: spec.subresources ?? [],
    readOnly: spec.readOnly ?? false,
    tracksGeneration: spec.tracksGeneration ?? true,
    selectableFields: spec.selectableFields ?? [],
    scale: spec.scale,
    custom: spec.custom ?? false,
  };
}

/** Every resource type the simulator serves, in discovery order. @public */
export const RESOURCE_TYPES: readonly ResourceType[] = SPECS.map(build);

const byId = new Map(RESOURCE_TYPES.map(r => [r.id, r]));
const byPath = new Map(
  RESOURCE_TYPES.map(r => [`${r.group}/${r.version}/${r.plural}`, r]),
);
const byKind = new Map(
  RESOURCE_TYPES.map(r => [`${apiVersionOf(r)}/${r.kind}`, r]),
);

/** The apiVersion string of a resource type, e.g. `apps/v1` or `v1`. @public */
export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** Looks a resource type up by its stable id (`apps/deployments`, `core/pods`). @public */
export function resourceById(id: string): ResourceType {
  const r = byId.get(id);
  if (!r) {
    throw new Error(`unknown resource type ${id}`);
  }
  return r;
}

/** Looks a resource type up by URL parts; undefined when not served. */
export function resourceByPath(
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  return byPath.get(`${group}/${version}/${plural}`);
}

/** Looks a resource type up by apiVersion and kind; undefined when not served. */
export function resourceByKind(
  apiVersion: string,
  kind: string,
): ResourceType | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}

/** The group/version pairs served, legacy core group first. */
export function servedGroupVersions(): Array<{
  group: string;
  version: string;
}> {
  const seen = new Set<string>();
  const out: Array<{ group: string; version: string }> = [];
  for (const r of RESOURCE_TYPES) {
    const key = `${r.group}/${r.version}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ group: r.group, version: r.version });
    }
  }
  return out;
}

/** The verbs a client may use on a resource type, as discovery reports them. */
export function verbsOf(r: ResourceType): string[] {
  if (r.readOnly) {
    return ['get', 'list'];
  }
  return [
    'create',
    'delete',
    'deletecollection',
    'get',
    'list',
    'patch',
    'update',
    'watch',
  ];
}

/** The group-qualified resource name used in error messages (`deployments.apps`). */
export function qualifiedResource(r: ResourceType): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}
