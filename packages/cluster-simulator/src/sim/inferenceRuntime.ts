/*
 * The traffic model of inference workloads. Each workload's load profile is
 * split across its ready replicas; per-replica totals (requests, tokens,
 * latency sums, histogram mixture weights) are integrated over simulated
 * time, and a pod's counters are the workload totals since the pod became
 * ready. Counters are therefore monotonic and consistent with each other, and
 * no per-pod time series is stored: at 200,000 pods a pod costs one small
 * array.
 */
import { SimClock } from './clock';
import { PodPlan } from './podPlan';
import { unitHash } from './random';
import { WorkloadProfile, rpsAt } from './workloadProfiles';

/** Indices of the integrated per-replica quantities. */
export const ACC = {
  requests: 0,
  served: 1,
  aborted: 2,
  promptTokens: 3,
  genTokens: 4,
  nNormal: 5,
  nOverload: 6,
  latencySum: 7,
  ttftSum: 8,
  queueSum: 9,
  itlSum: 10,
  prefixQueries: 11,
  prefixHits: 12,
  busySeconds: 13,
  lengthStops: 14,
} as const;
const ACC_SIZE = 15;

/** A pod known to the runtime. @public */
export interface PodHandle {
  uid: string;
  namespace: string;
  name: string;
  node: string;
  workloadKey: string;
  plan: PodPlan;
  gpuIndices: number[];
  /** multiplicative per-pod variation, so replicas are not identical */
  jitter: number;
  base?: Float64Array;
  readySince?: number;
}

/** The instantaneous state of one replica. @public */
export interface ReplicaSample {
  rps: number;
  utilization: number;
  running: number;
  waiting: number;
  kvUsage: number;
  overload: number;
}

interface WorkloadState {
  key: string;
  profile: WorkloadProfile;
  plan: PodPlan;
  capacity: number;
  promptTokens: number;
  genTokens: number;
  ready: Set<PodHandle>;
  acc: Float64Array;
  t: number;
  multiplier: number;
}

function capacityOf(plan: PodPlan): number {
  const bwTBs =
    ((plan.gpu?.bandwidthGBs ?? 1000) / 1000) * Math.max(1, plan.gpuCount);
  switch (plan.engine) {
    case 'vllm':
    case 'tgi':
      return Math.min(
        200,
        Math.max(0.5, (30 * bwTBs) / (plan.arch?.paramsB ?? 8)),
      );
    case 'tei':
      return Math.max(5, (60 * bwTBs) / (plan.arch?.paramsB ?? 0.335));
    case 'triton':
      return Math.max(5, 150 * bwTBs);
    default:
      return 100;
  }
}

/** Requests waiting per replica: none below 75% utilization, then a quickly growing queue. */
export function queueLength(rho: number): number {
  if (rho < 0.75) return 0;
  if (rho < 1) return ((rho - 0.75) / 0.25) ** 2 * 20;
  return 20 + (rho - 1) * 200;
}

/** Fraction of requests experiencing overload latency at a utilization. */
export function overloadWeight(rho: number): number {
  return Math.min(1, Math.max(0, (rho - 0.7) / 0.5));
}

/** Traffic and counters of all inference pods of one cluster. */
export class InferenceRuntime {
  private readonly workloads = new Map<string, WorkloadState>();

  constructor(private readonly clock: SimClock) {}

  /** Registers a pod of a workload (called when its container starts). */
  attach(pod: PodHandle, profile: WorkloadProfile): void {
    let w = this.workloads.get(pod.workloadKey);
    if (!w) {
      const chat = pod.plan.engine === 'vllm' || pod.plan.engine === 'tgi';
      w = {
        key: pod.workloadKey,
        profile,
        plan: pod.plan,
        capacity: capacityOf(pod.plan),
        promptTokens: chat ? 620 : 180,
        genTokens: chat ? 210 : 0,
        ready: new Set(),
        acc: new Float64Array(ACC_SIZE),
        t: this.clock.now(),
        multiplier: 1,
      };
      this.workloads.set(pod.workloadKey, w);
    }
    w.profile = profile;
  }

  /** Marks a pod ready (it starts receiving traffic) or not ready. */
  setReady(pod: PodHandle, ready: boolean): void {
    const w = this.workloads.get(pod.workloadKey);
    if (!w) return;
    this.integrate(w, this.clock.now());
    if (ready && !w.ready.has(pod)) {
      w.ready.add(pod);
      pod.base = Float64Array.from(w.acc);
      pod.readySince = this.clock.now();
    } else if (!ready && w.ready.delete(pod)) {
      pod.base = undefined;
      pod.readySince = undefined;
    }
  }

  /** Scales a workload's load (fault injection and benchmarks). */
  setLoadMultiplier(workloadKey: string, multiplier: number): void {
    const w = this.workloads.get(workloadKey);
    if (!w) return;
    this.integrate(w, this.clock.now());
    w.multiplier = multiplier;
  }

  /** The workload of a pod, if registered. */
  workloadOf(pod: PodHandle):
    | {
        capacity: number;
        promptTokens: number;
        genTokens: number;
        profile: WorkloadProfile;
      }
    | undefined {
    return this.workloads.get(pod.workloadKey);
  }

