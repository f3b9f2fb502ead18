/*
 * KEDA and the HPA on the simulated clock, against series the simulated
 * Prometheus scrapes from the pods: metricType Value against AverageValue
 * on an average (issue 12 item 1), the scale-down stabilization window,
 * activation and cooldown to zero, fallback on an unreachable Prometheus,
 * and two Deployments of one model scaled apart by `service`.
 */
import { resourceById } from '../api/resources';
import { ScenarioInput } from '../scenario/schema';
import { SimulatorHandle, startSimulator } from '../startSimulator';

type Obj = Record<string, any>;
const NS = 'ml-chat';
const DEPLOYMENTS = resourceById('apps/deployments');
const SCALED_OBJECTS = resourceById('keda.sh/scaledobjects');
const HPAS = resourceById('autoscaling/horizontalpodautoscalers');
const EVENTS = resourceById('core/events');
const PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';

// each test runs up to 20 simulated minutes of ten GPU nodes, scrapes and controllers (about 4 s of CPU alone): on
// CI's shared cores that is longer than jest's default 5 s, and a test cut short keeps advancing the clock under the
// next one
jest.setTimeout(60_000);

type WorkloadInput = ScenarioInput['clusters'][number]['workloads'] extends
  | Array<infer W>
  | undefined
  ? W
  : never;

function workload(
  name: string,
  extra: Partial<WorkloadInput> = {},
): WorkloadInput {
  return {
    name,
    namespace: NS,
    team: 'ml-chat',
    engine: 'vllm',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    gpuProduct: 'NVIDIA-L4',
    gpus: 1,
    maxModelLen: 4096,
    replicas: 1,
    modelLoadSeconds: 20,
    load: { profile: 'constant', rps: 2 },
    ...extra,
  };
}

function scaledObject(name: string, spec: Obj, trigger: Obj): Obj {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name, namespace: NS },
    spec: {
      scaleTargetRef: { name, kind: 'Deployment', apiVersion: 'apps/v1' },
      pollingInterval: 15,
      minReplicaCount: 1,
      maxReplicaCount: 8,
      ...spec,
      triggers: [{ type: 'prometheus', ...trigger }],
    },
  };
}

