/*
 * Which instance types a Karpenter NodePool may launch for a set of pending
 * pods, and which one it launches. Pure: no store, no clock.
 *
 * Follows Karpenter's layered constraints (karpenter.sh/docs/concepts/
 * nodepools "spec.template.spec.requirements" and concepts/scheduling
 * "Well-Known Labels", "User-Defined Labels"; source kubernetes-sigs/karpenter
 * pkg/scheduling/requirements.go `Compatible`/`Intersects` and
 * pkg/controllers/provisioning/scheduling/nodeclaim.go
 * `filterInstanceTypesByRequirements`):
 * - an instance type offering (type, capacity type, zone) is a candidate when
 *   its well-known labels, the offering's zone and capacity type, and the
 *   pool template's labels satisfy every NodePool requirement AND every
 *   requirement of each pod (nodeSelector, and one of its required node
 *   affinity terms), and the pods tolerate the pool's taints (startupTaints
 *   need no toleration);
 * - a well-known label an instance type does not have (GPU labels of a CPU
 *   type) counts as absent: `In`/`Exists`/`Gt`/`Lt` fail, `NotIn` and
 *   `DoesNotExist` pass;
 * - a label that is neither well-known nor defined by the pool (template label
 *   or requirement) has no known values: a pod asking for it with `In`,
 *   `Exists`, `Gt` or `Lt` cannot be provisioned by that pool;
 * - the pods' summed requests must fit the type's allocatable, and the type's
 *   capacity must fit the pool's remaining `limits` (`filterByRemainingResources`).
 * `minValues` (flexibility floor) is not modelled: the simulator never runs
 * out of capacity, so it would only ever reject; it is ignored.
 *
 * Choice: Karpenter sends the compatible set to EC2 Fleet — `lowest-price`
 * for on-demand, `price-capacity-optimized` for Spot — and prefers Spot when
 * the requirements allow both (concepts/nodepools "Capacity Type"; aws
 * provider pkg/providers/instance/instance.go). The simulator has no capacity
 * pools, so it launches the cheapest compatible offering, Spot first.
 */
import {
  INSTANCE_TYPES,
  InstanceType,
  instanceTypeLabels,
  offeringPrice,
} from '../sim/gpuCatalog';
import { Taint, tolerates } from './schedulerNodes';

type Obj = Record<string, any>;

/** A NodeSelectorRequirement as NodePools and pods write them. @public */
export interface NodeRequirement {
  key: string;
  operator: string;
  values?: string[];
  minValues?: number;
}

/** One way to launch a node: an instance type, a capacity type and a zone. @public */
export interface Offering {
  instanceType: InstanceType;
  capacityType: 'spot' | 'on-demand';
  zone: string;
  /** USD per hour; undefined when the type has no published price */
  price: number | undefined;
  /** every label the launched node carries from Karpenter (instance, offering, template, chosen custom values) */
  labels: Record<string, string>;
}

/**
 * Labels Karpenter knows the values of without a NodePool defining them
 * (kubernetes-sigs/karpenter pkg/apis/v1/labels.go `WellKnownLabels` plus the
 * AWS provider's additions in pkg/apis/v1/labels.go).
 */
const WELL_KNOWN = new Set([
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/arch',
  'kubernetes.io/os',
  'node.kubernetes.io/windows-build',
  'karpenter.sh/capacity-type',
  'karpenter.sh/nodepool',
  'karpenter.k8s.aws/instance-hypervisor',
  'karpenter.k8s.aws/instance-encryption-in-transit-supported',
  'karpenter.k8s.aws/instance-category',
  'karpenter.k8s.aws/instance-generation',
  'karpenter.k8s.aws/instance-family',
  'karpenter.k8s.aws/instance-size',
  'karpenter.k8s.aws/instance-cpu',
  'karpenter.k8s.aws/instance-cpu-manufacturer',
  'karpenter.k8s.aws/instance-memory',
  'karpenter.k8s.aws/instance-ebs-bandwidth',
  'karpenter.k8s.aws/instance-network-bandwidth',
  'karpenter.k8s.aws/instance-pods',
  'karpenter.k8s.aws/instance-gpu-name',
  'karpenter.k8s.aws/instance-gpu-manufacturer',
  'karpenter.k8s.aws/instance-gpu-count',
  'karpenter.k8s.aws/instance-gpu-memory',
  'karpenter.k8s.aws/instance-local-nvme',
]);

