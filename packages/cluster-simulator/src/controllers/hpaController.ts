/*
 * HorizontalPodAutoscaler (autoscaling/v2): every 15 s of simulated time,
 * compute a replica count from Resource, Pods and External metrics (the
 * latter served for KEDA), with the 10% tolerance, the default scale-up
 * policy (max of +4 pods or +100%), and the 300 s scale-down stabilization
 * window; write it through the scale subresource; report status, conditions
 * and SuccessfulRescale events as the controller does.
 */
import { RESOURCE_TYPES, ResourceType, resourceById } from '../api/resources';
import { updateScale } from '../api/scale';
import { MetricsProvider } from '../sim/metricsProvider';
import { KubeObject } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  parseQuantity,
  setCondition,
  splitKey,
} from './controller';
import { involvedOf } from './eventRecorder';

const HPAS = resourceById('autoscaling/horizontalpodautoscalers');
type Obj = Record<string, any>;

/** Resolves external metrics (KEDA registers itself here). @public */
export type ExternalMetricSource = (
  namespace: string,
  metricName: string,
  selector: Obj | undefined,
) => number | undefined;

function scaleTargetType(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find(r => r.kind === kind && r.scale);
}

interface Recommendation {
  at: number;
  replicas: number;
}

/** Runs HPAs. */
export class HpaController extends Controller {
  private readonly timers = new Set<string>();
  private readonly recommendations = new Map<string, Recommendation[]>();
  externalMetrics?: ExternalMetricSource;
  /** resolves the top-level workload of a scale target (set by the cluster) */
  topOwner: (namespace: string, kind: string, name: string) => string = (
    _ns,
    _kind,
    name,
  ) => name;

  constructor(
    ctx: ControllerContext,
    private readonly metrics: MetricsProvider,
  ) {
    super(ctx, 'horizontal-pod-autoscaler');
    this.watch(HPAS, e => {
      if (e.type === 'DELETED') {
        this.timers.delete(e.object.key);
        return undefined;
      }
      return e.object.key;
    });
  }

