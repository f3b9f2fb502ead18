/*
 * How the HPA turns a metric proposal into the replica count it writes,
 * following kubernetes pkg/controller/podautoscaler/horizontal.go:
 * without spec.behavior, normalizeDesiredReplicas (the highest
 * recommendation of the downscale stabilization window, scale-up limited to
 * max(2 × current, 4)); with it, normalizeDesiredReplicasWithBehaviors
 * (per-direction stabilization windows, then the scaling policies applied
 * to the scale events inside each policy's period, selectPolicy Max, Min or
 * Disabled), clamped to min/max replicas. Defaults of spec.behavior come
 * from pkg/apis/autoscaling/v2/defaults.go.
 */

type Obj = Record<string, any>;

/** --horizontal-pod-autoscaler-downscale-stabilization default. */
export const DOWNSCALE_STABILIZATION_MS = 300_000;

/** A scaling policy (autoscaling/v2 HPAScalingPolicy). @public */
export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

/** One direction's rules (autoscaling/v2 HPAScalingRules) with defaults applied. @public */
export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingPolicy[];
}

/** A recommendation the controller remembers for stabilization. */
export interface Recommendation {
  at: number;
  replicas: number;
}

/** A scale change the controller made (for policy periods). */
export interface ScaleEvent {
  at: number;
  change: number;
}

