import fc from 'fast-check';
import { HeadroomInput, assessHeadroom, nodePoolGrowthRoom } from './capacity';

const H100 = 'NVIDIA-H100-80GB-HBM3';
const base: HeadroomInput = {
  currentLoad: 10,
  perReplicaCapacity: 10,
  loadUnit: 'requests/s',
  currentReplicas: 2,
  maxReplicas: 4,
  gpusPerReplica: 2,
  gpuType: H100,
  clusters: ['prod-a', 'prod-b'],
  pools: [
    {
      cluster: 'prod-a',
      pool: 'gpu-h100',
      gpuType: H100,
      freeGpus: 8,
      growthRoomGpus: 16,
    },
    {
      cluster: 'prod-b',
      pool: 'gpu-h100',
      gpuType: H100,
      freeGpus: 4,
      growthRoomGpus: 0,
    },
    {
      cluster: 'prod-b',
      pool: 'gpu-l4',
      gpuType: 'NVIDIA-L4',
      freeGpus: 40,
      growthRoomGpus: 0,
    },
    {
      cluster: 'staging',
      pool: 'gpu-h100',
      gpuType: H100,
      freeGpus: 64,
      growthRoomGpus: 0,
    },
  ],
  quotaHeadroomGpus: 40,
};
const tightPools = [
  {
    cluster: 'prod-a',
    pool: 'gpu-h100',
    gpuType: H100,
    freeGpus: 2,
    growthRoomGpus: 0,
  },
];

describe('assessHeadroom', () => {
  it('is ready when free GPUs, pool growth and quota cover 10x, with every number', () => {
    const verdict = assessHeadroom(base);
    expect(verdict).toMatchObject({
      verdict: 'ready',
      loadMultiplier: 10,
      targetLoad: 100,
      replicasNeeded: 10,
      additionalReplicas: 8,
      gpusNeeded: 20,
      additionalGpus: 16,
      freeGpus: 12,
      growthRoomGpus: 16,
      capacityGpus: 28,
      additionalQuotaGpus: 12,
      quotaHeadroomGpus: 40,
      capacityShortfallGpus: 0,
      quotaShortfallGpus: 0,
      maxReplicasTooLow: true,
    });
    // Only the service's clusters and GPU type count.
    expect(verdict.pools.map(p => `${p.cluster}/${p.pool}`)).toEqual([
      'prod-a/gpu-h100',
      'prod-b/gpu-h100',
    ]);
    expect(verdict.explanation).toBe(
      `At 10x load (100 requests/s) it needs 10 replicas (20 ${H100} GPUs), 16 more GPUs than it holds: ready (12 free + 16 pool growth; 12 need quota, 40 headroom). Raise the autoscaler's maxReplicas from 4 to 10.`,
    );
  });

  it('is quota-bound when the owner lacks quota but GPUs exist', () => {
    const verdict = assessHeadroom({ ...base, quotaHeadroomGpus: 5 });
    expect(verdict).toMatchObject({
      verdict: 'quota-bound',
      quotaShortfallGpus: 7,
      capacityShortfallGpus: 0,
    });
  });

  it('is capacity-bound when the clusters lack GPUs of the type', () => {
    const verdict = assessHeadroom({ ...base, pools: tightPools });
    expect(verdict).toMatchObject({
      verdict: 'capacity-bound',
      capacityShortfallGpus: 14,
      quotaShortfallGpus: 0,
    });
  });

  it('picks the larger shortfall when both fall short and reports both', () => {
    const capacity = assessHeadroom({
      ...base,
      pools: tightPools,
      quotaHeadroomGpus: 5,
    });
    expect(capacity).toMatchObject({
      verdict: 'capacity-bound',
      capacityShortfallGpus: 14,
      quotaShortfallGpus: 7,
    });
    expect(capacity.explanation).toMatch(
      /capacity-bound, 14 GPUs short: capacity 14 short \(.*; platform quota 7 short/,
    );
    const quota = assessHeadroom({
      ...base,
      quotaHeadroomGpus: 0,
      pools: [{ ...tightPools[0], freeGpus: 12 }],
    });
    expect(quota).toMatchObject({
      verdict: 'quota-bound',
      quotaShortfallGpus: 12,
      capacityShortfallGpus: 4,
    });
    expect(quota.explanation).toMatch(
      /quota-bound, 12 GPUs short: capacity 4 short \(.*; platform quota 12 short/,
    );
    const tie = assessHeadroom({
      ...base,
      pools: [{ ...tightPools[0], freeGpus: 4 }],
      quotaHeadroomGpus: 0,
    });
    expect(tie).toMatchObject({
      verdict: 'capacity-bound',
      capacityShortfallGpus: 12,
      quotaShortfallGpus: 12,
    });
  });

  it('does not ask for quota within the autoscaler ceiling already charged', () => {
    const verdict = assessHeadroom({
      ...base,
      loadMultiplier: 2,
      maxReplicas: 8,
      quotaHeadroomGpus: 0,
    });
    expect(verdict).toMatchObject({
      verdict: 'ready',
      replicasNeeded: 2,
      additionalQuotaGpus: 0,
      maxReplicasTooLow: false,
    });
  });

  it('sizes from queue depth per replica as well as throughput', () => {
    const verdict = assessHeadroom({
      ...base,
      loadUnit: 'queued requests',
      currentLoad: 12,
      perReplicaCapacity: 5,
      loadMultiplier: 3,
    });
    expect(verdict).toMatchObject({
      targetLoad: 36,
      replicasNeeded: 8,
      additionalGpus: 12,
    });
  });

  it('treats a missing quota as unbounded and rejects impossible inputs', () => {
    expect(
      assessHeadroom({ ...base, quotaHeadroomGpus: undefined }).explanation,
    ).toMatch(/no quota configured/);
    expect(() => assessHeadroom({ ...base, perReplicaCapacity: 0 })).toThrow(
      /perReplicaCapacity/,
    );
  });

  it('is ready exactly when both capacity and quota cover the need', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: 0.5, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(200),
        fc.nat(200),
        fc.nat(200),
        (load, perReplica, replicas, gpus, free, growth, quota) => {
          const v = assessHeadroom({
            ...base,
            currentLoad: load,
            perReplicaCapacity: perReplica,
            currentReplicas: replicas,
            maxReplicas: undefined,
            gpusPerReplica: gpus,
            pools: [
              { ...tightPools[0], freeGpus: free, growthRoomGpus: growth },
            ],
            quotaHeadroomGpus: quota,
          });
          expect(v.replicasNeeded * perReplica).toBeGreaterThanOrEqual(
            load * 10 - 1e-6,
          );
          expect(v.verdict === 'ready').toBe(
            v.additionalGpus <= free + growth && v.additionalQuotaGpus <= quota,
          );
          expect(v.capacityShortfallGpus).toBe(
            Math.max(0, v.additionalGpus - free - growth),
          );
        },
      ),
    );
  });
});

