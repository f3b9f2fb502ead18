import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  costWindow,
  emptySummary,
  fakeInferenceApi,
  groupEntity,
  H100,
  renderEntityCard,
  summary,
  systemEntity,
  workload,
} from '../../__testUtils__';
import { InferenceCostCard } from './InferenceCostCard';

function figure(label: string) {
  return screen.getByRole('group', { name: label });
}

describe('InferenceCostCard', () => {
  it('shows progress while the summary loads', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: () => new Promise(() => {}),
    });
    await renderEntityCard(<InferenceCostCard />, { api });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error and loads again on retry', async () => {
    const api = fakeInferenceApi();
    api.getEntitySummary
      .mockRejectedValueOnce(new Error('summary failed'))
      .mockResolvedValue(summary());
    await renderEntityCard(<InferenceCostCard />, { api });
    expect(
      (await screen.findAllByText(/summary failed/)).length,
    ).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('group', { name: 'GPU spend' }),
    ).toBeVisible();
  });

  it.each([
    ['component', undefined, /Label the workload and its pods/],
    ['group', groupEntity, /This team owns no GPU workloads/],
    ['system', systemEntity, /No component of this system/],
  ])('tells a %s without usage what to add', async (_, entity, text) => {
    const api = fakeInferenceApi({
      getEntitySummary: async () => emptySummary('component:default/x'),
    });
    await renderEntityCard(<InferenceCostCard />, { api, entity });
    expect(
      await screen.findByText('No GPU usage recorded'),
    ).toBeInTheDocument();
    expect(screen.getByText(text)).toBeInTheDocument();
  });

  it('shows 30-day spend, idle share, cost per million tokens and the hosted-API comparison', async () => {
    await renderEntityCard(<InferenceCostCard />);
    expect(
      await screen.findByText(
        '38% of the GPU spend of the last 30 days was idle',
      ),
    ).toBeInTheDocument();
    expect(
      within(figure('GPU spend')).getByText('$39,630'),
    ).toBeInTheDocument();
    expect(within(figure('Idle spend')).getByText('38%')).toBeInTheDocument();
    expect(
      within(figure('Idle spend')).getByText('$15,059 on idle GPUs'),
    ).toBeInTheDocument();
    expect(within(figure('GPU-hours')).getByText('5,760')).toBeInTheDocument();
    expect(
      within(figure('Per million tokens')).getByText('$2.49'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/The same 15,900,000,000 tokens/),
    ).toBeInTheDocument();
    expect(screen.getByText('$94,500')).toBeInTheDocument();
    expect(
      screen.getByText(/self-hosted costs 0.42× that/),
    ).toBeInTheDocument();
  });

  it('labels built-in prices as defaults and names unpriced GPU types', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async () =>
        summary({
          cost: {
            last7d: costWindow(7),
            last30d: costWindow(30, { unpricedGpuTypes: ['Tesla-V100'] }),
          },
        }),
    });
    await renderEntityCard(<InferenceCostCard />, { api });
    expect(
      await screen.findByText(/\$6.88 per GPU-hour, 5,760 GPU-hours/),
    ).toBeInTheDocument();
    expect(screen.getByText('default price')).toBeInTheDocument();
    expect(screen.getByText(/No price for Tesla-V100/)).toBeInTheDocument();
  });

  it('does not call a configured price a default', async () => {
    const configured = costWindow(30);
    configured.summary.byGpuType[0].isDefaultPrice = false;
    const api = fakeInferenceApi({
      getEntitySummary: async () =>
        summary({ cost: { last7d: costWindow(7), last30d: configured } }),
    });
    await renderEntityCard(<InferenceCostCard />, { api });
    await screen.findByText(/\$6.88 per GPU-hour/);
    expect(screen.queryByText('default price')).not.toBeInTheDocument();
  });

  it('says how much of the idle share was measured', async () => {
    const partlyMeasured = { ...costWindow(30), measuredShare: 0.6 };
    const api = fakeInferenceApi({
      getEntitySummary: async () =>
        summary({ cost: { last7d: costWindow(7), last30d: partlyMeasured } }),
    });
    await renderEntityCard(<InferenceCostCard />, { api });
    expect(
      await screen.findByText(/Idle share measured on 60% of the GPU-hours/),
    ).toBeInTheDocument();
  });

  it('switches to 7 days with an hourly trend', async () => {
    const api = await renderEntityCard(<InferenceCostCard />);
    await screen.findByRole('group', { name: 'GPU spend' });
    expect(api.getUsage).toHaveBeenCalledWith({
      entityRef: 'component:default/support-chat-llm',
      days: 30,
      granularity: 'day',
    });
    await userEvent.click(screen.getByRole('button', { name: '7 days' }));
    expect(within(figure('GPU spend')).getByText('$9,247')).toBeInTheDocument();
    expect(api.getUsage).toHaveBeenCalledWith({
      entityRef: 'component:default/support-chat-llm',
      days: 7,
      granularity: 'hour',
    });
  });

  it('draws the spend trend from the usage history', async () => {
    await renderEntityCard(<InferenceCostCard />);
    expect(
      await screen.findByRole('img', {
        name: '$2,642 of GPU spend over 2 days',
      }),
    ).toBeInTheDocument();
  });

  it("sums a team's usage by owner and a system's over its services", async () => {
    const groupApi = await renderEntityCard(<InferenceCostCard />, {
      entity: groupEntity,
    });
    await screen.findByRole('img', { name: /of GPU spend/ });
    expect(groupApi.getUsage).toHaveBeenCalledWith(
      expect.objectContaining({ owner: 'group:default/ml-chat' }),
    );

    const systemApi = fakeInferenceApi({
      getEntitySummary: async () =>
        summary({
          workloads: [
            workload(),
            workload({ name: 'code-assistant-llm', gpuType: H100 }),
          ],
        }),
    });
    await renderEntityCard(<InferenceCostCard />, {
      entity: systemEntity,
      api: systemApi,
    });
    expect(
      await screen.findByRole('img', {
        name: '$5,284 of GPU spend over 2 days',
      }),
    ).toBeInTheDocument();
    expect(systemApi.getUsage).toHaveBeenCalledTimes(2);
  });

  it('keeps the figures when the trend fails, with a retry for the trend', async () => {
    const api = fakeInferenceApi();
    api.getUsage.mockRejectedValueOnce(new Error('usage store down'));
    await renderEntityCard(<InferenceCostCard />, { api });
    expect(
      (await screen.findAllByText(/usage store down/)).length,
    ).toBeGreaterThan(0);
    expect(figure('GPU spend')).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('img', { name: /of GPU spend/ }),
    ).toBeInTheDocument();
  });
});
