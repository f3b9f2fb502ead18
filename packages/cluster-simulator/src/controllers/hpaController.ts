/*
 * HorizontalPodAutoscaler (autoscaling/v2) wiring: every 15 s of simulated
 * time (--horizontal-pod-autoscaler-sync-period) read the scale target and
 * its pods, compute a proposal per metric with the replica calculator
 * (hpaReplicaCalculator.ts), take the highest, normalize it with the
 * stabilization windows and scaling policies (hpaBehavior.ts), write it
 * through the scale subresource, and report status, conditions and
 * SuccessfulRescale events as pkg/controller/podautoscaler/horizontal.go
 * (reconcileAutoscaler, computeReplicasForMetrics) does.
 */
import { compileLabelSelector } from '../api/labelSelector';
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
import { PodLife } from './kubelet';
import {
  Recommendation,
  ScaleEvent,
  normalizeWithBehavior,
  normalizeWithoutBehavior,
} from './hpaBehavior';
import {
  CalculatorPod,
  Proposal,
  averageValueReplicas,
  externalAverageValueReplicas,
  externalValueReplicas,
  resourceUtilizationReplicas,
} from './hpaReplicaCalculator';

const HPAS = resourceById('autoscaling/horizontalpodautoscalers');
const PODS = resourceById('core/pods');
type Obj = Record<string, any>;

/** The HPA sync period (kube-controller-manager default). */
const SYNC_PERIOD_MS = 15_000;

/** Resolves external metrics (KEDA registers itself here); undefined = the metrics API failed. @public */
export type ExternalMetricSource = (
  namespace: string,
  metricName: string,
  selector: Obj | undefined,
) => number | undefined;

function scaleTargetType(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find(r => r.kind === kind && r.scale);
}

/** Milli-units of a quantity, as Quantity.MilliValue() rounds them up. */
function milli(q: unknown): number {
  return Math.ceil(parseQuantity((q ?? 0) as string | number) * 1000);
}

/** A pod of the scale target with its requests and the kubelet's view of it. */
interface TargetPod extends CalculatorPod {
  requests: Record<string, number>;
  life?: PodLife;
}

interface MetricOutcome {
  proposal: Proposal;
  status: Obj;
  label: string;
}

const ABLE_TO_GET = {
  type: 'AbleToScale',
  status: 'True',
  reason: 'SucceededGetScale',
  message: "the HPA controller was able to get the target's current scale",
};

