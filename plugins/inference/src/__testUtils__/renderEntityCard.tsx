import { Entity } from '@backstage/catalog-model';
import { configApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { JsonObject } from '@backstage/types';
import { ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { InferenceApi, inferenceApiRef } from '../api';
import { fakeInferenceApi } from './fakeInferenceApi';

/** A model service as the demo catalog describes it. */
export const serviceEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'support-chat-llm',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'support-chat-llm',
      'inference-platform.io/slo-ttft-p95-ms': '800',
    },
  },
  spec: { type: 'service', owner: 'group:default/ml-chat' },
};

export const groupEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'ml-chat', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

export const systemEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'ai-platform', namespace: 'default' },
  spec: { owner: 'group:default/platform-team' },
};

export const clusterEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'gpu-us-east',
    namespace: 'default',
    annotations: { 'inference-platform.io/clusters': 'gpu-us-east' },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/platform-team' },
};

/**
 * Renders inference cards on an entity page of a test app, with a fake backend, a permission decision and
 * app-config.
 */
export async function renderEntityCard(
  card: ReactNode,
  options: {
    entity?: Entity;
    api?: InferenceApi;
    canEditQuota?: boolean;
    /** Replaces the decision of `canEditQuota`, e.g. to watch the requests. */
    permissionApi?: PermissionApi;
    config?: JsonObject;
  } = {},
) {
  const api = options.api ?? fakeInferenceApi();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [inferenceApiRef, api],
        [
          permissionApiRef,
          options.permissionApi ??
            mockApis.permission({
              authorize:
                options.canEditQuota === false
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            }),
        ],
        [configApiRef, mockApis.config({ data: options.config ?? {} })],
      ]}
    >
      {/* usePermission caches decisions in SWR's global cache: a fresh cache per render keeps tests apart */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={options.entity ?? serviceEntity}>
          {card}
        </EntityProvider>
      </SWRConfig>
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return api;
}