const A100 = 'NVIDIA-A100-SXM4-80GB';
/** doc-summariser of the demo: 2 replicas of 8 GPUs, the second Pending, its pool at its NodePool limit. */
const pendingOnGpus: HeadroomInput = {
  currentLoad: 0.5,
  perReplicaCapacity: 4,
  loadUnit: 'requests/s',
  currentReplicas: 2,
  gpusPerReplica: 8,
  gpuType: A100,
  clusters: ['gpu-batch'],
  pools: [
    {
      cluster: 'gpu-batch',
      pool: 'a100-pool',
      gpuType: A100,
      freeGpus: 0,
      growthRoomGpus: 0,
      allocatableGpus: 8,
      limitGpus: 8,
    },
  ],
  quotaHeadroomGpus: 0,
  platformQuota: { owner: 'group:default/ml-batch', limit: 16 },
  namespaceQuotas: [
    {
      cluster: 'gpu-batch',
      namespace: 'ml-batch',
      name: 'gpu-quota',
      resource: 'requests.nvidia.com/gpu',
      hard: 16,
      used: 16,
    },
  ],
  today: {
    scheduledReplicas: 1,
    pendingReplicas: 1,
    pendingReason:
      "0/4 nodes are available: 3 node(s) didn't match Pod's node affinity/selector, 1 Insufficient nvidia.com/gpu.",
  },
};
/** search-reranker of the demo: the HPA wants 8, the namespace quota (4 GPUs, all used) let 4 pods be created. */
const refusedByNamespaceQuota: HeadroomInput = {
  currentLoad: 22,
  perReplicaCapacity: 8,
  loadUnit: 'requests/s',
  currentReplicas: 8,
  maxReplicas: 8,
  gpusPerReplica: 1,
  gpuType: A100,
  clusters: ['gpu-eu-west'],
  pools: [
    {
      cluster: 'gpu-eu-west',
      pool: 'a100-pool',
      gpuType: A100,
      freeGpus: 4,
      growthRoomGpus: 8,
      allocatableGpus: 8,
      limitGpus: 16,
    },
  ],
  quotaHeadroomGpus: 1,
  platformQuota: { owner: 'group:default/ml-search', limit: 9 },
  namespaceQuotas: [
    {
      cluster: 'gpu-eu-west',
      namespace: 'ml-search',
      name: 'gpu-quota',
      resource: 'requests.nvidia.com/gpu',
      hard: 4,
      used: 4,
    },
  ],
  today: { scheduledReplicas: 4, pendingReplicas: 0 },
};

