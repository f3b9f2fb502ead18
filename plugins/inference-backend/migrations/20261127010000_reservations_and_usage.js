/*
 * Quota reservations (the ledger) and GPU usage history: raw samples per workload and interval, and daily roll-ups.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('inference_reservations', table => {
    table.comment(
      'GPUs set aside for a service being created, until its workload appears',
    );
    table.string('id', 36).primary();
    table.string('owner_ref', 255).notNullable();
    table.string('gpu_type', 128).notNullable();
    table.integer('gpu_count').notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('pending | confirmed | released | expired');
    table.string('requester', 255).notNullable();
    table.string('idempotency_key', 255).nullable();
    table
      .string('entity_ref', 255)
      .nullable()
      .comment('Entity the GPUs are for');
    table.string('cluster', 255).nullable();
    table.string('namespace', 255).nullable();
    table.string('workload_name', 255).nullable();
    table
      .string('reason', 1000)
      .nullable()
      .comment('Why it was released or expired');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.unique(['idempotency_key'], {
      indexName: 'inference_reservations_idempotency_uq',
    });
    table.index(
      ['owner_ref', 'gpu_type', 'status'],
      'inference_reservations_owner_idx',
    );
    table.index(['status', 'expires_at'], 'inference_reservations_expiry_idx');
  });

  await knex.schema.createTable('inference_usage_samples', table => {
    table.comment(
      'GPU allocation, utilisation and tokens of one workload over one sampling interval',
    );
    table.bigIncrements('id').primary();
    table.string('cluster', 255).notNullable();
    table.string('namespace', 255).notNullable();
    table.string('workload_kind', 64).notNullable();
    table.string('workload_name', 255).notNullable();
    table.string('entity_ref', 255).nullable();
    table.string('owner_ref', 255).nullable();
    table.string('gpu_type', 128).notNullable();
    table.timestamp('interval_start', { useTz: true }).notNullable();
    table.integer('interval_seconds').notNullable();
    table.double('gpus_allocated').notNullable();
    table.double('gpu_hours').notNullable();
    table
      .double('gpu_utilization')
      .nullable()
      .comment('0..1; null when no GPU metric was available');
    table.double('prompt_tokens').notNullable().defaultTo(0);
    table.double('generation_tokens').notNullable().defaultTo(0);
    table.double('requests').notNullable().defaultTo(0);
    // one row per workload and interval: a sampler that runs twice (restart, two instances) cannot duplicate usage
    table.unique(
      [
        'cluster',
        'namespace',
        'workload_kind',
        'workload_name',
        'interval_start',
      ],
      { indexName: 'inference_usage_samples_interval_uq' },
    );
    table.index(
      ['entity_ref', 'interval_start'],
      'inference_usage_samples_entity_idx',
    );
    table.index(['interval_start'], 'inference_usage_samples_time_idx');
  });

  await knex.schema.createTable('inference_usage_daily', table => {
    table.comment(
      'Usage samples rolled up per workload and UTC day; kept longer than the samples',
    );
    table.string('day', 10).notNullable().comment('YYYY-MM-DD, UTC');
    table.string('cluster', 255).notNullable();
    table.string('namespace', 255).notNullable();
    table.string('workload_kind', 64).notNullable();
    table.string('workload_name', 255).notNullable();
    table.string('entity_ref', 255).nullable();
    table.string('owner_ref', 255).nullable();
    table.string('gpu_type', 128).notNullable();
    table.double('gpu_hours').notNullable();
    table.double('idle_gpu_hours').notNullable();
    table
      .double('measured_gpu_hours')
      .notNullable()
      .comment('GPU-hours that had a utilisation metric');
    table.double('prompt_tokens').notNullable();
    table.double('generation_tokens').notNullable();
    table.double('requests').notNullable();
    table.primary([
      'day',
      'cluster',
      'namespace',
      'workload_kind',
      'workload_name',
    ]);
    table.index(['entity_ref', 'day'], 'inference_usage_daily_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('inference_usage_daily');
  await knex.schema.dropTable('inference_usage_samples');
  await knex.schema.dropTable('inference_reservations');
};
