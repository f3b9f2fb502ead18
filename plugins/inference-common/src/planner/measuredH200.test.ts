import fs from 'fs';
import path from 'path';
import measured from './__fixtures__/measured-h200.json';
import { resolveGpuType } from '../catalog/gpus';
import { estimateParameters } from '../catalog/models';
import { describeHfConfig } from './hfConfig';
import { VLLM_OVERHEAD_MODEL, weightsPerGpuGiB } from './memory';

const MIB_PER_GIB = 1024;

/** The real config.json fixture of each measured model. */
const FIXTURE_OF: Record<string, string> = {
  'meta-llama/Llama-3.1-8B': 'meta-llama__Llama-3.1-8B.json',
  'Qwen/Qwen2.5-7B-Instruct': 'Qwen__Qwen2.5-7B-Instruct.json',
  'mistralai/Mistral-7B-Instruct-v0.3':
    'mistralai__Mistral-7B-Instruct-v0.3.json',
  'Qwen/Qwen2.5-32B-Instruct': 'Qwen__Qwen2.5-32B-Instruct.json',
  'mistralai/Mixtral-8x7B-Instruct-v0.1':
    'mistralai__Mixtral-8x7B-Instruct-v0.1.json',
  'Qwen/Qwen3-30B-A3B': 'Qwen__Qwen3-30B-A3B.json',
};

function architectureOf(model: string) {
  const file = path.join(
    __dirname,
    '__fixtures__',
    'hf-configs',
    FIXTURE_OF[model],
  );
  return describeHfConfig(JSON.parse(fs.readFileSync(file, 'utf8')))
    .architecture;
}

describe('the planner against figures measured on a real H200', () => {
  const models = Object.entries(measured.bf16_weights);

  it('covers the six measured models with real config fixtures', () => {
    expect(models.map(([id]) => id).sort()).toEqual(
      Object.keys(FIXTURE_OF).sort(),
    );
  });

  it.each(models)(
    '%s: parameters from config.json within 0.05% of the bytes transformers allocated',
    (model, { params }) => {
      const planned = estimateParameters(architectureOf(model)).total;
      expect(Math.abs(planned - params) / params).toBeLessThan(0.0005);
    },
  );

  it.each(models)(
    '%s: bf16 weights on one GPU within 0.5%',
    (model, { gib }) => {
      // weightsPerGpuGiB adds vLLM's rotary cos/sin cache, which transformers' parameter sum does not have
      const planned = weightsPerGpuGiB(architectureOf(model), 'bf16', {
        tensorParallelSize: 1,
      });
      expect(Math.abs(planned - gib) / gib).toBeLessThan(0.005);
    },
  );

  it('uses the usable memory torch reported as the H200 catalog figure', () => {
    expect(resolveGpuType('h200-141gb')!.usableMemoryGiB).toBeCloseTo(
      measured.torch.total_mib / MIB_PER_GIB,
      1,
    );
  });

  it('keeps a non-torch figure that covers the cuBLAS workspace measured after the CUDA context', () => {
    // vLLM counts non-torch memory from a baseline taken after the CUDA context exists; the first matmul's
    // cuBLAS workspace is part of what it then sees (the context itself is not)
    const cublasGiB =
      (measured.torch.free_after_context_mib -
        measured.torch.free_after_cublas_mib) /
      MIB_PER_GIB;
    expect(cublasGiB).toBeCloseTo(0.186, 2);
    expect(VLLM_OVERHEAD_MODEL.nonTorch.singleGpuGiB).toBeGreaterThan(
      cublasGiB,
    );
    expect(VLLM_OVERHEAD_MODEL.nonTorch.singleGpuGiB - cublasGiB).toBeLessThan(
      0.1,
    );
  });
});
