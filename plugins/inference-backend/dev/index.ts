// Runs the inference backend alone against the simulated demo clusters, with the example catalog served by a
// mock catalog service and static-token access for curl:
//   npm --workspace @inference-platform/plugin-inference-backend start
//   curl -H "Authorization: Bearer dev-token" localhost:7007/api/inference/clusters
import { createBackend } from '@backstage/backend-defaults';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startSimulator } from '@inference-platform/cluster-simulator';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exampleEntities } from '../src/__testUtils__/simulatedFleet';

async function main() {
  const sim = await startSimulator({ scenario: 'demo', clock: { speed: 1 } });
  const configFile = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'inference-dev-')),
    'app-config.yaml',
  );
  fs.writeFileSync(
    configFile,
    `${sim.appConfigYaml}
backend:
  baseUrl: http://localhost:7007
  listen: { port: 7007 }
  database: { client: better-sqlite3, connection: ':memory:' }
  auth:
    externalAccess:
      - type: static
        options: { token: dev-token, subject: dev }
inference:
  quotas:
    - { owner: ml-chat, gpuType: NVIDIA-H100-80GB-HBM3, limit: 24 }
  metrics: { intervalSeconds: 15 }
`,
  );
  process.argv.push('--config', configFile);

  const backend = createBackend();
  backend.add(catalogServiceMock.factory({ entities: exampleEntities() }));
  backend.add(import('../src'));
  await backend.start();
  process.on('SIGINT', () => void sim.stop().then(() => process.exit(0)));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
