/**
 * Karpenter requirements that launch exactly the GPU a plan assumed. `karpenter.k8s.aws/instance-gpu-name` alone is
 * not enough: "a100" matches p4d (A100 40 GB) and p4de (A100 80 GB). The AWS provider also labels each instance type
 * with `instance-gpu-memory` (MiB per GPU) and `instance-family` (karpenter.sh docs, "Well-Known Labels" /
 * "Instance Types"), and requirements accept Gt/Lt on integer labels (karpenter.sh docs, NodePools "requirements").
 * So the pool asks for the GPU name, a memory window around the plan's GPU and the instance family of that GPU.
 */
import type { GpuSpec } from '../catalog/gpuTypes';

/** @public */
export interface NodeRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/**
 * Requirements for nodes of one GPU model: its Karpenter GPU name, a per-GPU memory strictly between 90% and 110% of
 * its nominal memory (so the 40 GB and 80 GB variants of a name never mix), and the AWS instance family the catalog
 * prices it on, when known.
 *
 * @public
 */
export function gpuNodeRequirements(gpu: GpuSpec): NodeRequirement[] {
  if (!gpu.karpenterGpuName)
    throw new Error(`${gpu.name} has no Karpenter GPU name in the catalog`);
  const mib = gpu.memoryGB * 1024;
  const out: NodeRequirement[] = [
    {
      key: 'karpenter.k8s.aws/instance-gpu-manufacturer',
      operator: 'In',
      values: [gpu.vendor],
    },
    {
      key: 'karpenter.k8s.aws/instance-gpu-name',
      operator: 'In',
      values: [gpu.karpenterGpuName],
    },
    {
      key: 'karpenter.k8s.aws/instance-gpu-memory',
      operator: 'Gt',
      values: [String(Math.floor(mib * 0.9))],
    },
    {
      key: 'karpenter.k8s.aws/instance-gpu-memory',
      operator: 'Lt',
      values: [String(Math.ceil(mib * 1.1))],
    },
  ];
  const instance =
    gpu.defaultPrice?.provider === 'aws'
      ? gpu.defaultPrice.instance
      : undefined;
  if (instance) {
    out.push({
      key: 'karpenter.k8s.aws/instance-family',
      operator: 'In',
      values: [instance.split('.')[0]],
    });
  }
  return out;
}
