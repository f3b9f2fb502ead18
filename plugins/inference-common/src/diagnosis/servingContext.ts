import { resolveGpuType } from '../catalog/gpus';
import { findModel, resolveModelArchitecture } from '../catalog/models';
import { ContainerLike, PodLike } from '../kubernetes/types';
import { VllmMemoryInput } from '../planner/memory';
import {
  ActivationDtype,
  KvCacheDtype,
  WeightPrecision,
  defaultActivationDtype,
} from '../planner/precision';
import {
  profilingSchedulerLimits,
  vllmEngineBehaviour,
} from '../planner/vllmEngine';
import { vllmReleaseOfImage } from './vllmRelease';
import { ServingContext } from './types';

/**
 * vLLM settings read from a container's command line.
 *
 * @public
 */
export interface VllmCommandLine {
  model?: string;
  tensorParallelSize?: number;
  maxModelLen?: number;
  gpuMemoryUtilization?: number;
  dtype?: string;
  kvCacheDtype?: string;
  quantization?: string;
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
}

/**
 * Parses vLLM's human-readable integers: `32768`, `32k` (×1000), `32K` (×1024), `1m`/`1M`.
 *
 * @public
 */
export function parseVllmInteger(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(value.trim());
  if (!match) return undefined;
  const suffix = match[2];
  const power = suffix ? 'kmg'.indexOf(suffix.toLowerCase()) + 1 : 0;
  const base = suffix && suffix === suffix.toUpperCase() ? 1024 : 1000;
  return Math.round(Number(match[1]) * base ** power);
}

/**
 * Reads the vLLM flags of a container (`vllm serve <model> …` or the OpenAI api_server module); undefined when
 * the container does not run vLLM.
 *
 * @public
 */
export function readVllmCommandLine(
  container: ContainerLike,
): VllmCommandLine | undefined {
  const argv = [...(container.command ?? []), ...(container.args ?? [])]
    .flatMap(a => a.split(/\s+/))
    .filter(Boolean);
  const isVllm =
    argv.some(a => a === 'serve' || a.includes('vllm')) ||
    /vllm/.test(container.image ?? '');
  if (!isVllm) return undefined;
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(0, eq), arg.slice(eq + 1));
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      flags.set(arg, argv[i + 1]);
      i++;
    }
  }
  const serveAt = argv.indexOf('serve');
  const positionalModel =
    serveAt >= 0 && argv[serveAt + 1] && !argv[serveAt + 1].startsWith('-')
      ? argv[serveAt + 1]
      : undefined;
  const number = (...names: string[]) => {
    const raw = names.map(n => flags.get(n)).find(v => v !== undefined);
    return raw === undefined ? undefined : parseVllmInteger(raw) ?? Number(raw);
  };
  const utilization = flags.get('--gpu-memory-utilization');
  return {
    model: flags.get('--model') ?? positionalModel,
    tensorParallelSize: number('--tensor-parallel-size', '-tp'),
    maxModelLen: number('--max-model-len'),
    gpuMemoryUtilization:
      utilization !== undefined ? Number(utilization) : undefined,
    dtype: flags.get('--dtype'),
    kvCacheDtype: flags.get('--kv-cache-dtype'),
    quantization: flags.get('--quantization') ?? flags.get('-q'),
    maxNumSeqs: number('--max-num-seqs'),
    maxNumBatchedTokens: number('--max-num-batched-tokens'),
  };
}

function precisionFrom(cli: VllmCommandLine): WeightPrecision | undefined {
  const q = cli.quantization?.toLowerCase();
  if (q) {
    if (q.startsWith('fp8')) return 'fp8';
    if (q.startsWith('awq')) return 'awq';
    if (q.startsWith('gptq')) return 'gptq';
    if (q === 'mxfp4') return 'mxfp4';
    if (q === 'compressed-tensors') return 'int8';
  }
  return dtypeFrom(cli.dtype);
}

