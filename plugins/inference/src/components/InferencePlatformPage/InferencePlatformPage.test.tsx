import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeInferenceApi } from '../../__testUtils__';
import { InferenceApi, inferenceApiRef } from '../../api';
import { InferencePlatformPage } from './InferencePlatformPage';

function renderPage(api: InferenceApi = fakeInferenceApi()) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [inferenceApiRef, api],
        // quota lines are changed in QuotaUseTable.test.tsx
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.DENY }),
        ],
      ]}
    >
      <InferencePlatformPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

/** The element around the title and the rows of the core-components table with this title. */
function tableBox(title: string) {
  let box: HTMLElement | null = screen.getByRole('heading', { name: title });
  while (box && !box.querySelector('table')) box = box.parentElement;
  return within(box!);
}

/** The rows of the core-components table with this title, as cell texts. */
function tableRows(title: string) {
  return tableBox(title)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .queryAllByRole('cell')
        .map(cell => cell.textContent),
    )
    .filter(cells => cells.length > 1);
}

function figure(label: string) {
  return within(screen.getByRole('group', { name: label }));
}

describe('InferencePlatformPage', () => {
  it('shows progress while the overview loads', async () => {
    await renderPage(
      fakeInferenceApi({ getPlatformOverview: () => new Promise(() => {}) }),
    );
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error and recovers on retry', async () => {
    const api = fakeInferenceApi();
    api.getPlatformOverview.mockRejectedValueOnce(
      new Error('backend unreachable'),
    );
    await renderPage(api);
    expect(
      (await screen.findAllByText(/backend unreachable/)).length,
    ).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('group', { name: 'GPU spend, 30 days' }),
    ).toBeInTheDocument();
    expect(api.getPlatformOverview).toHaveBeenCalledTimes(2);
  });

  it('shows fleet spend, idle share, workload health and violations', async () => {
    await renderPage();
    await screen.findByRole('group', { name: 'GPU spend, 30 days' });
    expect(figure('GPU spend, 30 days').getByText('$39,630')).toBeVisible();
    expect(figure('Idle spend, 30 days').getByText('48%')).toBeVisible();
    expect(
      figure('Workloads').getByText('3 healthy, 1 warning, 3 critical'),
    ).toBeVisible();
    expect(figure('Policy violations').getByText('2')).toBeVisible();
    expect(
      screen.getByText(/gpu-eu-west: stale, last synced/),
    ).toBeInTheDocument();
  });

  it('lists quota use per team and GPU type, fullest first', async () => {
    await renderPage();
    await screen.findByRole('heading', {
      name: 'Quota use by team and GPU type',
    });
    expect(tableRows('Quota use by team and GPU type')).toEqual([
      ['ml-batch', 'NVIDIA-A100-SXM4-80GB', '16', '16', '0', '0', '100%'],
      ['ml-chat', 'NVIDIA-H100-80GB-HBM3', '24', '18', '2', '4', '83%'],
    ]);
  });

  it('filters a table by its search field', async () => {
    await renderPage();
    await screen.findByRole('heading', {
      name: 'Quota use by team and GPU type',
    });
    await userEvent.type(
      tableBox('Quota use by team and GPU type').getByPlaceholderText('Filter'),
      'H100',
    );
    await waitFor(() =>
      expect(
        tableRows('Quota use by team and GPU type').map(r => r[0]),
      ).toEqual(['ml-chat']),
    );
  });

  it('shows capacity per cluster and pool, marking stale clusters', async () => {
    await renderPage();
    await screen.findByRole('heading', {
      name: 'Capacity by cluster and pool',
    });
    const rows = tableRows('Capacity by cluster and pool');
    expect(rows).toContainEqual([
      'gpu-us-east',
      'synced',
      'h100-pool',
      'NVIDIA-H100-80GB-HBM3',
      '2',
      '16',
      '10',
      '6',
      '8',
    ]);
    expect(rows.find(r => r[0] === 'gpu-eu-west')?.[1]).toBe(
      'stale – numbers may be outdated',
    );
  });

  it('lists workloads with findings and the fix of the worst one', async () => {
    await renderPage();
    await screen.findByRole('heading', { name: 'Workloads with findings' });
    const rows = tableRows('Workloads with findings');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual(
      expect.arrayContaining([
        'code-assistant-llm',
        'critical',
        '0/2',
        expect.stringContaining('CUDA out of memory, Replicas below desired'),
      ]),
    );
  });

  it('names policy violations and the top idle spenders', async () => {
    await renderPage();
    await screen.findByRole('heading', { name: 'Policy violations' });
    expect(tableRows('Policy violations').map(r => r[0])).toEqual([
      'Missing autoscaler',
      'Unpinned image',
    ]);
    expect(tableRows('Top idle spenders by team, 30 days')).toEqual([
      ['ml-batch', '$7,830', '87%', '$9,000'],
    ]);
    expect(tableRows('Top idle spenders by service, 30 days')[0][0]).toBe(
      'doc-summariser',
    );
  });

  it('draws the fleet spend, quota and capacity charts', async () => {
    await renderPage();
    expect(
      await screen.findByRole('img', { name: /of GPU spend over 2 days/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'Quota used, reserved and free per team and GPU type',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'Allocated and free GPUs per cluster and pool',
      }),
    ).toBeInTheDocument();
  });
});
