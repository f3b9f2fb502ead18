import { findModel } from '../catalog/models';
import { describeHfConfig } from './hfConfig';
import { estimateVllmMemory } from './memory';
import { planModelServing } from './planner';
import { profilingSchedulerLimits, vllmEngineBehaviour } from './vllmEngine';

const H100 = { usableMemoryGiB: 79.19, name: 'NVIDIA H100 80GB HBM3' };

describe('vllmEngineBehaviour', () => {
  it('places releases in the groups whose memory accounting differs', () => {
    const groupOf = (v: string, engine?: 'v0' | 'v1') =>
      vllmEngineBehaviour(v, { engine }).group;
    expect(groupOf('0.6.4.post1')).toBe('v0');
    expect(groupOf('0.8.3')).toBe('v1-0.8');
    expect(groupOf('0.8.3', 'v0')).toBe('v0');
    expect(groupOf('v0.10.1.1')).toBe('v1-0.8');
    expect(groupOf('0.11.0+torch271')).toBe('v1-0.11');
    // V0 no longer exists from 0.11: asking for it changes nothing.
    expect(groupOf('0.16.0', 'v0')).toBe('v1-0.11');
    expect(groupOf('0.19.0')).toBe('v1-0.19');
    expect(groupOf('0.20.1rc1.dev16+g7a1eb8ac2')).toBe('v1-0.19');
    expect(groupOf('0.22.0')).toBe('v1-0.21');
  });

  it('says when the release is not known and assumes the newest behaviour', () => {
    expect(vllmEngineBehaviour().label).toMatch(/not stated/);
    expect(vllmEngineBehaviour('nightly').label).toMatch(
      /'nightly' not understood/,
    );
    expect(vllmEngineBehaviour('nightly').cudaGraphInBudget).toBe(true);
  });

  it('profiles a whole max-model-len prompt on V0 without chunked prefill, 512 tokens with it', () => {
    const v0 = vllmEngineBehaviour('0.6.4');
    expect(profilingSchedulerLimits(v0, H100, 16384)).toEqual({
      maxNumSeqs: 256,
      maxNumBatchedTokens: 16384,
    });
    // Chunked prefill switches itself on above 32K context.
    expect(profilingSchedulerLimits(v0, H100, 105088)).toEqual({
      maxNumSeqs: 256,
      maxNumBatchedTokens: 512,
    });
    expect(
      profilingSchedulerLimits(vllmEngineBehaviour('0.19.0'), H100, 16384),
    ).toEqual({ maxNumSeqs: 1024, maxNumBatchedTokens: 8192 });
  });
});

describe('memory per vLLM release', () => {
  const llama8b = findModel('llama-3.1-8b')!;
  const input = {
    model: llama8b,
    precision: 'bf16' as const,
    tensorParallelSize: 1,
    maxModelLen: 16384,
    gpuMemoryUtilization: 0.9,
    usableMemoryGiB: 79.19,
  };

  it('takes the CUDA-graph pool from the KV budget from 0.21 on', () => {
    const engine19 = vllmEngineBehaviour('0.19.0');
    const engine22 = vllmEngineBehaviour('0.22.0');
    const scheduler = profilingSchedulerLimits(engine19, H100, 16384);
    const before = estimateVllmMemory({
      ...input,
      scheduler,
      engine: engine19,
    });
    const after = estimateVllmMemory({ ...input, scheduler, engine: engine22 });
    expect(before.perGpu.kvCacheGiB - after.perGpu.kvCacheGiB).toBeCloseTo(
      after.perGpu.cudaGraphGiB,
      9,
    );
  });

  it('sizes the V0 profiling run by max-model-len: a longer context leaves less KV cache', () => {
    const v0 = vllmEngineBehaviour('0.6.4');
    const kvAt = (maxModelLen: number) =>
      estimateVllmMemory({
        ...input,
        maxModelLen,
        engine: v0,
        scheduler: profilingSchedulerLimits(v0, H100, maxModelLen),
      }).perGpu;
    expect(kvAt(32768).activationPeakGiB).toBeGreaterThan(
      kvAt(8192).activationPeakGiB + 1,
    );
  });
});

