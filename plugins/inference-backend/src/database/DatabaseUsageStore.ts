import { Knex } from 'knex';
import {
  DailyUsage,
  UsageFilter,
  UsageSample,
  UsageStore,
  WorkloadMetricsPoint,
} from './UsageStore';
import { toDate } from './transactions';

type SampleRow = {
  cluster: string;
  namespace: string;
  workload_kind: string;
  workload_name: string;
  entity_ref: string | null;
  owner_ref: string | null;
  gpu_type: string;
  interval_start: Date | string | number;
  interval_seconds: number;
  gpus_allocated: number;
  gpu_hours: number;
  gpu_utilization: number | null;
  prompt_tokens: number;
  generation_tokens: number;
  requests: number;
};

type DailyRow = {
  day: string;
  cluster: string;
  namespace: string;
  workload_kind: string;
  workload_name: string;
  entity_ref: string | null;
  owner_ref: string | null;
  gpu_type: string;
  gpu_hours: number;
  idle_gpu_hours: number;
  measured_gpu_hours: number;
  prompt_tokens: number;
  generation_tokens: number;
  requests: number;
};

const SAMPLE_KEY = [
  'cluster',
  'namespace',
  'workload_kind',
  'workload_name',
  'interval_start',
];
const DAILY_KEY = [
  'day',
  'cluster',
  'namespace',
  'workload_kind',
  'workload_name',
];
const DAY_MS = 24 * 3600 * 1000;
// keeps each INSERT under SQLite's bound-parameter limit
const INSERT_CHUNK = 50;

/**
 * Knex implementation of {@link UsageStore}; runs on SQLite and PostgreSQL.
 *
 * @public
 */
export class DatabaseUsageStore implements UsageStore {
  constructor(private readonly db: Knex) {}

