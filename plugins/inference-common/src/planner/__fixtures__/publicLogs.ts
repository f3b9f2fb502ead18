import logs from './vllm-public-logs.json';
import publicModels from './public-log-models.json';
import calibrationModels from './calibration-models.json';
import { findModel } from '../../catalog/models';
import { resolveGpuType } from '../../catalog/gpus';
import {
  ModelArchitecture,
  VisionEncoderArchitecture,
} from '../../catalog/modelTypes';
import { visionEncoderFromHfConfig } from '../hfVision';
import { ActivationDtype, KvCacheDtype, WeightPrecision } from '../precision';
import { VllmMemoryInput } from '../memory';
import {
  VllmEngineBehaviour,
  profilingSchedulerLimits,
  vllmEngineBehaviour,
} from '../vllmEngine';

type LogRow = (typeof logs.runs)[number];

/** One public startup log turned into the planner's input, or the reason it cannot be. */
export interface PublicLogRun {
  id: string;
  /** Where the figures come from (one source may hold several runs). */
  source: string;
  family: string;
  /** The release group whose behaviour was assumed, `unstated` when the log gives no version. */
  versionGroup: string;
  behaviour: VllmEngineBehaviour;
  /** Undefined when the run cannot be expressed; then `notExpressible` says why. */
  input?: VllmMemoryInput;
  /** Weights can be scored without a GPU; the KV cache needs the GPU's memory too. */
  scoresKvCache: boolean;
  notExpressible?: string;
  observed: { weightsGiB?: number; kvCacheGiB?: number };
}

/** Log model id → architecture: the catalog, the sweep's models, or public-log-models.json. */
const MODEL_OF_RUN: Record<string, string> = {
  'dennislee22-qwen2-7b-a100-80g-gmu025': 'Qwen/Qwen2-7B-Instruct',
  'dennislee22-qwen2-7b-a100-80g-gmu05': 'Qwen/Qwen2-7B-Instruct',
  'dennislee22-qwen2-7b-2xa100-40g-tp2-gmu05': 'Qwen/Qwen2-7B-Instruct',
  'dennislee22-gpt-oss-120b-4xa100-80g-tp4-gmu08': 'openai/gpt-oss-120b',
  'llmd-gpt-oss-20b-h100': 'openai/gpt-oss-20b',
  'llmd-gpt-oss-120b-h100': 'openai/gpt-oss-120b',
  'llmd-llama-3.3-70b-fp8-h100-tp2':
    'RedHatAI/Llama-3.3-70B-Instruct-fp8-dynamic',
  'llmd-llama-3.3-70b-fp8-h100-tp1-failed':
    'RedHatAI/Llama-3.3-70B-Instruct-fp8-dynamic',
  'llmd-llama-3.1-8b-h100': 'meta-llama/Llama-3.1-8B-Instruct',
  'llmd-qwen3-0.6b-h100': 'Qwen/Qwen3-0.6B',
  'llmd-qwen3-32b-h100': 'Qwen/Qwen3-32B',
  'vllm16570-qwen2.5-vl-72b-4xa100-40g': 'Qwen/Qwen2.5-VL-72B-Instruct',
  'kagaho-llama3-70b-awq-2xl40s-tp2': 'meta-llama/Meta-Llama-3-70B-Instruct',
  'demoenvl4-llama-3.1-8b-l4': 'meta-llama/Llama-3.1-8B-Instruct',
  'jimwvllm-phi-1_5-gtx1080': 'microsoft/phi-1_5',
  'jimwvllm-llama-3.2-1b-gtx1080': 'llama-3.2-1b',
  'deepseekqwen-r1-14b-v085': 'Qwen/Qwen2.5-14B',
  'arnovllm-qwen2.5-7b-rocm-v0170': 'qwen2.5-7b',
};

/** Why the other runs cannot be planned. */
const NOT_EXPRESSIBLE: Record<string, string> = {
  'vllm6623-llava-1.5-7b-hf': 'GPU, max-model-len and utilization not stated',
  'vllm6623-meta-llama-3-8b-instruct':
    'GPU, max-model-len and utilization not stated',
  'grpocredit-rho-1b-h200-v064': 'architecture not stated in the log',
  'zjpzhao-qwen3-vl-embedding-2b-t4':
    'no config.json of Qwen3-VL-Embedding-2B available to us',
  'dgxspark-laguna-s-2.1-nvfp4-gb10':
    'no config.json of Laguna-S-2.1; weights include a speculative drafter',
  'vllm44376-deepseek-v4-flash-2xgh200-failed':
    'no config.json of DeepSeek-V4-Flash',
};

interface PublicModel {
  architecture: ModelArchitecture;
  vision?: Record<string, unknown>;
}

