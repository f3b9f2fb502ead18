import fc from 'fast-check';
import { ModelArchitecture } from '../catalog/modelTypes';
import { GPU_CATALOG } from '../catalog/gpus.data';
import { estimateVllmMemory } from './memory';
import { checkTensorParallelSize } from './parallelism';
import { planModelServing } from './planner';
import { WEIGHT_PRECISIONS } from './precision';

const architecture: fc.Arbitrary<ModelArchitecture> = fc
  .record({
    numHiddenLayers: fc.integer({ min: 1, max: 96 }),
    numKeyValueHeads: fc.constantFrom(1, 2, 4, 8, 10, 16),
    groups: fc.integer({ min: 1, max: 8 }),
    headDim: fc.constantFrom(64, 80, 128, 256),
    mlpFactor: fc.double({ min: 2, max: 5, noNaN: true }),
    vocabSize: fc.integer({ min: 1000, max: 262144 }),
    maxPositionEmbeddings: fc.constantFrom(2048, 8192, 32768, 131072),
    tieWordEmbeddings: fc.boolean(),
  })
  .map(a => {
    const numAttentionHeads = a.numKeyValueHeads * a.groups;
    const hiddenSize = numAttentionHeads * a.headDim;
    return {
      numHiddenLayers: a.numHiddenLayers,
      hiddenSize,
      numAttentionHeads,
      numKeyValueHeads: a.numKeyValueHeads,
      headDim: a.headDim,
      intermediateSize: Math.round(hiddenSize * a.mlpFactor),
      vocabSize: a.vocabSize,
      maxPositionEmbeddings: a.maxPositionEmbeddings,
      tieWordEmbeddings: a.tieWordEmbeddings,
    };
  });

const nvidiaGpu = fc.constantFrom(
  ...GPU_CATALOG.filter(g => g.vendor === 'nvidia').map(g => g.id),
);
const precision = fc.constantFrom(
  ...WEIGHT_PRECISIONS.filter(p => p !== 'fp32'),
);
const utilization = fc.double({ min: 0.5, max: 0.98, noNaN: true });
const context = fc.integer({ min: 256, max: 131072 });

describe('planner properties', () => {
  it('never needs less memory for more context', () => {
    fc.assert(
      fc.property(
        architecture,
        nvidiaGpu,
        utilization,
        context,
        context,
        (model, gpu, util, a, b) => {
          const [short, long] = a <= b ? [a, b] : [b, a];
          const request = {
            model,
            gpuTypes: [gpu],
            gpuMemoryUtilization: util,
            precision: 'bf16' as const,
            activationDtype: 'fp16' as const,
          };
          const shortPlan = planModelServing({ ...request, maxModelLen: short })
            .plans[0];
          const longPlan = planModelServing({ ...request, maxModelLen: long })
            .plans[0];
          // Whatever fits a longer context fits a shorter one, on no more GPUs.
          expect(!longPlan.fits || shortPlan.fits).toBe(true);
          expect(
            !longPlan.fits || shortPlan.totalGpus <= longPlan.totalGpus,
          ).toBe(true);
          const memory = (len: number) =>
            estimateVllmMemory({
              model,
              precision: 'bf16',
              tensorParallelSize: 1,
              maxModelLen: len,
              gpuMemoryUtilization: util,
              usableMemoryGiB: 80,
              scheduler: { maxNumSeqs: 256, maxNumBatchedTokens: 2048 },
            });
          expect(memory(short).kvCacheGiBPerSequence).toBeLessThanOrEqual(
            memory(long).kvCacheGiBPerSequence,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('only plans tensor-parallel sizes that are powers of two dividing the attention heads, within one node', () => {
    fc.assert(
      fc.property(
        architecture,
        fc.constantFrom(1, 2, 4, 8),
        context,
        (model, maxGpusPerNode, len) => {
          const plan = planModelServing({
            model,
            maxModelLen: len,
            maxGpusPerNode,
            precision: 'fp8',
          });
          for (const p of plan.plans.filter(x => x.fits)) {
            expect(model.numAttentionHeads % p.tensorParallelSize).toBe(0);
            expect(
              checkTensorParallelSize(model, p.tensorParallelSize).valid,
            ).toBe(true);
            expect(Math.log2(p.tensorParallelSize) % 1).toBe(0);
            expect(p.tensorParallelSize).toBeLessThanOrEqual(maxGpusPerNode);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never plans more memory than the GPU has', () => {
    fc.assert(
      fc.property(
        architecture,
        nvidiaGpu,
        precision,
        utilization,
        context,
        fc.integer({ min: 1, max: 500 }),
        (model, gpu, prec, util, len, concurrency) => {
          const plan = planModelServing({
            model,
            gpuTypes: [gpu],
            precision: prec,
            gpuMemoryUtilization: util,
            maxModelLen: len,
            targetConcurrency: concurrency,
          });
          for (const p of plan.plans.filter(x => x.fits)) {
            const m = p.memoryPerGpu;
            expect(m.kvCacheGiB).toBeGreaterThan(0);
            // The default release (0.21+) takes the CUDA-graph pool from the budget.
            expect(
              m.weightsGiB +
                m.activationPeakGiB +
                m.nonTorchGiB +
                m.cudaGraphGiB +
                m.kvCacheGiB,
            ).toBeLessThanOrEqual(m.budgetGiB + 1e-9);
            expect(m.budgetGiB).toBeLessThanOrEqual(m.totalGiB + 1e-9);
            expect(p.kvCacheTokens).toBeGreaterThanOrEqual(len);
            expect(
              p.replicas * p.maxConcurrencyPerReplica,
            ).toBeGreaterThanOrEqual(concurrency);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives at least as much KV cache for a higher utilization', () => {
    fc.assert(
      fc.property(architecture, utilization, utilization, (model, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const at = (util: number) =>
          estimateVllmMemory({
            model,
            precision: 'bf16',
            tensorParallelSize: 1,
            maxModelLen: 4096,
            gpuMemoryUtilization: util,
            usableMemoryGiB: 79.19,
            scheduler: { maxNumSeqs: 1024, maxNumBatchedTokens: 8192 },
          });
        expect(at(high).kvCacheTokens).toBeGreaterThanOrEqual(
          at(low).kvCacheTokens,
        );
      }),
    );
  });
});