  private arm(key: string): void {
    if (this.timers.has(key)) return;
    this.timers.add(key);
    this.ctx.clock.setTimer(15_000, () => {
      this.timers.delete(key);
      if (this.ctx.store.table(HPAS).get(key)) this.enqueue(key);
    });
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const hpa = this.ctx.store.getObject(HPAS, namespace, name) as
      | Obj
      | undefined;
    if (!hpa) return;
    this.arm(key);
    const ref = hpa.spec.scaleTargetRef ?? {};
    const targetType = scaleTargetType(ref.kind);
    const target = targetType
      ? (this.ctx.store.getObject(targetType, namespace, ref.name) as
          | Obj
          | undefined)
      : undefined;
    const now = this.ctx.clock.nowIso();
    if (!targetType || !target) {
      this.writeStatus(
        hpa,
        undefined,
        [
          {
            type: 'AbleToScale',
            status: 'False',
            reason: 'FailedGetScale',
            message: `the HPA controller was unable to get the target's current scale: ${
              targetType
                ? `${targetType.plural}${
                    targetType.group ? `.${targetType.group}` : ''
                  }`
                : ref.kind
            } "${ref.name}" not found`,
          },
        ],
        now,
      );
      return;
    }
    const current: number = target.spec?.replicas ?? 1;
    const min: number = hpa.spec.minReplicas ?? 1;
    const max: number = hpa.spec.maxReplicas;
    if (current === 0 && min > 0) {
      this.writeStatus(
        hpa,
        { current, desired: 0, metrics: [] },
        [
          {
            type: 'AbleToScale',
            status: 'True',
            reason: 'SucceededGetScale',
            message:
              "the HPA controller was able to get the target's current scale",
          },
          {
            type: 'ScalingActive',
            status: 'False',
            reason: 'ScalingDisabled',
            message:
              'scaling is disabled since the replica count of the target is zero',
          },
        ],
        now,
      );
      return;
    }
    const workloadKey = `${namespace}/${this.topOwner(
      namespace,
      ref.kind,
      ref.name,
    )}`;
    const pods = this.metrics.workloadPods(workloadKey);
    let desired = 0;
    let reason = 'All metrics below target';
    const currentMetrics: Obj[] = [];
    let valid = false;
    for (const m of (hpa.spec.metrics ?? [
      {
        type: 'Resource',
        resource: {
          name: 'cpu',
          target: { type: 'Utilization', averageUtilization: 80 },
        },
      },
    ]) as Obj[]) {
      const r = this.evaluate(m, namespace, pods, current);
      if (!r) continue;
      valid = true;
      currentMetrics.push(r.status);
      if (r.replicas > desired) {
        desired = r.replicas;
        if (r.replicas > current) reason = `${r.label} above target`;
      }
    }
    if (!valid) {
      this.writeStatus(
        hpa,
        { current, desired: current, metrics: [] },
        [
          {
            type: 'AbleToScale',
            status: 'True',
            reason: 'SucceededGetScale',
            message:
              "the HPA controller was able to get the target's current scale",
          },
          {
            type: 'ScalingActive',
            status: 'False',
            reason: 'FailedGetResourceMetric',
            message:
              'the HPA was unable to compute the replica count: no metrics returned from resource metrics API',
          },
        ],
        now,
      );
      return;
    }
    const limited = Math.min(max, Math.max(min, desired));
    const scaleUpLimit = Math.max(current + 4, current * 2);
    let next = Math.min(limited, scaleUpLimit);
    // scale-down stabilization: act on the highest recommendation of the last 5 minutes
    const window = (this.recommendations.get(key) ?? []).filter(
      r => r.at > this.ctx.clock.now() - 300_000,
    );
    window.push({ at: this.ctx.clock.now(), replicas: next });
    this.recommendations.set(key, window);
    if (next < current)
      next = Math.min(current, Math.max(...window.map(r => r.replicas)));
    const conditions: Obj[] = [
      next !== current
        ? {
            type: 'AbleToScale',
            status: 'True',
            reason: 'SucceededRescale',
            message: `the HPA controller was able to update the target scale to ${next}`,
          }
        : {
            type: 'AbleToScale',
            status: 'True',
            reason: 'ReadyForNewScale',
            message: 'recommended size matches current size',
          },
      {
        type: 'ScalingActive',
        status: 'True',
        reason: 'ValidMetricFound',
        message: `the HPA was able to successfully calculate a replica count from ${
          currentMetrics[0] ? this.labelOf(currentMetrics[0]) : 'metrics'
        }`,
      },
      scalingLimited(desired, min, max),
    ];
    if (next !== current) {
      updateScale(
        this.ctx.api,
        targetType,
        namespace,
        ref.name,
        { patch: { type: 'merge', body: { spec: { replicas: next } } } },
        { manager: 'kube-controller-manager' },
      );
      this.ctx.events.record(
        involvedOf(hpa as KubeObject),
        'Normal',
        'SuccessfulRescale',
        `New size: ${next}; reason: ${
          next > current ? reason : 'All metrics below target'
        }`,
        { component: 'horizontal-pod-autoscaler' },
      );
    }
    this.writeStatus(
      hpa,
      {
        current,
        desired: next,
        metrics: currentMetrics,
        scaled: next !== current,
      },
      conditions,
      now,
    );
  }

  private labelOf(m: Obj): string {
    if (m.type === 'Resource')
      return `${m.resource.name} resource utilization (percentage of request)`;
    if (m.type === 'Pods') return `pods metric ${m.pods.metric.name}`;
    return `external metric ${m.external.metric.name}`;
  }

