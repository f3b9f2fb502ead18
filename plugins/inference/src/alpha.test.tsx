import { Entity } from '@backstage/catalog-model';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendModule,
  ExtensionDefinition,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
  renderTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import {
  clusterEntity,
  fakeInferenceApi,
  groupEntity,
  serviceEntity,
  summary,
  systemEntity,
} from './__testUtils__';
import inferencePlugin, {
  gpuCapacityEntityCard,
  gpuQuotaEntityCard,
  inferenceCostEntityCard,
  inferenceHealthEntityCard,
} from './alpha';
import { inferenceApiRef } from './api';

const unlinkedService: Entity = {
  ...serviceEntity,
  metadata: { name: 'docs-site', namespace: 'default' },
};

describe('inference plugin in the new frontend system', () => {
  // A module of the same plugin overrides the plugin's API extension, as an adopter would.
  const fakeApiModule = createFrontendModule({
    pluginId: 'inference',
    extensions: [
      ApiBlueprint.make({
        params: defineParams =>
          defineParams({
            api: inferenceApiRef,
            deps: {},
            factory: () => fakeInferenceApi(),
          }),
      }),
    ],
  });

  // The page links teams and services to their catalog pages, which the catalog plugin provides in an app.
  const catalogStandIn = createFrontendPlugin({
    pluginId: 'catalog',
    extensions: [
      PageBlueprint.make({
        params: {
          path: '/catalog/:namespace/:kind/:name',
          routeRef: convertLegacyRouteRef(entityRouteRef),
          loader: async () => <div />,
        },
      }),
    ],
  });

  it('serves the governance page at /inference with data from its API', async () => {
    renderTestApp({
      features: [inferencePlugin, fakeApiModule, catalogStandIn],
      initialRouteEntries: ['/inference'],
    });
    expect(await screen.findByText('Inference platform')).toBeInTheDocument();
    expect(
      await screen.findByRole('group', { name: 'GPU spend, 30 days' }),
    ).toBeInTheDocument();
  });

  const cards: Array<[string, ExtensionDefinition<any>, string[], string]> = [
    [
      'health',
      inferenceHealthEntityCard,
      ['support-chat-llm'],
      'Inference health',
    ],
    [
      'cost',
      inferenceCostEntityCard,
      ['support-chat-llm', 'ai-platform', 'ml-chat'],
      'Inference cost',
    ],
    [
      'capacity',
      gpuCapacityEntityCard,
      ['support-chat-llm', 'ai-platform', 'gpu-us-east'],
      'GPU capacity',
    ],
    ['quota', gpuQuotaEntityCard, ['ml-chat'], 'GPU quota'],
  ];

  it.each(cards)(
    'loads the %s entity card on the entities it is for',
    async (_, card, shownOn, title) => {
      const tester = createExtensionTester(card);
      const filter = tester.get(
        EntityCardBlueprint.dataRefs.filterFunction,
      ) as (entity: Entity) => boolean;
      const entities = [
        serviceEntity,
        unlinkedService,
        systemEntity,
        clusterEntity,
        groupEntity,
      ];
      expect(
        entities.filter(filter).map(entity => entity.metadata.name),
      ).toEqual(shownOn);

      const entity = entities.find(e => e.metadata.name === shownOn[0])!;
      const api = fakeInferenceApi({
        getEntitySummary: async () => summary(),
      });
      renderInTestApp(
        <TestApiProvider apis={[[inferenceApiRef, api]]}>
          <EntityProvider entity={entity}>
            {tester.reactElement()}
          </EntityProvider>
        </TestApiProvider>,
      );
      expect(await screen.findByText(title)).toBeInTheDocument();
      expect(api.getEntitySummary).toHaveBeenCalled();
    },
  );
});
