import { diagnoseWorkload } from './diagnosis';
import { DiagnosisInput, Finding } from './types';
import crashLoop from './__fixtures__/crash-loop.json';
import cudaDriver from './__fixtures__/cuda-driver.json';
import cudaOom from './__fixtures__/cuda-oom.json';
import healthy from './__fixtures__/healthy.json';
import hostOom from './__fixtures__/host-oom.json';
import imagePull from './__fixtures__/image-pull.json';
import insufficientGpu from './__fixtures__/insufficient-gpu.json';
import kvDraining from './__fixtures__/kv-cache-busy-but-draining.json';
import kvSaturated from './__fixtures__/kv-cache-saturated.json';
import kvTooSmall from './__fixtures__/kv-cache-too-small.json';
import kvTooSmallNewer from './__fixtures__/kv-cache-too-small-newer.json';
import quotaExceeded from './__fixtures__/resource-quota-exceeded.json';
import slowLoad from './__fixtures__/slow-model-load.json';
import unschedulable from './__fixtures__/unschedulable-without-events.json';

const diagnose = (fixture: unknown, extra: Partial<DiagnosisInput> = {}) =>
  diagnoseWorkload({ ...(fixture as DiagnosisInput), ...extra });
const kinds = (findings: Finding[]) =>
  findings.map(f => `${f.severity}:${f.kind}`);
