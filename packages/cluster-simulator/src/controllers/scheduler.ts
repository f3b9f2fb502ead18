/*
 * The default scheduler: binds pending pods to nodes that pass its filters
 * (unschedulable, taints, node selector and affinity, resources including
 * `nvidia.com/gpu`), or leaves them Pending with PodScheduled=False and a
 * FailedScheduling event worded like kube-scheduler's:
 * `0/5 nodes are available: 3 Insufficient nvidia.com/gpu, 2 node(s) didn't
 * match Pod's node affinity/selector. preemption: ...`.
 */
import { resourceById } from '../api/resources';
import { TimerHandle } from '../sim/clock';
import { ResourceAmounts, isTerminal, podResources } from '../sim/podResources';
import { StoreEvent, eventObject } from '../store/eventHistory';
import { KubeObject } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  parseQuantity,
  setCondition,
  splitKey,
} from './controller';
import { involvedOf } from './eventRecorder';
import {
  BIND_TIMEOUT_MS,
  PodVolumes,
  VOLUME_ZONE_CONFLICT,
  claimsBound,
  podVolumes,
  zoneOfNode,
} from './schedulerVolumes';
import { SELECTED_NODE } from './volumeBinder';
import {
  NodeClass,
  SchedNode,
  Taint,
  affinityMatches,
  classKey,
  pinsNodes,
  tolerates,
} from './schedulerNodes';

const PODS = resourceById('core/pods');
const NODES = resourceById('core/nodes');
const PVCS = resourceById('core/persistentvolumeclaims');

type Obj = Record<string, any>;

function nodeAllocatable(node: Obj): ResourceAmounts {
  const out: ResourceAmounts = {};
  for (const [k, v] of Object.entries(
    (node.status?.allocatable ?? {}) as Obj,
  )) {
    out[k] =
      k === 'cpu' ? Math.round(parseQuantity(v) * 1000) : parseQuantity(v);
  }
  return out;
}

function deviceOf(alloc: ResourceAmounts): string | undefined {
  let best: string | undefined;
  for (const [k, v] of Object.entries(alloc)) {
    if (
      (k === 'nvidia.com/gpu' || k.startsWith('nvidia.com/mig-')) &&
      v > 0 &&
      (!best || v > alloc[best])
    )
      best = k;
  }
  return best;
}

interface Placement {
  node: string;
  requests: ResourceAmounts;
}

/** Binds pending pods to nodes. */
export class Scheduler extends Controller {
  private readonly nodes = new Map<string, SchedNode>();
  private readonly classes = new Map<string, NodeClass>();
  private readonly placements = new Map<string, Placement>();
  private readonly unschedulable = new Set<string>();
  private readonly retryTimers = new Map<string, TimerHandle>();
  private retryArmed = false;
  /** pods assumed on a node while their WaitForFirstConsumer claims are provisioned (VolumeBinding PreBind) */
  private readonly volumeWaits = new Map<
    string,
    { node: SchedNode; claims: string[]; timer: TimerHandle }
  >();
  /** called when a pod could not be placed (Karpenter listens) */
  onUnschedulable?: (podKey: string) => void;

  constructor(ctx: ControllerContext) {
    super(ctx, 'default-scheduler');
    ctx.store.subscribeType(NODES, e => this.onNode(e));
    ctx.store.subscribeType(PODS, e => this.onPod(e));
    // a claim that binds can unblock pods waiting on it (VolumeBinding's PVC events)
    ctx.store.subscribeType(PVCS, e => {
      if (e.type === 'DELETED') return;
      this.finishVolumeWaits(e.object.namespace);
      this.retryLater();
    });
  }

  /** Free units of a resource per node (for Karpenter and metrics). */
  freeOn(nodeName: string, resource: string): number {
    const n = this.nodes.get(nodeName);
    return n
      ? (n.allocatable[resource] ?? 0) - (n.requested[resource] ?? 0)
      : 0;
  }

  /** Pods currently bound to a node. */
  podCountOn(nodeName: string): number {
    return this.nodes.get(nodeName)?.pods ?? 0;
  }

