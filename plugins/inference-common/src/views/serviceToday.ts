import { InferenceWorkload } from '../api';
import { ServiceToday } from '../capacity/capacity';
import { NamespaceGpuQuota } from '../diagnosis/quota';
import { FindingKind } from '../diagnosis/types';

/** Findings that explain why containers keep dying, most telling first. */
const CRASH_CAUSES: FindingKind[] = [
  'cuda-oom',
  'kv-cache-too-small',
  'host-oom-killed',
  'cuda-driver-insufficient',
  'no-gpu-device',
  'slow-model-load',
  'crash-loop',
];

const TERMINAL = new Set(['Succeeded', 'Failed']);

/**
 * What a service's workloads run today, for the capacity verdict: replicas on a node (holding their GPUs), replicas
 * waiting for one with the scheduler's reason, and whether it serves at all (a crash loop and its cause).
 *
 * @public
 */
export function serviceToday(
  workloads: readonly InferenceWorkload[],
  gpusPerReplica: number,
): ServiceToday {
  const pods = workloads
    .flatMap(w => w.pods)
    .filter(p => !TERMINAL.has(p.phase));
  const gpusOf = (list: typeof pods) =>
    list.reduce((sum, p) => sum + p.gpus, 0);
  const onNode = pods.filter(p => p.nodeName);
  const waiting = pods.filter(p => !p.nodeName);
  const crashing = pods.filter(p =>
    p.containers.some(c => c.reason === 'CrashLoopBackOff'),
  );
  const ready = workloads.reduce((sum, w) => sum + w.replicas.ready, 0);
  const cause = CRASH_CAUSES.map(kind =>
    workloads.flatMap(w => w.findings).find(f => f.kind === kind),
  ).find(Boolean);
  let failing: string | undefined;
  if (crashing.length > 0) {
    failing = `${cause?.title ?? 'crash loop'}; ${crashing.length} of ${
      pods.length
    } pods in CrashLoopBackOff`;
  } else if (ready === 0 && cause?.severity === 'critical') {
    failing = cause.title;
  }
  return {
    scheduledReplicas: Math.floor(gpusOf(onNode) / gpusPerReplica),
    pendingReplicas: Math.ceil(gpusOf(waiting) / gpusPerReplica),
    // the scheduler's verdict, without its preemption postscript
    pendingReason: waiting
      .find(p => p.schedulingMessage)
      ?.schedulingMessage?.split(' preemption:')[0]
      .trim(),
    failing,
  };
}

/**
 * The namespace ResourceQuotas the workloads run under, each once.
 *
 * @public
 */
export function namespaceQuotasOf(
  workloads: readonly InferenceWorkload[],
): NamespaceGpuQuota[] {
  const byKey = new Map<string, NamespaceGpuQuota>();
  for (const q of workloads.flatMap(w => w.namespaceQuotas ?? []))
    byKey.set(`${q.cluster}/${q.namespace}/${q.name}/${q.resource}`, q);
  return [...byKey.values()];
}
