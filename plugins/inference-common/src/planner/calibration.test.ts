import { resolveGpuType } from '../catalog/gpus';
import { calibrationRuns, CalibrationRun } from './__fixtures__/calibration';
import { VLLM_OVERHEAD_MODEL, estimateVllmMemory } from './memory';
import { planModelServing } from './planner';
import { vllmSchedulerDefaults } from './vllmDefaults';

const GIB = 1024 ** 3;
const runs = calibrationRuns();

function relativeError(predicted: number, observed: number): number {
  return (predicted - observed) / observed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The planner's prediction for a run: through planModelServing where it applies, the memory model for PP runs. */
function predict(run: CalibrationRun) {
  const estimate = estimateVllmMemory(run.input);
  if ((run.input.pipelineParallelSize ?? 1) > 1) return estimate;
  const plan = planModelServing({
    model: run.input.model,
    precision: run.input.precision,
    activationDtype: run.input.activationDtype,
    kvCacheDtype: run.input.kvCacheDtype,
    maxModelLen: run.input.maxModelLen,
    gpuMemoryUtilization: run.input.gpuMemoryUtilization,
    gpuTypes: ['h100-80gb-sxm'],
    tensorParallelSize: run.input.tensorParallelSize,
    vllmVersion: '0.19.0',
  });
  const h100 = plan.plans[0];
  // The planner and the memory model must agree: the plan is built from the same estimate.
  expect(h100.memoryPerGpu).toEqual(estimate.perGpu);
  expect(h100.kvCacheTokens).toBe(estimate.kvCacheTokens);
  return estimate;
}

describe('planner calibration on vllm-calibration-h100-sweep.json', () => {
  const rows = runs.map(run => {
    const estimate = predict(run);
    const m = estimate.perGpu;
    return {
      run: run.logFile,
      weights: relativeError(m.weightsGiB, run.observed.weightsGiB),
      kvCache: relativeError(m.kvCacheGiB, run.observed.kvCacheGiB),
      kvTokens: relativeError(
        estimate.kvCacheTokens,
        run.observed.kvCacheTokens,
      ),
      activationGiB: m.activationPeakGiB - run.observed.activationPeakGiB,
      nonTorchGiB: m.nonTorchGiB - run.observed.nonTorchGiB,
      cudaGraphGiB: m.cudaGraphGiB - run.observed.cudaGraphGiB,
    };
  });

  it('uses the catalog H100 memory the sweep measured', () => {
    expect(resolveGpuType('NVIDIA-H100-80GB-HBM3')!.usableMemoryGiB).toBe(
      79.19,
    );
    expect(runs.every(r => r.input.usableMemoryGiB === 79.19)).toBe(true);
    const h100 = resolveGpuType('h100-80gb-sxm')!;
    expect(
      vllmSchedulerDefaults({
        usableMemoryGiB: h100.usableMemoryGiB,
        name: h100.gpu.name,
      }),
    ).toEqual(runs[0].input.scheduler);
  });

  it('covers all 59 runs', () => {
    expect(rows).toHaveLength(59);
  });

  it('keeps every weights estimate within 3%', () => {
    const worst = rows.reduce((a, b) =>
      Math.abs(b.weights) > Math.abs(a.weights) ? b : a,
    );
    expect(Math.abs(worst.weights)).toBeLessThanOrEqual(0.03);
  });

  it('keeps the median absolute KV-cache error within 5%', () => {
    expect(median(rows.map(r => Math.abs(r.kvCache)))).toBeLessThanOrEqual(
      0.05,
    );
  });

  it('reports the error table', () => {
    const summary = (name: string, values: number[], unit: '%' | 'GiB') => {
      const abs = values.map(Math.abs);
      const scale = unit === '%' ? 100 : 1;
      return `${name.padEnd(22)} median ${(median(abs) * scale).toFixed(
        2,
      )}${unit}  worst ${(Math.max(...abs) * scale).toFixed(2)}${unit}`;
    };
    const table = [
      summary(
        'weights GiB',
        rows.map(r => r.weights),
        '%',
      ),
      summary(
        'KV cache GiB',
        rows.map(r => r.kvCache),
        '%',
      ),
      summary(
        'KV cache tokens',
        rows.map(r => r.kvTokens),
        '%',
      ),
      summary(
        'activation peak',
        rows.map(r => r.activationGiB),
        'GiB',
      ),
      summary(
        'non-torch',
        rows.map(r => r.nonTorchGiB),
        'GiB',
      ),
      summary(
        'CUDA graphs',
        rows.map(r => r.cudaGraphGiB),
        'GiB',
      ),
    ].join('\n');
    // eslint-disable-next-line no-console
    console.info(
      `planner error on ${rows.length} runs of vllm-calibration-h100-sweep.json\n${table}`,
    );
    expect(table).toContain('KV cache GiB');
  });
});

/** Solves least squares through the normal equations (small, well-conditioned systems only). */
function leastSquares(features: number[][], targets: number[]): number[] {
  const n = features[0].length;
  const a = Array.from({ length: n }, (_i, i) =>
    Array.from({ length: n }, (_j, j) =>
      features.reduce((s, f) => s + f[i] * f[j], 0),
    ),
  );
  const b = Array.from({ length: n }, (_i, i) =>
    features.reduce((s, f, k) => s + f[i] * targets[k], 0),
  );
  for (let col = 0; col < n; col++) {
    const pivot = a
      .slice(col)
      .reduce(
        (best, row, k) =>
          Math.abs(row[col]) > Math.abs(a[best][col]) ? col + k : best,
        col,
      );
    [a[col], a[pivot]] = [a[pivot], a[col]];
    [b[col], b[pivot]] = [b[pivot], b[col]];
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = a[row][col] / a[col][col];
      for (let k = col; k < n; k++) a[row][k] -= factor * a[col][k];
      b[row] -= factor * b[col];
    }
  }
  return b.map((v, i) => v / a[i][i]);
}

