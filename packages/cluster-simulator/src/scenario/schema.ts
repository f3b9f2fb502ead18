/*
 * The scenario format: clusters, node pools, namespaces with quotas, and
 * workloads with their model, GPUs, autoscaler, load profile and failure
 * mode. Scenarios are YAML files validated with this schema.
 */
import { z } from 'zod';

const quantity = z.union([z.string(), z.number()]).transform(v => String(v));

/** Requests per second over time. @public */
export const loadProfileSchema = z.discriminatedUnion('profile', [
  z.object({ profile: z.literal('constant'), rps: z.number().nonnegative() }),
  z.object({
    profile: z.literal('diurnal'),
    peakRps: z.number().nonnegative(),
    troughRps: z.number().nonnegative().default(0),
    /** hour of day (UTC) of the peak */
    peakHourUtc: z.number().min(0).max(24).default(15),
  }),
  z.object({
    profile: z.literal('idle'),
    rps: z.number().nonnegative().default(0.02),
  }),
  z.object({
    profile: z.literal('spike'),
    baseRps: z.number().nonnegative(),
    spikeRps: z.number().nonnegative(),
    /** spike every this many minutes, lasting `spikeMinutes` */
    everyMinutes: z.number().positive().default(60),
    spikeMinutes: z.number().positive().default(10),
  }),
]);

/** How a workload fails. @public */
export const failureModeSchema = z.enum([
  'none',
  'auto',
  'cuda-oom-at-start',
  'cuda-oom-under-load',
  'oom-killed',
  'kv-cache-too-small',
  'image-pull',
  'driver-insufficient',
]);

const autoscalerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hpa'),
    min: z.number().int().positive().default(1),
    max: z.number().int().positive(),
    /** `cpu` (utilization %, target) or a per-pod metric name such as `vllm:num_requests_waiting` */
    metric: z.string().default('cpu'),
    target: z.number().positive(),
  }),
  z.object({
    type: z.literal('keda'),
    min: z.number().int().nonnegative().default(1),
    max: z.number().int().positive(),
    metric: z.string().default('vllm:num_requests_waiting'),
    threshold: z.number().positive(),
    activationThreshold: z.number().nonnegative().default(0),
    serverAddress: z
      .string()
      .default('http://prometheus-operated.monitoring:9090'),
    cooldownPeriod: z.number().int().nonnegative().default(300),
    pollingInterval: z.number().int().positive().default(30),
  }),
]);

/** One workload (model server) in a scenario. @public */
export const workloadSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  /** owning team (group name): label `inference-platform.io/owner` */
  team: z.string(),
  kind: z
    .enum(['Deployment', 'StatefulSet', 'LeaderWorkerSet', 'InferenceService'])
    .default('Deployment'),
  engine: z.enum(['vllm', 'triton', 'tei', 'tgi']).default('vllm'),
  model: z.string(),
  /** `repo:tag`; pinned by digest when rendered */
  image: z.string().optional(),
  gpus: z.number().int().nonnegative().default(1),
  /** GPU product to select (`nvidia.com/gpu.product`); default: none (any GPU node) */
  gpuProduct: z.string().optional(),
  /** MIG resource instead of whole GPUs, e.g. `nvidia.com/mig-1g.10gb` */
  gpuResource: z.string().optional(),
  replicas: z.number().int().nonnegative().default(1),
  tensorParallel: z.number().int().positive().optional(),
  maxModelLen: z.number().int().positive().optional(),
  gpuMemoryUtilization: z.number().positive().max(1).default(0.9),
  cpu: quantity.default('8'),
  memory: quantity.default('64Gi'),
  /** LeaderWorkerSet group size */
  groupSize: z.number().int().positive().optional(),
  autoscaler: autoscalerSchema.optional(),
  load: loadProfileSchema.default({ profile: 'constant', rps: 1 }),
  failure: failureModeSchema.default('auto'),
  /** simulated model load time in seconds (default derived from model size) */
  modelLoadSeconds: z.number().nonnegative().optional(),
  terminationMessagePolicy: z
    .enum(['File', 'FallbackToLogsOnError'])
    .default('FallbackToLogsOnError'),
  /** which vLLM metric names pods expose: current, deprecated (legacy), or both */
  metricNames: z.enum(['both', 'current', 'legacy']).default('both'),
  labels: z.record(z.string()).default({}),
  annotations: z.record(z.string()).default({}),
  serviceMonitor: z.boolean().default(true),
  pdb: z.object({ minAvailable: z.number().int().nonnegative() }).optional(),
  networkPolicy: z.boolean().default(false),
  /** `backstage.io/kubernetes-id`; defaults to the workload name */
  kubernetesId: z.string().optional(),
});

/** A pool of identical GPU (or CPU) nodes. @public */
export const nodePoolSchema = z.object({
  name: z.string(),
  /** GPU product label; omit for CPU-only pools */
  gpu: z.string().optional(),
  instanceType: z.string(),
  driver: z.string().default('550.54.15'),
  nodes: z.number().int().nonnegative(),
  zone: z.string().optional(),
  capacityType: z.enum(['on-demand', 'spot']).default('on-demand'),
  mig: z
    .object({
      strategy: z.enum(['single', 'mixed']),
      profile: z.string(),
      perGpu: z.number().int().positive(),
    })
    .optional(),
  /** when present, the pool is a Karpenter NodePool that can add nodes up to the limit */
  karpenter: z
    .object({
      limitGpus: z.number().int().nonnegative(),
      provisionSeconds: z.number().nonnegative().default(90),
      consolidateAfterSeconds: z.number().nonnegative().optional(),
      weight: z.number().int().optional(),
    })
    .optional(),
  taintGpu: z.boolean().default(true),
});

