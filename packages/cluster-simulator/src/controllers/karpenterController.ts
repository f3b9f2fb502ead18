/*
 * Karpenter (karpenter.sh/v1): when pods stay unschedulable, find a NodePool
 * whose nodes would take them, pick the instance type by Karpenter's
 * requirement semantics (see karpenterScheduling.ts), and launch NodeClaims
 * within the pool's `limits`. A claim becomes a Node after the pool's
 * provisioning delay and turns Ready shortly after; pods then schedule.
 * Pods no pool can take stay Pending with Karpenter's own event. Empty
 * nodes are consolidated after `consolidateAfter`.
 */
import { eventObject } from '../store/eventHistory';
import { resourceById } from '../api/resources';
import { GPU_MODELS, InstanceType } from '../sim/gpuCatalog';
import {
  NodeShape,
  buildNode,
  gfdLabels,
  markNodeReady,
} from '../sim/nodeFactory';
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
import { podResources } from '../sim/podResources';
import {
  Offering,
  Requests,
  SelectionFailure,
  compatibleOfferings,
} from './karpenterScheduling';

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

/**
 * GPU Feature Discovery runs as a DaemonSet pod that starts once the node is
 * Ready and labels the node from NVML on its first pass; the simulator gives
 * it this long (an assumption: image pull plus start of gpu-feature-discovery).
 * Until then the node carries what Karpenter put on it, the pool template's
 * labels included.
 */
const GFD_LABEL_DELAY_MS = 30_000;

/** A NodeClaim being planned in one provisioning pass. */
interface PlannedClaim {
  pool: Obj;
  pods: Obj[];
  requests: Requests;
  options: Offering[];
  /** the pool's remaining limits when the claim was opened */
  budget: Requests;
}

/** Launches and consolidates nodes for NodePools. */
export class KarpenterController extends Controller {
  private readonly inflight = new Map<
    string,
    { pool: string; gpus: number; capacity: Requests; pods: Set<string> }
  >();
  /** prototype nodes per instance type: allocatable and capacity */
  private readonly shapes = new Map<
    string,
    { allocatable: Requests; capacity: Requests }
  >();
  private readonly nominated = new Map<string, string>();
  private readonly limitEvents = new Map<string, number>();
  private readonly emptySince = new Map<string, number>();
  private armed = false;
  private readonly poolGenerations = new Map<string, number>();

  constructor(ctx: ControllerContext, private readonly scheduler: Scheduler) {
    super(ctx, 'karpenter');
    scheduler.onUnschedulable = () => this.soon();
    this.watch(NODEPOOLS, e => {
      // a new or changed NodePool spec may take pods that were left Pending
      if (e.type !== 'DELETED') {
        const o = eventObject(e) as Obj;
        const gen = Number(o.metadata?.generation ?? 1);
        if (this.poolGenerations.get(o.metadata?.name) !== gen) {
          this.poolGenerations.set(o.metadata?.name, gen);
          this.soon();
        }
      }
      return 'status';
    });
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

  /**
   * One provisioning pass, shaped like Karpenter's scheduler
   * (kubernetes-sigs/karpenter pkg/controllers/provisioning/scheduling/
   * scheduler.go `Solve`/`add`): pods, largest first, join a NodeClaim already
   * planned in this pass when an instance type can still hold them all, else
   * open a new claim from the first NodePool (by weight) with a compatible
   * instance type within its remaining limits.
   */
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
    if (pools.length === 0 || pending.length === 0) return;
    const sorted = pending
      .map(p => ({ pod: p, req: podResources(p.spec) }))
      .sort(
        (a, b) =>
          gpuCount(b.req) - gpuCount(a.req) ||
          (b.req.cpu ?? 0) - (a.req.cpu ?? 0) ||
          (b.req.memory ?? 0) - (a.req.memory ?? 0),
      );
    const remaining = new Map<string, Requests>();
    const remainingOf = (pool: Obj) => {
      let r = remaining.get(pool.metadata.name);
      if (!r) {
        r = this.remainingLimits(pool);
        remaining.set(pool.metadata.name, r);
      }
      return r;
    };
    const claims: PlannedClaim[] = [];
    for (const { pod, req } of sorted) {
      let placed = false;
      for (const c of claims) {
        const requests = addRequests(c.requests, req);
        const opts = this.offerings(
          c.pool,
          [...c.pods, pod],
          requests,
          c.budget,
        );
        if (typeof opts === 'string') continue;
        c.pods.push(pod);
        c.requests = requests;
        c.options = opts;
        placed = true;
        break;
      }
      if (placed) continue;
      const why: Array<[string, SelectionFailure]> = [];
      for (const pool of pools) {
        const budget = { ...remainingOf(pool) };
        const opts = this.offerings(pool, [pod], req, budget);
        if (typeof opts === 'string') {
          why.push([pool.metadata.name, opts]);
          continue;
        }
        claims.push({
          pool,
          pods: [pod],
          requests: req,
          options: opts,
          budget,
        });
        // Karpenter charges a planned claim the largest capacity among its options
        const left = remainingOf(pool);
        for (const k of Object.keys(left))
          left[k] -= Math.max(
            ...opts.map(o => this.shapeOf(o.instanceType).capacity[k] ?? 0),
          );
        placed = true;
        break;
      }
      if (!placed) this.reportUnschedulable(pod, why);
    }
    for (const c of claims) this.launch(c.pool, c.options, c.pods);
  }

