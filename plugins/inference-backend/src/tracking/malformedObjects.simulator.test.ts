import { LoggerService } from '@backstage/backend-plugin-api';
import { SimulatorHandle } from '@inference-platform/cluster-simulator';
import { KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import {
  connectionsOf,
  eventually,
  exampleEntities,
  startDemoFleet,
} from '../__testUtils__/simulatedFleet';
import { EntityIndex } from '../workloads/entityIndex';
import { createWorkloadModel } from '../workloads/createWorkloadModel';
import { WorkloadModel } from '../workloads/WorkloadModel';

jest.setTimeout(90_000);

const NS = 'isolation-test';

/** A logger that keeps every line, children included, so a test can count what was said. */
function recordingLogger(lines: string[]): LoggerService {
  const logger: LoggerService = {
    error: message => void lines.push(`error ${message}`),
    warn: message => void lines.push(`warn ${message}`),
    info: message => void lines.push(`info ${message}`),
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

const container = (extra: Record<string, unknown>) => ({
  name: 'vllm',
  image: 'vllm/vllm-openai:v0.6.3',
  args: ['--model', 'Qwen/Qwen2.5-7B-Instruct'],
  ...extra,
});

function deployment(name: string, limits: Record<string, unknown>) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [container({ resources: { limits } })] },
      },
    },
  };
}

function leaderWorkerSet(name: string, workerContainer: unknown) {
  return {
    apiVersion: 'leaderworkerset.x-k8s.io/v1',
    kind: 'LeaderWorkerSet',
    metadata: { name, namespace: NS },
    spec: {
      replicas: 0,
      leaderWorkerTemplate: {
        size: 2,
        workerTemplate: { spec: { containers: [workerContainer] } },
      },
    },
  };
}

/**
 * One bad object must not freeze the fleet. Before, a Deployment applied with `limits: {nvidia.com/gpu: 1}` was
 * stored as a number, `parseCountQuantity` threw a TypeError on it, and derivation stopped for every cluster while
 * /clusters still said "synced". Now the simulator stores the canonical string as an API server does, numbers in
 * custom resources are read, and an object the tracker cannot read is skipped and reported on its cluster's status,
 * logged once, while every other object and cluster keeps deriving.
 */
