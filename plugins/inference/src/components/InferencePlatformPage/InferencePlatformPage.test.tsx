import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { InferenceApi, inferenceApiRef } from '../../api';
import { InferencePlatformPage } from './InferencePlatformPage';

function renderWith(api: InferenceApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[inferenceApiRef, api]]}>
      <InferencePlatformPage />
    </TestApiProvider>,
  );
}

describe('InferencePlatformPage', () => {
  it('shows the backend status and database', async () => {
    await renderWith({
      getHealth: async () => ({
        status: 'degraded',
        database: { client: 'better-sqlite3', reachable: false },
      }),
    });
    expect(await screen.findByText('degraded')).toBeInTheDocument();
    expect(screen.getByText('better-sqlite3')).toBeInTheDocument();
    expect(screen.getByText('no')).toBeInTheDocument();
  });

  it('shows the error and recovers on retry', async () => {
    const getHealth = jest
      .fn<ReturnType<InferenceApi['getHealth']>, []>()
      .mockRejectedValueOnce(new Error('backend unreachable'))
      .mockResolvedValue({
        status: 'ok',
        database: { client: 'pg', reachable: true },
      });
    await renderWith({ getHealth });
    expect(
      (await screen.findAllByText(/backend unreachable/)).length,
    ).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('ok')).toBeInTheDocument();
    expect(getHealth).toHaveBeenCalledTimes(2);
  });
});
