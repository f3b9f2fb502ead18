/*
 * The KEDA HTTP add-on (kedacore/http-add-on, modelled on v0.12.x, the last
 * releases where HTTPScaledObject is the current API; v0.14 deprecates it in
 * favour of InterceptorRoute): the operator that turns an HTTPScaledObject
 * into a KEDA ScaledObject, and the external scaler KEDA asks for the
 * interceptor's counts. The interceptor itself is httpAddOnInterceptor.ts.
 *
 * Facts this file relies on:
 * - HTTPScaledObject v1alpha1 fields (operator/apis/http/v1alpha1/httpscaledobject_types.go;
 *   https://github.com/kedacore/http-add-on/blob/main/docs/ref/v0.12.0/http_scaled_object.md):
 *   `hosts`, `pathPrefixes` (default `/`), `headers` (v0.12), `scaleTargetRef
 *   {name, kind, apiVersion, service, port | portName}`, `replicas {min, max}`,
 *   `scaledownPeriod` (default 300), `initialCooldownPeriod` (v0.10),
 *   `scalingMetric {concurrency {targetValue: 100} | requestRate {targetValue:
 *   100, window: 1m, granularity: 1s}}` (v0.8, mutually exclusive; concurrency
 *   when empty), `timeouts {conditionWait, responseHeader}` (v0.11, PR #1285),
 *   `coldStartTimeoutFailoverRef {service, port | portName, timeoutSeconds:
 *   30}` (v0.11, PR #1280). Changelog: https://github.com/kedacore/http-add-on/blob/main/CHANGELOG.md
 *   (v0.8.0 aggregation windows #882, v0.11.0 scoped timeouts #813 and
 *   failover #1280, v0.12.0 metav1.Condition status #1409).
 * - The ScaledObject the operator renders (operator/controllers/http/scaled_object.go
 *   createOrUpdateScaledObject, pkg/k8s/scaledobject.go NewScaledObject): same
 *   name and namespace, the HTTPScaledObject's labels and annotations,
 *   controller ownerReference to the HTTPScaledObject, `scaleTargetRef`
 *   {apiVersion, kind, name}, `pollingInterval: 15`, `cooldownPeriod` =
 *   `scaledownPeriod`, `initialCooldownPeriod`, `minReplicaCount` =
 *   `replicas.min`, `maxReplicaCount` = `replicas.max` (unset fields fall to
 *   KEDA's defaults 0 / 100 / 300), `advanced.restoreToOriginalReplicaCount:
 *   true`, one trigger `type: external-push` with metadata `scalerAddress:
 *   keda-add-ons-http-external-scaler.keda:9090` and `httpScaledObject:
 *   <name>`. An existing ScaledObject is merge-patched. The annotation
 *   `httpscaledobject.keda.sh/skip-scaledobject-creation: "true"` removes it
 *   and creates none.
 * - Status (operator/controllers/http/httpscaledobject_controller.go,
 *   v0.12): `targetWorkload` `<apiVersion>/<kind>/<name>`, `targetService`
 *   `<service>:<port>`, condition `Ready` True reason `Reconciled` message
 *   `ScaledObject created and configured` (False, `CreateError`, `Failed to
 *   create scaled objects: <err>` on failure); both `scalingMetric` kinds set
 *   is an error and nothing is changed.
 * - External scaler (scaler/handlers.go, GetMetricSpec / GetMetrics /
 *   IsActive): the metric is the interceptor's concurrency (in flight,
 *   including requests held while the workload wakes) or, with
 *   `requestRate`, ceil(requests per second over the window); the target is
 *   `targetValue` (default 100, `targetPendingRequests` before v0.8); the
 *   scaler is active when the value is above 0. The scaler pushes activity to
 *   KEDA every KEDA_HTTP_SCALER_STREAM_INTERVAL_MS (200ms) through
 *   StreamIsActive, so KEDA reacts to a first request at once rather than at
 *   the next poll.
 * - Interceptor defaults (interceptor/config/timeouts.go): KEDA_CONDITION_WAIT_TIMEOUT
 *   20s, KEDA_RESPONSE_HEADER_TIMEOUT 500ms, KEDA_HTTP_DIAL_RETRY_TIMEOUT 15s.
 */
