// Minimal structural shapes of the Kubernetes objects the domain reads. They accept objects from
// @kubernetes/client-node or plain JSON without depending on either; every field is optional where the API allows.

/**
 * Object metadata fields the domain reads.
 *
 * @public
 */
export interface ObjectMetaLike {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  ownerReferences?: Array<{ kind: string; name: string; uid?: string }>;
}

/**
 * Resource requests and limits (quantities as strings, e.g. `"1"`, `"32Gi"`).
 *
 * @public
 */
export interface ResourceRequirementsLike {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/**
 * A container of a pod spec.
 *
 * @public
 */
export interface ContainerLike {
  name: string;
  image?: string;
  args?: string[];
  command?: string[];
  resources?: ResourceRequirementsLike;
  terminationMessagePolicy?: 'File' | 'FallbackToLogsOnError';
}

/**
 * The three possible states of a container.
 *
 * @public
 */
export interface ContainerStateLike {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    reason?: string;
    exitCode: number;
    signal?: number;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
  };
}

/**
 * Status of one container (`status.containerStatuses[]`).
 *
 * @public
 */
export interface ContainerStatusLike {
  name: string;
  ready: boolean;
  restartCount: number;
  image?: string;
  imageID?: string;
  started?: boolean;
  state?: ContainerStateLike;
  lastState?: ContainerStateLike;
}

/**
 * A pod condition (`PodScheduled`, `Ready`, …).
 *
 * @public
 */
export interface PodConditionLike {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/**
 * A pod, trimmed to what diagnosis and accounting read.
 *
 * @public
 */
export interface PodLike {
  metadata: ObjectMetaLike;
  spec?: {
    nodeName?: string;
    nodeSelector?: Record<string, string>;
    containers: ContainerLike[];
  };
  status?: {
    phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    reason?: string;
    message?: string;
    startTime?: string;
    conditions?: PodConditionLike[];
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
  };
}

/**
 * A core/v1 (or events.k8s.io) event about an object.
 *
 * @public
 */
export interface EventLike {
  type?: 'Normal' | 'Warning' | string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: {
    kind?: string;
    name?: string;
    namespace?: string;
    uid?: string;
  };
  source?: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
}

/**
 * A node with its labels (GPU Feature Discovery) and capacity.
 *
 * @public
 */
export interface NodeLike {
  metadata: ObjectMetaLike;
  spec?: {
    unschedulable?: boolean;
    taints?: Array<{ key: string; value?: string; effect: string }>;
  };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: Array<{ type: string; status: string }>;
  };
}
