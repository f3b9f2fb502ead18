import { LoggerService } from '@backstage/backend-plugin-api';
import { InferenceWorkload } from '@inference-platform/plugin-inference-common';
import {
  InferenceStore,
  UsageSample,
  WorkloadMetricsPoint,
} from '../database/InferenceStore';
import { MetricsSource } from './MetricsSource';

/** GPUs a workload holds right now: pods bound to a node and not finished, × their GPUs. */
export function allocatedGpus(workload: InferenceWorkload): number {
  return workload.pods
    .filter(p => p.nodeName && p.phase !== 'Succeeded' && p.phase !== 'Failed')
    .reduce((sum, p) => sum + p.gpus, 0);
}

/**
 * One sampling run: for the interval that just ended, records each GPU workload's allocation, utilisation and tokens
 * (usage samples, keyed by the aligned interval so a repeated run cannot double count) and its serving metrics.
 */
export class UsageSampler {
  constructor(
    private readonly args: {
      workloads: () => InferenceWorkload[];
      store: InferenceStore;
      source: MetricsSource;
      logger: LoggerService;
      intervalSeconds: number;
      now?: () => Date;
    },
  ) {}

  async run(): Promise<{
    samples: number;
    inserted: number;
    withMetrics: number;
  }> {
    const now = this.args.now?.() ?? new Date();
    const intervalMs = this.args.intervalSeconds * 1000;
    const end = new Date(Math.floor(now.getTime() / intervalMs) * intervalMs);
    const start = new Date(end.getTime() - intervalMs);
    const workloads = this.args
      .workloads()
      .filter(w => w.gpuType && w.gpusPerReplica > 0);

    const collected = await this.args.source.collect(workloads, { start, end });
    const samples: UsageSample[] = [];
    const points: WorkloadMetricsPoint[] = [];
    for (const workload of workloads) {
      const key = {
        cluster: workload.cluster,
        namespace: workload.namespace,
        workloadKind: workload.kind,
        workloadName: workload.name,
      };
      const interval = collected.get(workload.id);
      const gpus = allocatedGpus(workload);
      if (gpus > 0) {
        samples.push({
          ...key,
          entityRef: workload.entityRef,
          ownerRef: workload.owner,
          gpuType: workload.gpuType!,
          intervalStart: start,
          intervalSeconds: this.args.intervalSeconds,
          gpusAllocated: gpus,
          gpuUtilization: interval?.gpuUtilization,
          promptTokens: interval?.promptTokens ?? 0,
          generationTokens: interval?.generationTokens ?? 0,
          requests: interval?.requests ?? 0,
        });
      }
      if (interval)
        points.push({ ...key, sampledAt: end, metrics: interval.metrics });
    }
    const inserted = await this.args.store.usage.recordSamples(samples);
    await this.args.store.usage.recordMetrics(points);
    this.args.logger.debug(
      `Sampled ${samples.length} workloads (${inserted} new) with ${this.args.source.name} metrics for ${points.length}`,
    );
    return { samples: samples.length, inserted, withMetrics: points.length };
  }
}
