import {
  memoryInputFromContext,
  mergeServingContext,
  parseVllmInteger,
  readVllmCommandLine,
} from './servingContext';

describe('vLLM command lines', () => {
  it('reads `vllm serve` flags in both spellings', () => {
    expect(
      readVllmCommandLine({
        name: 'vllm',
        command: ['vllm', 'serve'],
        args: [
          'Qwen/Qwen2.5-7B-Instruct',
          '--tensor-parallel-size=2',
          '--max-model-len',
          '32k',
          '--gpu-memory-utilization',
          '0.9',
          '--kv-cache-dtype',
          'fp8',
          '--quantization',
          'fp8',
        ],
      }),
    ).toEqual({
      model: 'Qwen/Qwen2.5-7B-Instruct',
      tensorParallelSize: 2,
      maxModelLen: 32000,
      gpuMemoryUtilization: 0.9,
      kvCacheDtype: 'fp8',
      quantization: 'fp8',
      dtype: undefined,
      maxNumSeqs: undefined,
      maxNumBatchedTokens: undefined,
    });
    expect(
      readVllmCommandLine({
        name: 'tgi',
        image: 'ghcr.io/huggingface/text-generation-inference',
        args: ['--model-id', 'x'],
      }),
    ).toBeUndefined();
  });

  it('parses human-readable integers as vLLM does', () => {
    expect(parseVllmInteger('32K')).toBe(32768);
    expect(parseVllmInteger('1m')).toBe(1_000_000);
    expect(parseVllmInteger('abc')).toBeUndefined();
  });

  it('prefers the explicit context and builds the planner input from what is known', () => {
    const pods = [
      {
        metadata: { name: 'p' },
        spec: {
          nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
          containers: [
            {
              name: 'vllm',
              command: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
              args: [
                '--model',
                'meta-llama/Llama-3.1-8B-Instruct',
                '--dtype',
                'half',
              ],
            },
          ],
        },
      },
    ];
    const context = mergeServingContext(pods, { maxModelLen: 4096 });
    expect(context).toMatchObject({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      gpuType: 'NVIDIA-L4',
      maxModelLen: 4096,
      precision: 'fp16',
      activationDtype: 'fp16',
    });
    expect(memoryInputFromContext(context)).toMatchObject({
      tensorParallelSize: 1,
      gpuMemoryUtilization: 0.92,
      usableMemoryGiB: 22.05,
      scheduler: { maxNumSeqs: 256, maxNumBatchedTokens: 2048 },
    });
    expect(
      memoryInputFromContext({ ...context, model: 'org/unknown' }),
    ).toBeUndefined();
  });
});