  private onNode(e: StoreEvent): void {
    const name = e.object.name;
    const old = this.nodes.get(name);
    if (old) old.cls.remove(old);
    if (e.type === 'DELETED') {
      this.nodes.delete(name);
      return;
    }
    const node = eventObject(e) as Obj;
    const taints: Taint[] = node.spec?.taints ?? [];
    const unschedulable = !!node.spec?.unschedulable;
    const allocatable = nodeAllocatable(node);
    const device = deviceOf(allocatable);
    const key = classKey(
      node.metadata.labels ?? {},
      taints,
      unschedulable,
      device,
    );
    let cls = this.classes.get(key);
    if (!cls) {
      cls = new NodeClass(
        key,
        node.metadata.labels ?? {},
        taints,
        unschedulable,
        device,
      );
      this.classes.set(key, cls);
    }
    const sn: SchedNode = {
      name,
      labels: node.metadata.labels ?? {},
      taints,
      unschedulable,
      allocatable,
      requested: old?.requested ?? {},
      pods: old?.pods ?? 0,
      cls,
    };
    this.nodes.set(name, sn);
    cls.add(sn);
    if (
      !old ||
      old.cls.key !== key ||
      JSON.stringify(old.allocatable) !== JSON.stringify(allocatable)
    )
      this.retryLater();
  }

  private onPod(e: StoreEvent): void {
    const key = e.object.key;
    const pod = eventObject(e) as Obj;
    const bound =
      e.type !== 'DELETED' && pod.spec?.nodeName && !isTerminal(pod);
    const had = this.placements.get(key);
    const assumed = this.volumeWaits.has(key) && e.type !== 'DELETED';
    if (had && !assumed && (!bound || had.node !== pod.spec.nodeName)) {
      this.release(key, had);
      this.retryLater();
    }
    if (bound && !this.placements.has(key))
      this.reserve(key, pod.spec.nodeName, podResources(pod.spec));
    if (e.type === 'DELETED') {
      this.unschedulable.delete(key);
      return;
    }
    if (
      !pod.spec?.nodeName &&
      !pod.metadata.deletionTimestamp &&
      (pod.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler'
    ) {
      if (e.type === 'ADDED') this.enqueue(key);
    }
  }

  private reserve(
    key: string,
    nodeName: string,
    requests: ResourceAmounts,
  ): void {
    const n = this.nodes.get(nodeName);
    this.placements.set(key, { node: nodeName, requests });
    if (!n) return;
    n.cls.beforeChange(n);
    for (const [r, v] of Object.entries(requests))
      n.requested[r] = (n.requested[r] ?? 0) + v;
    n.pods++;
    n.cls.afterChange(n);
  }

  private release(key: string, p: Placement): void {
    this.placements.delete(key);
    const n = this.nodes.get(p.node);
    if (!n) return;
    n.cls.beforeChange(n);
    for (const [r, v] of Object.entries(p.requests))
      n.requested[r] = (n.requested[r] ?? 0) - v;
    n.pods--;
    n.cls.afterChange(n);
  }

  /** Retries unschedulable pods soon (after a batch of cluster changes). */
  retryLater(delayMs = 1000): void {
    if (this.retryArmed || this.unschedulable.size === 0) return;
    this.retryArmed = true;
    this.ctx.clock.setTimer(delayMs, () => {
      this.retryArmed = false;
      for (const k of this.unschedulable) this.enqueue(k);
    });
  }

  private fits(n: SchedNode, requests: ResourceAmounts): string[] {
    const reasons: string[] = [];
    for (const [r, v] of Object.entries(requests)) {
      if (v > 0 && (n.allocatable[r] ?? 0) - (n.requested[r] ?? 0) < v)
        reasons.push(`Insufficient ${r}`);
    }
    if (n.pods + 1 > (n.allocatable.pods ?? 110)) reasons.push('Too many pods');
    return reasons;
  }

  private classReason(
    cls: NodeClass,
    spec: Obj,
    nodeName?: string,
    labels?: Record<string, string>,
  ): string | undefined {
    const tolerations = (spec.tolerations ?? []) as Obj[];
    if (
      cls.unschedulable &&
      !tolerates(tolerations, {
        key: 'node.kubernetes.io/unschedulable',
        effect: 'NoSchedule',
      })
    ) {
      return 'node(s) were unschedulable';
    }
    for (const t of cls.taints) {
      if (
        (t.effect === 'NoSchedule' || t.effect === 'NoExecute') &&
        !tolerates(tolerations, t)
      ) {
        return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;
      }
    }
    if (!affinityMatches(spec, nodeName ?? '', labels ?? cls.labels))
      return "node(s) didn't match Pod's node affinity/selector";
    return undefined;
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.ctx.store.getObject(PODS, namespace, name) as
      | Obj
      | undefined;
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp) {
      this.unschedulable.delete(key);
      return;
    }
    if (this.volumeWaits.has(key)) return;
    const spec = pod.spec ?? {};
    const requests = podResources(spec);
    const volumes = podVolumes(this.ctx.store, pod);
    if (volumes.preFilter) {
      this.reportUnschedulable(key, pod, requests, volumes);
      return;
    }
    const device = Object.keys(requests).find(
      r =>
        (r === 'nvidia.com/gpu' || r.startsWith('nvidia.com/mig-')) &&
        requests[r] > 0,
    );
    const pinned = pinsNodes(spec);
    let chosen: SchedNode | undefined;
    let bestScore = -Infinity;
    for (const cls of this.classes.values()) {
      if (cls.nodes.size === 0) continue;
      if (!pinned && this.classReason(cls, spec)) continue;
      const pool =
        device && cls.device === device && !pinned
          ? cls.candidates(requests[device])
          : cls.nodes.values();
      for (const n of pool) {
        if (pinned && this.classReason(cls, spec, n.name, n.labels)) continue;
        if (volumes.zones && !volumes.zones.has(zoneOfNode(n.labels) ?? ''))
          continue;
        if (this.fits(n, requests).length > 0) continue;
        // bin-pack devices; spread everything else by least requested cpu
        const deviceFree = device ? cls.free(n, device) - requests[device] : 0;
        const cpuRatio =
          (n.requested.cpu ?? 0) / Math.max(1, n.allocatable.cpu ?? 1);
        const score = device ? -deviceFree * 10 - cpuRatio : -cpuRatio;
        if (
          score > bestScore ||
          (score === bestScore && chosen && n.name < chosen.name)
        ) {
          chosen = n;
          bestScore = score;
        }
        if (device && !pinned) break; // candidates come tightest-first
      }
    }
    if (chosen && volumes.delayed.length > 0)
      this.provisionThenBind(key, pod, chosen, volumes.delayed);
    else if (chosen) this.bind(pod, chosen);
    else this.reportUnschedulable(key, pod, requests, volumes);
  }

