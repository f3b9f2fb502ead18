/*
 * vLLM's `/metrics`, with the current metric names and the deprecated ones a
 * version still emitting them would show (reference/metrics.json), driven by
 * the traffic model.
 */
import { PodLife } from '../controllers/kubelet';
import { ACC, InferenceRuntime } from '../sim/inferenceRuntime';
import {
  ITL_BUCKETS,
  LATENCY_BUCKETS,
  TOKEN_BUCKETS,
  TTFT_BUCKETS,
} from './buckets';
import { Exposition, shapeFor } from './exposition';

/** vLLM `/metrics` for a ready pod. */
export function vllmMetrics(runtime: InferenceRuntime, p: PodLife): string {
  const c = runtime.counters(p);
  const s = runtime.sample(p.workloadKey);
  const lat = runtime.latency(p.workloadKey);
  const w = runtime.workloadOf(p);
  const names = w?.profile.metricNames ?? 'both';
  const current = names !== 'legacy';
  const legacy = names !== 'current';
  const model = p.plan.model ?? 'unknown';
  const L = { engine: '0', model_name: model };
  const e = new Exposition();
  const j = p.jitter;
  e.gauge(
    'vllm:num_requests_running',
    'Number of requests in model execution batches.',
    L,
    Math.round(s.running * j),
  );
  e.gauge(
    'vllm:num_requests_waiting',
    'Number of requests waiting to be processed.',
    L,
    Math.round(s.waiting * j),
  );
  if (current)
    e.gauge(
      'vllm:kv_cache_usage_perc',
      'KV-cache usage. 1 means 100 percent usage.',
      L,
      Math.min(1, s.kvUsage * j),
    );
  if (legacy) {
    e.gauge(
      'vllm:gpu_cache_usage_perc',
      'GPU KV-cache usage. 1 means 100 percent usage. DEPRECATED: Use vllm:kv_cache_usage_perc instead.',
      L,
      Math.min(1, s.kvUsage * j),
    );
    e.gauge(
      'vllm:num_requests_swapped',
      'Number of requests swapped to CPU. DEPRECATED: KV cache offloading is not used in V1.',
      L,
      0,
    );
    e.gauge(
      'vllm:cpu_cache_usage_perc',
      'CPU KV-cache usage. 1 means 100 percent usage. DEPRECATED: KV cache offloading is not used in V1.',
      L,
      0,
    );
  }
  if (current) {
    e.counter(
      'vllm:prefix_cache_queries',
      'Prefix cache queries, in terms of number of queried tokens.',
      L,
      Math.floor(c[ACC.prefixQueries]),
    );
    e.counter(
      'vllm:prefix_cache_hits',
      'Prefix cache hits, in terms of number of cached tokens.',
      L,
      Math.floor(c[ACC.prefixHits]),
    );
  }
  if (legacy) {
    e.counter(
      'vllm:gpu_prefix_cache_queries',
      'GPU prefix cache queries, in terms of number of queried tokens. DEPRECATED: Use vllm:prefix_cache_queries instead.',
      L,
      Math.floor(c[ACC.prefixQueries]),
    );
    e.counter(
      'vllm:gpu_prefix_cache_hits',
      'GPU prefix cache hits, in terms of number of cached tokens. DEPRECATED: Use vllm:prefix_cache_hits instead.',
      L,
      Math.floor(c[ACC.prefixHits]),
    );
    e.gauge(
      'vllm:gpu_prefix_cache_hit_rate',
      'GPU prefix cache block hit rate. DEPRECATED.',
      L,
      c[ACC.prefixQueries] > 0 ? c[ACC.prefixHits] / c[ACC.prefixQueries] : 0,
    );
  }
  e.counter(
    'vllm:prompt_tokens',
    'Number of prefill tokens processed.',
    L,
    Math.floor(c[ACC.promptTokens]),
  );
  e.counter(
    'vllm:generation_tokens',
    'Number of generation tokens processed.',
    L,
    Math.floor(c[ACC.genTokens]),
  );
  const served = c[ACC.served];
  const lengthStops = Math.floor(c[ACC.lengthStops]);
  e.family(
    'vllm:request_success',
    'counter',
    'Count of successfully processed requests.',
  );
  e.sample(
    'vllm:request_success_total',
    { ...L, finished_reason: 'stop' },
    Math.max(0, Math.floor(served) - lengthStops),
  );
  e.sample(
    'vllm:request_success_total',
    { ...L, finished_reason: 'length' },
    lengthStops,
  );
  e.sample(
    'vllm:request_success_total',
    { ...L, finished_reason: 'abort' },
    Math.floor(c[ACC.aborted]),
  );
  const n1 = c[ACC.nNormal];
  const n2 = c[ACC.nOverload];
  const prompt = w?.promptTokens ?? 600;
  const gen = w?.genTokens ?? 200;
  e.histogram(
    'vllm:request_prompt_tokens',
    'Number of prefill tokens processed.',
    L,
    shapeFor(TOKEN_BUCKETS, prompt, prompt),
    n1,
    n2,
    c[ACC.promptTokens],
  );
  e.histogram(
    'vllm:request_generation_tokens',
    'Number of generation tokens processed.',
    L,
    shapeFor(TOKEN_BUCKETS, gen, gen),
    n1,
    n2,
    c[ACC.genTokens],
  );
  if (lat) {
    const ttft = shapeFor(
      TTFT_BUCKETS,
      lat.ttft,
      lat.ttft * lat.overloadFactor * 2,
    );
    const itl = shapeFor(ITL_BUCKETS, lat.itl, lat.itl * 1.5);
    const e2e = shapeFor(
      LATENCY_BUCKETS,
      lat.e2e,
      lat.e2e * lat.overloadFactor,
    );
    const queue = shapeFor(LATENCY_BUCKETS, lat.queue, lat.queue * 60);
    const tokensN = n1 * gen;
    const tokensO = n2 * gen;
    e.histogram(
      'vllm:time_to_first_token_seconds',
      'Histogram of time to first token in seconds.',
      L,
      ttft,
      n1,
      n2,
      c[ACC.ttftSum],
    );
    if (current)
      e.histogram(
        'vllm:inter_token_latency_seconds',
        'Histogram of inter-token latency in seconds.',
        L,
        itl,
        tokensN,
        tokensO,
        c[ACC.itlSum],
      );
    if (legacy)
      e.histogram(
        'vllm:time_per_output_token_seconds',
        'Histogram of time per output token in seconds. DEPRECATED: Use vllm:inter_token_latency_seconds instead.',
        L,
        itl,
        tokensN,
        tokensO,
        c[ACC.itlSum],
      );
    e.histogram(
      'vllm:e2e_request_latency_seconds',
      'Histogram of e2e request latency in seconds.',
      L,
      e2e,
      n1,
      n2,
      c[ACC.latencySum],
    );
    e.histogram(
      'vllm:request_queue_time_seconds',
      'Histogram of time spent in WAITING phase for request.',
      L,
      queue,
      n1,
      n2,
      c[ACC.queueSum],
    );
    e.histogram(
      'vllm:request_prefill_time_seconds',
      'Histogram of time spent in PREFILL phase for request.',
      L,
      ttft,
      n1,
      n2,
      c[ACC.ttftSum] * 0.8,
    );
    e.histogram(
      'vllm:request_decode_time_seconds',
      'Histogram of time spent in DECODE phase for request.',
      L,
      e2e,
      n1,
      n2,
      c[ACC.itlSum],
    );
  }
  const mem = p.plan.memory;
  e.gauge(
    'vllm:cache_config_info',
    'Information of the LLMEngine CacheConfig',
    {
      block_size: '16',
      cache_dtype: 'auto',
      enable_prefix_caching: 'True',
      gpu_memory_utilization: String(p.plan.gpuMemoryUtilization),
      num_cpu_blocks: '0',
      num_gpu_blocks: String(Math.floor((mem?.kvTokens ?? 0) / 16)),
      engine: '0',
    },
    1,
  );
  e.gauge(
    'vllm:lora_requests_info',
    'Running stats on lora requests.',
    { max_lora: '0', running_lora_adapters: '', waiting_lora_adapters: '' },
    Date.now() / 1000,
  );
  return e.toString();
}
