import fc from 'fast-check';
import {
  checkQuotaRequest,
  computeQuotaStandings,
  reservationTransition,
  workloadCharge,
} from './quota';

const H100 = 'NVIDIA-H100-80GB-HBM3';
const MIG = 'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb';

describe('workloadCharge', () => {
  it.each([
    ['replicas without an autoscaler', { gpusPerReplica: 2, replicas: 3 }, 6],
    [
      'the HPA ceiling',
      {
        gpusPerReplica: 2,
        replicas: 1,
        autoscaler: { kind: 'HorizontalPodAutoscaler', maxReplicas: 4 },
      },
      8,
    ],
    [
      'the ScaledObject ceiling',
      {
        gpusPerReplica: 1,
        replicas: 0,
        autoscaler: { kind: 'ScaledObject', maxReplicas: 10 },
      },
      10,
    ],
    [
      'replicas when they exceed a lowered ceiling',
      {
        gpusPerReplica: 1,
        replicas: 5,
        autoscaler: { kind: 'ScaledObject', maxReplicas: 3 },
      },
      5,
    ],
  ])('charges %s', (_name, workload, charge) => {
    expect(workloadCharge(workload)).toBe(charge);
  });
});

describe('computeQuotaStandings', () => {
  const standings = computeQuotaStandings({
    limits: [
      { owner: 'group:default/ml', gpuType: H100, limit: 16 },
      { owner: 'group:default/ml', gpuType: MIG, limit: 7 },
      { owner: 'group:default/search', gpuType: H100, limit: 4 },
    ],
    workloads: [
      {
        id: 'c1/ml/Deployment/chat',
        owner: 'group:default/ml',
        gpuType: H100,
        gpusPerReplica: 2,
        replicas: 2,
        autoscaler: { kind: 'ScaledObject', maxReplicas: 4 },
      },
      {
        id: 'c1/ml/Deployment/embed',
        owner: 'group:default/ml',
        gpuType: MIG,
        gpusPerReplica: 1,
        replicas: 3,
      },
      {
        id: 'c2/search/Deployment/rerank',
        owner: 'group:default/search',
        gpuType: H100,
        gpusPerReplica: 1,
        replicas: 5,
      },
    ],
    reservations: [
      {
        id: 'r1',
        owner: 'group:default/ml',
        gpuType: H100,
        gpus: 4,
        state: 'pending',
      },
      {
        id: 'r2',
        owner: 'group:default/ml',
        gpuType: H100,
        gpus: 4,
        state: 'confirmed',
      },
      {
        id: 'r3',
        owner: 'group:default/ml',
        gpuType: H100,
        gpus: 4,
        state: 'expired',
      },
    ],
  });
  const find = (owner: string, gpuType: string) =>
    standings.find(s => s.owner === owner && s.gpuType === gpuType)!;

  it('keys standings by owner group and GPU type, MIG profiles apart', () => {
    expect(standings.map(s => `${s.owner} ${s.gpuType}`)).toEqual([
      `group:default/ml ${MIG}`,
      `group:default/ml ${H100}`,
      `group:default/search ${H100}`,
    ]);
  });

  it('charges the autoscaler ceiling, counts only pending reservations, and computes headroom', () => {
    expect(find('group:default/ml', H100)).toMatchObject({
      limit: 16,
      used: 8,
      reserved: 4,
      headroom: 4,
      overLimit: false,
    });
    expect(find('group:default/ml', MIG)).toMatchObject({
      used: 3,
      reserved: 0,
      headroom: 4,
    });
    expect(find('group:default/search', H100)).toMatchObject({
      used: 5,
      headroom: -1,
      overLimit: true,
    });
  });
});

describe('checkQuotaRequest', () => {
  const standing = {
    owner: 'group:default/ml',
    gpuType: H100,
    limit: 16,
    used: 8,
    reserved: 4,
  };

  it('admits a request that fits exactly and refuses one GPU more', () => {
    expect(checkQuotaRequest(standing, 4)).toMatchObject({
      admitted: true,
      headroomAfter: 0,
    });
    const refused = checkQuotaRequest(standing, 5);
    expect(refused).toMatchObject({ admitted: false, headroomAfter: -1 });
    expect(refused.reason).toBe(
      `GPU quota of group:default/ml for ${H100} would be exceeded: used 8 + reserved 4 + requested 5 = 17 > limit 16 (4 free)`,
    );
    expect(checkQuotaRequest(standing, 3).reason).toBe(
      `GPU quota of group:default/ml for ${H100} fits: used 8 + reserved 4 + requested 3 = 15 <= limit 16 (1 free after)`,
    );
  });

  it('says no GPU is free when the owner is already over', () => {
    expect(checkQuotaRequest({ ...standing, used: 20 }, 1).reason).toMatch(
      /= 25 > limit 16 \(0 free\)$/,
    );
  });

  it('refuses when the owner has no quota for that GPU type', () => {
    const decision = checkQuotaRequest({ ...standing, limit: undefined }, 1);
    expect(decision).toMatchObject({ admitted: false, limit: undefined });
    expect(decision.reason).toBe(
      `group:default/ml has no GPU quota for ${H100}; ask the platform team for one (requested 1)`,
    );
    expect(checkQuotaRequest(standing, -1).admitted).toBe(false);
  });

  it('refuses any request on a zero limit, with the numbers', () => {
    expect(
      checkQuotaRequest({ ...standing, limit: 0, used: 0, reserved: 0 }, 1),
    ).toMatchObject({
      admitted: false,
      headroomAfter: -1,
      reason: expect.stringMatching(/> limit 0 \(0 free\)/),
    });
  });

  it('never admits a request over the limit', () => {
    fc.assert(
      fc.property(
        fc.nat(64),
        fc.nat(64),
        fc.nat(64),
        fc.nat(64),
        (limit, used, reserved, request) => {
          const decision = checkQuotaRequest(
            { owner: 'o', gpuType: H100, limit, used, reserved },
            request,
          );
          expect(decision.admitted).toBe(used + reserved + request <= limit);
        },
      ),
    );
  });

  it('never lets admitted reservations add up past the limit', () => {
    fc.assert(
      fc.property(
        fc.nat(32),
        fc.array(fc.nat(8), { maxLength: 20 }),
        (limit, requests) => {
          let reserved = 0;
          for (const request of requests) {
            if (
              checkQuotaRequest(
                { owner: 'o', gpuType: H100, limit, used: 0, reserved },
                request,
              ).admitted
            )
              reserved += request;
          }
          expect(reserved).toBeLessThanOrEqual(limit);
        },
      ),
    );
  });
});

describe('reservationTransition', () => {
  it.each([
    ['pending', 'confirm', 'move'],
    ['pending', 'release', 'move'],
    ['pending', 'expire', 'move'],
    ['pending', 'vanish', 'unchanged'],
    ['confirmed', 'confirm', 'unchanged'],
    ['confirmed', 'release', 'refused'],
    ['confirmed', 'expire', 'refused'],
    ['confirmed', 'vanish', 'move'],
    ['released', 'release', 'unchanged'],
    ['released', 'confirm', 'refused'],
    ['released', 'vanish', 'unchanged'],
    ['expired', 'confirm', 'refused'],
    ['expired', 'release', 'refused'],
    ['expired', 'expire', 'unchanged'],
  ] as const)('%s on %s: %s', (from, event, outcome) => {
    expect(reservationTransition(from, event)).toBe(outcome);
  });
});
