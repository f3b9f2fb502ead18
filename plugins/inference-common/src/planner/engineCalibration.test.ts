import { calibrationRuns } from './__fixtures__/calibration';
import {
  GROUP_ORDER,
  GroupFit,
  ScoredRun,
  fitEngineOverheads,
  isScoredRun,
  nearestFit,
  overridesOf,
} from './__fixtures__/engineFit';
import { publicLogRuns } from './__fixtures__/publicLogs';
import {
  FITTED_ENGINE_OVERHEADS,
  KV_ERROR_P90_PCT_OF_OVERHEAD,
  KV_ERROR_P90_PCT_OF_OVERHEAD_ALL_RUNS,
  WEIGHTS_ERROR_P90_PCT,
} from './engineCalibration';
import { VllmMemoryInput, estimateVllmMemory } from './memory';
import { VllmEngineGroup, vllmEngineBehaviour } from './vllmEngine';

const SWEEP_SOURCE =
  'llm-d-planner vllm-calibration-h100-sweep.json (commit d3121e05)';

/** One scored figure: weights and KV cache, predicted in-sample and with its source left out. */
interface ErrorRow {
  id: string;
  source: string;
  family: string;
  version: string;
  weightsErrorGiB: number;
  weightsErrorPct: number;
  kvErrorGiB?: number;
  kvErrorLosoGiB?: number;
  /** Predicted memory besides weights and KV cache (activation, non-torch, graphs in the budget), GiB. */
  overheadGiB?: number;
}

const publicRuns = publicLogRuns();

function familyOfSweepModel(id: string): string {
  const known: [RegExp, string][] = [
    [/gpt-oss/i, 'gpt-oss'],
    [/mixtral/i, 'mixtral'],
    [/mistral/i, 'mistral'],
    [/gemma-3/i, 'gemma3'],
    [/gemma-2/i, 'gemma2'],
    [/gemma/i, 'gemma'],
    [/granite/i, 'granite'],
    [/llama-4/i, 'llama4'],
    [/llama/i, 'llama'],
    [/qwen3/i, 'qwen3'],
    [/qwen1\.5-moe/i, 'qwen2-moe'],
    [/qwen2\.5|kimi-dev/i, 'qwen2'],
    [/kimi-vl/i, 'kimi-vl'],
    [/deepseek/i, 'deepseek-v2'],
    [/phi/i, 'phi'],
  ];
  return known.find(([pattern]) => pattern.test(id))?.[1] ?? id;
}

