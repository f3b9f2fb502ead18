import { LoggerService } from '@backstage/backend-plugin-api';
import { InferenceWorkload } from '@inference-platform/plugin-inference-common';
import fetch from 'node-fetch';
import { ClusterConnection } from '@inference-platform/plugin-inference-node';
import { parseExposition } from './exposition';
import {
  aggregatePods,
  MetricsSource,
  WorkloadInterval,
} from './MetricsSource';
import {
  PodInterval,
  podInterval,
  PodSnapshot,
  readPodSnapshot,
} from './podMetrics';
import { mapWithConcurrency } from './concurrency';

type Json = Record<string, any>;

const DCGM_LABELS: Array<[string, string]> = [
  ['app.kubernetes.io/name', 'dcgm-exporter'],
  ['app', 'nvidia-dcgm-exporter'],
  ['app', 'dcgm-exporter'],
];

/** DCGM fields that tell GPU utilisation, and their scale to 0..1. */
const DCGM_UTILIZATION_SCALE: Record<string, number> = {
  DCGM_FI_PROF_GR_ENGINE_ACTIVE: 1,
  DCGM_FI_DEV_GPU_UTIL: 0.01,
};

/** Cached pods of a cluster, as the tracker keeps them. */
export type PodLookup = (cluster: string) => Json[];

/** The port that serves /metrics: one named `metrics`, else the first declared port. */
export function metricsPort(pod: Json): number | undefined {
  const ports: Json[] = (pod.spec?.containers ?? []).flatMap(
    (c: Json) => c.ports ?? [],
  );
  return (ports.find(p => p.name === 'metrics') ?? ports[0])?.containerPort;
}

/**
 * Scrapes each serving pod's /metrics, and each node's dcgm-exporter, through the Kubernetes API server's pod proxy
 * (`/api/v1/namespaces/<ns>/pods/<pod>:<port>/proxy/metrics`): the embedded default, no Prometheus needed. Counter
 * increases are taken between this instance's consecutive scrapes of a pod.
 */
