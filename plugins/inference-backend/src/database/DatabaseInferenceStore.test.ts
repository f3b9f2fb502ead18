import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseInferenceStore } from './DatabaseInferenceStore';

jest.setTimeout(60_000);

describe('DatabaseInferenceStore', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseInferenceStore.create({
        database: {
          getClient: async () => knex,
          migrations: { skip: false },
        },
      });
      return { knex, store };
    }

    it('applies its migrations and rolls them back', async () => {
      const { knex, store } = await createStore();
      expect(await knex.schema.hasTable('inference_quotas')).toBe(true);
      expect(await knex.schema.hasTable('inference_quota_audit')).toBe(true);
      expect(await store.latestMigration()).toBe('20261127000000_quotas.js');

      await DatabaseInferenceStore.migrateDownAll(knex);
      expect(await knex.schema.hasTable('inference_quotas')).toBe(false);
      expect(await knex.schema.hasTable('inference_quota_audit')).toBe(false);

      await DatabaseInferenceStore.migrateUp(knex);
      expect(await knex.schema.hasTable('inference_quotas')).toBe(true);
    });

    it('sets quotas and keeps an audit trail of every change', async () => {
      const { store } = await createStore();
      const t1 = new Date('2026-11-01T10:00:00Z');
      const t2 = new Date('2026-11-02T10:00:00Z');
      await store.setQuota({
        ownerRef: 'group:default/ml-search',
        gpuType: 'NVIDIA-L4',
        limit: 8,
        changedBy: 'user:default/ana',
        now: t1,
      });
      await store.setQuota({
        ownerRef: 'group:default/ml-search',
        gpuType: 'NVIDIA-L4',
        limit: 12,
        changedBy: 'user:default/bo',
        reason: 'launch of semantic search',
        now: t2,
      });
      await store.setQuota({
        ownerRef: 'group:default/ml-chat',
        gpuType: 'NVIDIA-H100-80GB-HBM3',
        limit: 16,
        changedBy: 'user:default/ana',
        now: t1,
      });

      expect(
        await store.listQuotas({ ownerRef: 'group:default/ml-search' }),
      ).toEqual([
        {
          ownerRef: 'group:default/ml-search',
          gpuType: 'NVIDIA-L4',
          limit: 12,
          updatedBy: 'user:default/bo',
          updatedAt: t2,
        },
      ]);
      expect(await store.listQuotas()).toHaveLength(2);

      const audit = await store.listQuotaAudit({
        ownerRef: 'group:default/ml-search',
      });
      expect(
        audit.map(a => [a.previousLimit, a.newLimit, a.changedBy, a.reason]),
      ).toEqual([
        [null, 8, 'user:default/ana', undefined],
        [8, 12, 'user:default/bo', 'launch of semantic search'],
      ]);
      expect(audit[1].changedAt).toEqual(t2);
    });

    it('refuses a negative or fractional limit and leaves the quota as it was', async () => {
      const { store } = await createStore();
      await store.setQuota({
        ownerRef: 'group:default/ml-chat',
        gpuType: 'NVIDIA-L4',
        limit: 4,
        changedBy: 'user:default/ana',
      });
      await expect(
        store.setQuota({
          ownerRef: 'group:default/ml-chat',
          gpuType: 'NVIDIA-L4',
          limit: -1,
          changedBy: 'user:default/ana',
        }),
      ).rejects.toThrow(/whole number >= 0, got -1/);
      await expect(
        store.setQuota({
          ownerRef: 'group:default/ml-chat',
          gpuType: 'NVIDIA-L4',
          limit: 2.5,
          changedBy: 'user:default/ana',
        }),
      ).rejects.toThrow(/got 2.5/);
      const [quota] = await store.listQuotas();
      expect(quota.limit).toBe(4);
      expect(
        await store.listQuotaAudit({ ownerRef: 'group:default/ml-chat' }),
      ).toHaveLength(1);
    });
  });
});
