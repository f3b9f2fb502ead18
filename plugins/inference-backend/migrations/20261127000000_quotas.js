/*
 * GPU quotas per owner group and GPU type, and an append-only audit log of every change.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('inference_quotas', table => {
    table.comment('GPU quota of one owner group for one GPU type');
    table
      .string('owner_ref', 255)
      .notNullable()
      .comment('Owner group entity ref');
    table
      .string('gpu_type', 128)
      .notNullable()
      .comment('GPU product label or MIG profile');
    table
      .integer('gpu_limit')
      .notNullable()
      .comment('GPUs the owner may hold at autoscaler ceiling');
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['owner_ref', 'gpu_type']);
  });

  await knex.schema.createTable('inference_quota_audit', table => {
    table.comment('Every change of a GPU quota: who, when, from and to');
    table.bigIncrements('id').primary();
    table.string('owner_ref', 255).notNullable();
    table.string('gpu_type', 128).notNullable();
    table.integer('previous_limit').nullable();
    table.integer('new_limit').notNullable();
    table.string('changed_by', 255).notNullable();
    table.string('reason', 1000).nullable();
    table.timestamp('changed_at', { useTz: true }).notNullable();
    table.index(['owner_ref', 'gpu_type'], 'inference_quota_audit_owner_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('inference_quota_audit');
  await knex.schema.dropTable('inference_quotas');
};