const only = (findings: Finding[], kind: string) => {
  const found = findings.filter(f => f.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('diagnoseWorkload on fixtures', () => {
  it.each([
    [
      'cuda-oom',
      cudaOom,
      ['critical:cuda-oom', 'critical:replicas-below-desired'],
    ],
    ['host-oom', hostOom, ['critical:host-oom-killed']],
    ['kv-cache-too-small', kvTooSmall, ['critical:kv-cache-too-small']],
    [
      'kv-cache-too-small-newer',
      kvTooSmallNewer,
      ['critical:kv-cache-too-small'],
    ],
    ['kv-cache-saturated', kvSaturated, ['warning:kv-cache-saturated']],
    ['kv-cache-busy-but-draining', kvDraining, []],
    [
      'insufficient-gpu',
      insufficientGpu,
      ['critical:insufficient-gpu', 'warning:replicas-below-desired'],
    ],
    ['image-pull', imagePull, ['critical:image-pull']],
    ['cuda-driver', cudaDriver, ['critical:cuda-driver-insufficient']],
    [
      'crash-loop',
      crashLoop,
      ['critical:crash-loop', 'warning:replicas-below-desired'],
    ],
    [
      'slow-model-load',
      slowLoad,
      ['critical:slow-model-load', 'critical:replicas-below-desired'],
    ],
    [
      'resource-quota-exceeded',
      quotaExceeded,
      ['warning:resource-quota-exceeded', 'warning:replicas-below-desired'],
    ],
    [
      'unschedulable-without-events',
      unschedulable,
      ['critical:insufficient-gpu', 'warning:replicas-below-desired'],
    ],
    ['healthy', healthy, []],
  ])('%s', (_name, fixture, expected) => {
    const findings = diagnose(fixture);
    expect(kinds(findings)).toEqual(expected);
    for (const finding of findings) {
      expect(finding.evidence.length).toBeGreaterThan(0);
      expect(finding.fix.length).toBeGreaterThan(20);
    }
  });

  it('parses the torch OOM numbers and uses the planner to say what would fit', () => {
    const finding = only(diagnose(cudaOom), 'cuda-oom');
    expect(finding.evidence[0]).toMatchObject({
      source: 'container-status',
      pod: 'chat-assistant-7d9f8c6b5-x2x9p',
      container: 'vllm',
      at: '2026-11-20T10:21:40Z',
    });
    expect(finding.fix).toMatch(
      /^It tried to allocate 1.96 GiB with 1.12 GiB free of 22.1 GiB\./,
    );
    expect(finding.fix).toMatch(
      /At 0.98 utilization only 0.44 GiB stays outside vLLM's budget, but CUDA graphs need about 0.86 GiB: lower --gpu-memory-utilization to 0.87 \(the KV cache still holds \d+ tokens/,
    );
  });

  it('anchors KV-cache advice on the token count vLLM reported', () => {
    const finding = only(diagnose(kvTooSmall), 'kv-cache-too-small');
    expect(finding.fix).toBe(
      'max-model-len 32768 needs 4.00 GiB KV cache; 3.42 GiB free at 0.90 utilization: lower it to 28000, or raise --gpu-memory-utilization to 0.93, or TP=2',
    );
  });

  it('falls back to the numbers of the newer vLLM message when the model is unknown', () => {
    expect(only(diagnose(kvTooSmallNewer), 'kv-cache-too-small').fix).toBe(
      'max-model-len 131072 needs 16 GiB KV cache; 3.97 GiB available: lower --max-model-len to 32000, or raise --gpu-memory-utilization, or add tensor parallelism.',
    );
  });

  it('does not report a crash loop the OOM already explains', () => {
    expect(diagnose(cudaOom).some(f => f.kind === 'crash-loop')).toBe(false);
  });

  it('suggests a memory limit for host OOM kills', () => {
    expect(only(diagnose(hostOom), 'host-oom-killed').fix).toMatch(
      /^Raise resources.limits.memory from 16Gi to 24Gi \(1.5x\)/,
    );
  });

  it('sizes the scale-out for a saturated KV cache with a growing queue', () => {
    const finding = only(diagnose(kvSaturated), 'kv-cache-saturated');
    expect(finding.summary).toBe(
      'KV cache usage 98% (recent mean); requests waiting grew from 0 to 36 with 64 running',
    );
    expect(finding.fix).toMatch(/need about 4 replicas instead of 2/);
    expect(
      diagnose(kvSaturated, { thresholds: { kvCacheSaturation: 0.995 } }),
    ).toEqual([]);
  });

  it('reads the scheduler numbers of FailedScheduling', () => {
    const finding = only(diagnose(insufficientGpu), 'insufficient-gpu');
    expect(finding.summary).toBe(
      'Pods stay Pending: 2 of 6 nodes lack free nvidia.com/gpu (0 available).',
    );
    expect(finding.evidence[0]).toMatchObject({
      source: 'event',
      pod: 'chat-assistant-7d9f8c6b5-pend1',
      at: '2026-11-20T09:05:00Z',
    });
  });

  it('forgets FailedScheduling once the pod is scheduled, and events of pods that are gone', () => {
    const input = JSON.parse(JSON.stringify(insufficientGpu)) as DiagnosisInput;
    const pending = input.pods.find(p => p.status?.phase === 'Pending')!;
    pending.spec = { ...pending.spec!, nodeName: 'gpu-node-2' };
    pending.status = {
      ...pending.status,
      phase: 'Running',
      conditions: [{ type: 'PodScheduled', status: 'True' }],
    };
    expect(kinds(diagnoseWorkload(input))).not.toContain(
      'critical:insufficient-gpu',
    );

    const gone = JSON.parse(JSON.stringify(insufficientGpu)) as DiagnosisInput;
    gone.pods = gone.pods.filter(p => p.status?.phase !== 'Pending');
    expect(kinds(diagnoseWorkload(gone))).not.toContain(
      'critical:insufficient-gpu',
    );
  });

  it('reads a Pending pod whose FailedScheduling event expired from its PodScheduled condition', () => {
    const finding = only(diagnose(unschedulable), 'insufficient-gpu');
    expect(finding.summary).toBe(
      'Pods stay Pending: 2 of 6 nodes lack free nvidia.com/gpu (0 available).',
    );
    expect(finding.evidence).toEqual([
      {
        source: 'pod',
        pod: 'chat-assistant-7d9f8c6b5-pend1',
        at: '2026-11-20T10:00:05Z',
        text: "PodScheduled=False (Unschedulable): 0/6 nodes are available: 2 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector.",
      },
    ]);
  });

  it("names the namespace ResourceQuota behind a controller's FailedCreate, with quota, requested, used and limited", () => {
    const findings = diagnose(quotaExceeded);
    const finding = only(findings, 'resource-quota-exceeded');
    expect(finding.summary).toBe(
      'The ResourceQuota gpu-quota in ml-search refused 4 pod(s): each requests requests.nvidia.com/gpu=1, the namespace uses 4 of 4.',
    );
    expect(finding.evidence[finding.evidence.length - 1]).toMatchObject({
      source: 'event',
      text: expect.stringMatching(/^FailedCreate \(x7\): Error creating: pods/),
      at: '2026-11-26T14:02:00Z',
      facts: {
        quota: 'gpu-quota',
        resource: 'requests.nvidia.com/gpu',
        requested: 1,
        used: 4,
        limited: 4,
      },
    });
    expect(finding.fix).toBe(
      "Raise the ResourceQuota gpu-quota in ml-search: requests.nvidia.com/gpu from 4 to 8 (kubectl -n ml-search edit resourcequota gpu-quota) so the 4 missing pod(s) fit, or lower the replicas (and the autoscaler's maxReplicas) to what it allows.",
    );
    const replicas = only(findings, 'replicas-below-desired');
    expect(replicas.fix).toBe(
      'Fix the findings above (resource-quota-exceeded); the replicas follow.',
    );
  });

  it('forgets a quota refusal once every pod exists, and says pods are missing when no event is left', () => {
    expect(
      diagnose(quotaExceeded, { desiredReplicas: 4 }).map(f => f.kind),
    ).toEqual([]);
    const noEvents = diagnose(quotaExceeded, { events: [] });
    expect(noEvents.map(f => f.kind)).toEqual(['replicas-below-desired']);
    expect(noEvents[0].fix).toMatch(
      /^Only 4 of 8 pods exist: the controller could not create the others\./,
    );
    expect(noEvents[0].fix).not.toMatch(/Check the pending and unready pods/);
  });

  it('tells a missing tag from other pull failures', () => {
    expect(only(diagnose(imagePull), 'image-pull').fix).toMatch(
      /does not exist in the registry .* Pin it as repository@sha256/,
    );
  });

  it('names the driver a CUDA image needs, and the compatibility verdict when versions are known', () => {
    expect(only(diagnose(cudaDriver), 'cuda-driver-insufficient').fix).toMatch(
      /^The image needs CUDA 12.8: upgrade the node driver to 570.26 or newer/,
    );
    const withContext = diagnose(cudaDriver, {
      serving: { imageCudaVersion: '12.8.1', nodeDriverVersion: '535.104.05' },
    });
    expect(only(withContext, 'cuda-driver-insufficient').fix).toMatch(
      /cuda>=12.8 .* upgrade the node driver to 570.124.06 or newer.*NVIDIA_DISABLE_REQUIRE=true/,
    );
    const tooOld = diagnose(cudaDriver, {
      serving: { imageCudaVersion: '12.8.1', nodeDriverVersion: '470.57.02' },
    });
    expect(only(tooOld, 'cuda-driver-insufficient').fix).toMatch(
      /forward-compatibility package cuda-compat-12-8/,
    );
  });

  it('turns a probe that kills the loading server into a startup-probe fix', () => {
    const finding = only(diagnose(slowLoad), 'slow-model-load');
    expect(finding.title).toBe(
      'Probe kills the container while the model loads',
    );
    expect(finding.fix).toMatch(/failureThreshold × periodSeconds ≥ 1800 s/);
    expect(finding.fix).toMatch(/Loading 32.9 GiB of weights per GPU/);
  });

  it('flags readiness lag as a warning once a started container stays unready past the threshold', () => {
    const input = slowLoad as unknown as DiagnosisInput;
    const noEvents = diagnose({ ...input, events: [] });
    expect(only(noEvents, 'slow-model-load')).toMatchObject({
      severity: 'warning',
      title: 'Readiness lags model load',
    });
    expect(
      diagnose({
        ...input,
        events: [],
        thresholds: { modelLoadSeconds: 3600 },
      }).map(f => f.kind),
    ).toEqual(['replicas-below-desired']);
  });

  it('keeps unknown crashes visible with the last exit code', () => {
    const finding = only(diagnose(crashLoop), 'crash-loop');
    expect(finding.summary).toBe(
      '1 pod(s) are in CrashLoopBackOff (last exit code 1).',
    );
    expect(finding.evidence[0].text).toMatch(/KeyError: 'rope_scaling'$/);
  });

  it('is deterministic', () => {
    expect(diagnose(slowLoad)).toEqual(diagnose(slowLoad));
  });
});