function architectureOf(id: string): ModelArchitecture | undefined {
  const listed = (publicModels.models as Record<string, PublicModel>)[id];
  if (listed) {
    const encoder: VisionEncoderArchitecture | undefined = listed.vision
      ? visionEncoderFromHfConfig(listed.vision as never)
      : undefined;
    return encoder
      ? { ...listed.architecture, visionEncoder: encoder }
      : listed.architecture;
  }
  const swept = (calibrationModels.models as Record<string, ModelArchitecture>)[
    id
  ];
  return swept ?? findModel(id);
}

function precisionOf(row: LogRow): WeightPrecision | undefined {
  const q = (row.quantization ?? '').toLowerCase();
  const dtype = activationOf(row);
  // gpt-oss is published in MXFP4 only; the llm-d summary does not repeat it.
  if (!q && row.family === 'gpt-oss') return 'mxfp4';
  if (!q) return dtype;
  if (q.includes('mxfp4')) return 'mxfp4';
  if (q.includes('awq')) return 'awq';
  if (q.includes('fp8')) return 'fp8';
  return undefined;
}

function activationOf(row: LogRow): ActivationDtype {
  return /float16/.test(row.dtype ?? '') && !/bfloat16/.test(row.dtype ?? '')
    ? 'fp16'
    : 'bf16';
}

function gpuMemoryOf(row: LogRow): number | undefined {
  if (typeof row.gpu_total_memory_gib_logged === 'number') {
    return row.gpu_total_memory_gib_logged;
  }
  const name = (row as { gpu_type?: string }).gpu_type;
  const known: Record<string, string> = {
    'A100-80GB': 'a100-80gb-sxm',
    'A100-40GB': 'a100-40gb-sxm',
    L40S: 'l40s',
    L4: 'l4',
    'H100-80GB': 'h100-80gb-sxm',
  };
  const key = name ? known[name] : undefined;
  return key ? resolveGpuType(key)?.usableMemoryGiB : undefined;
}

/** vLLM version of a row; the V0 rows of releases where V1 existed say so in `engine`. */
function behaviourOf(row: LogRow): VllmEngineBehaviour {
  const engine = /^V0/.test(row.engine ?? '') ? 'v0' : 'v1';
  return vllmEngineBehaviour(row.vllm_version ?? undefined, { engine });
}

/**
 * The source a run counts under for leave-one-source-out: a GitHub repository's files (any commit) are one
 * source; an issue or pull request is one source; anything else is its URL.
 */
function sourceOf(url: string): string {
  const repoFile = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/blob\//.exec(url);
  return repoFile ? `https://github.com/${repoFile[1]}` : url;
}

/** Every row of vllm-public-logs.json, expressed as a planner input where we can. */
export function publicLogRuns(): PublicLogRun[] {
  return logs.runs.map(row => {
    const behaviour = behaviourOf(row);
    const base = {
      id: row.id,
      source: sourceOf(row.source.url),
      family: row.family,
      versionGroup: row.vllm_version ? behaviour.group : 'unstated',
      behaviour,
      observed: {
        weightsGiB: row.weights_gib ?? undefined,
        kvCacheGiB: row.kv_cache_gib ?? undefined,
      },
    };
    const modelId = MODEL_OF_RUN[row.id];
    const model = modelId ? architectureOf(modelId) : undefined;
    const precision = precisionOf(row);
    if (!model || !precision) {
      return {
        ...base,
        scoresKvCache: false,
        notExpressible:
          NOT_EXPRESSIBLE[row.id] ??
          (model
            ? `quantization '${row.quantization}' not mapped`
            : 'checkpoint not identified or patched build (no config.json)'),
      };
    }
    const tp = row.tensor_parallel_size ?? row.gpu_count ?? 1;
    const memory = gpuMemoryOf(row);
    const maxModelLen = row.max_model_len ?? model.maxPositionEmbeddings;
    const gpu = { usableMemoryGiB: memory ?? 0, name: row.gpu_model ?? '' };
    const input: VllmMemoryInput = {
      model,
      precision,
      activationDtype: activationOf(row),
      kvCacheDtype: (row.kv_cache_dtype ?? 'auto') as KvCacheDtype,
      tensorParallelSize: tp,
      maxModelLen,
      gpuMemoryUtilization:
        row.gpu_memory_utilization ?? behaviour.defaultGpuMemoryUtilization,
      usableMemoryGiB: memory ?? 0,
      scheduler: profilingSchedulerLimits(behaviour, gpu, maxModelLen, {
        ...(row.max_num_seqs ? { maxNumSeqs: row.max_num_seqs } : {}),
        ...(row.max_num_batched_tokens
          ? { maxNumBatchedTokens: row.max_num_batched_tokens }
          : {}),
        ...(row.enable_chunked_prefill === false
          ? { enableChunkedPrefill: false }
          : {}),
      }),
      engine: behaviour,
    };
    return {
      ...base,
      input,
      scoresKvCache:
        memory !== undefined && typeof row.kv_cache_gib === 'number',
    };
  });
}
