import { activeGpuCatalog } from '../catalog/activeGpuCatalog';
import { GpuTypeRef, listGpuTypes, resolveGpuType } from '../catalog/gpus';
import { GpuSpec } from '../catalog/gpuTypes';
import { MODEL_CATALOG } from '../catalog/models.data';
import {
  estimateParameters,
  resolveModelArchitecture,
} from '../catalog/models';
import { resolveGpuPrices } from '../catalog/prices';
import { planOnGpuType } from './gpuPlan';
import {
  GpuServingPlan,
  ModelServingPlan,
  PlanModelServingRequest,
} from './planTypes';
import {
  VLLM_DEFAULT_GPU_MEMORY_UTILIZATION,
  VLLM_DEFAULT_GPU_MEMORY_UTILIZATION_SOURCE,
} from './vllmDefaults';
import { vllmEngineBehaviour } from './vllmEngine';

/**
 * Sizes a vLLM deployment of a model on every allowed GPU type: tensor-parallel size, memory per GPU, KV-cache
 * capacity, replicas for the target concurrency, the vLLM arguments, and a ranked recommendation (cheapest GPU-hour
 * cost that meets the concurrency). Deterministic; refuses nothing silently: every non-fitting type says why.
 *
 * @public
 */
export function planModelServing(
  request: PlanModelServingRequest,
): ModelServingPlan {
  const gpuCatalog = request.catalog?.gpus ?? activeGpuCatalog();
  const resolved = resolveModelArchitecture(
    request.model,
    request.catalog?.models ?? MODEL_CATALOG,
  );
  const model = resolved.architecture;
  const precision = request.precision ?? 'bf16';
  const kvCacheDtype = request.kvCacheDtype ?? 'auto';
  const maxModelLen = request.maxModelLen ?? model.maxPositionEmbeddings;
  const targetConcurrency = request.targetConcurrency ?? 1;
  const utilization =
    request.gpuMemoryUtilization ?? VLLM_DEFAULT_GPU_MEMORY_UTILIZATION;
  const priceKind = request.priceKind ?? 'on-demand';
  const prices =
    request.prices ?? resolveGpuPrices([], { catalog: gpuCatalog });
  const warnings: string[] = [];
  if (!(utilization > 0 && utilization <= 1)) {
    throw new Error(
      `gpuMemoryUtilization must be in (0, 1], got ${utilization}`,
    );
  }
  if (!(Number.isInteger(maxModelLen) && maxModelLen > 0)) {
    throw new Error(
      `maxModelLen must be a positive integer, got ${maxModelLen}`,
    );
  }
  if (!(targetConcurrency > 0)) {
    throw new Error(
      `targetConcurrency must be positive, got ${targetConcurrency}`,
    );
  }
  if (maxModelLen > model.maxPositionEmbeddings) {
    warnings.push(
      `max-model-len ${maxModelLen} exceeds the model's ${model.maxPositionEmbeddings} positions: vLLM rejects it unless rope scaling is configured`,
    );
  }
  const engine = vllmEngineBehaviour(request.vllmVersion);
  const types = selectGpuTypes(request.gpuTypes, gpuCatalog, warnings);
  const plans = types.map(type =>
    planOnGpuType({
      type,
      request,
      model,
      precision,
      kvCacheDtype,
      maxModelLen,
      targetConcurrency,
      utilization,
      priceKind,
      prices,
      engine,
    }),
  );
  plans.sort(comparePlans);
  return {
    modelId: resolved.id,
    model,
    parametersBillion: estimateParameters(model).total / 1e9,
    precision,
    kvCacheDtype,
    maxModelLen,
    targetConcurrency,
    gpuMemoryUtilization: utilization,
    gpuMemoryUtilizationSource:
      request.gpuMemoryUtilization === undefined
        ? VLLM_DEFAULT_GPU_MEMORY_UTILIZATION_SOURCE
        : 'set in the request',
    vllmBehaviour: engine.label,
    plans,
    recommendation: plans.find(p => p.fits),
    warnings,
  };
}

function selectGpuTypes(
  names: string[] | undefined,
  catalog: readonly GpuSpec[],
  warnings: string[],
): GpuTypeRef[] {
  if (!names || names.length === 0) {
    return listGpuTypes(catalog).filter(
      t => !t.mig && t.gpu.vendor === 'nvidia',
    );
  }
  const types: GpuTypeRef[] = [];
  for (const name of names) {
    const type = resolveGpuType(name, { catalog });
    if (!type) {
      warnings.push(`unknown GPU type '${name}' ignored`);
    } else if (!types.some(t => t.key === type.key)) {
      types.push(type);
    }
  }
  return types;
}

function comparePlans(a: GpuServingPlan, b: GpuServingPlan): number {
  if (a.fits !== b.fits) return a.fits ? -1 : 1;
  const costA = a.costPerHourUsd ?? Number.POSITIVE_INFINITY;
  const costB = b.costPerHourUsd ?? Number.POSITIVE_INFINITY;
  if (costA !== costB) return costA - costB;
  return a.totalGpus - b.totalGpus || a.gpuType.localeCompare(b.gpuType);
}
