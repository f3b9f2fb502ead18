import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  BLOCKED_VERDICT,
  clusterEntity,
  emptySummary,
  FAILING_VERDICT,
  fakeInferenceApi,
  QUOTA_BOUND_VERDICT,
  READY_VERDICT,
  renderEntityCard,
  summary,
  systemEntity,
  workload,
} from '../../__testUtils__';
import { EntityLocator } from '../../api';
import { GpuCapacityCard } from './GpuCapacityCard';

function poolRows() {
  const table = screen.getByRole('table', { name: 'GPU capacity by pool' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent),
    );
}

describe('GpuCapacityCard', () => {
  it('shows progress while the summary loads', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: () => new Promise(() => {}),
    });
    await renderEntityCard(<GpuCapacityCard />, { api });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error and loads again on retry', async () => {
    const api = fakeInferenceApi();
    api.getEntitySummary
      .mockRejectedValueOnce(new Error('no summary'))
      .mockResolvedValue(summary());
    await renderEntityCard(<GpuCapacityCard />, { api });
    expect((await screen.findAllByText(/no summary/)).length).toBeGreaterThan(
      0,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('headroom-verdict')).toBeInTheDocument();
  });

  it('explains what a service needs for a verdict', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async () => emptySummary('component:default/x'),
    });
    await renderEntityCard(<GpuCapacityCard />, { api });
    expect(
      await screen.findByText('No GPU workloads to assess'),
    ).toBeInTheDocument();
    expect(screen.getByText(/requests GPUs \(nvidia.com\/gpu\)/)).toBeVisible();
  });

  it('tells a cluster resource which annotation names its clusters', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async () => emptySummary('resource:default/x'),
    });
    await renderEntityCard(<GpuCapacityCard />, { api, entity: clusterEntity });
    expect(
      await screen.findByText(/inference-platform.io\/clusters/),
    ).toBeInTheDocument();
  });

  it('shows a ready verdict with the numbers behind it and the pools of its GPU type', async () => {
    await renderEntityCard(<GpuCapacityCard />);
    const verdict = await screen.findByTestId('headroom-verdict');
    expect(within(verdict).getByText('Ready for 10× load')).toBeInTheDocument();
    expect(
      within(verdict).getByText(READY_VERDICT.explanation),
    ).toBeInTheDocument();
    const available = within(verdict).getByRole('group', {
      name: 'GPUs available',
    });
    expect(within(available).getByText('14')).toBeInTheDocument();
    expect(
      within(available).getByText('6 free + 8 pool growth'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'GPU capacity by pool' }),
    ).toBeInTheDocument();
    // only the service's GPU type in its cluster: not the L4 pool, not the other cluster
    expect(poolRows()).toEqual([
      ['gpu-us-east/h100-pool', '16', '10', '6', '8'],
    ]);
  });

  it('shows a quota-bound verdict with its shortfall and the missing load metrics', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async () => summary({ capacity: QUOTA_BOUND_VERDICT }),
    });
    await renderEntityCard(<GpuCapacityCard />, { api });
    expect(
      (await screen.findAllByText('Quota-bound at 10× load')).length,
    ).toBeGreaterThan(0);
    const short = screen.getByRole('group', { name: 'Short by' });
    expect(within(short).getByText('12 GPUs')).toBeInTheDocument();
    expect(within(short).getByText('capacity 4, quota 12')).toBeInTheDocument();
    expect(screen.getByText(/No load metrics yet/)).toBeInTheDocument();
    const actions = screen.getByRole('list', { name: 'What to do' });
    expect(
      within(actions)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      "at 10×Raise the autoscaler's maxReplicas from 4 to 20.",
      'at 10×Free or add 4 NVIDIA-H100-80GB-HBM3 GPUs in pool h100-pool (gpu-us-east): raise its NodePool limit (spec.limits nvidia.com/gpu) from 24 to 28.',
      'at 10×Raise the platform quota of group:default/ml-chat on NVIDIA-H100-80GB-HBM3 from 24 to 36.',
    ]);
    // the advice is listed once, not repeated in the sentence above it
    expect(
      screen.getAllByText(/Raise the autoscaler's maxReplicas/),
    ).toHaveLength(1);
  });

  it('shows a service that cannot run its replicas today as blocked, never ready, with what to free or add', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async () => summary({ capacity: BLOCKED_VERDICT }),
    });
    await renderEntityCard(<GpuCapacityCard />, { api });
    const verdict = await screen.findByTestId('headroom-verdict');
    expect(
      within(verdict).getByText('Blocked today: 1 of 2 replicas cannot run'),
    ).toBeInTheDocument();
    expect(within(verdict).queryByText(/Ready for/)).not.toBeInTheDocument();
    const running = within(verdict).getByRole('group', {
      name: 'Replicas running',
    });
    expect(within(running).getByText('1 of 2')).toBeInTheDocument();
    expect(within(running).getByText('1 Pending')).toBeInTheDocument();
    const short = within(verdict).getByRole('group', { name: 'Short today' });
    expect(within(short).getByText('8 GPUs')).toBeInTheDocument();
    expect(
      within(short).getByText('capacity 8, namespace quota 0'),
    ).toBeInTheDocument();
    const actions = within(verdict).getByRole('list', { name: 'What to do' });
    expect(within(actions).getByRole('listitem').textContent).toBe(
      `today${BLOCKED_VERDICT.actions[0].text}`,
    );
  });

  it('gives no 10x numbers for a crash-looping service, but the reason', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async () => summary({ capacity: FAILING_VERDICT }),
    });
    await renderEntityCard(<GpuCapacityCard />, { api });
    const verdict = await screen.findByTestId('headroom-verdict');
    expect(
      within(verdict).getByText('No 10× verdict: not serving'),
    ).toBeInTheDocument();
    expect(
      within(verdict).getByText(FAILING_VERDICT.explanation),
    ).toBeInTheDocument();
    expect(
      within(verdict).queryByRole('group', { name: 'GPUs needed' }),
    ).not.toBeInTheDocument();
    expect(within(verdict).queryByText(/maxReplicas/)).not.toBeInTheDocument();
  });

  it('shows a capacity-bound verdict', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async () =>
        summary({
          capacity: {
            ...QUOTA_BOUND_VERDICT,
            verdict: 'capacity-bound',
            explanation: 'capacity-bound, 42 GPUs short',
          },
        }),
    });
    await renderEntityCard(<GpuCapacityCard />, { api });
    expect(
      (await screen.findAllByText('Capacity-bound at 10× load')).length,
    ).toBeGreaterThan(0);
  });

  it('lists every pool of a cluster resource and the verdict of each service in it', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async (entity: EntityLocator) =>
        entity.kind.toLowerCase() === 'resource'
          ? summary({
              capacity: undefined,
              workloads: [
                workload(),
                workload({ name: 'code-assistant-llm' }),
                workload({ name: 'doc-summariser' }),
              ],
            })
          : summary({
              capacity:
                {
                  'code-assistant-llm': FAILING_VERDICT,
                  'doc-summariser': BLOCKED_VERDICT,
                }[entity.name] ?? READY_VERDICT,
            }),
    });
    await renderEntityCard(<GpuCapacityCard />, { api, entity: clusterEntity });
    const verdicts = await screen.findByRole('table', {
      name: '10x verdict per service',
    });
    expect(within(verdicts).getByText('support-chat-llm')).toBeInTheDocument();
    expect(
      within(verdicts).getByText('Ready for 10× load'),
    ).toBeInTheDocument();
    const cellsOf = (name: string) =>
      within(verdicts).getByText(name).closest('tr')!.querySelectorAll('td');
    // a service that cannot run its replicas is never listed as ready, and its shortfall is today's
    expect([...cellsOf('doc-summariser')].map(c => c.textContent)).toEqual([
      'doc-summariser',
      'Blocked today: 1 of 2 replicas cannot run',
      '16',
      '8',
    ]);
    expect([...cellsOf('code-assistant-llm')].map(c => c.textContent)).toEqual([
      'code-assistant-llm',
      'No 10× verdict: not serving',
      '–',
      '–',
    ]);
    await screen.findByRole('table', { name: 'GPU capacity by pool' });
    expect(poolRows().map(row => row.slice(0, 2))).toEqual([
      ['gpu-us-east/h100-pool', 'NVIDIA-H100-80GB-HBM3'],
      ['gpu-us-east/l4-pool', 'NVIDIA-L4'],
    ]);
  });

  it("fetches each service's verdict once for a system", async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async (entity: EntityLocator) =>
        entity.kind.toLowerCase() === 'system'
          ? summary({ capacity: undefined })
          : summary(),
    });
    await renderEntityCard(<GpuCapacityCard />, { api, entity: systemEntity });
    await screen.findByRole('table', { name: '10x verdict per service' });
    expect(api.getEntitySummary.mock.calls.map(([e]) => e.name)).toEqual([
      'ai-platform',
      'support-chat-llm',
    ]);
  });

  it('marks pools of a stale cluster', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async () =>
        summary({
          workloads: [
            workload({
              cluster: 'gpu-eu-west',
              gpuType: 'NVIDIA-A100-SXM4-80GB',
            }),
          ],
        }),
    });
    await renderEntityCard(<GpuCapacityCard />, { api });
    await screen.findByRole('table', { name: 'GPU capacity by pool' });
    expect(poolRows()[0][0]).toBe('gpu-eu-west/a100-pool (stale)');
  });

  it('offers a retry when the cluster capacity cannot be read', async () => {
    const api = fakeInferenceApi();
    api.listClusters.mockRejectedValueOnce(new Error('clusters unavailable'));
    await renderEntityCard(<GpuCapacityCard />, { api });
    expect(
      (await screen.findAllByText(/clusters unavailable/)).length,
    ).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('table', { name: 'GPU capacity by pool' }),
    ).toBeInTheDocument();
  });
});
