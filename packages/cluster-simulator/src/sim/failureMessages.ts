/*
 * The exact text a failing container leaves behind: PyTorch's CUDA OOM, vLLM's
 * KV cache error, nvidia-container-cli's driver requirement error, and
 * containerd's image pull error. These strings are what a diagnosis feature
 * must recognise, so they follow the real tools' wording (see
 * reference/facts.md §7 and the lead's notes), with numbers computed from the
 * model and GPU in question.
 */
import { GpuModel, torchCapacityGiB } from './gpuCatalog';
import { ModelArch, VllmMemoryPlan } from './modelCatalog';

const gib = (x: number) => `${x.toFixed(2)} GiB`;

/** The tail of a vLLM log when PyTorch runs out of GPU memory. */
export function cudaOomMessage(
  gpu: GpuModel | undefined,
  plan: VllmMemoryPlan | undefined,
  phase: 'start' | 'load',
): string {
  const capacity = gpu ? torchCapacityGiB(gpu) : 79.19;
  const tried = phase === 'start' ? 2.0 : 1.95;
  const free = Math.max(0.12, Math.min(1.5, capacity * 0.014));
  const inUse = capacity - free;
  const allocated = Math.max(0, inUse - 2.75);
  const reserved = Math.min(1.5, inUse - allocated);
  const where =
    phase === 'start'
      ? '  File "/usr/local/lib/python3.12/dist-packages/vllm/worker/gpu_worker.py", line 228, in determine_available_memory\n    self.model_runner.profile_run()'
      : '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_model_runner.py", line 1421, in execute_model\n    hidden_states = self.model(';
  void plan;
  return [
    'Traceback (most recent call last):',
    where,
    '  File "/usr/local/lib/python3.12/dist-packages/torch/nn/modules/module.py", line 1751, in _call_impl',
    '    return forward_call(*args, **kwargs)',
    `torch.OutOfMemoryError: CUDA out of memory. Tried to allocate ${gib(
      tried,
    )}. GPU 0 has a total capacity of ${gib(capacity)} of which ${gib(
      free,
    )} is free. Including non-PyTorch memory, this process has ${gib(
      inUse,
    )} memory in use. Of the allocated memory ${gib(
      allocated,
    )} is allocated by PyTorch, and ${gib(
      reserved,
    )} is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)`,
  ].join('\n');
}

/** vLLM's startup error when max-model-len does not fit the KV cache. */
export function kvCacheTooSmallMessage(
  maxModelLen: number,
  kvTokens: number,
): string {
  return [
    'Traceback (most recent call last):',
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/core/kv_cache_utils.py", line 593, in check_enough_kv_cache_memory',
    `    raise ValueError(`,
    `ValueError: The model's max seq len (${maxModelLen}) is larger than the maximum number of tokens that can be in KV cache (${kvTokens}). Try increasing \`gpu_memory_utilization\` or decreasing \`max_model_len\` when initializing the engine.`,
  ].join('\n');
}

/** vLLM's startup error when nothing is left for KV cache blocks. */
export function noKvBlocksMessage(): string {
  return 'ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.';
}

/** containerd's error when the NVIDIA hook rejects an image needing a newer CUDA than the driver offers. */
export function driverInsufficientMessage(requiredCuda: string): string {
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running prestart hook #0: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'\nnvidia-container-cli: requirement error: unsatisfied condition: cuda>=${requiredCuda}, please update your driver to a newer version, or use an earlier cuda container: unknown`;
}

/** containerd's error for an image reference that does not resolve. */
export function imagePullMessage(image: string): string {
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
}

/** A few lines of a healthy vLLM startup log. */
export function vllmStartupLog(
  model: string,
  arch: ModelArch | undefined,
  plan: VllmMemoryPlan | undefined,
  tp: number,
  port: number,
): string[] {
  const lines = [
    `INFO 05-01 10:00:01 [api_server.py:1043] vLLM API server version 0.10.1`,
    `INFO 05-01 10:00:01 [cli_args.py:261] non-default args: {'model': '${model}', 'tensor_parallel_size': ${tp}}`,
    `INFO 05-01 10:00:09 [config.py:717] This model supports multiple tasks. Defaulting to 'generate'.`,
  ];
  if (plan) {
    lines.push(
      `INFO 05-01 10:00:41 [default_loader.py:272] Loading weights took ${(
        plan.weightsGiB / 2.2
      ).toFixed(2)} seconds`,
      `INFO 05-01 10:00:42 [gpu_model_runner.py:1801] Model loading took ${plan.weightsGiB.toFixed(
        4,
      )} GiB and ${(plan.weightsGiB / 2).toFixed(6)} seconds`,
      `INFO 05-01 10:00:58 [gpu_worker.py:232] Available KV cache memory: ${Math.max(
        0,
        plan.kvCacheGiB,
      ).toFixed(2)} GiB`,
      `INFO 05-01 10:00:58 [kv_cache_utils.py:716] GPU KV cache size: ${plan.kvTokens.toLocaleString(
        'en-US',
      )} tokens`,
    );
  }
  void arch;
  lines.push(
    `INFO 05-01 10:01:10 [launcher.py:29] Available routes are: /health, /metrics, /v1/models, /v1/chat/completions, /v1/completions`,
  );
  lines.push(
    `INFO:     Uvicorn running on http://0.0.0.0:${port} (Press CTRL+C to quit)`,
  );
  return lines;
}
