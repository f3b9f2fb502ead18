/*
 * The HPA keda-operator generates for a ScaledObject (keda
 * controllers/keda/hpa.go newHPAForScaledObject and each scaler's
 * GetMetricSpecForScaling): one External metric `s<index>-<metric>` per
 * trigger with the trigger's `metricType` (default AverageValue) and its
 * threshold as target; cpu/memory triggers become Resource metrics
 * (metricType Utilization by default, or AverageValue); minReplicas is
 * minReplicaCount (at least 1), maxReplicas maxReplicaCount (default 100),
 * and advanced.horizontalPodAutoscalerConfig.behavior is passed through.
 * https://keda.sh/docs/2.16/reference/scaledobject-spec/#triggers
 */

type Obj = Record<string, any>;

/** keda-operator's default maxReplicaCount. */
export const DEFAULT_MAX_REPLICAS = 100;

/** What a scaler says about its metric (external scalers answer GetMetricSpec). @public */
export interface ScalerMetricSpec {
  /** the metric's base name, normalized into `s<index>-<name>` */
  metricName?: string;
  /** the target value when the trigger has no `threshold` (external scalers) */
  target?: number;
}

/** The HPA metric name KEDA gives trigger `index` (GenerateMetricNameWithIndex). */
export function kedaMetricName(index: number, base: string): string {
  return `s${index}-${base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')}`;
}

/** The metric type of a trigger (`triggers[].metricType`, KEDA's default AverageValue). */
export function triggerMetricType(
  trigger: Obj,
): 'AverageValue' | 'Value' | 'Utilization' {
  if (trigger.metricType) return trigger.metricType;
  return trigger.type === 'cpu' || trigger.type === 'memory'
    ? 'Utilization'
    : 'AverageValue';
}

/** The threshold a trigger scales on. */
export function triggerThreshold(
  trigger: Obj,
  spec?: ScalerMetricSpec,
): number {
  const m = trigger.metadata ?? {};
  if (trigger.type === 'cpu' || trigger.type === 'memory')
    return Number(m.value ?? 80);
  if (m.threshold !== undefined) return Number(m.threshold);
  return spec?.target ?? 1;
}

/** The HPA metrics of a ScaledObject's triggers. */
export function hpaMetricsFor(
  so: Obj,
  specOf: (trigger: Obj, index: number) => ScalerMetricSpec,
): Obj[] {
  const name = so.metadata.name;
  return ((so.spec.triggers ?? []) as Obj[]).map((t, i) => {
    const type = triggerMetricType(t);
    const spec = specOf(t, i);
    const threshold = triggerThreshold(t, spec);
    if (t.type === 'cpu' || t.type === 'memory') {
      return {
        type: 'Resource',
        resource: {
          name: t.type,
          target:
            type === 'Utilization'
              ? { type: 'Utilization', averageUtilization: threshold }
              : { type: 'AverageValue', averageValue: String(threshold) },
        },
      };
    }
    const target =
      type === 'Value'
        ? { type: 'Value', value: quantity(threshold) }
        : { type: 'AverageValue', averageValue: quantity(threshold) };
    return {
      type: 'External',
      external: {
        metric: {
          name: kedaMetricName(i, spec.metricName ?? t.type),
          selector: { matchLabels: { 'scaledobject.keda.sh/name': name } },
        },
        target,
      },
    };
  });
}

/** A threshold as the milli-quantity KEDA writes (GetMetricTargetMili). */
function quantity(v: number): string {
  const milli = Math.round(v * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** The HPA spec (scaleTargetRef, min/max, metrics, behavior). */
export function hpaSpecFor(so: Obj, metrics: Obj[]): Obj {
  const spec = so.spec;
  const target = spec.scaleTargetRef ?? {};
  const behavior = spec.advanced?.horizontalPodAutoscalerConfig?.behavior;
  return {
    scaleTargetRef: {
      apiVersion: target.apiVersion ?? 'apps/v1',
      kind: target.kind ?? 'Deployment',
      name: target.name,
    },
    minReplicas: Math.max(1, spec.minReplicaCount ?? 0),
    maxReplicas: spec.maxReplicaCount ?? DEFAULT_MAX_REPLICAS,
    metrics,
    ...(behavior ? { behavior } : {}),
  };
}
