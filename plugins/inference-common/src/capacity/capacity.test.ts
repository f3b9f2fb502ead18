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
      `At 10x load (100 requests/s) it needs 10 replicas (20 ${H100} GPUs), 16 more GPUs than now: ready (12 free + 16 pool growth; 12 need quota, 40 headroom). Raise maxReplicas from 4 to 10.`,
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
      /capacity-bound, 14 GPUs short .*; quota also 7 short/,
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
      /quota-bound, 12 GPUs short .*; capacity also 4 short/,
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

describe('nodePoolGrowthRoom', () => {
  it('is the NodePool GPU limit minus what its nodes hold', () => {
    expect(
      nodePoolGrowthRoom({ cpu: '1000', 'nvidia.com/gpu': '32' }, 24),
    ).toBe(8);
    expect(nodePoolGrowthRoom({ 'nvidia.com/gpu': '32' }, 40)).toBe(0);
    expect(nodePoolGrowthRoom({ cpu: '1000' }, 8)).toBeUndefined();
  });
});
