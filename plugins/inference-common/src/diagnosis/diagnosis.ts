import { resolveGpuType } from '../catalog/gpus';
import { isPinnedImageReference } from '../catalog/images';
import { parseMemoryQuantity } from '../kubernetes/gpuResources';
import { EventLike, PodLike } from '../kubernetes/types';
import { estimateVllmMemory } from '../planner/memory';
import { gib } from '../planner/format';
import { cudaOomFix, driverFix, kvCacheTooSmallFix } from './fixes';
import {
  Observation,
  observeContainers,
  observeEvents,
  observeKvSaturation,
  observeMetrics,
  observeUnschedulablePods,
} from './observations';
import { quotaExceededFix } from './quota';
import {
  DiagnosisInput,
  Finding,
  FindingEvidence,
  FindingKind,
  FindingSeverity,
  ServingContext,
  ServingSample,
} from './types';
import { memoryInputFromContext, mergeServingContext } from './servingContext';

const SEVERITY_ORDER: Record<FindingSeverity, number> = {
  critical: 0,
  warning: 1,
  info: 2,
};
const KIND_ORDER: FindingKind[] = [
  'cuda-oom',
  'kv-cache-too-small',
  'host-oom-killed',
  'cuda-driver-insufficient',
  'no-gpu-device',
  'image-pull',
  'insufficient-gpu',
  'resource-quota-exceeded',
  'crash-loop',
  'slow-model-load',
  'kv-cache-saturated',
  'error-rate-high',
  'ttft-slo-breached',
  'quota-mismatch',
  'replicas-below-desired',
];

type ObservationOf<K extends FindingKind> = Extract<Observation, { kind: K }>;

/**
 * Diagnoses an inference workload from its pods, events and metric samples: returns findings with severity,
 * evidence and a concrete fix, most severe first. Pure and deterministic (time comes from `now` or the newest
 * timestamp in the input). GPU-memory findings use the sizing planner when the model and GPU are known, from
 * `serving` or the vLLM command line.
 *
 * @public
 */
