import {
  findGpuPrice,
  UsagePoint,
} from '@inference-platform/plugin-inference-common';
import {
  DailyUsage,
  InferenceStore,
  UsageSample,
} from '../database/InferenceStore';
import { InferenceOptions } from '../options';
import { windowStart } from '../views/costWindows';

/** Usage history for charts: one point per day (roll-ups) or per hour (samples), summed over GPU types. */
export async function usageHistory(input: {
  store: InferenceStore;
  /** Daily rows of the last 30 days, already in memory. */
  rows: DailyUsage[];
  entityRef?: string;
  owner?: string;
  days: number;
  granularity: 'hour' | 'day';
  options: InferenceOptions;
  now?: Date;
}): Promise<{ granularity: 'hour' | 'day'; points: UsagePoint[] }> {
  const now = input.now ?? new Date();
  const matches = (r: { entityRef?: string; ownerRef?: string }) =>
    (!input.entityRef || r.entityRef === input.entityRef) &&
    (!input.owner || r.ownerRef === input.owner);
  const rate = (gpuType: string) =>
    findGpuPrice(input.options.prices, gpuType)?.usdPerGpuHour[
      input.options.priceKind
    ] ?? 0;

  if (input.granularity === 'hour') {
    const days = Math.min(input.days, input.options.retention.sampleDays);
    const samples = await input.store.usage.listSamples({
      entityRefs: input.entityRef ? [input.entityRef] : undefined,
      ownerRef: input.owner,
      since: new Date(now.getTime() - days * 24 * 3600_000),
    });
    return {
      granularity: 'hour',
      points: bucket(samples.filter(matches), 3600, rate),
    };
  }

  const fromDay = windowStart(now, input.days);
  const rows =
    input.days <= 30
      ? input.rows.filter(r => r.day >= fromDay)
      : await input.store.usage.listDaily({
          fromDay,
          toDay: now.toISOString().slice(0, 10),
        });
  const byDay = new Map<string, UsagePoint>();
  for (const row of rows.filter(matches)) {
    const t = `${row.day}T00:00:00.000Z`;
    const point = byDay.get(t) ?? emptyPoint(t, 86400);
    const price = rate(row.gpuType);
    point.gpuHours! += row.gpuHours;
    point.allocatedGpus += row.gpuHours / 24;
    point.costUsd! += row.gpuHours * price;
    point.idleCostUsd! += row.idleGpuHours * price;
    point.inputTokens! += row.promptTokens;
    point.outputTokens! += row.generationTokens;
    point.requestsPerSecond! += row.requests / 86400;
    byDay.set(t, point);
  }
  return {
    granularity: 'day',
    points: [...byDay.values()].sort((a, b) => a.t.localeCompare(b.t)),
  };
}

function emptyPoint(t: string, bucketSeconds: number): UsagePoint {
  return {
    t,
    bucketSeconds,
    allocatedGpus: 0,
    gpuHours: 0,
    costUsd: 0,
    idleCostUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    requestsPerSecond: 0,
  };
}

function bucket(
  samples: UsageSample[],
  seconds: number,
  rate: (gpuType: string) => number,
): UsagePoint[] {
  const points = new Map<
    string,
    UsagePoint & { measured: number; busy: number }
  >();
  for (const s of samples) {
    const start =
      Math.floor(s.intervalStart.getTime() / (seconds * 1000)) * seconds * 1000;
    const t = new Date(start).toISOString();
    const point = points.get(t) ?? {
      ...emptyPoint(t, seconds),
      measured: 0,
      busy: 0,
    };
    const hours = (s.gpusAllocated * s.intervalSeconds) / 3600;
    point.gpuHours! += hours;
    point.allocatedGpus += hours / (seconds / 3600);
    point.costUsd! += hours * rate(s.gpuType);
    if (s.gpuUtilization !== undefined) {
      point.measured += hours;
      point.busy += hours * s.gpuUtilization;
      point.idleCostUsd! += hours * (1 - s.gpuUtilization) * rate(s.gpuType);
    }
    point.inputTokens! += s.promptTokens;
    point.outputTokens! += s.generationTokens;
    point.requestsPerSecond! += s.requests / seconds;
    points.set(t, point);
  }
  return [...points.values()]
    .sort((a, b) => a.t.localeCompare(b.t))
    .map(({ measured, busy, ...point }) => ({
      ...point,
      utilization: measured > 0 ? busy / measured : undefined,
    }));
}
