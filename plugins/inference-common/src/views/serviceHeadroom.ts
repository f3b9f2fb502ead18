import { InferenceWorkload } from '../api';
import { QuotaStanding } from '../quota/quota';
import { PoolCapacity } from '../capacity/actions';
import { HeadroomVerdict, assessHeadroom } from '../capacity/capacity';
import { namespaceQuotasOf, serviceToday } from './serviceToday';

/** What a service's latest serving metrics say about its load (one workload). */
export interface ServiceLoadSample {
  requestsPerSecond?: number;
  kvCacheUsage?: number;
  gpuUtilization?: number;
}

/**
 * The 10× verdict of a service: load from its workloads' latest metrics (requests/s), per-replica capacity from the
 * entity's `replica-capacity-rps` annotation or from load per ready replica ÷ the busier of KV-cache usage and GPU
 * utilisation; without metrics the current replicas are taken as fully used. The GPU type holding most of the
 * service's GPUs decides. Undefined for a service without GPU workloads.
 *
 * @public
 */
export function serviceHeadroom(input: {
  workloads: readonly InferenceWorkload[];
  latest: (workloadId: string) => ServiceLoadSample | undefined;
  standings: readonly QuotaStanding[];
  pools: readonly PoolCapacity[];
  annotatedReplicaCapacityRps?: number;
  loadMultiplier: number;
}): HeadroomVerdict | undefined {
  const gpuWorkloads = input.workloads.filter(
    w => w.gpuType && w.gpusPerReplica > 0,
  );
  if (gpuWorkloads.length === 0) return undefined;
  // other GPU types are separate services in practice
  const gpuType = [...gpuWorkloads].sort(
    (a, b) => b.quotaCharge - a.quotaCharge,
  )[0].gpuType!;
  const relevant = gpuWorkloads.filter(w => w.gpuType === gpuType);
  const replicas = relevant.reduce((s, w) => s + w.replicas.desired, 0);
  const ready = relevant.reduce((s, w) => s + w.replicas.ready, 0);
  // the ceiling of an autoscaled service; a service without an autoscaler has none to raise
  const maxReplicas = relevant.some(w => w.autoscaler)
    ? relevant.reduce(
        (s, w) => s + (w.autoscaler?.maxReplicas ?? w.replicas.desired),
        0,
      )
    : undefined;

  let currentLoad = 0;
  let utilisation = 0;
  let withMetrics = 0;
  for (const w of relevant) {
    const latest = input.latest(w.id);
    if (latest?.requestsPerSecond === undefined) continue;
    withMetrics += 1;
    currentLoad += latest.requestsPerSecond;
    // the busier of KV cache and GPU compute is what runs out first as load grows
    utilisation = Math.max(
      utilisation,
      latest.kvCacheUsage ?? 0,
      latest.gpuUtilization ?? 0,
    );
  }
  let loadUnit: HeadroomVerdict['loadUnit'] = 'requests/s';
  let perReplicaCapacity: number;
  if (withMetrics > 0 && currentLoad > 0 && ready > 0) {
    perReplicaCapacity =
      input.annotatedReplicaCapacityRps ??
      currentLoad / ready / Math.max(utilisation, 0.05);
  } else {
    loadUnit = 'replicas';
    currentLoad = Math.max(replicas, 1);
    perReplicaCapacity = 1;
  }
  const gpusPerReplica = relevant[0].gpusPerReplica;
  const owner = relevant.find(w => w.owner)?.owner;
  const standing = input.standings.find(
    s => s.owner === owner && s.gpuType === gpuType,
  );
  const quotaHeadroomGpus = owner
    ? (standing?.limit ?? 0) - (standing?.used ?? 0) - (standing?.reserved ?? 0)
    : undefined;
  return assessHeadroom({
    loadMultiplier: input.loadMultiplier,
    currentLoad,
    perReplicaCapacity,
    loadUnit,
    currentReplicas: replicas,
    maxReplicas,
    gpusPerReplica,
    gpuType,
    clusters: [...new Set(relevant.map(w => w.cluster))],
    pools: [...input.pools],
    quotaHeadroomGpus,
    platformQuota:
      owner && standing?.limit !== undefined
        ? { owner, limit: standing.limit }
        : undefined,
    namespaceQuotas: namespaceQuotasOf(relevant),
    today: serviceToday(relevant, gpusPerReplica),
  });
}