describe('KEDA and HPA on Prometheus series', () => {
  let sim: SimulatorHandle;
  const cluster = () => sim.cluster('gpu-lab');
  const replicas = (name: string): number =>
    (cluster().store.getObject(DEPLOYMENTS, NS, name) as Obj).spec.replicas;
  const so = (name: string): Obj =>
    cluster().store.getObject(SCALED_OBJECTS, NS, name) as Obj;
  const hpaCondition = (name: string, type: string): Obj | undefined =>
    (
      (cluster().store.getObject(HPAS, NS, `keda-hpa-${name}`) as Obj)?.status
        ?.conditions ?? []
    ).find((c: Obj) => c.type === type);
  const condition = (name: string, type: string): Obj | undefined =>
    (so(name).status?.conditions ?? []).find((c: Obj) => c.type === type);
  const query = (q: string): number => {
    const v = cluster().prometheus.evaluate(q);
    if (v.kind !== 'vector') throw new Error(v.kind);
    return v.samples[0]?.value ?? NaN;
  };
  const kv = (svc: string) =>
    `avg(vllm:kv_cache_usage_perc{namespace="${NS}",service="${svc}"})`;
  const create = (o: Obj) =>
    cluster().api.create(SCALED_OBJECTS, NS, o as never);

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        name: 'keda-autoscaling',
        seed: 12,
        timing: { imagePullSeconds: [5, 5], nodeReadySeconds: 10 },
        clusters: [
          {
            name: 'gpu-lab',
            dcgmExporter: false,
            systemWorkloads: false,
            nodePools: [
              {
                name: 'l4',
                gpu: 'NVIDIA-L4',
                instanceType: 'g6.12xlarge',
                nodes: 10,
              },
            ],
            workloads: [
              workload('kv-value', { load: { profile: 'constant', rps: 0.4 } }),
              workload('kv-average', {
                load: { profile: 'constant', rps: 0.4 },
              }),
              workload('wake', { load: { profile: 'constant', rps: 1 } }),
              workload('unreachable'),
              workload('unreachable-value'),
              workload('no-fallback'),
              workload('chat-a', { load: { profile: 'constant', rps: 0.5 } }),
              workload('chat-b', { load: { profile: 'constant', rps: 0.5 } }),
            ],
          },
        ],
      },
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      controlPort: false,
    });
    // pods start, load their model and get scraped before the autoscalers exist
    await sim.advance(120_000);
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('scales an average with metricType Value past 2 replicas and holds them while it dips; AverageValue stops at 2', async () => {
    const trigger = (svc: string, metricType?: string) => ({
      ...(metricType ? { metricType } : {}),
      metadata: { serverAddress: PROMETHEUS, query: kv(svc), threshold: '0.5' },
    });
    create(
      scaledObject(
        'kv-value',
        { maxReplicaCount: 10 },
        trigger('kv-value', 'Value'),
      ),
    );
    create(
      scaledObject(
        'kv-average',
        { maxReplicaCount: 10 },
        trigger('kv-average'),
      ),
    );
    await sim.advance(60_000);
    expect(replicas('kv-value')).toBe(1);
    expect(replicas('kv-average')).toBe(1);
    // a 10x ramp
    sim.setLoad('gpu-lab', NS, 'kv-value', 10);
    sim.setLoad('gpu-lab', NS, 'kv-average', 10);
    let maxAverage = 0;
    for (let t = 0; t < 600; t += 30) {
      await sim.advance(30_000);
      maxAverage = Math.max(maxAverage, replicas('kv-average'));
    }
    const scaled = replicas('kv-value');
    expect(scaled).toBeGreaterThan(2);
    // the average has dipped below the threshold now that more replicas share the load
    expect(query(kv('kv-value'))).toBeLessThan(0.5);
    // AverageValue: desired = ceil(avg / 0.5) ≤ ceil(1 / 0.5) = 2 whatever runs
    // (replica_calculator.go GetExternalPerPodMetricReplicas), the defect of issue 12 item 1
    expect(maxAverage).toBeLessThanOrEqual(2);
    expect(query(kv('kv-average'))).toBeGreaterThan(0.9);
    // the Value HPA holds its replicas as long as the load stays
    await sim.advance(400_000);
    expect(replicas('kv-value')).toBeGreaterThanOrEqual(scaled - 1);
    expect(replicas('kv-value')).toBeGreaterThan(2);
  });

  it('waits for the 300 s scale-down stabilization window before scaling down', async () => {
    const before = replicas('kv-value');
    sim.setLoad('gpu-lab', NS, 'kv-value', 1);
    await sim.advance(240_000);
    expect(replicas('kv-value')).toBe(before);
    expect(hpaCondition('kv-value', 'AbleToScale')?.reason).toBe(
      'ScaleDownStabilized',
    );
    await sim.advance(120_000);
    expect(replicas('kv-value')).toBeLessThan(before);
  });

  it('activates on activationThreshold, cools down to zero, and cannot wake on the pods own series', async () => {
    const running = `sum(vllm:num_requests_running{namespace="${NS}",service="wake"})`;
    create(
      scaledObject(
        'wake',
        { minReplicaCount: 0, cooldownPeriod: 120 },
        {
          metadata: {
            serverAddress: 'prometheus-operated.monitoring:9090',
            query: running,
            threshold: '100',
            activationThreshold: '0.5',
          },
        },
      ),
    );
    await sim.advance(30_000);
    expect(condition('wake', 'Active')).toMatchObject({
      status: 'True',
      reason: 'ScalerActive',
    });
    sim.setLoad('gpu-lab', NS, 'wake', 0);
    await sim.advance(60_000);
    expect(query(running)).toBe(0);
    expect(replicas('wake')).toBe(1);
    expect(condition('wake', 'Active')?.reason).toBe('ScalerCooldown');
    await sim.advance(90_000);
    expect(replicas('wake')).toBe(0);
    const events = Array.from(
      cluster().store.table(EVENTS).values(NS),
      e => JSON.parse(e.json) as Obj,
    );
    expect(events.map(e => e.reason)).toContain('KEDAScaleTargetDeactivated');
    // traffic returns, but with no pod there is no series to activate on
    sim.setLoad('gpu-lab', NS, 'wake', 1);
    await sim.advance(120_000);
    expect(replicas('wake')).toBe(0);
    expect(cluster().prometheus.evaluate(running)).toEqual({
      kind: 'vector',
      samples: [{ labels: {}, value: 0 }].slice(0, 0),
    });
  });

  it('falls back to fallback.replicas after failureThreshold errors from a wrong Prometheus address, for AverageValue only', async () => {
    const metadata = {
      serverAddress: 'http://prometheus.monitoring:9090',
      query: `sum(vllm:num_requests_waiting{namespace="${NS}",service="unreachable"})`,
      threshold: '5',
    };
    const fallback = { failureThreshold: 3, replicas: 3 };
    create(scaledObject('unreachable', { fallback }, { metadata }));
    create(
      scaledObject(
        'unreachable-value',
        { fallback },
        { metricType: 'Value', metadata },
      ),
    );
    create(scaledObject('no-fallback', {}, { metadata }));
    await sim.advance(40_000);
    // the HPA's first requests fail: no scaling yet
    expect(replicas('unreachable')).toBe(1);
    expect(hpaCondition('unreachable', 'ScalingActive')).toMatchObject({
      status: 'False',
      reason: 'FailedGetExternalMetric',
    });
    await sim.advance(60_000);
    expect(so('unreachable').status.health['s0-prometheus']).toMatchObject({
      status: 'Failing',
    });
    expect(
      so('unreachable').status.health['s0-prometheus'].numberOfFailures,
    ).toBeGreaterThan(3);
    expect(condition('unreachable', 'Fallback')).toMatchObject({
      status: 'True',
      reason: 'FallbackExists',
    });
    expect(replicas('unreachable')).toBe(3);
    // KEDA 2.16 applies fallback to AverageValue metrics only (pkg/fallback isFallbackEnabled)
    expect(replicas('unreachable-value')).toBe(1);
    expect(condition('unreachable-value', 'Fallback')?.status).toBe('False');
    expect(hpaCondition('unreachable-value', 'ScalingActive')?.status).toBe(
      'False',
    );
    // an erroring trigger without a fallback: not Ready (scale_scaledobjects.go RequestScale)
    expect(condition('no-fallback', 'Ready')).toMatchObject({
      status: 'False',
      reason: 'TriggerError',
    });
    expect(condition('unreachable', 'Ready')?.status).toBe('True');
  });

  it('scales two Deployments of one model apart when the query is scoped by service', async () => {
    const waiting = (svc: string) =>
      `sum(vllm:num_requests_waiting{namespace="${NS}",service="${svc}"})`;
    for (const name of ['chat-a', 'chat-b'])
      create(
        scaledObject(
          name,
          {},
          {
            metadata: {
              serverAddress: PROMETHEUS,
              query: waiting(name),
              threshold: '5',
            },
          },
        ),
      );
    sim.setLoad('gpu-lab', NS, 'chat-a', 10);
    await sim.advance(180_000);
    expect(replicas('chat-a')).toBeGreaterThan(2);
    expect(replicas('chat-b')).toBe(1);
    // scoped by model_name the two would read one number: each other's queue
    const byModel = query(
      `sum(vllm:num_requests_waiting{namespace="${NS}",model_name="meta-llama/Llama-3.1-8B-Instruct"})`,
    );
    expect(byModel).toBeGreaterThanOrEqual(
      query(waiting('chat-a')) + query(waiting('chat-b')) - 1e-9,
    );
  });
});
