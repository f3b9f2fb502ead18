import { ModelArchitecture } from '../catalog/modelTypes';
import { EventLike, PodLike } from '../kubernetes/types';
import { KvCacheDtype, WeightPrecision } from '../planner/precision';

/**
 * The problems diagnosis recognises.
 *
 * @public
 */
export type FindingKind =
  | 'cuda-oom'
  | 'host-oom-killed'
  | 'kv-cache-too-small'
  | 'kv-cache-saturated'
  | 'insufficient-gpu'
  | 'image-pull'
  | 'cuda-driver-insufficient'
  | 'no-gpu-device'
  | 'crash-loop'
  | 'replicas-below-desired'
  | 'slow-model-load'
  | 'resource-quota-exceeded'
  | 'quota-mismatch'
  | 'ttft-slo-breached'
  | 'error-rate-high';

/**
 * How urgent a finding is.
 *
 * @public
 */
export type FindingSeverity = 'critical' | 'warning' | 'info';

/**
 * One observation a finding rests on.
 *
 * @public
 */
export interface FindingEvidence {
  source:
    | 'container-status'
    | 'event'
    | 'metric'
    | 'pod'
    | 'workload'
    | 'quota';
  /** The observed text or value, quoted or summarised. */
  text: string;
  /** The numbers and names the text states, for display and tests (e.g. quota, requested, used, limited). */
  facts?: Record<string, string | number>;
  pod?: string;
  container?: string;
  /** ISO timestamp of the observation, when known. */
  at?: string;
}

/**
 * A diagnosed problem with its evidence and a concrete fix.
 *
 * @public
 */
export interface Finding {
  /** Unique within one diagnosis: the kind, plus the container when a kind can hit several containers. */
  id: string;
  kind: FindingKind;
  severity: FindingSeverity;
  title: string;
  summary: string;
  evidence: FindingEvidence[];
  /** Plain words with numbers. */
  fix: string;
}

/**
 * A metric series (Prometheus instant vectors over time, one per label set).
 *
 * @public
 */
export interface MetricSeries {
  /** Metric name, e.g. `vllm:kv_cache_usage_perc`. */
  name: string;
  labels?: Record<string, string>;
  /** Samples in time order; `t` is an ISO timestamp or epoch milliseconds. */
  samples: Array<{ t: string | number; value: number }>;
}

/**
 * What is known about how the workload serves its model, to turn GPU-memory findings into planner advice.
 * Missing fields are read from the vLLM container's arguments where possible.
 *
 * @public
 */
export interface ServingContext {
  /** Catalog id / Hugging Face repo, or architecture numbers. */
  model?: string | ModelArchitecture;
  precision?: WeightPrecision;
  kvCacheDtype?: KvCacheDtype;
  tensorParallelSize?: number;
  maxModelLen?: number;
  gpuMemoryUtilization?: number;
  /** GPU type (catalog id, product label or MIG key). */
  gpuType?: string;
  /** vLLM release the pods run (from the image tag or the image catalog's digest): which accounting to follow. */
  vllmVersion?: string;
  /** CUDA version of the image, for driver findings. */
  imageCudaVersion?: string;
  /** Driver version of the node(s), for driver findings. */
  nodeDriverVersion?: string;
}

/**
 * A workload's serving metrics at one time, under the names the whole platform uses (the sampler stores them so,
 * the cards show them so): KV-cache usage (0–1, mean over replicas), requests waiting and running (summed).
 *
 * @public
 */
export interface ServingSample {
  /** Epoch milliseconds. */
  t: number;
  kvCacheUsage?: number;
  requestsWaiting?: number;
  requestsRunning?: number;
}

/**
 * Input of `diagnoseWorkload`.
 *
 * @public
 */
export interface DiagnosisInput {
  pods: readonly PodLike[];
  events?: readonly EventLike[];
  metrics?: readonly MetricSeries[];
  /** Desired replicas of the workload (spec.replicas). */
  desiredReplicas?: number;
  serving?: ServingContext;
  /** Evaluation time (ISO); default the newest timestamp in the input, so results are reproducible. */
  now?: string;
  thresholds?: {
    /** KV-cache usage (0..1) treated as saturated; default 0.9. */
    kvCacheSaturation?: number;
    /** Seconds a started container may stay unready before it is flagged; default 600. */
    modelLoadSeconds?: number;
  };
}
