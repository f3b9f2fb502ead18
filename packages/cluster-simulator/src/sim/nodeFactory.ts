/*
 * Node objects as an EKS GPU node looks once GPU Feature Discovery and the
 * NVIDIA device plugin have run: well-known topology and instance labels,
 * Karpenter labels, GFD labels (`nvidia.com/gpu.product`, `.memory`,
 * `.count`, `nvidia.com/cuda.driver.major/minor/rev`, ...), the
 * `nvidia.com/gpu:NoSchedule` taint, and `nvidia.com/gpu` (or MIG) capacity.
 */
import { KubeObject } from '../store/storedObject';
import {
  GpuModel,
  InstanceType,
  driverCudaVersion,
  instanceTypeLabels,
} from './gpuCatalog';
import { Rng } from './random';

/** The shape of the nodes of one pool. @public */
export interface NodeShape {
  pool: string;
  instanceType: InstanceType;
  gpu?: GpuModel;
  driver: string;
  capacityType: 'on-demand' | 'spot';
  mig?: { strategy: 'single' | 'mixed'; profile: string; perGpu: number };
  taints: Array<{ key: string; value?: string; effect: string }>;
  /** 'karpenter' pools get karpenter.sh labels; 'nodegroup' pools an EKS node group label */
  managedBy: 'karpenter' | 'nodegroup';
  extraLabels?: Record<string, string>;
}

/** Options for building one node. @public */
export interface NodeBuild {
  shape: NodeShape;
  region: string;
  zone: string;
  kubeletVersion: string;
  createdAt: string;
  ready: boolean;
  nodeClaim?: string;
  rng: Rng;
}

function nodeName(region: string, rng: Rng): string {
  const ip = `10-${rng.int(0, 15)}-${rng.int(0, 255)}-${rng.int(1, 254)}`;
  return region === 'us-east-1'
    ? `ip-${ip}.ec2.internal`
    : `ip-${ip}.${region}.compute.internal`;
}

/**
 * The physical GPU of a node, as the kubelet, NVML and dcgm-exporter see it
 * (simulator-specific; labels can be wrong, the hardware cannot). @public
 */
export const GPU_HARDWARE_ANNOTATION = 'sim.inference-platform.io/gpu-hardware';

/** Labels GPU Feature Discovery derives from the node's real GPUs and driver. */
export function gfdLabels(
  shape: NodeShape,
  createdAt: string,
): Record<string, string> {
  const g = shape.gpu;
  if (!g) return {};
  const [major, minor, rev] = shape.driver.split('.');
  const cuda = driverCudaVersion(shape.driver);
  const [cudaMajor, cudaMinor] = cuda.split('.');
  const labels: Record<string, string> = {
    'feature.node.kubernetes.io/pci-10de.present': 'true',
    'nvidia.com/gpu.present': 'true',
    'nvidia.com/gpu.deploy.device-plugin': 'true',
    'nvidia.com/gpu.deploy.dcgm-exporter': 'true',
    'nvidia.com/gpu.product': g.product,
    'nvidia.com/gpu.count': String(shape.instanceType.gpus),
    'nvidia.com/gpu.memory': String(g.memoryMiB),
    'nvidia.com/gpu.family': g.family,
    'nvidia.com/gpu.compute.major': String(g.computeMajor),
    'nvidia.com/gpu.compute.minor': String(g.computeMinor),
    'nvidia.com/gpu.machine': shape.instanceType.name,
    'nvidia.com/gpu.replicas': '1',
    'nvidia.com/gpu.sharing-strategy': 'none',
    'nvidia.com/cuda.driver.major': major,
    'nvidia.com/cuda.driver.minor': minor,
    'nvidia.com/cuda.driver.rev': rev ?? '',
    'nvidia.com/cuda.driver-version.full': shape.driver,
    'nvidia.com/cuda.driver-version.major': major,
    'nvidia.com/cuda.driver-version.minor': minor,
    'nvidia.com/cuda.driver-version.revision': rev ?? '',
    'nvidia.com/cuda.runtime.major': cudaMajor,
    'nvidia.com/cuda.runtime.minor': cudaMinor,
    'nvidia.com/cuda.runtime-version.full': cuda,
    'nvidia.com/cuda.runtime-version.major': cudaMajor,
    'nvidia.com/cuda.runtime-version.minor': cudaMinor,
    'nvidia.com/mig.capable': String(g.migProfiles.length > 0),
    'nvidia.com/gfd.timestamp': String(
      Math.floor(Date.parse(createdAt) / 1000),
    ),
  };
  if (shape.mig) {
    labels['nvidia.com/mig.strategy'] = shape.mig.strategy;
    labels['nvidia.com/mig.config'] = `all-${shape.mig.profile}`;
    if (shape.mig.strategy === 'single')
      labels[
        'nvidia.com/gpu.product'
      ] = `${g.product}-MIG-${shape.mig.profile}`;
    labels[`nvidia.com/mig-${shape.mig.profile}.count`] = String(
      shape.mig.perGpu * shape.instanceType.gpus,
    );
  }
  return labels;
}

/** Device resources a node advertises (whole GPUs, or MIG slices). */
export function deviceCapacity(shape: NodeShape): Record<string, string> {
  const n = shape.instanceType.gpus;
  if (!shape.gpu || n === 0) return {};
  if (!shape.mig) return { 'nvidia.com/gpu': String(n) };
  const slices = String(n * shape.mig.perGpu);
  return shape.mig.strategy === 'single'
    ? { 'nvidia.com/gpu': slices }
    : {
        'nvidia.com/gpu': '0',
        [`nvidia.com/mig-${shape.mig.profile}`]: slices,
      };
}

