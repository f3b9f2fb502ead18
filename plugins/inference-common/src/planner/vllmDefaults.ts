/**
 * vLLM's current default `--gpu-memory-utilization`: `Field(default=0.92, gt=0, le=1)` in `vllm/config/cache.py`
 * (commit 002f10e0) and docs.vllm.ai/en/stable/cli/serve. Older releases used 0.9 — the calibration sweep's one
 * run without the flag (vLLM 0.19.0) budgets exactly 0.90 of memory — so plans always pass the value explicitly.
 *
 * @public
 */
export const VLLM_DEFAULT_GPU_MEMORY_UTILIZATION = 0.92;

/**
 * Where {@link VLLM_DEFAULT_GPU_MEMORY_UTILIZATION} comes from, for display next to every plan.
 *
 * @public
 */
export const VLLM_DEFAULT_GPU_MEMORY_UTILIZATION_SOURCE =
  'vLLM default 0.92 (vllm/config/cache.py commit 002f10e0; docs.vllm.ai stable serve CLI). vLLM 0.19.0 and older used 0.90.';

/**
 * vLLM's KV-cache block size in tokens (`DEFAULT_BLOCK_SIZE = 16` in `vllm/config/cache.py`).
 *
 * @public
 */
export const VLLM_BLOCK_SIZE = 16;

/**
 * Scheduler limits that size vLLM's profiling run (and so its activation peak).
 *
 * @public
 */
export interface VllmSchedulerLimits {
  /** `--max-num-seqs`: sequences per step; the sampler warm-up computes logits for this many. */
  maxNumSeqs: number;
  /** `--max-num-batched-tokens`: tokens per forward pass in the profiling run. */
  maxNumBatchedTokens: number;
}

/**
 * The OpenAI-server defaults vLLM picks per device (`EngineArgs` batch defaults): GPUs with at least 70 GiB
 * that are not A100s get 1024 sequences / 8192 tokens, the others 256 / 2048.
 *
 * @public
 */
export function vllmSchedulerDefaults(gpu: {
  usableMemoryGiB: number;
  name: string;
}): VllmSchedulerLimits {
  const large = gpu.usableMemoryGiB >= 70 && !/a100/i.test(gpu.name);
  return large
    ? { maxNumSeqs: 1024, maxNumBatchedTokens: 8192 }
    : { maxNumSeqs: 256, maxNumBatchedTokens: 2048 };
}
