/*
 * Karpenter (karpenter.sh/v1): when pods stay unschedulable, find a NodePool
 * whose nodes would take them, and launch NodeClaims, up to the pool's
 * `limits` (`nvidia.com/gpu`). A claim becomes a Node after the pool's
 * provisioning delay and turns Ready shortly after; pods then schedule.
 * Pools at their limit leave pods Pending with Karpenter's own event. Empty
 * nodes are consolidated after `consolidateAfter`.
 */
import { eventObject } from '../store/eventHistory';
import { resourceById } from '../api/resources';
import { INSTANCE_TYPES, GPU_MODELS } from '../sim/gpuCatalog';
import { NodeShape, buildNode, markNodeReady } from '../sim/nodeFactory';
import { Rng } from '../sim/random';
import { parseQuantity } from './controller';
import { KubeObject } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  ownerRef,
  setCondition,
} from './controller';
import { involvedOf } from './eventRecorder';
import { Scheduler } from './scheduler';
import { affinityMatches, tolerates } from './schedulerNodes';
import { podResources } from '../sim/podResources';

const NODEPOOLS = resourceById('karpenter.sh/nodepools');
const NODECLAIMS = resourceById('karpenter.sh/nodeclaims');
const NODES = resourceById('core/nodes');
const PODS = resourceById('core/pods');
type Obj = Record<string, any>;

/** Annotation carrying the NVIDIA driver version of a pool's AMI (simulator-specific). @public */
export const DRIVER_ANNOTATION =
  'sim.inference-platform.io/nvidia-driver-version';
/** Annotation with the simulated launch delay of a pool, seconds. @public */
export const PROVISION_ANNOTATION =
  'sim.inference-platform.io/provision-seconds';

function requirementValues(pool: Obj, key: string): string[] | undefined {
  const r = ((pool.spec?.template?.spec?.requirements ?? []) as Obj[]).find(
    x => x.key === key && x.operator === 'In',
  );
  return r?.values;
}

/** The node shape a NodePool launches, derived from its requirements. */
export function shapeOfPool(pool: Obj): NodeShape | undefined {
  const types = requirementValues(pool, 'node.kubernetes.io/instance-type');
  const it = types ? INSTANCE_TYPES[types[0]] : undefined;
  if (!it) return undefined;
  const gpuProduct =
    pool.spec?.template?.metadata?.labels?.['nvidia.com/gpu.product'] ??
    it.gpuProduct;
  return {
    pool: pool.metadata.name,
    instanceType: it,
    gpu: gpuProduct ? GPU_MODELS[gpuProduct] : undefined,
    driver: pool.metadata.annotations?.[DRIVER_ANNOTATION] ?? '550.54.15',
    capacityType:
      (requirementValues(pool, 'karpenter.sh/capacity-type')?.[0] as
        | 'spot'
        | 'on-demand') ?? 'on-demand',
    taints: pool.spec?.template?.spec?.taints ?? [],
    managedBy: 'karpenter',
    extraLabels: Object.fromEntries(
      Object.entries(
        (pool.spec?.template?.metadata?.labels ?? {}) as Record<string, string>,
      ).filter(([k]) => k !== 'nvidia.com/gpu.product'),
    ),
  };
}

/** Launches and consolidates nodes for NodePools. */
export class KarpenterController extends Controller {
  private readonly inflight = new Map<
    string,
    { pool: string; gpus: number; pods: Set<string> }
  >();
  private readonly nominated = new Map<string, string>();
  private readonly limitEvents = new Map<string, number>();
  private readonly emptySince = new Map<string, number>();
  private armed = false;

  constructor(ctx: ControllerContext, private readonly scheduler: Scheduler) {
    super(ctx, 'karpenter');
    scheduler.onUnschedulable = () => this.soon();
    this.watch(NODEPOOLS, () => 'status');
    this.watch(NODES, e => {
      if (e.type !== 'DELETED' && eventObject(e).metadata?.deletionTimestamp)
        return `drain|${e.object.name}`;
      return 'status';
    });
    this.ctx.clock.setTimer(30_000, () => this.consolidateLoop());
  }