/** defaults.go GenerateHPAScaleUpRules: 0 s window, max(4 pods, 100%) per 15 s. */
export function scaleUpRules(r: Obj | undefined): ScalingRules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? 0,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: r?.policies ?? [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** defaults.go GenerateHPAScaleDownRules: 300 s window, 100% per 15 s. */
export function scaleDownRules(r: Obj | undefined): ScalingRules {
  return {
    stabilizationWindowSeconds:
      r?.stabilizationWindowSeconds ?? DOWNSCALE_STABILIZATION_MS / 1000,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: r?.policies ?? [
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** The result of normalization with the conditions the controller sets. */
export interface Normalized {
  replicas: number;
  /** AbleToScale reason/message */
  ableToScale: { reason: string; message: string };
  /** ScalingLimited status/reason/message */
  limited: { status: 'True' | 'False'; reason: string; message: string };
}

const WITHIN_RANGE = {
  reason: 'DesiredWithinRange',
  message: 'the desired count is within the acceptable range',
};
const READY = {
  reason: 'ReadyForNewScale',
  message: 'recommended size matches current size',
};
const DOWN_STABILIZED = {
  reason: 'ScaleDownStabilized',
  message:
    'recent recommendations were higher than current one, applying the highest recent recommendation',
};
const UP_STABILIZED = {
  reason: 'ScaleUpStabilized',
  message:
    'recent recommendations were lower than current one, applying the lowest recent recommendation',
};

function limitedBy(
  replicas: number,
  stabilized: number,
  why: { reason: string; message: string },
): Normalized['limited'] {
  return { status: replicas === stabilized ? 'False' : 'True', ...why };
}

/** horizontal.go normalizeDesiredReplicas (no spec.behavior). */
export function normalizeWithoutBehavior(opts: {
  now: number;
  current: number;
  desired: number;
  min: number;
  max: number;
  recommendations: Recommendation[];
}): Normalized & { recommendations: Recommendation[] } {
  const cutoff = opts.now - DOWNSCALE_STABILIZATION_MS;
  let stabilized = opts.desired;
  const kept = opts.recommendations.filter(r => r.at >= cutoff);
  for (const r of kept) if (r.replicas > stabilized) stabilized = r.replicas;
  kept.push({ at: opts.now, replicas: opts.desired });
  const ableToScale = stabilized !== opts.desired ? DOWN_STABILIZED : READY;
  // convertDesiredReplicasWithRules: scaleUpLimitFactor 2, scaleUpLimitMinimum 4
  const upLimit = Math.max(2 * opts.current, 4);
  let maxAllowed: number;
  let overMax: { reason: string; message: string };
  if (opts.max > upLimit) {
    maxAllowed = upLimit;
    overMax = {
      reason: 'ScaleUpLimit',
      message:
        'the desired replica count is increasing faster than the maximum scale rate',
    };
  } else {
    maxAllowed = opts.max;
    overMax = {
      reason: 'TooManyReplicas',
      message:
        'the desired replica count is more than the maximum replica count',
    };
  }
  let replicas = stabilized;
  let why = WITHIN_RANGE;
  if (stabilized < opts.min) {
    replicas = opts.min;
    why = {
      reason: 'TooFewReplicas',
      message:
        'the desired replica count is less than the minimum replica count',
    };
  } else if (stabilized > maxAllowed) {
    replicas = maxAllowed;
    why = overMax;
  }
  return {
    replicas,
    ableToScale,
    limited: limitedBy(replicas, stabilized, why),
    recommendations: kept,
  };
}

function changeInPeriod(
  events: ScaleEvent[],
  now: number,
  periodSeconds: number,
): number {
  const cutoff = now - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if (e.at > cutoff) sum += e.change;
  return sum;
}

/** horizontal.go calculateScaleUpLimitWithScalingRules. */
export function scaleUpLimit(
  current: number,
  up: ScaleEvent[],
  down: ScaleEvent[],
  rules: ScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start =
      current -
      changeInPeriod(up, now, p.periodSeconds) +
      changeInPeriod(down, now, p.periodSeconds);
    const proposed =
      p.type === 'Pods'
        ? start + p.value
        : Math.ceil(start * (1 + p.value / 100));
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** horizontal.go calculateScaleDownLimitWithBehaviors. */
export function scaleDownLimit(
  current: number,
  up: ScaleEvent[],
  down: ScaleEvent[],
  rules: ScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  // Min picks the policy allowing the least change: the highest limit
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start =
      current -
      changeInPeriod(up, now, p.periodSeconds) +
      changeInPeriod(down, now, p.periodSeconds);
    const proposed =
      p.type === 'Pods'
        ? start - p.value
        : Math.trunc(start * (1 - p.value / 100));
    result = pickMin ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** horizontal.go normalizeDesiredReplicasWithBehaviors. */
export function normalizeWithBehavior(opts: {
  now: number;
  current: number;
  desired: number;
  min: number;
  max: number;
  behavior: Obj;
  recommendations: Recommendation[];
  upEvents: ScaleEvent[];
  downEvents: ScaleEvent[];
}): Normalized & { recommendations: Recommendation[] } {
  const up = scaleUpRules(opts.behavior.scaleUp);
  const down = scaleDownRules(opts.behavior.scaleDown);
  // stabilizeRecommendationWithBehaviors
  const upCutoff = opts.now - up.stabilizationWindowSeconds * 1000;
  const downCutoff = opts.now - down.stabilizationWindowSeconds * 1000;
  let upRec = opts.desired;
  let downRec = opts.desired;
  for (const r of opts.recommendations) {
    if (r.at > upCutoff) upRec = Math.min(upRec, r.replicas);
    if (r.at > downCutoff) downRec = Math.max(downRec, r.replicas);
  }
  let stabilized = opts.current;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  const keepFrom = Math.min(upCutoff, downCutoff);
  const recommendations = opts.recommendations.filter(r => r.at > keepFrom);
  recommendations.push({ at: opts.now, replicas: opts.desired });
  let ableToScale = READY;
  if (stabilized !== opts.desired)
    ableToScale = opts.desired > stabilized ? UP_STABILIZED : DOWN_STABILIZED;
  // convertDesiredReplicasWithBehaviorRate
  let replicas = stabilized;
  let why = WITHIN_RANGE;
  if (stabilized > opts.current) {
    const limit = Math.max(
      opts.current,
      scaleUpLimit(opts.current, opts.upEvents, opts.downEvents, up, opts.now),
    );
    let maxAllowed = opts.max;
    let overMax = {
      reason: 'TooManyReplicas',
      message:
        'the desired replica count is more than the maximum replica count',
    };
    if (maxAllowed > limit) {
      maxAllowed = limit;
      overMax = {
        reason: 'ScaleUpLimit',
        message:
          'the desired replica count is increasing faster than the maximum scale rate',
      };
    }
    if (stabilized > maxAllowed) {
      replicas = maxAllowed;
      why = overMax;
    }
  } else if (stabilized < opts.current) {
    const limit = Math.min(
      opts.current,
      scaleDownLimit(
        opts.current,
        opts.upEvents,
        opts.downEvents,
        down,
        opts.now,
      ),
    );
    let minAllowed = opts.min;
    let underMin = {
      reason: 'TooFewReplicas',
      message:
        'the desired replica count is less than the minimum replica count',
    };
    if (minAllowed < limit) {
      minAllowed = limit;
      underMin = {
        reason: 'ScaleDownLimit',
        message:
          'the desired replica count is decreasing faster than the maximum scale rate',
      };
    }
    if (stabilized < minAllowed) {
      replicas = minAllowed;
      why = underMin;
    }
  }
  return {
    replicas,
    ableToScale,
    limited: limitedBy(replicas, stabilized, why),
    recommendations,
  };
}
