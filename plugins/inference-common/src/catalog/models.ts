import { MODEL_CATALOG } from './models.data';
import { CatalogModel, ModelArchitecture } from './modelTypes';

/**
 * Finds a catalog model by id or Hugging Face repository (case-insensitive; `-Instruct`/`-it` suffixes of the
 * repository are tolerated).
 *
 * @public
 */
export function findModel(
  idOrRepo: string,
  catalog: readonly CatalogModel[] = MODEL_CATALOG,
): CatalogModel | undefined {
  const wanted = idOrRepo.trim().toLowerCase();
  const stripSuffix = (s: string) => s.replace(/-(instruct|it)$/i, '');
  return (
    catalog.find(m => m.id === wanted) ??
    catalog.find(m => m.hfRepo.toLowerCase() === wanted) ??
    catalog.find(
      m => stripSuffix(m.hfRepo.toLowerCase()) === stripSuffix(wanted),
    )
  );
}

/**
 * Attention head width: `headDim` when the config sets it, else hiddenSize / numAttentionHeads.
 *
 * @public
 */
export function headDimOf(model: ModelArchitecture): number {
  return model.headDim ?? model.hiddenSize / model.numAttentionHeads;
}

/**
 * Parameters split the way quantization and parallelism treat them.
 *
 * @public
 */
export interface ParameterBreakdown {
  /** Attention, dense MLP, shared experts and routers of every decoder layer. */
  decoder: number;
  /** Routed expert weights (what MXFP4 and expert parallelism act on). */
  experts: number;
  /** Input embedding plus LM head (once when tied): kept at 16 bits by weight quantization. */
  embeddings: number;
  /** The input embedding alone (what a pipeline stage holds at most). */
  inputEmbedding: number;
  /** Vision tower and projector. */
  vision: number;
  total: number;
}

/**
 * Estimates the parameter count of a transformer from its config numbers. Norms and biases are ignored
 * (well under 0.1%). Reproduces the reference parameter counts of the catalog within 0.5%.
 *
 * @public
 */
export function estimateParameters(
  model: ModelArchitecture,
): ParameterBreakdown {
  const hidden = model.hiddenSize;
  const heads = model.numAttentionHeads;
  let attention: number;
  if (model.mla) {
    const m = model.mla;
    const qHeadDim = m.qkNopeHeadDim + m.qkRopeHeadDim;
    const qProjection = m.qLoraRank
      ? hidden * m.qLoraRank + m.qLoraRank * heads * qHeadDim
      : hidden * heads * qHeadDim;
    attention =
      qProjection +
      hidden * (m.kvLoraRank + m.qkRopeHeadDim) + // compressed kv + rope key
      m.kvLoraRank * heads * (m.qkNopeHeadDim + m.vHeadDim) + // kv decompression
      heads * m.vHeadDim * hidden; // output
  } else {
    const headDim = headDimOf(model);
    attention =
      2 * hidden * heads * headDim +
      2 * hidden * model.numKeyValueHeads * headDim;
  }
  const mlpMatrices = model.mlp === 'plain' ? 2 : 3;
  const denseMlp = mlpMatrices * hidden * model.intermediateSize;
  const layers = model.numHiddenLayers;
  const recurrentLayers =
    (model.linearAttention?.layers ?? 0) + (model.mamba?.layers ?? 0);
  let decoder =
    (layers - recurrentLayers) * attention + recurrentMixerParameters(model);
  let experts = 0;
  if (model.moe) {
    const moe = model.moe;
    const denseLayers = moe.denseLayers ?? 0;
    const moeLayers = layers - denseLayers;
    experts =
      moeLayers * moe.numExperts * 3 * hidden * moe.expertIntermediateSize;
    decoder += denseLayers * denseMlp;
    decoder +=
      moeLayers *
      (3 * hidden * (moe.sharedExpertIntermediateSize ?? 0) +
        hidden * moe.numExperts);
  } else {
    decoder += layers * denseMlp;
  }
  const inputEmbedding = model.vocabSize * hidden;
  const embeddings = inputEmbedding * (model.tieWordEmbeddings ? 1 : 2);
  const vision = model.visionParams ?? 0;
  const computed = decoder + experts + embeddings + vision;
  if (model.parameterCount && model.parameterCount > embeddings + vision) {
    // Keep the computed split of the transformer body, scaled to the published total.
    const scale =
      (model.parameterCount - embeddings - vision) / (decoder + experts);
    return {
      decoder: decoder * scale,
      experts: experts * scale,
      embeddings,
      inputEmbedding,
      vision,
      total: model.parameterCount,
    };
  }
  return {
    decoder,
    experts,
    embeddings,
    inputEmbedding,
    vision,
    total: computed,
  };
}

