import { HfQuantizationConfig } from './hfConfigSchema';
import { WeightPrecision } from './precision';

/**
 * The planner's weight precision for a `config.json`: from `quantization_config` when present, else from the
 * checkpoint dtype (`torch_dtype`, or `dtype` in transformers ≥ 4.56). Throws, naming the method, for a
 * quantization the planner has no byte count for.
 */
export function precisionFromHfConfig(
  quantization: HfQuantizationConfig | undefined,
  checkpointDtype: string | null | undefined,
  notes: string[],
): WeightPrecision {
  if (quantization) return precisionFromQuantization(quantization);
  switch (checkpointDtype ?? undefined) {
    case undefined:
    case 'bfloat16':
      return 'bf16';
    case 'float16':
      return 'fp16';
    case 'float32':
      notes.push(
        'the checkpoint is float32; sized in bf16, the dtype vLLM serves it in by default',
      );
      return 'bf16';
    default:
      throw new Error(
        `Unsupported checkpoint dtype '${checkpointDtype}' (torch_dtype): expected bfloat16, float16 or float32`,
      );
  }
}

function precisionFromQuantization(q: HfQuantizationConfig): WeightPrecision {
  const method = q.quant_method?.toLowerCase();
  switch (method) {
    case 'fp8':
    case 'fbgemm_fp8':
      return 'fp8';
    case 'mxfp4':
      return 'mxfp4';
    case 'awq':
      return fourBit('awq', q.bits ?? q.w_bit);
    case 'gptq':
      return (q.bits ?? 4) === 8 ? 'int8' : fourBit('gptq', q.bits);
    case 'modelopt':
    case 'modelopt_fp4':
      return modelOptPrecision(q);
    case 'compressed-tensors':
      return compressedTensorsPrecision(q);
    case undefined:
      throw new Error(
        'quantization_config has no quant_method: cannot tell how the weights are stored',
      );
    default:
      throw new Error(
        `Unsupported quantization method '${q.quant_method}': the planner sizes fp8, awq, gptq, mxfp4, modelopt (FP8/NVFP4) and compressed-tensors checkpoints`,
      );
  }
}

function fourBit(
  method: 'awq' | 'gptq',
  bits: number | undefined,
): WeightPrecision {
  if (bits === undefined || bits === 4) return method;
  throw new Error(
    `Unsupported ${method} bit width ${bits}: the planner sizes 4-bit ${method} (and 8-bit gptq)`,
  );
}

function modelOptPrecision(q: HfQuantizationConfig): WeightPrecision {
  if (q.quant_method === 'modelopt_fp4') return 'nvfp4';
  const algo = (q.quant_algo ?? q.quantization?.quant_algo)?.toUpperCase();
  if (algo === 'NVFP4') return 'nvfp4';
  if (algo === 'FP8') return 'fp8';
  throw new Error(
    `Unsupported modelopt quant_algo '${
      algo ?? '(missing)'
    }': expected NVFP4 or FP8`,
  );
}

/**
 * compressed-tensors describes each group's weights: 8-bit float → fp8, 8-bit int → int8, 4-bit int → int4
 * (W4A16), 4-bit float in groups of 16 → nvfp4. Every quantized group must agree.
 */
function compressedTensorsPrecision(q: HfQuantizationConfig): WeightPrecision {
  const groups = Object.values(q.config_groups ?? {});
  const found = new Set<WeightPrecision>();
  for (const group of groups) {
    const w = group.weights;
    if (!w) continue;
    const kind = `${w.num_bits ?? '?'}-bit ${w.type ?? '?'}`;
    if (w.num_bits === 8 && w.type === 'float') found.add('fp8');
    else if (w.num_bits === 8 && w.type === 'int') found.add('int8');
    else if (w.num_bits === 4 && w.type === 'int') found.add('int4');
    else if (w.num_bits === 4 && w.type === 'float') found.add('nvfp4');
    else
      throw new Error(
        `Unsupported compressed-tensors weight scheme ${kind}: the planner sizes 8-bit float/int and 4-bit int/float`,
      );
  }
  if (found.size === 1) return [...found][0];
  if (found.size === 0) {
    throw new Error(
      'compressed-tensors quantization_config names no weight scheme (config_groups.*.weights)',
    );
  }
  throw new Error(
    `compressed-tensors groups mix weight schemes (${[...found].join(
      ', ',
    )}): not expressible as one precision`,
  );
}
