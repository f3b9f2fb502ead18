/*
 * dcgm-exporter `/metrics` for one GPU node: the default counters with the
 * exporter's labels (`gpu`, `UUID`, `pci_bus_id`, `device`, `modelName`,
 * `Hostname`, `DCGM_FI_DRIVER_VERSION`) and, for GPUs allocated to a pod, the
 * Kubernetes mapping labels `pod`, `namespace` and `container`.
 */
import { createHash } from 'crypto';
import { PodLife } from '../controllers/kubelet';
import { GpuModel } from '../sim/gpuCatalog';
import { InferenceRuntime } from '../sim/inferenceRuntime';
import { Exposition, Labels } from './exposition';

/** What the exporter needs to know about a node. @public */
export interface GpuNodeInfo {
  name: string;
  gpu: GpuModel;
  gpuCount: number;
  driver: string;
  /** pod holding each GPU index */
  assignments: Array<PodLife | undefined>;
}

/** Memory clocks by architecture (HBM on data-center parts, GDDR otherwise). */
const MEMORY_CLOCK_MHZ: Record<string, number> = { hopper: 2619, ampere: 1593 };

/** The UUID NVML reports for a GPU (stable per node and index). */
export function gpuUuid(node: string, index: number): string {
  const h = createHash('sha1').update(`${node}/${index}`).digest('hex');
  return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20, 32)}`;
}

/** Per-GPU energy counters, integrated lazily between scrapes. */
export class DcgmState {
  private readonly energy = new Map<string, { t: number; mj: Float64Array }>();

  constructor(
    private readonly runtime: InferenceRuntime,
    private readonly now: () => number,
  ) {}

  /** GPU utilisation (0..1) of a GPU held by a pod. */
  utilization(p: PodLife | undefined): number {
    if (!p) return 0;
    if (p.state.phase === 'loading') return 0.22;
    if (p.state.phase !== 'ready') return 0;
    if (p.plan.engine === 'dcgm' || p.plan.engine === 'generic') return 0;
    const s = this.runtime.sample(p.workloadKey);
    return Math.min(0.99, (0.005 + 0.95 * s.utilization) * p.jitter);
  }

  /** Framebuffer used (MiB) by the pod on one of its GPUs. */
  fbUsedMiB(p: PodLife | undefined, gpu: GpuModel): number {
    if (!p || (p.state.phase !== 'ready' && p.state.phase !== 'loading'))
      return 0;
    const plan = p.plan;
    if (plan.engine === 'vllm') {
      const budget = plan.memory
        ? plan.memory.budgetGiB * 1024
        : gpu.memoryMiB * plan.gpuMemoryUtilization;
      return Math.round(
        Math.min(gpu.memoryMiB - 300, budget + 480) *
          (p.state.phase === 'loading' ? 0.6 : 1),
      );
    }
    const weights = ((plan.arch?.paramsB ?? 1) * 2 * 1e9) / 2 ** 20;
    return Math.round(Math.min(gpu.memoryMiB * 0.9, weights * 1.3 + 900));
  }

  private power(p: PodLife | undefined, gpu: GpuModel): number {
    return gpu.idleW + this.utilization(p) * (gpu.tdpW - gpu.idleW) * 0.92;
  }

  /** Energy (mJ) consumed by each GPU of a node since the exporter started. */
  energyOf(node: GpuNodeInfo): Float64Array {
    const now = this.now();
    let e = this.energy.get(node.name);
    if (!e) {
      e = { t: now, mj: new Float64Array(node.gpuCount) };
      this.energy.set(node.name, e);
    }
    const dt = Math.max(0, now - e.t) / 1000;
    for (let i = 0; i < node.gpuCount; i++)
      e.mj[i] += this.power(node.assignments[i], node.gpu) * dt * 1000;
    e.t = now;
    return e.mj;
  }

  /** The exporter's exposition for a node. */
  render(node: GpuNodeInfo): string {
    const e = new Exposition();
    const energy = this.energyOf(node);
    const uptime = 3600 + ((this.now() / 1000) % 86400);
    for (let i = 0; i < node.gpuCount; i++) {
      const pod = node.assignments[i];
      const u = this.utilization(pod);
      const used = this.fbUsedMiB(pod, node.gpu);
      const L: Labels = {
        gpu: String(i),
        UUID: gpuUuid(node.name, i),
        pci_bus_id: `00000000:${(0x10 + i * 0x10)
          .toString(16)
          .toUpperCase()
          .padStart(2, '0')}:00.0`,
        device: `nvidia${i}`,
        modelName: node.gpu.nvmlName,
        Hostname: node.name,
        DCGM_FI_DRIVER_VERSION: node.driver,
      };
      if (pod && pod.plan.engine !== 'dcgm')
        Object.assign(L, {
          container: pod.plan.container,
          namespace: pod.namespace,
          pod: pod.name,
        });
      const g = node.gpu;
      e.gauge(
        'DCGM_FI_DEV_SM_CLOCK',
        'SM clock frequency (in MHz).',
        L,
        Math.round(u > 0.01 ? 1410 + 570 * u : 210),
      );
      e.gauge(
        'DCGM_FI_DEV_MEM_CLOCK',
        'Memory clock frequency (in MHz).',
        L,
        MEMORY_CLOCK_MHZ[g.family] ?? 6251,
      );
      e.gauge(
        'DCGM_FI_DEV_MEMORY_TEMP',
        'Memory temperature (in C).',
        L,
        Math.round(32 + 30 * u),
      );
      e.gauge(
        'DCGM_FI_DEV_GPU_TEMP',
        'GPU temperature (in C).',
        L,
        Math.round(29 + 40 * u),
      );
      e.gauge(
        'DCGM_FI_DEV_POWER_USAGE',
        'Power draw (in W).',
        L,
        Math.round(this.power(pod, g) * 1000) / 1000,
      );
      e.counter(
        'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION',
        'Total energy consumption since boot (in mJ).',
        L,
        Math.floor(energy[i] + uptime * g.idleW * 1000),
        false,
      );
      e.counter(
        'DCGM_FI_DEV_PCIE_REPLAY_COUNTER',
        'Total number of PCIe retries.',
        L,
        0,
        false,
      );
      e.gauge(
        'DCGM_FI_DEV_GPU_UTIL',
        'GPU utilization (in %).',
        L,
        Math.round(u * 100),
      );
      e.gauge(
        'DCGM_FI_DEV_MEM_COPY_UTIL',
        'Memory utilization (in %).',
        L,
        Math.round(u * 62),
      );
      e.gauge('DCGM_FI_DEV_ENC_UTIL', 'Encoder utilization (in %).', L, 0);
      e.gauge('DCGM_FI_DEV_DEC_UTIL', 'Decoder utilization (in %).', L, 0);
      e.gauge(
        'DCGM_FI_DEV_XID_ERRORS',
        'Value of the last XID error encountered.',
        { ...L, err_code: '0', err_msg: 'No Error' },
        0,
      );
      e.gauge(
        'DCGM_FI_DEV_FB_FREE',
        'Framebuffer memory free (in MiB).',
        L,
        g.memoryMiB - used - 500,
      );
      e.gauge(
        'DCGM_FI_DEV_FB_USED',
        'Framebuffer memory used (in MiB).',
        L,
        used,
      );
      e.gauge(
        'DCGM_FI_DEV_FB_RESERVED',
        'Framebuffer memory reserved (in MiB).',
        L,
        500,
      );
      e.counter(
        'DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL',
        'Total number of NVLink bandwidth counters for all lanes.',
        L,
        Math.floor(energy[i] / 1000),
        false,
      );
      e.gauge('DCGM_FI_DEV_VGPU_LICENSE_STATUS', 'vGPU License status', L, 0);
      e.counter(
        'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS',
        'Number of remapped rows for uncorrectable errors',
        L,
        0,
        false,
      );
      e.counter(
        'DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS',
        'Number of remapped rows for correctable errors',
        L,
        0,
        false,
      );
      e.gauge(
        'DCGM_FI_DEV_ROW_REMAP_FAILURE',
        'Whether remapping of rows has failed',
        L,
        0,
      );
      e.gauge(
        'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
        'Ratio of time the graphics engine is active.',
        L,
        Math.round(u * 0.97 * 1e6) / 1e6,
      );
      e.gauge(
        'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE',
        'Ratio of cycles the tensor (HMMA) pipe is active.',
        L,
        Math.round(u * 0.41 * 1e6) / 1e6,
      );
      e.gauge(
        'DCGM_FI_PROF_DRAM_ACTIVE',
        'Ratio of cycles the device memory interface is active sending or receiving data.',
        L,
        Math.round(u * 0.68 * 1e6) / 1e6,
      );
      e.gauge(
        'DCGM_FI_PROF_PCIE_TX_BYTES',
        'The rate of data transmitted over the PCIe bus - including both protocol headers and data payloads - in bytes per second.',
        L,
        Math.round(2e6 + u * 4e8),
      );
      e.gauge(
        'DCGM_FI_PROF_PCIE_RX_BYTES',
        'The rate of data received over the PCIe bus - including both protocol headers and data payloads - in bytes per second.',
        L,
        Math.round(2e6 + u * 3e8),
      );
    }
    return e.toString();
  }
}
