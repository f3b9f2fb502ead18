import { ServingRuntime } from '@inference-platform/plugin-inference-common';
import {
  ExpositionSample,
  histogramBuckets,
  meanOf,
  quantileOfIncrease,
  sumOf,
} from './exposition';

/** Counters and gauges of one serving pod at one scrape. Counters are cumulative. */
export interface PodSnapshot {
  t: number;
  requests?: number;
  failures?: number;
  promptTokens?: number;
  generationTokens?: number;
  running?: number;
  waiting?: number;
  kvCacheUsage?: number;
  ttftBuckets?: Map<number, number>;
  /** 0..1, when the runtime reports it (Triton). */
  gpuUtilization?: number;
}

/** What one pod did over an interval. */
export interface PodInterval {
  seconds: number;
  requests: number;
  failures: number;
  promptTokens: number;
  generationTokens: number;
  running?: number;
  waiting?: number;
  kvCacheUsage?: number;
  ttftP95Seconds?: number;
  gpuUtilization?: number;
}

/** Reads the serving metrics of a runtime from its exposition, current names first, then deprecated ones. */
export function readPodSnapshot(
  runtime: ServingRuntime | undefined,
  samples: ExpositionSample[],
  t: number,
): PodSnapshot {
  switch (runtime) {
    case 'triton': {
      const success = sumOf(samples, ['nv_inference_request_success']);
      return {
        t,
        requests: success,
        failures: sumOf(samples, ['nv_inference_request_failure']),
        waiting: sumOf(samples, ['nv_inference_pending_request_count']),
        gpuUtilization: meanOf(samples, ['nv_gpu_utilization']),
      };
    }
    case 'tei': {
      const count = sumOf(samples, ['te_request_count']);
      const success = sumOf(samples, ['te_request_success']);
      return {
        t,
        requests: success ?? count,
        failures:
          count !== undefined && success !== undefined
            ? count - success
            : undefined,
        promptTokens: sumOf(samples, ['te_request_input_length_sum']),
        waiting: sumOf(samples, ['te_queue_size']),
      };
    }
    case 'tgi': {
      const count = sumOf(samples, ['tgi_request_count']);
      const success = sumOf(samples, ['tgi_request_success']);
      return {
        t,
        requests: success ?? count,
        failures:
          count !== undefined && success !== undefined
            ? count - success
            : undefined,
        promptTokens: sumOf(samples, ['tgi_request_input_length_sum']),
        generationTokens: sumOf(samples, ['tgi_request_generated_tokens_sum']),
        running: sumOf(samples, ['tgi_batch_current_size']),
        waiting: sumOf(samples, ['tgi_queue_size']),
      };
    }
    default: {
      const finished = samples.filter(
        s => s.name === 'vllm:request_success_total',
      );
      return {
        t,
        requests: finished.length
          ? finished
              .filter(s => s.labels.finished_reason !== 'abort')
              .reduce((a, s) => a + s.value, 0)
          : undefined,
        // vLLM has no failure counter; aborted requests are the ones that did not complete
        failures: finished.length
          ? finished
              .filter(s => s.labels.finished_reason === 'abort')
              .reduce((a, s) => a + s.value, 0)
          : undefined,
        promptTokens: sumOf(samples, ['vllm:prompt_tokens_total']),
        generationTokens: sumOf(samples, ['vllm:generation_tokens_total']),
        running: sumOf(samples, ['vllm:num_requests_running']),
        waiting: sumOf(samples, ['vllm:num_requests_waiting']),
        kvCacheUsage: meanOf(samples, [
          'vllm:kv_cache_usage_perc',
          'vllm:gpu_cache_usage_perc',
        ]),
        ttftBuckets: histogramBuckets(
          samples,
          'vllm:time_to_first_token_seconds',
        ),
      };
    }
  }
}

// a counter that went down was reset by a restart: count from zero
function increase(
  before: number | undefined,
  after: number | undefined,
): number {
  if (after === undefined) return 0;
  if (before === undefined || after < before)
    return before === undefined ? 0 : after;
  return after - before;
}

/** The interval between two scrapes of the same pod (no previous scrape: gauges only, counters unknown = 0). */
export function podInterval(
  previous: PodSnapshot | undefined,
  current: PodSnapshot,
): PodInterval {
  const failures = increase(previous?.failures, current.failures);
  return {
    seconds: previous ? Math.max(0, (current.t - previous.t) / 1000) : 0,
    requests: increase(previous?.requests, current.requests),
    failures,
    promptTokens: increase(previous?.promptTokens, current.promptTokens),
    generationTokens: increase(
      previous?.generationTokens,
      current.generationTokens,
    ),
    running: current.running,
    waiting: current.waiting,
    kvCacheUsage: current.kvCacheUsage,
    ttftP95Seconds:
      current.ttftBuckets && current.ttftBuckets.size > 0 && previous
        ? quantileOfIncrease(previous.ttftBuckets, current.ttftBuckets, 0.95)
        : undefined,
    gpuUtilization: current.gpuUtilization,
  };
}