function familyOfPublicRun(family: string): string {
  return family.split(/[\s(]/)[0].toLowerCase();
}

/** The fits with one source left out: the public logs without it, and the sweep's figures unless it is the sweep. */
function fitsWithout(
  source: string,
): Partial<Record<VllmEngineGroup, GroupFit>> {
  const fits = fitEngineOverheads(publicRuns.filter(r => r.source !== source));
  if (source !== SWEEP_SOURCE) {
    fits['v1-0.19'] = { samplerBytesPerLogit: 14.517, runs: 59, sources: 1 };
  } else {
    delete fits['v1-0.19'];
  }
  return fits;
}

function kvWith(input: VllmMemoryInput, fit: GroupFit | undefined): number {
  const sweepFit = fit?.runs === 59 && fit.multiGpuNonTorchGiB === undefined;
  return estimateVllmMemory({
    ...input,
    overheads: sweepFit ? {} : overridesOf(fit),
    ...(sweepFit ? { engine: vllmEngineBehaviour('0.19.0') } : {}),
  }).perGpu.kvCacheGiB;
}

function publicRows(): ErrorRow[] {
  return publicRuns.flatMap(run => {
    if (!run.input || run.observed.weightsGiB === undefined) return [];
    const predicted = estimateVllmMemory(run.input).perGpu;
    const row: ErrorRow = {
      id: run.id,
      source: run.source,
      family: familyOfPublicRun(run.family),
      version: run.versionGroup,
      weightsErrorGiB: predicted.weightsGiB - run.observed.weightsGiB,
      weightsErrorPct:
        (100 * (predicted.weightsGiB - run.observed.weightsGiB)) /
        run.observed.weightsGiB,
    };
    if (!isScoredRun(run)) return [row];
    const scored: ScoredRun = run;
    const loso = nearestFit(fitsWithout(run.source), run.behaviour.group);
    return [
      {
        ...row,
        kvErrorGiB: predicted.kvCacheGiB - scored.observed.kvCacheGiB,
        kvErrorLosoGiB: kvWith(scored.input, loso) - scored.observed.kvCacheGiB,
        overheadGiB:
          predicted.budgetGiB - predicted.weightsGiB - predicted.kvCacheGiB,
      },
    ];
  });
}

function sweepRows(): ErrorRow[] {
  const engine = vllmEngineBehaviour('0.19.0');
  const loso = nearestFit(fitsWithout(SWEEP_SOURCE), 'v1-0.19');
  return calibrationRuns().map(run => {
    const input = { ...run.input, engine };
    const predicted = estimateVllmMemory(input).perGpu;
    return {
      id: run.logFile,
      source: SWEEP_SOURCE,
      family: familyOfSweepModel(run.modelId),
      version: 'v1-0.19',
      weightsErrorGiB: predicted.weightsGiB - run.observed.weightsGiB,
      weightsErrorPct:
        (100 * (predicted.weightsGiB - run.observed.weightsGiB)) /
        run.observed.weightsGiB,
      kvErrorGiB: predicted.kvCacheGiB - run.observed.kvCacheGiB,
      kvErrorLosoGiB: kvWith(input, loso) - run.observed.kvCacheGiB,
      overheadGiB:
        predicted.budgetGiB - predicted.weightsGiB - predicted.kvCacheGiB,
    };
  });
}

function quantile(values: number[], q: number): number {
  const sorted = values.map(Math.abs).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

function line(name: string, rows: ErrorRow[]): string {
  const kv = rows.flatMap(r =>
    r.kvErrorGiB === undefined ? [] : [r.kvErrorGiB],
  );
  const loso = rows.flatMap(r =>
    r.kvErrorLosoGiB === undefined ? [] : [r.kvErrorLosoGiB],
  );
  const cell = (values: number[], digits: number) =>
    values.length
      ? `${quantile(values, 0.5).toFixed(digits)} / ${quantile(
          values,
          0.9,
        ).toFixed(digits)}`
      : '–';
  return `| ${name} | ${rows.length} | ${cell(
    rows.map(r => r.weightsErrorGiB),
    2,
  )} | ${cell(
    rows.map(r => r.weightsErrorPct),
    1,
  )} | ${kv.length} | ${cell(kv, 2)} | ${cell(loso, 2)} |`;
}

describe('planner error on every calibration run (sweep + public startup logs)', () => {
  const rows = [...sweepRows(), ...publicRows()];

  it('keeps the committed per-release figures equal to a refit of the public logs', () => {
    expect(fitEngineOverheads(publicRuns)).toEqual(FITTED_ENGINE_OVERHEADS);
  });

  it('expresses every public run it has a config for, and says why not for the rest', () => {
    const refused = publicRuns.filter(r => !r.input);
    expect(refused.every(r => r.notExpressible)).toBe(true);
    expect(publicRuns.length - refused.length).toBeGreaterThanOrEqual(17);
  });

  it('predicts weights within 3% on every run', () => {
    const worst = Math.max(...rows.map(r => Math.abs(r.weightsErrorPct)));
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('prints the error table: per family, per vLLM release group, leave-one-source-out', () => {
    const header = [
      '| group | runs | weights err GiB median / p90 | weights err % median / p90 | KV runs | KV err GiB median / p90 | KV err GiB leave-one-source-out median / p90 |',
      '|---|---|---|---|---|---|---|',
    ];
    const byKey = (key: (r: ErrorRow) => string) =>
      [...new Set(rows.map(key))].sort().map(value =>
        line(
          value,
          rows.filter(r => key(r) === value),
        ),
      );
    const table = [
      ...header,
      line('all', rows),
      line(
        'public logs only',
        rows.filter(r => r.source !== SWEEP_SOURCE),
      ),
      ...byKey(r => `vLLM ${r.version}`),
      ...byKey(r => `family ${r.family}`),
    ].join('\n');
    // eslint-disable-next-line no-console
    console.info(`planner error table (absolute errors)\n${table}`);
    expect(table.split('\n').length).toBeGreaterThan(10);
  });

  it('keeps the committed error bands equal to the table: KV error (left-out source) as a share of the overheads', () => {
    const shareOf = (r: ErrorRow) =>
      (100 * Math.abs(r.kvErrorLosoGiB!)) / Math.max(r.overheadGiB!, 0.5);
    const stated = rows.filter(
      r => r.kvErrorLosoGiB !== undefined && r.version !== 'unstated',
    );
    const perGroup = Object.fromEntries(
      GROUP_ORDER.flatMap(group => {
        const inGroup = stated.filter(r => r.version === group);
        return inGroup.length
          ? [[group, Math.round(quantile(inGroup.map(shareOf), 0.9))]]
          : [];
      }),
    );
    expect(perGroup).toEqual(KV_ERROR_P90_PCT_OF_OVERHEAD);
    expect(Math.round(quantile(stated.map(shareOf), 0.9))).toBe(
      KV_ERROR_P90_PCT_OF_OVERHEAD_ALL_RUNS,
    );
    expect(
      Math.round(
        10 *
          quantile(
            rows.map(r => r.weightsErrorPct),
            0.9,
          ),
      ) / 10,
    ).toBe(WEIGHTS_ERROR_P90_PCT);
  });

  it('lists release groups in release order', () => {
    expect(GROUP_ORDER).toEqual([
      'v0',
      'v1-0.8',
      'v1-0.11',
      'v1-0.19',
      'v1-0.21',
    ]);
  });
});
