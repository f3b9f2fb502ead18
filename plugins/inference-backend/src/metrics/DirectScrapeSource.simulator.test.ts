import { mockServices } from '@backstage/backend-test-utils';
import { SimulatorHandle } from '@inference-platform/cluster-simulator';
import { KubeConfig } from '@kubernetes/client-node';
import {
  connectionsOf,
  trackFleet,
  startDemoFleet,
} from '../__testUtils__/simulatedFleet';
import { WorkloadModel } from '../workloads/WorkloadModel';
import { DirectScrapeSource } from './DirectScrapeSource';

jest.setTimeout(60_000);

describe('DirectScrapeSource against the simulator', () => {
  let sim: SimulatorHandle;
  let tracker: WorkloadModel;
  let source: DirectScrapeSource;
  let now = Date.UTC(2026, 10, 26, 14, 3, 0);

  beforeAll(async () => {
    sim = await startDemoFleet();
    tracker = await trackFleet(sim);
    source = new DirectScrapeSource({
      clusters: connectionsOf(sim),
      pods: cluster =>
        tracker.fleet
          .clusters()
          .find(c => c.name === cluster)!
          .cache('pods')
          .list(),
      logger: mockServices.logger.mock(),
      concurrency: 8,
      timeoutMs: 5000,
      now: () => now,
    });
  });

  afterAll(async () => {
    tracker?.stop();
    await sim?.stop();
  });

  it('reads serving metrics through pods/proxy and counter increases between scrapes', async () => {
    const workloads = tracker.workloads();
    const first = await source.collect(workloads);
    const chat = first.get('gpu-us-east/ml-chat/Deployment/support-chat-llm')!;
    expect(chat.metrics.kvCacheUsage).toBeGreaterThan(0);
    expect(chat.metrics.requestsRunning).toBeGreaterThanOrEqual(0);
    // no previous scrape: no increase yet
    expect(chat.requests).toBe(0);

    await sim.advance(60_000);
    now += 60_000;
    const second = await source.collect(tracker.workloads());
    const chat2 = second.get(
      'gpu-us-east/ml-chat/Deployment/support-chat-llm',
    )!;
    // diurnal load near the 15:00 peak: 3-11 requests/s
    expect(chat2.metrics.requestsPerSecond).toBeGreaterThan(2);
    expect(chat2.metrics.requestsPerSecond).toBeLessThan(20);
    expect(chat2.promptTokens).toBeGreaterThan(0);
    expect(chat2.generationTokens).toBeGreaterThan(0);
    expect(chat2.metrics.ttftP95Seconds).toBeGreaterThan(0);
    expect(chat2.gpuUtilization).toBeGreaterThan(0.1);
  });

  it('reads GPU utilisation of the idle classifier from dcgm-exporter, and Triton requests', async () => {
    const result = await source.collect(tracker.workloads());
    const vision = result.get(
      'gpu-eu-west/ml-vision/Deployment/vision-classifier',
    )!;
    expect(vision.gpuUtilization).toBeDefined();
    expect(vision.gpuUtilization!).toBeLessThan(0.1);
  });

  it('counts the GPUs of a crash-looping service as idle: DCGM utilisation, no requests', async () => {
    const result = await source.collect(tracker.workloads());
    const crashing = result.get(
      'gpu-us-east/ml-chat/Deployment/code-assistant-llm',
    )!;
    expect(crashing.requests).toBe(0);
    expect(crashing.metrics.requestsPerSecond).toBeUndefined();
    expect(crashing.gpuUtilization).toBeLessThan(0.05);
  });

  it('warns once per cluster when its token may not use the pod proxy, instead of losing metrics silently', async () => {
    // a service account with no role at all: the API server refuses pods/proxy with 403
    const token = sim.createServiceAccountToken(
      'gpu-us-east',
      'inference-platform',
      'no-proxy',
    );
    const logger = mockServices.logger.mock();
    const refused = new DirectScrapeSource({
      clusters: connectionsOf(sim).map(c => {
        const kubeConfig = new KubeConfig();
        kubeConfig.loadFromOptions({
          clusters: [{ name: c.name, server: c.url, skipTLSVerify: true }],
          users: [{ name: 'u', token }],
          contexts: [{ name: c.name, cluster: c.name, user: 'u' }],
          currentContext: c.name,
        });
        return { ...c, kubeConfig };
      }),
      pods: cluster =>
        tracker.fleet
          .clusters()
          .find(c => c.name === cluster)!
          .cache('pods')
          .list(),
      logger,
      concurrency: 8,
      timeoutMs: 5000,
      now: () => now,
    });
    await refused.collect(tracker.workloads());
    await refused.collect(tracker.workloads());
    const warnings = logger.warn.mock.calls
      .map(([message]) => String(message))
      .filter(message => message.startsWith('gpu-us-east refused'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /gpu-us-east refused the metrics scrape through the pod proxy \(403\): grant get on pods\/proxy/,
      ),
    ]);
  });
});