describe('plans say which release they assumed and carry error bands', () => {
  it('names the release, keeps the KV margin and widens it outside the calibration', () => {
    const calibrated = planModelServing({
      model: 'llama-3.1-8b',
      maxModelLen: 8192,
      gpuTypes: ['h100-80gb-sxm'],
      vllmVersion: '0.19.0',
    });
    expect(calibrated.vllmBehaviour).toMatch(/^vLLM 0\.19\.0: V1 engine/);
    const band = calibrated.plans[0].errorBand;
    expect(band.calibrated).toBe(true);
    expect(band.kvCacheGiB).toBeGreaterThan(0);

    const newest = planModelServing({
      model: 'llama-3.1-8b',
      maxModelLen: 8192,
      gpuTypes: ['h100-80gb-sxm'],
      vllmVersion: '0.22.0',
    }).plans[0];
    expect(newest.errorBand.calibrated).toBe(false);
    expect(newest.errorBand.kvCacheGiB).toBeGreaterThan(band.kvCacheGiB);
    expect(newest.notes.join(' ')).toMatch(/outside the calibration/);
  });

  it('refuses a plan that fits only inside the error band', () => {
    const on = (maxModelLen: number) =>
      planModelServing({
        model: 'llama-3.1-8b',
        maxModelLen,
        gpuTypes: ['l4'],
        tensorParallelSize: 1,
        vllmVersion: '0.11.0',
      }).plans[0];
    const short = on(8192);
    const kv = short.memoryPerGpu.kvCacheGiB;
    const margin = short.errorBand.kvCacheGiB;
    expect(margin).toBeGreaterThan(0.1);
    // Llama 3.1 8B keeps 128 KiB of KV cache per token: a context that fills the estimate minus half the margin.
    const tokens = Math.floor(((kv - margin / 2) * 1024 ** 3) / 131072);
    const plan = on(tokens);
    expect(plan.memoryPerGpu.kvCacheGiB).toBeCloseTo(kv, 6);
    expect(plan.fits).toBe(false);
    expect(plan.reasons.join(' ')).toMatch(
      /only without the planner's error margin/,
    );
    // Without the margin's worth of context it fits.
    expect(
      on(Math.floor(((kv - 1.5 * margin) * 1024 ** 3) / 131072)).fits,
    ).toBe(true);
  });

  it('counts the vision encoder profiling run of a multimodal model and flags it as uncalibrated', () => {
    const qwenVl = describeHfConfig({
      architectures: ['Qwen2_5_VLForConditionalGeneration'],
      model_type: 'qwen2_5_vl',
      hidden_size: 3584,
      intermediate_size: 18944,
      num_hidden_layers: 28,
      num_attention_heads: 28,
      num_key_value_heads: 4,
      vocab_size: 152064,
      max_position_embeddings: 128000,
      tie_word_embeddings: false,
      torch_dtype: 'bfloat16',
      vision_config: {
        depth: 32,
        hidden_size: 1280,
        intermediate_size: 3420,
        hidden_act: 'silu',
        patch_size: 14,
        spatial_merge_size: 2,
        temporal_patch_size: 2,
        out_hidden_size: 3584,
      },
    });
    const plan = planModelServing({
      model: qwenVl.architecture,
      maxModelLen: 32768,
      gpuTypes: ['h100-80gb-sxm'],
      vllmVersion: '0.19.0',
    }).plans[0];
    expect(plan.memoryPerGpu.encoderProfilingGiB).toBeGreaterThan(0.5);
    expect(plan.errorBand.calibrated).toBe(false);
    expect(plan.errorBand.basis).toMatch(/vision encoder/);
  });
});