/** Runs HPAs. */
export class HpaController extends Controller {
  private readonly timers = new Set<string>();
  private readonly generations = new Map<string, number>();
  private readonly recommendations = new Map<string, Recommendation[]>();
  private readonly scaleEvents = new Map<
    string,
    { up: ScaleEvent[]; down: ScaleEvent[] }
  >();
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
    // like the controller's rate-limited queue, an HPA is synced once per
    // period; only a new HPA or a spec change (generation) syncs it at once
    this.watch(HPAS, e => {
      const key = e.object.key;
      if (e.type === 'DELETED') {
        this.timers.delete(key);
        this.recommendations.delete(key);
        this.scaleEvents.delete(key);
        this.generations.delete(key);
        return undefined;
      }
      const generation = generationOf(e.object.json);
      if (this.generations.get(key) === generation) return undefined;
      this.generations.set(key, generation);
      return key;
    });
  }

  private arm(key: string): void {
    if (this.timers.has(key)) return;
    this.timers.add(key);
    this.ctx.clock.setTimer(SYNC_PERIOD_MS, () => {
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
          ABLE_TO_GET,
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
    let desired: number;
    let reason: string;
    let currentMetrics: Obj[] = [];
    const conditions: Obj[] = [];
    if (current > max) {
      desired = max;
      reason = 'Current number of replicas above Spec.MaxReplicas';
    } else if (current < min) {
      desired = min;
      reason = 'Current number of replicas below Spec.MinReplicas';
    } else {
      const computed = this.computeReplicasForMetrics(
        hpa,
        target,
        namespace,
        current,
      );
      if ('error' in computed) {
        this.writeStatus(
          hpa,
          { current, desired: current, metrics: computed.metrics },
          [
            ABLE_TO_GET,
            {
              type: 'ScalingActive',
              status: 'False',
              reason: computed.reason,
              message: computed.error,
            },
          ],
          now,
        );
        return;
      }
      currentMetrics = computed.metrics;
      reason =
        computed.replicas > current
          ? `${computed.label} above target`
          : 'All metrics below target';
      const normalized = this.normalize(
        key,
        hpa,
        current,
        computed.replicas,
        min,
        max,
      );
      desired = normalized.replicas;
      conditions.push(
        {
          type: 'AbleToScale',
          status: 'True',
          ...normalized.ableToScale,
        },
        {
          type: 'ScalingActive',
          status: 'True',
          reason: 'ValidMetricFound',
          message: `the HPA was able to successfully calculate a replica count from ${computed.firstLabel}`,
        },
        { type: 'ScalingLimited', ...normalized.limited },
      );
    }
    if (desired !== current) {
      updateScale(
        this.ctx.api,
        targetType,
        namespace,
        ref.name,
        { patch: { type: 'merge', body: { spec: { replicas: desired } } } },
        { manager: 'kube-controller-manager' },
      );
      this.recordScaleEvent(key, current, desired);
      conditions.unshift({
        type: 'AbleToScale',
        status: 'True',
        reason: 'SucceededRescale',
        message: `the HPA controller was able to update the target scale to ${desired}`,
      });
      this.ctx.events.record(
        involvedOf(hpa as KubeObject),
        'Normal',
        'SuccessfulRescale',
        `New size: ${desired}; reason: ${reason}`,
        { component: 'horizontal-pod-autoscaler' },
      );
    }
    // a condition listed twice keeps the first (the rescale outcome)
    const seen = new Set<string>();
    this.writeStatus(
      hpa,
      {
        current,
        desired,
        metrics: currentMetrics,
        scaled: desired !== current,
      },
      conditions.filter(c => !seen.has(c.type) && seen.add(c.type)),
      now,
    );
  }

  private normalize(
    key: string,
    hpa: Obj,
    current: number,
    desired: number,
    min: number,
    max: number,
  ) {
    const now = this.ctx.clock.now();
    const recommendations = this.recommendations.get(key) ?? [];
    const events = this.scaleEvents.get(key) ?? { up: [], down: [] };
    const r = hpa.spec.behavior
      ? normalizeWithBehavior({
          now,
          current,
          desired,
          min,
          max,
          behavior: hpa.spec.behavior,
          recommendations,
          upEvents: events.up,
          downEvents: events.down,
        })
      : normalizeWithoutBehavior({
          now,
          current,
          desired,
          min,
          max,
          recommendations,
        });
    this.recommendations.set(key, r.recommendations);
    return r;
  }

  private recordScaleEvent(key: string, from: number, to: number): void {
    const now = this.ctx.clock.now();
    const events = this.scaleEvents.get(key) ?? { up: [], down: [] };
    // policies' periods are at most 1800 s (autoscaling/v2 validation)
    const keep = (e: ScaleEvent) => e.at > now - 1_800_000;
    events.up = events.up.filter(keep);
    events.down = events.down.filter(keep);
    if (to > from) events.up.push({ at: now, change: to - from });
    else events.down.push({ at: now, change: from - to });
    this.scaleEvents.set(key, events);
  }

  /**
   * computeReplicasForMetrics: the highest proposal; when a metric fails and
   * the others would scale down (or all fail) the HPA does not scale.
   */
  private computeReplicasForMetrics(
    hpa: Obj,
    target: Obj,
    namespace: string,
    current: number,
  ):
    | { replicas: number; metrics: Obj[]; label: string; firstLabel: string }
    | { error: string; reason: string; metrics: Obj[] } {
    const specs = (hpa.spec.metrics ?? [
      {
        type: 'Resource',
        resource: {
          name: 'cpu',
          target: { type: 'Utilization', averageUtilization: 80 },
        },
      },
    ]) as Obj[];
    const pods = this.calculatorPods(target, namespace);
    let replicas = 0;
    let label = '';
    let firstLabel = '';
    let invalid = 0;
    let lastError = { error: '', reason: '' };
    const statuses: Obj[] = [];
    for (const spec of specs) {
      let outcome: MetricOutcome;
      try {
        outcome = this.evaluate(spec, namespace, pods, current, target);
      } catch (e) {
        invalid++;
        lastError = {
          error: `the HPA was unable to compute the replica count: ${
            (e as Error).message
          }`,
          reason: failedReason(spec),
        };
        continue;
      }
      statuses.push(outcome.status);
      if (!firstLabel) firstLabel = outcome.label;
      if (outcome.proposal.replicas > replicas) {
        replicas = outcome.proposal.replicas;
        label = outcome.label;
      }
    }
    if (invalid >= specs.length || (invalid > 0 && replicas < current))
      return { ...lastError, metrics: statuses };
    return { replicas, metrics: statuses, label, firstLabel };
  }

  /** The target's pods as the calculator sees them (selected by spec.selector). */
  private calculatorPods(target: Obj, namespace: string): TargetPod[] {
    const selector = compileLabelSelector(target.spec?.selector);
    const lives = new Map(
      [
        ...this.metrics.allPods(
          `${namespace}/${this.topOwner(
            namespace,
            target.kind,
            target.metadata.name,
          )}`,
        ),
      ].map(p => [p.name, p]),
    );
    const out: TargetPod[] = [];
    for (const stored of this.ctx.store.table(PODS).values(namespace)) {
      if (!selector.matches(stored.labels)) continue;
      const pod = this.ctx.store.getObject(PODS, namespace, stored.name) as Obj;
      const ready = ((pod.status?.conditions ?? []) as Obj[]).find(
        c => c.type === 'Ready',
      );
      const requests: Record<string, number> = {};
      for (const c of (pod.spec?.containers ?? []) as Obj[])
        for (const [r, q] of Object.entries(c.resources?.requests ?? {}))
          requests[r] = (requests[r] ?? 0) + milli(q);
      out.push({
        name: stored.name,
        phase: pod.status?.phase ?? 'Pending',
        deleting: !!pod.metadata.deletionTimestamp,
        ready: ready?.status === 'True',
        startedAt: pod.status?.startTime
          ? Date.parse(pod.status.startTime)
          : undefined,
        readyTransitionAt: ready?.lastTransitionTime
          ? Date.parse(ready.lastTransitionTime)
          : undefined,
        requests,
        life: lives.get(stored.name),
      });
    }
    return out;
  }

  private evaluate(
    m: Obj,
    namespace: string,
    pods: TargetPod[],
    current: number,
    target: Obj,
  ): MetricOutcome {
    const now = this.ctx.clock.now();
    if (m.type === 'Resource') {
      const resName: string = m.resource.name;
      // metrics-server reports every running pod's usage
      const withValues = pods.map(p => {
        const running = p.life && p.phase === 'Running';
        let value: number | undefined;
        if (running && resName === 'cpu')
          value = this.metrics.cpuMillicores(p.life!);
        if (running && resName === 'memory')
          value = this.metrics.memoryBytes(p.life!) * 1000;
        return { ...p, value, request: p.requests[resName] };
      });
      const t = m.resource.target ?? {};
      if (t.type === 'Utilization' || t.averageUtilization !== undefined) {
        const proposal = resourceUtilizationReplicas({
          currentReplicas: current,
          pods: withValues,
          targetUtilization: Number(t.averageUtilization),
          cpu: resName === 'cpu',
          now,
        });
        const measured = withValues.filter(p => p.value !== undefined);
        const avg =
          measured.reduce((a, p) => a + (p.value ?? 0), 0) /
          Math.max(1, measured.length);
        return {
          proposal,
          status: {
            type: 'Resource',
            resource: {
              name: resName,
              current: {
                averageUtilization: proposal.current,
                averageValue:
                  resName === 'cpu'
                    ? `${Math.round(avg)}m`
                    : String(Math.round(avg / 1000)),
              },
            },
          },
          label: `${resName} resource utilization (percentage of request)`,
        };
      }
      const proposal = averageValueReplicas({
        currentReplicas: current,
        pods: withValues,
        targetAverageMilli: milli(t.averageValue),
        cpu: resName === 'cpu',
        now,
      });
      return {
        proposal,
        status: {
          type: 'Resource',
          resource: {
            name: resName,
            current: { averageValue: formatMetric(proposal.current / 1000) },
          },
        },
        label: `${resName} resource`,
      };
    }
    if (m.type === 'Pods') {
      const metricName = m.pods.metric.name;
      const withValues = pods.map(p => {
        const v = p.life
          ? this.metrics.podMetric(p.life, metricName)
          : undefined;
        return {
          ...p,
          value: v === undefined ? undefined : Math.ceil(v * 1000),
        };
      });
      if (withValues.every(p => p.value === undefined))
        throw new Error(
          `unable to get metric ${metricName}: unable to fetch metrics from custom metrics API: no metrics returned`,
        );
      const proposal = averageValueReplicas({
        currentReplicas: current,
        pods: withValues,
        targetAverageMilli: milli(m.pods.target?.averageValue),
        now,
      });
      return {
        proposal,
        status: {
          type: 'Pods',
          pods: {
            metric: { name: metricName },
            current: { averageValue: formatMetric(proposal.current / 1000) },
          },
        },
        label: `pods metric ${metricName}`,
      };
    }
    if (m.type === 'External') {
      const metricName = m.external.metric.name;
      const selector = m.external.metric.selector;
      const label = `external metric ${metricName}(&LabelSelector{MatchLabels:map[string]string{${Object.entries(
        selector?.matchLabels ?? {},
      )
        .map(([k, v]) => `${k}: ${v},`)
        .join('')}},MatchExpressions:[]LabelSelectorRequirement{},})`;
      const value = this.externalMetrics?.(namespace, metricName, selector);
      if (value === undefined)
        throw new Error(
          `unable to get external metric ${namespace}/${metricName}/${JSON.stringify(
            selector ?? {},
          )}: unable to fetch metrics from external metrics API`,
        );
      // the adapter's quantity, read back as MilliValue
      const totalMilli = Math.ceil(value * 1000);
      const t = m.external.target ?? {};
      if (t.type === 'Value') {
        const readyPods = pods.filter(
          p => p.phase === 'Running' && p.ready,
        ).length;
        const proposal = externalValueReplicas({
          currentReplicas: current,
          readyPods,
          totalMilli,
          targetMilli: milli(t.value),
        });
        return {
          proposal,
          status: {
            type: 'External',
            external: {
              metric: { name: metricName, selector },
              current: { value: formatMetric(totalMilli / 1000) },
            },
          },
          label,
        };
      }
      const statusReplicas: number = target.status?.replicas ?? current;
      const proposal = externalAverageValueReplicas({
        statusReplicas,
        totalMilli,
        targetAverageMilli: milli(t.averageValue),
      });
      return {
        proposal,
        status: {
          type: 'External',
          external: {
            metric: { name: metricName, selector },
            current: { averageValue: formatMetric(proposal.current / 1000) },
          },
        },
        label,
      };
    }
    throw new Error(`unsupported metric source type "${m.type}"`);
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

function generationOf(json: string): number {
  return Number(/"generation":(\d+)/.exec(json)?.[1] ?? 0);
}

/** The ScalingActive reason horizontal.go gives a failing metric type. */
function failedReason(spec: Obj): string {
  switch (spec.type) {
    case 'Resource':
      return 'FailedGetResourceMetric';
    case 'Pods':
      return 'FailedGetPodsMetric';
    case 'External':
      return 'FailedGetExternalMetric';
    default:
      return 'InvalidMetricSourceType';
  }
}

/** Formats a metric value as a Kubernetes quantity (milli-units below 1000). */
export function formatMetric(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return `${Math.round(v * 1000)}m`;
}
