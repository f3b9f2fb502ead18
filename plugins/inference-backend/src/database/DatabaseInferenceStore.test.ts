import { createTestDatabases } from '../__testUtils__/testDatabases';
import { newestMigrationFile } from '../__testUtils__/migrations';
import { DatabaseInferenceStore } from './DatabaseInferenceStore';

jest.setTimeout(60_000);

const TABLES = [
  'inference_quotas',
  'inference_quota_audit',
  'inference_reservations',
  'inference_usage_samples',
  'inference_usage_daily',
  'inference_workload_metrics',
];

describe('DatabaseInferenceStore', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('applies its migrations and rolls them all back', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseInferenceStore.create({
        database: { getClient: async () => knex },
      });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      expect(await store.latestMigration()).toBe(newestMigrationFile());
      await expect(store.ping()).resolves.toBeUndefined();

      await DatabaseInferenceStore.migrateDownAll(knex);
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await store.latestMigration()).toBeUndefined();

      await DatabaseInferenceStore.migrateUp(knex);
      expect(await knex.schema.hasTable('inference_reservations')).toBe(true);
    });

    it('leaves the schema alone when migrations are skipped', async () => {
      const knex = await databases.init(databaseId);
      await DatabaseInferenceStore.create({
        database: {
          getClient: async () => knex,
          migrations: { skip: true },
        },
      });
      expect(await knex.schema.hasTable('inference_quotas')).toBe(false);
    });
  });
});