  private offerings(
    pool: Obj,
    pods: Obj[],
    requests: Requests,
    budget: Requests,
  ): Offering[] | SelectionFailure {
    return compatibleOfferings({
      pool,
      pods,
      requests,
      zones: ['a', 'b', 'c'].map(z => `${this.ctx.region}${z}`),
      region: this.ctx.region,
      allocatable: it => this.shapeOf(it).allocatable,
      capacity: it => this.shapeOf(it).capacity,
      remaining: budget,
    });
  }

  /** Allocatable (cpu in millicores) and capacity (cpu in cores) of a node of a type. */
  private shapeOf(it: InstanceType): {
    allocatable: Requests;
    capacity: Requests;
  } {
    let s = this.shapes.get(it.name);
    if (s) return s;
    // a prototype node, built with its own randomness so the cluster's stays reproducible
    const proto = buildNode({
      shape: this.shapeFor(it, 'prototype', 'on-demand', [], {}),
      region: this.ctx.region,
      zone: `${this.ctx.region}a`,
      kubeletVersion: 'v1',
      createdAt: this.ctx.clock.nowIso(),
      ready: true,
      rng: new Rng(it.name),
    });
    const st = proto.status as Obj;
    const parse = (q: Obj, milliCpu: boolean) =>
      Object.fromEntries(
        Object.entries(q).map(([k, v]) => [
          k,
          k === 'cpu' && milliCpu
            ? Math.round(parseQuantity(v) * 1000)
            : parseQuantity(v),
        ]),
      );
    s = {
      allocatable: parse(st.allocatable, true),
      capacity: parse(st.capacity, false),
    };
    this.shapes.set(it.name, s);
    return s;
  }

  private shapeFor(
    it: InstanceType,
    pool: string,
    capacityType: 'spot' | 'on-demand',
    taints: NodeShape['taints'],
    labels: Record<string, string>,
    driver = '550.54.15',
  ): NodeShape {
    return {
      pool,
      instanceType: it,
      // the hardware of the instance, whatever the pool's labels claim
      gpu: it.gpuProduct ? GPU_MODELS[it.gpuProduct] : undefined,
      driver,
      capacityType,
      taints,
      managedBy: 'karpenter',
      extraLabels: labels,
    };
  }

