/*
 * DaemonSet controller: one pod per eligible node (node selector and taints),
 * pinned with the `metadata.name` node affinity the real controller uses, so
 * that the scheduler places it. Runs dcgm-exporter on every GPU node.
 */
import { eventObject } from '../store/eventHistory';
import { deleteObject } from '../api/deletion';
import { resourceById } from '../api/resources';
import { templateHash } from '../sim/random';
import { Controller, ControllerContext, splitKey } from './controller';
import { involvedOf } from './eventRecorder';
import { GarbageCollector, PodSummary } from './garbageCollector';
import { podFromTemplate } from './replicaSetController';
import { Taint, affinityMatches, tolerates } from './schedulerNodes';

const DS = resourceById('apps/daemonsets');
const PODS = resourceById('core/pods');
const NODES = resourceById('core/nodes');
type Obj = Record<string, any>;

const DAEMON_TOLERATIONS = [
  {
    key: 'node.kubernetes.io/not-ready',
    operator: 'Exists',
    effect: 'NoExecute',
  },
  {
    key: 'node.kubernetes.io/unreachable',
    operator: 'Exists',
    effect: 'NoExecute',
  },
  {
    key: 'node.kubernetes.io/disk-pressure',
    operator: 'Exists',
    effect: 'NoSchedule',
  },
  {
    key: 'node.kubernetes.io/memory-pressure',
    operator: 'Exists',
    effect: 'NoSchedule',
  },
  {
    key: 'node.kubernetes.io/pid-pressure',
    operator: 'Exists',
    effect: 'NoSchedule',
  },
  {
    key: 'node.kubernetes.io/unschedulable',
    operator: 'Exists',
    effect: 'NoSchedule',
  },
];

/** Keeps one pod per eligible node for each DaemonSet. */
export class DaemonSetController extends Controller {
  /** labels and taints of every node, so reconciles never re-parse nodes */
  private readonly nodes = new Map<
    string,
    { labels: Record<string, string>; taints: Taint[] }
  >();

  constructor(ctx: ControllerContext, private readonly gc: GarbageCollector) {
    super(ctx, 'daemonset-controller');
    this.watch(DS, e => (e.type === 'DELETED' ? undefined : e.object.key));
    this.watch(NODES, e => {
      const before = this.nodes.get(e.object.name);
      if (e.type === 'DELETED') this.nodes.delete(e.object.name);
      else {
        const n = eventObject(e) as Obj;
        const next = {
          labels: n.metadata.labels ?? {},
          taints: (n.spec?.taints ?? []) as Taint[],
        };
        // status-only node updates do not change where daemons run
        if (before && JSON.stringify(before) === JSON.stringify(next))
          return undefined;
        this.nodes.set(e.object.name, next);
      }
      return Array.from(ctx.store.table(DS).values(), d => d.key);
    });
    this.watch(PODS, e => {
      const owner =
        e.type === 'DELETED'
          ? eventObject(e).metadata?.ownerReferences?.find(o => o.controller)
          : this.gc.controllerOf(PODS.id, e.object.key);
      return owner?.kind === 'DaemonSet'
        ? `${e.object.namespace}/${owner.name}`
        : undefined;
    });
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const ds = this.ctx.store.getObject(DS, namespace, name) as Obj | undefined;
    if (!ds || ds.metadata.deletionTimestamp) return;
    const spec = ds.spec.template.spec ?? {};
    const tolerations = [...(spec.tolerations ?? []), ...DAEMON_TOLERATIONS];
    const eligible = new Set<string>();
    for (const [nodeName, node] of this.nodes) {
      if (
        !affinityMatches(
          { nodeSelector: spec.nodeSelector },
          nodeName,
          node.labels,
        )
      )
        continue;
      if (
        node.taints.some(
          t =>
            (t.effect === 'NoSchedule' || t.effect === 'NoExecute') &&
            !tolerates(tolerations, t),
        )
      )
        continue;
      eligible.add(nodeName);
    }
    const byNode = new Map<string, PodSummary>();
    for (const p of this.gc.podsControlledBy(ds.metadata.uid)) {
      if (p.active && p.pinnedNode) byNode.set(p.pinnedNode, p);
    }
    const hash = templateHash(ds.spec.template);
    for (const node of eligible) {
      if (byNode.has(node)) continue;
      const podName = `${name}-${this.ctx.rng.suffix()}`;
      const pod = podFromTemplate(ds, ds.spec.template, podName, {
        'controller-revision-hash': hash,
        'pod-template-generation': String(ds.metadata.generation ?? 1),
      });
      const ps = pod.spec as Obj;
      ps.tolerations = tolerations;
      ps.affinity = {
        ...(ps.affinity ?? {}),
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchFields: [
                  { key: 'metadata.name', operator: 'In', values: [node] },
                ],
              },
            ],
          },
        },
      };
      try {
        this.ctx.api.create(PODS, namespace, pod, { internal: true });
        this.ctx.events.record(
          involvedOf(ds),
          'Normal',
          'SuccessfulCreate',
          `Created pod: ${podName}`,
          { component: 'daemonset-controller' },
        );
      } catch {
        // namespace terminating or quota: retried on the next change
      }
    }
    for (const [node, p] of byNode) {
      if (eligible.has(node)) continue;
      try {
        deleteObject(
          this.ctx.api,
          PODS,
          namespace,
          p.name,
          { gracePeriodSeconds: 0 },
          uid => this.gc.dependents(uid),
        );
      } catch {
        // gone already
      }
    }
    const scheduled = Array.from(byNode.entries())
      .filter(([n]) => eligible.has(n))
      .map(([, p]) => p);
    const ready = scheduled.filter(p => p.ready).length;
    this.ctx.api.mutate(
      DS,
      namespace,
      name,
      o => {
        (o as Obj).status = {
          currentNumberScheduled: scheduled.length,
          desiredNumberScheduled: eligible.size,
          numberMisscheduled: 0,
          numberReady: ready,
          numberAvailable: ready,
          updatedNumberScheduled: scheduled.length,
          observedGeneration: o.metadata!.generation,
          ...(eligible.size - ready > 0
            ? { numberUnavailable: eligible.size - ready }
            : {}),
        };
      },
      { subresource: 'status' },
    );
  }
}
