// One finding of every kind, with evidence and fix as the diagnosis writes them (shortened).
import {
  Finding,
  FindingKind,
} from '@inference-platform/plugin-inference-common';

const OOM_TEXT =
  'terminated (Error, exit code 1): torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.11 GiB is free.';

/** One finding of every kind, with evidence and fix as the diagnosis writes them. */
export const FINDINGS: Record<FindingKind, Finding> = {
  'cuda-oom': {
    id: 'cuda-oom',
    kind: 'cuda-oom',
    severity: 'critical',
    title: 'CUDA out of memory',
    summary: '2 pod(s) crashed with CUDA out of memory.',
    fix: 'It tried to allocate 2.00 GiB with 1.11 GiB free of 79.2 GiB. Lower --max-num-batched-tokens (now 8192) or --gpu-memory-utilization.',
    evidence: [
      {
        source: 'container-status',
        text: OOM_TEXT,
        pod: 'code-assistant-llm-78d4-kp6qw',
        container: 'vllm',
      },
      {
        source: 'container-status',
        text: OOM_TEXT,
        pod: 'code-assistant-llm-78d4-nj2kg',
        container: 'vllm',
      },
    ],
  },
  'kv-cache-too-small': {
    id: 'kv-cache-too-small',
    kind: 'kv-cache-too-small',
    severity: 'critical',
    title: 'KV cache too small for max-model-len',
    summary:
      'vLLM refused to start: the KV cache cannot hold one sequence of max-model-len tokens.',
    fix: 'Lower --max-model-len from 32768 to 16384, or raise --gpu-memory-utilization to 0.95.',
    evidence: [
      {
        source: 'container-status',
        text: "ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (17296).",
      },
    ],
  },
  'kv-cache-saturated': {
    id: 'kv-cache-saturated',
    kind: 'kv-cache-saturated',
    severity: 'warning',
    title: 'KV cache saturated, queue growing',
    summary: 'KV cache at 97% for 10 min while the queue grew from 2 to 41.',
    fix: 'Add replicas (the autoscaler allows 4) or shorten max-model-len.',
    evidence: [
      {
        source: 'metric',
        text: 'vllm:kv_cache_usage_perc 0.97, vllm:num_requests_waiting 41',
      },
    ],
  },
  'host-oom-killed': {
    id: 'host-oom-killed',
    kind: 'host-oom-killed',
    severity: 'critical',
    title: 'Container killed for host memory (OOMKilled)',
    summary:
      '1 pod(s) exceeded their memory limit and were killed (exit code 137).',
    fix: 'Raise resources.limits.memory from 32Gi to 48Gi (1.5x), or lower --swap-space.',
    evidence: [
      {
        source: 'container-status',
        text: 'terminated (OOMKilled, exit code 137)',
      },
    ],
  },
  'insufficient-gpu': {
    id: 'insufficient-gpu',
    kind: 'insufficient-gpu',
    severity: 'critical',
    title: 'Not enough nvidia.com/gpu to schedule',
    summary:
      'Pods stay Pending: 2 of 2 nodes lack free nvidia.com/gpu (0 available).',
    fix: "Free GPUs of that type, raise the node pool's limit, or lower GPUs per replica.",
    evidence: [
      {
        source: 'event',
        text: '0/2 nodes are available: 2 Insufficient nvidia.com/gpu.',
      },
    ],
  },
  'image-pull': {
    id: 'image-pull',
    kind: 'image-pull',
    severity: 'critical',
    title: 'Image cannot be pulled',
    summary: '1 pod(s) cannot pull vllm/vllm-openai:v0.99.',
    fix: 'vllm/vllm-openai:v0.99 does not exist in the registry: resolve an existing digest and redeploy.',
    evidence: [
      {
        source: 'container-status',
        text: 'waiting (ErrImagePull): manifest unknown',
      },
    ],
  },
  'cuda-driver-insufficient': {
    id: 'cuda-driver-insufficient',
    kind: 'cuda-driver-insufficient',
    severity: 'critical',
    title: 'CUDA driver too old for the image',
    summary:
      "The node's NVIDIA driver does not support the CUDA version the image is built on.",
    fix: 'Use an image built for CUDA 12.2 or upgrade the node driver to 550 or newer.',
    evidence: [
      {
        source: 'container-status',
        text: 'CUDA driver version is insufficient for CUDA runtime version',
      },
    ],
  },
  'no-gpu-device': {
    id: 'no-gpu-device',
    kind: 'no-gpu-device',
    severity: 'critical',
    title: 'No GPU visible in the container',
    summary: 'CUDA found no device: the container was not given a GPU.',
    fix: 'Request the GPU in resources.limits (nvidia.com/gpu).',
    evidence: [
      {
        source: 'container-status',
        text: 'RuntimeError: No CUDA GPUs are available',
      },
    ],
  },
  'crash-loop': {
    id: 'crash-loop',
    kind: 'crash-loop',
    severity: 'critical',
    title: 'Crash loop without a recognised cause',
    summary: '1 pod(s) are in CrashLoopBackOff (last exit code 2).',
    fix: "Read the previous container's log (kubectl logs --previous) for the error.",
    evidence: [
      { source: 'container-status', text: 'waiting (CrashLoopBackOff)' },
    ],
  },
  'replicas-below-desired': {
    id: 'replicas-below-desired',
    kind: 'replicas-below-desired',
    severity: 'critical',
    title: 'Replicas below desired',
    summary: '0 of 2 replicas are ready.',
    fix: 'Fix the findings above (cuda-oom); the replicas follow.',
    evidence: [{ source: 'workload', text: '0/2 ready' }],
  },
  'slow-model-load': {
    id: 'slow-model-load',
    kind: 'slow-model-load',
    severity: 'warning',
    title: 'Readiness lags model load',
    summary: 'The server has been starting without becoming ready for 900 s.',
    fix: 'Give the startup probe 1800 s (failureThreshold × periodSeconds).',
    evidence: [{ source: 'pod', text: 'not ready for 900 s' }],
  },
};
