import { INFERENCE_ANNOTATIONS } from '../annotations';
import { podGpuTypeKey, podGpuRequest } from '../kubernetes/gpuResources';
import {
  checkPodSecurity,
  PodSecurityLevel,
  podTemplatesOf,
} from '../kubernetes/podSecurity';
import { groupNameOf, placementRefusal, TeamPlacement } from './tenancy';

// every object the platform applies carries the bare name of its owner group
const OWNER_LABEL = INFERENCE_ANNOTATIONS.ownerLabel;

/**
 * A kind the platform may apply: its API group (`''` for core) and kind.
 *
 * @public
 */
export interface ApplicableKind {
  group: string;
  kind: string;
  /** Cluster-scoped kinds have no namespace. */
  clusterScoped?: boolean;
}

/**
 * What a team's service template may apply: the objects of one model service, all namespaced.
 *
 * @public
 */
export const TEAM_KINDS: ApplicableKind[] = [
  { group: 'apps', kind: 'Deployment' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'PersistentVolumeClaim' },
  { group: '', kind: 'ServiceAccount' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'networking.k8s.io', kind: 'Ingress' },
  { group: 'monitoring.coreos.com', kind: 'ServiceMonitor' },
  { group: 'keda.sh', kind: 'ScaledObject' },
  { group: 'http.keda.sh', kind: 'HTTPScaledObject' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  { group: 'leaderworkerset.x-k8s.io', kind: 'LeaderWorkerSet' },
];

/**
 * What only the platform team's templates may apply (they shape the cluster or other teams' limits).
 *
 * @public
 */
export const PLATFORM_KINDS: ApplicableKind[] = [
  { group: 'karpenter.sh', kind: 'NodePool', clusterScoped: true },
  { group: '', kind: 'ResourceQuota' },
];

/** Namespaces no template may write to, whoever runs it. */
const SYSTEM_NAMESPACES = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);

/**
 * A manifest as parsed from YAML.
 *
 * @public
 */
export interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * Who applies what, where.
 *
 * @public
 */
export interface ApplyScope {
  /** The owner group the objects are for (the caller's membership was checked before). */
  ownerRef: string;
  cluster: string;
  /** Namespace of objects that name none. */
  namespace: string;
  /** Where the owner may deploy. */
  placement: TeamPlacement;
  /** The caller holds the platform's apply permission (platform team): platform kinds and any team namespace. */
  platformApply: boolean;
  /** Pod Security level every pod spec must meet. */
  podSecurity: PodSecurityLevel;
}

/**
 * One object the scope refuses, and why.
 *
 * @public
 */
export interface ApplyRefusal {
  /** `Kind namespace/name` of the object. */
  object: string;
  path?: string;
  message: string;
}

/**
 * GPUs a set of manifests can hold at their autoscaler ceiling, per GPU type.
 *
 * @public
 */
export interface GpuCeiling {
  gpuType: string;
  gpus: number;
  /** The workload that holds them, `Kind/name`. */
  workload: string;
}

function groupOf(apiVersion: string | undefined): string {
  const value = apiVersion ?? '';
  return value.includes('/') ? value.split('/')[0] : '';
}

function describe(manifest: Manifest): string {
  const ns = manifest.metadata?.namespace;
  return `${manifest.kind ?? '<no kind>'} ${ns ? `${ns}/` : ''}${
    manifest.metadata?.name ?? '<unnamed>'
  }`;
}

function findKind(
  kinds: ApplicableKind[],
  manifest: Manifest,
): ApplicableKind | undefined {
  const group = groupOf(manifest.apiVersion);
  return kinds.find(k => k.kind === manifest.kind && k.group === group);
}

/**
 * Places the manifests in the scope: defaults their namespace, stamps the owner label, and lists every object the
 * scope refuses (kind not allowed, namespace or cluster not the owner's, another owner's label, a pod spec below
 * the Pod Security level). Nothing may be applied unless the refusals are empty.
 *
 * @public
 */
