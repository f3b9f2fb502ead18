import { InstanceType } from '../sim/gpuCatalog';
import {
  NodeRequirement,
  compatibleOfferings,
  requirementAllows,
} from './karpenterScheduling';

type Obj = Record<string, any>;

const pool = (requirements: NodeRequirement[], labels = {}): Obj => ({
  metadata: { name: 'gpu' },
  spec: { template: { metadata: { labels }, spec: { requirements } } },
});
const gpuPod = (gpus: number, spec: Obj = {}): Obj => ({
  spec: {
    containers: [{ resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }],
    ...spec,
  },
});
const capacity = (it: InstanceType) => ({
  'nvidia.com/gpu': it.gpus,
  cpu: it.vcpu,
});
const choose = (p: Obj, pods: Obj[], remaining = {}) =>
  compatibleOfferings({
    pool: p,
    pods,
    requests: {
      'nvidia.com/gpu': pods.reduce(
        (n, pod) =>
          n +
          Number(
            pod.spec.containers[0].resources?.limits?.['nvidia.com/gpu'] ?? 0,
          ),
        0,
      ),
    },
    zones: ['us-east-1a'],
    region: 'us-east-1',
    allocatable: it => ({ 'nvidia.com/gpu': it.gpus, cpu: it.vcpu * 1000 }),
    capacity,
    remaining,
  });
const names = (r: ReturnType<typeof choose>) =>
  typeof r === 'string' ? r : [...new Set(r.map(o => o.instanceType.name))];

describe('requirementAllows', () => {
  it.each([
    ['In', ['a100'], 'a100', true],
    ['In', ['a100'], undefined, false],
    ['NotIn', ['a100'], 'h100', true],
    ['NotIn', ['a100'], undefined, true],
    ['Exists', [], undefined, false],
    ['DoesNotExist', [], undefined, true],
    ['DoesNotExist', [], '8', false],
    ['Gt', ['40960'], '81920', true],
    ['Gt', ['40960'], '40960', false],
    ['Lt', ['4'], '1', true],
    ['Lt', ['4'], undefined, false],
    ['Gt', ['4'], 'large', false],
  ])('%s %j against %s -> %s', (operator, values, value, expected) => {
    expect(
      requirementAllows({ key: 'k', operator, values }, value as string),
    ).toBe(expected);
  });
});

describe('compatibleOfferings', () => {
  it('orders the compatible types by price, so a100 picks p4d before p4de', () => {
    const r = choose(
      pool([
        {
          key: 'karpenter.k8s.aws/instance-gpu-name',
          operator: 'In',
          values: ['a100'],
        },
      ]),
      [gpuPod(8)],
    );
    expect(names(r)).toEqual(['p4d.24xlarge', 'p4de.24xlarge']);
  });

  it('excludes GPU families with NotIn and keeps only CPU types with DoesNotExist', () => {
    const notIn = choose(
      pool([
        {
          key: 'karpenter.k8s.aws/instance-gpu-name',
          operator: 'NotIn',
          values: ['t4', 'a10g', 'l4', 'l40s', 'a100'],
        },
        {
          key: 'karpenter.k8s.aws/instance-gpu-count',
          operator: 'Exists',
        },
      ]),
      [gpuPod(1)],
    );
    expect(names(notIn)).toEqual(['p5.48xlarge', 'p5e.48xlarge']);
    const cpuOnly = choose(
      pool([
        {
          key: 'karpenter.k8s.aws/instance-gpu-count',
          operator: 'DoesNotExist',
        },
      ]),
      [{ spec: { containers: [{}] } }],
    );
    expect(names(cpuOnly)).toEqual(['m6i.xlarge', 'm6i.2xlarge']);
  });

  it('reads Gt and Lt as integers over instance-gpu-count', () => {
    const r = choose(
      pool([
        {
          key: 'karpenter.k8s.aws/instance-gpu-count',
          operator: 'Gt',
          values: ['1'],
        },
        {
          key: 'karpenter.k8s.aws/instance-gpu-count',
          operator: 'Lt',
          values: ['8'],
        },
      ]),
      [gpuPod(1)],
    );
    expect(names(r)).toEqual([
      'g4dn.12xlarge',
      'g6.12xlarge',
      'g5.12xlarge',
      'g6e.12xlarge',
    ]);
  });

  it('prefers Spot when the pool allows both capacity types', () => {
    const r = choose(
      pool([
        {
          key: 'node.kubernetes.io/instance-type',
          operator: 'In',
          values: ['g6.xlarge'],
        },
        {
          key: 'karpenter.sh/capacity-type',
          operator: 'In',
          values: ['spot', 'on-demand'],
        },
      ]),
      [gpuPod(1)],
    );
    expect(typeof r !== 'string' && r[0].capacityType).toBe('spot');
  });

  it('honours the pool limits: types larger than what is left are not offered', () => {
    const p = pool([
      {
        key: 'karpenter.k8s.aws/instance-gpu-name',
        operator: 'In',
        values: ['l4'],
      },
    ]);
    expect(names(choose(p, [gpuPod(1)], { 'nvidia.com/gpu': 4 }))).toEqual([
      'g6.xlarge',
      'g6.2xlarge',
      'g6.12xlarge',
    ]);
    expect(choose(p, [gpuPod(1)], { 'nvidia.com/gpu': 0 })).toBe('limits');
  });

  it('gives a user-defined label only when the pool defines it (Exists takes the pod value)', () => {
    const team = { nodeSelector: { 'example.com/team': 'search' } };
    const l4 = {
      key: 'node.kubernetes.io/instance-type',
      operator: 'In',
      values: ['g6.xlarge'],
    };
    expect(choose(pool([l4]), [gpuPod(1, team)])).toBe('incompatible');
    const r = choose(
      pool([l4, { key: 'example.com/team', operator: 'Exists' }]),
      [gpuPod(1, team)],
    );
    expect(typeof r !== 'string' && r[0].labels['example.com/team']).toBe(
      'search',
    );
  });
});