/**
 * Karpenter reads the deprecated beta labels as their stable equivalents
 * (concepts/scheduling, note under "Well-Known Labels").
 */
const DEPRECATED: Record<string, string> = {
  'failure-domain.beta.kubernetes.io/zone': 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region': 'topology.kubernetes.io/region',
  'beta.kubernetes.io/arch': 'kubernetes.io/arch',
  'beta.kubernetes.io/os': 'kubernetes.io/os',
  'beta.kubernetes.io/instance-type': 'node.kubernetes.io/instance-type',
};

/**
 * Whether a label value satisfies one requirement, with the node selector
 * operators' meaning (kubernetes.io/docs/concepts/scheduling-eviction/
 * assign-pod-node "Operators"): Gt/Lt compare integers, absent labels fail
 * every operator but NotIn and DoesNotExist.
 */
export function requirementAllows(
  r: NodeRequirement,
  value: string | undefined,
): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value)) return false;
      const n = Number(value);
      const bound = Number(values[0]);
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

function normalized(rs: NodeRequirement[]): NodeRequirement[] {
  return rs.map(r => ({ ...r, key: DEPRECATED[r.key] ?? r.key }));
}

/**
 * A pod's alternatives of required node constraints: its nodeSelector AND one
 * of its required node affinity terms (terms are ORed, expressions ANDed).
 */
export function podRequirementSets(spec: Obj): NodeRequirement[][] {
  const selector = Object.entries(
    (spec.nodeSelector ?? {}) as Record<string, string>,
  ).map(([key, v]) => ({ key, operator: 'In', values: [v] }));
  const terms = (spec.affinity?.nodeAffinity
    ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
    []) as Obj[];
  if (terms.length === 0) return [normalized(selector)];
  return terms.map(t =>
    normalized([
      ...selector,
      ...((t.matchExpressions ?? []) as NodeRequirement[]),
    ]),
  );
}

/**
 * The value a NodeClaim gives a key that only the pool defines (a custom label
 * with `In` or `Exists`): one the pool allows that also satisfies the pods.
 */
function chooseCustomValue(
  poolReqs: NodeRequirement[],
  podReqs: NodeRequirement[],
): string | undefined {
  const fromPool = poolReqs.find(r => r.operator === 'In')?.values;
  const exists = poolReqs.some(r => r.operator === 'Exists');
  const fromPods = podReqs.find(r => r.operator === 'In')?.values;
  const candidates = fromPool ?? (exists ? fromPods : undefined) ?? [];
  return candidates.find(v =>
    [...poolReqs, ...podReqs].every(r => requirementAllows(r, v)),
  );
}

/**
 * The labels a node of `base` (instance + offering + template labels) gets
 * for these pods, or undefined when the pool's requirements and one
 * alternative of each pod's requirements cannot all hold.
 */
function resolveLabels(
  base: Record<string, string>,
  poolReqs: NodeRequirement[],
  pods: Obj[],
): Record<string, string> | undefined {
  // each pod keeps the first alternative that fits together with the others
  let chosen: NodeRequirement[][] = [[]];
  for (const p of pods) {
    const next: NodeRequirement[][] = [];
    for (const prefix of chosen)
      for (const alt of podRequirementSets(p.spec ?? {}))
        next.push([...prefix, ...alt]);
    chosen = next.slice(0, 16);
  }
  for (const podReqs of chosen) {
    const labels = tryResolve(base, poolReqs, podReqs);
    if (labels) return labels;
  }
  return undefined;
}

