import { InferenceService } from '@inference-platform/plugin-inference-node';

/** Pools of a fake fleet, as the inference backend's /clusters reports them. */
export const FLEET = [
  {
    name: 'gpu-us-east',
    state: 'synced' as const,
    since: '2026-11-27T10:00:00Z',
    workloads: 3,
    gpuNodes: 3,
    capacity: {
      cluster: 'gpu-us-east',
      updatedAt: '2026-11-27T10:00:00Z',
      pools: [
        {
          pool: 'h100-pool',
          gpuType: 'NVIDIA-H100-80GB-HBM3',
          nodes: 2,
          allocatable: 16,
          allocated: 10,
          free: 6,
          growthRoom: 8,
          driverVersion: '570.124.06',
        },
        {
          pool: 'l4-pool',
          gpuType: 'NVIDIA-L4',
          nodes: 1,
          allocatable: 4,
          allocated: 3,
          free: 1,
          growthRoom: 4,
          driverVersion: '550.54.15',
        },
      ],
    },
  },
  {
    name: 'gpu-eu-west',
    state: 'synced' as const,
    since: '2026-11-27T10:00:00Z',
    workloads: 2,
    gpuNodes: 2,
    capacity: {
      cluster: 'gpu-eu-west',
      updatedAt: '2026-11-27T10:00:00Z',
      pools: [
        {
          pool: 'a100-pool',
          gpuType: 'NVIDIA-A100-SXM4-80GB',
          nodes: 1,
          allocatable: 8,
          allocated: 3,
          free: 5,
          driverVersion: '535.104.05',
        },
        {
          pool: 't4-pool',
          gpuType: 'Tesla-T4',
          nodes: 1,
          allocatable: 1,
          allocated: 1,
          free: 0,
          driverVersion: '535.104.05',
        },
      ],
    },
  },
];

/** An InferenceService over the fake fleet; reservations are jest mocks. */
export function fakeInference(
  overrides: Partial<InferenceService> = {},
): jest.Mocked<InferenceService> {
  return {
    getHealth: jest.fn(),
    getClusters: jest.fn(async () => FLEET),
    getQuotaStandings: jest.fn(async () => []),
    reserveGpus: jest.fn(),
    releaseReservation: jest.fn(),
    getReservation: jest.fn(async () => undefined),
    ...overrides,
  } as jest.Mocked<InferenceService>;
}