export function diagnoseWorkload(input: DiagnosisInput): Finding[] {
  const nowMs = input.now ? Date.parse(input.now) : newestTimestamp(input);
  const events = currentEvents(input.events ?? [], input.pods);
  const observations = [
    ...observeContainers(
      input.pods,
      nowMs,
      input.thresholds?.modelLoadSeconds ?? 600,
    ),
    ...observeEvents(events),
    ...observeUnschedulablePods(input.pods, events),
    ...observeMetrics(
      input.metrics ?? [],
      input.thresholds?.kvCacheSaturation ?? 0.9,
    ),
  ];
  const context = mergeServingContext(input.pods, input.serving);
  let memory: ReturnType<typeof memoryInputFromContext>;
  try {
    memory = memoryInputFromContext(context);
  } catch {
    memory = undefined; // an unusable model description must not hide the findings themselves
  }
  const dataCenter = context.gpuType
    ? resolveGpuType(context.gpuType)?.gpu.dataCenter
    : undefined;
  const findings: Finding[] = [];
  const of = <K extends FindingKind>(kind: K) =>
    observations.filter((o): o is ObservationOf<K> => o.kind === kind);
  const add = (
    kind: FindingKind,
    severity: FindingSeverity,
    title: string,
    summary: string,
    fix: string,
    evidence: FindingEvidence[],
  ) =>
    findings.push({
      id: kind,
      kind,
      severity,
      title,
      summary,
      fix,
      evidence: dedupe(evidence),
    });
  const pods = (obs: Observation[]) =>
    new Set(obs.map(o => o.evidence.pod).filter(Boolean)).size;

  const oom = of('cuda-oom');
  if (oom.length) {
    add(
      'cuda-oom',
      'critical',
      'CUDA out of memory',
      `${pods(oom) || oom.length} pod(s) crashed with CUDA out of memory.`,
      cudaOomFix(
        oom.map(o => o.data),
        memory,
      ),
      oom.map(o => o.evidence),
    );
  }
  const kv = of('kv-cache-too-small');
  if (kv.length) {
    add(
      'kv-cache-too-small',
      'critical',
      'KV cache too small for max-model-len',
      'vLLM refused to start: the KV cache cannot hold one sequence of max-model-len tokens.',
      kvCacheTooSmallFix(
        kv.map(o => o.data),
        memory,
      ),
      kv.map(o => o.evidence),
    );
  }
  const hostOom = of('host-oom-killed');
  if (hostOom.length) {
    add(
      'host-oom-killed',
      'critical',
      'Container killed for host memory (OOMKilled)',
      `${pods(
        hostOom,
      )} pod(s) exceeded their memory limit and were killed (exit code 137).`,
      hostOomFix(
        hostOom.map(o => o.data.memoryLimit),
        memory,
      ),
      hostOom.map(o => o.evidence),
    );
  }
  const driver = of('cuda-driver-insufficient');
  if (driver.length) {
    add(
      'cuda-driver-insufficient',
      'critical',
      'CUDA driver too old for the image',
      "The node's NVIDIA driver does not support the CUDA version the image is built on.",
      driverFix(
        driver.map(o => o.data),
        context,
        dataCenter,
      ),
      driver.map(o => o.evidence),
    );
  }
  const noDevice = of('no-gpu-device');
  if (noDevice.length) {
    add(
      'no-gpu-device',
      'critical',
      'No GPU visible in the container',
      'CUDA found no device: the container was not given a GPU.',
      'Request the GPU in resources.limits (nvidia.com/gpu or a MIG resource), run with the NVIDIA container runtime (runtimeClassName: nvidia where required), and check the NVIDIA device plugin pod on the node.',
      noDevice.map(o => o.evidence),
    );
  }
  const pull = of('image-pull');
  if (pull.length) {
    add(
      'image-pull',
      'critical',
      'Image cannot be pulled',
      `${pods(pull) || pull.length} pod(s) cannot pull ${
        pull.map(o => o.data.image).find(Boolean) ?? 'the image'
      }.`,
      imagePullFix(pull.map(o => o.data)),
      pull.map(o => o.evidence),
    );
  }
  const gpu = of('insufficient-gpu');
  if (gpu.length) {
    const worst = gpu[gpu.length - 1].data;
    add(
      'insufficient-gpu',
      'critical',
      `Not enough ${worst.resource} to schedule`,
      `Pods stay Pending: ${worst.insufficientNodes} of ${worst.totalNodes} nodes lack free ${worst.resource} (${worst.availableNodes} available).`,
      `No node has the ${worst.resource} this pod requests free: free GPUs of that type, raise the node pool's limit (Karpenter NodePool spec.limits["${worst.resource}"]), or lower GPUs per replica. If GPU nodes exist but show no allocatable ${worst.resource}, the NVIDIA device plugin is not running there.`,
      gpu.map(o => o.evidence),
    );
  }
  const livePods = input.pods.filter(
    p => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
  ).length;
  const missingPods =
    input.desiredReplicas === undefined
      ? undefined
      : Math.max(0, input.desiredReplicas - livePods);
  // a refusal is current only while pods are still missing
  const refused = missingPods === 0 ? [] : of('resource-quota-exceeded');
  if (refused.length) {
    const latest = refused[refused.length - 1].data;
    add(
      'resource-quota-exceeded',
      readyPods(input.pods) === 0 ? 'critical' : 'warning',
      'Namespace ResourceQuota refuses new pods',
      `The ResourceQuota ${latest.quota}${
        latest.namespace ? ` in ${latest.namespace}` : ''
      } refused ${
        missingPods !== undefined ? `${missingPods} pod(s)` : 'pods'
      }: each requests ${latest.resource}=${
        latest.requested
      }, the namespace uses ${latest.used} of ${latest.limited}.`,
      quotaExceededFix(latest, missingPods),
      refused.map(o => o.evidence),
    );
  }
  const crash = of('crash-loop');
  if (crash.length) {
    const exit = crash.map(o => o.data.exitCode).find(c => c !== undefined);
    add(
      'crash-loop',
      'critical',
      'Crash loop without a recognised cause',
      `${pods(crash)} pod(s) are in CrashLoopBackOff${
        exit !== undefined ? ` (last exit code ${exit})` : ''
      }.`,
      crashLoopFix(exit),
      crash.map(o => o.evidence),
    );
  }
  const slow = of('slow-model-load');
  if (slow.length) {
    const killed = slow.some(o => o.data.killedByProbe);
    const seconds = Math.max(0, ...slow.map(o => o.data.notReadySeconds ?? 0));
    add(
      'slow-model-load',
      killed ? 'critical' : 'warning',
      killed
        ? 'Probe kills the container while the model loads'
        : 'Readiness lags model load',
      killed
        ? 'The startup or liveness probe restarts the container before vLLM has loaded the model.'
        : `The server has been starting without becoming ready${
            seconds ? ` for ${Math.round(seconds)} s` : ''
          }.`,
      slowLoadFix(
        seconds,
        memory ? estimateVllmMemory(memory).perGpu.weightsGiB : undefined,
      ),
      slow.map(o => o.evidence),
    );
  }
  const saturated = of('kv-cache-saturated');
  if (saturated.length) {
    findings.push(
      kvSaturationFinding(saturated, readyPods(input.pods), memory),
    );
  }
  const ready = readyPods(input.pods);
  if (input.desiredReplicas !== undefined && ready < input.desiredReplicas) {
    const others = findings
      .filter(f => f.severity !== 'info' && f.kind !== 'kv-cache-saturated')
      .map(f => f.kind);
    let fix =
      'Check the pending and unready pods: their events say what they wait for.';
    if (others.length) {
      fix = `Fix the findings above (${others.join(
        ', ',
      )}); the replicas follow.`;
    } else if (missingPods) {
      fix = `Only ${livePods} of ${input.desiredReplicas} pods exist: the controller could not create the others. Its events (kubectl describe replicaset, or statefulset) say why: often a ResourceQuota or a LimitRange.`;
    }
    add(
      'replicas-below-desired',
      ready === 0 ? 'critical' : 'warning',
      'Replicas below desired',
      `${ready} of ${input.desiredReplicas} replicas are ready.`,
      fix,
      [{ source: 'workload', text: `${ready}/${input.desiredReplicas} ready` }],
    );
  }
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  );
}

