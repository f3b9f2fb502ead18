/**
 * How the weights are stored. `int4` is a generic 4-bit weight-only checkpoint (AWQ or GPTQ, group size 128);
 * `mxfp4` applies to MoE expert weights (gpt-oss style); `nvfp4` is NVIDIA's FP4 with an FP8 scale per 16 weights
 * (ModelOpt / compressed-tensors NVFP4 checkpoints).
 *
 * @public
 */
export type WeightPrecision =
  | 'fp32'
  | 'bf16'
  | 'fp16'
  | 'fp8'
  | 'int8'
  | 'int4'
  | 'awq'
  | 'gptq'
  | 'mxfp4'
  | 'nvfp4';

/**
 * Every weight precision the planner understands.
 *
 * @public
 */
export const WEIGHT_PRECISIONS: readonly WeightPrecision[] = [
  'bf16',
  'fp16',
  'fp32',
  'fp8',
  'int8',
  'int4',
  'awq',
  'gptq',
  'mxfp4',
  'nvfp4',
];

/**
 * Activation (compute) dtype: vLLM's `--dtype`.
 *
 * @public
 */
export type ActivationDtype = 'bf16' | 'fp16' | 'fp32';

/**
 * vLLM's `--kv-cache-dtype`. `auto` stores the KV cache in the activation dtype.
 *
 * @public
 */
export type KvCacheDtype = 'auto' | 'fp8' | 'fp8_e4m3' | 'fp8_e5m2';

/**
 * Bytes per element of an activation dtype.
 *
 * @public
 */
export function activationBytes(dtype: ActivationDtype): number {
  return dtype === 'fp32' ? 4 : 2;
}

/**
 * Bytes per KV-cache element.
 *
 * @public
 */
export function kvCacheElementBytes(
  kvCacheDtype: KvCacheDtype,
  activation: ActivationDtype,
): number {
  return kvCacheDtype === 'auto' ? activationBytes(activation) : 1;
}

/** fp16 scale per group of 128 weights (AWQ/GPTQ default group size): 2/128 byte per weight. */
const INT4_GROUP_SCALE_BYTES = 2 / 128;
/** MXFP4: 4-bit values plus one 8-bit shared exponent per block of 32 → 4.25 bits. */
const MXFP4_BYTES = 0.5 * (1 + 1 / 16);
/** NVFP4: 4-bit values plus one FP8 (E4M3) scale per block of 16 → 4.5 bits (the per-tensor scale is negligible). */
const NVFP4_BYTES = 0.5 + 1 / 16;

/**
 * Bytes per quantized weight of the transformer's linear layers (embeddings, LM head and vision towers stay at
 * the activation dtype; see the memory model).
 *
 * @public
 */
export function linearWeightBytes(
  precision: WeightPrecision,
  activation: ActivationDtype,
): number {
  switch (precision) {
    case 'fp32':
      return 4;
    case 'bf16':
    case 'fp16':
      return activationBytes(activation);
    case 'fp8':
    case 'int8':
      return 1;
    case 'int4':
    case 'awq':
    case 'gptq':
      return 0.5 + INT4_GROUP_SCALE_BYTES;
    case 'mxfp4':
      return MXFP4_BYTES;
    case 'nvfp4':
      return NVFP4_BYTES;
    default:
      throw new Error(`Unknown precision ${precision as string}`);
  }
}

/**
 * The activation dtype a precision runs with by default: fp16 for fp16/int4 checkpoints (their kernels are
 * fp16), fp32 for fp32, bf16 otherwise.
 *
 * @public
 */
export function defaultActivationDtype(
  precision: WeightPrecision,
): ActivationDtype {
  if (precision === 'fp32') return 'fp32';
  if (
    precision === 'fp16' ||
    precision === 'awq' ||
    precision === 'gptq' ||
    precision === 'int4'
  )
    return 'fp16';
  return 'bf16';
}

/**
 * The vLLM arguments that select a precision.
 *
 * @public
 */
export function vllmPrecisionArgs(
  precision: WeightPrecision,
  activation: ActivationDtype,
): {
  dtype: 'bfloat16' | 'float16' | 'float32';
  quantization?: string;
  note?: string;
} {
  const dtypeNames = {
    fp32: 'float32',
    fp16: 'float16',
    bf16: 'bfloat16',
  } as const;
  const dtype = dtypeNames[activation];
  switch (precision) {
    case 'fp8':
      return {
        dtype,
        quantization: 'fp8',
        note: 'fp8 quantizes a 16-bit checkpoint at load time, or loads an FP8 checkpoint.',
      };
    case 'int8':
      return {
        dtype,
        quantization: 'compressed-tensors',
        note: 'int8 needs a W8A8 checkpoint (compressed-tensors).',
      };
    case 'awq':
    case 'int4':
      return {
        dtype,
        quantization: 'awq',
        note: 'int4 needs a pre-quantized AWQ (or GPTQ) checkpoint.',
      };
    case 'gptq':
      return {
        dtype,
        quantization: 'gptq',
        note: 'needs a pre-quantized GPTQ checkpoint.',
      };
    case 'mxfp4':
      return {
        dtype,
        quantization: 'mxfp4',
        note: 'needs an MXFP4 checkpoint (e.g. gpt-oss).',
      };
    case 'nvfp4':
      return {
        dtype,
        quantization: 'modelopt_fp4',
        note: 'needs an NVFP4 checkpoint (ModelOpt or compressed-tensors; vLLM reads the method from its config).',
      };
    default:
      return { dtype };
  }
}

/**
 * Whether a GPU runs a precision, by compute capability (null = non-NVIDIA, assumed capable).
 * BF16 needs Ampere (8.0); FP8 compute needs Ada/Hopper (8.9); on 8.0–8.6 vLLM runs FP8 weight-only.
 *
 * @public
 */
export function precisionSupport(
  precision: WeightPrecision,
  activation: ActivationDtype,
  computeCapability: string | null,
): { supported: boolean; note?: string } {
  if (computeCapability === null) return { supported: true };
  const cc = Number(computeCapability);
  if (activation === 'bf16' && cc < 8) {
    return {
      supported: false,
      note: `compute capability ${computeCapability} has no BF16: use fp16`,
    };
  }
  if ((precision === 'fp8' || precision === 'mxfp4') && cc < 8) {
    return {
      supported: false,
      note: `${precision} kernels need compute capability 8.0 or newer`,
    };
  }
  if (precision === 'nvfp4' && cc < 8) {
    return {
      supported: false,
      note: 'nvfp4 kernels need compute capability 8.0 or newer',
    };
  }
  if (precision === 'nvfp4' && cc < 10) {
    return {
      supported: true,
      note: `compute capability ${computeCapability} has no FP4 tensor cores (Blackwell, 10.0+): weight-only FP4, no compute speed-up`,
    };
  }
  if (precision === 'fp8' && cc < 8.9) {
    return {
      supported: true,
      note: `compute capability ${computeCapability} has no FP8 tensor cores: weight-only FP8 (Marlin), no compute speed-up`,
    };
  }
  return { supported: true };
}
