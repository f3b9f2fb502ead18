import { act, screen } from '@testing-library/react';
import {
  fakeInferenceApi,
  renderEntityCard,
  summary,
} from '../../__testUtils__';
import { InferenceHealthCard } from './InferenceHealthCard';

const LINKING = {
  state: 'linking' as const,
  message:
    'Linking component:default/support-chat-llm: no workload labelled backstage.io/kubernetes-id=support-chat-llm is running yet in gpu-us-east; a new service shows here as soon as its workload is seen',
  clusters: ['gpu-us-east'],
};
const NOT_RUNNING = {
  state: 'not-running' as const,
  message:
    'Nothing is running: no workload labelled backstage.io/kubernetes-id=support-chat-llm in gpu-us-east (synced)',
  clusters: ['gpu-us-east'],
};

describe('InferenceHealthCard without workloads', () => {
  afterEach(() => jest.useRealTimers());

  it('says a service registered moments ago is linking, never that its label is missing', async () => {
    await renderEntityCard(<InferenceHealthCard />, {
      api: fakeInferenceApi({
        getEntitySummary: async () =>
          summary({ workloads: [], findings: [], nothingRunning: LINKING }),
      }),
    });
    expect(await screen.findByText('Linking…')).toBeInTheDocument();
    expect(screen.getByText(LINKING.message)).toBeInTheDocument();
    expect(screen.queryByText(/Healthy/)).not.toBeInTheDocument();
    expect(screen.queryByText(/Label the/)).not.toBeInTheDocument();
    expect(
      screen.queryByText('No model-serving workloads found'),
    ).not.toBeInTheDocument();
  });

  it('asks again while linking, and shows the workload once it is linked', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const api = fakeInferenceApi();
    api.getEntitySummary
      .mockResolvedValueOnce(
        summary({ workloads: [], findings: [], nothingRunning: LINKING }),
      )
      .mockResolvedValue(summary());
    await renderEntityCard(<InferenceHealthCard />, { api });
    await screen.findByText('Linking…');
    await act(async () => {
      jest.advanceTimersByTime(3_000);
    });
    expect(
      await screen.findByText('Healthy: 1 workload, no findings'),
    ).toBeInTheDocument();
    expect(api.getEntitySummary).toHaveBeenCalledTimes(2);
  });

  it('says plainly that nothing is running, and where it looked, instead of "Healthy: 0 workloads"', async () => {
    await renderEntityCard(<InferenceHealthCard />, {
      api: fakeInferenceApi({
        getEntitySummary: async () =>
          summary({ workloads: [], findings: [], nothingRunning: NOT_RUNNING }),
      }),
    });
    expect(await screen.findByText('Nothing is running')).toBeInTheDocument();
    expect(screen.getByText(NOT_RUNNING.message)).toBeInTheDocument();
    // here the label is the thing to check
    expect(
      screen.getByText(/backstage\.io\/kubernetes-id: support-chat-llm/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Healthy/)).not.toBeInTheDocument();
  });
});
