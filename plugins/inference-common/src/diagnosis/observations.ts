import { ContainerStateLike, EventLike, PodLike } from '../kubernetes/types';
import {
  DriverFailure,
  InsufficientGpuScheduling,
  KvCacheTooSmallNumbers,
  TorchOomNumbers,
  classifyImagePullFailure,
  isCudaOutOfMemory,
  messageExcerpt,
  parseDriverFailure,
  parseInsufficientGpu,
  parseKvCacheTooSmall,
  parseTorchOom,
} from './messages';
import { parseQuotaExceeded, QuotaExceeded } from './quota';
import { FindingEvidence, MetricSeries, ServingSample } from './types';

/**
 * One thing seen in the inputs that points to a finding kind, with the numbers parsed from it.
 */
export type Observation = { evidence: FindingEvidence } & (
  | { kind: 'cuda-oom'; data: TorchOomNumbers }
  | { kind: 'host-oom-killed'; data: { memoryLimit?: string } }
  | { kind: 'kv-cache-too-small'; data: KvCacheTooSmallNumbers }
  | { kind: 'cuda-driver-insufficient'; data: DriverFailure }
  | { kind: 'no-gpu-device'; data: DriverFailure }
  | {
      kind: 'image-pull';
      data: {
        image?: string;
        category: ReturnType<typeof classifyImagePullFailure>;
      };
    }
  | {
      kind: 'crash-loop';
      data: { exitCode?: number; reason?: string; restartCount: number };
    }
  | { kind: 'insufficient-gpu'; data: InsufficientGpuScheduling }
  | {
      kind: 'resource-quota-exceeded';
      data: QuotaExceeded & { namespace?: string };
    }
  | {
      kind: 'slow-model-load';
      data: { notReadySeconds?: number; killedByProbe: boolean };
    }
  | {
      kind: 'kv-cache-saturated';
      data: {
        usage: number;
        waitingFirst: number;
        waitingLast: number;
        running?: number;
      };
    }
);

function driverObservation(
  driver: DriverFailure,
  evidence: FindingEvidence,
): Observation {
  return driver.kind === 'no-device'
    ? { kind: 'no-gpu-device', evidence, data: driver }
    : { kind: 'cuda-driver-insufficient', evidence, data: driver };
}

const IMAGE_PULL_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
]);

function terminationTexts(
  state: ContainerStateLike | undefined,
):
  | { text: string; at?: string; exitCode?: number; reason?: string }
  | undefined {
  const t = state?.terminated;
  if (!t) return undefined;
  return {
    text: [t.reason, t.message].filter(Boolean).join(': '),
    at: t.finishedAt,
    exitCode: t.exitCode,
    reason: t.reason,
  };
}

/**
 * Observations from pod and container statuses: termination reasons and messages (current and last state),
 * waiting reasons, and started-but-unready containers.
 */
