/*
 * The demo scenario shows each situation the product must recognise, in the
 * objects and metrics a real cluster would expose.
 */
import { resourceById } from './api/resources';
import { SimulatorHandle, startSimulator } from './startSimulator';

type Obj = Record<string, any>;
const PODS = resourceById('core/pods');
const EVENTS = resourceById('core/events');

describe('demo scenario', () => {
  let sim: SimulatorHandle;
  const pods = (cluster: string, id: string): Obj[] =>
    Array.from(sim.cluster(cluster).store.table(PODS).values(), s =>
      JSON.parse(s.json),
    ).filter(p => p.metadata.labels?.['backstage.io/kubernetes-id'] === id);
  const events = (cluster: string, reason: string): Obj[] =>
    Array.from(sim.cluster(cluster).store.table(EVENTS).values(), s =>
      JSON.parse(s.json),
    ).filter(e => e.reason === reason);
  const api = async (cluster: string, path: string) => {
    const c = sim.clusters.find(x => x.name === cluster)!;
    const res = await fetch(`${c.httpUrl}${path}`, {
      headers: { Authorization: `Bearer ${c.token}` },
    });
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    // 14:00 UTC: near the diurnal peaks of the demo's load profiles
    sim = await startSimulator({
      scenario: 'demo',
      clock: { mode: 'manual', startTime: Date.UTC(2025, 4, 6, 14, 0, 0) },
      controlPort: false,
    });
    await sim.advance(180_000);
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('labels GPU nodes like GPU Feature Discovery and Karpenter do', () => {
    const nodes = Array.from(
      sim
        .cluster('gpu-us-east')
        .store.table(resourceById('core/nodes'))
        .values(),
      s => JSON.parse(s.json),
    );
    const h100 = nodes.filter(
      n => n.metadata.labels['karpenter.sh/nodepool'] === 'h100-pool',
    );
    expect(h100.length).toBeGreaterThanOrEqual(2);
    expect(h100[0].metadata.labels).toMatchObject({
      'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
      'nvidia.com/gpu.count': '8',
      'nvidia.com/gpu.memory': '81559',
      'nvidia.com/cuda.driver.major': '570',
      'nvidia.com/cuda.driver.minor': '124',
      'nvidia.com/cuda.driver.rev': '06',
      'node.kubernetes.io/instance-type': 'p5.48xlarge',
    });
    expect(h100[0].spec.taints).toEqual([
      { key: 'nvidia.com/gpu', effect: 'NoSchedule' },
    ]);
    expect(h100[0].status.allocatable['nvidia.com/gpu']).toBe('8');
  });

  it('runs the healthy chat model Ready with its model in the container args', () => {
    const ready = pods('gpu-us-east', 'support-chat-llm').filter(p =>
      p.status.conditions.some(
        (c: Obj) => c.type === 'Ready' && c.status === 'True',
      ),
    );
    expect(ready.length).toBeGreaterThanOrEqual(2);
    expect(ready[0].spec.containers[0].image).toMatch(
      /^docker\.io\/vllm\/vllm-openai@sha256:[0-9a-f]{64}$/,
    );
    expect(ready[0].spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(
      '4',
    );
  });

  it('keeps code-assistant-llm in a CUDA OOM crash loop with the PyTorch message as termination message', () => {
    for (const p of pods('gpu-us-east', 'code-assistant-llm')) {
      const cs = p.status.containerStatuses[0];
      expect(cs.restartCount).toBeGreaterThanOrEqual(2);
      expect(cs.lastState.terminated).toMatchObject({
        exitCode: 1,
        reason: 'Error',
      });
      expect(cs.lastState.terminated.message).toContain(
        'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB',
      );
      expect(p.spec.containers[0].terminationMessagePolicy).toBe(
        'FallbackToLogsOnError',
      );
    }
    expect(
      events('gpu-us-east', 'BackOff').some(e =>
        /^Back-off restarting failed container vllm in pod code-assistant-llm-/.test(
          e.message,
        ),
      ),
    ).toBe(true);
  });

  it('returns the crashed container log with --previous', async () => {
    const [p] = pods('gpu-us-east', 'code-assistant-llm');
    const res = await api(
      'gpu-us-east',
      `/api/v1/namespaces/ml-chat/pods/${p.metadata.name}/log?previous=true`,
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('vLLM API server version');
    expect(res.text.trim().split('\n').pop()).toMatch(
      /^torch\.OutOfMemoryError: CUDA out of memory\./,
    );
  });

  it('fails fraud-scoring-llm at startup on a KV cache too small for its max-model-len', () => {
    const [p] = pods('gpu-us-east', 'fraud-scoring-llm');
    expect(p.status.containerStatuses[0].lastState.terminated.message).toMatch(
      /ValueError: The model's max seq len \(32768\) is larger than the maximum number of tokens that can be in KV cache \(\d+\)\. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine\./,
    );
  });

  it('leaves one doc-summariser replica Pending on insufficient GPUs, with the scheduler and Karpenter saying why', () => {
    const all = pods('gpu-batch', 'doc-summariser');
    const pending = all.filter(p => p.status.phase === 'Pending');
    expect(all).toHaveLength(2);
    expect(pending).toHaveLength(1);
    const cond = pending[0].status.conditions.find(
      (c: Obj) => c.type === 'PodScheduled',
    );
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(cond.message).toBe(
      "0/4 nodes are available: 3 node(s) didn't match Pod's node affinity/selector, 1 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 3 Preemption is not helpful for scheduling, 1 No preemption victims found for incoming pod.",
    );
    const failed = events('gpu-batch', 'FailedScheduling').filter(
      e => e.involvedObject.name === pending[0].metadata.name,
    );
    expect(failed.map(e => e.source.component).sort()).toEqual([
      'default-scheduler',
      'karpenter',
    ]);
  });

  it('serves vLLM metrics, current and deprecated names, through pods/proxy', async () => {
    const [p] = pods('gpu-us-east', 'support-chat-llm');
    const first = await api(
      'gpu-us-east',
      `/api/v1/namespaces/ml-chat/pods/${p.metadata.name}:8000/proxy/metrics`,
    );
    expect(first.status).toBe(200);
    for (const name of [
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:kv_cache_usage_perc',
      'vllm:gpu_cache_usage_perc',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
      'vllm:time_to_first_token_seconds_bucket',
      'vllm:inter_token_latency_seconds_bucket',
      'vllm:time_per_output_token_seconds_bucket',
      'vllm:e2e_request_latency_seconds_count',
      'vllm:request_success_total',
    ]) {
      expect(first.text).toMatch(
        new RegExp(
          `^${name}\\{[^}]*model_name="meta-llama/Llama-3.1-70B-Instruct"`,
          'm',
        ),
      );
    }
    const count = (t: string) =>
      Number(
        /^vllm:e2e_request_latency_seconds_count\{[^}]*\} (\S+)$/m.exec(t)![1],
      );
    await sim.advance(60_000);
    const second = await api(
      'gpu-us-east',
      `/api/v1/namespaces/ml-chat/pods/${p.metadata.name}/proxy/metrics`,
    );
    expect(count(second.text)).toBeGreaterThan(count(first.text));
  });

  it('answers 503 through pods/proxy for a container that is not serving', async () => {
    const [p] = pods('gpu-us-east', 'code-assistant-llm');
    const res = await api(
      'gpu-us-east',
      `/api/v1/namespaces/ml-chat/pods/${p.metadata.name}:8000/proxy/metrics`,
    );
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toMatchObject({ kind: 'Status', code: 503 });
  });

  it('serves DCGM metrics per GPU with the pod that holds it', async () => {
    const dcgm = Array.from(
      sim.cluster('gpu-us-east').store.table(PODS).values('gpu-operator'),
      s => JSON.parse(s.json),
    );
    const chatNode = pods('gpu-us-east', 'support-chat-llm')[0].spec.nodeName;
    const exporter = dcgm.find(p => p.spec.nodeName === chatNode)!;
    const res = await api(
      'gpu-us-east',
      `/api/v1/namespaces/gpu-operator/pods/${exporter.metadata.name}:9400/proxy/metrics`,
    );
    expect(res.status).toBe(200);
    const line = res.text
      .split('\n')
      .find(
        l =>
          l.startsWith('DCGM_FI_DEV_GPU_UTIL{') &&
          l.includes('namespace="ml-chat"') &&
          l.includes('pod="support-chat-llm-'),
      )!;
    expect(line).toMatch(
      /gpu="\d",UUID="GPU-[0-9a-f-]+",pci_bus_id="[0-9A-F:.]+",device="nvidia\d",modelName="NVIDIA H100 80GB HBM3",Hostname="[^"]+",DCGM_FI_DRIVER_VERSION="570.124.06",container="vllm",namespace="ml-chat",pod="support-chat-llm-[a-z0-9-]+"\} \d+/,
    );
    expect(res.text).toMatch(/^DCGM_FI_DEV_FB_USED\{/m);
  });

  it('shows vision-classifier nearly idle', async () => {
    const [p] = pods('gpu-eu-west', 'vision-classifier');
    const res = await api(
      'gpu-eu-west',
      `/api/v1/namespaces/ml-vision/pods/${p.metadata.name}:8002/proxy/metrics`,
    );
    const util = Number(
      /^nv_gpu_utilization\{[^}]*\} (\S+)$/m.exec(res.text)![1],
    );
    expect(util).toBeGreaterThan(0);
    expect(util).toBeLessThan(0.03);
  });

  it('keeps search-reranker at its GPU quota and reports the exceeded quota like the API server', () => {
    const quota = JSON.parse(
      sim
        .cluster('gpu-eu-west')
        .store.get(
          resourceById('core/resourcequotas'),
          'ml-search',
          'gpu-quota',
        )!.json,
    );
    expect(quota.status.used['requests.nvidia.com/gpu']).toBe('4');
    const failed = events('gpu-eu-west', 'FailedCreate');
    expect(
      failed.some(e =>
        /^Error creating: pods "search-reranker-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: gpu-quota, requested: requests\.nvidia\.com\/gpu=1, used: requests\.nvidia\.com\/gpu=4, limited: requests\.nvidia\.com\/gpu=4$/.test(
          e.message,
        ),
      ),
    ).toBe(true);
  });

  it('scales rag-embeddings with its CPU HPA under peak load', () => {
    const hpa = JSON.parse(
      sim
        .cluster('gpu-us-east')
        .store.get(
          resourceById('autoscaling/horizontalpodautoscalers'),
          'ml-search',
          'rag-embeddings',
        )!.json,
    );
    expect(
      hpa.status.currentMetrics[0].resource.current.averageUtilization,
    ).toBeGreaterThan(0);
    expect(hpa.status.desiredReplicas).toBeGreaterThan(2);
    expect(
      events('gpu-us-east', 'SuccessfulRescale').some(
        e => e.involvedObject.name === 'rag-embeddings',
      ),
    ).toBe(true);
  });

  it('serves metrics.k8s.io pod metrics', async () => {
    const res = await api(
      'gpu-us-east',
      '/apis/metrics.k8s.io/v1beta1/namespaces/ml-chat/pods',
    );
    const list = JSON.parse(res.text);
    expect(list.kind).toBe('PodMetricsList');
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items[0].containers[0].usage.cpu).toMatch(/^\d+n$/);
  });
});
