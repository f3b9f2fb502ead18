/**
 * The Kubernetes objects derivation reads, typed by the generated models (kubernetes-models, KEDA's) or, for kinds
 * they do not model, by the fields read here. The watch cache holds what the API server sent, trimmed: the types
 * name the fields, they do not promise them, so every read still goes through `?.` and checks what it relies on.
 */
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import type {
  IDeployment,
  IReplicaSet,
  IStatefulSet,
} from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type {
  IEvent,
  INode,
  IPod,
  IPodSpec,
  IPodTemplateSpec,
  IResourceQuota,
} from 'kubernetes-models/v1';

/** Kubernetes object metadata (apimachinery's ObjectMeta), as the generated models type it. */
export type ObjectMeta = NonNullable<IPod['metadata']>;

/** A resource quantity as an object may hold it: the API server writes strings, a custom resource may keep numbers. */
export type Quantity = string | number;

/**
 * An object as a watch cache holds it: list items carry no kind or apiVersion, and nothing guarantees metadata
 * (a malformed object reaches the cache too).
 */
export type Cached<T> = Omit<T, 'apiVersion' | 'kind' | 'metadata'> & {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
};

/** An object whose identity was checked: metadata with a string name and, if any, a string namespace. */
export type Identified<T> = T & {
  metadata: ObjectMeta & { name: string; namespace?: string };
};

/** A pod template's spec as tracking/trim.ts keeps it: the GPU products its required node affinity pins. */
export type TrimmedPodSpec = IPodSpec & { gpuProductAffinity?: string[] };

/** A pod template (of a Deployment, StatefulSet or LeaderWorkerSet). */
export type PodTemplate = IPodTemplateSpec;

export type CachedPod = Cached<IPod>;
export type CachedEvent = Cached<IEvent>;
export type CachedNode = Cached<INode>;
export type CachedDeployment = Cached<IDeployment>;
export type CachedStatefulSet = Cached<IStatefulSet>;
export type CachedReplicaSet = Cached<IReplicaSet>;
export type CachedHorizontalPodAutoscaler = Cached<IHorizontalPodAutoscaler>;
export type CachedScaledObject = Cached<IScaledObject>;
export type CachedResourceQuota = Cached<IResourceQuota>;

/** LeaderWorkerSet (leaderworkerset.x-k8s.io/v1), which kubernetes-models does not model: the fields read here. */
export interface CachedLeaderWorkerSet {
  metadata?: ObjectMeta;
  spec?: {
    replicas?: number;
    leaderWorkerTemplate?: {
      size?: number;
      leaderTemplate?: PodTemplate;
      workerTemplate?: PodTemplate;
    };
  };
  status?: { readyReplicas?: number };
}

/** KServe InferenceService (serving.kserve.io/v1beta1), not modelled by kubernetes-models: the fields read here. */
export interface CachedInferenceService {
  metadata?: ObjectMeta;
  spec?: { predictor?: { minReplicas?: number; maxReplicas?: number } };
}

/** Karpenter NodePool (karpenter.sh/v1): the fields capacity reads. */
export interface CachedNodePool {
  metadata?: ObjectMeta;
  spec?: {
    limits?: Record<string, Quantity>;
    template?: { metadata?: { labels?: Record<string, string> } };
  };
  status?: { resources?: Record<string, Quantity> };
}

/**
 * The metadata of an object read without an identity check; throws when there is none, so the caller that isolates
 * each object reports this one and leaves it out.
 */
export function metadataOf(object: { metadata?: ObjectMeta }): ObjectMeta {
  const { metadata } = object;
  if (metadata === undefined || metadata === null) {
    throw new TypeError('it has no metadata');
  }
  return metadata;
}

/**
 * The namespace of an object of a namespaced kind; throws when it has none (the API server always sets one, and the
 * tracker's screen requires it), so the isolating caller reports the object and leaves it out.
 */
export function namespaceOf(object: { metadata: ObjectMeta }): string {
  const { namespace } = object.metadata;
  if (typeof namespace !== 'string') {
    throw new TypeError('it has no metadata.namespace');
  }
  return namespace;
}