  /** VolumeBinding Reserve + PreBind: ask for the claims on the chosen node, bind the pod once they are bound */
  private provisionThenBind(
    key: string,
    pod: Obj,
    node: SchedNode,
    claims: string[],
  ): void {
    const ns = pod.metadata.namespace;
    this.unschedulable.delete(key);
    this.reserve(key, node.name, podResources(pod.spec));
    for (const c of claims) {
      this.ctx.api.mutate(PVCS, ns, c, o => {
        if (o.metadata?.annotations?.[SELECTED_NODE] === node.name)
          return false;
        o.metadata!.annotations = {
          ...(o.metadata!.annotations ?? {}),
          [SELECTED_NODE]: node.name,
        };
        return undefined;
      });
    }
    const timer = this.ctx.clock.setTimer(BIND_TIMEOUT_MS, () => {
      const wait = this.volumeWaits.get(key);
      if (!wait) return;
      this.volumeWaits.delete(key);
      const had = this.placements.get(key);
      if (had) this.release(key, had);
      const current = this.ctx.store.getObject(PODS, ns, pod.metadata.name) as
        | Obj
        | undefined;
      if (!current || current.spec?.nodeName) return;
      this.reportUnschedulable(key, current, podResources(current.spec), {
        delayed: [],
        bindError:
          'running PreBind plugin "VolumeBinding": binding volumes: timed out waiting for the condition',
      });
    });
    this.volumeWaits.set(key, { node, claims, timer });
    this.finishVolumeWaits(ns);
  }

