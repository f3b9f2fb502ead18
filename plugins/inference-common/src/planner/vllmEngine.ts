import { VllmSchedulerLimits, vllmSchedulerDefaults } from './vllmDefaults';

/**
 * Release groups whose startup memory accounting differs. The boundaries are where vLLM changed how it profiles:
 *
 * - `v0`: the V0 engine (default before 0.8.0, removed in 0.11.0). Without chunked prefill its profiling batch is
 *   max(max-model-len, 2048) tokens; chunked prefill is switched on by itself above 32K context, with 512 tokens
 *   per step (`vllm/engine/arg_utils.py`, `SchedulerConfig` of the 0.6 line; the GTX 1080 log in
 *   vllm-public-logs.json shows "max_num_batched_tokens=512" auto-set at max-model-len 105088).
 * - `v1-0.8`: V1 became the default in 0.8.0 ("V1 engine is enabled by default", vLLM 0.8.0 release notes);
 *   chunked prefill always on, the profiling batch is max_num_batched_tokens.
 * - `v1-0.11`: 0.11.0 removed V0 (release notes "V0 engine removed").
 * - `v1-0.19`: the release of the H100 sweep the overhead model is fitted on (vLLM 0.19.0).
 * - `v1-0.21`: CUDA-graph memory is profiled before the KV cache is sized and taken from the budget (the
 *   0.25.1 log in vllm-public-logs.json: "CUDA graph memory profiling … default since 0.21").
 *
 * @public
 */
export type VllmEngineGroup =
  | 'v0'
  | 'v1-0.8'
  | 'v1-0.11'
  | 'v1-0.19'
  | 'v1-0.21';

/**
 * How one vLLM release sizes its KV cache at startup, as the planner assumes it.
 *
 * @public
 */
export interface VllmEngineBehaviour {
  /** The release the behaviour was chosen for (`undefined`: not stated, the newest group assumed). */
  version?: string;
  group: VllmEngineGroup;
  engine: 'v0' | 'v1';
  /** `--gpu-memory-utilization` when the deployment does not set it. */
  defaultGpuMemoryUtilization: number;
  /** True when the CUDA-graph pool is profiled first and taken from the KV budget. */
  cudaGraphInBudget: boolean;
  /** One line for the plan: which release's behaviour was assumed and what differs. */
  label: string;
}

const V1_DEFAULT_SINCE = [0, 8, 0];
const V0_REMOVED_IN = [0, 11, 0];
const SWEEP_RELEASE = [0, 19, 0];
const CUDA_GRAPH_PROFILED_SINCE = [0, 21, 0];
/**
 * The default became 0.92 after the sweep's release: 0.19.0 still budgets exactly 0.90 (the sweep's one run
 * without the flag); `vllm/config/cache.py` at commit 002f10e0 has 0.92. The release in between is not known,
 * so 0.92 is assumed from the group that also profiles CUDA graphs (0.21); plans always pass the flag anyway.
 */
const UTILIZATION_092_ASSUMED_SINCE = CUDA_GRAPH_PROFILED_SINCE;

function atLeast(version: number[], floor: number[]): boolean {
  for (let i = 0; i < 3; i++) {
    const a = version[i] ?? 0;
    if (a !== floor[i]) return a > floor[i];
  }
  return true;
}

/** `0.10.1.1`, `v0.20.1rc1.dev16+g7a1eb8ac2`, `0.11.0+torch271` → [major, minor, patch]. */
function releaseNumbers(version: string): number[] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/**
 * The behaviour the planner assumes for a vLLM release. `engine: 'v0'` forces the V0 engine of a 0.8–0.10 release
 * (`VLLM_USE_V1=0`). An unknown or missing version assumes the newest group and says so.
 *
 * @public
 */
export function vllmEngineBehaviour(
  version?: string,
  options: { engine?: 'v0' | 'v1' } = {},
): VllmEngineBehaviour {
  const numbers = version ? releaseNumbers(version) : undefined;
  if (!numbers) {
    return {
      version: undefined,
      group: 'v1-0.21',
      engine: 'v1',
      defaultGpuMemoryUtilization: 0.92,
      cudaGraphInBudget: true,
      label: version
        ? `vLLM version '${version}' not understood: assumed the newest behaviour (V1, CUDA graphs in the budget)`
        : 'vLLM version not stated: assumed the newest behaviour (V1, CUDA graphs in the budget)',
    };
  }
  const text = version!.trim().replace(/^v/, '');
  const v1Possible = atLeast(numbers, V1_DEFAULT_SINCE);
  const v0Possible = !atLeast(numbers, V0_REMOVED_IN);
  const engine =
    !v1Possible || (v0Possible && options.engine === 'v0') ? 'v0' : 'v1';
  const graphs = atLeast(numbers, CUDA_GRAPH_PROFILED_SINCE);
  const utilization = atLeast(numbers, UTILIZATION_092_ASSUMED_SINCE)
    ? 0.92
    : 0.9;
  let group: VllmEngineGroup = 'v1-0.8';
  if (engine === 'v0') group = 'v0';
  else if (graphs) group = 'v1-0.21';
  else if (atLeast(numbers, SWEEP_RELEASE)) group = 'v1-0.19';
  else if (!v0Possible) group = 'v1-0.11';
  const described: Record<VllmEngineGroup, string> = {
    v0: 'V0 engine: profiles a max(max-model-len, 2048)-token batch unless chunked prefill is on',
    'v1-0.8': 'V1 engine (0.8–0.10): profiles one max-num-batched-tokens step',
    'v1-0.11':
      'V1 engine (0.11–0.18): profiles one max-num-batched-tokens step',
    'v1-0.19':
      'V1 engine (0.19–0.20): the release the overhead model is fitted on',
    'v1-0.21':
      'V1 engine (0.21+): CUDA-graph memory is taken from the KV budget',
  };
  return {
    version: text,
    group,
    engine,
    defaultGpuMemoryUtilization: utilization,
    cudaGraphInBudget: graphs,
    label: `vLLM ${text}: ${described[group]}; default --gpu-memory-utilization ${utilization}`,
  };
}

/**
 * Scheduler limits of the profiling run for a release: V1 takes vLLM's per-GPU OpenAI-server defaults
 * ({@link vllmSchedulerDefaults}); V0 runs 256 sequences and, without chunked prefill, a whole max-model-len
 * prompt (at least 2048 tokens); with chunked prefill (on by itself above 32K context) 512 tokens.
 *
 * @public
 */
export function profilingSchedulerLimits(
  behaviour: VllmEngineBehaviour,
  gpu: { usableMemoryGiB: number; name: string },
  maxModelLen: number,
  overrides: Partial<VllmSchedulerLimits> & {
    enableChunkedPrefill?: boolean;
  } = {},
): VllmSchedulerLimits {
  const { enableChunkedPrefill, ...limits } = overrides;
  if (behaviour.engine === 'v1') {
    return { ...vllmSchedulerDefaults(gpu), ...limits };
  }
  const chunked = enableChunkedPrefill ?? maxModelLen > 32768;
  return {
    maxNumSeqs: 256,
    maxNumBatchedTokens: chunked ? 512 : Math.max(maxModelLen, 2048),
    ...limits,
  };
}