describe('assessHeadroom accounts for today', () => {
  it('is blocked, not ready, when a replica is Pending on GPUs its pool cannot give, and names the pool and limit', () => {
    const verdict = assessHeadroom(pendingOnGpus);
    expect(verdict).toMatchObject({
      verdict: 'blocked',
      binding: 'capacity',
      additionalGpus: 8,
      today: {
        desiredReplicas: 2,
        scheduledReplicas: 1,
        pendingReplicas: 1,
        missingReplicas: 0,
        capacityShortfallGpus: 8,
        namespaceQuotaShortfallGpus: 0,
      },
    });
    expect(verdict.explanation).toMatch(
      /^Today 1 of 2 replicas cannot run: 1 Pending \(0\/4 nodes are available: .*1 Insufficient nvidia.com\/gpu.\); 8 NVIDIA-A100-SXM4-80GB GPUs short \(0 free \+ 0 pool growth in a100-pool \(gpu-batch\), NodePool limit 8 reached\)\./,
    );
    expect(verdict.actions[0]).toEqual({
      kind: 'add-gpus',
      for: 'today',
      gpus: 8,
      gpuType: A100,
      cluster: 'gpu-batch',
      pool: 'a100-pool',
      from: 8,
      to: 16,
      text: 'Free or add 8 NVIDIA-A100-SXM4-80GB GPUs in pool a100-pool (gpu-batch): raise its NodePool limit (spec.limits nvidia.com/gpu) from 8 to 16.',
    });
  });

  it('is not blocked while the pending replica can still get a node (NodePool growth room)', () => {
    const verdict = assessHeadroom({
      ...pendingOnGpus,
      pools: [{ ...pendingOnGpus.pools[0], growthRoomGpus: 8, limitGpus: 16 }],
    });
    expect(verdict.verdict).toBe('ready');
    expect(verdict.today.capacityShortfallGpus).toBe(0);
  });

  it('is blocked by the namespace ResourceQuota when it refused pods, and says how far to raise it', () => {
    const verdict = assessHeadroom(refusedByNamespaceQuota);
    expect(verdict).toMatchObject({
      verdict: 'blocked',
      binding: 'namespace-quota',
      today: {
        desiredReplicas: 8,
        scheduledReplicas: 4,
        missingReplicas: 4,
        capacityShortfallGpus: 0,
        namespaceQuotaShortfallGpus: 4,
      },
    });
    expect(verdict.actions[0]).toMatchObject({
      kind: 'raise-namespace-quota',
      for: 'today',
      cluster: 'gpu-eu-west',
      namespace: 'ml-search',
      quota: 'gpu-quota',
      gpus: 4,
      from: 4,
      to: 8,
    });
    expect(verdict.actions[0].text).toBe(
      'Raise the ResourceQuota gpu-quota in gpu-eu-west/ml-search: requests.nvidia.com/gpu from 4 to 8 (its 8 replicas need 4 more pods).',
    );
    expect(verdict.explanation).toMatch(
      /^Today 4 of 8 replicas cannot run: 4 without a pod \(not created\); the namespace ResourceQuota lacks 4 GPUs\./,
    );
  });

  it('is quota-bound at 10x on the namespace quota when today fits, with the platform line named too', () => {
    const verdict = assessHeadroom({
      ...refusedByNamespaceQuota,
      currentReplicas: 4,
      maxReplicas: 8,
      namespaceQuotas: [
        { ...refusedByNamespaceQuota.namespaceQuotas![0], hard: 6 },
      ],
    });
    // 10x of 22 rps at 8 per replica: 28 replicas; 24 more pods, 2 in the namespace quota
    expect(verdict).toMatchObject({
      verdict: 'quota-bound',
      binding: 'namespace-quota',
      replicasNeeded: 28,
      namespaceQuotaShortfallGpus: 22,
      quotaShortfallGpus: 19,
    });
    expect(verdict.actions.map(a => [a.kind, a.from, a.to])).toEqual([
      ['raise-max-replicas', 8, 28],
      ['add-gpus', 16, 28],
      ['raise-platform-quota', 9, 28],
      ['raise-namespace-quota', 6, 28],
    ]);
  });

  it('gives no 10x verdict for a crash-looping service, and says why', () => {
    const verdict = assessHeadroom({
      ...base,
      today: {
        scheduledReplicas: 2,
        pendingReplicas: 0,
        failing: 'CUDA out of memory; 2 of 2 pods in CrashLoopBackOff',
      },
    });
    expect(verdict.verdict).toBe('failing');
    expect(verdict.binding).toBeUndefined();
    expect(verdict.explanation).toBe(
      'No 10x verdict: it is not serving (CUDA out of memory; 2 of 2 pods in CrashLoopBackOff). Fix that first; its health findings say how.',
    );
    expect(verdict.actions.map(a => a.kind)).toEqual(['fix-failure']);
  });

  it('tells a service without an autoscaler to add one, never to raise a maxReplicas it does not have', () => {
    const verdict = assessHeadroom({
      ...base,
      maxReplicas: undefined,
      currentReplicas: 2,
    });
    expect(verdict.maxReplicasTooLow).toBe(false);
    expect(verdict.explanation).not.toMatch(/maxReplicas from/);
    expect(verdict.actions).toContainEqual(
      expect.objectContaining({ kind: 'add-autoscaler', from: 2, to: 10 }),
    );
    expect(verdict.actions.map(a => a.kind)).not.toContain(
      'raise-max-replicas',
    );
  });

  it('names the platform quota line and its new limit when quota binds', () => {
    const verdict = assessHeadroom({
      ...base,
      quotaHeadroomGpus: 5,
      platformQuota: { owner: 'group:default/ml-chat', limit: 24 },
    });
    expect(verdict.actions).toContainEqual(
      expect.objectContaining({
        kind: 'raise-platform-quota',
        owner: 'group:default/ml-chat',
        gpus: 7,
        from: 24,
        to: 31,
      }),
    );
  });

  it('is never ready while the current replicas lack GPUs or namespace quota', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.nat(12),
        fc.nat(12),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(64),
        fc.nat(64),
        fc.option(fc.record({ hard: fc.nat(64), used: fc.nat(64) })),
        (desired, scheduledRaw, pendingRaw, gpus, free, growth, quota) => {
          const scheduled = Math.min(scheduledRaw, desired);
          const pending = Math.min(pendingRaw, desired - scheduled);
          const v = assessHeadroom({
            ...base,
            currentLoad: 0,
            currentReplicas: desired,
            gpusPerReplica: gpus,
            pools: [
              { ...tightPools[0], freeGpus: free, growthRoomGpus: growth },
            ],
            namespaceQuotas: quota
              ? [
                  {
                    cluster: 'prod-a',
                    namespace: 'ns',
                    name: 'q',
                    resource: 'requests.nvidia.com/gpu',
                    ...quota,
                  },
                ]
              : undefined,
            today: { scheduledReplicas: scheduled, pendingReplicas: pending },
          });
          const lacksGpus = (desired - scheduled) * gpus > free + growth;
          const lacksQuota =
            quota !== null &&
            (desired - scheduled - pending) * gpus >
              Math.max(0, quota.hard - quota.used);
          expect(v.verdict === 'blocked').toBe(lacksGpus || lacksQuota);
          // a blocked verdict always says what to do
          expect(
            v.verdict !== 'blocked' ||
              v.actions.some(action => action.for === 'today'),
          ).toBe(true);
        },
      ),
    );
  });
});

describe('nodePoolGrowthRoom', () => {
  it('is the NodePool GPU limit minus what its nodes hold', () => {
    expect(
      nodePoolGrowthRoom({ cpu: '1000', 'nvidia.com/gpu': '32' }, 24),
    ).toBe(8);
    expect(nodePoolGrowthRoom({ 'nvidia.com/gpu': '32' }, 40)).toBe(0);
    expect(nodePoolGrowthRoom({ cpu: '1000' }, 8)).toBeUndefined();
  });
});
