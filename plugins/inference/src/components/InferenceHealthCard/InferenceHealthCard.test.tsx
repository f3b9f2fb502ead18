import { FindingKind } from '@inference-platform/plugin-inference-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  cluster,
  fakeInferenceApi,
  FINDINGS,
  oomWorkload,
  renderEntityCard,
  summary,
  workload,
} from '../../__testUtils__';
import { InferenceHealthCard } from './InferenceHealthCard';

function renderWith(
  answer: Parameters<typeof summary>[0],
  config?: NonNullable<Parameters<typeof renderEntityCard>[1]>['config'],
) {
  const api = fakeInferenceApi({
    getEntitySummary: async () => summary(answer),
  });
  return renderEntityCard(<InferenceHealthCard />, { api, config });
}

describe('InferenceHealthCard', () => {
  it('shows progress while the summary loads', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: () => new Promise(() => {}),
    });
    await renderEntityCard(<InferenceHealthCard />, { api });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(screen.getByText('Inference health')).toBeInTheDocument();
  });

  it('shows the error and loads again on retry', async () => {
    const api = fakeInferenceApi();
    api.getEntitySummary
      .mockRejectedValueOnce(new Error('inference backend unreachable'))
      .mockResolvedValue(summary());
    await renderEntityCard(<InferenceHealthCard />, { api });
    expect(
      (await screen.findAllByText(/inference backend unreachable/)).length,
    ).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByText('Healthy: 1 workload, no findings'),
    ).toBeInTheDocument();
    expect(api.getEntitySummary).toHaveBeenCalledTimes(2);
  });

  it('tells the user which label links workloads when there are none', async () => {
    await renderWith({ workloads: [] });
    expect(
      await screen.findByText('No model-serving workloads found'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/backstage\.io\/kubernetes-id: support-chat-llm/),
    ).toBeInTheDocument();
  });

  it('shows a healthy service with replicas, pods and metrics against its TTFT SLO', async () => {
    await renderWith({});
    expect(
      await screen.findByText('Healthy: 1 workload, no findings'),
    ).toBeInTheDocument();
    expect(screen.getByText('2/2 replicas ready')).toBeInTheDocument();
    expect(screen.getByText('support-chat-llm-7c9f-abcde')).toBeInTheDocument();
    const ttft = screen.getByRole('group', { name: 'TTFT p95' });
    expect(within(ttft).getByText('450 ms')).toBeInTheDocument();
    expect(within(ttft).getByText('SLO 800 ms')).toBeInTheDocument();
    const queue = screen.getByRole('group', { name: 'Queue depth' });
    expect(within(queue).getByText('7')).toBeInTheDocument();
    expect(
      within(screen.getByRole('group', { name: 'Tokens/s' })).getByText(
        '7,814',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('group', { name: 'KV-cache usage' })).getByText(
        '42%',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('group', { name: 'Error rate' })).getByText('0%'),
    ).toBeInTheDocument();
  });

  it('flags a TTFT p95 above the SLO', async () => {
    await renderWith({
      workloads: [
        workload({
          metrics: {
            sampledAt: new Date().toISOString(),
            ttftP95Seconds: 9.75,
          },
        }),
      ],
    });
    expect(
      await screen.findByText('SLO breached: TTFT p95 9.75 s against 800 ms'),
    ).toBeInTheDocument();
    const ttft = screen.getByRole('group', { name: 'TTFT p95' });
    expect(within(ttft).getByText('9.75 s')).toBeInTheDocument();
    expect(within(ttft).getByText('SLO 800 ms: breached')).toBeInTheDocument();
  });

  it('makes a CUDA OOM crash loop recognisable at a glance', async () => {
    await renderWith({ workloads: [oomWorkload()] });
    expect(
      await screen.findByText(
        'Critical: CUDA out of memory and 1 more finding',
      ),
    ).toBeInTheDocument();
    const finding = screen.getByTestId('finding-cuda-oom');
    expect(within(finding).getByText('CUDA out of memory')).toBeInTheDocument();
    expect(within(finding).getByText('GPU memory')).toBeInTheDocument();
    expect(
      within(finding).getByText(/Lower --max-num-batched-tokens/),
    ).toBeInTheDocument();
    // both pods crashed alike: the message is shown once, naming both pods
    expect(within(finding).getAllByText(/torch.OutOfMemoryError/)).toHaveLength(
      1,
    );
    expect(
      within(finding).getByText(
        'code-assistant-llm-78d4-kp6qw/vllm, code-assistant-llm-78d4-nj2kg/vllm',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('0/2 replicas ready')).toBeInTheDocument();
    expect(
      screen.getAllByText('vllm: waiting (CrashLoopBackOff)'),
    ).toHaveLength(2);
  });

  it.each(Object.keys(FINDINGS) as FindingKind[])(
    'shows a %s finding with its evidence and fix',
    async kind => {
      const finding = FINDINGS[kind];
      await renderWith({ workloads: [workload({ findings: [finding] })] });
      const item = await screen.findByTestId(`finding-${kind}`);
      expect(within(item).getByText(finding.title)).toBeInTheDocument();
      expect(within(item).getByText(finding.summary)).toBeInTheDocument();
      expect(within(item).getByText(finding.fix)).toBeInTheDocument();
      expect(
        within(item).getByText(finding.evidence[0].text),
      ).toBeInTheDocument();
      const severity = finding.severity === 'critical' ? 'Critical' : 'Warning';
      expect(
        screen.getByText(`${severity}: ${finding.title}`),
      ).toBeInTheDocument();
    },
  );

  it.each([
    ['ttft-slo-breached', 'SLO'],
    ['error-rate-high', 'SLO'],
    ['resource-quota-exceeded', 'Quota'],
    ['quota-mismatch', 'Quota'],
  ] as const)('files a %s finding under %s', async (kind, area) => {
    await renderWith({
      workloads: [workload({ findings: [FINDINGS[kind]] })],
      findings: [FINDINGS[kind]],
    });
    const item = await screen.findByTestId(`finding-${kind}`);
    expect(within(item).getByText(area)).toBeInTheDocument();
  });

  it('heads the card with an SLO breach the backend found, with the measured value', async () => {
    const finding = FINDINGS['ttft-slo-breached'];
    await renderWith({
      workloads: [workload({ findings: [finding] })],
      findings: [finding],
    });
    expect(
      await screen.findByText('Warning: TTFT p95 above its objective'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/TTFT p95 4.59 s \(median of 10 samples/),
    ).toBeVisible();
  });

  it.each(['stale', 'unreachable'] as const)(
    'marks a %s cluster instead of hiding its workloads',
    async state => {
      await renderWith({
        clusters: [
          cluster({
            state,
            lastError: 'connect ECONNREFUSED 10.0.0.1:443',
            lastSyncedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
          }),
        ],
      });
      expect(
        await screen.findByText(
          `Healthy: 1 workload, no findings (data of gpu-us-east may be outdated)`,
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByText(`gpu-us-east: ${state}, last synced 5 min ago`),
      ).toBeInTheDocument();
      expect(
        screen.getByText('connect ECONNREFUSED 10.0.0.1:443'),
      ).toBeInTheDocument();
      expect(
        screen.getByText(
          `Cluster gpu-us-east is ${state}: this is what it looked like 5 min ago.`,
        ),
      ).toBeInTheDocument();
      expect(screen.getByText('2/2 replicas ready')).toBeInTheDocument();
    },
  );

  it('says when no serving metrics were sampled yet', async () => {
    await renderWith({ workloads: [workload({ metrics: undefined })] });
    expect(
      await screen.findByText(/No serving metrics sampled yet/),
    ).toBeInTheDocument();
  });

  it('links to Grafana and Prometheus only when configured', async () => {
    await renderWith(
      {},
      {
        inference: {
          links: {
            grafanaUrl: 'https://grafana.example.com/d/vllm',
            prometheusUrl: 'https://prometheus.example.com/',
          },
        },
      },
    );
    const grafana = await screen.findByRole('link', {
      name: /Grafana dashboard/,
    });
    expect(grafana).toHaveAttribute(
      'href',
      'https://grafana.example.com/d/vllm?var-cluster=gpu-us-east&var-namespace=ml-chat&var-workload=support-chat-llm',
    );
    expect(screen.getByRole('link', { name: /Prometheus/ })).toHaveAttribute(
      'href',
      expect.stringContaining(
        'https://prometheus.example.com/graph?g0.expr=%7Bnamespace%3D%22ml-chat%22',
      ),
    );
  });

  it('shows no dashboard links without configuration', async () => {
    await renderWith({});
    await screen.findByText('Healthy: 1 workload, no findings');
    expect(
      screen.queryByRole('link', { name: /Grafana dashboard/ }),
    ).not.toBeInTheDocument();
  });
});
