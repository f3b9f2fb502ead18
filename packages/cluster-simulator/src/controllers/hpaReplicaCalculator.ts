/*
 * The HPA's replica calculator, following kubernetes
 * pkg/controller/podautoscaler/replica_calculator.go: usage ratios against
 * the target with the controller's tolerance, pods grouped into ready,
 * unready (ignored) and missing-metric ones, and the conservative
 * re-computation when unready or missing pods could reverse the decision.
 * Values are milli-units as the metrics clients return them (MilliValue).
 */

/** --horizontal-pod-autoscaler-tolerance default (kube-controller-manager). */
export const DEFAULT_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period default. */
export const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay default. */
export const INITIAL_READINESS_DELAY_MS = 30_000;

/** A pod of the scale target as the calculator sees it. @public */
export interface CalculatorPod {
  name: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  deleting?: boolean;
  ready: boolean;
  /** ms since the epoch: status.startTime */
  startedAt?: number;
  /** ms since the epoch: the Ready condition's lastTransitionTime */
  readyTransitionAt?: number;
  /** the metric in milli-units; undefined when the metrics API has none */
  value?: number;
  /** the resource request in milli-units (Resource metrics) */
  request?: number;
}

interface Grouped {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/**
 * replica_calculator.go groupPods: deleted and failed pods are ignored,
 * pending ones unready, pods without a metric missing; for CPU a pod still
 * in its initialization period counts as unready until it is ready, and
 * after it only if it never became ready.
 */
export function groupPods(
  pods: CalculatorPod[],
  cpu: boolean,
  now: number,
): Grouped {
  const g: Grouped = {
    readyPodCount: 0,
    unready: new Set(),
    missing: new Set(),
    ignored: new Set(),
  };
  for (const p of pods) {
    if (p.deleting || p.phase === 'Failed' || p.phase === 'Succeeded') {
      g.ignored.add(p.name);
      continue;
    }
    if (p.phase === 'Pending') {
      g.unready.add(p.name);
      continue;
    }
    if (p.value === undefined) {
      g.missing.add(p.name);
      continue;
    }
    if (cpu) {
      let unready: boolean;
      if (p.startedAt === undefined || p.readyTransitionAt === undefined)
        unready = true;
      else if (p.startedAt + CPU_INITIALIZATION_PERIOD_MS > now)
        unready = !p.ready;
      else
        unready =
          !p.ready &&
          p.startedAt + INITIAL_READINESS_DELAY_MS > p.readyTransitionAt;
      if (unready) {
        g.unready.add(p.name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** The outcome of one metric: the proposed replica count and what was measured. */
export interface Proposal {
  replicas: number;
  /** utilization percent (Resource Utilization) or average/total value in milli-units */
  current: number;
}

/**
 * calcPlainMetricReplicas (Pods metrics and Resource AverageValue) and, with
 * `requests`, GetResourceReplicas (Resource Utilization).
 */
function podMetricReplicas(opts: {
  currentReplicas: number;
  pods: CalculatorPod[];
  /** per-pod target (milli-units), or target utilization percent */
  target: number;
  utilization: boolean;
  cpu: boolean;
  now: number;
  tolerance?: number;
}): Proposal {
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const g = groupPods(opts.pods, opts.cpu, opts.now);
  const metrics = new Map<string, number>();
  const requests = new Map<string, number>();
  for (const p of opts.pods) {
    requests.set(p.name, p.request ?? 0);
    if (
      p.value !== undefined &&
      !g.ignored.has(p.name) &&
      !g.unready.has(p.name)
    )
      metrics.set(p.name, p.value);
  }
  if (metrics.size === 0)
    throw new Error('did not receive metrics for any ready pods');
  const ratio = (): { usageRatio: number; current: number } => {
    if (opts.utilization) {
      let total = 0;
      let req = 0;
      for (const [name, v] of metrics) {
        const r = requests.get(name) ?? 0;
        if (r === 0) throw new Error(`missing request for ${name}`);
        total += v;
        req += r;
      }
      // metrics/utilization.go GetResourceUtilizationRatio: integer percent
      const current = Math.trunc((total * 100) / req);
      return { usageRatio: current / opts.target, current };
    }
    let total = 0;
    for (const v of metrics.values()) total += v;
    // GetMetricUtilizationRatio: integer average in milli-units
    const current = Math.trunc(total / metrics.size);
    return { usageRatio: current / opts.target, current };
  };
  const { usageRatio, current } = ratio();
  const scaleUpWithUnready = g.unready.size > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - usageRatio) <= tolerance)
      return { replicas: opts.currentReplicas, current };
    return { replicas: Math.ceil(usageRatio * g.readyPodCount), current };
  }
  if (g.missing.size > 0) {
    for (const name of g.missing) {
      // on a scale-down a missing pod counts as at target, on a scale-up as idle
      const atTarget = opts.utilization ? requests.get(name) ?? 0 : opts.target;
      metrics.set(name, usageRatio < 1 ? atTarget : 0);
    }
  }
  if (scaleUpWithUnready) for (const name of g.unready) metrics.set(name, 0);
  const next = ratio().usageRatio;
  if (
    Math.abs(1 - next) <= tolerance ||
    (usageRatio < 1 && next > 1) ||
    (usageRatio > 1 && next < 1)
  )
    return { replicas: opts.currentReplicas, current };
  const replicas = Math.ceil(next * metrics.size);
  if (
    (next < 1 && replicas > opts.currentReplicas) ||
    (next > 1 && replicas < opts.currentReplicas)
  )
    return { replicas: opts.currentReplicas, current };
  return { replicas, current };
}

/** Resource metric with target type Utilization (GetResourceReplicas). */
export function resourceUtilizationReplicas(opts: {
  currentReplicas: number;
  pods: CalculatorPod[];
  targetUtilization: number;
  cpu: boolean;
  now: number;
  tolerance?: number;
}): Proposal {
  return podMetricReplicas({
    ...opts,
    target: opts.targetUtilization,
    utilization: true,
  });
}

/** Pods metrics, and Resource metrics with AverageValue (calcPlainMetricReplicas). */
export function averageValueReplicas(opts: {
  currentReplicas: number;
  pods: CalculatorPod[];
  targetAverageMilli: number;
  cpu?: boolean;
  now: number;
  tolerance?: number;
}): Proposal {
  return podMetricReplicas({
    ...opts,
    cpu: opts.cpu ?? false,
    target: opts.targetAverageMilli,
    utilization: false,
  });
}

/**
 * External metric with target type Value (GetExternalMetricReplicas via
 * getUsageRatioReplicaCount): ratio = total / target; within tolerance the
 * count stays; otherwise ceil(ratio × ready pods). The result does not depend
 * on how many replicas produced the value, so an average metric keeps the
 * replicas it needs. From zero replicas the count is ceil(ratio).
 */
export function externalValueReplicas(opts: {
  currentReplicas: number;
  readyPods: number;
  totalMilli: number;
  targetMilli: number;
  tolerance?: number;
}): Proposal {
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const usageRatio = opts.totalMilli / opts.targetMilli;
  if (opts.currentReplicas === 0)
    return { replicas: Math.ceil(usageRatio), current: opts.totalMilli };
  if (Math.abs(1 - usageRatio) <= tolerance)
    return { replicas: opts.currentReplicas, current: opts.totalMilli };
  if (opts.readyPods === 0)
    throw new Error(
      'no pods returned by selector while calculating replica count',
    );
  return {
    replicas: Math.ceil(usageRatio * opts.readyPods),
    current: opts.totalMilli,
  };
}

/**
 * External metric with target type AverageValue
 * (GetExternalPerPodMetricReplicas): the value is taken as a total shared by
 * the pods, so desired = ceil(total / target per pod), whatever the current
 * count; tolerance compares total / (target × status replicas) with 1. The
 * reported current value is ceil(total / status replicas).
 */
export function externalAverageValueReplicas(opts: {
  statusReplicas: number;
  totalMilli: number;
  targetAverageMilli: number;
  tolerance?: number;
}): Proposal {
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  let replicas = opts.statusReplicas;
  const usageRatio =
    opts.totalMilli / (opts.targetAverageMilli * opts.statusReplicas);
  if (!(Math.abs(1 - usageRatio) <= tolerance))
    replicas = Math.ceil(opts.totalMilli / opts.targetAverageMilli);
  return {
    replicas,
    current: Math.ceil(opts.totalMilli / opts.statusReplicas),
  };
}