describe('fitted overhead constants', () => {
  // One sample per distinct configuration, so the 14 Llama-3.1-8B runs do not outvote the other models.
  const distinct: CalibrationRun[] = [];
  const seen = new Set<string>();
  for (const r of runs) {
    const key = `${r.modelId}|${r.input.tensorParallelSize}|${r.input.pipelineParallelSize}|${r.input.activationDtype}|${r.input.precision}`;
    if (!seen.has(key)) {
      seen.add(key);
      distinct.push(r);
    }
  }
  const moeWorkspace = (r: CalibrationRun) => {
    const moe = r.input.model.moe;
    if (!moe) return 0;
    const width = moe.expertIntermediateSize / r.input.tensorParallelSize;
    return (8192 * moe.topK * (3 * width + r.input.model.hiddenSize) * 2) / GIB;
  };

  it('are fitted on 47 distinct configurations', () => {
    expect(distinct).toHaveLength(47);
  });

  it('match a refit of the activation peak', () => {
    const [base, sampler, moe] = leastSquares(
      distinct.map(r => [
        1,
        (1024 * r.input.model.vocabSize * 4) / GIB,
        moeWorkspace(r),
      ]),
      distinct.map(r => r.observed.activationPeakGiB),
    );
    expect(base).toBeCloseTo(VLLM_OVERHEAD_MODEL.activation.baseGiB, 3);
    expect(sampler * 4).toBeCloseTo(
      VLLM_OVERHEAD_MODEL.activation.samplerBytesPerLogit,
      2,
    );
    expect(moe).toBeCloseTo(
      VLLM_OVERHEAD_MODEL.activation.moeWorkspaceFactor,
      3,
    );
  });

  it('match a refit of the non-torch memory', () => {
    const singleStage = distinct.filter(
      r => (r.input.pipelineParallelSize ?? 1) === 1,
    );
    const multi = (r: CalibrationRun) =>
      r.input.tensorParallelSize > 1 ? 1 : 0;
    const [single, multiGpu, perRank] = leastSquares(
      singleStage.map(r => [
        1,
        multi(r),
        multi(r) * r.input.tensorParallelSize,
      ]),
      singleStage.map(r => r.observed.nonTorchGiB),
    );
    expect(single).toBeCloseTo(VLLM_OVERHEAD_MODEL.nonTorch.singleGpuGiB, 3);
    expect(multiGpu).toBeCloseTo(VLLM_OVERHEAD_MODEL.nonTorch.multiGpuGiB, 3);
    expect(perRank).toBeCloseTo(VLLM_OVERHEAD_MODEL.nonTorch.perRankGiB, 3);
  });

  it('match a refit of the CUDA-graph memory', () => {
    const [base, perLayer, moe] = leastSquares(
      distinct.map(r => [
        1,
        r.input.model.numHiddenLayers / (r.input.pipelineParallelSize ?? 1),
        r.input.model.moe ? 1 : 0,
      ]),
      distinct.map(r => r.observed.cudaGraphGiB),
    );
    expect(base).toBeCloseTo(VLLM_OVERHEAD_MODEL.cudaGraph.baseGiB, 3);
    expect(perLayer).toBeCloseTo(VLLM_OVERHEAD_MODEL.cudaGraph.perLayerGiB, 3);
    expect(moe).toBeCloseTo(VLLM_OVERHEAD_MODEL.cudaGraph.moeGiB, 3);
  });
});
