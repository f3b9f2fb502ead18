/*
 * Model-serving operators: KServe InferenceServices in RawDeployment mode
 * (a `<name>-predictor` Deployment and Service), and LeaderWorkerSets (a
 * leader StatefulSet, and per group a worker StatefulSet owned by the leader
 * pod, as the LWS controller builds them).
 */
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

const ISVC = resourceById('serving.kserve.io/inferenceservices');
const LWS = resourceById('leaderworkerset.x-k8s.io/leaderworkersets');
const DEPLOYMENTS = resourceById('apps/deployments');
const SERVICES = resourceById('core/services');
const STS = resourceById('apps/statefulsets');
const PODS = resourceById('core/pods');
type Obj = Record<string, any>;

function upsert(
  ctx: ControllerContext,
  r: typeof DEPLOYMENTS,
  obj: KubeObject,
): void {
  const meta = obj.metadata!;
  if (!ctx.store.get(r, meta.namespace, meta.name!)) {
    ctx.api.create(r, meta.namespace, obj, { internal: true });
    return;
  }
  ctx.api.mutate(r, meta.namespace, meta.name!, o => {
    (o as Obj).spec = {
      ...((o as Obj).spec ?? {}),
      ...(obj as Obj).spec,
      ...(r === DEPLOYMENTS ? { replicas: (o as Obj).spec?.replicas } : {}),
    };
  });
}

/** KServe InferenceService controller (RawDeployment mode). */
export class InferenceServiceController extends Controller {
  constructor(ctx: ControllerContext, private readonly gc: GarbageCollector) {
    super(ctx, 'kserve-controller-manager');
    this.watch(ISVC, e => (e.type === 'DELETED' ? undefined : e.object.key));
    this.watch(DEPLOYMENTS, e => {
      const owner = this.gc.controllerOf(DEPLOYMENTS.id, e.object.key);
      return owner?.kind === 'InferenceService'
        ? `${e.object.namespace}/${owner.name}`
        : undefined;
    });
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const isvc = this.ctx.store.getObject(ISVC, namespace, name) as
      | Obj
      | undefined;
    if (!isvc || isvc.metadata.deletionTimestamp) return;
    const predictor = isvc.spec?.predictor ?? {};
    const model = predictor.model ?? {};
    const depName = `${name}-predictor`;
    const labels = {
      app: `isvc.${depName}`,
      component: 'predictor',
      'serving.kserve.io/inferenceservice': name,
      ...(isvc.metadata.labels ?? {}),
    };
    const container = predictor.containers?.[0] ?? {
      name: 'kserve-container',
      image: model.runtimeImage ?? 'docker.io/kserve/huggingfaceserver:v0.15.0',
      args: [
        `--model_name=${name}`,
        ...(model.storageUri
          ? [`--model_id=${String(model.storageUri).replace(/^hf:\/\//, '')}`]
          : []),
        ...(model.args ?? []),
      ],
      resources: model.resources ?? {},
      ports: [{ containerPort: 8080, name: 'http1', protocol: 'TCP' }],
    };
    const min = predictor.minReplicas ?? 1;
    upsert(this.ctx, DEPLOYMENTS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: depName,
        namespace,
        labels,
        annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' },
        ownerReferences: [ownerRef(isvc as KubeObject)],
      },
      spec: {
        replicas: min,
        selector: { matchLabels: { app: `isvc.${depName}` } },
        template: {
          metadata: { labels, annotations: isvc.metadata.annotations },
          spec: {
            containers: [container],
            nodeSelector: predictor.nodeSelector,
            tolerations: predictor.tolerations,
          },
        },
      },
    });
    upsert(this.ctx, SERVICES, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: depName,
        namespace,
        labels,
        ownerReferences: [ownerRef(isvc as KubeObject)],
      },
      spec: {
        selector: { app: `isvc.${depName}` },
        ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      },
    });
    const dep = this.ctx.store.getObject(DEPLOYMENTS, namespace, depName) as
      | Obj
      | undefined;
    const ready = (dep?.status?.availableReplicas ?? 0) > 0;
    const now = this.ctx.clock.nowIso();
    this.ctx.api.mutate(
      ISVC,
      namespace,
      name,
      o => {
        const prev = ((o as Obj).status ?? {}) as Obj;
        let conds = prev.conditions as Obj[] | undefined;
        const c = ready
          ? { status: 'True' }
          : {
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            };
        for (const t of ['IngressReady', 'PredictorReady', 'Ready'])
          conds = setCondition(
            conds,
            { type: t, ...(t === 'IngressReady' ? { status: 'True' } : c) },
            now,
          );
        (o as Obj).status = {
          url: `http://${name}-${namespace}.example.com`,
          address: { url: `http://${depName}.${namespace}.svc.cluster.local` },
          components: { predictor: {} },
          modelStatus: {
            states: {
              activeModelState: ready ? 'Loaded' : 'Pending',
              targetModelState: 'Loaded',
            },
            transitionStatus: ready ? 'UpToDate' : 'InProgress',
          },
          observedGeneration: o.metadata!.generation,
          conditions: conds,
        };
      },
      { subresource: 'status' },
    );
  }
}