export function placeManifests(
  manifests: Manifest[],
  scope: ApplyScope,
): { placed: Manifest[]; refusals: ApplyRefusal[] } {
  const refusals: ApplyRefusal[] = [];
  const ownerName = groupNameOf(scope.ownerRef);
  const clusterRefusal = scope.platformApply
    ? undefined
    : placementRefusal(scope.placement, { cluster: scope.cluster });
  if (clusterRefusal) {
    return {
      placed: [],
      refusals: [
        { object: `cluster ${scope.cluster}`, message: clusterRefusal },
      ],
    };
  }
  const placed: Manifest[] = [];
  for (const manifest of manifests) {
    const teamKind = findKind(TEAM_KINDS, manifest);
    const platformKind = findKind(PLATFORM_KINDS, manifest);
    const kind = teamKind ?? platformKind;
    const copy: Manifest = {
      ...manifest,
      metadata: {
        ...manifest.metadata,
        labels: { ...manifest.metadata?.labels },
      },
    };
    const refuse = (message: string, path?: string) =>
      refusals.push({ object: describe(copy), path, message });
    if (!kind) {
      refuse(
        `${manifest.apiVersion}/${
          manifest.kind
        } is not a kind the templates may apply (allowed: ${[
          ...TEAM_KINDS,
          ...(scope.platformApply ? PLATFORM_KINDS : []),
        ]
          .map(k => k.kind)
          .join(', ')})`,
        'kind',
      );
      continue;
    }
    if (!teamKind && !scope.platformApply) {
      refuse(
        `${manifest.kind} objects are the platform team's: they need the inference.platform.apply permission`,
        'kind',
      );
      continue;
    }
    if (kind.clusterScoped) {
      if (copy.metadata!.namespace) {
        refuse(
          `${manifest.kind} is cluster-scoped and takes no namespace`,
          'metadata.namespace',
        );
        continue;
      }
    } else {
      const namespace = copy.metadata!.namespace ?? scope.namespace;
      copy.metadata!.namespace = namespace;
      if (SYSTEM_NAMESPACES.has(namespace)) {
        refuse(
          `namespace ${namespace} is reserved for the cluster`,
          'metadata.namespace',
        );
        continue;
      }
      const refusal = scope.platformApply
        ? undefined
        : placementRefusal(scope.placement, {
            cluster: scope.cluster,
            namespace,
          });
      if (refusal) {
        refuse(refusal, 'metadata.namespace');
        continue;
      }
    }
    const labelled = copy.metadata!.labels![OWNER_LABEL];
    if (labelled !== undefined && labelled !== ownerName) {
      refuse(
        `its ${OWNER_LABEL} label is "${labelled}", but the objects are applied for ${ownerName}`,
        `metadata.labels.${OWNER_LABEL}`,
      );
      continue;
    }
    copy.metadata!.labels![OWNER_LABEL] = ownerName;
    for (const template of podTemplatesOf(copy)) {
      const podOwner = template.labels[OWNER_LABEL];
      if (podOwner !== undefined && podOwner !== ownerName) {
        refuse(
          `its pods are labelled ${OWNER_LABEL}=${podOwner}, but the objects are applied for ${ownerName}`,
          template.path.replace(/\.spec$/, '.metadata.labels'),
        );
      }
      for (const violation of checkPodSecurity(
        template.spec,
        scope.podSecurity,
        template.path,
      )) {
        refuse(
          `Pod Security "${scope.podSecurity}": ${violation.message}`,
          violation.path,
        );
      }
    }
    placed.push(copy);
  }
  return { placed, refusals };
}

/** Replicas an autoscaler may reach for each `Kind/name` it targets. */
function autoscalerCeilings(manifests: Manifest[]): Map<string, number> {
  const ceilings = new Map<string, number>();
  const raise = (target: string, value: number) =>
    ceilings.set(target, Math.max(ceilings.get(target) ?? 0, value));
  for (const m of manifests) {
    const spec = (m.spec ?? {}) as Record<string, any>;
    if (m.kind === 'ScaledObject') {
      // KEDA's default maxReplicaCount is 100 (keda.sh/docs ScaledObject spec)
      raise(
        `${spec.scaleTargetRef?.kind ?? 'Deployment'}/${
          spec.scaleTargetRef?.name
        }`,
        Number(spec.maxReplicaCount ?? 100),
      );
    } else if (m.kind === 'HorizontalPodAutoscaler') {
      raise(
        `${spec.scaleTargetRef?.kind}/${spec.scaleTargetRef?.name}`,
        Number(spec.maxReplicas ?? 1),
      );
    } else if (m.kind === 'HTTPScaledObject') {
      const target = spec.scaleTargetRef ?? {};
      raise(
        `${target.kind ?? 'Deployment'}/${target.name ?? target.deployment}`,
        Number(spec.replicas?.max ?? 100),
      );
    }
  }
  return ceilings;
}

/**
 * The GPUs the manifests' workloads may hold at their autoscaler ceiling (or their replica count without one),
 * per workload and GPU type: what a quota reservation must cover before they are applied.
 *
 * @public
 */
