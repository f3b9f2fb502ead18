import {
  ClusterStatus,
  CostWindow,
  IdleSpender,
  InferenceWorkload,
  PlatformOverview,
  PolicyViolation,
  QuotaStanding,
} from '@inference-platform/plugin-inference-common';
import { DailyUsage } from '../database/UsageStore';
import { InferenceOptions } from '../options';
import { costWindow } from './costWindows';
import { healthOf } from './health';

/** Rules the governance page lists, from what the tracker sees. */
export function policyViolations(
  workloads: InferenceWorkload[],
  standings: QuotaStanding[],
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  for (const s of standings.filter(q => q.overLimit)) {
    violations.push({
      kind: 'over-quota',
      owner: s.owner,
      message: `${s.owner} holds ${s.used} + ${s.reserved} reserved ${
        s.gpuType
      } GPUs against a limit of ${s.limit ?? 0}`,
    });
  }
  for (const w of workloads) {
    if (!w.imageDigestPinned) {
      violations.push({
        kind: 'tag-only-image',
        workloadId: w.id,
        owner: w.owner,
        message: `${w.id} runs ${
          w.image ?? 'an image'
        } by tag: pin it by digest`,
      });
    }
    if (!w.owner) {
      violations.push({
        kind: 'unowned-workload',
        workloadId: w.id,
        message: `${w.id} has no owner: label it backstage.io/kubernetes-id for a catalog entity`,
      });
    }
    if (!w.autoscaler && w.gpusPerReplica > 0) {
      violations.push({
        kind: 'no-autoscaler-ceiling',
        workloadId: w.id,
        owner: w.owner,
        message: `${
          w.id
        } has no autoscaler: it cannot follow load and ${holding(w)}`,
      });
    }
    if (w.findings.some(f => f.kind === 'cuda-driver-insufficient')) {
      violations.push({
        kind: 'driver-incompatible',
        workloadId: w.id,
        owner: w.owner,
        message: `${w.id} runs an image whose CUDA version its nodes' driver cannot run`,
      });
    }
  }
  return violations;
}

/** What a workload without an autoscaler holds: the GPUs of its pods on nodes, and what its replicas are charged. */
function holding(w: InferenceWorkload): string {
  const held = w.pods
    .filter(p => p.nodeName && p.phase !== 'Succeeded' && p.phase !== 'Failed')
    .reduce((sum, p) => sum + p.gpus, 0);
  const charged =
    held === w.quotaCharge
      ? ''
      : ` (${w.quotaCharge} charged for its ${w.replicas.desired} replicas)`;
  return `holds ${held} GPU${held === 1 ? '' : 's'} around the clock${charged}`;
}

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
