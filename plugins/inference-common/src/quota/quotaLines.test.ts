import type { ClusterCapacity, NodePoolCapacity } from '../api';
import { computeQuotaStandings } from './quota';
import {
  flagQuotasAboveCapacity,
  gpuTypeRefusal,
  knownGpuTypes,
} from './quotaLines';

const A100 = 'NVIDIA-A100-SXM4-80GB';
const H100 = 'NVIDIA-H100-80GB-HBM3';
const A100_MIG = 'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb';

function pool(gpuType: string, allocatable: number, growthRoom?: number) {
  return {
    pool: `${gpuType}-pool`,
    gpuType,
    nodes: allocatable / 8,
    allocatable,
    allocated: 0,
    free: allocatable,
    growthRoom,
  } satisfies NodePoolCapacity;
}

const cluster = (name: string, pools: NodePoolCapacity[]): ClusterCapacity => ({
  cluster: name,
  pools,
  updatedAt: '2026-11-26T14:00:00Z',
});

describe('knownGpuTypes and gpuTypeRefusal', () => {
  const known = knownGpuTypes([
    cluster('gpu-a', [pool(A100, 8), pool('Acme-Custom-GPU', 4)]),
  ]);

  it('lists the fleet’s types first, then the rest of the catalog without repeating them', () => {
    expect(known.inFleet).toEqual(['Acme-Custom-GPU', A100]);
    expect(known.inCatalog).toContain(H100);
    expect(known.inCatalog).toContain(A100_MIG);
    expect(known.inCatalog).not.toContain(A100);
  });

  it.each([H100, A100_MIG, 'Acme-Custom-GPU', A100])('accepts %s', type => {
    expect(gpuTypeRefusal(type, known)).toBeUndefined();
  });

  it.each([
    [
      'NVIDIA-H200-TYPO',
      'gpuType NVIDIA-H200-TYPO is not a GPU type of the GPU catalog or of a tracked pool',
    ],
    [
      'h100-80gb-sxm',
      `gpuType h100-80gb-sxm is not a GPU type of the GPU catalog or of a tracked pool; did you mean ${H100}?`,
    ],
    [
      'nvidia-a100-sxm4-80gb-mig-1g.10gb',
      `gpuType nvidia-a100-sxm4-80gb-mig-1g.10gb is not a GPU type of the GPU catalog or of a tracked pool; did you mean ${A100_MIG}?`,
    ],
  ])('refuses %s naming the field', (type, message) => {
    expect(gpuTypeRefusal(type, known)).toBe(message);
  });
});

describe('flagQuotasAboveCapacity', () => {
  const standings = computeQuotaStandings({
    limits: [
      { owner: 'group:default/ml-batch', gpuType: A100, limit: 16 },
      { owner: 'group:default/ml-chat', gpuType: A100, limit: 8 },
      { owner: 'group:default/ml-chat', gpuType: H100, limit: 12 },
      { owner: 'group:default/ml-chat', gpuType: 'NVIDIA-L4', limit: 2 },
    ],
    workloads: [],
  });
  const flags = (
    capacity: ClusterCapacity[],
    clusters = capacity.length,
    clustersOf?: (owner: string) => string[] | undefined,
  ) =>
    flagQuotasAboveCapacity(standings, { capacity, clusters, clustersOf }).map(
      s => [s.owner, s.gpuType, s.exceedsCapacity],
    );

  it('flags a limit above the GPUs the fleet has of that type, and no other', () => {
    expect(
      flags([
        cluster('gpu-a', [pool(A100, 8)]),
        cluster('gpu-b', [pool(H100, 8, 8)]),
      ]),
    ).toEqual([
      [
        'group:default/ml-batch',
        A100,
        { capacity: 8, limit: 16, clusters: ['gpu-a', 'gpu-b'] },
      ],
      ['group:default/ml-chat', A100, undefined],
      // 8 GPUs and room for 8 more in a Karpenter pool: 12 fits
      ['group:default/ml-chat', H100, undefined],
      // no pool has L4s at all
      [
        'group:default/ml-chat',
        'NVIDIA-L4',
        { capacity: 0, limit: 2, clusters: ['gpu-a', 'gpu-b'] },
      ],
    ]);
  });

  it('adds the pools of every cluster', () => {
    expect(
      flags([
        cluster('gpu-a', [pool(A100, 8)]),
        cluster('gpu-b', [pool(A100, 8)]),
      ])[0][2],
    ).toBeUndefined();
  });

  it('counts only the clusters the owner may deploy to', () => {
    const fleet = [
      cluster('gpu-batch', [pool(A100, 8)]),
      cluster('gpu-eu-west', [pool(A100, 8)]),
    ];
    const clustersOf = (owner: string) =>
      owner === 'group:default/ml-batch' ? ['gpu-batch'] : undefined;
    expect(flags(fleet, 2, clustersOf).slice(0, 2)).toEqual([
      [
        'group:default/ml-batch',
        A100,
        { capacity: 8, limit: 16, clusters: ['gpu-batch'] },
      ],
      ['group:default/ml-chat', A100, undefined],
    ]);
    // without tenancy the whole fleet counts: 16 A100s hold a limit of 16
    expect(flags(fleet, 2)[0][2]).toBeUndefined();
  });

  it('flags nothing while a tracked cluster has not reported its pools', () => {
    expect(
      flags([cluster('gpu-a', [pool(A100, 8)])], 2).every(f => !f[2]),
    ).toBe(true);
  });
});
