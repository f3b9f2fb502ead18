import {
  containerGpuRequest,
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
});
