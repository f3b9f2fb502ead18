/*
 * Latest serving metrics per workload and sampling interval (queue depth, KV-cache usage, TTFT, throughput, GPU
 * utilisation), kept for a short window: what the health card shows and what diagnosis reads as time series.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('inference_workload_metrics', table => {
    table.comment('Serving metrics of one workload at one sampling time');
    table.string('cluster', 255).notNullable();
    table.string('namespace', 255).notNullable();
    table.string('workload_kind', 64).notNullable();
    table.string('workload_name', 255).notNullable();
    table.timestamp('sampled_at', { useTz: true }).notNullable();
    table
      .text('metrics')
      .notNullable()
      .comment('JSON object of metric name to value');
    table.primary([
      'cluster',
      'namespace',
      'workload_kind',
      'workload_name',
      'sampled_at',
    ]);
    table.index(['sampled_at'], 'inference_workload_metrics_time_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('inference_workload_metrics');
};
