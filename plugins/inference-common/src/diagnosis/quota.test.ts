import { diagnoseQuotaMismatch, parseQuotaExceeded } from './quota';

const A100 = 'NVIDIA-A100-SXM4-80GB';
const namespaceQuota = {
  cluster: 'gpu-eu-west',
  namespace: 'ml-search',
  name: 'gpu-quota',
  resource: 'requests.nvidia.com/gpu',
  hard: 4,
  used: 4,
};

describe('parseQuotaExceeded', () => {
  it('reads the GPU resource out of a refusal that names several', () => {
    expect(
      parseQuotaExceeded(
        'Error creating: pods "x-1" is forbidden: exceeded quota: team-quota, requested: limits.memory=64,requests.nvidia.com/gpu=2, used: limits.memory=128,requests.nvidia.com/gpu=6, limited: limits.memory=192,requests.nvidia.com/gpu=8',
      ),
    ).toEqual({
      quota: 'team-quota',
      resource: 'requests.nvidia.com/gpu',
      requested: 2,
      used: 6,
      limited: 8,
    });
  });

  it('ignores other creation failures', () => {
    expect(
      parseQuotaExceeded(
        'Error creating: pods "x-1" is forbidden: failed quota: gpu-quota: must specify requests.nvidia.com/gpu',
      ),
    ).toBeUndefined();
  });
});

describe('diagnoseQuotaMismatch', () => {
  it('names the namespace quota when it is below what the platform quota granted, and by how much', () => {
    const finding = diagnoseQuotaMismatch({
      platform: { owner: 'group:default/ml-search', gpuType: A100, limit: 9 },
      chargedGpus: 8,
      namespaceQuota,
    });
    expect(finding).toMatchObject({
      id: 'quota-mismatch:gpu-eu-west/ml-search/gpu-quota',
      kind: 'quota-mismatch',
      severity: 'warning',
    });
    expect(finding!.summary).toBe(
      "The platform quota of group:default/ml-search allows 9 NVIDIA-A100-SXM4-80GB GPUs and charges 8 for the workloads' ceilings in gpu-eu-west/ml-search, but the ResourceQuota gpu-quota in gpu-eu-west/ml-search allows 4 requests.nvidia.com/gpu: the namespace quota binds, 5 GPUs below the platform quota (4 below what the workloads may scale to).",
    );
    expect(finding!.fix).toMatch(
      /^Raise requests.nvidia.com\/gpu of the ResourceQuota gpu-quota in gpu-eu-west\/ml-search from 4 to 8/,
    );
    expect(finding!.evidence.map(e => e.facts)).toEqual([
      {
        owner: 'group:default/ml-search',
        gpuType: A100,
        limit: 9,
        charged: 8,
      },
      {
        quota: 'gpu-quota',
        cluster: 'gpu-eu-west',
        namespace: 'ml-search',
        resource: 'requests.nvidia.com/gpu',
        hard: 4,
        used: 4,
      },
    ]);
  });

  it.each([
    ['the namespace allows what is charged', 9, 8, 8],
    ['the namespace allows the whole platform quota', 9, 8, 9],
    ['the workloads are charged less than the namespace allows', 9, 3, 4],
    ['the platform quota is the lower one (over-quota covers it)', 2, 8, 4],
  ])('says nothing when %s', (_why, limit, charged, hard) => {
    expect(
      diagnoseQuotaMismatch({
        platform: { owner: 'group:default/ml-search', gpuType: A100, limit },
        chargedGpus: charged,
        namespaceQuota: { ...namespaceQuota, hard },
      }),
    ).toBeUndefined();
  });
});
