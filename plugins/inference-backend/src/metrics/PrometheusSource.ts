import { LoggerService } from '@backstage/backend-plugin-api';
import { InferenceWorkload } from '@inference-platform/plugin-inference-common';
import {
  aggregatePods,
  MetricsSource,
  WorkloadInterval,
} from './MetricsSource';
import { PodInterval } from './podMetrics';

type Vector = Array<{
  metric: Record<string, string>;
  value: [number, string];
}>;

/** Per-pod numbers the source asks Prometheus for, each one batched query over every pod of the fleet. */
type Field = keyof Omit<PodInterval, 'seconds'> | 'dcgmUtilization';

/**
 * Reads serving and GPU metrics from the Prometheus HTTP API with a handful of batched PromQL queries per sampling
 * run (grouped by cluster, namespace and pod), accepting current and deprecated vLLM names and both DCGM pod label
 * spellings.
 */
export class PrometheusSource implements MetricsSource {
  readonly name = 'prometheus';

  constructor(
    private readonly args: {
      baseUrl: string;
      logger: LoggerService;
      timeoutMs: number;
      /** Label that names the cluster of a series; series without it belong to the only configured cluster. */
      clusterLabel?: string;
      singleCluster?: string;
      fetch?: typeof fetch;
    },
  ) {}

  /** The PromQL of each field, for a window of `w` (e.g. `60s`). */
  queries(w: string): Record<Field, string> {
    const by = `by (${this.clusterLabel}, namespace, pod)`;
    const increase = (names: string[], selector = '') =>
      `sum ${by} (${names
        .map(
          n =>
            `increase(${n}${
              n.startsWith('vllm:request_success') ? selector : ''
            }[${w}])`,
        )
        .join(' or ')})`;
    const gauge = (agg: string, names: string[]) =>
      `${agg} ${by} (${names.join(' or ')})`;
    const podLabels = (metric: string) =>
      `label_replace(label_replace(${metric}, "pod", "$1", "pod_name", "(.+)"), "namespace", "$1", "pod_namespace", "(.+)")`;
    return {
      // completed requests; aborted ones count as failures
      requests: increase(
        [
          'vllm:request_success_total',
          'nv_inference_request_success',
          'te_request_success',
          'tgi_request_success',
        ],
        '{finished_reason!="abort"}',
      ),
      failures: `${increase(
        ['vllm:request_success_total'],
        '{finished_reason="abort"}',
      )} or ${increase(['nv_inference_request_failure'])}`,
      promptTokens: increase([
        'vllm:prompt_tokens_total',
        'te_request_input_length_sum',
        'tgi_request_input_length_sum',
      ]),
      generationTokens: increase([
        'vllm:generation_tokens_total',
        'tgi_request_generated_tokens_sum',
      ]),
      running: gauge('sum', [
        'vllm:num_requests_running',
        'tgi_batch_current_size',
      ]),
      waiting: gauge('sum', [
        'vllm:num_requests_waiting',
        'nv_inference_pending_request_count',
        'te_queue_size',
        'tgi_queue_size',
      ]),
      kvCacheUsage: gauge('avg', [
        'vllm:kv_cache_usage_perc',
        'vllm:gpu_cache_usage_perc',
      ]),
      ttftP95Seconds: `histogram_quantile(0.95, sum by (${this.clusterLabel}, namespace, pod, le) (rate(vllm:time_to_first_token_seconds_bucket[${w}])))`,
      gpuUtilization: gauge('avg', ['nv_gpu_utilization']),
      dcgmUtilization: `avg ${by} (${podLabels('DCGM_FI_DEV_GPU_UTIL')}) / 100`,
    };
  }

  private get clusterLabel(): string {
    return this.args.clusterLabel ?? 'cluster';
  }

  async collect(
    workloads: InferenceWorkload[],
    window: { start: Date; end: Date },
  ): Promise<Map<string, WorkloadInterval>> {
    const seconds = Math.max(
      1,
      Math.round((window.end.getTime() - window.start.getTime()) / 1000),
    );
    const queries = Object.entries(this.queries(`${seconds}s`)) as Array<
      [Field, string]
    >;
    const answers = await Promise.all(
      queries.map(
        async ([field, query]) =>
          [field, await this.query(query, window.end)] as const,
      ),
    );

    const perPod = new Map<string, Partial<Record<Field, number>>>();
    for (const [field, vector] of answers) {
      for (const { metric, value } of vector) {
        const cluster =
          metric[this.clusterLabel] ?? this.args.singleCluster ?? '';
        const key = `${cluster}/${metric.namespace}/${metric.pod}`;
        const number = Number(value[1]);
        if (!Number.isFinite(number)) continue;
        perPod.set(key, { ...perPod.get(key), [field]: number });
      }
    }

    const out = new Map<string, WorkloadInterval>();
    for (const workload of workloads) {
      const pods: PodInterval[] = [];
      const util: Array<number | undefined> = [];
      for (const pod of workload.pods) {
        const values = perPod.get(
          `${workload.cluster}/${pod.namespace}/${pod.name}`,
        );
        if (!values) continue;
        util.push(values.dcgmUtilization);
        // a pod known only to dcgm-exporter (not serving) holds GPUs but has no serving numbers
        if (Object.keys(values).every(k => k === 'dcgmUtilization')) continue;
        pods.push({
          seconds,
          requests: values.requests ?? 0,
          failures: values.failures ?? 0,
          promptTokens: values.promptTokens ?? 0,
          generationTokens: values.generationTokens ?? 0,
          running: values.running,
          waiting: values.waiting,
          kvCacheUsage: values.kvCacheUsage,
          ttftP95Seconds: values.ttftP95Seconds,
          gpuUtilization: values.gpuUtilization,
        });
      }
      if (pods.length > 0 || util.some(u => u !== undefined)) {
        out.set(workload.id, aggregatePods(pods, util));
      }
    }
    return out;
  }

  private async query(query: string, time: Date): Promise<Vector> {
    const url = new URL('/api/v1/query', this.args.baseUrl);
    url.searchParams.set('query', query);
    url.searchParams.set('time', String(time.getTime() / 1000));
    const fetchFn = this.args.fetch ?? fetch;
    try {
      const response = await fetchFn(url, {
        signal: AbortSignal.timeout(this.args.timeoutMs),
      });
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data?: { result: Vector };
      };
      if (body.status !== 'success')
        throw new Error(body.error ?? `HTTP ${response.status}`);
      return body.data?.result ?? [];
    } catch (error) {
      this.args.logger.warn(
        `Prometheus query failed (${query.slice(0, 80)}…): ${error}`,
      );
      return [];
    }
  }
}
