/*
 * Reads what dcgm-exporter needs about a node from its Node object (GFD
 * labels) and the kubelet's GPU assignments.
 */
import { resourceById } from '../api/resources';
import { GPU_MODELS } from '../sim/gpuCatalog';
import { GPU_HARDWARE_ANNOTATION } from '../sim/nodeFactory';
import { nodeGpuProduct } from '../sim/podPlan';
import type { SimCluster } from '../sim/simCluster';
import { GpuNodeInfo } from './dcgmMetrics';

const NODES = resourceById('core/nodes');
const HARDWARE = new RegExp(
  `"${GPU_HARDWARE_ANNOTATION.replace(/[./]/g, '\\$&')}":"([^"]+)"`,
);

/** The GPU description of a node, or undefined for nodes without GPUs. */
export function dcgmNodeInfo(
  cluster: SimCluster,
  nodeName: string,
): GpuNodeInfo | undefined {
  const s = cluster.store.get(NODES, undefined, nodeName);
  if (!s) return undefined;
  // dcgm-exporter reads the devices through NVML, not the node's labels
  const hw = HARDWARE.exec(s.json)?.[1];
  const gpu =
    GPU_MODELS[hw ?? nodeGpuProduct({ metadata: { labels: s.labels } })];
  if (!gpu) return undefined;
  const count = Number(s.labels['nvidia.com/gpu.count'] ?? 0);
  const assignments = cluster.kubelets.gpuAssignments(nodeName);
  // with MIG a GPU holds several slots; the first slot stands for the GPU
  const per = Math.max(1, Math.floor(assignments.length / Math.max(1, count)));
  const pods = Array.from({ length: count }, (_, i) => {
    const key = assignments[i * per];
    return key ? cluster.kubelets.pods.get(key) : undefined;
  });
  return {
    name: nodeName,
    gpu,
    gpuCount: count,
    driver: s.labels['nvidia.com/cuda.driver-version.full'] ?? '',
    assignments: pods,
  };
}