function tryResolve(
  base: Record<string, string>,
  poolReqs: NodeRequirement[],
  podReqs: NodeRequirement[],
): Record<string, string> | undefined {
  const labels = { ...base };
  const keys = new Set([...poolReqs, ...podReqs].map(r => r.key));
  for (const key of keys) {
    const pool = poolReqs.filter(r => r.key === key);
    const pod = podReqs.filter(r => r.key === key);
    if (key in labels || WELL_KNOWN.has(key)) {
      const v = labels[key];
      if (![...pool, ...pod].every(r => requirementAllows(r, v)))
        return undefined;
      continue;
    }
    // a user-defined label: only the pool can give it values
    const v = pool.length > 0 ? chooseCustomValue(pool, pod) : undefined;
    if (![...pool, ...pod].every(r => requirementAllows(r, v)))
      return undefined;
    if (v !== undefined) labels[key] = v;
  }
  return labels;
}

/** Summed resource requests of pods, in the units of `podResources`. */
export type Requests = Record<string, number>;

/** What the pure selection needs to know besides the pool and the pods. */
export interface SelectionInput {
  pool: Obj;
  pods: Obj[];
  /** summed requests of `pods` (cpu in millicores) */
  requests: Requests;
  /** zones the cloud offers in this region */
  zones: string[];
  region: string;
  /** allocatable of a node of this type (cpu in millicores), capacity for limits */
  allocatable: (it: InstanceType) => Requests;
  capacity: (it: InstanceType) => Requests;
  /** limits left in the pool (resource -> amount), Infinity when unlimited */
  remaining: Requests;
  /** instance types to consider; defaults to the whole catalog */
  catalog?: Record<string, InstanceType>;
}

/** Why no offering fits. @public */
export type SelectionFailure = 'incompatible' | 'resources' | 'limits';

/**
 * The offerings a pool could launch for the pods, cheapest first (Spot
 * offerings before on-demand ones when both are allowed), or the reason there
 * are none.
 */
export function compatibleOfferings(
  input: SelectionInput,
): Offering[] | SelectionFailure {
  const { pool, pods } = input;
  const spec = (pool.spec?.template?.spec ?? {}) as Obj;
  const poolReqs = normalized((spec.requirements ?? []) as NodeRequirement[]);
  const templateLabels = (pool.spec?.template?.metadata?.labels ??
    {}) as Record<string, string>;
  const taints = (spec.taints ?? []) as Taint[];
  for (const p of pods) {
    const tol = (p.spec?.tolerations ?? []) as Obj[];
    if (taints.some(t => !tolerates(tol, t))) return 'incompatible';
  }
  let sawCompatible = false;
  let sawFitting = false;
  const out: Offering[] = [];
  for (const it of Object.values(input.catalog ?? INSTANCE_TYPES)) {
    for (const capacityType of ['spot', 'on-demand'] as const) {
      for (const zone of input.zones) {
        const base = {
          ...instanceTypeLabels(it),
          'topology.kubernetes.io/zone': zone,
          'topology.kubernetes.io/region': input.region,
          'karpenter.sh/capacity-type': capacityType,
          'karpenter.sh/nodepool': pool.metadata?.name,
          ...templateLabels,
        };
        const labels = resolveLabels(base, poolReqs, pods);
        if (!labels) continue;
        sawCompatible = true;
        const alloc = input.allocatable(it);
        if (
          !Object.entries(input.requests).every(
            ([k, v]) => v <= 0 || (alloc[k] ?? 0) >= v,
          )
        )
          continue;
        sawFitting = true;
        const cap = input.capacity(it);
        if (
          !Object.entries(input.remaining).every(
            ([k, left]) => (cap[k] ?? 0) <= left,
          )
        )
          continue;
        out.push({
          instanceType: it,
          capacityType,
          zone,
          price: offeringPrice(it, capacityType),
          labels,
        });
      }
    }
  }
  if (out.length === 0) {
    if (!sawCompatible) return 'incompatible';
    return sawFitting ? 'limits' : 'resources';
  }
  const spot = out.some(o => o.capacityType === 'spot');
  return out
    .filter(o => !spot || o.capacityType === 'spot')
    .sort(
      (a, b) =>
        (a.price ?? Infinity) - (b.price ?? Infinity) ||
        a.instanceType.name.localeCompare(b.instanceType.name),
    );
}
