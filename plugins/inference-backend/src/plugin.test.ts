import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { inferencePlugin } from './plugin';
import { newestMigrationFile } from './__testUtils__/migrations';

describe('inference backend plugin', () => {
  async function startBackend(
    inference: { gpus?: Array<{ gpu: string; usableMemoryGiB?: number }> } = {},
  ) {
    const { server } = await startTestBackend({
      features: [
        inferencePlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
            inference,
          },
        }),
        catalogServiceMock.factory({ entities: [] }),
        // a request without a token is anonymous, as in production
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    return server;
  }

  it('answers /health for a signed-in user, with the migrated database', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/inference/health')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      database: {
        client: 'better-sqlite3',
        reachable: true,
        latestMigration: newestMigrationFile(),
      },
    });
  });

  it('answers /health for another backend plugin', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/inference/health')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
  });

  it('does not start with a GPU figure it cannot use, and names the entry', async () => {
    await expect(
      startBackend({ gpus: [{ gpu: 'NVIDIA-L4', usableMemoryGiB: 40 }] }),
    ).rejects.toThrow(
      /inference.gpus\[0\] \(l4\): usableMemoryGiB 40 is more than the GPU's nominal 24 GB/,
    );
  });

  it('refuses /health without credentials', async () => {
    const server = await startBackend();
    const res = await request(server).get('/api/inference/health');
    expect(res.status).toBe(401);
  });

  it('refuses /health with a forged token', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/inference/health')
      .set('Authorization', 'Bearer not-a-real-token');
    expect(res.status).toBe(401);
  });
});