export function gpuCeilings(manifests: Manifest[]): GpuCeiling[] {
  const ceilings = autoscalerCeilings(manifests);
  const result: GpuCeiling[] = [];
  for (const m of manifests) {
    for (const template of podTemplatesOf(m)) {
      const pod = { metadata: { name: '' }, spec: template.spec } as any;
      const request = podGpuRequest(pod);
      if (!request) continue;
      const gpuType = podGpuTypeKey(pod) ?? 'unknown';
      const spec = (m.spec ?? {}) as Record<string, any>;
      const key = `${m.kind}/${m.metadata?.name}`;
      let replicas = ceilings.get(key) ?? Number(spec.replicas ?? 1);
      if (m.kind === 'LeaderWorkerSet') {
        replicas =
          (ceilings.get(key) ?? Number(spec.replicas ?? 1)) *
          (template.path.includes('workerTemplate')
            ? Math.max(0, Number(spec.leaderWorkerTemplate?.size ?? 1) - 1)
            : 1);
      }
      if (m.kind === 'Pod') replicas = 1;
      else if (m.kind === 'Deployment')
        replicas += rolloutSurge(spec, replicas);
      result.push({ gpuType, gpus: request.count * replicas, workload: key });
    }
  }
  return result;
}

/**
 * Pods a Deployment's rolling update adds above its replicas: `maxSurge` as a count, or as a percentage of the
 * replicas rounded up; default 25%; none with the Recreate strategy (kubernetes.io/docs Deployments, "Max Surge").
 * Surge pods hold GPUs like the others, so they are charged.
 */
function rolloutSurge(spec: Record<string, any>, replicas: number): number {
  if (spec.strategy?.type === 'Recreate') return 0;
  const surge = spec.strategy?.rollingUpdate?.maxSurge ?? '25%';
  if (typeof surge === 'number') return Math.max(0, Math.floor(surge));
  const percent = /^(\d+)%$/.exec(String(surge));
  if (percent) return Math.ceil((Number(percent[1]) / 100) * replicas);
  const count = Number(surge);
  return Number.isFinite(count) ? Math.max(0, Math.floor(count)) : 0;
}

/**
 * The reservation an apply presents, as the ledger reports it.
 *
 * @public
 */
export interface PresentedReservation {
  id: string;
  owner: string;
  gpuType: string;
  gpus: number;
  state: string;
  workload?: { cluster: string; namespace: string; name: string };
}

/**
 * Why the reservation does not cover the GPUs the manifests deploy, or undefined when it does: it must be live
 * (pending or confirmed), the owner's, of the same GPU type, for the same workload, and hold at least the GPUs at
 * the autoscaler ceiling.
 *
 * @public
 */
export function reservationRefusal(
  ceilings: GpuCeiling[],
  reservation: PresentedReservation | undefined,
  target: { ownerRef: string; cluster: string; namespace: string },
): string | undefined {
  if (ceilings.length === 0) return undefined;
  const needed = ceilings.reduce((sum, c) => sum + c.gpus, 0);
  const types = [...new Set(ceilings.map(c => c.gpuType))];
  if (!reservation) {
    return `the manifests deploy ${needed} GPU(s) (${types.join(
      ', ',
    )}) at their autoscaler ceiling but present no live reservation of ${
      target.ownerRef
    }: reserve them with inference:quota:reserve first`;
  }
  if (reservation.owner !== target.ownerRef) {
    return `reservation ${reservation.id} belongs to ${reservation.owner}, not ${target.ownerRef}`;
  }
  if (reservation.state !== 'pending' && reservation.state !== 'confirmed') {
    return `reservation ${reservation.id} is ${reservation.state}; reserve the GPUs again`;
  }
  if (types.length !== 1 || types[0] !== reservation.gpuType) {
    return `reservation ${reservation.id} is for ${
      reservation.gpuType
    }, but the manifests deploy ${types.join(', ')}`;
  }
  if (needed > reservation.gpus) {
    return `reservation ${reservation.id} holds ${
      reservation.gpus
    } GPU(s), but the manifests can scale to ${needed} (${ceilings
      .map(c => `${c.workload}: ${c.gpus}`)
      .join(', ')})`;
  }
  const workload = reservation.workload;
  if (
    workload &&
    (workload.cluster !== target.cluster ||
      workload.namespace !== target.namespace ||
      !ceilings.some(c => c.workload.endsWith(`/${workload.name}`)))
  ) {
    return `reservation ${reservation.id} is for ${workload.cluster}/${workload.namespace}/${workload.name}, not for these manifests`;
  }
  return undefined;
}
