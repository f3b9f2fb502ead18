/*
 * KEDA (keda.sh/v1alpha1 ScaledObject), as keda-operator and its metrics
 * adapter run it: each ScaledObject gets an HPA `keda-hpa-<name>`
 * (kedaScaledObjectHpa.ts); the adapter answers the HPA's external-metric
 * requests with each trigger's value, or the fallback value once the scaler
 * has failed more than fallback.failureThreshold times (kedaFallback.ts);
 * every pollingInterval the operator reads the triggers, decides activity
 * (value > activationThreshold) and moves the target between zero/idle and
 * one (kedaScaleExecutor.ts), reporting Ready/Active/Fallback conditions.
 * Trigger values come from scalers registered per trigger type.
 */
import { resourceById } from '../api/resources';
import { updateScale } from '../api/scale';
import type { PrometheusQueryResponse } from '../metrics/promql/simPrometheus';
import { MetricsProvider } from '../sim/metricsProvider';
import { KubeObject } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  ownerRef,
  setCondition,
  splitKey,
} from './controller';
import { involvedOf } from './eventRecorder';
import { HpaController } from './hpaController';
import {
  HealthStatus,
  fallbackActive,
  metricWithFallback,
} from './kedaFallback';
import { isClusterPrometheus, prometheusScaler } from './kedaPrometheusScaler';
import { DEFAULT_POLLING_SECONDS, requestScale } from './kedaScaleExecutor';
import {
  ScalerMetricSpec,
  hpaMetricsFor,
  hpaSpecFor,
  triggerThreshold,
} from './kedaScaledObjectHpa';
import { Scaler, ScalerReading, ScalerRegistry, isValue } from './kedaScalers';

export type { Scaler, ScalerReading } from './kedaScalers';
export type { ScalerMetricSpec } from './kedaScaledObjectHpa';

const SCALED_OBJECTS = resourceById('keda.sh/scaledobjects');
const HPAS = resourceById('autoscaling/horizontalpodautoscalers');
type Obj = Record<string, any>;

/** The Ready condition: the target exists, and the poll found no trigger errors. */
function readyCondition(
  targetFound: boolean,
  polled: { status: string; reason: string; message: string } | undefined,
): { type: string; status: string; reason: string; message: string } {
  if (!targetFound)
    return {
      type: 'Ready',
      status: 'False',
      reason: 'ScaledObjectCheckFailed',
      message: `ScaledObject doesn't have correct scaleTargetRef specification`,
    };
  if (polled) return { type: 'Ready', ...polled };
  return {
    type: 'Ready',
    status: 'True',
    reason: 'ScaledObjectReady',
    message: 'ScaledObject is defined correctly and is ready for scaling',
  };
}

/** The KEDA version whose behaviour the simulator follows. */
export const KEDA_VERSION = '2.16.1';

/** Reconciles ScaledObjects and serves their external metrics. */
export class KedaController extends Controller {
  private readonly polling = new Set<string>();
  private readonly scalers = new ScalerRegistry();
  private readonly metricSpecs = new Map<
    string,
    (input: {
      scaledObject: Obj;
      trigger: Obj;
      index: number;
    }) => ScalerMetricSpec
  >();
  /** answers PromQL for the prometheus scaler (set by the cluster) */
  prometheusQuery: (
    namespace: string,
    query: string,
  ) => PrometheusQueryResponse | { unavailable: string } = () => ({
    unavailable: 'no Prometheus in this cluster',
  });
  /** which serverAddresses reach the cluster's Prometheus (set by the cluster) */
  prometheusAddress?: (address: string) => boolean;

  constructor(
    ctx: ControllerContext,
    _metrics: MetricsProvider,
    hpa: HpaController,
  ) {
    super(ctx, 'keda-operator');
    this.watch(SCALED_OBJECTS, e => {
      if (e.type === 'DELETED') {
        this.polling.delete(e.object.key);
        return undefined;
      }
      return e.object.key;
    });
    hpa.externalMetrics = (namespace, metricName, selector) =>
      this.externalMetric(namespace, metricName, selector);
    const prom = prometheusScaler(
      (ns, q) => this.prometheusQuery(ns, q),
      a => (this.prometheusAddress ?? isClusterPrometheus)(a),
    );
    this.registerScaler('prometheus', input => prom(input));
    // keda pkg/scalers/cpu_memory_scaler.go: the HPA reads cpu/memory from
    // metrics-server; the scaler reports no external value or activity
    this.registerScaler('cpu', () => ({ value: 0 }));
    this.registerScaler('memory', () => ({ value: 0 }));
  }

  /**
   * Adds (or replaces) the scaler of a trigger type; `metricSpec` is what an
   * external scaler's GetMetricSpec would say (metric name, target value).
   */
  registerScaler(
    triggerType: string,
    scaler: Scaler,
    metricSpec?: (input: {
      scaledObject: Obj;
      trigger: Obj;
      index: number;
    }) => ScalerMetricSpec,
  ): void {
    this.scalers.register(triggerType, scaler);
    if (metricSpec) this.metricSpecs.set(triggerType, metricSpec);
  }

