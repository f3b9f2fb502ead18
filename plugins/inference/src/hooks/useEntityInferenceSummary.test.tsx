import { screen } from '@testing-library/react';
import { fakeInferenceApi, renderEntityCard, summary } from '../__testUtils__';
import { GpuCapacityCard } from '../components/GpuCapacityCard';
import { InferenceCostCard } from '../components/InferenceCostCard';
import { InferenceHealthCard } from '../components/InferenceHealthCard';
import { loadEntitySummary } from './useEntityInferenceSummary';

const service = { kind: 'Component', namespace: 'default', name: 'chat' };

describe('loadEntitySummary', () => {
  it('shares one request between callers of the same moment', async () => {
    const api = fakeInferenceApi();
    await Promise.all([
      loadEntitySummary(api, service, { now: 1000 }),
      loadEntitySummary(api, { ...service, kind: 'component' }, { now: 2000 }),
    ]);
    expect(api.getEntitySummary).toHaveBeenCalledTimes(1);
  });

  it('asks again after a while, or when told to reload', async () => {
    const api = fakeInferenceApi();
    await loadEntitySummary(api, service, { now: 0 });
    await loadEntitySummary(api, service, { now: 60_000 });
    await loadEntitySummary(api, service, { now: 60_001, reload: true });
    expect(api.getEntitySummary).toHaveBeenCalledTimes(3);
  });

  it('does not share a failure', async () => {
    const api = fakeInferenceApi();
    api.getEntitySummary
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValue(summary());
    await expect(loadEntitySummary(api, service, { now: 0 })).rejects.toThrow(
      'down',
    );
    await expect(
      loadEntitySummary(api, service, { now: 1 }),
    ).resolves.toMatchObject({
      entityRef: 'component:default/support-chat-llm',
    });
  });

  it('keeps answers of different backends apart', async () => {
    const first = fakeInferenceApi();
    const second = fakeInferenceApi();
    await loadEntitySummary(first, service, { now: 0 });
    await loadEntitySummary(second, service, { now: 0 });
    expect(second.getEntitySummary).toHaveBeenCalledTimes(1);
  });
});

describe('useEntityInferenceSummary', () => {
  it('lets the health, cost and capacity cards of a page share one summary', async () => {
    const api = await renderEntityCard(
      <>
        <InferenceHealthCard />
        <InferenceCostCard />
        <GpuCapacityCard />
      </>,
    );
    expect(await screen.findByText('Inference health')).toBeInTheDocument();
    await screen.findByTestId('headroom-verdict');
    await screen.findByRole('group', { name: 'GPU spend' });
    expect(api.getEntitySummary).toHaveBeenCalledTimes(1);
  });
});
