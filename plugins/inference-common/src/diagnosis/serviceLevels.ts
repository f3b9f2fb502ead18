import { Finding } from './types';

/**
 * Error-rate threshold used when none is configured: 1% of finished requests failing.
 *
 * @public
 */
export const DEFAULT_ERROR_RATE_THRESHOLD = 0.01;

/**
 * Minutes of samples a service-level finding looks at by default.
 *
 * @public
 */
export const DEFAULT_SLO_WINDOW_MINUTES = 5;

/**
 * One sampling of a workload's serving metrics (the sampler's interval, summed over its pods).
 *
 * @public
 */
export interface ServiceLevelSample {
  /** ISO timestamp or epoch milliseconds. */
  t: string | number;
  /** TTFT p95 of the interval (the worst pod's), in seconds. */
  ttftP95Seconds?: number;
  /** Failed / all finished requests of the interval, 0..1; absent when nothing finished. */
  errorRate?: number;
}

/**
 * The objectives a workload is held to.
 *
 * @public
 */
export interface ServiceLevelObjectives {
  /** TTFT p95 objective in ms (the entity's `inference-platform.io/slo-ttft-p95-ms`); none: not checked. */
  ttftP95Ms?: number;
  /** Error-rate threshold, 0..1. */
  errorRate: number;
  /** Whether the threshold is the built-in default or set in config (`inference.slo.errorRateThreshold`). */
  errorRateSource: 'default' | 'config';
}

/**
 * Input of {@link diagnoseServiceLevels}.
 *
 * @public
 */
export interface ServiceLevelInput {
  samples: readonly ServiceLevelSample[];
  objectives: ServiceLevelObjectives;
  /** Minutes before `now` that count; default {@link DEFAULT_SLO_WINDOW_MINUTES}. */
  windowMinutes?: number;
  /** Evaluation time; default the newest sample. */
  now?: string | number;
}

const ms = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function seconds(value: number): string {
  return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(2)} s`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`;
}

function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 19);
}

/**
 * Service-level findings of a workload from its recent samples: TTFT p95 above the entity's objective (median of the
 * window's samples, so one slow interval does not raise it) and an error rate above the threshold (mean of the
 * window's samples that finished requests). Each finding states the value, the target and the window.
 *
 * @public
 */
export function diagnoseServiceLevels(input: ServiceLevelInput): Finding[] {
  const times = input.samples.map(s => ms(s.t)).filter(Number.isFinite);
  if (times.length === 0) return [];
  const now = input.now !== undefined ? ms(input.now) : Math.max(...times);
  const minutes = input.windowMinutes ?? DEFAULT_SLO_WINDOW_MINUTES;
  const recent = input.samples
    .map(s => ({ ...s, at: ms(s.t) }))
    .filter(s => s.at <= now && s.at > now - minutes * 60_000)
    .sort((a, b) => a.at - b.at);
  const findings: Finding[] = [];
  const window = `${minutes}m`;

  const ttftMs = input.objectives.ttftP95Ms;
  const ttft = recent.filter(s => s.ttftP95Seconds !== undefined);
  if (ttftMs && ttft.length > 0) {
    const values = ttft.map(s => s.ttftP95Seconds!);
    const value = median(values);
    const target = ttftMs / 1000;
    if (value > target) {
      const from = ttft[0].at;
      const to = ttft[ttft.length - 1].at;
      const latest = values[values.length - 1];
      findings.push({
        id: 'ttft-slo-breached',
        kind: 'ttft-slo-breached',
        severity: 'warning',
        title: 'TTFT p95 above its objective',
        summary: `Time to first token p95 is ${seconds(
          value,
        )} against the objective of ${seconds(target)} (${(
          value / target
        ).toFixed(1)}x) over the last ${minutes} minutes.`,
        fix: `Prompts wait before their first token: add replicas (lower the autoscaler's target or raise its maxReplicas) so each replica prefills fewer prompts at once, and enable chunked prefill (--enable-chunked-prefill) so long prompts do not hold back short ones. If the queue-depth figure is 0 while TTFT is high, prefill itself is slow: a smaller --max-num-batched-tokens or a faster GPU brings it under ${seconds(
          target,
        )}.`,
        evidence: [
          {
            source: 'metric',
            text: `TTFT p95 ${seconds(value)} (median of ${
              values.length
            } samples from ${clock(from)} to ${clock(to)} UTC, latest ${seconds(
              latest,
            )}) against the objective ${seconds(
              target,
            )} (inference-platform.io/slo-ttft-p95-ms)`,
            at: new Date(to).toISOString(),
            facts: {
              valueSeconds: Math.round(value * 1000) / 1000,
              targetSeconds: target,
              window,
              samples: values.length,
              latestSeconds: Math.round(latest * 1000) / 1000,
              from: new Date(from).toISOString(),
              to: new Date(to).toISOString(),
            },
          },
        ],
      });
    }
  }

  const errors = recent.filter(s => s.errorRate !== undefined);
  const threshold = input.objectives.errorRate;
  if (errors.length > 0) {
    const value = errors.reduce((a, s) => a + s.errorRate!, 0) / errors.length;
    if (value > threshold) {
      const from = errors[0].at;
      const to = errors[errors.length - 1].at;
      const label =
        input.objectives.errorRateSource === 'default'
          ? 'default threshold; set inference.slo.errorRateThreshold to change it'
          : 'inference.slo.errorRateThreshold';
      findings.push({
        id: 'error-rate-high',
        kind: 'error-rate-high',
        severity: 'warning',
        title: 'Error rate above its threshold',
        summary: `${percent(
          value,
        )} of finished requests failed over the last ${minutes} minutes, against ${percent(
          threshold,
        )} (${
          input.objectives.errorRateSource === 'default'
            ? 'the default threshold'
            : 'the configured threshold'
        }).`,
        fix: `Read the failed requests in the server's log (kubectl logs): requests longer than --max-model-len and malformed requests are the clients'; aborted requests and 5xx under load mean the replicas are saturated (add replicas), and 5xx right after a restart point at the health findings above.`,
        evidence: [
          {
            source: 'metric',
            text: `error rate ${percent(value)} (mean of ${
              errors.length
            } samples from ${clock(from)} to ${clock(
              to,
            )} UTC) against ${percent(threshold)} (${label})`,
            at: new Date(to).toISOString(),
            facts: {
              value: Math.round(value * 10_000) / 10_000,
              target: threshold,
              targetSource: input.objectives.errorRateSource,
              window,
              samples: errors.length,
              from: new Date(from).toISOString(),
              to: new Date(to).toISOString(),
            },
          },
        ],
      });
    }
  }
  return findings;
}
