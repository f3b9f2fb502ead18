import { checkServicePolicy, LocatedManifest } from './servicePolicy';

const at = (value: Record<string, any>, document = 0): LocatedManifest => ({
  value,
  file: 'kubernetes/all.yaml',
  document,
});

const deployment = (extra: Record<string, any> = {}) =>
  at({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'faq-bot' },
    spec: { template: {}, ...extra },
  });

const scaledObject = (trigger: Record<string, any>) =>
  at(
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'faq-bot' },
      spec: { scaleTargetRef: { name: 'faq-bot' }, triggers: [trigger] },
    },
    1,
  );

const rules = (manifests: LocatedManifest[]) =>
  checkServicePolicy(manifests).map(v => `${v.rule} ${v.path}`);

describe('checkServicePolicy', () => {
  it('refuses an average scaled with the default AverageValue (the KV-cache trigger that never passed 2 replicas)', () => {
    const kv = {
      type: 'prometheus',
      metadata: {
        query:
          'avg(vllm:kv_cache_usage_perc{namespace="ml-chat",service="faq-bot"})',
        threshold: '0.8',
      },
    };
    expect(rules([deployment(), scaledObject(kv)])).toEqual([
      'autoscaler-metric-type spec.triggers[0].metricType',
    ]);
    expect(
      rules([deployment(), scaledObject({ ...kv, metricType: 'Value' })]),
    ).toEqual([]);
  });

  it('refuses a ratio of rates as AverageValue (Triton mean queue time) and accepts totals', () => {
    const ratio = {
      type: 'prometheus',
      metadata: {
        query:
          'sum(rate(nv_inference_queue_duration_us{service="faq-bot"}[1m])) / clamp_min(sum(rate(nv_inference_request_success{service="faq-bot"}[1m])), 1)',
      },
    };
    expect(rules([scaledObject(ratio)])).toEqual([
      'autoscaler-metric-type spec.triggers[0].metricType',
    ]);
    const total = {
      type: 'prometheus',
      metadata: {
        query: 'sum(vllm:num_requests_waiting{service="faq-bot"})',
      },
    };
    expect(rules([scaledObject(total)])).toEqual([]);
  });

  it('refuses a query that other services of the same model would also match', () => {
    for (const query of [
      'sum(vllm:num_requests_waiting{namespace="ml-chat",model_name="meta-llama/Llama-3.1-8B-Instruct"})',
      'sum(rate(te_request_count{pod=~"faq-bot-.*"}[1m]))',
    ]) {
      expect(
        rules([scaledObject({ type: 'prometheus', metadata: { query } })]),
      ).toEqual(['autoscaler-scoped-query spec.triggers[0].metadata.query']);
    }
  });

  it('refuses spec.replicas on a workload an autoscaler owns', () => {
    const total = {
      type: 'prometheus',
      metadata: { query: 'sum(vllm:num_requests_waiting{service="faq-bot"})' },
    };
    expect(rules([deployment({ replicas: 1 }), scaledObject(total)])).toEqual([
      'replicas-beside-autoscaler spec.replicas',
    ]);
    // without an autoscaler the count is the Deployment's own
    expect(rules([deployment({ replicas: 1 })])).toEqual([]);
  });

  it('refuses a ReadWriteMany claim that leaves the class to the cluster default', () => {
    const claim = (spec: Record<string, any>) =>
      at({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'faq-bot-model-cache' },
        spec,
      });
    expect(rules([claim({ accessModes: ['ReadWriteMany'] })])).toEqual([
      'volume-storage-class spec.storageClassName',
    ]);
    expect(
      rules([
        claim({ accessModes: ['ReadWriteMany'], storageClassName: 'efs-sc' }),
      ]),
    ).toEqual([]);
  });
});
