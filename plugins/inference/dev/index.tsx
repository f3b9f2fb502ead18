// Runs the plugin alone with a fake API: npm --workspace @inference-platform/plugin-inference start
import { createDevApp } from '@backstage/dev-utils';
import { inferenceApiRef } from '../src/api';
import { inferencePlugin, InferencePlatformPage } from '../src/plugin';

createDevApp()
  .registerPlugin(inferencePlugin)
  .registerApi({
    api: inferenceApiRef,
    deps: {},
    factory: () => ({
      getHealth: async () => ({
        status: 'ok' as const,
        database: { client: 'better-sqlite3', reachable: true },
      }),
    }),
  })
  .addPage({
    element: <InferencePlatformPage />,
    title: 'GPU platform',
    path: '/inference',
  })
  .render();
