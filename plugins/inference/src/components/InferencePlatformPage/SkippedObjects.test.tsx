import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { fakeInferenceApi, platformOverview } from '../../__testUtils__';
import { inferenceApiRef } from '../../api';
import { InferencePlatformPage } from './InferencePlatformPage';

/** The overview of the fixtures with gpu-us-east degraded by two objects it could not read. */
function degradedOverview() {
  const overview = platformOverview();
  overview.clusters = overview.clusters.map(c =>
    c.name === 'gpu-us-east'
      ? {
          ...c,
          state: 'degraded' as const,
          degradedReason:
            '2 objects skipped: LeaderWorkerSet ml-chat/big-llm, Node gpu-7',
          derivationErrors: 2,
          skippedObjects: [
            {
              kind: 'LeaderWorkerSet',
              namespace: 'ml-chat',
              name: 'big-llm',
              reason:
                'spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].command: expected a list, got 5',
            },
            {
              kind: 'Node',
              name: 'gpu-7',
              reason:
                'status.allocatable.nvidia.com/gpu: expected a quantity, got an object',
            },
          ],
        }
      : c,
  );
  return overview;
}

async function renderPage(overview = degradedOverview()) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [
          inferenceApiRef,
          fakeInferenceApi({ getPlatformOverview: async () => overview }),
        ],
        // the quota table asks whether the caller may change quota lines
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
  await screen.findByRole('heading', { name: 'Capacity by cluster and pool' });
}

function tableRows(title: string) {
  let box: HTMLElement | null = screen.getByRole('heading', { name: title });
  while (box && !box.querySelector('table')) box = box.parentElement;
  return within(box!)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .queryAllByRole('cell')
        .map(cell => cell.textContent),
    )
    .filter(cells => cells.length > 1);
}

describe('a degraded cluster on the governance page', () => {
  it('says the cluster is degraded, and why, instead of synced', async () => {
    await renderPage();
    expect(
      screen.getByText(
        'gpu-us-east: degraded, 2 objects skipped: LeaderWorkerSet ml-chat/big-llm, Node gpu-7',
      ),
    ).toBeInTheDocument();
    const rows = tableRows('Capacity by cluster and pool');
    expect(rows.find(r => r[0] === 'gpu-us-east')?.[1]).toBe(
      'degraded – 2 objects left out',
    );
  });

  it('lists every object left out with its cluster, kind, name and the field at fault', async () => {
    await renderPage();
    expect(tableRows('Objects left out of the figures')).toEqual([
      [
        'gpu-us-east',
        'LeaderWorkerSet',
        'ml-chat/big-llm',
        'spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].command: expected a list, got 5',
      ],
      [
        'gpu-us-east',
        'Node',
        'gpu-7',
        'status.allocatable.nvidia.com/gpu: expected a quantity, got an object',
      ],
    ]);
  });

  it('shows no such table while every object is read', async () => {
    await renderPage(platformOverview());
    expect(
      screen.queryByRole('heading', {
        name: 'Objects left out of the figures',
      }),
    ).not.toBeInTheDocument();
  });
});
