import {
  ApiBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import inferencePlugin from './alpha';
import { InferenceApi, inferenceApiRef } from './api';

describe('inference plugin in the new frontend system', () => {
  const fakeApi: InferenceApi = {
    getHealth: async () => ({
      status: 'ok',
      database: {
        client: 'pg',
        reachable: true,
        latestMigration: '20261127000000_quotas.js',
      },
    }),
  };

  // A module of the same plugin overrides the plugin's API extension, as an adopter would.
  const fakeApiModule = createFrontendModule({
    pluginId: 'inference',
    extensions: [
      ApiBlueprint.make({
        params: defineParams =>
          defineParams({
            api: inferenceApiRef,
            deps: {},
            factory: () => fakeApi,
          }),
      }),
    ],
  });

  it('serves the governance page at /inference with data from its API', async () => {
    renderTestApp({
      features: [inferencePlugin, fakeApiModule],
      initialRouteEntries: ['/inference'],
    });
    expect(await screen.findByText('Inference platform')).toBeInTheDocument();
    expect(
      await screen.findByText('20261127000000_quotas.js'),
    ).toBeInTheDocument();
    expect(screen.getByText('pg')).toBeInTheDocument();
  });
});
