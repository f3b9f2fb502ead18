/*
 * Each failure mode and workload kind of the `failures` scenario leaves the
 * traces a real cluster would: container states, exit codes, messages,
 * events, and the objects the operators create.
 */
import { resourceById } from './api/resources';
import { SimulatorHandle, startSimulator } from './startSimulator';

type Obj = Record<string, any>;

describe('failures scenario', () => {
  let sim: SimulatorHandle;
  const store = () => sim.cluster('gpu-lab').store;
  const podsOf = (name: string): Obj[] =>
    Array.from(store().table(resourceById('core/pods')).values('lab'), s =>
      JSON.parse(s.json),
    ).filter(p => p.metadata.labels?.['app.kubernetes.io/name'] === name);
  const main = (name: string) => podsOf(name)[0].status.containerStatuses[0];

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'failures',
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      controlPort: false,
    });
    await sim.advance(600_000);
  });

  afterAll(async () => {
    await sim.stop();
  });

  it.each([
    ['oom-at-start', 1, 'Error', /torch\.OutOfMemoryError: CUDA out of memory/],
    [
      'kv-too-small',
      1,
      'Error',
      /larger than the maximum number of tokens that can be in KV cache/,
    ],
    ['host-oom', 137, 'OOMKilled', /^$/],
    [
      'old-driver',
      128,
      'StartError',
      /nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12\.8, please update your driver to a newer version, or use an earlier cuda container/,
    ],
  ])(
    '%s terminates with exit code %i (%s) and crash-loops',
    (name, exitCode, reason, message) => {
      const cs = main(name as string);
      expect(cs.state.waiting.reason).toBe('CrashLoopBackOff');
      expect(cs.lastState.terminated).toMatchObject({ exitCode, reason });
      // OOMKilled containers leave no message
      expect(cs.lastState.terminated.message ?? '').toMatch(message);
      expect(cs.restartCount).toBeGreaterThanOrEqual(3);
    },
  );

  it('derives a CUDA OOM from weights that cannot fit, and honours terminationMessagePolicy File', () => {
    const cs = main('weights-too-big');
    expect(cs.lastState.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    expect(cs.lastState.terminated.message).toBeUndefined();
  });

  it('backs off an unresolvable image with ImagePullBackOff', () => {
    const cs = main('bad-image');
    expect(['ImagePullBackOff', 'ErrImagePull']).toContain(
      cs.state.waiting.reason,
    );
    expect(podsOf('bad-image')[0].status.phase).toBe('Pending');
    const events = Array.from(
      store().table(resourceById('core/events')).values('lab'),
      s => JSON.parse(s.json),
    );
    expect(
      events.some(
        e =>
          e.reason === 'Failed' &&
          /^Failed to pull image ".*": rpc error: code = NotFound/.test(
            e.message,
          ),
      ),
    ).toBe(true);
  });

  it('crashes under load with a CUDA OOM while serving', () => {
    const cs = main('oom-under-load');
    expect(cs.restartCount).toBeGreaterThanOrEqual(1);
    expect(cs.lastState.terminated.message).toMatch(/CUDA out of memory/);
  });

  it('schedules MIG slices as extended resources', () => {
    const pods = podsOf('mig-embedder');
    expect(pods).toHaveLength(3);
    expect(
      pods.every(
        p =>
          p.status.phase === 'Running' &&
          p.spec.containers[0].resources.limits['nvidia.com/mig-1g.10gb'] ===
            '1',
      ),
    ).toBe(true);
  });

  it('builds StatefulSet, LeaderWorkerSet and InferenceService workloads the way their controllers do', () => {
    expect(
      podsOf('big-batch')
        .map(p => p.metadata.name)
        .sort(),
    ).toEqual(['big-batch-0', 'big-batch-1']);
    const lws = Array.from(
      store().table(resourceById('core/pods')).values('lab'),
      s => JSON.parse(s.json),
    ).filter(
      p =>
        p.metadata.labels?.['leaderworkerset.sigs.k8s.io/name'] ===
        'multi-node',
    );
    expect(lws.map(p => p.metadata.name).sort()).toEqual([
      'multi-node-0',
      'multi-node-0-1',
    ]);
    const isvc = JSON.parse(
      store().get(
        resourceById('serving.kserve.io/inferenceservices'),
        'lab',
        'kserve-llm',
      )!.json,
    );
    expect(
      isvc.status.conditions.find((c: Obj) => c.type === 'Ready').status,
    ).toBe('True');
    expect(
      store().get(
        resourceById('apps/deployments'),
        'lab',
        'kserve-llm-predictor',
      ),
    ).toBeDefined();
  });

  it('lets Karpenter add an H100 node for pods that did not fit, within the NodePool limit', () => {
    const claims = Array.from(
      store().table(resourceById('karpenter.sh/nodeclaims')).values(),
      s => JSON.parse(s.json),
    );
    expect(claims.length).toBeGreaterThanOrEqual(1);
    expect(
      claims[0].status.conditions.find((c: Obj) => c.type === 'Ready').status,
    ).toBe('True');
    const nodes = Array.from(
      store().table(resourceById('core/nodes')).values(),
      s => s,
    ).filter(s => s.labels['karpenter.sh/nodepool'] === 'h100-pool');
    expect(nodes.length).toBe(3);
    const pool = JSON.parse(
      store().get(
        resourceById('karpenter.sh/nodepools'),
        undefined,
        'h100-pool',
      )!.json,
    );
    expect(Number(pool.status.resources['nvidia.com/gpu'])).toBeLessThanOrEqual(
      Number(pool.spec.limits['nvidia.com/gpu']),
    );
  });
});
