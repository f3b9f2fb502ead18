import { ConfigReader, JsonObject } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readGpuPriceSettings } from '@inference-platform/plugin-inference-node';
import {
  resolveGpuType,
  usableMemoryLabel,
} from '@inference-platform/plugin-inference-common';
import { fakeInference } from '../__testUtils__/fakeInference';
import { createPlanCreateAction } from './planCreate';

describe('inference:plan:create', () => {
  const inference = fakeInference();
  const action = createPlanCreateAction({ inference });
  const run = async (input: Record<string, unknown>) => {
    const ctx = createMockActionContext({ input: input as any });
    await action.handler(ctx);
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    return { ctx, outputs };
  };

  it('picks the cheapest GPU type of the fleet that serves the concurrency, with matching vLLM arguments', async () => {
    const { outputs } = await run({
      model: 'meta-llama/Llama-3.1-70B-Instruct',
      maxModelLen: 8192,
      concurrency: 16,
      gpuType: 'auto',
      precision: 'bf16',
      kvCacheDtype: 'auto',
    });
    expect(['NVIDIA-A100-SXM4-80GB', 'NVIDIA-H100-80GB-HBM3']).toContain(
      outputs.gpuType,
    );
    expect(outputs.gpusPerReplica).toBe(outputs.tensorParallelSize);
    const args: string[] = outputs.vllmArgs;
    expect(args[args.indexOf('--tensor-parallel-size') + 1]).toBe(
      String(outputs.tensorParallelSize),
    );
    expect(args[args.indexOf('--max-model-len') + 1]).toBe('8192');
    expect(args).toContain('--gpu-memory-utilization');
    expect(
      outputs.maxConcurrencyPerReplica * outputs.replicas,
    ).toBeGreaterThanOrEqual(16);
    expect(outputs.reason).toMatch(/replica\(s\) of \d+ GPU\(s\) \(TP=\d+\)/);
    // the memory it sized with, labelled as a default where the catalog's figure is UNVERIFIED
    expect(outputs.reason).toContain(
      `of ${usableMemoryLabel(resolveGpuType(outputs.gpuType)!)}`,
    );
    expect(outputs.reason).toMatch(/GiB usable per GPU \(/);
    expect(JSON.parse(outputs.plan)).toMatchObject({
      model: expect.any(String),
      gpuType: outputs.gpuType,
    });
  });

  it('stays inside the target clusters', async () => {
    const { outputs } = await run({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      maxModelLen: 8192,
      concurrency: 4,
      gpuType: 'auto',
      clusters: ['gpu-us-east'],
      precision: 'bf16',
      kvCacheDtype: 'auto',
    });
    expect(['NVIDIA-L4', 'NVIDIA-H100-80GB-HBM3']).toContain(outputs.gpuType);
    expect(outputs.clusters).toEqual(['gpu-us-east']);
    expect(outputs.driverVersion).toMatch(/^5\d\d\./);
  });

  describe("'auto' for a team", () => {
    const standing = (gpuType: string, limit: number, used = 0) => ({
      owner: 'group:default/ml-chat',
      gpuType,
      limit,
      used,
      reserved: 0,
      headroom: limit - used,
      overLimit: false,
      workloads: [],
    });
    const small = {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      maxModelLen: 8192,
      concurrency: 4,
      gpuType: 'auto',
      clusters: ['gpu-us-east'],
      owner: 'group:default/ml-chat',
      // the form's default release (a calibrated one): the newest image's release plans with a wider margin
      vllmVersion: '0.10.1.1',
    };

    it('passes over a cheaper GPU type the team has no quota for', async () => {
      const withQuota = createPlanCreateAction({
        inference: fakeInference({
          getQuotaStandings: jest.fn(async () => [
            standing('NVIDIA-H100-80GB-HBM3', 24, 18),
          ]),
        }),
      });
      const ctx = createMockActionContext({ input: small as any });
      await withQuota.handler(ctx);
      const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      expect(outputs.gpuType).toBe('NVIDIA-H100-80GB-HBM3');
      expect(outputs.reason).toMatch(
        /NVIDIA-L4 fits at \$[\d.]+\/h \(group:default\/ml-chat has no quota for it\)/,
      );
    });

    it('counts the autoscaler ceiling against the headroom', async () => {
      const plan = createPlanCreateAction({
        inference: fakeInference({
          getQuotaStandings: jest.fn(async () => [
            standing('NVIDIA-L4', 4),
            standing('NVIDIA-H100-80GB-HBM3', 24),
          ]),
        }),
      });
      const pick = async (quotaReplicas: number) => {
        const ctx = createMockActionContext({
          input: { ...small, quotaReplicas } as any,
        });
        await plan.handler(ctx);
        return Object.fromEntries((ctx.output as jest.Mock).mock.calls).gpuType;
      };
      expect(await pick(4)).toBe('NVIDIA-L4');
      // 5 replicas of one L4 would need 5 of the 4 L4s the team has
      expect(await pick(5)).toBe('NVIDIA-H100-80GB-HBM3');
    });

    it('keeps the cheapest type, with a warning, when the team has quota for none', async () => {
      const plan = createPlanCreateAction({ inference: fakeInference() });
      const ctx = createMockActionContext({ input: small as any });
      const warn = jest.spyOn(ctx.logger, 'warn');
      await plan.handler(ctx);
      const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      expect(outputs.gpuType).toBe('NVIDIA-L4');
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/No fitting GPU type has quota headroom/),
      );
    });
  });

  describe('prices', () => {
    const request = {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      maxModelLen: 8192,
      concurrency: 4,
      gpuType: 'auto',
      clusters: ['gpu-us-east'],
      vllmVersion: '0.10.1.1',
    };
    const planWith = async (inferenceConfig: JsonObject) => {
      const priced = createPlanCreateAction({
        inference,
        prices: readGpuPriceSettings(
          new ConfigReader({ inference: inferenceConfig }),
        ),
      });
      const ctx = createMockActionContext({ input: request as any });
      await priced.handler(ctx);
      return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    };

    it('prices the plan with inference.prices, as the cost card does', async () => {
      const builtIn = await run(request);
      expect(builtIn.outputs.gpuType).toBe('NVIDIA-L4');
      const gpus = builtIn.outputs.gpusPerReplica * builtIn.outputs.replicas;

      const configured = await planWith({
        prices: [{ gpuType: 'NVIDIA-L4', onDemandUsdPerGpuHour: 0.25 }],
      });
      expect(configured.gpuType).toBe('NVIDIA-L4');
      expect(configured.usdPerHour).toBe(Math.round(gpus * 0.25 * 100) / 100);
      expect(configured.usdPerHour).not.toBe(builtIn.outputs.usdPerHour);
      expect(configured.reason).toContain(`$${(gpus * 0.25).toFixed(2)}/h`);
    });

    it('picks another GPU type when a configured price makes the cheapest dear, and honours inference.priceKind', async () => {
      const dear = await planWith({
        prices: [{ gpuType: 'NVIDIA-L4', onDemandUsdPerGpuHour: 1000 }],
      });
      expect(dear.gpuType).toBe('NVIDIA-H100-80GB-HBM3');

      const spot = await planWith({
        priceKind: 'spot',
        prices: [
          {
            gpuType: 'NVIDIA-L4',
            onDemandUsdPerGpuHour: 1000,
            spotUsdPerGpuHour: 0.1,
          },
        ],
      });
      expect(spot.gpuType).toBe('NVIDIA-L4');
      expect(spot.usdPerHour).toBe(
        Math.round(spot.gpusPerReplica * spot.replicas * 0.1 * 100) / 100,
      );
    });
  });

  it('refuses a model that fits nowhere, saying why per GPU type', async () => {
    const error = await run({
      model: 'meta-llama/Llama-3.1-405B-Instruct',
      maxModelLen: 131072,
      concurrency: 64,
      gpuType: 'auto',
      clusters: ['gpu-eu-west'],
      precision: 'bf16',
      kvCacheDtype: 'auto',
    }).catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(/fits no GPU type of the target clusters/);
    expect(error.message).toMatch(/- NVIDIA-A100-SXM4-80GB: .*weights/);
    expect(error.message).toMatch(/- Tesla-T4: /);
  });

  it.each([
    [
      { clusters: ['gpu-mars'] },
      /Unknown cluster\(s\) gpu-mars; the platform tracks gpu-us-east, gpu-eu-west/,
    ],
    [
      { gpuType: 'NVIDIA-H200' },
      /GPU type NVIDIA-H200 is not in the target clusters \(they have /,
    ],
    [{ model: 'no/such-model' }, /Unknown model 'no\/such-model'/],
  ])('refuses %p clearly', async (overrides, message) => {
    await expect(
      run({
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        maxModelLen: 8192,
        concurrency: 2,
        gpuType: 'auto',
        precision: 'bf16',
        kvCacheDtype: 'auto',
        ...overrides,
      }),
    ).rejects.toThrow(message);
  });

  it('sizes a model the catalog does not know from its architecture numbers', async () => {
    const { outputs } = await run({
      model: 'acme/support-7b',
      architecture: {
        numHiddenLayers: 32,
        hiddenSize: 4096,
        numAttentionHeads: 32,
        numKeyValueHeads: 8,
        intermediateSize: 14336,
        vocabSize: 32000,
        maxPositionEmbeddings: 32768,
        tieWordEmbeddings: false,
      },
      maxModelLen: 16384,
      concurrency: 4,
      gpuType: 'NVIDIA-L4',
      precision: 'bf16',
      kvCacheDtype: 'auto',
    });
    expect(outputs.gpuType).toBe('NVIDIA-L4');
    expect(outputs.memoryGiB.weightsGiB).toBeGreaterThan(12);
  });

  it('asks the backend with the credentials of the user running the template', async () => {
    await run({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      maxModelLen: 4096,
      concurrency: 1,
      gpuType: 'auto',
      precision: 'bf16',
      kvCacheDtype: 'auto',
    });
    expect(inference.getClusters).toHaveBeenCalledWith({
      credentials: expect.anything(),
    });
  });
});

