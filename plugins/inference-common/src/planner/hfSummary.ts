import { HfModelDescription } from './hfConfig';

/**
 * One line saying what the planner read from a config.json, for the form's review and the task log, e.g.
 * "qwen3_next, 48 layers (36 linear attention, 12 full attention), 512 experts (10 per token), bf16 weights".
 *
 * @public
 */
export function describeHfModel(description: HfModelDescription): string {
  const { architecture: a, layerTypes: t } = description;
  const kinds = [
    [t.full, 'full attention'],
    [t.sliding, 'sliding window'],
    [t.linear, 'linear attention'],
    [t.mamba, 'Mamba'],
    [t.cross, 'cross-attention'],
  ]
    .filter(([count]) => (count as number) > 0)
    .map(([count, name]) => `${count} ${name}`);
  const parts = [
    description.modelType,
    `${a.numHiddenLayers} layers (${kinds.join(', ')})`,
    a.mla ? `latent KV (rank ${a.mla.kvLoraRank})` : undefined,
    a.moe ? `${a.moe.numExperts} experts (${a.moe.topK} per token)` : undefined,
    a.visionParams
      ? `vision tower ≈ ${(a.visionParams / 1e9).toFixed(2)} B parameters`
      : undefined,
    `${description.precision} weights`,
  ].filter(Boolean);
  const notes = description.notes.length
    ? `; ${description.notes.join('; ')}`
    : '';
  return `${parts.join(', ')}${notes}`;
}