  private soon(): void {
    if (this.armed) return;
    this.armed = true;
    // Karpenter batches pending pods for a moment before deciding
    this.ctx.clock.setTimer(2000, () => {
      this.armed = false;
      this.enqueue('provision');
    });
  }

  protected reconcile(key: string): void {
    if (key === 'provision') this.provision();
    else if (key === 'status') this.updatePoolStatus();
    else if (key.startsWith('drain|')) this.finalizeNode(key.slice(6));
  }

  private poolCapacity(pool: string): {
    gpus: number;
    nodes: number;
    cpu: number;
    memory: number;
    pods: number;
  } {
    const out = { gpus: 0, nodes: 0, cpu: 0, memory: 0, pods: 0 };
    for (const s of this.ctx.store.table(NODES).values()) {
      if (s.labels['karpenter.sh/nodepool'] !== pool) continue;
      const n = JSON.parse(s.json) as Obj;
      const cap = n.status?.capacity ?? {};
      out.nodes++;
      out.gpus += Object.entries(cap)
        .filter(([k]) => k.startsWith('nvidia.com/'))
        .reduce((a, [, v]) => a + Number(v), 0);
      out.cpu += parseQuantity(cap.cpu);
      out.memory += parseQuantity(cap.memory);
      out.pods += Number(cap.pods ?? 0);
    }
    for (const f of this.inflight.values())
      if (f.pool === pool) out.gpus += f.gpus;
    return out;
  }

  private provision(): void {
    const pools = Array.from(
      this.ctx.store.table(NODEPOOLS).values(),
      s => JSON.parse(s.json) as Obj,
    ).sort((a, b) => (b.spec?.weight ?? 0) - (a.spec?.weight ?? 0));
    const pending: Obj[] = [];
    for (const s of this.ctx.store.table(PODS).values()) {
      const p = JSON.parse(s.json) as Obj;
      if (p.spec?.nodeName || p.metadata.deletionTimestamp) continue;
      const sched = ((p.status?.conditions ?? []) as Obj[]).find(
        c => c.type === 'PodScheduled',
      );
      if (sched?.reason !== 'Unschedulable') continue;
      const claim = this.nominated.get(s.key);
      if (
        claim &&
        (this.inflight.has(claim) ||
          this.ctx.store.get(NODECLAIMS, undefined, claim))
      )
        continue;
      pending.push(p);
    }
    const plans = new Map<
      string,
      { pool: Obj; shape: NodeShape; pods: Obj[] }
    >();
    for (const p of pending) {
      for (const pool of pools) {
        const shape = shapeOfPool(pool);
        if (!shape || !this.compatible(p, shape)) continue;
        const plan = plans.get(pool.metadata.name) ?? { pool, shape, pods: [] };
        plan.pods.push(p);
        plans.set(pool.metadata.name, plan);
        break;
      }
    }
    for (const { pool, shape, pods } of plans.values())
      this.launchFor(pool, shape, pods);
  }

  private compatible(pod: Obj, shape: NodeShape): boolean {
    // a prototype node, built with its own randomness so the cluster's stays reproducible
    const proto = buildNode({
      shape,
      region: this.ctx.region,
      zone: `${this.ctx.region}a`,
      kubeletVersion: 'v1',
      createdAt: this.ctx.clock.nowIso(),
      ready: true,
      rng: new Rng(shape.pool),
    });
    const labels = proto.metadata!.labels!;
    if (!affinityMatches(pod.spec, '', labels)) return false;
    const tol = (pod.spec.tolerations ?? []) as Obj[];
    if (shape.taints.some(t => !tolerates(tol, t))) return false;
    const req = podResources(pod.spec);
    const alloc = (proto.status as Obj).allocatable as Obj;
    return Object.entries(req).every(
      ([k, v]) =>
        (k === 'cpu'
          ? parseQuantity(alloc.cpu) * 1000
          : parseQuantity(alloc[k])) >= v,
    );
  }

