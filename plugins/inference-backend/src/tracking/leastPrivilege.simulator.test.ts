/*
 * The inference backend with the repository's least-privilege roles (deploy/kubernetes/rbac/): the real tracker and
 * the direct metrics scrape run with nothing but a token of inference-platform/backstage-reader, and with a role
 * missing one verb the cluster is reported as refused, naming what was refused, instead of "synced".
 */
import { mockServices } from '@backstage/backend-test-utils';
import { SimulatorHandle } from '@inference-platform/cluster-simulator';
import { ClusterConnection } from '@inference-platform/plugin-inference-node';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  connectionsOf,
  eventually,
  exampleEntities,
  trackFleet,
  startDemoFleet,
} from '../__testUtils__/simulatedFleet';
import { DirectScrapeSource } from '../metrics/DirectScrapeSource';
import { publicClusterError } from '../service/clusterErrors';
import { EntityIndex } from '../workloads/entityIndex';
import { createWorkloadModel } from '../workloads/createWorkloadModel';
import { WorkloadModel } from '../workloads/WorkloadModel';

jest.setTimeout(120_000);

// eslint-disable-next-line no-restricted-syntax -- tests run from source
const RBAC_DIR = path.resolve(__dirname, '../../../../deploy/kubernetes/rbac');
const NS = 'inference-platform';
const CLUSTER = 'gpu-us-east';

function rbacManifests(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(path.join(RBAC_DIR, file), 'utf8'))
    .map(d => d.toJS())
    .filter(Boolean);
}

function kubeConfigOf(name: string, url: string, token: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name, server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name, cluster: name, user: 'u' }],
    currentContext: name,
  });
  return kubeConfig;
}

/** Server-side apply with the cluster's admin token, as `kubectl apply --server-side` by a cluster admin. */
async function applyAsAdmin(
  sim: SimulatorHandle,
  cluster: string,
  object: KubernetesObject,
) {
  const c = sim.clusters.find(x => x.name === cluster)!;
  await KubernetesObjectApi.makeApiClient(
    kubeConfigOf(c.name, c.url, c.token),
  ).patch(
    object,
    undefined,
    undefined,
    'cluster-admin',
    true,
    PatchStrategy.ServerSideApply,
  );
}

/** A tracker as the plugin runs it, on the given connections, linked to the example catalog. */
function startTracker(connections: ClusterConnection[]): WorkloadModel {
  const tracker = createWorkloadModel(connections, mockServices.logger.mock(), {
    recomputeDelayMs: 20,
    cluster: { probeIntervalMs: 300, probeTimeoutMs: 2000 },
  });
  tracker.setEntities(EntityIndex.fromEntities(exampleEntities()));
  tracker.fleet.start();
  return tracker;
}

/** What GET /clusters serves for one cluster: the tracker's status with the public error category. */
function servedStatus(tracker: WorkloadModel, cluster: string) {
  const status = tracker.clusterStatuses().find(s => s.name === cluster)!;
  return { ...status, lastError: publicClusterError(status.lastError) };
}