function readyPods(pods: readonly PodLike[]): number {
  return pods.filter(
    p =>
      p.status?.conditions?.some(
        c => c.type === 'Ready' && c.status === 'True',
      ) ??
      (p.status?.phase === 'Running' &&
        (p.status.containerStatuses ?? []).length > 0 &&
        p.status.containerStatuses!.every(c => c.ready)),
  ).length;
}

function hostOomFix(
  limits: Array<string | undefined>,
  memory?: ReturnType<typeof memoryInputFromContext>,
): string {
  const limit = limits.find(Boolean);
  const weights = memory
    ? ` vLLM stages the weights (${gib(
        estimateVllmMemory(memory).perGpu.weightsGiB,
      )} per GPU) through host memory and keeps --swap-space (4 GiB per GPU by default) of CPU memory.`
    : '';
  if (!limit)
    return `The node ran out of memory: set resources.requests.memory and limits.memory for the container.${weights}`;
  const bytes = parseMemoryQuantity(limit);
  const raised = Number.isFinite(bytes)
    ? `${Math.ceil((bytes * 1.5) / 1024 ** 3)}Gi`
    : 'a higher value';
  return `Raise resources.limits.memory from ${limit} to ${raised} (1.5x), or lower --swap-space.${weights}`;
}

function imagePullFix(
  pulls: Array<{ image?: string; category: string }>,
): string {
  const image = pulls.map(p => p.image).find(Boolean) ?? 'the image';
  const pinned = isPinnedImageReference(image)
    ? ''
    : ' Pin it as repository@sha256:<digest> so the reference cannot drift.';
  const category =
    pulls.map(p => p.category).find(c => c !== 'unknown') ?? 'unknown';
  switch (category) {
    case 'not-found':
      return `${image} does not exist in the registry (deleted tag or wrong digest): resolve an existing digest and redeploy.${pinned}`;
    case 'unauthorized':
      return `The registry refused the pull of ${image}: add an imagePullSecret with credentials for it to the pod's service account.`;
    case 'network':
      return `The node cannot reach the registry for ${image}: mirror the image to a registry the cluster can reach.`;
    case 'invalid-name':
      return `The image reference ${image} is malformed: use repository@sha256:<64 hex digits>.`;
    default:
      return `Check that ${image} exists and the node may pull it (imagePullSecrets, registry reachability).${pinned}`;
  }
}

function crashLoopFix(exitCode: number | undefined): string {
  const signal =
    exitCode === 137
      ? ' Exit code 137 without OOMKilled means SIGKILL from outside: a failing liveness probe or an eviction.'
      : '';
  return `Read the previous container's log (kubectl logs --previous) for the error.${signal} Set terminationMessagePolicy: FallbackToLogsOnError on the container so the next crash's last log lines show up here.`;
}

function slowLoadFix(notReadySeconds: number, weightsGiB?: number): string {
  const window = Math.max(600, Math.ceil((notReadySeconds * 2) / 60) * 60);
  const size = weightsGiB
    ? ` Loading ${gib(
        weightsGiB,
      )} of weights per GPU plus CUDA-graph capture takes minutes on a cold node.`
    : '';
  return `Give the container a startupProbe on /health with failureThreshold × periodSeconds ≥ ${window} s (e.g. periodSeconds 10, failureThreshold ${
    window / 10
  }) and keep liveness from firing before it succeeds.${size}`;
}

