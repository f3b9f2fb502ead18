/*
 * Idempotency keys of reservations are scoped to the owner group and the requester: a key someone else used (another
 * team, another user) neither replays their reservation nor blocks the caller's own.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('inference_reservations', table => {
    table.dropUnique(
      ['idempotency_key'],
      'inference_reservations_idempotency_uq',
    );
    table.unique(['owner_ref', 'requester', 'idempotency_key'], {
      indexName: 'inference_reservations_idempotency_scope_uq',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  // a key used by several owners or requesters cannot go back to one global key: keep the first, drop the others'
  const duplicates = await knex('inference_reservations')
    .select('idempotency_key')
    .whereNotNull('idempotency_key')
    .groupBy('idempotency_key')
    .havingRaw('count(*) > 1');
  for (const { idempotency_key: key } of duplicates) {
    const [first] = await knex('inference_reservations')
      .where('idempotency_key', key)
      .orderBy('created_at', 'asc')
      .limit(1);
    await knex('inference_reservations')
      .where('idempotency_key', key)
      .whereNot('id', first.id)
      .update({ idempotency_key: null });
  }
  await knex.schema.alterTable('inference_reservations', table => {
    table.dropUnique(
      ['owner_ref', 'requester', 'idempotency_key'],
      'inference_reservations_idempotency_scope_uq',
    );
    table.unique(['idempotency_key'], {
      indexName: 'inference_reservations_idempotency_uq',
    });
  });
};
