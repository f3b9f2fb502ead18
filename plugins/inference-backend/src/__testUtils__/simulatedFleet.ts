import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  SimulatorHandle,
  SimulatorOptions,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ClusterConnection } from '@inference-platform/plugin-inference-node';
import { createWorkloadModel } from '../workloads/createWorkloadModel';
import { WorkloadModel } from '../workloads/WorkloadModel';
import { EntityIndex } from '../workloads/entityIndex';

/** Connections to every cluster of a running simulator, as the plugin builds them from config. */
export function connectionsOf(sim: SimulatorHandle): ClusterConnection[] {
  return sim.clusters.map(cluster => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        { name: cluster.name, server: cluster.url, skipTLSVerify: true },
      ],
      users: [{ name: 'u', token: cluster.token }],
      contexts: [{ name: cluster.name, cluster: cluster.name, user: 'u' }],
      currentContext: cluster.name,
    });
    return { name: cluster.name, url: cluster.url, kubeConfig };
  });
}

/** The example catalog of the repository (examples/*.yaml), the same the demo app loads. */
export function exampleEntities(): Entity[] {
  // eslint-disable-next-line no-restricted-syntax -- tests run from source
  const dir = path.resolve(__dirname, '../../../../examples');
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .flatMap(f =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d =>
        d.toJS(),
      ),
    )
    .filter((e: any) => e?.kind && e.kind !== 'Location')
    .map((e: any) => ({
      ...e,
      metadata: { namespace: 'default', ...e.metadata },
    }));
}

/** 14:00 UTC on a fixed day: near the demo scenario's diurnal peaks, the same in every run. */
export const DEMO_PEAK = Date.UTC(2026, 10, 26, 14, 0, 0);

/**
 * The demo scenario on a manual clock from DEMO_PEAK, advanced `warmUpMs` of simulated time (by default three
 * minutes: every model has loaded or failed).
 */
export async function startDemoFleet(
  options: Omit<SimulatorOptions, 'scenario' | 'clock'> = {},
  warmUpMs = 180_000,
): Promise<SimulatorHandle> {
  const sim = await startSimulator({
    scenario: 'demo',
    clock: { mode: 'manual', startTime: DEMO_PEAK },
    controlPort: false,
    ...options,
  });
  await sim.advance(warmUpMs);
  return sim;
}

/** Polls until `check` passes or the timeout is over (then throws the last failure). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, intervalMs));
    }
  }
}

/** A tracker on every cluster of the simulator, linked to the example catalog, waiting until all are synced. */
export async function trackFleet(
  sim: SimulatorHandle,
  options: Parameters<typeof createWorkloadModel>[2] = {},
): Promise<WorkloadModel> {
  const tracker = createWorkloadModel(
    connectionsOf(sim),
    mockServices.logger.mock(),
    {
      recomputeDelayMs: 20,
      ...options,
    },
  );
  tracker.setEntities(EntityIndex.fromEntities(exampleEntities()));
  tracker.fleet.start();
  await eventually(() => {
    const states = tracker.clusterStatuses().map(c => c.state);
    if (states.some(s => s !== 'synced'))
      throw new Error(`clusters ${states.join(', ')}`);
  });
  tracker.flush();
  return tracker;
}

/**
 * One cluster `gpu-sim` with one H100 node and one vLLM service, `ml-chat/faq-bot` on 1 GPU: the smallest fleet
 * where a workload can appear, be linked and vanish.
 */
export function oneServiceScenario(name: string) {
  const h100 = 'NVIDIA-H100-80GB-HBM3';
  return {
    name,
    clusters: [
      {
        name: 'gpu-sim',
        systemWorkloads: false,
        dcgmExporter: false,
        nodePools: [
          {
            name: 'h100-pool',
            gpu: h100,
            instanceType: 'p5.48xlarge',
            nodes: 1,
          },
        ],
        namespaces: [{ name: 'ml-chat', team: 'ml-chat' }],
        workloads: [
          {
            name: 'faq-bot',
            namespace: 'ml-chat',
            team: 'ml-chat',
            model: 'meta-llama/Llama-3.1-8B-Instruct',
            gpuProduct: h100,
            gpus: 1,
          },
        ],
      },
    ],
  };
}