  private finishVolumeWaits(namespace: string): void {
    for (const [key, wait] of this.volumeWaits) {
      const { namespace: ns, name } = splitKey(key);
      if (ns !== namespace || !claimsBound(this.ctx.store, ns, wait.claims))
        continue;
      this.volumeWaits.delete(key);
      this.ctx.clock.clearTimer(wait.timer);
      const pod = this.ctx.store.getObject(PODS, ns, name) as Obj | undefined;
      if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp) {
        const had = this.placements.get(key);
        if (had) this.release(key, had);
        continue;
      }
      this.bind(pod, wait.node);
    }
  }

  private bind(pod: Obj, node: SchedNode): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    this.unschedulable.delete(key);
    const now = this.ctx.clock.nowIso();
    if (this.placements.get(key)?.node !== node.name)
      this.reserve(key, node.name, podResources(pod.spec));
    this.ctx.api.mutate(PODS, pod.metadata.namespace, pod.metadata.name, o => {
      const p = o as Obj;
      p.spec.nodeName = node.name;
      p.status = p.status ?? {};
      delete p.status.nominatedNodeName;
      p.status.conditions = setCondition(
        p.status.conditions,
        { type: 'PodScheduled', status: 'True' },
        now,
        { lastProbeTime: null },
      );
    });
    this.ctx.events.record(
      involvedOf(pod as KubeObject),
      'Normal',
      'Scheduled',
      `Successfully assigned ${key} to ${node.name}`,
      { component: 'default-scheduler' },
    );
  }

  /** The kube-scheduler FitError message for a pod that fits nowhere. */
  failureMessage(
    spec: Obj,
    requests: ResourceAmounts,
    volumes?: PodVolumes & { bindError?: string },
  ): string {
    const total = this.nodes.size;
    if (total === 0) return 'no nodes available to schedule pods';
    if (volumes?.bindError) return volumes.bindError;
    if (volumes?.preFilter) {
      // FitError.Error with a PreFilter rejection: no node is examined, preemption cannot help
      return `0/${total} nodes are available: ${volumes.preFilter}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
    }
    const histogram = new Map<string, number>();
    let resourceOnly = 0;
    for (const n of this.nodes.values()) {
      const zoneConflict =
        volumes?.zones && !volumes.zones.has(zoneOfNode(n.labels) ?? '')
          ? VOLUME_ZONE_CONFLICT
          : undefined;
      const reason =
        this.classReason(n.cls, spec, n.name, n.labels) ?? zoneConflict;
      const reasons = reason ? [reason] : this.fits(n, requests);
      if (!reason) resourceOnly++;
      for (const r of reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
    }
    const fmt = (h: Map<string, number>) =>
      Array.from(h.entries())
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([r, c]) => `${c} ${r}`)
        .join(', ');
    const preemption = new Map<string, number>();
    if (resourceOnly > 0)
      preemption.set(
        'No preemption victims found for incoming pod',
        resourceOnly,
      );
    if (total - resourceOnly > 0)
      preemption.set(
        'Preemption is not helpful for scheduling',
        total - resourceOnly,
      );
    return `0/${total} nodes are available: ${fmt(
      histogram,
    )}. preemption: 0/${total} nodes are available: ${fmt(preemption)}.`;
  }

  private reportUnschedulable(
    key: string,
    pod: Obj,
    requests: ResourceAmounts,
    volumes?: PodVolumes & { bindError?: string },
  ): void {
    const message = this.failureMessage(pod.spec ?? {}, requests, volumes);
    this.unschedulable.add(key);
    const now = this.ctx.clock.nowIso();
    this.ctx.api.mutate(
      PODS,
      pod.metadata.namespace,
      pod.metadata.name,
      o => {
        const p = o as Obj;
        p.status = p.status ?? {};
        p.status.phase = 'Pending';
        p.status.conditions = setCondition(
          p.status.conditions,
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message,
          },
          now,
          { lastProbeTime: null },
        );
      },
      { subresource: 'status' },
    );
    this.ctx.events.record(
      involvedOf(pod as KubeObject),
      'Warning',
      'FailedScheduling',
      message,
      { component: 'default-scheduler' },
    );
    // Karpenter's pod controller triggers a provisioning batch on every update of a provisionable pod (PodScheduled
    // False, reason Unschedulable), not only the first: kubernetes-sigs/karpenter
    // pkg/controllers/provisioning/controller.go with pkg/utils/pod IsProvisionable. A pod first held by an unbound
    // claim and then by a full node must still bring a node. A node more cannot help a pod whose volumes block it
    // everywhere, so that failure does not trigger one.
    if (!volumes?.preFilter) this.onUnschedulable?.(key);
    // kube-scheduler flushes unschedulable pods back to the active queue periodically
    this.ctx.clock.clearTimer(this.retryTimers.get(key));
    this.retryTimers.set(
      key,
      this.ctx.clock.setTimer(
        this.ctx.timing.schedulerRetrySeconds * 1000,
        () => {
          this.retryTimers.delete(key);
          if (this.unschedulable.has(key)) this.enqueue(key);
        },
      ),
    );
  }
}
