import { Finding } from './types';

/**
 * A namespace's ResourceQuota on a GPU resource (`requests.nvidia.com/gpu`, or a MIG resource).
 *
 * @public
 */
export interface NamespaceGpuQuota {
  cluster: string;
  namespace: string;
  /** Name of the ResourceQuota object. */
  name: string;
  /** The quota's resource name, e.g. `requests.nvidia.com/gpu`. */
  resource: string;
  hard: number;
  used: number;
}

/**
 * A pod creation the namespace's ResourceQuota refused, from the controller's `FailedCreate` event:
 * `Error creating: pods "x" is forbidden: exceeded quota: gpu-quota, requested: requests.nvidia.com/gpu=1,
 * used: requests.nvidia.com/gpu=4, limited: requests.nvidia.com/gpu=4`.
 *
 * @public
 */
export interface QuotaExceeded {
  /** ResourceQuota name. */
  quota: string;
  /** The resource that ran out (the GPU one when several did). */
  resource: string;
  requested: number;
  used: number;
  limited: number;
}

function amounts(list: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const item of list.split(',')) {
    const [name, value] = item.split('=');
    const n = Number(value);
    if (name && Number.isFinite(n)) map.set(name.trim(), n);
  }
  return map;
}

/**
 * Parses the API server's "exceeded quota" refusal (in a FailedCreate event or a pod creation error).
 *
 * @public
 */
export function parseQuotaExceeded(message: string): QuotaExceeded | undefined {
  const match =
    /exceeded quota: ([^,\s]+), requested: (\S+?), used: (\S+?), limited: (\S+?)(?:$|\s)/.exec(
      message,
    );
  if (!match) return undefined;
  const requested = amounts(match[2]);
  const used = amounts(match[3]);
  const limited = amounts(match[4]);
  const names = [...limited.keys()];
  const resource =
    names.find(n => /nvidia\.com\/|amd\.com\/gpu/.test(n)) ?? names[0];
  if (!resource) return undefined;
  return {
    quota: match[1],
    resource,
    requested: requested.get(resource) ?? 0,
    used: used.get(resource) ?? 0,
    limited: limited.get(resource) ?? 0,
  };
}

/** The fix of a refused pod creation: how far to raise the quota for the missing pods. */
export function quotaExceededFix(
  quota: QuotaExceeded & { namespace?: string },
  missingPods: number | undefined,
): string {
  const pods = missingPods && missingPods > 0 ? missingPods : 1;
  const to = quota.used + pods * quota.requested;
  const ns = quota.namespace ? ` in ${quota.namespace}` : '';
  const cmd = quota.namespace
    ? ` (kubectl -n ${quota.namespace} edit resourcequota ${quota.quota})`
    : '';
  return `Raise the ResourceQuota ${quota.quota}${ns}: ${quota.resource} from ${quota.limited} to ${to}${cmd} so the ${pods} missing pod(s) fit, or lower the replicas (and the autoscaler's maxReplicas) to what it allows.`;
}

/**
 * Input of {@link diagnoseQuotaMismatch}: one platform quota line and one namespace ResourceQuota the owner's
 * workloads run under.
 *
 * @public
 */
export interface QuotaMismatchInput {
  /** The platform's quota line of the owner on the GPU type. */
  platform: { owner: string; gpuType: string; limit: number };
  /** GPUs the platform charges the owner's workloads of that type in the namespace (at their autoscaler ceiling). */
  chargedGpus: number;
  namespaceQuota: NamespaceGpuQuota;
}

/**
 * Flags a namespace ResourceQuota that is lower than what the platform quota granted the workloads in that namespace:
 * the platform admitted an autoscaler ceiling the cluster will refuse, so the lower (namespace) quota binds without
 * anything saying so. (The other way round, a platform quota below what is charged, is the over-quota violation.)
 *
 * @public
 */
export function diagnoseQuotaMismatch(
  input: QuotaMismatchInput,
): Finding | undefined {
  const { platform, namespaceQuota: q } = input;
  const granted = Math.min(platform.limit, input.chargedGpus);
  if (q.hard >= granted) return undefined;
  const where = `${q.cluster}/${q.namespace}`;
  return {
    id: `quota-mismatch:${where}/${q.name}`,
    kind: 'quota-mismatch',
    severity: 'warning',
    title: 'Namespace quota below the platform quota',
    summary: `The platform quota of ${platform.owner} allows ${
      platform.limit
    } ${platform.gpuType} GPUs and charges ${
      input.chargedGpus
    } for the workloads' ceilings in ${where}, but the ResourceQuota ${
      q.name
    } in ${where} allows ${q.hard} ${q.resource}: the namespace quota binds, ${
      platform.limit - q.hard
    } GPUs below the platform quota (${
      granted - q.hard
    } below what the workloads may scale to).`,
    fix: `Raise ${q.resource} of the ResourceQuota ${q.name} in ${where} from ${q.hard} to ${granted} (kubectl -n ${q.namespace} edit resourcequota ${q.name}), or lower the platform quota line to ${q.hard} and the autoscalers' maxReplicas to fit it, so both quotas say the same.`,
    evidence: [
      {
        source: 'quota',
        text: `platform quota ${platform.owner} on ${platform.gpuType}: limit ${platform.limit}, ${input.chargedGpus} charged in ${where}`,
        facts: {
          owner: platform.owner,
          gpuType: platform.gpuType,
          limit: platform.limit,
          charged: input.chargedGpus,
        },
      },
      {
        source: 'quota',
        text: `ResourceQuota ${q.name} in ${where}: ${q.resource} hard ${q.hard}, used ${q.used}`,
        facts: {
          quota: q.name,
          cluster: q.cluster,
          namespace: q.namespace,
          resource: q.resource,
          hard: q.hard,
          used: q.used,
        },
      },
    ],
  };
}
