// Runs the plugin alone with answers from the test fixtures: npm --workspace @inference-platform/plugin-inference start
import { Entity } from '@backstage/catalog-model';
import { createDevApp } from '@backstage/dev-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { fixtureInferenceApi } from '../src/__testUtils__/fixtures';
import { inferenceApiRef } from '../src/api';
import {
  EntityGpuCapacityCard,
  EntityGpuQuotaCard,
  EntityInferenceCostCard,
  EntityInferenceHealthCard,
  inferencePlugin,
  InferencePlatformPage,
} from '../src/plugin';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'support-chat-llm',
    annotations: {
      'backstage.io/kubernetes-id': 'support-chat-llm',
      'inference-platform.io/slo-ttft-p95-ms': '800',
    },
  },
  spec: { type: 'service', owner: 'group:default/ml-chat' },
};

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'ml-chat' },
  spec: { type: 'team', children: [] },
};

createDevApp()
  .registerPlugin(inferencePlugin)
  .registerApi({
    api: inferenceApiRef,
    deps: {},
    factory: () => fixtureInferenceApi(),
  })
  .addPage({
    element: <InferencePlatformPage />,
    title: 'GPU platform',
    path: '/inference',
  })
  .addPage({
    title: 'Service cards',
    path: '/service',
    element: (
      <EntityProvider entity={service}>
        <Grid container spacing={3}>
          <Grid item xs={12} md={6}>
            <EntityInferenceHealthCard />
          </Grid>
          <Grid item xs={12} md={6}>
            <EntityInferenceCostCard />
          </Grid>
          <Grid item xs={12}>
            <EntityGpuCapacityCard />
          </Grid>
        </Grid>
      </EntityProvider>
    ),
  })
  .addPage({
    title: 'Team cards',
    path: '/team',
    element: (
      <EntityProvider entity={team}>
        <EntityGpuQuotaCard />
      </EntityProvider>
    ),
  })
  .render();