function zoneIdPrefix(region: string): string {
  const [geo, dir, n] = region.split('-');
  return `${geo}${(dir ?? 'x')[0]}${n ?? '1'}`;
}

/** Builds a Node object. */
export function buildNode(b: NodeBuild): KubeObject {
  const { shape, rng } = b;
  const name = nodeName(b.region, rng);
  const it = shape.instanceType;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/instance-type': it.name,
    'beta.kubernetes.io/os': 'linux',
    'failure-domain.beta.kubernetes.io/region': b.region,
    'failure-domain.beta.kubernetes.io/zone': b.zone,
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': it.name,
    'topology.kubernetes.io/region': b.region,
    'topology.kubernetes.io/zone': b.zone,
    'topology.k8s.aws/zone-id': `${zoneIdPrefix(b.region)}-az${
      b.zone.slice(-1).charCodeAt(0) - 96
    }`,
    ...(shape.managedBy === 'karpenter'
      ? {
          'karpenter.sh/nodepool': shape.pool,
          'karpenter.sh/capacity-type': shape.capacityType,
          'karpenter.sh/initialized': 'true',
          'karpenter.sh/registered': 'true',
          ...instanceTypeLabels(it),
        }
      : {
          'eks.amazonaws.com/nodegroup': shape.pool,
          'eks.amazonaws.com/capacityType':
            shape.capacityType === 'spot' ? 'SPOT' : 'ON_DEMAND',
        }),
    ...(shape.gpu &&
    shape.managedBy === 'karpenter' &&
    !instanceTypeLabels(it)['karpenter.k8s.aws/instance-gpu-name']
      ? {
          'karpenter.k8s.aws/instance-gpu-name': shape.gpu.karpenterName,
          'karpenter.k8s.aws/instance-gpu-count': String(it.gpus),
          'karpenter.k8s.aws/instance-gpu-manufacturer': 'nvidia',
          'karpenter.k8s.aws/instance-gpu-memory': String(shape.gpu.memoryMiB),
        }
      : {}),
    ...gfdLabels(shape, b.createdAt),
    ...(b.nodeClaim ? { 'karpenter.sh/nodeclaim': b.nodeClaim } : {}),
    ...(shape.extraLabels ?? {}),
  };
  const memKi = it.memoryGiB * 1024 * 1024;
  const devices = deviceCapacity(shape);
  const capacity = {
    cpu: String(it.vcpu),
    'ephemeral-storage': '209702892Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: `${memKi}Ki`,
    pods: '110',
    ...devices,
  };
  const reservedCpuM = 80 + Math.round(it.vcpu * 10);
  const allocatable = {
    ...capacity,
    cpu: `${it.vcpu * 1000 - reservedCpuM}m`,
    'ephemeral-storage': '192188443124',
    memory: `${memKi - 1_500_000 - Math.round(memKi * 0.02)}Ki`,
  };
  const ipParts = name.match(/ip-(\d+)-(\d+)-(\d+)-(\d+)/)!.slice(1);
  const ip = ipParts.join('.');
  const now = b.createdAt;
  const cond = (
    type: string,
    status: string,
    reason: string,
    message: string,
  ) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const taints = [
    ...shape.taints,
    ...(b.ready
      ? []
      : [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]),
  ];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels,
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': ip,
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        ...(shape.gpu
          ? {
              'nvidia.com/gpu-driver-upgrade-enabled': 'true',
              [GPU_HARDWARE_ANNOTATION]: shape.gpu.product,
            }
          : {}),
      },
      ...(b.nodeClaim ? { finalizers: ['karpenter.sh/termination'] } : {}),
    },
    spec: {
      providerID: `aws:///${b.zone}/i-0${rng.hex(16)}`,
      ...(taints.length ? { taints } : {}),
    },
    status: {
      capacity,
      allocatable,
      conditions: [
        cond(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        cond(
          'DiskPressure',
          'False',
          'KubeletHasNoDiskPressure',
          'kubelet has no disk pressure',
        ),
        cond(
          'PIDPressure',
          'False',
          'KubeletHasSufficientPID',
          'kubelet has sufficient PID available',
        ),
        b.ready
          ? cond(
              'Ready',
              'True',
              'KubeletReady',
              'kubelet is posting ready status',
            )
          : cond(
              'Ready',
              'False',
              'KubeletNotReady',
              'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
            ),
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'InternalDNS', address: name },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: rng.hex(32),
        systemUUID: `ec2${rng.hex(5)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(
          4,
        )}-${rng.hex(12)}`,
        bootID: rng.uuid(),
        kernelVersion: '6.1.119-129.201.amzn2023.x86_64',
        osImage: 'Amazon Linux 2023.6.20241212',
        containerRuntimeVersion: 'containerd://1.7.23',
        kubeletVersion: b.kubeletVersion,
        kubeProxyVersion: b.kubeletVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** Marks a node Ready (kubelet posted ready status, CNI initialised). */
export function markNodeReady(node: Record<string, any>, now: string): void {
  node.spec.taints = (
    (node.spec.taints ?? []) as Array<Record<string, unknown>>
  ).filter(t => t.key !== 'node.kubernetes.io/not-ready');
  if (node.spec.taints.length === 0) delete node.spec.taints;
  for (const c of node.status.conditions) {
    if (c.type === 'Ready')
      Object.assign(c, {
        status: 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
        lastTransitionTime: now,
        lastHeartbeatTime: now,
      });
  }
}
