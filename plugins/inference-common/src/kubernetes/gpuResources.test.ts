import {
  containerGpuRequest,
  parseCountQuantity,
  parseMemoryQuantity,
  podGpuRequest,
  podGpuTypeKey,
  readNodeGpuInfo,
} from './gpuResources';
import { NodeLike, PodLike } from './types';

const node: NodeLike = {
  metadata: {
    name: 'gpu-node-1',
    labels: {
      'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB',
      'nvidia.com/gpu.count': '8',
      'nvidia.com/gpu.memory': '81920',
      'nvidia.com/gpu.compute.major': '8',
      'nvidia.com/gpu.compute.minor': '0',
      'nvidia.com/cuda.driver.major': '550',
      'nvidia.com/cuda.driver.minor': '54',
      'nvidia.com/cuda.driver.rev': '15',
      'nvidia.com/mig.strategy': 'mixed',
    },
  },
  status: {
    allocatable: {
      cpu: '96',
      'nvidia.com/gpu': '6',
      'nvidia.com/mig-1g.10gb': '7',
    },
  },
};

const pod = (
  resources: Record<string, string>,
  nodeSelector?: Record<string, string>,
): PodLike => ({
  metadata: { name: 'p' },
  spec: {
    nodeSelector,
    containers: [
      { name: 'vllm', resources: { limits: resources } },
      { name: 'sidecar', resources: { limits: { cpu: '1' } } },
    ],
  },
});

describe('GPU resources', () => {
  it('reads GPU Feature Discovery labels and allocatable GPU resources', () => {
    expect(readNodeGpuInfo(node)).toEqual({
      productLabel: 'NVIDIA-A100-SXM4-80GB',
      gpuCount: 8,
      memoryMiB: 81920,
      computeCapability: '8.0',
      driverVersion: '550.54.15',
      migStrategy: 'mixed',
      allocatable: { 'nvidia.com/gpu': 6, 'nvidia.com/mig-1g.10gb': 7 },
    });
  });

  it('finds the GPU request of containers and pods', () => {
    expect(
      containerGpuRequest({
        name: 'c',
        resources: { requests: { 'nvidia.com/gpu': '2' } },
      }),
    ).toEqual({ resourceName: 'nvidia.com/gpu', count: 2 });
    expect(
      containerGpuRequest({
        name: 'c',
        resources: { limits: { memory: '1Gi' } },
      }),
    ).toBeUndefined();
    expect(podGpuRequest(pod({ 'nvidia.com/gpu': '4' }))).toEqual({
      resourceName: 'nvidia.com/gpu',
      count: 4,
    });
  });

  it('keys MIG requests as their own GPU type on the node product', () => {
    expect(podGpuTypeKey(pod({ 'nvidia.com/mig-1g.10gb': '1' }), node)).toBe(
      'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb',
    );
    expect(
      podGpuTypeKey(
        pod(
          { 'nvidia.com/gpu': '1' },
          { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
        ),
      ),
    ).toBe('NVIDIA-L4');
    expect(podGpuTypeKey(pod({ 'nvidia.com/gpu': '1' }))).toBeUndefined();
  });

  it('parses memory quantities', () => {
    expect(parseMemoryQuantity('16Gi')).toBe(16 * 1024 ** 3);
    expect(parseMemoryQuantity('500M')).toBe(5e8);
    expect(parseMemoryQuantity('1e9')).toBe(1e9);
    expect(parseMemoryQuantity('lots')).toBeNaN();
  });

  // a custom resource (LeaderWorkerSet, InferenceService) keeps `nvidia.com/gpu: 1` as the number it was written
  // as; anything else a cluster may hold must read as "no GPUs", never throw
  it.each([
    ['1', 1],
    [' 8 ', 8],
    [1, 1],
    [0, 0],
    [undefined, 0],
    [null, 0],
    [1.5, Number.NaN],
    [-1, Number.NaN],
    ['1.5', Number.NaN],
    ['two', Number.NaN],
    [true, Number.NaN],
    [{}, Number.NaN],
    [['1'], Number.NaN],
    [Number.POSITIVE_INFINITY, Number.NaN],
  ])('parses the count quantity %p as %p', (quantity, count) => {
    expect(parseCountQuantity(quantity)).toBe(count);
  });

  it('reads GPU requests written as numbers', () => {
    expect(
      containerGpuRequest({
        name: 'c',
        resources: { limits: { 'nvidia.com/gpu': 1 } },
      } as any),
    ).toEqual({ resourceName: 'nvidia.com/gpu', count: 1 });
    expect(
      podGpuRequest({
        metadata: { name: 'p' },
        spec: {
          containers: [
            { name: 'a', resources: { limits: { 'nvidia.com/gpu': 2 } } },
            { name: 'b', resources: { requests: { 'nvidia.com/gpu': '1' } } },
          ],
        },
      } as any),
    ).toEqual({ resourceName: 'nvidia.com/gpu', count: 3 });
    expect(
      readNodeGpuInfo({
        metadata: { name: 'n', labels: { 'nvidia.com/gpu.count': 8 } },
        status: { allocatable: { 'nvidia.com/gpu': 8 } },
      } as any),
    ).toMatchObject({ gpuCount: 8, allocatable: { 'nvidia.com/gpu': 8 } });
    expect(parseMemoryQuantity(1073741824 as any)).toBe(1073741824);
  });

  it.each([
    ['resources that are a string', { name: 'c', resources: 'lots' }],
    ['limits that are a number', { name: 'c', resources: { limits: 4 } }],
    ['limits that are an array', { name: 'c', resources: { limits: ['1'] } }],
    ['a null resource list', { name: 'c', resources: { limits: null } }],
    ['a null container', null],
    ['a string container', 'vllm'],
  ])('finds no GPUs, without throwing, in a container with %s', (_, c) => {
    expect(containerGpuRequest(c as any)).toBeUndefined();
  });

  it.each([
    ['containers that are not a list', { containers: 'vllm' }],
    ['a spec that is a number', 3],
    ['containers holding null', { containers: [null] }],
  ])('finds no GPUs, without throwing, in a pod with %s', (_, spec) => {
    const p = { metadata: { name: 'p' }, spec } as any;
    expect(podGpuRequest(p)).toBeUndefined();
    expect(podGpuTypeKey(p, node)).toBeUndefined();
  });

  it('reads a node with malformed labels or allocatable as having no GPUs', () => {
    expect(
      readNodeGpuInfo({
        metadata: { name: 'n', labels: 'gpu' },
        status: { allocatable: ['nvidia.com/gpu'] },
      } as any),
    ).toMatchObject({ gpuCount: 0, allocatable: {} });
    expect(
      readNodeGpuInfo({
        metadata: { name: 'n', labels: { 'nvidia.com/gpu.product': 7 } },
        status: { allocatable: { 'nvidia.com/gpu': {} } },
      } as any),
    ).toMatchObject({ gpuCount: 0 });
  });
});