/** The finding of a saturated KV cache, from its observations. */
function kvSaturationFinding(
  saturated: ObservationOf<'kv-cache-saturated'>[],
  readyReplicas: number,
  memory?: ReturnType<typeof memoryInputFromContext>,
): Finding {
  return {
    id: 'kv-cache-saturated',
    kind: 'kv-cache-saturated',
    severity: 'warning',
    title: 'KV cache saturated, queue growing',
    summary: saturated[0].evidence.text,
    fix: saturationFix(saturated[0].data, readyReplicas, memory),
    evidence: dedupe(saturated.map(o => o.evidence)),
  };
}

/**
 * Findings of a workload's recent serving metrics (a saturated KV cache with a growing queue), for a view that
 * holds the metrics apart from the cluster objects: the same rule and advice as {@link diagnoseWorkload}.
 *
 * @public
 */
export function diagnoseServingMetrics(input: {
  samples: readonly ServingSample[];
  readyReplicas: number;
  /** What the pods serve (model, GPU, vLLM flags and release), for the per-replica capacity in the advice. */
  serving?: ServingContext;
  kvCacheSaturation?: number;
}): Finding[] {
  const saturated = observeKvSaturation(
    input.samples,
    input.kvCacheSaturation ?? 0.9,
  ).filter(
    (o): o is ObservationOf<'kv-cache-saturated'> =>
      o.kind === 'kv-cache-saturated',
  );
  if (saturated.length === 0) return [];
  let memory: ReturnType<typeof memoryInputFromContext>;
  try {
    memory = input.serving ? memoryInputFromContext(input.serving) : undefined;
  } catch {
    memory = undefined;
  }
  return [kvSaturationFinding(saturated, input.readyReplicas, memory)];
}

function saturationFix(
  data: { usage: number; waitingLast: number; running?: number },
  replicas: number,
  memory?: ReturnType<typeof memoryInputFromContext>,
): string {
  const running = data.running ?? 0;
  const current = Math.max(1, replicas);
  const needed =
    running > 0
      ? Math.ceil((current * (running + data.waitingLast)) / running)
      : current + 1;
  const capacity = memory
    ? ` Each replica holds ${estimateVllmMemory(memory).maxConcurrency.toFixed(
        1,
      )} full-length sequences at max-model-len ${memory.maxModelLen}.`
    : '';
  return `Scale out: ${running} running and ${data.waitingLast} waiting need about ${needed} replicas instead of ${current} (raise maxReplicas to at least ${needed}); --kv-cache-dtype fp8 doubles the KV capacity per replica.${capacity}`;
}

function dedupe(evidence: FindingEvidence[]): FindingEvidence[] {
  const seen = new Set<string>();
  return evidence.filter(e => {
    const key = `${e.source}|${e.pod ?? ''}|${e.container ?? ''}|${e.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function newestTimestamp(input: DiagnosisInput): number {
  const stamps: number[] = [];
  const push = (t?: string | number) => {
    if (t === undefined) return;
    const ms = typeof t === 'number' ? t : Date.parse(t);
    if (Number.isFinite(ms)) stamps.push(ms);
  };
  for (const pod of input.pods) {
    push(pod.status?.startTime);
    for (const c of pod.status?.containerStatuses ?? []) {
      push(c.state?.running?.startedAt);
      push(c.state?.terminated?.finishedAt);
      push(c.lastState?.terminated?.finishedAt);
    }
  }
  for (const e of input.events ?? [])
    push(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp);
  for (const m of input.metrics ?? []) for (const s of m.samples) push(s.t);
  return stamps.length ? Math.max(...stamps) : 0;
}

/**
 * Events that still describe the workload: an event about a pod that is gone, or a FailedScheduling event about a
 * pod that has been scheduled since (Karpenter added a node, a GPU was freed), no longer explains anything.
 */
function currentEvents(
  events: readonly EventLike[],
  pods: readonly PodLike[],
): EventLike[] {
  const byName = new Map(pods.map(p => [p.metadata.name, p]));
  return events.filter(event => {
    if (event.involvedObject?.kind !== 'Pod') return true;
    const pod = byName.get(event.involvedObject.name ?? '');
    if (!pod) return false;
    if (event.reason === 'FailedScheduling') {
      const scheduled =
        Boolean(pod.spec?.nodeName) ||
        pod.status?.conditions?.some(
          c => c.type === 'PodScheduled' && c.status === 'True',
        );
      return !scheduled;
    }
    return true;
  });
}
