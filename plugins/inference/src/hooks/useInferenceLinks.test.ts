import { buildWorkloadLinks } from './useInferenceLinks';

const target = {
  cluster: 'gpu-us-east',
  namespace: 'ml-chat',
  workload: 'code-assistant-llm',
};

describe('buildWorkloadLinks', () => {
  it('links nowhere when nothing is configured', () => {
    expect(buildWorkloadLinks({}, target)).toEqual({
      grafana: undefined,
      prometheus: undefined,
    });
  });

  it('fills the placeholders of a Grafana URL template', () => {
    expect(
      buildWorkloadLinks(
        {
          grafanaUrl:
            'https://grafana.example.com/d/vllm?var-ns={namespace}&var-deploy={workload}',
        },
        target,
      ).grafana,
    ).toBe(
      'https://grafana.example.com/d/vllm?var-ns=ml-chat&var-deploy=code-assistant-llm',
    );
  });

  it('passes the workload as dashboard variables to a plain Grafana URL', () => {
    expect(
      buildWorkloadLinks(
        { grafanaUrl: 'https://grafana.example.com/d/vllm?orgId=1' },
        target,
      ).grafana,
    ).toBe(
      'https://grafana.example.com/d/vllm?orgId=1&var-cluster=gpu-us-east&var-namespace=ml-chat&var-workload=code-assistant-llm',
    );
  });

  it("graphs the workload's pods in Prometheus", () => {
    const link = buildWorkloadLinks(
      { prometheusUrl: 'https://prometheus.example.com/' },
      target,
    ).prometheus!;
    const url = new URL(link);
    expect(url.pathname).toBe('/graph');
    expect(url.searchParams.get('g0.expr')).toBe(
      '{namespace="ml-chat",pod=~"code-assistant-llm-.*"}',
    );
  });
});
