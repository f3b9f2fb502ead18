/*
 * StatefulSet controller: pods `<name>-0 .. <name>-(n-1)` with stable names,
 * created in order (OrderedReady) or all at once (Parallel), removed from the
 * highest ordinal, replaced one at a time when the template changes.
 */
import { eventObject } from '../store/eventHistory';
import { deleteObject } from '../api/deletion';
import { resourceById } from '../api/resources';
import { templateHash } from '../sim/random';
import { Controller, ControllerContext, splitKey } from './controller';
import { involvedOf } from './eventRecorder';
import { GarbageCollector, PodSummary } from './garbageCollector';
import { podFromTemplate } from './replicaSetController';

const STS = resourceById('apps/statefulsets');
const PODS = resourceById('core/pods');
type Obj = Record<string, any>;

/** Keeps StatefulSets' ordinal pods. */
export class StatefulSetController extends Controller {
  private readonly backoffUntil = new Map<string, number>();

  constructor(ctx: ControllerContext, private readonly gc: GarbageCollector) {
    super(ctx, 'statefulset-controller');
    this.watch(STS, e => (e.type === 'DELETED' ? undefined : e.object.key));
    this.watch(PODS, e => {
      const owner =
        e.type === 'DELETED'
          ? eventObject(e).metadata?.ownerReferences?.find(o => o.controller)
          : this.gc.controllerOf(PODS.id, e.object.key);
      return owner?.kind === 'StatefulSet'
        ? `${e.object.namespace}/${owner.name}`
        : undefined;
    });
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const sts = this.ctx.store.getObject(STS, namespace, name) as
      | Obj
      | undefined;
    if (!sts || sts.metadata.deletionTimestamp) return;
    const replicas: number = sts.spec.replicas ?? 1;
    const revision = `${name}-${templateHash(sts.spec.template)}`;
    const pods = new Map<number, PodSummary>();
    for (const p of this.gc.podsControlledBy(sts.metadata.uid)) {
      const ordinal = Number(p.name.slice(name.length + 1));
      if (Number.isInteger(ordinal)) pods.set(ordinal, p);
    }
    const ordered =
      (sts.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const blocked = (this.backoffUntil.get(key) ?? 0) > this.ctx.clock.now();
    const start: number = sts.spec.ordinals?.start ?? 0;
    const end = start + replicas;
    for (let i = start; i < end; i++) {
      const p = pods.get(i);
      if (p && p.active) {
        if (ordered && !p.ready) break;
        continue;
      }
      if (p || blocked) break; // terminating (wait for it to go) or backing off after a failure
      const podName = `${name}-${i}`;
      const pod = podFromTemplate(sts, sts.spec.template, podName, {
        'statefulset.kubernetes.io/pod-name': podName,
        'apps.kubernetes.io/pod-index': String(i),
        'controller-revision-hash': revision,
      });
      delete pod.metadata!.generateName;
      (pod.spec as Obj).hostname = podName;
      if (sts.spec.serviceName)
        (pod.spec as Obj).subdomain = sts.spec.serviceName;
      try {
        this.ctx.api.create(PODS, namespace, pod, { internal: true });
        this.ctx.events.record(
          involvedOf(sts),
          'Normal',
          'SuccessfulCreate',
          `create Pod ${podName} in StatefulSet ${name} successful`,
          { component: 'statefulset-controller' },
        );
      } catch (e) {
        this.ctx.events.record(
          involvedOf(sts),
          'Warning',
          'FailedCreate',
          `create Pod ${podName} in StatefulSet ${name} failed error: ${
            (e as Error).message
          }`,
          { component: 'statefulset-controller' },
        );
        this.backoffUntil.set(key, this.ctx.clock.now() + 30_000);
        this.ctx.clock.setTimer(30_000, () => this.enqueue(key));
        break;
      }
      if (ordered) break;
    }
    const remove = (p: PodSummary, reason: string) => {
      try {
        deleteObject(this.ctx.api, PODS, namespace, p.name, {}, uid =>
          this.gc.dependents(uid),
        );
        this.ctx.events.record(
          involvedOf(sts),
          'Normal',
          'SuccessfulDelete',
          `delete Pod ${p.name} in StatefulSet ${name} successful${reason}`,
          { component: 'statefulset-controller' },
        );
      } catch {
        // gone already
      }
    };
    const extra = Array.from(pods.entries())
      .filter(([i, p]) => (i >= end || i < start) && p.active)
      .sort((a, b) => b[0] - a[0]);
    if (extra.length > 0) remove(extra[0][1], '');
    else {
      const active = Array.from(pods.entries()).filter(
        ([i, p]) => i >= start && i < end && p.active,
      );
      const outdated = active
        .filter(([, p]) => p.labels['controller-revision-hash'] !== revision)
        .sort((a, b) => b[0] - a[0]);
      if (
        outdated.length > 0 &&
        active.every(
          ([, p]) =>
            p.ready || p.labels['controller-revision-hash'] !== revision,
        )
      ) {
        remove(outdated[0][1], '');
      }
    }
    const active = Array.from(pods.values()).filter(p => p.active);
    const ready = active.filter(p => p.ready).length;
    const updated = active.filter(
      p => p.labels['controller-revision-hash'] === revision,
    ).length;
    this.ctx.api.mutate(
      STS,
      namespace,
      name,
      o => {
        (o as Obj).status = {
          observedGeneration: o.metadata!.generation,
          replicas: active.length,
          readyReplicas: ready,
          currentReplicas: updated,
          updatedReplicas: updated,
          availableReplicas: ready,
          currentRevision: revision,
          updateRevision: revision,
          collisionCount: 0,
        };
      },
      { subresource: 'status' },
    );
  }
}
