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
  'resource-quota-exceeded': {
    id: 'resource-quota-exceeded',
    kind: 'resource-quota-exceeded',
    severity: 'warning',
    title: 'Namespace ResourceQuota refuses new pods',
    summary:
      'The ResourceQuota gpu-quota in ml-search refused 4 pod(s): each requests requests.nvidia.com/gpu=1, the namespace uses 4 of 4.',
    fix: 'Raise the ResourceQuota gpu-quota in ml-search: requests.nvidia.com/gpu from 4 to 8 (kubectl -n ml-search edit resourcequota gpu-quota) so the 4 missing pod(s) fit.',
    evidence: [
      {
        source: 'event',
        text: 'FailedCreate (x7): Error creating: pods "search-reranker-5d8f7b9c4-q1r2s" is forbidden: exceeded quota: gpu-quota, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=4, limited: requests.nvidia.com/gpu=4',
        facts: {
          quota: 'gpu-quota',
          resource: 'requests.nvidia.com/gpu',
          requested: 1,
          used: 4,
          limited: 4,
        },
      },
    ],
  },
  'quota-mismatch': {
    id: 'quota-mismatch:gpu-eu-west/ml-search/gpu-quota',
    kind: 'quota-mismatch',
    severity: 'warning',
    title: 'Namespace quota below the platform quota',
    summary:
      "The platform quota of group:default/ml-search allows 9 NVIDIA-A100-SXM4-80GB GPUs and charges 8 for the workloads' ceilings in gpu-eu-west/ml-search, but the ResourceQuota gpu-quota in gpu-eu-west/ml-search allows 4 requests.nvidia.com/gpu: the namespace quota binds, 5 GPUs below the platform quota (4 below what the workloads may scale to).",
    fix: 'Raise requests.nvidia.com/gpu of the ResourceQuota gpu-quota in gpu-eu-west/ml-search from 4 to 8, or lower the platform quota line to 4.',
    evidence: [
      {
        source: 'quota',
        text: 'platform quota group:default/ml-search on NVIDIA-A100-SXM4-80GB: limit 9, 8 charged in gpu-eu-west/ml-search',
      },
      {
        source: 'quota',
        text: 'ResourceQuota gpu-quota in gpu-eu-west/ml-search: requests.nvidia.com/gpu hard 4, used 4',
      },
    ],
  },
  'ttft-slo-breached': {
    id: 'ttft-slo-breached',
    kind: 'ttft-slo-breached',
    severity: 'warning',
    title: 'TTFT p95 above its objective',
    summary:
      'Time to first token p95 is 4.59 s against the objective of 800 ms (5.7x) over the last 5 minutes.',
    fix: 'Prompts wait before their first token: add replicas so each replica prefills fewer prompts at once.',
    evidence: [
      {
        source: 'metric',
        text: 'TTFT p95 4.59 s (median of 10 samples from 11:55:30 to 12:00:00 UTC, latest 4.61 s) against the objective 800 ms (inference-platform.io/slo-ttft-p95-ms)',
        facts: { valueSeconds: 4.59, targetSeconds: 0.8, window: '5m' },
      },
    ],
  },
  'error-rate-high': {
    id: 'error-rate-high',
    kind: 'error-rate-high',
    severity: 'warning',
    title: 'Error rate above its threshold',
    summary:
      '4.2% of finished requests failed over the last 5 minutes, against 1.0% (the default threshold).',
    fix: "Read the failed requests in the server's log (kubectl logs).",
    evidence: [
      {
        source: 'metric',
        text: 'error rate 4.2% (mean of 10 samples from 11:55:30 to 12:00:00 UTC) against 1.0% (default threshold; set inference.slo.errorRateThreshold to change it)',
        facts: { value: 0.042, target: 0.01, window: '5m' },
      },
    ],
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