describe('inference:plan:create per vLLM release', () => {
  it('follows the release of the image that will serve and says which it assumed', async () => {
    const plan = createPlanCreateAction({ inference: fakeInference() });
    const outputsFor = async (vllmVersion: string) => {
      const ctx = createMockActionContext({
        input: {
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          maxModelLen: 8192,
          concurrency: 4,
          gpuType: 'NVIDIA-L4',
          clusters: ['gpu-us-east'],
          vllmVersion,
        } as any,
      });
      await plan.handler(ctx);
      return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    };
    const calibrated = await outputsFor('0.10.1.1');
    expect(calibrated.vllmBehaviour).toMatch(/^vLLM 0\.10\.1\.1: V1 engine/);
    expect(calibrated.errorBand.calibrated).toBe(true);
    expect(calibrated.reason).toMatch(/KV margin \d+\.\d\d GiB kept/);
    const newest = await outputsFor('0.22.0');
    expect(newest.vllmBehaviour).toMatch(
      /CUDA-graph memory is taken from the KV budget/,
    );
    expect(newest.errorBand.calibrated).toBe(false);
    // 0.22 takes the CUDA-graph pool from the budget and keeps a wider margin: one L4 no longer holds the
    // four 8K sequences, so the plan needs more GPUs.
    expect(newest.errorBand.overheadPct).toBeGreaterThan(
      calibrated.errorBand.overheadPct,
    );
    expect(newest.gpusPerReplica * newest.replicas).toBeGreaterThan(
      calibrated.gpusPerReplica * calibrated.replicas,
    );
  });
});