  /**
   * What a pool has left under its `limits` (kubernetes-sigs/karpenter
   * nodepool `limits`: capacity of its nodes and of claims in flight, per
   * resource; a resource without a limit is unbounded).
   */
  private remainingLimits(pool: Obj): Requests {
    const limits = (pool.spec?.limits ?? {}) as Record<string, unknown>;
    const used: Requests = {};
    for (const s of this.ctx.store.table(NODES).values()) {
      if (s.labels['karpenter.sh/nodepool'] !== pool.metadata.name) continue;
      const cap = ((JSON.parse(s.json) as Obj).status?.capacity ?? {}) as Obj;
      for (const [k, v] of Object.entries(cap))
        used[k] = (used[k] ?? 0) + parseQuantity(v);
    }
    for (const f of this.inflight.values()) {
      if (f.pool !== pool.metadata.name) continue;
      for (const [k, v] of Object.entries(f.capacity))
        used[k] = (used[k] ?? 0) + v;
    }
    return Object.fromEntries(
      Object.entries(limits).map(([k, v]) => [
        k,
        parseQuantity(v) - (used[k] ?? 0),
      ]),
    );
  }

  private reportUnschedulable(
    pod: Obj,
    why: Array<[string, SelectionFailure]>,
  ): void {
    const k = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const now = this.ctx.clock.now();
    if ((this.limitEvents.get(k) ?? -Infinity) > now - 5 * 60_000) return;
    this.limitEvents.set(k, now);
    // worded like Karpenter's scheduler errors (scheduling/nodeclaim.go)
    const reason: Record<SelectionFailure, (pool: string) => string> = {
      incompatible: () =>
        'incompatible requirements, no instance type satisfied the requirements',
      resources: () => 'no instance type has enough resources',
      limits: pool =>
        `all available instance types exceed limits for nodepool: "${pool}"`,
    };
    this.ctx.events.record(
      involvedOf(pod as KubeObject),
      'Warning',
      'FailedScheduling',
      `Failed to schedule pod, ${why
        .map(
          ([pool, r]) =>
            `incompatible with nodepool "${pool}", ${reason[r](pool)}`,
        )
        .join('; ')}`,
      { component: 'karpenter' },
    );
  }

  private launch(pool: Obj, options: Offering[], pods: Obj[]): void {
    const best = options[0];
    // EC2 Fleet may place the instance in any zone the claim allows at that price
    const zones = options
      .filter(
        o =>
          o.instanceType === best.instanceType &&
          o.capacityType === best.capacityType,
      )
      .map(o => o.zone);
    const labels = { ...best.labels };
    delete labels['topology.kubernetes.io/zone'];
    const shape = this.shapeFor(
      best.instanceType,
      pool.metadata.name,
      best.capacityType,
      pool.spec?.template?.spec?.taints ?? [],
      labels,
      pool.metadata.annotations?.[DRIVER_ANNOTATION] ?? '550.54.15',
    );
    const name = `${pool.metadata.name}-${this.ctx.rng.suffix()}`;
    const claim: KubeObject = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodeClaim',
      metadata: {
        name,
        labels: {
          ...labels,
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
      capacity: this.shapeOf(shape.instanceType).capacity,
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
    this.ctx.clock.setTimer(delay, () => this.register(name, shape, zones));
  }

  private register(claimName: string, shape: NodeShape, zones: string[]): void {
    this.inflight.delete(claimName);
    if (!this.ctx.store.get(NODECLAIMS, undefined, claimName)) return;
    const zone = zones[this.ctx.rng.int(0, zones.length - 1)];
    let node = buildNode({
      shape,
      region: this.ctx.region,
      zone,
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
        zone,
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
      // GFD then overwrites the GPU labels with what the hardware reports
      this.ctx.clock.setTimer(GFD_LABEL_DELAY_MS, () => {
        if (!this.ctx.store.get(NODES, undefined, nodeName)) return;
        this.ctx.api.mutate(NODES, undefined, nodeName, o => {
          const meta = (o as Obj).metadata;
          Object.assign(
            meta.labels,
            gfdLabels(shape, meta.creationTimestamp ?? this.ctx.clock.nowIso()),
          );
        });
      });
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
  return gpuCount(podResources(pod.spec));
}

function gpuCount(req: Requests): number {
  return Object.entries(req)
    .filter(([k]) => k.startsWith('nvidia.com/'))
    .reduce((n, [, v]) => n + v, 0);
}

function addRequests(a: Requests, b: Requests): Requests {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function parseDuration(d: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(String(d));
  if (!m) return 300_000;
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };
  return Number(m[1]) * unit[m[2]];
}
