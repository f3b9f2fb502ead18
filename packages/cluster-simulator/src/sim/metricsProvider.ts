/*
 * Metric values as autoscalers and metrics.k8s.io see them: per-pod CPU and
 * memory usage, per-pod custom metrics (vLLM, TEI, Triton, TGI, DCGM names),
 * for the HPA and the metrics.k8s.io endpoint. PromQL queries (KEDA's
 * prometheus scaler) are answered by the cluster's simulated Prometheus
 * (metrics/promql), from what the pods' /metrics endpoints expose.
 */
import { PodLife } from '../controllers/kubelet';
import { InferenceRuntime } from './inferenceRuntime';

/** Per-pod usage and metric lookups. @public */
export class MetricsProvider {
  constructor(
    private readonly runtime: InferenceRuntime,
    private readonly podsOf: (workloadKey: string) => Iterable<PodLife>,
  ) {}

  /** CPU usage of a pod, millicores. */
  cpuMillicores(p: PodLife): number {
    const s = this.runtime.sample(p.workloadKey);
    const ready = p.state.phase === 'ready';
    const u = ready ? s.utilization : 0;
    switch (p.plan.engine) {
      case 'vllm':
      case 'tgi':
        return Math.round((ready ? 1000 : 700) + 600 * u * p.jitter);
      case 'tei':
        return Math.round(300 + 3500 * u * p.jitter);
      case 'triton':
        return Math.round(200 + 1500 * u * p.jitter);
      case 'dcgm':
        return 22;
      default:
        return 4;
    }
  }

  /** Memory working set of a pod, bytes. */
  memoryBytes(p: PodLife): number {
    const gi = 1024 ** 3;
    switch (p.plan.engine) {
      case 'vllm':
      case 'tgi':
        return Math.round((6 + 0.02 * (p.plan.memory?.weightsGiB ?? 10)) * gi);
      case 'tei':
        return Math.round(1.6 * gi);
      case 'triton':
        return Math.round(3.1 * gi);
      case 'dcgm':
        return 180 * 1024 ** 2;
      default:
        return 28 * 1024 ** 2;
    }
  }

  /** A per-pod metric by its Prometheus name, or undefined for unknown names. */
  podMetric(p: PodLife, name: string): number | undefined {
    if (p.state.phase !== 'ready') return undefined;
    const s = this.runtime.sample(p.workloadKey);
    const j = p.jitter;
    switch (name) {
      case 'vllm:num_requests_waiting':
      case 'te_queue_size':
      case 'tgi_queue_size':
      case 'nv_inference_pending_request_count':
        return s.waiting * j;
      case 'vllm:num_requests_running':
      case 'tgi_batch_current_size':
        return s.running * j;
      case 'vllm:kv_cache_usage_perc':
      case 'vllm:gpu_cache_usage_perc':
        return Math.min(1, s.kvUsage * j);
      case 'DCGM_FI_DEV_GPU_UTIL':
        return Math.min(100, (0.005 + 0.95 * s.utilization) * 100 * j);
      case 'requests_per_second':
        return s.rps * j;
      default:
        return undefined;
    }
  }

  /** Ready pods of a workload (`namespace/topOwnerName`). */
  workloadPods(workloadKey: string): PodLife[] {
    const out: PodLife[] = [];
    for (const p of this.podsOf(workloadKey))
      if (p.state.phase === 'ready') out.push(p);
    return out;
  }

  /** Every pod the kubelet runs for a workload, serving or not. */
  allPods(workloadKey: string): Iterable<PodLife> {
    return this.podsOf(workloadKey);
  }
}