  private evaluate(
    m: Obj,
    namespace: string,
    pods: ReturnType<MetricsProvider['workloadPods']>,
    current: number,
  ): { replicas: number; status: Obj; label: string } | undefined {
    const ratioReplicas = (ratio: number, base: number) =>
      Math.abs(ratio - 1) <= 0.1 ? current : Math.ceil(base * ratio);
    if (m.type === 'Resource') {
      const resName = m.resource.name;
      if (pods.length === 0) return undefined;
      let usage = 0;
      let request = 0;
      for (const p of pods) {
        const pod = this.ctx.store.getObject(
          resourceById('core/pods'),
          p.namespace,
          p.name,
        ) as Obj | undefined;
        const req = ((pod?.spec?.containers ?? []) as Obj[]).reduce(
          (n, c) => n + parseQuantity(c.resources?.requests?.[resName] ?? 0),
          0,
        );
        request += resName === 'cpu' ? req * 1000 : req;
        usage +=
          resName === 'cpu'
            ? this.metrics.cpuMillicores(p)
            : this.metrics.memoryBytes(p);
      }
      const t = m.resource.target ?? {};
      if (t.type === 'Utilization' || t.averageUtilization !== undefined) {
        if (request === 0) return undefined;
        const util = Math.round((usage / request) * 100);
        return {
          replicas: ratioReplicas(util / t.averageUtilization, pods.length),
          status: {
            type: 'Resource',
            resource: {
              name: resName,
              current: {
                averageUtilization: util,
                averageValue:
                  resName === 'cpu'
                    ? `${Math.round(usage / pods.length)}m`
                    : String(Math.round(usage / pods.length)),
              },
            },
          },
          label: `${resName} resource utilization (percentage of request)`,
        };
      }
      const avg = usage / pods.length;
      const target =
        resName === 'cpu'
          ? parseQuantity(t.averageValue) * 1000
          : parseQuantity(t.averageValue);
      return {
        replicas: ratioReplicas(avg / target, pods.length),
        status: {
          type: 'Resource',
          resource: {
            name: resName,
            current: { averageValue: String(Math.round(avg)) },
          },
        },
        label: `${resName} resource`,
      };
    }
    if (m.type === 'Pods') {
      const metricName = m.pods.metric.name;
      const values = pods
        .map(p => this.metrics.podMetric(p, metricName))
        .filter((v): v is number => v !== undefined);
      if (values.length === 0) return undefined;
      const avg = values.reduce((a, b) => a + b, 0) / values.length;
      const target = parseQuantity(m.pods.target.averageValue);
      return {
        replicas: ratioReplicas(avg / target, values.length),
        status: {
          type: 'Pods',
          pods: {
            metric: { name: metricName },
            current: { averageValue: formatMetric(avg) },
          },
        },
        label: `pods metric ${metricName}`,
      };
    }
    if (m.type === 'External' && this.externalMetrics) {
      const metricName = m.external.metric.name;
      const value = this.externalMetrics(
        namespace,
        metricName,
        m.external.metric.selector,
      );
      if (value === undefined) return undefined;
      const t = m.external.target ?? {};
      const selector = m.external.metric.selector?.matchLabels ?? {};
      const label = `external metric ${metricName}(&LabelSelector{MatchLabels:map[string]string{${Object.entries(
        selector,
      )
        .map(([k, v]) => `${k}: ${v},`)
        .join('')}},MatchExpressions:[]LabelSelectorRequirement{},})`;
      if (t.type === 'Value') {
        return {
          replicas: ratioReplicas(value / parseQuantity(t.value), current),
          status: {
            type: 'External',
            external: {
              metric: {
                name: metricName,
                selector: m.external.metric.selector,
              },
              current: { value: formatMetric(value) },
            },
          },
          label,
        };
      }
      const target = parseQuantity(t.averageValue);
      const replicas =
        Math.abs(value / Math.max(1, current) / target - 1) <= 0.1
          ? current
          : Math.ceil(value / target);
      return {
        replicas,
        status: {
          type: 'External',
          external: {
            metric: { name: metricName, selector: m.external.metric.selector },
            current: {
              averageValue: formatMetric(value / Math.max(1, current)),
            },
          },
        },
        label,
      };
    }
    return undefined;
  }

  private writeStatus(
    hpa: Obj,
    s:
      | { current: number; desired: number; metrics: Obj[]; scaled?: boolean }
      | undefined,
    conditions: Obj[],
    now: string,
  ): void {
    this.ctx.api.mutate(
      HPAS,
      hpa.metadata.namespace,
      hpa.metadata.name,
      o => {
        const prev = ((o as Obj).status ?? {}) as Obj;
        const status: Obj = { observedGeneration: o.metadata!.generation };
        if (s?.scaled) status.lastScaleTime = now;
        else if (prev.lastScaleTime) status.lastScaleTime = prev.lastScaleTime;
        status.currentReplicas = s?.current ?? prev.currentReplicas ?? 0;
        status.desiredReplicas = s?.desired ?? prev.desiredReplicas ?? 0;
        if (s && s.metrics.length) status.currentMetrics = s.metrics;
        let conds = prev.conditions as Obj[] | undefined;
        for (const c of conditions)
          conds = setCondition(conds, c as never, now);
        status.conditions = conds;
        (o as Obj).status = status;
      },
      { subresource: 'status' },
    );
  }
}

function scalingLimited(desired: number, min: number, max: number): Obj {
  if (desired > max)
    return {
      type: 'ScalingLimited',
      status: 'True',
      reason: 'TooManyReplicas',
      message:
        'the desired replica count is more than the maximum replica count',
    };
  if (desired < min)
    return {
      type: 'ScalingLimited',
      status: 'True',
      reason: 'TooFewReplicas',
      message:
        'the desired replica count is less than the minimum replica count',
    };
  return {
    type: 'ScalingLimited',
    status: 'False',
    reason: 'DesiredWithinRange',
    message: 'the desired count is within the acceptable range',
  };
}

/** Formats a metric value as a Kubernetes quantity (milli-units below 1000). */
export function formatMetric(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return `${Math.round(v * 1000)}m`;
}
