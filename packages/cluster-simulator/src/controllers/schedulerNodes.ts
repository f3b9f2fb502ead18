/*
 * The scheduler's view of nodes: what each node can still take, grouped in
 * classes of nodes that look alike to a pod (same labels except hostname,
 * same taints). Pods then test labels and taints once per class, and find a
 * node with enough free GPUs through per-class buckets keyed by free GPU
 * count, which keeps scheduling 10,000 pods on 1,000+ nodes fast.
 */
import { ResourceAmounts } from '../sim/podResources';

/** A node taint. @public */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** What the scheduler tracks per node. */
export interface SchedNode {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  allocatable: ResourceAmounts;
  requested: ResourceAmounts;
  pods: number;
  cls: NodeClass;
}

/** Nodes that look alike to a pod. */
export class NodeClass {
  readonly nodes = new Set<SchedNode>();
  /** free units of `device` -> nodes with exactly that much free */
  private readonly buckets = new Map<number, Set<SchedNode>>();

  constructor(
    readonly key: string,
    readonly labels: Record<string, string>,
    readonly taints: Taint[],
    readonly unschedulable: boolean,
    readonly device: string | undefined,
  ) {}

  free(n: SchedNode, resource: string): number {
    return (n.allocatable[resource] ?? 0) - (n.requested[resource] ?? 0);
  }

  add(n: SchedNode): void {
    this.nodes.add(n);
    if (this.device) this.bucket(this.free(n, this.device)).add(n);
  }

  remove(n: SchedNode): void {
    this.nodes.delete(n);
    if (this.device) this.buckets.get(this.free(n, this.device))?.delete(n);
  }

  /** Call around a change of `n.requested`. */
  beforeChange(n: SchedNode): void {
    if (this.device) this.buckets.get(this.free(n, this.device))?.delete(n);
  }

  afterChange(n: SchedNode): void {
    if (this.device) this.bucket(this.free(n, this.device)).add(n);
  }

  /**
   * Nodes with at least `count` free units of the class device, tightest fit
   * first (bin packing keeps whole nodes free for 8-GPU pods).
   */
  *candidates(count: number): IterableIterator<SchedNode> {
    const sizes = Array.from(this.buckets.keys())
      .filter(k => k >= count)
      .sort((a, b) => a - b);
    for (const size of sizes) {
      const set = this.buckets.get(size)!;
      for (const n of set) yield n;
    }
  }

  private bucket(free: number): Set<SchedNode> {
    let b = this.buckets.get(free);
    if (!b) {
      b = new Set();
      this.buckets.set(free, b);
    }
    return b;
  }
}

const PER_NODE_LABELS = new Set([
  'kubernetes.io/hostname',
  'karpenter.sh/nodeclaim',
  'node.kubernetes.io/instance-id',
]);

/** The class key of a node. */
export function classKey(
  labels: Record<string, string>,
  taints: Taint[],
  unschedulable: boolean,
  device: string | undefined,
): string {
  const l = Object.keys(labels)
    .filter(k => !PER_NODE_LABELS.has(k))
    .sort()
    .map(k => `${k}=${labels[k]}`)
    .join(',');
  const t = taints
    .map(x => `${x.key}=${x.value ?? ''}:${x.effect}`)
    .sort()
    .join(',');
  return `${l}|${t}|${unschedulable}|${device ?? ''}`;
}

/** Whether a toleration list tolerates a taint. */
export function tolerates(
  tolerations: Array<Record<string, any>>,
  taint: Taint,
): boolean {
  return tolerations.some(t => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    if (t.operator === 'Exists') return true;
    return (t.value ?? '') === (taint.value ?? '');
  });
}

function exprMatches(
  e: Record<string, any>,
  value: string | undefined,
): boolean {
  const values: string[] = e.values ?? [];
  switch (e.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

/** Whether a pod's nodeSelector and required node affinity accept a node. */
export function affinityMatches(
  spec: Record<string, any>,
  nodeName: string,
  labels: Record<string, string>,
): boolean {
  for (const [k, v] of Object.entries(
    (spec.nodeSelector ?? {}) as Record<string, string>,
  )) {
    if (labels[k] !== v) return false;
  }
  const terms = spec.affinity?.nodeAffinity
    ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as
    | Array<Record<string, any>>
    | undefined;
  if (!terms || terms.length === 0) return true;
  return terms.some(
    term =>
      ((term.matchExpressions ?? []) as Array<Record<string, any>>).every(e =>
        exprMatches(e, labels[e.key]),
      ) &&
      ((term.matchFields ?? []) as Array<Record<string, any>>).every(e =>
        exprMatches(e, e.key === 'metadata.name' ? nodeName : undefined),
      ),
  );
}

/** Whether a pod pins itself to specific nodes (matchFields / hostname), so class-level checks are not enough. */
export function pinsNodes(spec: Record<string, any>): boolean {
  if (spec.nodeSelector?.['kubernetes.io/hostname']) return true;
  const terms = (spec.affinity?.nodeAffinity
    ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
    []) as Array<Record<string, any>>;
  return terms.some(
    t =>
      (t.matchFields ?? []).length > 0 ||
      (t.matchExpressions ?? []).some(
        (e: Record<string, any>) => e.key === 'kubernetes.io/hostname',
      ),
  );
}
