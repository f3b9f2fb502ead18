import { ModelArchitecture } from '../catalog/modelTypes';

/**
 * Why vLLM accepts or rejects a tensor-parallel size for a model.
 *
 * @public
 */
export interface TensorParallelCheck {
  tensorParallelSize: number;
  valid: boolean;
  reason?: string;
}

/**
 * Checks vLLM's tensor-parallel constraints: the attention heads must divide evenly
 * (`ModelConfig.verify_with_parallel_config`), and KV heads must either divide by TP or, once TP exceeds them,
 * TP must be a multiple of them (they are replicated; `QKVParallelLinear`). MLA models have no KV-head constraint.
 *
 * @public
 */
export function checkTensorParallelSize(
  model: ModelArchitecture,
  tensorParallelSize: number,
): TensorParallelCheck {
  const tp = tensorParallelSize;
  if (!Number.isInteger(tp) || tp < 1) {
    return {
      tensorParallelSize: tp,
      valid: false,
      reason: `tensor-parallel size must be a positive integer`,
    };
  }
  if (model.numAttentionHeads % tp !== 0) {
    return {
      tensorParallelSize: tp,
      valid: false,
      reason: `${model.numAttentionHeads} attention heads are not divisible by tensor-parallel size ${tp}`,
    };
  }
  const kv = model.numKeyValueHeads;
  if (!model.mla) {
    if (tp <= kv && kv % tp !== 0) {
      return {
        tensorParallelSize: tp,
        valid: false,
        reason: `${kv} KV heads are not divisible by tensor-parallel size ${tp}`,
      };
    }
    if (tp > kv && tp % kv !== 0) {
      return {
        tensorParallelSize: tp,
        valid: false,
        reason: `tensor-parallel size ${tp} is not a multiple of the ${kv} KV heads it must replicate`,
      };
    }
  }
  return { tensorParallelSize: tp, valid: true };
}

/**
 * Tensor-parallel sizes the planner considers: powers of two up to the GPUs of one node (TP traffic needs NVLink or
 * at least one PCIe root, so it never crosses nodes), each with its verdict.
 *
 * @public
 */
export function tensorParallelCandidates(
  model: ModelArchitecture,
  maxGpusPerNode: number,
): TensorParallelCheck[] {
  const candidates: TensorParallelCheck[] = [];
  for (let tp = 1; tp <= maxGpusPerNode; tp *= 2) {
    candidates.push(checkTensorParallelSize(model, tp));
  }
  return candidates;
}