/** LeaderWorkerSet controller. */
export class LeaderWorkerSetController extends Controller {
  constructor(ctx: ControllerContext, private readonly gc: GarbageCollector) {
    super(ctx, 'lws-controller-manager');
    this.watch(LWS, e => (e.type === 'DELETED' ? undefined : e.object.key));
    this.watch(STS, e => {
      const owner = this.gc.controllerOf(STS.id, e.object.key);
      return owner?.kind === 'LeaderWorkerSet'
        ? `${e.object.namespace}/${owner.name}`
        : undefined;
    });
    this.watch(PODS, e => {
      const lws = e.object.labels['leaderworkerset.sigs.k8s.io/name'];
      return lws &&
        e.object.labels['leaderworkerset.sigs.k8s.io/worker-index'] === '0'
        ? `${e.object.namespace}/${lws}`
        : undefined;
    });
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const lws = this.ctx.store.getObject(LWS, namespace, name) as
      | Obj
      | undefined;
    if (!lws || lws.metadata.deletionTimestamp) return;
    const tmpl = lws.spec?.leaderWorkerTemplate ?? {};
    const size: number = tmpl.size ?? 1;
    const groups: number = lws.spec?.replicas ?? 1;
    const base = { 'leaderworkerset.sigs.k8s.io/name': name };
    const leaderTemplate = JSON.parse(
      JSON.stringify(tmpl.leaderTemplate ?? tmpl.workerTemplate ?? {}),
    );
    leaderTemplate.metadata = {
      ...(leaderTemplate.metadata ?? {}),
      labels: {
        ...(leaderTemplate.metadata?.labels ?? {}),
        ...base,
        'leaderworkerset.sigs.k8s.io/worker-index': '0',
      },
    };
    upsert(this.ctx, STS, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: {
        name,
        namespace,
        labels: base,
        ownerReferences: [ownerRef(lws as KubeObject)],
      },
      spec: {
        replicas: groups,
        serviceName: name,
        podManagementPolicy: 'Parallel',
        selector: {
          matchLabels: {
            ...base,
            'leaderworkerset.sigs.k8s.io/worker-index': '0',
          },
        },
        template: leaderTemplate,
      },
    });
    let ready = 0;
    for (let g = 0; g < groups; g++) {
      const leader = this.ctx.store.getObject(
        PODS,
        namespace,
        `${name}-${g}`,
      ) as Obj | undefined;
      if (!leader) continue;
      const groupLabels = {
        ...base,
        'leaderworkerset.sigs.k8s.io/group-index': String(g),
      };
      if (size > 1) {
        const workerTemplate = JSON.parse(
          JSON.stringify(tmpl.workerTemplate ?? {}),
        );
        workerTemplate.metadata = {
          ...(workerTemplate.metadata ?? {}),
          labels: {
            ...(workerTemplate.metadata?.labels ?? {}),
            ...groupLabels,
          },
        };
        upsert(this.ctx, STS, {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: {
            name: `${name}-${g}`,
            namespace,
            labels: groupLabels,
            ownerReferences: [ownerRef(leader as KubeObject)],
          },
          spec: {
            replicas: size - 1,
            ordinals: { start: 1 },
            serviceName: name,
            podManagementPolicy: 'Parallel',
            selector: { matchLabels: groupLabels },
            template: workerTemplate,
          },
        });
      }
      const workers =
        size > 1
          ? (this.ctx.store.getObject(STS, namespace, `${name}-${g}`) as
              | Obj
              | undefined)
          : undefined;
      const leaderReady = ((leader.status?.conditions ?? []) as Obj[]).some(
        c => c.type === 'Ready' && c.status === 'True',
      );
      if (
        leaderReady &&
        (size === 1 || (workers?.status?.readyReplicas ?? 0) >= size - 1)
      )
        ready++;
    }
    const now = this.ctx.clock.nowIso();
    this.ctx.api.mutate(
      LWS,
      namespace,
      name,
      o => {
        const prev = ((o as Obj).status ?? {}) as Obj;
        const conds = setCondition(
          prev.conditions,
          ready >= groups
            ? {
                type: 'Available',
                status: 'True',
                reason: 'AllGroupsReady',
                message: 'All replicas are ready',
              }
            : {
                type: 'Available',
                status: 'False',
                reason: 'AllGroupsReady',
                message: 'Not all replicas are ready',
              },
          now,
        );
        (o as Obj).status = {
          replicas: groups,
          readyReplicas: ready,
          updatedReplicas: groups,
          hpaPodSelector: `leaderworkerset.sigs.k8s.io/name=${name},leaderworkerset.sigs.k8s.io/worker-index=0`,
          conditions: conds,
        };
      },
      { subresource: 'status' },
    );
  }
}