describe('a malformed object in one cluster', () => {
  let sim: SimulatorHandle;
  let tracker: WorkloadModel;
  const lines: string[] = [];
  const objects = (cluster: string) => {
    const connection = connectionsOf(sim).find(c => c.name === cluster)!;
    return KubernetesObjectApi.makeApiClient(connection.kubeConfig);
  };
  const apply = (cluster: string, body: Record<string, unknown>) =>
    objects(cluster).create(body as KubernetesObject);
  // the simulated LeaderWorkerSet controller makes a StatefulSet of the same name
  const workload = (name: string, kind?: string) =>
    tracker
      .workloads()
      .find(
        w =>
          w.namespace === NS && w.name === name && (!kind || w.kind === kind),
      );
  const status = (cluster: string) =>
    tracker.clusterStatuses().find(c => c.name === cluster)!;

  beforeAll(async () => {
    sim = await startDemoFleet({}, 60_000);
    for (const cluster of ['gpu-us-east', 'gpu-eu-west']) {
      await apply(cluster, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: NS },
      });
    }
    tracker = createWorkloadModel(connectionsOf(sim), recordingLogger(lines), {
      recomputeDelayMs: 20,
    });
    tracker.setEntities(EntityIndex.fromEntities(exampleEntities()));
    tracker.fleet.start();
    await eventually(() => {
      const states = tracker.clusterStatuses().map(c => c.state);
      if (states.some(s => s !== 'synced'))
        throw new Error(`clusters ${states.join(', ')}`);
    });
  });

  afterAll(async () => {
    tracker?.stop();
    await sim?.stop();
  });

  it('stores a Deployment applied with a number quantity as its string, and derives it', async () => {
    await apply(
      'gpu-us-east',
      deployment('number-quantity', { 'nvidia.com/gpu': 1 }),
    );
    const stored = await objects('gpu-us-east').read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'number-quantity', namespace: NS },
    });
    expect(
      (stored as any).spec.template.spec.containers[0].resources,
    ).toMatchObject({
      limits: { 'nvidia.com/gpu': '1' },
      requests: { 'nvidia.com/gpu': '1' },
    });
    await eventually(() =>
      expect(workload('number-quantity')).toMatchObject({
        kind: 'Deployment',
        gpusPerReplica: 1,
      }),
    );
    expect(status('gpu-us-east').state).toBe('synced');
  });

  it('reads a number quantity in a custom resource, which keeps it as written', async () => {
    await apply(
      'gpu-us-east',
      leaderWorkerSet(
        'lws-number-quantity',
        container({ resources: { limits: { 'nvidia.com/gpu': 1 } } }),
      ),
    );
    await eventually(() =>
      expect(workload('lws-number-quantity', 'LeaderWorkerSet')).toMatchObject({
        kind: 'LeaderWorkerSet',
        gpusPerReplica: 2,
      }),
    );
    expect(lines.filter(l => l.startsWith('error'))).toEqual([]);
  });

  it('skips and reports objects it cannot read while everything else keeps deriving', async () => {
    // a custom resource with a field of the wrong type: `command` is not a list
    await apply(
      'gpu-us-east',
      leaderWorkerSet(
        'lws-bad-command',
        container({
          command: 5,
          resources: { limits: { 'nvidia.com/gpu': '1' } },
        }),
      ),
    );
    // and one whose triggers are not a list
    await apply('gpu-us-east', {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'bad-triggers', namespace: NS },
      spec: { scaleTargetRef: { name: 'number-quantity' }, triggers: 'cpu' },
    });
    await eventually(() =>
      expect(status('gpu-us-east')).toMatchObject({
        state: 'degraded',
        // (the simulated LeaderWorkerSet controller copies the bad template into a StatefulSet, skipped too)
        degradedReason: expect.stringMatching(/^\d objects skipped: /),
        skippedObjects: expect.arrayContaining([
          {
            kind: 'LeaderWorkerSet',
            namespace: NS,
            name: 'lws-bad-command',
            reason: expect.stringMatching(
              /spec\.leaderWorkerTemplate\.workerTemplate\.spec\.containers\[0\]\.command: expected a list/,
            ),
          },
          {
            kind: 'ScaledObject',
            namespace: NS,
            name: 'bad-triggers',
            reason: expect.stringMatching(/spec\.triggers: expected a list/),
          },
        ]),
      }),
    );
    expect(status('gpu-us-east').derivationErrors).toBeGreaterThanOrEqual(2);

    // the same cluster and the others keep deriving: new workloads appear, the number-quantity one is still there
    await apply(
      'gpu-us-east',
      deployment('added-after', { 'nvidia.com/gpu': '2' }),
    );
    await apply(
      'gpu-eu-west',
      deployment('other-cluster', { 'nvidia.com/gpu': '1' }),
    );
    await eventually(() => {
      expect(workload('added-after')).toMatchObject({ gpusPerReplica: 2 });
      expect(workload('other-cluster')).toMatchObject({
        cluster: 'gpu-eu-west',
      });
      expect(workload('number-quantity')).toBeDefined();
      expect(workload('lws-number-quantity')).toBeDefined();
    });
    expect(status('gpu-eu-west').state).toBe('synced');
    expect(status('gpu-us-east').lastError).toBeUndefined();
    expect(lines.filter(l => l.startsWith('error'))).toEqual([]);
    // logged once per object, not at every recomputation
    const logged = (object: string) => lines.filter(l => l.includes(object));
    expect(logged(`LeaderWorkerSet ${NS}/lws-bad-command:`)).toHaveLength(1);
    expect(logged(`ScaledObject ${NS}/bad-triggers:`)).toHaveLength(1);
  });

  it('is synced again once the objects are fixed or gone', async () => {
    await objects('gpu-us-east').delete({
      apiVersion: 'leaderworkerset.x-k8s.io/v1',
      kind: 'LeaderWorkerSet',
      metadata: { name: 'lws-bad-command', namespace: NS },
    });
    await objects('gpu-us-east').replace({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'bad-triggers', namespace: NS },
      spec: {
        scaleTargetRef: { name: 'number-quantity' },
        maxReplicaCount: 3,
        triggers: [{ type: 'cpu', metadata: { value: '80' } }],
      },
    } as KubernetesObject);
    await eventually(() => {
      expect(status('gpu-us-east')).toMatchObject({ state: 'synced' });
      expect(status('gpu-us-east').skippedObjects ?? []).toEqual([]);
      expect(workload('number-quantity')?.autoscaler).toMatchObject({
        kind: 'ScaledObject',
        maxReplicas: 3,
      });
    });
  });
});
