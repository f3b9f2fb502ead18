import { resourceById } from '../api/resources';
import { startSimulator } from '../startSimulator';
import { loadScenario } from './loadScenario';
import { generateScaleScenario } from './scale';

describe('scale scenario', () => {
  it('generates clusters x workloads x pods with enough MIG capacity', () => {
    const s = loadScenario(
      generateScaleScenario({
        clusters: 3,
        workloadsPerCluster: 40,
        podsPerCluster: 800,
      }),
    );
    expect(s.clusters).toHaveLength(3);
    expect(s.clusters[0].workloads).toHaveLength(40);
    expect(s.clusters[0].workloads.reduce((n, w) => n + w.replicas, 0)).toBe(
      800,
    );
    const pool = s.clusters[0].nodePools[0];
    expect(pool.nodes * 8 * pool.mig!.perGpu).toBeGreaterThanOrEqual(800);
  });

  it('names workloads after their cluster when asked, so each is its own service', () => {
    const names = (distinctNames: boolean) =>
      generateScaleScenario({
        clusters: 3,
        workloadsPerCluster: 4,
        podsPerCluster: 8,
        distinctNames,
      }).clusters.flatMap(c => (c.workloads ?? []).map(w => w.name));
    expect(new Set(names(true)).size).toBe(12);
    expect(names(true)).toContain('svc-02-0003');
    expect(new Set(names(false)).size).toBe(4);
  });

  it('runs a small fleet to steady state with every pod Running', async () => {
    const sim = await startSimulator({
      scenario: 'scale',
      scale: {
        clusters: 2,
        workloadsPerCluster: 20,
        podsPerCluster: 200,
        crashLoopFraction: 0,
        autoscaledFraction: 0,
      },
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      controlPort: false,
    });
    try {
      await sim.advance(60_000);
      for (const c of sim.clusters) {
        const pods = Array.from(
          c.sim.store.table(resourceById('core/pods')).values(),
        ).filter(p => p.namespace.startsWith('team-'));
        expect(pods).toHaveLength(200);
        expect(pods.every(p => p.fields?.['status.phase'] === 'Running')).toBe(
          true,
        );
      }
    } finally {
      await sim.stop();
    }
    // 400 pods through scheduling and a simulated minute: a second alone, several on CI's shared cores
  }, 60_000);
});
