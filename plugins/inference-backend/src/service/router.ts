import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { InferenceHealthResponse } from '@inference-platform/plugin-inference-common';
import express from 'express';
import Router from 'express-promise-router';
import { InferenceStore } from '../database/InferenceStore';

/**
 * Everything the REST API needs, passed in by the plugin's wiring.
 *
 * @internal
 */
export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  store: InferenceStore;
  databaseClient: string;
}

/**
 * Builds the `/api/inference` router.
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, store, logger } = options;
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  router.get('/health', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: InferenceHealthResponse = {
      status: 'ok',
      database: { client: options.databaseClient, reachable: true },
    };
    try {
      await store.ping();
      body.database.latestMigration = await store.latestMigration();
    } catch (error) {
      logger.warn(`Inference store is unreachable: ${error}`);
      body.status = 'degraded';
      body.database.reachable = false;
    }
    res.status(body.status === 'ok' ? 200 : 503).json(body);
  });

  return router;
}
