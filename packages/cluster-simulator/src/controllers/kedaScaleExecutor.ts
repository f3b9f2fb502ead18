/*
 * keda-operator's polling-loop decision, as keda
 * pkg/scaling/executor/scale_scaledobjects.go RequestScale does it: KEDA
 * itself only moves between zero (or idleReplicaCount) and
 * max(minReplicaCount, 1), after cooldownPeriod since the last activity (or
 * initialCooldownPeriod after creation when never active); everything above
 * is the HPA's. A scaler error with a fallback leaves the replicas alone (the
 * HPA applies fallback.replicas); without one the ScaledObject is not Ready.
 * https://keda.sh/docs/2.16/concepts/scaling-deployments/
 */

type Obj = Record<string, any>;

/** keda-operator's default cooldownPeriod (s). */
export const DEFAULT_COOLDOWN_SECONDS = 300;
/** keda-operator's default initialCooldownPeriod (s). */
export const DEFAULT_INITIAL_COOLDOWN_SECONDS = 0;
/** keda-operator's default pollingInterval (s). */
export const DEFAULT_POLLING_SECONDS = 30;

/** What the executor decides for one poll. */
export interface ScaleDecision {
  /** replicas to write, if any */
  scaleTo?: number;
  event?: { reason: string; message: string };
  /** the Active condition */
  active: { status: 'True' | 'False'; reason: string; message: string };
  /** the Ready condition, when the poll changes it */
  ready?: {
    status: 'True' | 'False' | 'Unknown';
    reason: string;
    message: string;
  };
  /** refresh status.lastActiveTime */
  touchLastActive: boolean;
}

const ACTIVE = {
  status: 'True' as const,
  reason: 'ScalerActive',
  message: 'Scaling is performed because triggers are active',
};
const NOT_ACTIVE = {
  status: 'False' as const,
  reason: 'ScalerNotActive',
  message: 'Scaling is not performed because triggers are not active',
};

/** RequestScale for one poll. */
export function requestScale(opts: {
  so: Obj;
  currentReplicas: number;
  isActive: boolean;
  isError: boolean;
  activeTriggers: string[];
  now: number;
  /** status.lastActiveTime (ms), undefined when never active */
  lastActive: number | undefined;
  created: number;
  targetKind: string;
}): ScaleDecision {
  const spec = opts.so.spec;
  const min: number = spec.minReplicaCount ?? 0;
  const idle: number | undefined = spec.idleReplicaCount;
  const cur = opts.currentReplicas;
  const target = `${opts.targetKind} ${opts.so.metadata.namespace}/${spec.scaleTargetRef?.name}`;
  if (opts.isActive) {
    if ((idle !== undefined && cur < min) || cur === 0) {
      const to = min > 0 ? min : 1;
      return {
        scaleTo: to,
        event: {
          reason: 'KEDAScaleTargetActivated',
          message: `Scaled ${target} from ${cur} to ${to}, triggered by ${opts.activeTriggers.join(
            ';',
          )}`,
        },
        active: ACTIVE,
        touchLastActive: true,
      };
    }
    if (opts.isError)
      return {
        active: ACTIVE,
        ready: {
          status: 'Unknown',
          reason: 'PartialTriggerError',
          message:
            'Some triggers defined in ScaledObject are not working correctly',
        },
        touchLastActive: false,
      };
    return { active: ACTIVE, touchLastActive: true };
  }
  if (opts.isError && spec.fallback && Number(spec.fallback.replicas) !== 0)
    return { active: NOT_ACTIVE, touchLastActive: false };
  if (opts.isError && !spec.fallback)
    return {
      active: NOT_ACTIVE,
      ready: {
        status: 'False',
        reason: 'TriggerError',
        message: 'Triggers defined in ScaledObject are not working correctly',
      },
      touchLastActive: false,
    };
  if ((idle !== undefined && cur > idle) || (cur > 0 && min === 0)) {
    // scaleToZeroOrIdle
    const cooldown = (spec.cooldownPeriod ?? DEFAULT_COOLDOWN_SECONDS) * 1000;
    const initial =
      (spec.initialCooldownPeriod ?? DEFAULT_INITIAL_COOLDOWN_SECONDS) * 1000;
    const due =
      opts.lastActive === undefined
        ? opts.created + initial < opts.now
        : opts.lastActive + cooldown < opts.now;
    if (!due)
      return {
        active: {
          status: 'False',
          reason: 'ScalerCooldown',
          message: 'Scaler cooling down because triggers are not active',
        },
        touchLastActive: false,
      };
    const to = idle ?? min;
    return {
      scaleTo: to,
      event: {
        reason: 'KEDAScaleTargetDeactivated',
        message: `Deactivated ${target} from ${cur} to ${to}`,
      },
      active: NOT_ACTIVE,
      touchLastActive: false,
    };
  }
  if (idle === undefined && cur < min)
    return { scaleTo: min, active: NOT_ACTIVE, touchLastActive: false };
  return { active: NOT_ACTIVE, touchLastActive: false };
}
