/*
 * Cases from kubernetes pkg/controller/podautoscaler/replica_calculator_test.go
 * (named after the upstream test functions), run through the simulator's port.
 */
import {
  CalculatorPod,
  averageValueReplicas,
  externalAverageValueReplicas,
  externalValueReplicas,
  resourceUtilizationReplicas,
} from './hpaReplicaCalculator';

const NOW = 1_700_000_000_000;

function cpuPods(
  usage: Array<number | undefined>,
  ready: boolean[] = usage.map(() => true),
  startedAgoMs = 10 * 60_000,
): CalculatorPod[] {
  return usage.map((value, i) => ({
    name: `p${i}`,
    phase: 'Running',
    ready: ready[i],
    startedAt: NOW - startedAgoMs,
    readyTransitionAt: NOW - startedAgoMs + 60_000,
    value,
    request: 1000,
  }));
}

describe('HPA replica calculator (replica_calculator.go)', () => {
  it('TestReplicaCalcScaleUp: 3 pods at 300/500/700m of 1 CPU, target 30% → 5', () => {
    expect(
      resourceUtilizationReplicas({
        currentReplicas: 3,
        pods: cpuPods([300, 500, 700]),
        targetUtilization: 30,
        cpu: true,
        now: NOW,
      }),
    ).toEqual({ replicas: 5, current: 50 });
  });

  it('TestReplicaCalcScaleUpUnreadyLessScale: an unready pod in its initialization period counts as idle → 4', () => {
    expect(
      resourceUtilizationReplicas({
        currentReplicas: 3,
        pods: cpuPods([300, 500, 700], [false, true, true], 60_000),
        targetUtilization: 30,
        cpu: true,
        now: NOW,
      }),
    ).toEqual({ replicas: 4, current: 60 });
  });

  it('TestReplicaCalcScaleDown: 5 pods, target 50% → 3', () => {
    expect(
      resourceUtilizationReplicas({
        currentReplicas: 5,
        pods: cpuPods([100, 300, 500, 250, 250]),
        targetUtilization: 50,
        cpu: true,
        now: NOW,
      }),
    ).toEqual({ replicas: 3, current: 28 });
  });

  it('TestReplicaCalcTolerance: within 10% of target → unchanged', () => {
    expect(
      resourceUtilizationReplicas({
        currentReplicas: 3,
        pods: cpuPods([1010, 1030, 1020]).map(p => ({
          ...p,
          request: 900 + 100 * Number(p.name.slice(1)),
        })),
        targetUtilization: 100,
        cpu: true,
        now: NOW,
      }).replicas,
    ).toBe(3);
  });

  it('TestReplicaCalcMissingMetricsNoChangeGt: a missing pod on a scale-down counts at target → no change', () => {
    expect(
      resourceUtilizationReplicas({
        currentReplicas: 2,
        pods: cpuPods([1900, undefined]),
        targetUtilization: 100,
        cpu: true,
        now: NOW,
      }).replicas,
    ).toBe(2);
  });

  it('TestReplicaCalcScaleUpCM: Pods metric average 20000m vs 15000m target on 3 pods → 4', () => {
    const pods = cpuPods([20000, 10000, 30000]);
    expect(
      averageValueReplicas({
        currentReplicas: 3,
        pods,
        targetAverageMilli: 15000,
        now: NOW,
      }),
    ).toEqual({ replicas: 4, current: 20000 });
  });

  it('TestReplicaCalcScaleUpCMExternal: Value target, 8600 over 4400 with one ready pod → 2', () => {
    expect(
      externalValueReplicas({
        currentReplicas: 1,
        readyPods: 1,
        totalMilli: 8600,
        targetMilli: 4400,
      }).replicas,
    ).toBe(2);
  });

  it('TestReplicaCalcToleranceCMExternal: Value target within tolerance → unchanged', () => {
    expect(
      externalValueReplicas({
        currentReplicas: 3,
        readyPods: 3,
        totalMilli: 8600,
        targetMilli: 8888,
      }).replicas,
    ).toBe(3);
  });

  it('TestReplicaCalcScaleUpPerPodCMExternal: AverageValue 8600 / 2150 on 3 → 4, current 2867', () => {
    expect(
      externalAverageValueReplicas({
        statusReplicas: 3,
        totalMilli: 8600,
        targetAverageMilli: 2150,
      }),
    ).toEqual({ replicas: 4, current: 2867 });
  });

  it('TestReplicaCalcScaleDownPerPodCMExternal: AverageValue 8600 / 3000 on 5 → 3, current 1720', () => {
    expect(
      externalAverageValueReplicas({
        statusReplicas: 5,
        totalMilli: 8600,
        targetAverageMilli: 3000,
      }),
    ).toEqual({ replicas: 3, current: 1720 });
  });

  it('TestReplicaCalcTolerancePerPodCMExternal: 8600 vs 3 × 2900 → unchanged', () => {
    expect(
      externalAverageValueReplicas({
        statusReplicas: 3,
        totalMilli: 8600,
        targetAverageMilli: 2900,
      }).replicas,
    ).toBe(3);
  });

  // The arithmetic behind issue 12 item 1: an average (KV-cache usage 0.95
  // against 0.8) read as AverageValue asks for ceil(0.95/0.8) = 2 replicas
  // whether 2 or 8 are running; read as Value it scales with the ready pods.
  it('an average metric as AverageValue never asks for more than 2; as Value it keeps scaling', () => {
    for (const replicas of [2, 4, 8])
      expect(
        externalAverageValueReplicas({
          statusReplicas: replicas,
          totalMilli: 950,
          targetAverageMilli: 800,
        }).replicas,
      ).toBe(2);
    expect(
      externalValueReplicas({
        currentReplicas: 4,
        readyPods: 4,
        totalMilli: 950,
        targetMilli: 800,
      }).replicas,
    ).toBe(5);
  });
});
