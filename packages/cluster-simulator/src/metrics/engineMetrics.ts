/*
 * `/metrics` of Hugging Face TEI and TGI and NVIDIA Triton, with their real
 * metric names, driven by the traffic model.
 */
import { PodLife } from '../controllers/kubelet';
import { ACC, InferenceRuntime } from '../sim/inferenceRuntime';
import { ITL_BUCKETS, LATENCY_BUCKETS, TOKEN_BUCKETS } from './buckets';
import { Exposition, shapeFor } from './exposition';

/** Text Embeddings Inference `/metrics`. */
export function teiMetrics(runtime: InferenceRuntime, p: PodLife): string {
  const c = runtime.counters(p);
  const s = runtime.sample(p.workloadKey);
  const lat = runtime.latency(p.workloadKey);
  const e = new Exposition();
  e.counter(
    'te_request_count',
    'Total number of requests',
    { method: 'single' },
    Math.floor(c[ACC.requests]),
    false,
  );
  e.counter(
    'te_request_success',
    'Number of successful requests',
    { method: 'single' },
    Math.floor(c[ACC.served]),
    false,
  );
  e.gauge(
    'te_queue_size',
    'Number of requests waiting in the queue',
    {},
    Math.round(s.waiting * p.jitter),
  );
  const shape = shapeFor(
    LATENCY_BUCKETS.map(b => b / 100),
    lat?.ttft ?? 0.01,
    (lat?.ttft ?? 0.01) * 6,
  );
  e.histogram(
    'te_request_duration',
    'Request duration in seconds',
    {},
    shape,
    c[ACC.nNormal],
    c[ACC.nOverload],
    c[ACC.latencySum],
  );
  e.histogram(
    'te_request_input_length',
    'Input length in tokens',
    {},
    shapeFor(TOKEN_BUCKETS, 180, 180),
    c[ACC.nNormal],
    c[ACC.nOverload],
    c[ACC.promptTokens],
  );
  e.gauge(
    'te_batch_next_size',
    'Batch size of the next batch',
    {},
    Math.max(1, Math.round(s.running)),
  );
  return e.toString();
}

/** Text Generation Inference `/metrics`. */
export function tgiMetrics(runtime: InferenceRuntime, p: PodLife): string {
  const c = runtime.counters(p);
  const s = runtime.sample(p.workloadKey);
  const lat = runtime.latency(p.workloadKey);
  const e = new Exposition();
  e.counter(
    'tgi_request_count',
    'Number of requests',
    {},
    Math.floor(c[ACC.requests]),
    false,
  );
  e.counter(
    'tgi_request_success',
    'Number of successful requests',
    {},
    Math.floor(c[ACC.served]),
    false,
  );
  e.gauge(
    'tgi_queue_size',
    'Number of requests in the queue',
    {},
    Math.round(s.waiting * p.jitter),
  );
  e.gauge(
    'tgi_batch_current_size',
    'Current batch size',
    {},
    Math.round(s.running * p.jitter),
  );
  e.gauge(
    'tgi_batch_current_max_tokens',
    'Maximum tokens in the current batch',
    {},
    Math.round(s.running * 830),
  );
  if (lat) {
    e.histogram(
      'tgi_request_duration',
      'Request duration in seconds',
      {},
      shapeFor(LATENCY_BUCKETS, lat.e2e, lat.e2e * 4),
      c[ACC.nNormal],
      c[ACC.nOverload],
      c[ACC.latencySum],
    );
    e.histogram(
      'tgi_request_queue_duration',
      'Time in queue in seconds',
      {},
      shapeFor(LATENCY_BUCKETS, lat.queue, lat.queue * 60),
      c[ACC.nNormal],
      c[ACC.nOverload],
      c[ACC.queueSum],
    );
    e.histogram(
      'tgi_request_mean_time_per_token_duration',
      'Mean time per generated token in seconds',
      {},
      shapeFor(ITL_BUCKETS, lat.itl, lat.itl * 1.5),
      c[ACC.nNormal],
      c[ACC.nOverload],
      (c[ACC.nNormal] + c[ACC.nOverload]) * lat.itl,
    );
  }
  e.histogram(
    'tgi_request_input_length',
    'Input length in tokens',
    {},
    shapeFor(TOKEN_BUCKETS, 620, 620),
    c[ACC.nNormal],
    c[ACC.nOverload],
    c[ACC.promptTokens],
  );
  e.histogram(
    'tgi_request_generated_tokens',
    'Generated tokens',
    {},
    shapeFor(TOKEN_BUCKETS, 210, 210),
    c[ACC.nNormal],
    c[ACC.nOverload],
    c[ACC.genTokens],
  );
  return e.toString();
}

