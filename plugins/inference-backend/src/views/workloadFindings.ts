import {
  diagnoseServingMetrics,
  diagnoseQuotaMismatch,
  diagnoseServiceLevels,
  Finding,
  InferenceWorkload,
  QuotaStanding,
} from '@inference-platform/plugin-inference-common';
import { MetricsCache } from '../metrics/MetricsCache';
import { InferenceOptions } from '../options';
import { EntityIndex } from '../workloads/entityIndex';
import { WorkloadServing } from '../workloads/deriveWorkloads';

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** What the findings that need more than the cluster's objects are computed from. */
export interface ServiceFindingsContext {
  entities: EntityIndex;
  metrics: MetricsCache;
  /** What a workload's pods serve (from the workload model), for the advice of its metric findings. */
  servingOf: (workloadId: string) => WorkloadServing | undefined;
  /** Platform quota standings of every owner. */
  standings: readonly QuotaStanding[];
  /** Every workload of the fleet, for what the platform charges in a namespace. */
  fleet: readonly InferenceWorkload[];
  slo: InferenceOptions['slo'];
  now: Date;
}

/** Platform charge of an owner's workloads of a GPU type in one namespace (at their autoscaler ceiling). */
function chargedIn(
  fleet: readonly InferenceWorkload[],
  w: InferenceWorkload,
): number {
  return fleet
    .filter(
      o =>
        o.owner === w.owner &&
        o.gpuType === w.gpuType &&
        o.cluster === w.cluster &&
        o.namespace === w.namespace,
    )
    .reduce((sum, o) => sum + o.quotaCharge, 0);
}

/**
 * Findings of one workload that its cluster's objects alone cannot give: a saturated KV cache with a growing queue
 * (common's rule over its recent samples), SLO breaches (TTFT p95 against the entity's
 * objective, error rate against the threshold) from its recent metric samples, and a namespace ResourceQuota below
 * what the owner's platform quota granted. Computed when a page asks, so they follow the latest samples and quotas.
 */
export function serviceFindings(
  w: InferenceWorkload,
  context: ServiceFindingsContext,
): Finding[] {
  const findings: Finding[] = diagnoseServingMetrics({
    samples: context.metrics.samples(w.id),
    readyReplicas: w.replicas.ready,
    serving: context.servingOf(w.id),
  });
  findings.push(
    ...diagnoseServiceLevels({
      samples: context.metrics.points(w.id).map(p => ({
        t: p.sampledAt.getTime(),
        ttftP95Seconds: p.metrics.ttftP95Seconds,
        errorRate: p.metrics.errorRate,
      })),
      objectives: {
        ttftP95Ms: w.entityRef
          ? context.entities.byEntityRef(w.entityRef)?.sloTtftP95Ms
          : undefined,
        errorRate: context.slo.errorRateThreshold,
        errorRateSource: context.slo.errorRateSource,
      },
      windowMinutes: context.slo.windowMinutes,
      now: context.now.getTime(),
    }),
  );
  const line = context.standings.find(
    s => s.owner === w.owner && s.gpuType === w.gpuType,
  );
  if (w.owner && w.gpuType && line?.limit !== undefined) {
    for (const namespaceQuota of w.namespaceQuotas ?? []) {
      const finding = diagnoseQuotaMismatch({
        platform: { owner: w.owner, gpuType: w.gpuType, limit: line.limit },
        chargedGpus: chargedIn(context.fleet, w),
        namespaceQuota,
      });
      if (finding) findings.push(finding);
    }
  }
  return findings;
}

/**
 * The workloads as a page shows them: with their latest metrics and the findings their metrics, objectives and
 * quotas give, most severe first (a stable sort keeps diagnosis's order).
 */
export function withServiceFindings(
  workloads: readonly InferenceWorkload[],
  context: ServiceFindingsContext,
): InferenceWorkload[] {
  return workloads.map(w => {
    const extra = serviceFindings(w, context);
    const latest = context.metrics.latest(w.id);
    return {
      ...w,
      ...(latest
        ? {
            metrics: {
              ...latest.metrics,
              sampledAt: latest.sampledAt.toISOString(),
            },
          }
        : {}),
      findings: extra.length
        ? [...w.findings, ...extra].sort(
            (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
          )
        : w.findings,
    };
  });
}
