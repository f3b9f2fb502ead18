import {
  healthOf,
  policyViolations,
  ClusterStatus,
  CostWindow,
  IdleSpender,
  InferenceWorkload,
  PlatformOverview,
  QuotaStanding,
} from '@inference-platform/plugin-inference-common';
import { DailyUsage } from '../database/UsageStore';
import { InferenceOptions } from '../options';
import { costWindow } from './costWindows';

function idleSpenders(
  rows: DailyUsage[],
  keyOf: (row: DailyUsage) => string,
  window: (rows: DailyUsage[]) => CostWindow,
): IdleSpender[] {
  const groups = new Map<string, DailyUsage[]>();
  for (const row of rows) {
    const key = keyOf(row);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.entries()]
    .map(([ref, group]) => {
      const { summary } = window(group);
      return {
        ref,
        costUsd: summary.costUsd,
        idleCostUsd: summary.idleCostUsd,
        idlePercent: summary.idlePercent,
      };
    })
    .sort((a, b) => b.idleCostUsd - a.idleCostUsd);
}

/** Totals for the platform team's page. */
export function buildPlatformOverview(input: {
  workloads: InferenceWorkload[];
  clusters: ClusterStatus[];
  capacity: PlatformOverview['capacity'];
  standings: QuotaStanding[];
  usage: DailyUsage[];
  options: InferenceOptions;
  now: Date;
}): PlatformOverview {
  const window = (rows: DailyUsage[], days = 30) =>
    costWindow({
      rows,
      days,
      now: input.now,
      prices: input.options.prices,
      priceKind: input.options.priceKind,
      saasPrices: input.options.saasPrices,
    });
  const health = input.workloads.map(healthOf);
  return {
    clusters: input.clusters,
    capacity: input.capacity,
    quotas: input.standings,
    violations: policyViolations(input.workloads, input.standings),
    spend: { last7d: window(input.usage, 7), last30d: window(input.usage) },
    idleByOwner: idleSpenders(
      input.usage,
      r => r.ownerRef ?? 'unowned',
      rows => window(rows),
    ),
    idleByService: idleSpenders(
      input.usage,
      r =>
        r.entityRef ??
        `${r.cluster}/${r.namespace}/${r.workloadKind}/${r.workloadName}`,
      rows => window(rows),
    ).slice(0, 20),
    workloads: {
      total: input.workloads.length,
      healthy: health.filter(h => h === 'healthy').length,
      warning: health.filter(h => h === 'warning').length,
      critical: health.filter(h => h === 'critical').length,
      gpusCharged: input.workloads.reduce((s, w) => s + w.quotaCharge, 0),
    },
    generatedAt: input.now.toISOString(),
  };
}
