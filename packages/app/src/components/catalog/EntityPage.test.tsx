import { Entity } from '@backstage/catalog-model';
import { configApiRef } from '@backstage/core-plugin-api';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import {
  catalogPlugin,
  DefaultEntityPresentationApi,
} from '@backstage/plugin-catalog';
import { catalogGraphPlugin } from '@backstage/plugin-catalog-graph';
import {
  catalogApiRef,
  EntityProvider,
  entityPresentationApiRef,
  entityRouteRef,
  starredEntitiesApiRef,
  MockStarredEntitiesApi,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  InferenceApi,
  inferenceApiRef,
} from '@inference-platform/plugin-inference';
import { screen } from '@testing-library/react';
import { entityPage } from './EntityPage';

// Every inference call fails fast: the test is about which cards the pages carry, not about their data.
const unreachableInference = new Proxy({} as InferenceApi, {
  get: () => () => Promise.reject(new Error('not in this test')),
});

function entity(kind: string, name: string, annotations = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: { owner: 'group:default/platform-team', type: 'service' },
  };
}

const config = mockApis.config({
  data: {
    app: { baseUrl: 'http://localhost:3000' },
    backend: { baseUrl: 'http://localhost:7007' },
  },
});

async function renderPage(subject: Entity) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [configApiRef, config],
        [scmIntegrationsApiRef, ScmIntegrationsApi.fromConfig(config)],
        [catalogApiRef, catalogApiMock({ entities: [subject] })],
        [starredEntitiesApiRef, new MockStarredEntitiesApi()],
        [entityPresentationApiRef, DefaultEntityPresentationApi.createLocal()],
        [permissionApiRef, mockApis.permission()],
        [inferenceApiRef, unreachableInference],
      ]}
    >
      <EntityProvider entity={subject}>{entityPage}</EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog': catalogPlugin.routes.catalogIndex,
        '/catalog-graph': catalogGraphPlugin.routes.catalogGraph,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}

const CARD_TITLES = [
  'Inference health',
  'Inference cost',
  'GPU capacity',
  'GPU quota',
];

describe('entity pages', () => {
  it.each([
    [
      'a model service',
      entity('Component', 'support-chat-llm', {
        'backstage.io/kubernetes-id': 'support-chat-llm',
      }),
      ['Inference health', 'Inference cost', 'GPU capacity'],
    ],
    ['a component without workloads', entity('Component', 'docs-site'), []],
    [
      'a system',
      entity('System', 'ai-platform'),
      ['Inference cost', 'GPU capacity'],
    ],
    [
      'a GPU cluster',
      entity('Resource', 'gpu-us-east', {
        'inference-platform.io/clusters': 'gpu-us-east',
      }),
      ['GPU capacity'],
    ],
    ['another resource', entity('Resource', 'orders-db'), []],
    ['a team', entity('Group', 'ml-chat'), ['GPU quota', 'Inference cost']],
  ])('shows the inference cards of %s', async (_, subject, expected) => {
    await renderPage(subject);
    await screen.findAllByText(subject.metadata.name);
    for (const title of expected) {
      expect(await screen.findByText(title)).toBeInTheDocument();
    }
    for (const title of CARD_TITLES.filter(t => !expected.includes(t))) {
      expect(screen.queryByText(title)).not.toBeInTheDocument();
    }
  });
});
