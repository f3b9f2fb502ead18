import { CatalogModel, ModelArchitecture } from '../catalog/modelTypes';
import { GpuSpec } from '../catalog/gpuTypes';
import { PriceKind, ResolvedGpuPrice } from '../catalog/prices';
import { VllmMemoryBreakdown } from './memory';
import { PlannerErrorBand } from './engineCalibration';
import { ActivationDtype, KvCacheDtype, WeightPrecision } from './precision';
import { VllmSchedulerLimits } from './vllmDefaults';

/**
 * What to size: a model, how it is stored, the context and concurrency it must serve, where it may run.
 *
 * @public
 */
export interface PlanModelServingRequest {
  /** Catalog id / Hugging Face repo, or the architecture numbers of any other model. */
  model: string | ModelArchitecture;
  /** Default `bf16`. */
  precision?: WeightPrecision;
  /** Default from the precision; GPUs without BF16 fall back to fp16 unless this is set. */
  activationDtype?: ActivationDtype;
  /** Default `auto` (the activation dtype). */
  kvCacheDtype?: KvCacheDtype;
  /** Default: the model's maxPositionEmbeddings (vLLM's own default). */
  maxModelLen?: number;
  /** Sequences of maxModelLen tokens that must be resident at once, over all replicas. Default 1. */
  targetConcurrency?: number;
  /** GPU types allowed (catalog ids, product labels or `<label>-MIG-<profile>`). Default: every whole NVIDIA GPU. */
  gpuTypes?: string[];
  /** Default `VLLM_DEFAULT_GPU_MEMORY_UTILIZATION` (0.92); always stated in the plan. */
  gpuMemoryUtilization?: number;
  /** GPUs of one node (upper bound of tensor parallelism). Default 8. */
  maxGpusPerNode?: number;
  /** Pin the tensor-parallel size instead of letting the planner choose. */
  tensorParallelSize?: number;
  /** Default `on-demand`. */
  priceKind?: PriceKind;
  /** Resolved price table (config); default the embedded dated defaults. */
  prices?: readonly ResolvedGpuPrice[];
  /**
   * vLLM release of the image that will serve (e.g. `0.22.0`): the plan follows that release's memory
   * accounting and says so. Default: the newest behaviour, stated as assumed.
   */
  vllmVersion?: string;
  /** Overrides of vLLM's per-GPU scheduler defaults. */
  scheduler?: Partial<VllmSchedulerLimits>;
  /** Catalog overrides (config). */
  catalog?: { gpus?: readonly GpuSpec[]; models?: readonly CatalogModel[] };
}

/**
 * The plan for one GPU type.
 *
 * @public
 */
export interface GpuServingPlan {
  gpuType: string;
  gpuId: string;
  gpuName: string;
  /** True when one replica starts and the target concurrency is reachable. */
  fits: boolean;
  /** Why it does not fit (empty when it fits). */
  reasons: string[];
  /** Caveats that do not prevent the plan. */
  notes: string[];
  tensorParallelSize: number;
  gpusPerReplica: number;
  /** Replicas needed for the target concurrency (0 when it does not fit). */
  replicas: number;
  totalGpus: number;
  activationDtype: ActivationDtype;
  /** Memory of each GPU of a replica (for a non-fitting type: the largest tensor-parallel size tried). */
  memoryPerGpu: VllmMemoryBreakdown;
  kvCacheTokens: number;
  /** Full-length sequences one replica holds at once. */
  maxConcurrencyPerReplica: number;
  scheduler: VllmSchedulerLimits;
  /** `vllm serve` arguments, as a flat argv list. */
  vllmArgs: string[];
  price?: {
    usdPerGpuHour: number;
    kind: PriceKind;
    isDefault: boolean;
    asOf: string;
  };
  /** totalGpus × price, USD per hour. */
  costPerHourUsd?: number;
  /** Error band of this plan's memory figures; the KV band is kept free as a safety margin. */
  errorBand: PlannerErrorBand;
}

/**
 * The answer of {@link planModelServing}.
 *
 * @public
 */
export interface ModelServingPlan {
  modelId: string;
  model: ModelArchitecture;
  parametersBillion: number;
  precision: WeightPrecision;
  kvCacheDtype: KvCacheDtype;
  maxModelLen: number;
  targetConcurrency: number;
  /** The utilization every plan uses, stated explicitly, with its source. */
  gpuMemoryUtilization: number;
  gpuMemoryUtilizationSource: string;
  /** Every GPU type considered, ranked: fitting ones by cost per hour (unpriced last), then the rest. */
  plans: GpuServingPlan[];
  /** The vLLM release whose accounting the plans follow, in one line. */
  vllmBehaviour: string;
  /** The cheapest fitting plan, if any. */
  recommendation?: GpuServingPlan;
  warnings: string[];
}