/** Triton Inference Server `/metrics` (port 8002). */
export function tritonMetrics(
  runtime: InferenceRuntime,
  p: PodLife,
  gpuUuids: string[],
): string {
  const c = runtime.counters(p);
  const s = runtime.sample(p.workloadKey);
  const e = new Exposition();
  const L = { model: p.plan.model ?? 'model', version: '1' };
  const us = 1e6;
  e.counter(
    'nv_inference_request_success',
    'Number of successful inference requests, all batch sizes',
    L,
    Math.floor(c[ACC.served]),
    false,
  );
  e.counter(
    'nv_inference_request_failure',
    'Number of failed inference requests, all batch sizes',
    L,
    Math.floor(c[ACC.aborted]),
    false,
  );
  e.counter(
    'nv_inference_count',
    'Number of inferences performed (does not include cached requests)',
    L,
    Math.floor(c[ACC.served] * 4),
    false,
  );
  e.counter(
    'nv_inference_exec_count',
    'Number of model executions performed (does not include cached requests)',
    L,
    Math.floor(c[ACC.served]),
    false,
  );
  e.counter(
    'nv_inference_request_duration_us',
    'Cumulative inference request duration in microseconds (includes cached requests)',
    L,
    Math.floor(c[ACC.latencySum] * us),
    false,
  );
  e.counter(
    'nv_inference_queue_duration_us',
    'Cumulative inference queuing duration in microseconds (includes cached requests)',
    L,
    Math.floor(c[ACC.queueSum] * us),
    false,
  );
  e.counter(
    'nv_inference_compute_input_duration_us',
    'Cumulative compute input duration in microseconds (does not include cached requests)',
    L,
    Math.floor(c[ACC.latencySum] * us * 0.05),
    false,
  );
  e.counter(
    'nv_inference_compute_infer_duration_us',
    'Cumulative compute inference duration in microseconds (does not include cached requests)',
    L,
    Math.floor(c[ACC.latencySum] * us * 0.85),
    false,
  );
  e.counter(
    'nv_inference_compute_output_duration_us',
    'Cumulative inference compute output duration in microseconds (does not include cached requests)',
    L,
    Math.floor(c[ACC.latencySum] * us * 0.05),
    false,
  );
  e.gauge(
    'nv_inference_pending_request_count',
    'Instantaneous number of pending requests awaiting execution per-model.',
    L,
    Math.round(s.waiting),
  );
  const mem = (p.plan.gpu?.memoryMiB ?? 16000) * 1024 * 1024;
  for (const uuid of gpuUuids) {
    const G = { gpu_uuid: uuid };
    e.gauge(
      'nv_gpu_utilization',
      'GPU utilization rate [0.0 - 1.0)',
      G,
      Math.min(0.99, 0.005 + 0.95 * s.utilization),
    );
    e.gauge('nv_gpu_memory_total_bytes', 'GPU total memory, in bytes', G, mem);
    e.gauge(
      'nv_gpu_memory_used_bytes',
      'GPU used memory, in bytes',
      G,
      Math.round(mem * 0.12),
    );
    e.gauge(
      'nv_gpu_power_usage',
      'GPU power usage in watts',
      G,
      (p.plan.gpu?.idleW ?? 10) +
        s.utilization * ((p.plan.gpu?.tdpW ?? 70) - (p.plan.gpu?.idleW ?? 10)),
    );
    e.gauge(
      'nv_gpu_power_limit',
      'GPU power management limit in watts',
      G,
      p.plan.gpu?.tdpW ?? 70,
    );
  }
  e.gauge(
    'nv_cpu_utilization',
    'CPU utilization rate [0.0 - 1.0]',
    {},
    Math.min(1, 0.02 + s.utilization * 0.3),
  );
  return e.toString();
}