function dtypeFrom(dtype: string | undefined): ActivationDtype | undefined {
  switch (dtype?.toLowerCase()) {
    case 'float16':
    case 'half':
    case 'fp16':
      return 'fp16';
    case 'bfloat16':
    case 'bf16':
      return 'bf16';
    case 'float32':
    case 'float':
      return 'fp32';
    default:
      return undefined;
  }
}

/**
 * Combines the explicit serving context with what the pods' vLLM command lines say (explicit values win).
 *
 * @public
 */
export function mergeServingContext(
  pods: readonly PodLike[],
  context: ServingContext = {},
): ServingContext & {
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
  activationDtype?: ActivationDtype;
} {
  let cli: VllmCommandLine | undefined;
  let release: string | undefined;
  for (const pod of pods) {
    for (const container of pod.spec?.containers ?? []) {
      const read = readVllmCommandLine(container);
      if (read && !cli) {
        cli = read;
        release = vllmReleaseOfImage(container.image);
      }
    }
  }
  const productLabel = pods
    .map(p => p.spec?.nodeSelector?.['nvidia.com/gpu.product'])
    .find(Boolean);
  return {
    ...context,
    model: context.model ?? cli?.model,
    precision: context.precision ?? (cli ? precisionFrom(cli) : undefined),
    kvCacheDtype:
      context.kvCacheDtype ?? (cli?.kvCacheDtype as KvCacheDtype | undefined),
    tensorParallelSize: context.tensorParallelSize ?? cli?.tensorParallelSize,
    maxModelLen: context.maxModelLen ?? cli?.maxModelLen,
    gpuMemoryUtilization:
      context.gpuMemoryUtilization ?? cli?.gpuMemoryUtilization,
    gpuType: context.gpuType ?? productLabel,
    vllmVersion: context.vllmVersion ?? release,
    maxNumSeqs: cli?.maxNumSeqs,
    maxNumBatchedTokens: cli?.maxNumBatchedTokens,
    activationDtype: dtypeFrom(cli?.dtype),
  };
}

/**
 * Turns a serving context into the planner's memory input, when the model and GPU are known.
 * Unset utilization is taken as the default of the pods' vLLM release (see vllmEngineBehaviour), unset TP as 1.
 *
 * @public
 */
export function memoryInputFromContext(
  context: ReturnType<typeof mergeServingContext>,
): VllmMemoryInput | undefined {
  if (!context.model || !context.gpuType) return undefined;
  if (typeof context.model === 'string' && !findModel(context.model))
    return undefined;
  const gpu = resolveGpuType(context.gpuType);
  if (!gpu) return undefined;
  const { architecture } = resolveModelArchitecture(context.model);
  const precision = context.precision ?? 'bf16';
  const engine = vllmEngineBehaviour(context.vllmVersion);
  const maxModelLen = context.maxModelLen ?? architecture.maxPositionEmbeddings;
  const scheduler = profilingSchedulerLimits(
    engine,
    { usableMemoryGiB: gpu.usableMemoryGiB, name: gpu.gpu.name },
    maxModelLen,
    {
      ...(context.maxNumSeqs ? { maxNumSeqs: context.maxNumSeqs } : {}),
      ...(context.maxNumBatchedTokens
        ? { maxNumBatchedTokens: context.maxNumBatchedTokens }
        : {}),
    },
  );
  return {
    model: architecture,
    precision,
    activationDtype:
      context.activationDtype ?? defaultActivationDtype(precision),
    kvCacheDtype: context.kvCacheDtype ?? 'auto',
    tensorParallelSize: context.tensorParallelSize ?? 1,
    maxModelLen,
    gpuMemoryUtilization:
      context.gpuMemoryUtilization ?? engine.defaultGpuMemoryUtilization,
    usableMemoryGiB: gpu.usableMemoryGiB,
    scheduler,
    engine,
  };
}