const podSecurityLevel = z.enum(['privileged', 'baseline', 'restricted']);

/** A namespace with its owner and GPU quota. @public */
export const namespaceSchema = z.object({
  name: z.string(),
  team: z.string().optional(),
  quota: z.record(quantity).optional(),
  labels: z.record(z.string()).default({}),
  /** Pod Security admission: rendered as `pod-security.kubernetes.io/<mode>` labels */
  podSecurity: z
    .object({
      enforce: podSecurityLevel.optional(),
      warn: podSecurityLevel.optional(),
      audit: podSecurityLevel.optional(),
      /** policy version of every mode given (`latest` or `v1.<minor>`) */
      version: z.string().optional(),
    })
    .optional(),
});

/** A StorageClass of a cluster (storage.k8s.io/v1). @public */
export const storageClassSchema = z.object({
  name: z.string(),
  provisioner: z.string(),
  volumeBindingMode: z
    .enum(['Immediate', 'WaitForFirstConsumer'])
    .default('Immediate'),
  reclaimPolicy: z.enum(['Delete', 'Retain']).default('Delete'),
  parameters: z.record(z.string()).default({}),
  allowVolumeExpansion: z.boolean().optional(),
  /** annotated `storageclass.kubernetes.io/is-default-class: "true"` */
  default: z.boolean().default(false),
});

/**
 * A cluster's StorageClasses. Without `classes`, the set a new EKS cluster
 * has: `gp2` (kubernetes.io/aws-ebs, WaitForFirstConsumer), marked default
 * only on Kubernetes versions before 1.30 (EKS stopped annotating it default
 * for new clusters from 1.30).
 */
export const storageSchema = z.object({
  /** replaces the EKS default set */
  classes: z.array(storageClassSchema).optional(),
  /** add `efs-sc` (efs.csi.aws.com, Immediate), as the EFS CSI driver docs install it */
  efs: z.boolean().default(false),
  /** the class to mark default (overrides the EKS version rule); `none` for no default */
  defaultClass: z.string().optional(),
});

/** One simulated cluster. @public */
export const clusterSchema = z.object({
  name: z.string(),
  region: z.string().default('us-east-1'),
  kubernetesVersion: z.string().default('v1.31.4'),
  token: z.string().optional(),
  readOnlyToken: z.string().optional(),
  /**
   * The range the API server's proxy connections (pods/proxy, services/proxy)
   * come from, for NetworkPolicy ipBlocks; on EKS the control plane's ENIs sit
   * in the cluster VPC (set this to the VPC CIDR; eksctl creates 192.168.0.0/16)
   */
  apiServerCidr: z.string().default('10.0.0.0/16'),
  systemPool: z
    .object({
      instanceType: z.string().default('m6i.xlarge'),
      nodes: z.number().int().nonnegative().default(2),
    })
    .default({}),
  nodePools: z.array(nodePoolSchema).default([]),
  namespaces: z.array(namespaceSchema).default([]),
  workloads: z.array(workloadSchema).default([]),
  /** run a dcgm-exporter DaemonSet on GPU nodes */
  dcgmExporter: z.boolean().default(true),
  /** run kube-proxy and CoreDNS like a real cluster (off in the scale scenario) */
  systemWorkloads: z.boolean().default(true),
  /** record Normal events (Pulled, Created, Scheduled...); Warnings are always recorded */
  normalEvents: z.boolean().default(true),
  /** StorageClasses (default: what a new EKS cluster has) */
  storage: storageSchema.default({}),
});

/** Simulated delays (seconds of simulated time). @public */
export const timingSchema = z.object({
  imagePullSeconds: z.tuple([z.number(), z.number()]).default([3, 8]),
  /** factor applied to model load times (0.1 makes a 60 s load take 6 s) */
  modelLoadScale: z.number().positive().default(1),
  nodeReadySeconds: z.number().nonnegative().default(20),
  schedulerRetrySeconds: z.number().positive().default(30),
});

/** A whole scenario. @public */
export const scenarioSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  seed: z.union([z.number(), z.string()]).default(1),
  timing: timingSchema.default({}),
  clusters: z.array(clusterSchema).min(1),
});

/** A validated scenario. @public */
export type Scenario = z.infer<typeof scenarioSchema>;
/** Scenario input before defaults are applied. @public */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated cluster of a scenario. @public */
export type ClusterSpec = z.infer<typeof clusterSchema>;
/** A validated node pool. @public */
export type NodePoolSpec = z.infer<typeof nodePoolSchema>;
/** A validated workload. @public */
export type WorkloadSpec = z.infer<typeof workloadSchema>;
/** A load profile. @public */
export type LoadProfile = z.infer<typeof loadProfileSchema>;
/** A failure mode. @public */
export type FailureMode = z.infer<typeof failureModeSchema>;
/** A StorageClass of a scenario cluster. @public */
export type StorageClassSpec = z.infer<typeof storageClassSchema>;
/** Simulated delays. @public */
export type Timing = z.infer<typeof timingSchema>;