export class DirectScrapeSource implements MetricsSource {
  readonly name = 'direct';
  private readonly previous = new Map<string, PodSnapshot>();
  /** Clusters whose API server refused the pod proxy, so the warning is said once, not per pod and interval. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly args: {
      clusters: ClusterConnection[];
      pods: PodLookup;
      logger: LoggerService;
      concurrency: number;
      timeoutMs: number;
      now?: () => number;
    },
  ) {}

  async collect(
    workloads: InferenceWorkload[],
  ): Promise<Map<string, WorkloadInterval>> {
    const connections = new Map(this.args.clusters.map(c => [c.name, c]));
    const podsByCluster = new Map<string, Map<string, Json>>();
    const podIndex = (cluster: string) => {
      let index = podsByCluster.get(cluster);
      if (!index) {
        index = new Map(
          this.args
            .pods(cluster)
            .map(p => [`${p.metadata.namespace}/${p.metadata.name}`, p]),
        );
        podsByCluster.set(cluster, index);
      }
      return index;
    };

    const gpuUtilByPod = await this.scrapeDcgm(
      workloads,
      connections,
      podIndex,
    );
    const jobs = workloads.flatMap(w =>
      w.pods
        .filter(p => p.phase === 'Running' && p.ready)
        .map(p => ({
          workload: w,
          pod: podIndex(w.cluster).get(`${p.namespace}/${p.name}`),
        }))
        .filter((j): j is { workload: InferenceWorkload; pod: Json } =>
          Boolean(j.pod),
        ),
    );
    const intervals = await mapWithConcurrency(
      jobs,
      this.args.concurrency,
      async ({ workload, pod }) => {
        const text = await this.scrape(connections.get(workload.cluster), pod);
        if (text === undefined) return undefined;
        const key = `${workload.cluster}/${pod.metadata.namespace}/${pod.metadata.name}`;
        const snapshot = readPodSnapshot(
          workload.runtime,
          parseExposition(text),
          this.now(),
        );
        const interval = podInterval(this.previous.get(key), snapshot);
        this.previous.set(key, snapshot);
        return { workload, key, interval };
      },
    );

    const byWorkload = new Map<
      string,
      { pods: PodInterval[]; util: Array<number | undefined> }
    >();
    const entryOf = (id: string) => {
      const entry = byWorkload.get(id) ?? { pods: [], util: [] };
      byWorkload.set(id, entry);
      return entry;
    };
    for (const result of intervals) {
      if (result) entryOf(result.workload.id).pods.push(result.interval);
    }
    // GPU utilisation of every pod holding GPUs, serving or not: a crash-looping replica's GPUs are idle spend
    for (const workload of workloads) {
      for (const pod of workload.pods) {
        const util = gpuUtilByPod.get(
          `${workload.cluster}/${pod.namespace}/${pod.name}`,
        );
        if (util !== undefined) entryOf(workload.id).util.push(util);
      }
    }
    // pods that stopped: forget their counters
    const live = new Set(intervals.filter(Boolean).map(r => r!.key));
    for (const key of this.previous.keys())
      if (!live.has(key)) this.previous.delete(key);

    const out = new Map<string, WorkloadInterval>();
    for (const [id, entry] of byWorkload)
      out.set(id, aggregatePods(entry.pods, entry.util));
    return out;
  }

  private now(): number {
    return this.args.now?.() ?? Date.now();
  }

  private async scrapeDcgm(
    workloads: InferenceWorkload[],
    connections: Map<string, ClusterConnection>,
    podIndex: (cluster: string) => Map<string, Json>,
  ): Promise<Map<string, number>> {
    const clusters = [...new Set(workloads.map(w => w.cluster))];
    const exporters = clusters.flatMap(cluster =>
      [...podIndex(cluster).values()]
        .filter(
          p =>
            p.status?.phase === 'Running' &&
            DCGM_LABELS.some(([k, v]) => p.metadata.labels?.[k] === v),
        )
        .map(pod => ({ cluster, pod })),
    );
    const byPod = new Map<string, number[]>();
    await mapWithConcurrency(
      exporters,
      this.args.concurrency,
      async ({ cluster, pod }) => {
        const text = await this.scrape(connections.get(cluster), pod);
        if (!text) return;
        for (const sample of parseExposition(text)) {
          const value = DCGM_UTILIZATION_SCALE[sample.name]
            ? sample.value * DCGM_UTILIZATION_SCALE[sample.name]
            : undefined;
          // older exporters label the pod pod_name / pod_namespace
          const podName = sample.labels.pod ?? sample.labels.pod_name;
          const namespace =
            sample.labels.namespace ?? sample.labels.pod_namespace;
          if (value === undefined || !podName || !namespace) continue;
          const key = `${cluster}/${namespace}/${podName}`;
          byPod.set(key, [...(byPod.get(key) ?? []), value]);
        }
      },
    );
    // DCGM_FI_PROF_GR_ENGINE_ACTIVE and DCGM_FI_DEV_GPU_UTIL describe the same GPUs: average what is there
    return new Map(
      [...byPod].map(([k, values]) => [
        k,
        values.reduce((a, b) => a + b, 0) / values.length,
      ]),
    );
  }

  private async scrape(
    connection: ClusterConnection | undefined,
    pod: Json,
  ): Promise<string | undefined> {
    const port = metricsPort(pod);
    if (!connection || !port) return undefined;
    const server = connection.kubeConfig
      .getCurrentCluster()!
      .server.replace(/\/$/, '');
    const url = `${server}/api/v1/namespaces/${encodeURIComponent(
      pod.metadata.namespace,
    )}/pods/${encodeURIComponent(
      `${pod.metadata.name}:${port}`,
    )}/proxy/metrics`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.args.timeoutMs);
    try {
      const init = await connection.kubeConfig.applyToFetchOptions({});
      const response = await fetch(url, {
        ...init,
        signal: controller.signal as any,
      });
      if (!response.ok) {
        await response.text().catch(() => undefined);
        if (response.status === 401 || response.status === 403) {
          // a role without pods/proxy get: metrics would silently go missing while the cluster looks synced
          if (!this.refused.has(connection.name)) {
            this.refused.add(connection.name);
            this.args.logger.warn(
              `${connection.name} refused the metrics scrape through the pod proxy (${response.status}): grant get on pods/proxy (deploy/kubernetes/rbac/reader.yaml) or use inference.metrics.source prometheus`,
            );
          }
        }
        return undefined;
      }
      this.refused.delete(connection.name);
      return await response.text();
    } catch (error) {
      this.args.logger.debug(
        `Scraping ${pod.metadata.namespace}/${pod.metadata.name} failed: ${error}`,
      );
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