/**
 * Parameters of the linear-attention and Mamba layers' mixers (they replace attention in those layers).
 * Gated DeltaNet: qkvz and βα input projections, causal conv, output projection. Mamba-1: input projection to
 * 2 × inner, conv, x projection to Δ-rank + 2 × state, Δ projection, A, output projection.
 */
function recurrentMixerParameters(model: ModelArchitecture): number {
  const hidden = model.hiddenSize;
  let total = 0;
  const la = model.linearAttention;
  if (la) {
    const keyWidth = la.numKeyHeads * la.keyHeadDim;
    const valueWidth = la.numValueHeads * la.valueHeadDim;
    total +=
      la.layers *
      (hidden * (2 * keyWidth + 2 * valueWidth) +
        hidden * 2 * la.numValueHeads +
        (2 * keyWidth + valueWidth) * la.convKernelDim +
        valueWidth * hidden);
  }
  const m = model.mamba;
  if (m) {
    const inner = m.expand * hidden;
    const dtRank = m.dtRank ?? Math.ceil(hidden / 16);
    total +=
      m.layers *
      (hidden * 2 * inner +
        inner * m.dConv +
        inner * (dtRank + 2 * m.dState) +
        dtRank * inner +
        inner * m.dState +
        inner * hidden);
  }
  return total;
}

/**
 * Checks that a hand-written architecture is usable for sizing; returns the problems (empty when fine).
 *
 * @public
 */
export function validateArchitecture(model: ModelArchitecture): string[] {
  const problems: string[] = [];
  const positive: Array<keyof ModelArchitecture> = [
    'numHiddenLayers',
    'hiddenSize',
    'numAttentionHeads',
    'numKeyValueHeads',
    'vocabSize',
    'maxPositionEmbeddings',
  ];
  for (const key of positive) {
    const value = model[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      problems.push(`${key} must be a positive integer`);
    }
  }
  if (!(model.intermediateSize >= 0))
    problems.push('intermediateSize must be zero or positive');
  if (model.numKeyValueHeads > model.numAttentionHeads) {
    problems.push('numKeyValueHeads cannot exceed numAttentionHeads');
  } else if (model.numAttentionHeads % model.numKeyValueHeads !== 0) {
    problems.push('numAttentionHeads must be a multiple of numKeyValueHeads');
  }
  if (model.headDim !== undefined && !(model.headDim > 0))
    problems.push('headDim must be positive');
  return problems;
}

/**
 * Resolves a model given as a catalog id / Hugging Face repo, or as architecture numbers.
 * Throws with the list of problems when neither works.
 *
 * @public
 */
export function resolveModelArchitecture(
  model: string | ModelArchitecture,
  catalog: readonly CatalogModel[] = MODEL_CATALOG,
): {
  id: string;
  architecture: ModelArchitecture;
  catalogEntry?: CatalogModel;
} {
  if (typeof model === 'string') {
    const entry = findModel(model, catalog);
    if (!entry) {
      throw new Error(
        `Unknown model '${model}': use a catalog id (${catalog
          .map(m => m.id)
          .join(', ')}) or give its architecture numbers`,
      );
    }
    return { id: entry.id, architecture: entry, catalogEntry: entry };
  }
  const problems = validateArchitecture(model);
  if (problems.length > 0) {
    throw new Error(`Invalid model architecture: ${problems.join('; ')}`);
  }
  const id = (model as Partial<CatalogModel>).id ?? 'custom';
  return { id, architecture: model };
}
