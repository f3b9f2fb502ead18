import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { QuotaStanding } from '@inference-platform/plugin-inference-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SWRConfig } from 'swr';
import { fakeInferenceApi } from '../../__testUtils__';
import { inferenceApiRef } from '../../api';
import { QuotaUseTable } from './QuotaUseTable';

const A100 = 'NVIDIA-A100-SXM4-80GB';
const line = (overrides: Partial<QuotaStanding>): QuotaStanding => ({
  owner: 'group:default/ml-batch',
  gpuType: A100,
  limit: 16,
  used: 8,
  reserved: 0,
  headroom: 8,
  overLimit: false,
  workloads: [],
  ...overrides,
});
const QUOTAS = [
  line({
    exceedsCapacity: { capacity: 8, limit: 16, clusters: ['gpu-batch'] },
  }),
  // written before lines were checked: a user and a GPU type that does not exist
  line({
    owner: 'user:default/guest',
    gpuType: 'NVIDIA-H200-TYPO',
    limit: 4,
    used: 0,
    headroom: 4,
  }),
];

async function renderTable(allowed: boolean) {
  const api = fakeInferenceApi();
  const onChanged = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [inferenceApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          }),
        ],
      ]}
    >
      <SWRConfig value={{ provider: () => new Map() }}>
        <QuotaUseTable quotas={QUOTAS} onChanged={onChanged} />
      </SWRConfig>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return { api, onChanged };
}

describe('QuotaUseTable', () => {
  it('flags a limit above what the fleet has of that GPU type', async () => {
    await renderTable(false);
    expect(
      await screen.findByText(
        'limit above the 8 GPUs of this type in gpu-batch',
      ),
    ).toBeInTheDocument();
  });

  it('lets the platform team remove a line that names no real team or GPU type', async () => {
    const { api, onChanged } = await renderTable(true);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Edit or remove the NVIDIA-H200-TYPO line of user:default/guest',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Remove line' }),
    );
    expect(api.removeQuota).toHaveBeenCalledWith({
      owner: 'user:default/guest',
      gpuType: 'NVIDIA-H200-TYPO',
      reason: undefined,
      force: false,
    });
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
  });

  it('offers no change to a caller without inference.quota.update', async () => {
    await renderTable(false);
    await screen.findByText('limit above the 8 GPUs of this type in gpu-batch');
    expect(
      screen.queryByRole('button', { name: /Edit or remove/ }),
    ).not.toBeInTheDocument();
  });
});