export function observeContainers(
  pods: readonly PodLike[],
  nowMs: number,
  modelLoadSeconds: number,
): Observation[] {
  const observations: Observation[] = [];
  for (const pod of pods) {
    const podName = pod.metadata.name;
    for (const status of pod.status?.containerStatuses ?? []) {
      const where = { pod: podName, container: status.name };
      const spec = pod.spec?.containers.find(c => c.name === status.name);
      let explained = false;
      for (const state of [status.state, status.lastState]) {
        const term = terminationTexts(state);
        if (!term) continue;
        const evidence: FindingEvidence = {
          source: 'container-status',
          text: `terminated${
            term.reason ? ` (${term.reason}` : ' ('
          }, exit code ${term.exitCode})${
            term.text ? `: ${messageExcerpt(term.text)}` : ''
          }`,
          at: term.at,
          ...where,
        };
        const message = state?.terminated?.message ?? '';
        const kv = parseKvCacheTooSmall(message);
        const driver = parseDriverFailure(message);
        if (term.reason === 'OOMKilled') {
          observations.push({
            kind: 'host-oom-killed',
            evidence,
            data: { memoryLimit: spec?.resources?.limits?.memory },
          });
          explained = true;
        } else if (kv) {
          observations.push({ kind: 'kv-cache-too-small', evidence, data: kv });
          explained = true;
        } else if (isCudaOutOfMemory(message)) {
          observations.push({
            kind: 'cuda-oom',
            evidence,
            data: parseTorchOom(message),
          });
          explained = true;
        } else if (driver) {
          observations.push(driverObservation(driver, evidence));
          explained = true;
        }
      }
      const waiting = status.state?.waiting;
      if (waiting?.reason && IMAGE_PULL_REASONS.has(waiting.reason)) {
        observations.push({
          kind: 'image-pull',
          evidence: {
            source: 'container-status',
            text: `waiting: ${waiting.reason}${
              waiting.message ? `: ${messageExcerpt(waiting.message)}` : ''
            }`,
            ...where,
          },
          data: {
            image: spec?.image ?? status.image,
            category: classifyImagePullFailure(
              `${waiting.reason} ${waiting.message ?? ''}`,
            ),
          },
        });
      }
      if (
        waiting?.reason === 'RunContainerError' ||
        waiting?.reason === 'CreateContainerError'
      ) {
        const driver = parseDriverFailure(waiting.message ?? '');
        if (driver) {
          observations.push(
            driverObservation(driver, {
              source: 'container-status',
              text: `waiting: ${waiting.reason}: ${messageExcerpt(
                waiting.message ?? '',
              )}`,
              ...where,
            }),
          );
          explained = true;
        }
      }
      if (waiting?.reason === 'CrashLoopBackOff' && !explained) {
        const last = status.lastState?.terminated;
        observations.push({
          kind: 'crash-loop',
          evidence: {
            source: 'container-status',
            text: `CrashLoopBackOff after ${status.restartCount} restarts${
              last
                ? `; last exit code ${last.exitCode}${
                    last.reason ? ` (${last.reason})` : ''
                  }${
                    last.message ? `: ${messageExcerpt(last.message, 200)}` : ''
                  }`
                : ''
            }`,
            at: last?.finishedAt,
            ...where,
          },
          data: {
            exitCode: last?.exitCode,
            reason: last?.reason,
            restartCount: status.restartCount,
          },
        });
      }
      const startedAt = status.state?.running?.startedAt;
      if (startedAt && !status.ready && pod.status?.phase === 'Running') {
        const notReadySeconds = (nowMs - Date.parse(startedAt)) / 1000;
        if (notReadySeconds >= modelLoadSeconds) {
          observations.push({
            kind: 'slow-model-load',
            evidence: {
              source: 'container-status',
              text: `running but not ready for ${Math.round(
                notReadySeconds,
              )} s (started ${startedAt})`,
              at: startedAt,
              ...where,
            },
            data: { notReadySeconds, killedByProbe: false },
          });
        }
      }
    }
  }
  return observations;
}

/**
 * Pods the scheduler left Pending for lack of GPUs, from their PodScheduled=False condition: events expire (after an
 * hour by default) while the pod stays Pending, so the condition is read when no FailedScheduling event is left.
 */
export function observeUnschedulablePods(
  pods: readonly PodLike[],
  events: readonly EventLike[],
): Observation[] {
  const withEvent = new Set(
    events
      .filter(
        e =>
          e.reason === 'FailedScheduling' && e.involvedObject?.kind === 'Pod',
      )
      .map(e => e.involvedObject?.name),
  );
  const observations: Observation[] = [];
  for (const pod of pods) {
    if (pod.spec?.nodeName || withEvent.has(pod.metadata.name)) continue;
    const condition = pod.status?.conditions?.find(
      c => c.type === 'PodScheduled' && c.status === 'False',
    );
    const gpu = condition?.message
      ? parseInsufficientGpu(condition.message)
      : undefined;
    if (!condition || !gpu) continue;
    observations.push({
      kind: 'insufficient-gpu',
      evidence: {
        source: 'pod',
        text: `PodScheduled=False${
          condition.reason ? ` (${condition.reason})` : ''
        }: ${messageExcerpt(condition.message ?? '')}`,
        pod: pod.metadata.name,
        at: condition.lastTransitionTime,
      },
      data: gpu,
    });
  }
  return observations;
}

function eventTime(event: EventLike): string | undefined {
  return event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp;
}

/**
 * Observations from events: FailedScheduling for GPUs, image pull failures, driver refusals, and probes that
 * kill or hold back a container while the model loads.
 */
export function observeEvents(events: readonly EventLike[]): Observation[] {
  const observations: Observation[] = [];
  for (const event of events) {
    const message = event.message ?? '';
    const evidence: FindingEvidence = {
      source: 'event',
      text: `${event.reason ?? 'Event'}${
        event.count && event.count > 1 ? ` (x${event.count})` : ''
      }: ${messageExcerpt(message)}`,
      pod:
        event.involvedObject?.kind === 'Pod'
          ? event.involvedObject.name
          : undefined,
      at: eventTime(event),
    };
    if (event.reason === 'FailedScheduling') {
      const gpu = parseInsufficientGpu(message);
      if (gpu)
        observations.push({ kind: 'insufficient-gpu', evidence, data: gpu });
      continue;
    }
    if (event.reason === 'FailedCreate') {
      const quota = parseQuotaExceeded(message);
      if (quota) {
        observations.push({
          kind: 'resource-quota-exceeded',
          evidence: {
            ...evidence,
            facts: {
              quota: quota.quota,
              resource: quota.resource,
              requested: quota.requested,
              used: quota.used,
              limited: quota.limited,
            },
          },
          data: { ...quota, namespace: event.involvedObject?.namespace },
        });
      }
      continue;
    }
    const driver = parseDriverFailure(message);
    if (driver && (event.reason === 'Failed' || event.type === 'Warning')) {
      observations.push(driverObservation(driver, evidence));
      continue;
    }
    if (
      event.reason === 'Failed' &&
      /Failed to pull image|ErrImagePull|InvalidImageName/i.test(message)
    ) {
      const image = /image "([^"]+)"/.exec(message)?.[1];
      observations.push({
        kind: 'image-pull',
        evidence,
        data: { image, category: classifyImagePullFailure(message) },
      });
      continue;
    }
    if (
      event.reason === 'Unhealthy' &&
      /(Startup|Readiness) probe failed/i.test(message)
    ) {
      observations.push({
        kind: 'slow-model-load',
        evidence,
        data: { killedByProbe: false },
      });
      continue;
    }
    if (/failed (startup|liveness) probe, will be restarted/i.test(message)) {
      observations.push({
        kind: 'slow-model-load',
        evidence,
        data: { killedByProbe: true },
      });
    }
  }
  return observations;
}

