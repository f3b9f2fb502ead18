/*
 * What a pod will do once bound to a node: which engine its main container
 * runs, with which model and arguments, how long pulling and loading take,
 * and whether (and how) it fails. Read from the pod spec the way a reader of
 * the manifest would, plus the node's GPU and driver labels.
 */
import { FailureMode } from '../scenario/schema';
import { GpuModel, GPU_MODELS, driverSatisfies } from './gpuCatalog';
import { Engine, describeImage, requiredCudaFromEnv } from './imageCatalog';
import {
  ModelArch,
  VllmMemoryPlan,
  findModel,
  planVllmMemory,
} from './modelCatalog';
import { GPU_HARDWARE_ANNOTATION } from './nodeFactory';
import { gpuRequest } from './podResources';
import { WorkloadProfile } from './workloadProfiles';

type Obj = Record<string, any>;

/** A resolved startup plan. @public */
export interface PodPlan {
  engine: Engine;
  container: string;
  image: string;
  imageSizeBytes: number;
  port: number;
  model?: string;
  arch?: ModelArch;
  tensorParallel: number;
  maxModelLen?: number;
  gpuMemoryUtilization: number;
  gpu?: GpuModel;
  gpuCount: number;
  driver?: string;
  requiredCuda?: string;
  memory?: VllmMemoryPlan;
  failure: Exclude<FailureMode, 'auto'> | 'no-kv-blocks';
  /** simulated seconds from container start to ready (or to the failure) */
  loadSeconds: number;
  failAtFraction: number;
  fallbackToLogs: boolean;
}

function argValue(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

function defaultPort(engine: Engine): number {
  switch (engine) {
    case 'vllm':
      return 8000;
    case 'triton':
      return 8002;
    case 'tei':
    case 'tgi':
      return 80;
    case 'dcgm':
      return 9400;
    default:
      return 8080;
  }
}

/** Picks the main container: the one requesting GPUs, else the first. */
export function mainContainer(spec: Obj): Obj {
  const cs = (spec.containers ?? []) as Obj[];
  return (
    cs.find(c =>
      Object.keys(c.resources?.limits ?? {}).some(k =>
        k.startsWith('nvidia.com/'),
      ),
    ) ??
    cs[0] ??
    {}
  );
}

/**
 * The GPU product a node really has. CUDA allocates on the device, not on a
 * label: a node whose `nvidia.com/gpu.product` label was set from a NodePool
 * template (and is wrong) still runs the instance's own GPU, so the physical
 * GPU the node was built with wins over the label.
 */
export function nodeGpuProduct(node: Obj | undefined): string {
  const hw = node?.metadata?.annotations?.[GPU_HARDWARE_ANNOTATION];
  if (hw) return String(hw);
  return String(
    node?.metadata?.labels?.['nvidia.com/gpu.product'] ?? '',
  ).replace(/-MIG-.*$|-SHARED$/, '');
}

/** Builds the plan of a pod about to start on a node. */
export function planPod(
  pod: Obj,
  node: Obj | undefined,
  profile: WorkloadProfile,
  modelLoadScale: number,
): PodPlan {
  const c = mainContainer(pod.spec ?? {});
  const image = describeImage(String(c.image ?? ''));
  const args: string[] = [...(c.command ?? []), ...(c.args ?? [])].map(String);
  const engine = image.engine;
  const labels = (node?.metadata?.labels ?? {}) as Record<string, string>;
  const gpu = GPU_MODELS[nodeGpuProduct(node)];
  const gpuCount = gpuRequest(pod.spec)?.count ?? 0;
  const driver =
    labels['nvidia.com/cuda.driver-version.full'] ??
    (labels['nvidia.com/cuda.driver.major']
      ? `${labels['nvidia.com/cuda.driver.major']}.${labels['nvidia.com/cuda.driver.minor']}.${labels['nvidia.com/cuda.driver.rev']}`
      : undefined);
  const env = ((c.env ?? []) as Obj[]).find(
    e => e.name === 'NVIDIA_REQUIRE_CUDA',
  )?.value;
  const requiredCuda = requiredCudaFromEnv(env) ?? image.cuda;
  let model =
    argValue(args, '--model') ??
    argValue(args, '--model-id') ??
    argValue(args, '--model_id') ??
    argValue(args, '--model_name');
  if (!model && args[0] === 'vllm' && args[1] === 'serve') model = args[2];
  if (!model) model = pod.metadata?.labels?.['inference-platform.io/model'];
  const arch = findModel(model);
  const tensorParallel =
    Number(
      argValue(args, '--tensor-parallel-size') ?? argValue(args, '-tp') ?? 1,
    ) || 1;
  const maxModelLenArg = argValue(args, '--max-model-len');
  const maxModelLen = maxModelLenArg ? Number(maxModelLenArg) : undefined;
  const gpuMemoryUtilization =
    Number(argValue(args, '--gpu-memory-utilization') ?? 0.9) || 0.9;
  const memory =
    engine === 'vllm' && arch && gpu
      ? planVllmMemory(arch, gpu, {
          tensorParallel,
          gpuMemoryUtilization,
          maxModelLen,
        })
      : undefined;

  let failure: PodPlan['failure'] =
    profile.failure === 'auto' ? 'none' : profile.failure;
  if (profile.failure === 'auto') {
    if (requiredCuda && driver && !driverSatisfies(driver, requiredCuda))
      failure = 'driver-insufficient';
    else if (memory?.failure === 'weights-do-not-fit')
      failure = 'cuda-oom-at-start';
    else if (memory?.failure === 'no-kv-blocks') failure = 'no-kv-blocks';
    else if (memory?.failure === 'kv-too-small') failure = 'kv-cache-too-small';
  }
  const weightsGB = arch ? arch.paramsB * 2 : 2;
  const baseLoad =
    profile.modelLoadSeconds ??
    (engine === 'generic' || engine === 'dcgm' ? 2 : 15 + weightsGB * 0.5);
  const ports = ((c.ports ?? []) as Obj[]).map(x => Number(x.containerPort));
  // Triton serves metrics on its own port
  const portSpec =
    engine === 'triton' && ports.includes(8002) ? 8002 : ports[0];
  const failAt: Record<string, number> = {
    'cuda-oom-at-start': 0.9,
    'kv-cache-too-small': 0.95,
    'no-kv-blocks': 0.95,
    'oom-killed': 0.5,
  };
  return {
    engine,
    container: String(c.name ?? 'main'),
    image: String(c.image ?? ''),
    imageSizeBytes: image.sizeBytes,
    port: Number(portSpec ?? defaultPort(engine)),
    model,
    arch,
    tensorParallel,
    maxModelLen: maxModelLen ?? arch?.maxPositions,
    gpuMemoryUtilization,
    gpu,
    gpuCount,
    driver,
    requiredCuda,
    memory,
    failure,
    loadSeconds:
      engine === 'generic' || engine === 'dcgm'
        ? baseLoad
        : baseLoad * modelLoadScale,
    failAtFraction: failAt[failure] ?? 1,
    fallbackToLogs: c.terminationMessagePolicy === 'FallbackToLogsOnError',
  };
}