  async recordSamples(samples: UsageSample[]): Promise<number> {
    if (samples.length === 0) return 0;
    const rows = samples.map(toSampleRow);
    return this.db.transaction(async tx => {
      let inserted = 0;
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const result: any = await tx('inference_usage_samples')
          .insert(rows.slice(i, i + INSERT_CHUNK))
          .onConflict(SAMPLE_KEY)
          .ignore()
          .returning('id');
        inserted += Array.isArray(result) ? result.length : 0;
      }
      const days = new Set(rows.map(r => utcDay(toDate(r.interval_start))));
      for (const day of days) {
        await this.rollUpDay(tx, day);
      }
      return inserted;
    });
  }

  async listDaily(filter: UsageFilter): Promise<DailyUsage[]> {
    const query = this.db<DailyRow>('inference_usage_daily')
      .whereBetween('day', [filter.fromDay, filter.toDay])
      .orderBy(['day', 'cluster', 'namespace', 'workload_name']);
    if (filter.entityRefs) query.whereIn('entity_ref', filter.entityRefs);
    if (filter.ownerRef) query.where('owner_ref', filter.ownerRef);
    if (filter.cluster) query.where('cluster', filter.cluster);
    return (await query).map(toDaily);
  }

  async listSamples(filter: {
    entityRefs?: string[];
    ownerRef?: string;
    since: Date;
  }): Promise<UsageSample[]> {
    const query = this.db<SampleRow>('inference_usage_samples')
      .where('interval_start', '>=', filter.since)
      .orderBy('interval_start', 'asc');
    if (filter.entityRefs) query.whereIn('entity_ref', filter.entityRefs);
    if (filter.ownerRef) query.where('owner_ref', filter.ownerRef);
    return (await query).map(toSample);
  }

  async recordMetrics(points: WorkloadMetricsPoint[]): Promise<void> {
    const rows = points.map(p => ({
      cluster: p.cluster,
      namespace: p.namespace,
      workload_kind: p.workloadKind,
      workload_name: p.workloadName,
      sampled_at: p.sampledAt,
      metrics: JSON.stringify(p.metrics),
    }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await this.db('inference_workload_metrics')
        .insert(rows.slice(i, i + INSERT_CHUNK))
        .onConflict([
          'cluster',
          'namespace',
          'workload_kind',
          'workload_name',
          'sampled_at',
        ])
        .ignore();
    }
  }

  async listMetrics(since: Date): Promise<WorkloadMetricsPoint[]> {
    const rows = await this.db('inference_workload_metrics')
      .where('sampled_at', '>=', since)
      .orderBy('sampled_at', 'asc');
    return rows.map((row: any) => ({
      cluster: row.cluster,
      namespace: row.namespace,
      workloadKind: row.workload_kind,
      workloadName: row.workload_name,
      sampledAt: toDate(row.sampled_at),
      metrics: JSON.parse(row.metrics),
    }));
  }

  async applyRetention(options: {
    now: Date;
    sampleRetentionDays: number;
    dailyRetentionDays: number;
    metricsRetentionHours?: number;
  }): Promise<{ samples: number; days: number; metrics: number }> {
    const sampleCutoff = new Date(
      options.now.getTime() - options.sampleRetentionDays * DAY_MS,
    );
    const dayCutoff = utcDay(
      new Date(options.now.getTime() - options.dailyRetentionDays * DAY_MS),
    );
    const samples = await this.db('inference_usage_samples')
      .where('interval_start', '<', sampleCutoff)
      .delete();
    const days = await this.db('inference_usage_daily')
      .where('day', '<', dayCutoff)
      .delete();
    const metricsCutoff = new Date(
      options.now.getTime() - (options.metricsRetentionHours ?? 24) * 3600_000,
    );
    const metrics = await this.db('inference_workload_metrics')
      .where('sampled_at', '<', metricsCutoff)
      .delete();
    return { samples, days, metrics };
  }

  // Recomputes one day's roll-up from its samples, so it is right however often or late samples arrive.
  private async rollUpDay(tx: Knex.Transaction, day: string) {
    const start = new Date(`${day}T00:00:00.000Z`);
    const end = new Date(start.getTime() + DAY_MS);
    const aggregates = await tx('inference_usage_samples')
      .select('cluster', 'namespace', 'workload_kind', 'workload_name')
      .max({
        entity_ref: 'entity_ref',
        owner_ref: 'owner_ref',
        gpu_type: 'gpu_type',
      })
      .sum({
        gpu_hours: 'gpu_hours',
        prompt_tokens: 'prompt_tokens',
        generation_tokens: 'generation_tokens',
        requests: 'requests',
      })
      .select(
        tx.raw(
          'coalesce(sum(gpu_hours * (1 - gpu_utilization)), 0) as idle_gpu_hours',
        ),
        tx.raw(
          'coalesce(sum(case when gpu_utilization is not null then gpu_hours else 0 end), 0) as measured_gpu_hours',
        ),
      )
      .where('interval_start', '>=', start)
      .andWhere('interval_start', '<', end)
      .groupBy('cluster', 'namespace', 'workload_kind', 'workload_name');

    const rows: DailyRow[] = aggregates.map((a: any) => ({
      day,
      cluster: a.cluster,
      namespace: a.namespace,
      workload_kind: a.workload_kind,
      workload_name: a.workload_name,
      entity_ref: a.entity_ref ?? null,
      owner_ref: a.owner_ref ?? null,
      gpu_type: a.gpu_type,
      gpu_hours: Number(a.gpu_hours),
      idle_gpu_hours: Number(a.idle_gpu_hours),
      measured_gpu_hours: Number(a.measured_gpu_hours),
      prompt_tokens: Number(a.prompt_tokens),
      generation_tokens: Number(a.generation_tokens),
      requests: Number(a.requests),
    }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await tx('inference_usage_daily')
        .insert(rows.slice(i, i + INSERT_CHUNK))
        .onConflict(DAILY_KEY)
        .merge();
    }
  }
}

/** `YYYY-MM-DD` of a time, in UTC. */
export function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

function toSampleRow(sample: UsageSample): SampleRow {
  return {
    cluster: sample.cluster,
    namespace: sample.namespace,
    workload_kind: sample.workloadKind,
    workload_name: sample.workloadName,
    entity_ref: sample.entityRef ?? null,
    owner_ref: sample.ownerRef ?? null,
    gpu_type: sample.gpuType,
    interval_start: sample.intervalStart,
    interval_seconds: sample.intervalSeconds,
    gpus_allocated: sample.gpusAllocated,
    gpu_hours: (sample.gpusAllocated * sample.intervalSeconds) / 3600,
    gpu_utilization: sample.gpuUtilization ?? null,
    prompt_tokens: sample.promptTokens,
    generation_tokens: sample.generationTokens,
    requests: sample.requests,
  };
}

function toSample(row: SampleRow): UsageSample {
  return {
    cluster: row.cluster,
    namespace: row.namespace,
    workloadKind: row.workload_kind,
    workloadName: row.workload_name,
    entityRef: row.entity_ref ?? undefined,
    ownerRef: row.owner_ref ?? undefined,
    gpuType: row.gpu_type,
    intervalStart: toDate(row.interval_start),
    intervalSeconds: Number(row.interval_seconds),
    gpusAllocated: Number(row.gpus_allocated),
    gpuUtilization:
      row.gpu_utilization === null ? undefined : Number(row.gpu_utilization),
    promptTokens: Number(row.prompt_tokens),
    generationTokens: Number(row.generation_tokens),
    requests: Number(row.requests),
  };
}

function toDaily(row: DailyRow): DailyUsage {
  return {
    day: row.day,
    cluster: row.cluster,
    namespace: row.namespace,
    workloadKind: row.workload_kind,
    workloadName: row.workload_name,
    entityRef: row.entity_ref ?? undefined,
    ownerRef: row.owner_ref ?? undefined,
    gpuType: row.gpu_type,
    gpuHours: Number(row.gpu_hours),
    idleGpuHours: Number(row.idle_gpu_hours),
    measuredGpuHours: Number(row.measured_gpu_hours),
    promptTokens: Number(row.prompt_tokens),
    generationTokens: Number(row.generation_tokens),
    requests: Number(row.requests),
  };
}