function sumAtEachTime(
  series: readonly MetricSeries[],
): Array<{ t: number; value: number }> {
  const byTime = new Map<number, number>();
  for (const s of series) {
    for (const sample of s.samples) {
      const t = typeof sample.t === 'number' ? sample.t : Date.parse(sample.t);
      byTime.set(t, (byTime.get(t) ?? 0) + sample.value);
    }
  }
  return [...byTime.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, value]) => ({ t, value }));
}

/**
 * Observes a saturated KV cache from Prometheus-named series (`vllm:kv_cache_usage_perc`, or the deprecated
 * `vllm:gpu_cache_usage_perc`; `vllm:num_requests_waiting`/`running`), one series per replica: read into serving
 * samples once, then judged by {@link observeKvSaturation}.
 */
export function observeMetrics(
  metrics: readonly MetricSeries[],
  saturation: number,
): Observation[] {
  return observeKvSaturation(servingSamplesFromSeries(metrics), saturation);
}

/**
 * Per-workload serving samples from per-replica Prometheus series: queues summed over replicas at each time, KV-cache
 * usage (a ratio) averaged over them.
 *
 * @public
 */
export function servingSamplesFromSeries(
  metrics: readonly MetricSeries[],
): ServingSample[] {
  const usageSeries = metrics.filter(
    m =>
      m.name === 'vllm:kv_cache_usage_perc' ||
      m.name === 'vllm:gpu_cache_usage_perc',
  );
  const byTime = new Map<number, ServingSample>();
  const at = (t: number) => {
    const sample = byTime.get(t) ?? { t };
    byTime.set(t, sample);
    return sample;
  };
  for (const { t, value } of sumAtEachTime(usageSeries)) {
    at(t).kvCacheUsage = value / usageSeries.length;
  }
  const queue = (
    name: string,
    field: 'requestsWaiting' | 'requestsRunning',
  ) => {
    for (const { t, value } of sumAtEachTime(
      metrics.filter(m => m.name === name),
    )) {
      at(t)[field] = value;
    }
  };
  queue('vllm:num_requests_waiting', 'requestsWaiting');
  queue('vllm:num_requests_running', 'requestsRunning');
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

/**
 * Observes a saturated KV cache: mean usage over the latest half of the window at or above the threshold, while the
 * waiting queue grew.
 *
 * @public
 */
export function observeKvSaturation(
  samples: readonly ServingSample[],
  saturation: number,
): Observation[] {
  const usage = samples.filter(s => s.kvCacheUsage !== undefined);
  const waiting = samples.filter(s => s.requestsWaiting !== undefined);
  const running = samples.filter(s => s.requestsRunning !== undefined);
  if (usage.length === 0 || waiting.length < 2) return [];
  const recent = usage.slice(Math.floor(usage.length / 2));
  const meanUsage =
    recent.reduce((a, s) => a + s.kvCacheUsage!, 0) /
    Math.max(1, recent.length);
  const first = waiting[0].requestsWaiting!;
  const last = waiting[waiting.length - 1].requestsWaiting!;
  if (meanUsage < saturation || !(last > first && last > 0)) return [];
  const lastRunning = running.length
    ? running[running.length - 1].requestsRunning
    : undefined;
  return [
    {
      kind: 'kv-cache-saturated',
      evidence: {
        source: 'metric',
        text: `KV cache usage ${(meanUsage * 100).toFixed(
          0,
        )}% (recent mean); requests waiting grew from ${first} to ${last}${
          lastRunning !== undefined ? ` with ${lastRunning} running` : ''
        }`,
        at: new Date(waiting[waiting.length - 1].t).toISOString(),
      },
      data: {
        usage: meanUsage,
        waitingFirst: first,
        waitingLast: last,
        running: lastRunning,
      },
    },
  ];
}