  private launchFor(pool: Obj, shape: NodeShape, pods: Obj[]): void {
    const limit =
      pool.spec?.limits?.['nvidia.com/gpu'] !== undefined
        ? Number(pool.spec.limits['nvidia.com/gpu'])
        : Infinity;
    const perNode = shape.instanceType.gpus;
    let capacity = this.poolCapacity(pool.metadata.name).gpus;
    // first-fit decreasing of GPU requests into new nodes
    const sorted = [...pods].sort((a, b) => gpus(b) - gpus(a));
    const nodes: Array<{ free: number; pods: Obj[] }> = [];
    const refused: Obj[] = [];
    for (const p of sorted) {
      const g = gpus(p);
      let node = nodes.find(n => n.free >= g);
      if (!node) {
        if (capacity + perNode > limit) {
          refused.push(p);
          continue;
        }
        capacity += perNode;
        node = { free: perNode, pods: [] };
        nodes.push(node);
      }
      node.free -= g;
      node.pods.push(p);
    }
    for (const n of nodes) this.launch(pool, shape, n.pods);
    const now = this.ctx.clock.now();
    for (const p of refused) {
      const k = `${p.metadata.namespace}/${p.metadata.name}`;
      if ((this.limitEvents.get(k) ?? 0) > now - 5 * 60_000) continue;
      this.limitEvents.set(k, now);
      this.ctx.events.record(
        involvedOf(p as KubeObject),
        'Warning',
        'FailedScheduling',
        `Failed to schedule pod, incompatible with nodepool "${pool.metadata.name}", all available instance types exceed limits for nodepool: "${pool.metadata.name}"`,
        { component: 'karpenter' },
      );
    }
  }

