import { startSimulator, SimulatorHandle } from '../startSimulator';

describe('control server', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'demo',
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
    });
    await sim.advance(120_000);
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('lists scrape targets for Prometheus HTTP service discovery and serves their metrics', async () => {
    const targets = await (await fetch(`${sim.controlUrl}/sd`)).json();
    const chat = targets.find((t: { labels: Record<string, string> }) =>
      t.labels.pod.startsWith('support-chat-llm-'),
    );
    // labelled as prometheus-operator labels the ServiceMonitor's targets
    expect(chat.labels).toMatchObject({
      cluster: 'gpu-us-east',
      namespace: 'ml-chat',
      service: 'support-chat-llm',
      job: 'support-chat-llm',
      endpoint: 'http',
      container: expect.any(String),
      instance: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+:\d+$/),
    });
    expect(chat.targets).toEqual([sim.controlUrl!.replace('http://', '')]);
    const res = await fetch(`${sim.controlUrl}${chat.labels.__metrics_path__}`);
    expect(res.headers.get('content-type')).toContain(
      'text/plain; version=0.0.4',
    );
    expect(await res.text()).toMatch(/^vllm:num_requests_running\{/m);
    expect(
      targets.some(
        (t: { labels: Record<string, string> }) =>
          t.labels.job === 'dcgm-exporter',
      ),
    ).toBe(true);
  });

  it('changes a workload load through the admin API', async () => {
    const res = await fetch(`${sim.controlUrl}/clusters/gpu-us-east/load`, {
      method: 'POST',
      body: JSON.stringify({
        namespace: 'ml-chat',
        workload: 'support-chat-llm',
        multiplier: 5,
      }),
    });
    expect(res.status).toBe(200);
    expect(
      sim.cluster('gpu-us-east').runtime.sample('ml-chat/support-chat-llm')
        .utilization,
    ).toBe(1);
  });

  it('serves the kubeconfig and app-config it wrote', async () => {
    expect(await (await fetch(`${sim.controlUrl}/kubeconfig`)).text()).toBe(
      sim.kubeconfigYaml,
    );
    expect(await (await fetch(`${sim.controlUrl}/app-config`)).text()).toBe(
      sim.appConfigYaml,
    );
  });

  it('counts the API requests each cluster answered, watches apart', async () => {
    const c = sim.clusters.find(x => x.name === 'gpu-us-east')!;
    const stats = async () =>
      (await (await fetch(`${sim.controlUrl}/stats`)).json()).requests[
        'gpu-us-east'
      ];
    const before = await stats();
    await fetch(`${c.httpUrl}/api/v1/namespaces/ml-chat/pods`, {
      headers: { Authorization: `Bearer ${c.token}` },
    });
    await fetch(`${c.httpUrl}/version`);
    const watch = new AbortController();
    const watching = fetch(`${c.httpUrl}/api/v1/pods?watch=true`, {
      headers: { Authorization: `Bearer ${c.token}` },
      signal: watch.signal,
    }).catch(() => undefined);
    await new Promise(r => setTimeout(r, 50));
    watch.abort();
    await watching;
    const after = await stats();
    expect(after.other - before.other).toBe(1);
    expect(after.watch - before.watch).toBe(1);
    expect(after.probe - before.probe).toBe(1);
  });
});