describe('the inference backend with the least-privilege reader role', () => {
  let sim: SimulatorHandle;
  let readerConnections: ClusterConnection[];
  const trackers: WorkloadModel[] = [];

  /** Connections to every cluster with a token of `namespace/name` instead of the admin token. */
  const connectionsAs = (namespace: string, name: string) =>
    sim.clusters.map(c => ({
      name: c.name,
      url: c.url,
      kubeConfig: kubeConfigOf(
        c.name,
        c.url,
        sim.createServiceAccountToken(c.name, namespace, name),
      ),
    }));

  beforeAll(async () => {
    sim = await startDemoFleet();
    // the reader's files as they are in the repository, on every cluster
    for (const c of sim.clusters) {
      for (const file of ['service-accounts.yaml', 'reader.yaml']) {
        for (const object of rbacManifests(file))
          await applyAsAdmin(sim, c.name, object);
      }
    }
    readerConnections = connectionsAs(NS, 'backstage-reader');
  });

  afterAll(async () => {
    for (const tracker of trackers) tracker.fleet.stop();
    await sim?.stop();
  });

  describe('with exactly the reader role', () => {
    let reader: WorkloadModel;
    let admin: WorkloadModel;

    beforeAll(async () => {
      // the same fleet seen with the admin token, as the reference of what a complete view is
      admin = await trackFleet(sim);
      trackers.push(admin);
      reader = startTracker(readerConnections);
      trackers.push(reader);
      await eventually(() => {
        const states = reader.clusterStatuses().map(s => s.state);
        if (states.some(s => s !== 'synced'))
          throw new Error(`clusters ${states.join(', ')}`);
      }, 30_000);
      reader.flush();
      admin.flush();
    });

    it('syncs every cluster, every tracked resource present, no error', () => {
      expect(reader.clusterStatuses().length).toBe(sim.clusters.length);
      for (const status of reader.clusterStatuses()) {
        expect(status).toMatchObject({ state: 'synced', lastError: undefined });
        expect(status.workloads).toBeGreaterThanOrEqual(0);
      }
      // optional CRDs are told apart from refused ones: the reader may list them all, so none is "absent" by mistake
      for (const cluster of reader.fleet.clusters()) {
        const reference = admin.fleet
          .clusters()
          .find(c => c.name === cluster.name)!;
        expect(cluster.status().absentResources).toEqual(
          reference.status().absentResources,
        );
      }
    });

    it('derives the same workloads, findings, owners and GPU capacity as with the admin token', () => {
      const view = (t: WorkloadModel) =>
        t
          .workloads()
          .map(w => ({
            id: w.id,
            entityRef: w.entityRef,
            owner: w.owner,
            gpuType: w.gpuType,
            quotaCharge: w.quotaCharge,
            replicas: w.replicas,
            autoscaler: w.autoscaler?.kind,
            findings: w.findings.map(f => f.kind).sort(),
          }))
          .sort((a, b) => a.id.localeCompare(b.id));
      expect(view(reader).length).toBeGreaterThan(5);
      expect(view(reader)).toEqual(view(admin));
      // warning events (read for the diagnosis) are there: the OOM crash loop is recognised
      expect(
        reader
          .workloads()
          .find(w => w.name === 'code-assistant-llm')
          ?.findings.map(f => f.kind),
      ).toContain('cuda-oom');
      const pools = (t: WorkloadModel) =>
        t.capacity().map(c => ({
          cluster: c.cluster,
          pools: c.pools.map(p => [p.pool, p.nodes, p.allocatable, p.free]),
        }));
      expect(pools(reader)).toEqual(pools(admin));
      expect(
        reader.clusterStatuses().reduce((sum, s) => sum + s.gpuNodes, 0),
      ).toBeGreaterThan(0);
    });

    it('scrapes serving metrics and dcgm-exporter through pods/proxy with the reader token', async () => {
      const source = (
        connections: ClusterConnection[],
        tracker: WorkloadModel,
      ) =>
        new DirectScrapeSource({
          clusters: connections,
          pods: cluster =>
            tracker.fleet
              .clusters()
              .find(c => c.name === cluster)!
              .cache('pods')
              .list(),
          logger: mockServices.logger.mock(),
          concurrency: 8,
          timeoutMs: 5000,
        });
      const scraped = await source(readerConnections, reader).collect(
        reader.workloads(),
      );
      const reference = await source(connectionsOf(sim), admin).collect(
        admin.workloads(),
      );
      expect([...scraped.keys()].sort()).toEqual([...reference.keys()].sort());
      const chat = scraped.get(
        'gpu-us-east/ml-chat/Deployment/support-chat-llm',
      )!;
      expect(chat.metrics.kvCacheUsage).toBeGreaterThan(0);
      // GPU utilisation comes from the node's dcgm-exporter pod, in another namespace
      expect(
        scraped.get('gpu-eu-west/ml-vision/Deployment/vision-classifier')
          ?.gpuUtilization,
      ).toBeDefined();
    });
  });

  describe('with a copy of the reader role missing one verb', () => {
    /** The reader ClusterRole with `verb` taken away from `resource` of the core group, bound to `account`. */
    async function readerWithout(
      account: string,
      resource: string,
      verb: string,
    ) {
      const [role] = rbacManifests('reader.yaml');
      const rules = role.rules.flatMap((rule: any) => {
        if (
          !rule.apiGroups?.includes('') ||
          !rule.resources?.includes(resource)
        )
          return [rule];
        return [
          {
            ...rule,
            resources: rule.resources.filter((r: string) => r !== resource),
          },
          {
            apiGroups: [''],
            resources: [resource],
            verbs: rule.verbs.filter((v: string) => v !== verb),
          },
        ];
      });
      const name = `reader-${account}`;
      await applyAsAdmin(sim, CLUSTER, {
        ...role,
        metadata: { name },
        rules,
      });
      await applyAsAdmin(sim, CLUSTER, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name,
        },
        subjects: [{ kind: 'ServiceAccount', name: account, namespace: NS }],
      } as KubernetesObject);
      return { role: { ...role, metadata: { name }, rules: role.rules } };
    }

    it.each([
      ['pods', 'watch', 'no-pod-watch', 'forbidden (403): cannot watch pods'],
      ['nodes', 'list', 'no-node-list', 'forbidden (403): cannot list nodes'],
    ])(
      'without %s %s, the cluster is not synced and says what is forbidden',
      async (resource, verb, account, reason) => {
        const { role } = await readerWithout(account, resource, verb);
        const one = connectionsAs(NS, account).filter(c => c.name === CLUSTER);
        const tracker = startTracker(one);
        trackers.push(tracker);
        await eventually(
          () =>
            expect(servedStatus(tracker, CLUSTER)).toMatchObject({
              state: expect.not.stringMatching(/^synced$/),
              lastError: reason,
            }),
          15_000,
        );
        // it stays so (the failing list or watch is retried with backoff, never counted as caught up)
        for (let i = 0; i < 20; i++) {
          await new Promise(resolve => setTimeout(resolve, 100));
          expect(servedStatus(tracker, CLUSTER)).toMatchObject({
            state: expect.not.stringMatching(/^synced$/),
            lastError: reason,
          });
        }
        // the backend log (full message) names the resource and the refusal
        expect(tracker.fleet.clusters()[0].status().lastError).toMatch(
          new RegExp(`${verb} .*${resource}.* answered 403`),
        );

        // the platform team grants the verb again: the cluster syncs without a restart
        await applyAsAdmin(sim, CLUSTER, role);
        await eventually(
          () =>
            expect(servedStatus(tracker, CLUSTER)).toMatchObject({
              state: 'synced',
              lastError: undefined,
            }),
          60_000,
        );
        tracker.fleet.stop();
      },
    );

    it('a revoked token shows the cluster as unauthorised (401)', async () => {
      const one = connectionsAs(NS, 'short-lived-reader').filter(
        c => c.name === CLUSTER,
      );
      await applyAsAdmin(sim, CLUSTER, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'short-lived-reader' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'inference-platform-reader',
        },
        subjects: [
          { kind: 'ServiceAccount', name: 'short-lived-reader', namespace: NS },
        ],
      } as KubernetesObject);
      const tracker = startTracker(one);
      trackers.push(tracker);
      await eventually(
        () => expect(servedStatus(tracker, CLUSTER).state).toBe('synced'),
        30_000,
      );
      // deleting the ServiceAccount revokes its tokens
      const c = sim.clusters.find(x => x.name === CLUSTER)!;
      await KubernetesObjectApi.makeApiClient(
        kubeConfigOf(c.name, c.url, c.token),
      ).delete({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'short-lived-reader', namespace: NS },
      });
      await eventually(
        () =>
          expect(servedStatus(tracker, CLUSTER)).toMatchObject({
            state: 'stale',
            lastError: 'unauthorised (401)',
          }),
        15_000,
      );
      // the log says the server refused the token, not that it is unreachable
      expect(tracker.fleet.clusters()[0].status().lastError).toBe(
        'API server refused the credentials: GET /version answered 401',
      );
      tracker.fleet.stop();
    });
  });
});
