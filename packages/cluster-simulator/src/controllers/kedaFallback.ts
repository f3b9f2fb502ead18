/*
 * KEDA's fallback, as keda pkg/fallback/fallback.go (KEDA 2.16) does it in
 * the metrics adapter: each HPA request counts the scaler's consecutive
 * failures per metric in status.health; once they exceed
 * fallback.failureThreshold the adapter answers threshold × fallback.replicas
 * instead of an error, so the HPA computes fallback.replicas. Fallback only
 * applies to metrics of type AverageValue (isFallbackEnabled); a Value
 * trigger keeps failing.
 * https://keda.sh/docs/2.16/reference/scaledobject-spec/#fallback
 */

type Obj = Record<string, any>;

/** status.health entry of one metric. @public */
export interface HealthStatus {
  numberOfFailures: number;
  status: 'Happy' | 'Failing';
}

/** The adapter's answer for one metric request. */
export type AdapterAnswer =
  | { value: number; fallback: boolean }
  | { error: string };

/** isFallbackEnabled: fallback set and the metric's target type AverageValue. */
export function fallbackEnabled(so: Obj, hpaMetric: Obj | undefined): boolean {
  return (
    !!so.spec.fallback &&
    hpaMetric?.type === 'External' &&
    hpaMetric.external?.target?.type === 'AverageValue'
  );
}

/** GetMetricsWithFallback: the next health and the adapter's answer. */
export function metricWithFallback(opts: {
  so: Obj;
  hpaMetric: Obj | undefined;
  health: HealthStatus | undefined;
  reading: { value: number } | { error: string };
  threshold: number;
}): { health: HealthStatus; answer: AdapterAnswer } {
  if ('value' in opts.reading)
    return {
      health: { numberOfFailures: 0, status: 'Happy' },
      answer: { value: opts.reading.value, fallback: false },
    };
  const health: HealthStatus = {
    numberOfFailures: (opts.health?.numberOfFailures ?? 0) + 1,
    status: 'Failing',
  };
  const fb = opts.so.spec.fallback;
  const valid =
    fb && Number(fb.failureThreshold) >= 0 && Number(fb.replicas) >= 0;
  if (
    fallbackEnabled(opts.so, opts.hpaMetric) &&
    valid &&
    health.numberOfFailures > Number(fb.failureThreshold)
  )
    return {
      health,
      answer: {
        // doFallback: the target average times the fallback replicas
        value: Math.trunc(opts.threshold) * Number(fb.replicas),
        fallback: true,
      },
    };
  return { health, answer: { error: opts.reading.error } };
}

/** fallbackExistsInScaledObject: a failing metric past the threshold. */
export function fallbackActive(
  so: Obj,
  health: Record<string, HealthStatus>,
  hpaMetrics: Obj[],
): boolean {
  const fb = so.spec.fallback;
  if (!fb || !hpaMetrics.some(m => fallbackEnabled(so, m))) return false;
  return Object.values(health).some(
    h =>
      h.status === 'Failing' &&
      h.numberOfFailures > Number(fb.failureThreshold),
  );
}