import { deleteObject } from '../api/deletion';
import { resourceById } from '../api/resources';
import { KubeObject } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  ownerRef,
  setCondition,
  splitKey,
} from './controller';
import { GarbageCollector } from './garbageCollector';
import { HttpInterceptor } from './httpAddOnInterceptor';
import { Scaler } from './kedaScalers';

const HTTPSOS = resourceById('http.keda.sh/httpscaledobjects');
const SCALED_OBJECTS = resourceById('keda.sh/scaledobjects');
type Obj = Record<string, any>;

/** The external scaler's address the operator writes into the trigger. */
export const EXTERNAL_SCALER_ADDRESS =
  'keda-add-ons-http-external-scaler.keda:9090';
/** Default `scalingMetric.*.targetValue` (kubebuilder default). */
export const DEFAULT_TARGET_VALUE = 100;
const SKIP_ANNOTATION = 'httpscaledobject.keda.sh/skip-scaledobject-creation';

/** The ScaledObject the operator renders for an HTTPScaledObject. */
export function renderScaledObject(httpso: Obj): KubeObject {
  const spec = httpso.spec ?? {};
  const ref = spec.scaleTargetRef ?? {};
  const soSpec: Obj = {
    scaleTargetRef: {
      ...(ref.apiVersion ? { apiVersion: ref.apiVersion } : {}),
      ...(ref.kind ? { kind: ref.kind } : {}),
      name: ref.name,
    },
    pollingInterval: 15,
    advanced: { restoreToOriginalReplicaCount: true },
    triggers: [
      {
        type: 'external-push',
        metadata: {
          scalerAddress: EXTERNAL_SCALER_ADDRESS,
          httpScaledObject: httpso.metadata.name,
        },
      },
    ],
  };
  if (spec.scaledownPeriod !== undefined)
    soSpec.cooldownPeriod = spec.scaledownPeriod;
  if (spec.initialCooldownPeriod !== undefined)
    soSpec.initialCooldownPeriod = spec.initialCooldownPeriod;
  if (spec.replicas?.min !== undefined)
    soSpec.minReplicaCount = spec.replicas.min;
  if (spec.replicas?.max !== undefined)
    soSpec.maxReplicaCount = spec.replicas.max;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {
      name: httpso.metadata.name,
      namespace: httpso.metadata.namespace,
      ...(httpso.metadata.labels ? { labels: httpso.metadata.labels } : {}),
      ...(httpso.metadata.annotations
        ? { annotations: httpso.metadata.annotations }
        : {}),
      ownerReferences: [ownerRef(httpso as KubeObject)],
    },
    spec: soSpec,
  } as KubeObject;
}

/** The scaler's metric value and target for an HTTPScaledObject's counts. */
export function scalerMetric(
  httpso: Obj,
  count: { concurrency: number; requestRate: number },
): { value: number; target: number } {
  const m = httpso.spec?.scalingMetric ?? {};
  if (m.requestRate)
    return {
      value: Math.ceil(count.requestRate),
      target: Number(m.requestRate.targetValue ?? DEFAULT_TARGET_VALUE),
    };
  return {
    value: count.concurrency,
    target: Number(
      m.concurrency?.targetValue ??
        specOf(httpso).targetPendingRequests ??
        DEFAULT_TARGET_VALUE,
    ),
  };
}

function specOf(o: Obj): Obj {
  return o.spec ?? {};
}

/** The HTTP add-on operator and its external scaler. */
export class HttpAddOnController extends Controller {
  constructor(
    ctx: ControllerContext,
    private readonly gc: GarbageCollector,
    readonly interceptor: HttpInterceptor,
  ) {
    super(ctx, 'keda-add-ons-http-operator');
    this.watch(HTTPSOS, e => (e.type === 'DELETED' ? undefined : e.object.key));
  }