  private specOf(so: Obj, trigger: Obj, index: number): ScalerMetricSpec {
    return (
      this.metricSpecs.get(String(trigger.type))?.({
        scaledObject: so,
        trigger,
        index,
      }) ?? {}
    );
  }

  private hpaMetrics(so: Obj): Obj[] {
    return hpaMetricsFor(so, (t, i) => this.specOf(so, t, i));
  }

  private read(so: Obj, index: number): ScalerReading {
    const trigger = (so.spec.triggers ?? [])[index] as Obj | undefined;
    if (!trigger) return { error: `no trigger ${index}` };
    return this.scalers.read({ scaledObject: so, trigger, index });
  }

  /** The metrics adapter: the value of `s<i>-…` for the ScaledObject in the selector. */
  externalMetric(
    namespace: string,
    metricName: string,
    selector: Obj | undefined,
  ): number | undefined {
    const soName = selector?.matchLabels?.['scaledobject.keda.sh/name'];
    const m = /^s(\d+)-/.exec(metricName);
    if (!soName || !m) return undefined;
    const so = this.ctx.store.getObject(SCALED_OBJECTS, namespace, soName) as
      | Obj
      | undefined;
    if (!so) return undefined;
    const index = Number(m[1]);
    const trigger = (so.spec.triggers ?? [])[index] as Obj | undefined;
    if (!trigger) return undefined;
    const hpaMetric = this.hpaMetrics(so)[index];
    const { health, answer } = metricWithFallback({
      so,
      hpaMetric,
      health: so.status?.health?.[metricName],
      reading: this.read(so, index),
      threshold: triggerThreshold(trigger, this.specOf(so, trigger, index)),
    });
    this.writeHealth(so, metricName, health);
    return 'value' in answer ? answer.value : undefined;
  }

  private writeHealth(so: Obj, metricName: string, health: HealthStatus): void {
    const prev = so.status?.health?.[metricName];
    if (
      prev &&
      prev.numberOfFailures === health.numberOfFailures &&
      prev.status === health.status
    )
      return;
    const iso = this.ctx.clock.nowIso();
    this.ctx.api.mutate(
      SCALED_OBJECTS,
      so.metadata.namespace,
      so.metadata.name,
      o => {
        const status = ((o as Obj).status ?? {}) as Obj;
        const all = { ...(status.health ?? {}), [metricName]: health };
        const active = fallbackActive(o as Obj, all, this.hpaMetrics(o as Obj));
        (o as Obj).status = {
          ...status,
          health: all,
          conditions: setCondition(
            status.conditions,
            active
              ? {
                  type: 'Fallback',
                  status: 'True',
                  reason: 'FallbackExists',
                  message:
                    'At least one trigger is falling back on this scaled object',
                }
              : {
                  type: 'Fallback',
                  status: 'False',
                  reason: 'NoFallbackFound',
                  message: 'No fallbacks are active on this scaled object',
                },
            iso,
          ),
        };
      },
      { subresource: 'status' },
    );
  }