  private launch(pool: Obj, shape: NodeShape, pods: Obj[]): void {
    const name = `${pool.metadata.name}-${this.ctx.rng.suffix()}`;
    const claim: KubeObject = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodeClaim',
      metadata: {
        name,
        labels: {
          'karpenter.sh/nodepool': pool.metadata.name,
          'node.kubernetes.io/instance-type': shape.instanceType.name,
          'karpenter.sh/capacity-type': shape.capacityType,
        },
        annotations: {
          'karpenter.sh/nodepool-hash': String(pool.metadata.generation ?? 1),
        },
        ownerReferences: [
          { ...ownerRef(pool as KubeObject), controller: false },
        ],
        finalizers: ['karpenter.sh/termination'],
      },
      spec: {
        nodeClassRef: pool.spec?.template?.spec?.nodeClassRef ?? {
          group: 'karpenter.k8s.aws',
          kind: 'EC2NodeClass',
          name: 'default',
        },
        requirements: pool.spec?.template?.spec?.requirements ?? [],
        resources: {
          requests: {
            'nvidia.com/gpu': String(pods.reduce((n, p) => n + gpus(p), 0)),
            pods: String(pods.length),
          },
        },
        ...(shape.taints.length ? { taints: shape.taints } : {}),
        expireAfter: pool.spec?.template?.spec?.expireAfter ?? '720h',
      },
    };
    this.ctx.api.create(NODECLAIMS, undefined, claim, { internal: true });
    this.inflight.set(name, {
      pool: pool.metadata.name,
      gpus: shape.instanceType.gpus,
      pods: new Set(
        pods.map(p => `${p.metadata.namespace}/${p.metadata.name}`),
      ),
    });
    for (const p of pods) {
      this.nominated.set(`${p.metadata.namespace}/${p.metadata.name}`, name);
      this.ctx.events.record(
        involvedOf(p as KubeObject),
        'Normal',
        'Nominated',
        `Pod should schedule on: nodeclaim/${name}`,
        { component: 'karpenter' },
      );
    }
    this.ctx.events.record(
      involvedOf(pool as KubeObject),
      'Normal',
      'Launched',
      `Launched nodeclaim ${name} (${shape.instanceType.name})`,
      { component: 'karpenter' },
    );
    const delay =
      Number(pool.metadata.annotations?.[PROVISION_ANNOTATION] ?? 90) * 1000;
    this.ctx.clock.setTimer(delay, () => this.register(name, shape));
  }

  private register(claimName: string, shape: NodeShape): void {
    this.inflight.delete(claimName);
    if (!this.ctx.store.get(NODECLAIMS, undefined, claimName)) return;
    let node = buildNode({
      shape,
      region: this.ctx.region,
      zone: `${this.ctx.region}${'abc'[this.ctx.rng.int(0, 2)]}`,
      kubeletVersion: 'v1.31.4-eks-aeac579',
      createdAt: this.ctx.clock.nowIso(),
      ready: false,
      nodeClaim: claimName,
      rng: this.ctx.rng,
    });
    while (this.ctx.store.get(NODES, undefined, node.metadata!.name!)) {
      node = buildNode({
        shape,
        region: this.ctx.region,
        zone: `${this.ctx.region}a`,
        kubeletVersion: 'v1.31.4-eks-aeac579',
        createdAt: this.ctx.clock.nowIso(),
        ready: false,
        nodeClaim: claimName,
        rng: this.ctx.rng,
      });
    }
    const nodeName = node.metadata!.name!;
    this.ctx.api.create(NODES, undefined, node, { internal: true });
    const now = this.ctx.clock.nowIso();
    this.ctx.api.mutate(
      NODECLAIMS,
      undefined,
      claimName,
      o => {
        const c = o as Obj;
        let conds = setCondition(
          undefined,
          { type: 'Launched', status: 'True', reason: 'Launched', message: '' },
          now,
        );
        conds = setCondition(
          conds,
          {
            type: 'Registered',
            status: 'True',
            reason: 'Registered',
            message: '',
          },
          now,
        );
        conds = setCondition(
          conds,
          {
            type: 'Initialized',
            status: 'Unknown',
            reason: 'AwaitingReconciliation',
            message: 'object is awaiting reconciliation',
          },
          now,
        );
        c.status = {
          providerID: (node.spec as Obj).providerID,
          nodeName,
          capacity: (node.status as Obj).capacity,
          allocatable: (node.status as Obj).allocatable,
          imageID: 'ami-0a8b8e6f1c9d2e3f4',
          conditions: conds,
        };
      },
      { subresource: 'status' },
    );
    this.ctx.clock.setTimer(this.ctx.timing.nodeReadySeconds * 1000, () => {
      this.ctx.api.mutate(NODES, undefined, nodeName, o =>
        markNodeReady(o as Obj, this.ctx.clock.nowIso()),
      );
      this.ctx.api.mutate(
        NODECLAIMS,
        undefined,
        claimName,
        o => {
          const c = o as Obj;
          c.status.conditions = setCondition(
            c.status.conditions,
            {
              type: 'Initialized',
              status: 'True',
              reason: 'Initialized',
              message: '',
            },
            this.ctx.clock.nowIso(),
          );
          c.status.conditions = setCondition(
            c.status.conditions,
            { type: 'Ready', status: 'True', reason: 'Ready', message: '' },
            this.ctx.clock.nowIso(),
          );
        },
        { subresource: 'status' },
      );
      this.scheduler.retryLater(100);
    });
  }

  private updatePoolStatus(): void {
    for (const s of Array.from(this.ctx.store.table(NODEPOOLS).values())) {
      const cap = this.poolCapacity(s.name);
      const inflightGpus = Array.from(this.inflight.values())
        .filter(f => f.pool === s.name)
        .reduce((n, f) => n + f.gpus, 0);
      const now = this.ctx.clock.nowIso();
      this.ctx.api.mutate(
        NODEPOOLS,
        undefined,
        s.name,
        o => {
          const prev = ((o as Obj).status ?? {}) as Obj;
          let conds = prev.conditions as Obj[] | undefined;
          for (const t of ['ValidationSucceeded', 'NodeClassReady', 'Ready'])
            conds = setCondition(
              conds,
              { type: t, status: 'True', reason: t, message: '' },
              now,
            );
          (o as Obj).status = {
            resources: {
              cpu: String(cap.cpu),
              memory: `${Math.round(cap.memory / 1024)}Ki`,
              'nvidia.com/gpu': String(cap.gpus - inflightGpus),
              pods: String(cap.pods),
              nodes: String(cap.nodes),
              'ephemeral-storage': '0',
              'hugepages-1Gi': '0',
              'hugepages-2Mi': '0',
            },
            nodeClassObservedGeneration: 1,
            conditions: conds,
          };
        },
        { subresource: 'status' },
      );
    }
  }

  private consolidateLoop(): void {
    this.ctx.clock.setTimer(30_000, () => this.consolidateLoop());
    const now = this.ctx.clock.now();
    for (const s of Array.from(this.ctx.store.table(NODEPOOLS).values())) {
      const pool = JSON.parse(s.json) as Obj;
      const after = pool.spec?.disruption?.consolidateAfter;
      if (!after || after === 'Never') continue;
      const ms = parseDuration(after);
      for (const ns of Array.from(this.ctx.store.table(NODES).values())) {
        if (
          ns.labels['karpenter.sh/nodepool'] !== s.name ||
          !ns.labels['karpenter.sh/nodeclaim']
        )
          continue;
        const busy =
          this.scheduler.podCountOn(ns.name) - this.daemonPodsOn(ns.name) > 0;
        if (busy) {
          this.emptySince.delete(ns.name);
          continue;
        }
        const since = this.emptySince.get(ns.name) ?? now;
        this.emptySince.set(ns.name, since);
        if (now - since >= ms) {
          this.emptySince.delete(ns.name);
          this.ctx.events.record(
            involvedOf(JSON.parse(ns.json) as KubeObject),
            'Normal',
            'DisruptionTerminating',
            'Disrupting Node: Empty/Delete',
            { component: 'karpenter' },
          );
          this.removeNode(ns.name, ns.labels['karpenter.sh/nodeclaim']);
        }
      }
    }
  }

  private daemonPodsOn(node: string): number {
    let n = 0;
    for (const s of this.ctx.store.table(PODS).values()) {
      if (!s.fields || s.fields['spec.nodeName'] !== node) continue;
      if (s.json.includes('"kind":"DaemonSet"')) n++;
    }
    return n;
  }

  private finalizeNode(name: string): void {
    const node = this.ctx.store.get(NODES, undefined, name);
    if (node) this.removeNode(name, node.labels['karpenter.sh/nodeclaim']);
  }

  private removeNode(name: string, claim: string | undefined): void {
    for (const s of Array.from(this.ctx.store.table(PODS).values())) {
      if (s.fields?.['spec.nodeName'] === name)
        this.ctx.store.remove(PODS, s.namespace, s.name);
    }
    this.ctx.store.remove(NODES, undefined, name);
    if (claim) this.ctx.store.remove(NODECLAIMS, undefined, claim);
    this.enqueue('status');
  }
}

function gpus(pod: Obj): number {
  const req = podResources(pod.spec);
  return Object.entries(req)
    .filter(([k]) => k.startsWith('nvidia.com/'))
    .reduce((n, [, v]) => n + v, 0);
}

function parseDuration(d: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(String(d));
  if (!m) return 300_000;
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };
  return Number(m[1]) * unit[m[2]];
}
