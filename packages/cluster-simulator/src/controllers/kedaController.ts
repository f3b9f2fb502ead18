/*
 * KEDA ScaledObjects (keda.sh/v1alpha1): like keda-operator, each
 * ScaledObject gets an HPA `keda-hpa-<name>` with one External metric per
 * trigger (`s0-prometheus`, ...), which the HPA controller resolves through
 * this controller; KEDA itself handles activation (scaling from and to zero
 * after the cooldown period) and reports Ready/Active conditions.
 */
import { resourceById } from '../api/resources';
import { updateScale } from '../api/scale';
import { MetricsProvider } from '../sim/metricsProvider';
import { KubeObject } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  ownerRef,
  setCondition,
  splitKey,
} from './controller';
import { HpaController } from './hpaController';
import { Scaler, ScalerReading, ScalerRegistry, isValue } from './kedaScalers';

export type { Scaler, ScalerReading } from './kedaScalers';

const SCALED_OBJECTS = resourceById('keda.sh/scaledobjects');
const HPAS = resourceById('autoscaling/horizontalpodautoscalers');
const DEPLOYMENTS = resourceById('apps/deployments');
type Obj = Record<string, any>;

/** Reconciles ScaledObjects and serves their external metrics. */
export class KedaController extends Controller {
  private readonly polling = new Set<string>();
  private readonly lastActive = new Map<string, number>();
  private readonly scalers = new ScalerRegistry();

  constructor(
    ctx: ControllerContext,
    private readonly metrics: MetricsProvider,
    private readonly hpa: HpaController,
  ) {
    super(ctx, 'keda-operator');
    this.watch(SCALED_OBJECTS, e =>
      e.type === 'DELETED' ? undefined : e.object.key,
    );
    hpa.externalMetrics = (namespace, metricName, selector) =>
      this.externalMetric(namespace, metricName, selector);
    this.registerScaler('prometheus', ({ scaledObject, trigger }) => ({
      value: this.metrics.queryWorkload(
        this.workloadKey(scaledObject),
        String(trigger.metadata?.query ?? ''),
      ),
    }));
  }

  /** Adds (or replaces) the scaler of a trigger type. */
  registerScaler(triggerType: string, scaler: Scaler): void {
    this.scalers.register(triggerType, scaler);
  }

  private workloadKey(so: Obj): string {
    const target = so.spec.scaleTargetRef ?? {};
    return `${so.metadata.namespace}/${this.hpa.topOwner(
      so.metadata.namespace,
      target.kind ?? 'Deployment',
      target.name,
    )}`;
  }

  private readTrigger(so: Obj, index: number): ScalerReading {
    const trigger = (so.spec.triggers ?? [])[index] as Obj | undefined;
    if (!trigger) return { error: `no trigger ${index}` };
    return this.scalers.read({ scaledObject: so, trigger, index });
  }

  private triggerValue(so: Obj, index: number): number | undefined {
    const r = this.readTrigger(so, index);
    return isValue(r) ? r.value : undefined;
  }

