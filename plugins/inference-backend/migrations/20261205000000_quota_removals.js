/*
 * A quota line can be removed (DELETE /quotas/{owner}/{gpuType}); its removal is kept in the audit log as a change
 * whose new limit is null.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('inference_quota_audit', table => {
    table
      .integer('new_limit')
      .nullable()
      .comment('The limit after the change; null when the line was removed')
      .alter();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  // the older schema has no removals: one reads as a limit of 0, which is what a removed line grants
  await knex('inference_quota_audit')
    .whereNull('new_limit')
    .update({ new_limit: 0 });
  await knex.schema.alterTable('inference_quota_audit', table => {
    table.integer('new_limit').notNullable().alter();
  });
};
