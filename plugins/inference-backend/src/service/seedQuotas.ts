import { LoggerService } from '@backstage/backend-plugin-api';
import { InferenceStore } from '../database/InferenceStore';
import { ConfiguredQuota } from '../options';

/**
 * Writes the quotas of `inference.quotas` that the store does not have yet. A quota changed through the API stays
 * as changed: config only seeds.
 */
export async function seedQuotas(
  store: InferenceStore,
  quotas: ConfiguredQuota[],
  logger: LoggerService,
): Promise<number> {
  const existing = new Set(
    (await store.quotas.listQuotas()).map(q => `${q.ownerRef}|${q.gpuType}`),
  );
  let seeded = 0;
  for (const quota of quotas) {
    if (existing.has(`${quota.owner}|${quota.gpuType}`)) continue;
    await store.quotas.setQuota({
      ownerRef: quota.owner,
      gpuType: quota.gpuType,
      limit: quota.limit,
      changedBy: 'app-config',
      reason: 'seeded from inference.quotas',
    });
    seeded += 1;
  }
  if (seeded > 0)
    logger.info(`Seeded ${seeded} GPU quota(s) from inference.quotas`);
  return seeded;
}
