import sweep from './vllm-calibration-h100-sweep.json';
import models from './calibration-models.json';
import { ModelArchitecture } from '../../catalog/modelTypes';
import { ActivationDtype, KvCacheDtype, WeightPrecision } from '../precision';
import { VllmMemoryInput } from '../memory';
import { vllmEngineBehaviour } from '../vllmEngine';

/** One run of the sweep as the vLLM log reported it (GiB). */
export interface CalibrationRun {
  logFile: string;
  modelId: string;
  input: VllmMemoryInput;
  observed: {
    weightsGiB: number;
    activationPeakGiB: number;
    nonTorchGiB: number;
    cudaGraphGiB: number;
    kvCacheGiB: number;
    kvCacheTokens: number;
  };
}

/** Every run of the sweep is vLLM 0.19.0. */
const SWEEP_RELEASE = vllmEngineBehaviour('0.19.0');

/** vLLM 0.19.0's default utilization: the one run without the flag budgets (KV + non-KV) / total = 0.90. */
const SWEEP_DEFAULT_UTILIZATION = 0.9;

function precisionOf(
  quantization: string,
  modelId: string,
  dtype: ActivationDtype,
): WeightPrecision {
  switch (quantization) {
    case 'None':
      return dtype;
    case 'fp8':
      return 'fp8';
    case 'compressed-tensors':
      // RedHatAI's compressed-tensors checkpoints in the sweep are FP8-dynamic or INT8 W8A8.
      return /fp8/i.test(modelId) ? 'fp8' : 'int8';
    case 'gptq_marlin':
      return 'gptq';
    case 'mxfp4':
      return 'mxfp4';
    default:
      throw new Error(`unmapped quantization ${quantization}`);
  }
}

function dtypeOf(torchDtype: string): ActivationDtype {
  const map: Record<string, ActivationDtype> = {
    'torch.bfloat16': 'bf16',
    'torch.float16': 'fp16',
    'torch.float32': 'fp32',
  };
  const dtype = map[torchDtype];
  if (!dtype) throw new Error(`unmapped dtype ${torchDtype}`);
  return dtype;
}

/** Every run of the sweep, turned into the planner's memory-model input (the H100's scheduler defaults). */
export function calibrationRuns(): CalibrationRun[] {
  const architectures = models.models as Record<string, ModelArchitecture>;
  return sweep.runs.map(run => {
    const model = architectures[run.model_id];
    if (!model) throw new Error(`no architecture for ${run.model_id}`);
    const activation = dtypeOf(run.dtype);
    return {
      logFile: run.log_file,
      modelId: run.model_id,
      input: {
        model,
        precision: precisionOf(run.quantization, run.model_id, activation),
        activationDtype: activation,
        kvCacheDtype: run.kv_cache_dtype as KvCacheDtype,
        tensorParallelSize: run.tensor_parallel_size,
        pipelineParallelSize: run.pipeline_parallel_size,
        maxModelLen: run.max_model_len,
        gpuMemoryUtilization:
          typeof run.gpu_memory_utilization === 'number'
            ? run.gpu_memory_utilization
            : SWEEP_DEFAULT_UTILIZATION,
        usableMemoryGiB: run.gpu_total_memory_gib_logged,
        scheduler: { maxNumSeqs: 1024, maxNumBatchedTokens: 8192 },
        engine: SWEEP_RELEASE,
      },
      observed: {
        weightsGiB: run.weights_gib,
        activationPeakGiB: run.torch_peak_increase_gib,
        nonTorchGiB: run.non_torch_forward_increase_gib,
        cudaGraphGiB: run.cudagraph_actual_gib,
        kvCacheGiB: run.kv_cache_gib,
        kvCacheTokens: run.kv_cache_tokens,
      },
    };
  });
}