  /** Keeps the ScaledObject's HPA in line with its spec and starts polling. */
  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const so = this.ctx.store.getObject(SCALED_OBJECTS, namespace, name) as
      | Obj
      | undefined;
    if (!so || so.metadata.deletionTimestamp) return;
    const hpaName =
      so.spec.advanced?.horizontalPodAutoscalerConfig?.name ??
      `keda-hpa-${name}`;
    const spec = hpaSpecFor(so, this.hpaMetrics(so));
    const labels = {
      'app.kubernetes.io/managed-by': 'keda-operator',
      'app.kubernetes.io/name': hpaName,
      'app.kubernetes.io/part-of': name,
      'app.kubernetes.io/version': KEDA_VERSION,
      'scaledobject.keda.sh/name': name,
    };
    const existing = this.ctx.store.getObject(HPAS, namespace, hpaName) as
      | Obj
      | undefined;
    if (!existing) {
      this.ctx.api.create(
        HPAS,
        namespace,
        {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: {
            name: hpaName,
            namespace,
            labels,
            ownerReferences: [ownerRef(so as KubeObject)],
          },
          spec,
        },
        { internal: true },
      );
    } else if (JSON.stringify(existing.spec) !== JSON.stringify(spec)) {
      this.ctx.api.mutate(HPAS, namespace, hpaName, o => {
        (o as Obj).spec = spec;
        o.metadata!.labels = labels;
      });
    }
    if (!this.polling.has(key)) {
      this.polling.add(key);
      this.poll(key, hpaName);
    }
  }

  /**
   * Runs one scale-loop iteration now, as KEDA does when a push scaler
   * (`external-push`) streams an activity change.
   */
  pollNow(namespace: string, name: string): void {
    const so = this.ctx.store.getObject(SCALED_OBJECTS, namespace, name) as
      | Obj
      | undefined;
    if (!so) return;
    this.scaleLoop(
      so,
      so.spec.advanced?.horizontalPodAutoscalerConfig?.name ??
        `keda-hpa-${name}`,
    );
  }

  /** One iteration of KEDA's scale loop, then the next after pollingInterval. */
  private poll(key: string, hpaName: string): void {
    const { namespace, name } = splitKey(key);
    const so = this.ctx.store.getObject(SCALED_OBJECTS, namespace, name) as
      | Obj
      | undefined;
    if (!so || !this.polling.has(key)) {
      this.polling.delete(key);
      return;
    }
    this.scaleLoop(so, hpaName);
    this.ctx.clock.setTimer(
      (so.spec.pollingInterval ?? DEFAULT_POLLING_SECONDS) * 1000,
      () => this.poll(key, hpaName),
    );
  }

  private scaleLoop(so: Obj, hpaName: string): void {
    const spec = so.spec;
    const namespace = so.metadata.namespace;
    const triggers = (spec.triggers ?? []) as Obj[];
    const target = spec.scaleTargetRef ?? {};
    const kind = target.kind ?? 'Deployment';
    const targetType = resourceById(
      kind === 'StatefulSet' ? 'apps/statefulsets' : 'apps/deployments',
    );
    const scaleTarget = this.ctx.store.getObject(
      targetType,
      namespace,
      target.name,
    ) as Obj | undefined;
    // getScaledObjectState: any active trigger activates; any error is an error
    let isActive = false;
    let isError = false;
    const activeTriggers: string[] = [];
    triggers.forEach((t, i) => {
      const r = this.read(so, i);
      if (!isValue(r)) {
        isError = true;
        return;
      }
      const activation = Number(t.metadata?.activationThreshold ?? 0);
      if (t.type !== 'cpu' && t.type !== 'memory' && r.value > activation) {
        isActive = true;
        activeTriggers.push(`${t.type}Scaler`);
      }
    });
    const cpuMem = triggers.filter(
      t => t.type === 'cpu' || t.type === 'memory',
    ).length;
    // triggers of cpu/memory only cannot scale to zero: always active
    if (triggers.length > 0 && triggers.length <= cpuMem && !isError)
      isActive = true;
    const now = this.ctx.clock.now();
    const iso = this.ctx.clock.nowIso();
    const decision = scaleTarget
      ? requestScale({
          so,
          currentReplicas: scaleTarget.spec?.replicas ?? 1,
          isActive,
          isError,
          activeTriggers,
          now,
          lastActive: so.status?.lastActiveTime
            ? Date.parse(so.status.lastActiveTime)
            : undefined,
          created: Date.parse(so.metadata.creationTimestamp),
          targetKind: `apps/v1.${kind}`,
        })
      : undefined;
    if (decision?.scaleTo !== undefined && scaleTarget) {
      updateScale(
        this.ctx.api,
        targetType,
        namespace,
        target.name,
        {
          patch: {
            type: 'merge',
            body: { spec: { replicas: decision.scaleTo } },
          },
        },
        { manager: 'keda' },
      );
    }
    if (decision?.event)
      this.ctx.events.record(
        involvedOf(so as KubeObject),
        'Normal',
        decision.event.reason,
        decision.event.message,
        { component: 'keda-operator' },
      );
    this.ctx.api.mutate(
      SCALED_OBJECTS,
      namespace,
      so.metadata.name,
      o => {
        const prev = ((o as Obj).status ?? {}) as Obj;
        let conditions = prev.conditions as Obj[] | undefined;
        conditions = setCondition(
          conditions,
          readyCondition(!!scaleTarget, decision?.ready),
          iso,
        );
        if (decision)
          conditions = setCondition(
            conditions,
            { type: 'Active', ...decision.active },
            iso,
          );
        const health = (prev.health ?? {}) as Record<string, HealthStatus>;
        const fallback = fallbackActive(
          o as Obj,
          health,
          this.hpaMetrics(o as Obj),
        );
        conditions = setCondition(
          conditions,
          fallback
            ? {
                type: 'Fallback',
                status: 'True',
                reason: 'FallbackExists',
                message:
                  'At least one trigger is falling back on this scaled object',
              }
            : {
                type: 'Fallback',
                status: 'False',
                reason: 'NoFallbackFound',
                message: 'No fallbacks are active on this scaled object',
              },
          iso,
        );
        conditions = setCondition(
          conditions,
          {
            type: 'Paused',
            status: 'False',
            reason: 'ScaledObjectUnpaused',
            message: 'ScaledObject is not paused',
          },
          iso,
        );
        const metrics = this.hpaMetrics(o as Obj);
        (o as Obj).status = {
          ...prev,
          scaleTargetKind: `${target.apiVersion ?? 'apps/v1'}.${kind}`,
          scaleTargetGVKR: {
            group: 'apps',
            version: 'v1',
            kind,
            resource: `${kind.toLowerCase()}s`,
          },
          originalReplicaCount:
            prev.originalReplicaCount ?? scaleTarget?.spec?.replicas ?? 1,
          externalMetricNames: metrics
            .filter(m => m.type === 'External')
            .map(m => m.external.metric.name),
          hpaName,
          conditions,
          ...(decision?.touchLastActive ? { lastActiveTime: iso } : {}),
        };
      },
      { subresource: 'status' },
    );
  }
}