  /** Value of `s<i>-<type>` for the ScaledObject named in the selector. */
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
    return so ? this.triggerValue(so, Number(m[1])) : undefined;
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const so = this.ctx.store.getObject(SCALED_OBJECTS, namespace, name) as
      | Obj
      | undefined;
    if (!so || so.metadata.deletionTimestamp) return;
    const spec = so.spec;
    const triggers = (spec.triggers ?? []) as Obj[];
    const target = spec.scaleTargetRef ?? {};
    const kind = target.kind ?? 'Deployment';
    const minReplicas: number = spec.minReplicaCount ?? 0;
    const maxReplicas: number = spec.maxReplicaCount ?? 100;
    const hpaName =
      spec.advanced?.horizontalPodAutoscalerConfig?.name ?? `keda-hpa-${name}`;
    const metrics = triggers.map((t, i) => {
      if (t.type === 'cpu' || t.type === 'memory') {
        return {
          type: 'Resource',
          resource: {
            name: t.type,
            target: {
              type: 'Utilization',
              averageUtilization: Number(t.metadata?.value ?? 80),
            },
          },
        };
      }
      return {
        type: 'External',
        external: {
          metric: {
            name: `s${i}-${t.type}`,
            selector: { matchLabels: { 'scaledobject.keda.sh/name': name } },
          },
          target: {
            type: 'AverageValue',
            averageValue: String(t.metadata?.threshold ?? '1'),
          },
        },
      };
    });
    const hpa: KubeObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: {
        name: hpaName,
        namespace,
        labels: {
          'app.kubernetes.io/managed-by': 'keda-operator',
          'app.kubernetes.io/name': hpaName,
          'app.kubernetes.io/part-of': name,
          'app.kubernetes.io/version': '2.16.1',
          'scaledobject.keda.sh/name': name,
        },
        ownerReferences: [ownerRef(so as KubeObject)],
      },
      spec: {
        scaleTargetRef: {
          apiVersion: target.apiVersion ?? 'apps/v1',
          kind,
          name: target.name,
        },
        minReplicas: Math.max(1, minReplicas),
        maxReplicas,
        metrics,
        ...(spec.advanced?.horizontalPodAutoscalerConfig?.behavior
          ? { behavior: spec.advanced.horizontalPodAutoscalerConfig.behavior }
          : {}),
      },
    };
    const existing = this.ctx.store.get(HPAS, namespace, hpaName);
    if (!existing)
      this.ctx.api.create(HPAS, namespace, hpa, { internal: true });
    else {
      this.ctx.api.mutate(HPAS, namespace, hpaName, o => {
        (o as Obj).spec = hpa.spec;
        o.metadata!.labels = hpa.metadata!.labels;
      });
    }
    // activation: KEDA scales between zero and one itself
    const values = triggers.map((_, i) => this.triggerValue(so, i) ?? 0);
    const active = triggers.some(
      (t, i) => values[i] > Number(t.metadata?.activationThreshold ?? 0),
    );
    const now = this.ctx.clock.now();
    if (active) this.lastActive.set(key, now);
    const dep =
      kind === 'Deployment'
        ? (this.ctx.store.getObject(DEPLOYMENTS, namespace, target.name) as
            | Obj
            | undefined)
        : undefined;
    if (dep && minReplicas === 0) {
      const replicas = dep.spec.replicas ?? 1;
      const idleFor =
        now -
        (this.lastActive.get(key) ?? Date.parse(so.metadata.creationTimestamp));
      if (active && replicas === 0) {
        updateScale(
          this.ctx.api,
          DEPLOYMENTS,
          namespace,
          target.name,
          { patch: { type: 'merge', body: { spec: { replicas: 1 } } } },
          { manager: 'keda' },
        );
      } else if (
        !active &&
        replicas > 0 &&
        idleFor >= (spec.cooldownPeriod ?? 300) * 1000
      ) {
        updateScale(
          this.ctx.api,
          DEPLOYMENTS,
          namespace,
          target.name,
          { patch: { type: 'merge', body: { spec: { replicas: 0 } } } },
          { manager: 'keda' },
        );
      }
    }
    const iso = this.ctx.clock.nowIso();
    this.ctx.api.mutate(
      SCALED_OBJECTS,
      namespace,
      name,
      o => {
        const prev = ((o as Obj).status ?? {}) as Obj;
        let conditions = prev.conditions as Obj[] | undefined;
        conditions = setCondition(
          conditions,
          dep || kind !== 'Deployment'
            ? {
                type: 'Ready',
                status: 'True',
                reason: 'ScaledObjectReady',
                message:
                  'ScaledObject is defined correctly and is ready for scaling',
              }
            : {
                type: 'Ready',
                status: 'False',
                reason: 'ScaledObjectCheckFailed',
                message: `ScaledObject doesn't have correct scaleTargetRef specification`,
              },
          iso,
        );
        conditions = setCondition(
          conditions,
          active
            ? {
                type: 'Active',
                status: 'True',
                reason: 'ScalerActive',
                message: 'Scaling is performed because triggers are active',
              }
            : {
                type: 'Active',
                status: 'False',
                reason: 'ScalerNotActive',
                message:
                  'Scaling is not performed because triggers are not active',
              },
          iso,
        );
        conditions = setCondition(
          conditions,
          {
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
            prev.originalReplicaCount ?? dep?.spec?.replicas ?? 1,
          externalMetricNames: metrics
            .filter(m => m.type === 'External')
            .map(m => (m as Obj).external.metric.name),
          hpaName,
          conditions,
          ...(active ? { lastActiveTime: iso } : {}),
        };
      },
      { subresource: 'status' },
    );
    if (!this.polling.has(key)) {
      this.polling.add(key);
      this.ctx.clock.setTimer((spec.pollingInterval ?? 30) * 1000, () => {
        this.polling.delete(key);
        if (this.ctx.store.table(SCALED_OBJECTS).get(key)) this.enqueue(key);
      });
    }
  }
}