  /** The external scaler KEDA calls for `external-push` (and `external`) triggers. */
  readonly scaler: Scaler = ({ scaledObject, trigger }) => {
    const name = trigger.metadata?.httpScaledObject;
    const ns = scaledObject.metadata.namespace;
    if (!name) return { error: 'unable to get HTTPScaledObject reference' };
    const httpso = this.ctx.store.getObject(HTTPSOS, ns, name) as
      | Obj
      | undefined;
    if (!httpso)
      return {
        error: `httpscaledobjects.http.keda.sh "${name}" not found`,
      };
    return {
      value: scalerMetric(httpso, this.interceptor.count(httpso)).value,
    };
  };

  /**
   * What the scaler's GetMetricSpec answers: the HPA target for the trigger
   * (`scalingMetric.*.targetValue`, default 100), for KEDA's registerScaler.
   */
  readonly metricSpec = (input: {
    scaledObject: Obj;
    trigger: Obj;
  }): { target?: number } => {
    const name = input.trigger.metadata?.httpScaledObject;
    const httpso = this.ctx.store.getObject(
      HTTPSOS,
      input.scaledObject.metadata.namespace,
      name,
    ) as Obj | undefined;
    return httpso
      ? {
          target: scalerMetric(httpso, { concurrency: 0, requestRate: 0 })
            .target,
        }
      : {};
  };

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const httpso = this.ctx.store.getObject(HTTPSOS, namespace, name) as
      | Obj
      | undefined;
    if (!httpso || httpso.metadata.deletionTimestamp) return;
    const m = httpso.spec?.scalingMetric;
    if (m?.concurrency && m?.requestRate) {
      this.ctx.log(
        `${this.name}: ${key}: .spec.scalingMetric.concurrency and .spec.scalingMetric.rate are mutually exclusive`,
      );
      return;
    }
    let error: string | undefined;
    try {
      if (httpso.metadata.annotations?.[SKIP_ANNOTATION] === 'true') {
        if (this.ctx.store.get(SCALED_OBJECTS, namespace, name))
          deleteObject(this.ctx.api, SCALED_OBJECTS, namespace, name, {}, uid =>
            this.gc.dependents(uid),
          );
      } else this.applyScaledObject(httpso);
    } catch (e) {
      error = (e as Error).message;
    }
    this.writeStatus(httpso, error);
  }

  private applyScaledObject(httpso: Obj): void {
    const so = renderScaledObject(httpso);
    const { namespace, name } = httpso.metadata;
    if (!this.ctx.store.get(SCALED_OBJECTS, namespace, name)) {
      this.ctx.api.create(SCALED_OBJECTS, namespace, so, { internal: true });
      return;
    }
    // client.Merge: the rendered fields replace the existing ones
    this.ctx.api.mutate(SCALED_OBJECTS, namespace, name, o => {
      const cur = o as Obj;
      cur.metadata.labels = { ...cur.metadata.labels, ...so.metadata!.labels };
      cur.metadata.annotations = {
        ...cur.metadata.annotations,
        ...so.metadata!.annotations,
      };
      cur.spec = { ...cur.spec, ...(so as Obj).spec };
    });
  }

  private writeStatus(httpso: Obj, error: string | undefined): void {
    const { namespace, name } = httpso.metadata;
    const ref = httpso.spec?.scaleTargetRef ?? {};
    const iso = this.ctx.clock.nowIso();
    this.ctx.api.mutate(
      HTTPSOS,
      namespace,
      name,
      o => {
        const prev = ((o as Obj).status ?? {}) as Obj;
        (o as Obj).status = {
          ...prev,
          targetWorkload: `${ref.apiVersion ?? ''}/${ref.kind ?? ''}/${
            ref.name
          }`,
          targetService: `${ref.service}:${ref.port ?? 0}`,
          conditions: setCondition(
            prev.conditions,
            error
              ? {
                  type: 'Ready',
                  status: 'False',
                  reason: 'CreateError',
                  message: `Failed to create scaled objects: ${error}`,
                }
              : {
                  type: 'Ready',
                  status: 'True',
                  reason: 'Reconciled',
                  message: 'ScaledObject created and configured',
                },
            iso,
            { observedGeneration: (o as Obj).metadata.generation ?? 1 },
          ),
        };
      },
      { subresource: 'status' },
    );
  }
}
