/*
 * Deployment controller: one ReplicaSet per pod template (`<name>-<hash>`,
 * label `pod-template-hash`, revision annotations), rolling updates within
 * maxSurge/maxUnavailable, status with Available/Progressing conditions
 * (including ProgressDeadlineExceeded for a rollout stuck in a crash loop).
 */
import { deleteObject } from '../api/deletion';
import { resourceById } from '../api/resources';
import { TimerHandle } from '../sim/clock';
import { templateHash } from '../sim/random';
import { KubeObject } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  ownerRef,
  setCondition,
  splitKey,
} from './controller';
import { involvedOf } from './eventRecorder';
import { GarbageCollector } from './garbageCollector';

const DEPLOYMENTS = resourceById('apps/deployments');
const RS = resourceById('apps/replicasets');

type Obj = Record<string, any>;

/** Resolves an int-or-percent (`25%`) against a replica count. */
export function intOrPercent(
  v: unknown,
  total: number,
  roundUp: boolean,
): number {
  if (typeof v === 'number') return v;
  const s = String(v ?? '0');
  if (s.endsWith('%')) {
    const x = (Number(s.slice(0, -1)) / 100) * total;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  return Number(s) || 0;
}

/** Keeps Deployments' ReplicaSets in line with their template and replica count. */
export class DeploymentController extends Controller {
  private readonly deadlineTimers = new Map<string, TimerHandle>();

  constructor(ctx: ControllerContext, private readonly gc: GarbageCollector) {
    super(ctx, 'deployment-controller');
    this.watch(DEPLOYMENTS, e =>
      e.type === 'DELETED' ? undefined : e.object.key,
    );
    this.watch(RS, e => {
      const owner = this.gc.controllerOf(RS.id, e.object.key);
      return owner?.kind === 'Deployment'
        ? `${e.object.namespace}/${owner.name}`
        : undefined;
    });
  }

  private ownedReplicaSets(dep: Obj): Obj[] {
    return this.gc
      .dependents(dep.metadata.uid)
      .filter(d => d.resource.id === RS.id)
      .map(
        d =>
          this.ctx.store.getObject(RS, d.namespace, d.name) as Obj | undefined,
      )
      .filter((rs): rs is Obj => !!rs && !rs.metadata.deletionTimestamp)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const dep = this.ctx.store.getObject(DEPLOYMENTS, namespace, name) as
      | Obj
      | undefined;
    if (!dep || dep.metadata.deletionTimestamp) return;
    const replicas: number = dep.spec.replicas ?? 1;
    const hash = templateHash(dep.spec.template);
    let all = this.ownedReplicaSets(dep);
    let current = all.find(
      rs => rs.metadata.labels?.['pod-template-hash'] === hash,
    );
    const maxRevision = all.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    if (!current) {
      current = this.createReplicaSet(
        dep,
        hash,
        maxRevision + 1,
        all.length === 0 ? replicas : 0,
      );
      all = [...all, current];
    } else if (revisionOf(current) < maxRevision) {
      // rolling back to an older template makes its ReplicaSet the newest revision again
      this.setRevision(current, maxRevision + 1);
    }
    const old = all.filter(rs => rs !== current);
    const paused = !!dep.spec.paused;
    if (!paused) this.rollout(dep, current, old, replicas);
    this.cleanup(dep, old);
    this.updateStatus(dep, current, all, replicas);
  }

  private createReplicaSet(
    dep: Obj,
    hash: string,
    revision: number,
    initialReplicas: number,
  ): Obj {
    const template = JSON.parse(JSON.stringify(dep.spec.template));
    template.metadata = template.metadata ?? {};
    template.metadata.labels = {
      ...(template.metadata.labels ?? {}),
      'pod-template-hash': hash,
    };
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${dep.metadata.name}-${hash}`,
        namespace: dep.metadata.namespace,
        labels: template.metadata.labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(
            dep.spec.replicas ?? 1,
          ),
          'deployment.kubernetes.io/max-replicas': String(
            (dep.spec.replicas ?? 1) +
              intOrPercent(
                dep.spec.strategy?.rollingUpdate?.maxSurge ?? '25%',
                dep.spec.replicas ?? 1,
                true,
              ),
          ),
          'deployment.kubernetes.io/revision': String(revision),
        },
        ownerReferences: [ownerRef(dep)],
      },
      spec: {
        replicas: initialReplicas,
        minReadySeconds: dep.spec.minReadySeconds,
        selector: {
          ...dep.spec.selector,
          matchLabels: {
            ...(dep.spec.selector?.matchLabels ?? {}),
            'pod-template-hash': hash,
          },
        },
        template,
      },
    };
    const created = this.ctx.api.create(RS, dep.metadata.namespace, rs, {
      internal: true,
    });
    if (initialReplicas > 0)
      this.scaledEvent(dep, rs.metadata!.name!, 0, initialReplicas);
    this.ctx.api.mutate(
      DEPLOYMENTS,
      dep.metadata.namespace,
      dep.metadata.name,
      o => {
        o.metadata!.annotations = {
          ...(o.metadata!.annotations ?? {}),
          'deployment.kubernetes.io/revision': String(revision),
        };
      },
      { internal: true },
    );
    return JSON.parse(created.json) as Obj;
  }

  private setRevision(rs: Obj, revision: number): void {
    this.ctx.api.mutate(RS, rs.metadata.namespace, rs.metadata.name, o => {
      o.metadata!.annotations = {
        ...(o.metadata!.annotations ?? {}),
        'deployment.kubernetes.io/revision': String(revision),
      };
    });
  }

  private scale(dep: Obj, rs: Obj, to: number): void {
    const from = rs.spec.replicas ?? 0;
    if (from === to) return;
    this.ctx.api.mutate(RS, rs.metadata.namespace, rs.metadata.name, o => {
      (o as Obj).spec.replicas = to;
      o.metadata!.annotations = {
        ...(o.metadata!.annotations ?? {}),
        'deployment.kubernetes.io/desired-replicas': String(
          dep.spec.replicas ?? 1,
        ),
      };
    });
    rs.spec.replicas = to;
    this.scaledEvent(dep, rs.metadata.name, from, to);
  }

  private scaledEvent(
    dep: Obj,
    rsName: string,
    from: number,
    to: number,
  ): void {
    const verb = to > from ? 'up' : 'down';
    this.ctx.events.record(
      involvedOf(dep as KubeObject),
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${verb} replica set ${rsName} from ${from} to ${to}`,
      { component: 'deployment-controller' },
    );
  }

  private rollout(dep: Obj, current: Obj, old: Obj[], replicas: number): void {
    const oldActive = old.filter(rs => (rs.spec.replicas ?? 0) > 0);
    if (oldActive.length === 0) {
      this.scale(dep, current, replicas);
      return;
    }
    if (dep.spec.strategy?.type === 'Recreate') {
      for (const rs of oldActive) this.scale(dep, rs, 0);
      if (oldActive.every(rs => (rs.status?.replicas ?? 0) === 0))
        this.scale(dep, current, replicas);
      return;
    }
    let maxSurge = intOrPercent(
      dep.spec.strategy?.rollingUpdate?.maxSurge ?? '25%',
      replicas,
      true,
    );
    const maxUnavailable = intOrPercent(
      dep.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
      replicas,
      false,
    );
    if (maxSurge === 0 && maxUnavailable === 0) maxSurge = 1;
    const total = [current, ...old].reduce(
      (n, rs) => n + (rs.spec.replicas ?? 0),
      0,
    );
    const room = replicas + maxSurge - total;
    if (room > 0 && (current.spec.replicas ?? 0) < replicas) {
      this.scale(
        dep,
        current,
        Math.min(replicas, (current.spec.replicas ?? 0) + room),
      );
    }
    const available = [current, ...old].reduce(
      (n, rs) => n + (rs.status?.availableReplicas ?? 0),
      0,
    );
    let removable = Math.max(0, available - (replicas - maxUnavailable));
    for (const rs of oldActive) {
      const unhealthy = Math.max(
        0,
        (rs.spec.replicas ?? 0) - (rs.status?.availableReplicas ?? 0),
      );
      const cut = Math.min(rs.spec.replicas ?? 0, unhealthy + removable);
      if (cut > 0) {
        removable -= Math.max(0, cut - unhealthy);
        this.scale(dep, rs, (rs.spec.replicas ?? 0) - cut);
      }
    }
  }

  private cleanup(dep: Obj, old: Obj[]): void {
    const limit = dep.spec.revisionHistoryLimit ?? 10;
    const idle = old.filter(
      rs => (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0,
    );
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      try {
        deleteObject(
          this.ctx.api,
          RS,
          rs.metadata.namespace,
          rs.metadata.name,
          {},
          uid => this.gc.dependents(uid),
        );
      } catch {
        // already gone
      }
    }
  }

  private updateStatus(
    dep: Obj,
    current: Obj,
    all: Obj[],
    replicas: number,
  ): void {
    const sum = (f: (rs: Obj) => number) => all.reduce((n, rs) => n + f(rs), 0);
    const statusReplicas = sum(rs => rs.status?.replicas ?? 0);
    const ready = sum(rs => rs.status?.readyReplicas ?? 0);
    const available = sum(rs => rs.status?.availableReplicas ?? 0);
    const updated = current.status?.replicas ?? 0;
    const maxUnavailable = intOrPercent(
      dep.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
      replicas,
      false,
    );
    const now = this.ctx.clock.nowIso();
    const rsName = current.metadata.name;
    const complete =
      updated === replicas &&
      (current.status?.availableReplicas ?? 0) === replicas &&
      statusReplicas === replicas;
    const deadline = (dep.spec.progressDeadlineSeconds ?? 600) * 1000;
    const replicaFailure = ((current.status?.conditions ?? []) as Obj[]).find(
      c => c.type === 'ReplicaFailure' && c.status === 'True',
    );
    this.ctx.api.mutate(
      DEPLOYMENTS,
      dep.metadata.namespace,
      dep.metadata.name,
      o => {
        const prev = ((o as Obj).status ?? {}) as Obj;
        const status: Obj = {
          observedGeneration: o.metadata!.generation,
          replicas: statusReplicas,
          updatedReplicas: updated,
          readyReplicas: ready,
          availableReplicas: available,
        };
        const unavailable = Math.max(0, replicas - available);
        if (unavailable > 0) status.unavailableReplicas = unavailable;
        for (const k of [
          'replicas',
          'updatedReplicas',
          'readyReplicas',
          'availableReplicas',
        ])
          if (status[k] === 0) delete status[k];
        let conditions = prev.conditions as Obj[] | undefined;
        const extra = { lastUpdateTime: now };
        conditions = setCondition(
          conditions,
          available >= replicas - maxUnavailable
            ? {
                type: 'Available',
                status: 'True',
                reason: 'MinimumReplicasAvailable',
                message: 'Deployment has minimum availability.',
              }
            : {
                type: 'Available',
                status: 'False',
                reason: 'MinimumReplicasUnavailable',
                message: 'Deployment does not have minimum availability.',
              },
          now,
          extra,
        );
        const progressing = conditions.find(c => c.type === 'Progressing');
        const progressed =
          !progressing ||
          progressing.reason !== 'ReplicaSetUpdated' ||
          prev.availableReplicas !== status.availableReplicas ||
          prev.updatedReplicas !== status.updatedReplicas;
        if (complete) {
          conditions = setCondition(
            conditions,
            {
              type: 'Progressing',
              status: 'True',
              reason: 'NewReplicaSetAvailable',
              message: `ReplicaSet "${rsName}" has successfully progressed.`,
            },
            now,
            extra,
          );
        } else if (
          progressing?.reason === 'ProgressDeadlineExceeded' &&
          !progressed
        ) {
          // stays timed out until something moves
        } else if (
          !progressed &&
          Date.parse(String(progressing?.lastUpdateTime)) + deadline <=
            this.ctx.clock.now()
        ) {
          conditions = setCondition(
            conditions,
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: `ReplicaSet "${rsName}" has timed out progressing.`,
            },
            now,
            extra,
          );
        } else if (progressed) {
          conditions = setCondition(
            conditions,
            {
              type: 'Progressing',
              status: 'True',
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${rsName}" is progressing.`,
            },
            now,
            extra,
          );
          const p = conditions.find(c => c.type === 'Progressing')!;
          p.lastUpdateTime = now;
        }
        conditions = conditions.filter(c => c.type !== 'ReplicaFailure');
        if (replicaFailure)
          conditions.push({
            type: 'ReplicaFailure',
            status: 'True',
            lastUpdateTime: now,
            lastTransitionTime: replicaFailure.lastTransitionTime ?? now,
            reason: 'FailedCreate',
            message: replicaFailure.message,
          });
        status.conditions = conditions;
        (o as Obj).status = status;
      },
      { subresource: 'status' },
    );
    const key = `${dep.metadata.namespace}/${dep.metadata.name}`;
    this.ctx.clock.clearTimer(this.deadlineTimers.get(key));
    this.deadlineTimers.delete(key);
    if (!complete) {
      // re-check when the progress deadline would pass
      this.deadlineTimers.set(
        key,
        this.ctx.clock.setTimer(deadline + 1000, () => this.enqueue(key)),
      );
    }
  }
}

function revisionOf(rs: Obj): number {
  return Number(
    rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0,
  );
}
