/*
 * ReplicaSet controller: keeps `spec.replicas` pods, named `<rs>-<5 chars>`
 * with the ownerReference a real controller sets; reports FailedCreate (for
 * example an exceeded GPU quota) as an event and a ReplicaFailure condition.
 */
import { eventObject } from '../store/eventHistory';
import { deleteObject } from '../api/deletion';
import { resourceById } from '../api/resources';
import { ApiError } from '../api/status';
import { KubeObject } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  ownerRef,
  setCondition,
  splitKey,
} from './controller';
import { involvedOf } from './eventRecorder';
import { GarbageCollector, PodSummary } from './garbageCollector';

const RS = resourceById('apps/replicasets');
const PODS = resourceById('core/pods');

type Obj = Record<string, any>;

/** Whether a pod has condition Ready=True. */
export function isPodReady(pod: Obj): boolean {
  return ((pod.status?.conditions ?? []) as Obj[]).some(
    c => c.type === 'Ready' && c.status === 'True',
  );
}

/** Whether a pod counts towards its controller's replicas (not terminating, not finished). */
export function isPodActive(pod: Obj): boolean {
  const phase = pod.status?.phase;
  return (
    !pod.metadata?.deletionTimestamp &&
    phase !== 'Succeeded' &&
    phase !== 'Failed'
  );
}

/** Builds a pod from a template, owned by `owner`. */
export function podFromTemplate(
  owner: KubeObject,
  template: Obj,
  name: string,
  extraLabels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${owner.metadata!.name}-`,
      namespace: owner.metadata!.namespace,
      labels: { ...(template.metadata?.labels ?? {}), ...extraLabels },
      annotations: template.metadata?.annotations,
      ownerReferences: [ownerRef(owner)],
    },
    spec: JSON.parse(JSON.stringify(template.spec ?? {})),
  };
}

/** Keeps ReplicaSets at their replica count. */
export class ReplicaSetController extends Controller {
  /** after a failed create, no new attempt before this simulated time (the controller's rate limit) */
  private readonly backoffUntil = new Map<
    string,
    { until: number; failure: string }
  >();

  constructor(ctx: ControllerContext, private readonly gc: GarbageCollector) {
    super(ctx, 'replicaset-controller');
    this.watch(RS, e => (e.type === 'DELETED' ? undefined : e.object.key));
    this.watch(PODS, e => {
      const owner = this.gc.controllerOf(PODS.id, e.object.key);
      if (owner?.kind === 'ReplicaSet')
        return `${e.object.namespace}/${owner.name}`;
      // a deleted pod is no longer indexed: find its owner from the final object
      if (e.type === 'DELETED') {
        const ref = eventObject(e).metadata?.ownerReferences?.find(
          o => o.controller,
        );
        return ref?.kind === 'ReplicaSet'
          ? `${e.object.namespace}/${ref.name}`
          : undefined;
      }
      return undefined;
    });
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const rs = this.ctx.store.getObject(RS, namespace, name) as Obj | undefined;
    if (!rs || rs.metadata.deletionTimestamp) return;
    const pods = this.gc.podsControlledBy(rs.metadata.uid);
    const active = pods.filter(p => p.active);
    const want = rs.spec.replicas ?? 1;
    let failure: string | undefined;
    const backoff = this.backoffUntil.get(key);
    const waiting = backoff && backoff.until > this.ctx.clock.now();
    if (waiting) failure = backoff.failure;
    else this.backoffUntil.delete(key);
    if (active.length < want && !waiting) {
      for (let i = active.length; i < want; i++) {
        const podName = `${name}-${this.ctx.rng.suffix()}`;
        try {
          this.ctx.api.create(
            PODS,
            namespace,
            podFromTemplate(rs, rs.spec.template, podName),
            { internal: true },
          );
          this.ctx.events.record(
            involvedOf(rs),
            'Normal',
            'SuccessfulCreate',
            `Created pod: ${podName}`,
            { component: 'replicaset-controller' },
          );
        } catch (e) {
          failure = e instanceof ApiError ? e.message : String(e);
          this.ctx.events.record(
            involvedOf(rs),
            'Warning',
            'FailedCreate',
            `Error creating: ${failure}`,
            { component: 'replicaset-controller' },
          );
          // the real controller retries with backoff; quota may free up
          this.backoffUntil.set(key, {
            until: this.ctx.clock.now() + 30_000,
            failure,
          });
          this.ctx.clock.setTimer(30_000, () => this.enqueue(key));
          break;
        }
      }
    } else if (active.length > want) {
      // like the real controller: unscheduled, then pending, then not ready, then newest pods go first
      const rank = (p: PodSummary) => {
        if (!p.scheduled) return 0;
        if (p.phase === 'Pending') return 1;
        return p.ready ? 3 : 2;
      };
      const victims = [...active]
        .sort(
          (a, b) =>
            rank(a) - rank(b) ||
            String(b.created).localeCompare(String(a.created)),
        )
        .slice(0, active.length - want);
      for (const v of victims) {
        try {
          deleteObject(this.ctx.api, PODS, namespace, v.name, {}, uid =>
            this.gc.dependents(uid),
          );
          this.ctx.events.record(
            involvedOf(rs),
            'Normal',
            'SuccessfulDelete',
            `Deleted pod: ${v.name}`,
            { component: 'replicaset-controller' },
          );
        } catch {
          // already gone
        }
      }
    }
    const now = this.ctx.clock.nowIso();
    const ready = active.filter(p => p.ready).length;
    this.ctx.api.mutate(
      RS,
      namespace,
      name,
      o => {
        const status = ((o as Obj).status ?? {}) as Obj;
        status.replicas = active.length;
        status.fullyLabeledReplicas = active.length;
        status.readyReplicas = ready;
        status.availableReplicas = ready;
        status.observedGeneration = o.metadata!.generation;
        if (failure) {
          status.conditions = setCondition(
            status.conditions,
            {
              type: 'ReplicaFailure',
              status: 'True',
              reason: 'FailedCreate',
              message: failure,
            },
            now,
          );
        } else if (status.conditions && active.length >= want) {
          status.conditions = status.conditions.filter(
            (c: Obj) => c.type !== 'ReplicaFailure',
          );
          if (status.conditions.length === 0) delete status.conditions;
        }
        for (const k of [
          'readyReplicas',
          'availableReplicas',
          'fullyLabeledReplicas',
        ])
          if (status[k] === 0) delete status[k];
        (o as Obj).status = status;
      },
      { subresource: 'status' },
    );
  }
}