  /** The state of one replica of a workload now. */
  sample(workloadKey: string, at = this.clock.now()): ReplicaSample {
    const w = this.workloads.get(workloadKey);
    if (!w || w.ready.size === 0)
      return {
        rps: 0,
        utilization: 0,
        running: 0,
        waiting: 0,
        kvUsage: 0,
        overload: 0,
      };
    const rps = (rpsAt(w.profile.load, at) * w.multiplier) / w.ready.size;
    const rho = rps / w.capacity;
    const overload = overloadWeight(rho);
    const latency = this.meanLatency(w, overload);
    const running = Math.min(256, rps * latency);
    const waiting = queueLength(rho);
    const kvTokens = w.plan.memory?.kvTokens ?? 100_000;
    const kvUsage = Math.min(
      0.995,
      (running * (w.promptTokens + w.genTokens)) / Math.max(1, kvTokens),
    );
    return {
      rps,
      utilization: Math.min(1, rho),
      running,
      waiting,
      kvUsage,
      overload,
    };
  }

  /** A pod's counters since it became ready (all zero when not ready). */
  counters(pod: PodHandle): Float64Array {
    const w = this.workloads.get(pod.workloadKey);
    const out = new Float64Array(ACC_SIZE);
    if (!w || !pod.base) return out;
    this.integrate(w, this.clock.now());
    for (let i = 0; i < ACC_SIZE; i++)
      out[i] = Math.max(0, (w.acc[i] - pod.base[i]) * pod.jitter);
    return out;
  }

  /** Mean end-to-end latency (s) for a mix of normal and overloaded requests. */
  meanLatency(
    w: { plan: PodPlan; genTokens: number },
    overload: number,
  ): number {
    const l = latencyModel(w.plan, w.genTokens);
    return l.e2e * (1 - overload) + l.e2e * l.overloadFactor * overload;
  }

  /** Latency model of a workload (medians, seconds). */
  latency(workloadKey: string): LatencyModel | undefined {
    const w = this.workloads.get(workloadKey);
    return w ? latencyModel(w.plan, w.genTokens) : undefined;
  }

  /** Sum of a per-replica sample field over a workload's ready replicas. */
  workloadTotal(
    workloadKey: string,
    field: keyof ReplicaSample,
  ): { total: number; replicas: number } {
    const w = this.workloads.get(workloadKey);
    if (!w || w.ready.size === 0) return { total: 0, replicas: 0 };
    const s = this.sample(workloadKey);
    let total = 0;
    for (const p of w.ready) total += s[field] * p.jitter;
    return { total, replicas: w.ready.size };
  }

  private integrate(w: WorkloadState, until: number): void {
    const acc = w.acc;
    while (w.t < until) {
      const dt = Math.min(30_000, until - w.t);
      const n = w.ready.size;
      if (n > 0) {
        const mid = w.t + dt / 2;
        const rps = (rpsAt(w.profile.load, mid) * w.multiplier) / n;
        const rho = rps / w.capacity;
        const overload = overloadWeight(rho);
        const seconds = dt / 1000;
        const requests = rps * seconds;
        const served = Math.min(rps, w.capacity * 1.05) * seconds;
        const l = latencyModel(w.plan, w.genTokens);
        acc[ACC.requests] += requests;
        acc[ACC.served] += served;
        acc[ACC.aborted] += requests - served;
        acc[ACC.promptTokens] += served * w.promptTokens;
        acc[ACC.genTokens] += served * w.genTokens;
        acc[ACC.nNormal] += served * (1 - overload);
        acc[ACC.nOverload] += served * overload;
        const f = 1 - overload + overload * l.overloadFactor;
        acc[ACC.latencySum] += served * l.e2e * f;
        acc[ACC.ttftSum] +=
          served * l.ttft * (1 - overload + overload * l.overloadFactor * 2);
        acc[ACC.queueSum] += served * l.queue * (1 - overload + overload * 60);
        acc[ACC.itlSum] += served * w.genTokens * l.itl * (1 + overload * 0.5);
        acc[ACC.prefixQueries] += served * w.promptTokens;
        acc[ACC.prefixHits] += served * w.promptTokens * 0.32;
        acc[ACC.busySeconds] += seconds * Math.min(1, rho);
        acc[ACC.lengthStops] += served * 0.06;
      }
      w.t += dt;
    }
  }
}

/** Medians of the latency distributions of a workload. @public */
export interface LatencyModel {
  ttft: number;
  itl: number;
  e2e: number;
  queue: number;
  overloadFactor: number;
}

/** Per-request latencies from model size and GPU bandwidth. */
export function latencyModel(plan: PodPlan, genTokens: number): LatencyModel {
  const weightsPerGpu =
    plan.memory?.weightsGiB ??
    ((plan.arch?.paramsB ?? 1) * 2) / Math.max(1, plan.tensorParallel);
  const bw = (plan.gpu?.bandwidthGBs ?? 1000) / 1000;
  const itl = Math.min(
    0.08,
    Math.max(0.005, 0.004 + (0.002 * weightsPerGpu) / bw),
  );
  const ttft =
    plan.engine === 'tei' || plan.engine === 'triton'
      ? 0.004 + 0.002 * weightsPerGpu
      : 0.05 + (620 * itl) / 40;
  const e2e = genTokens > 0 ? ttft + genTokens * itl : ttft * 1.5;
  return { ttft, itl, e2e, queue: 0.01, overloadFactor: 4 };
}

/** Deterministic jitter in [0.85, 1.15] for a pod name. */
export function podJitter(name: string): number {
  return 0.85 + unitHash(name) * 0.3;
}
