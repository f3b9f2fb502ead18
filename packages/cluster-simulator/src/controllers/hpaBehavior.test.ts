/*
 * The HPA's normalization (horizontal.go) with and without spec.behavior;
 * the policy examples are those of the HPA documentation
 * (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#scaling-policies).
 */
import {
  normalizeWithBehavior,
  normalizeWithoutBehavior,
  scaleDownLimit,
  scaleDownRules,
  scaleUpLimit,
  scaleUpRules,
} from './hpaBehavior';

const NOW = 1_700_000_000_000;

describe('HPA behaviour (horizontal.go)', () => {
  it('defaults: scale-up max(+4 pods, +100%) per 15 s, scale-down 100% per 15 s after 300 s', () => {
    expect(scaleUpLimit(1, [], [], scaleUpRules(undefined), NOW)).toBe(5);
    expect(scaleUpLimit(10, [], [], scaleUpRules(undefined), NOW)).toBe(20);
    // a scale-up of 10 in the last 15 s counts against the period
    expect(
      scaleUpLimit(
        20,
        [{ at: NOW - 5_000, change: 10 }],
        [],
        scaleUpRules(undefined),
        NOW,
      ),
    ).toBe(20);
    expect(scaleDownLimit(10, [], [], scaleDownRules(undefined), NOW)).toBe(0);
    expect(scaleDownRules(undefined).stabilizationWindowSeconds).toBe(300);
  });

  it('docs example: Pods 4/60s and Percent 10/60s at 80 replicas remove 8 with Max, 4 with Min', () => {
    const policies = [
      { type: 'Pods' as const, value: 4, periodSeconds: 60 },
      { type: 'Percent' as const, value: 10, periodSeconds: 60 },
    ];
    expect(
      scaleDownLimit(
        80,
        [],
        [],
        { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies },
        NOW,
      ),
    ).toBe(72);
    expect(
      scaleDownLimit(
        80,
        [],
        [],
        { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies },
        NOW,
      ),
    ).toBe(76);
    expect(
      scaleDownLimit(
        80,
        [],
        [],
        { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled', policies },
        NOW,
      ),
    ).toBe(80);
  });

  it('holds the highest recommendation of the scale-down window before scaling down', () => {
    const recommendations = [
      { at: NOW - 200_000, replicas: 6 },
      { at: NOW - 100_000, replicas: 4 },
    ];
    const held = normalizeWithBehavior({
      now: NOW,
      current: 6,
      desired: 2,
      min: 1,
      max: 10,
      behavior: {},
      recommendations,
      upEvents: [],
      downEvents: [],
    });
    expect(held.replicas).toBe(6);
    expect(held.ableToScale.reason).toBe('ScaleDownStabilized');
    const later = normalizeWithBehavior({
      now: NOW + 301_000,
      current: 6,
      desired: 2,
      min: 1,
      max: 10,
      behavior: {},
      recommendations: held.recommendations,
      upEvents: [],
      downEvents: [],
    });
    // the 6 and the 4 fell out of the window; the 2 recorded at NOW remains
    expect(later.replicas).toBe(2);
  });

  it('a scale-up window applies the lowest recent recommendation', () => {
    const r = normalizeWithBehavior({
      now: NOW,
      current: 2,
      desired: 8,
      min: 1,
      max: 10,
      behavior: { scaleUp: { stabilizationWindowSeconds: 60 } },
      recommendations: [{ at: NOW - 30_000, replicas: 3 }],
      upEvents: [],
      downEvents: [],
    });
    expect(r.replicas).toBe(3);
    expect(r.ableToScale.reason).toBe('ScaleUpStabilized');
  });

  it('limits the rate and reports ScaleUpLimit, then TooManyReplicas at max', () => {
    const r = normalizeWithBehavior({
      now: NOW,
      current: 1,
      desired: 20,
      min: 1,
      max: 10,
      behavior: {},
      recommendations: [],
      upEvents: [],
      downEvents: [],
    });
    expect(r.replicas).toBe(5);
    expect(r.limited).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
    const atMax = normalizeWithBehavior({
      now: NOW,
      current: 8,
      desired: 20,
      min: 1,
      max: 10,
      behavior: {},
      recommendations: [],
      upEvents: [],
      downEvents: [],
    });
    expect(atMax.replicas).toBe(10);
    expect(atMax.limited.reason).toBe('TooManyReplicas');
  });

  it('without behavior: scale-up limited to max(2 × current, 4), scale-down held 5 minutes', () => {
    expect(
      normalizeWithoutBehavior({
        now: NOW,
        current: 1,
        desired: 9,
        min: 1,
        max: 10,
        recommendations: [],
      }).replicas,
    ).toBe(4);
    expect(
      normalizeWithoutBehavior({
        now: NOW,
        current: 3,
        desired: 9,
        min: 1,
        max: 10,
        recommendations: [],
      }).replicas,
    ).toBe(6);
    expect(
      normalizeWithoutBehavior({
        now: NOW,
        current: 6,
        desired: 2,
        min: 1,
        max: 10,
        recommendations: [{ at: NOW - 60_000, replicas: 6 }],
      }).replicas,
    ).toBe(6);
  });
});
