import { HfTextConfig } from './hfConfigSchema';

/** How many decoder layers of each kind a config declares. */
export interface HfLayerTypeCounts {
  full: number;
  sliding: number;
  linear: number;
  mamba: number;
  cross: number;
  /** Where the split came from, for the plan's notes. */
  source: string;
}

const LAYER_TYPE_NAMES: Record<
  string,
  keyof Omit<HfLayerTypeCounts, 'source'>
> = {
  full_attention: 'full',
  attention: 'full',
  sliding_attention: 'sliding',
  linear_attention: 'linear',
  mamba: 'mamba',
};

/**
 * Splits `num_hidden_layers` by layer type, from the most explicit key the config has:
 * `layer_types` / `layers_block_type` lists; Qwen3-Next `full_attention_interval` (every n-th layer is full, the
 * rest linear); Jamba `attn_layer_period`/`attn_layer_offset` (layer i attends when i mod period = offset, the rest
 * are Mamba); Gemma 3 `sliding_window_pattern` (every n-th layer is global); Gemma 2's alternation (even layers
 * slide); Qwen2/3 `use_sliding_window` with `max_window_layers` (layers from that index on slide); Mllama
 * `cross_attention_layers`. A uniform `sliding_window` without any of these is sized as full attention: vLLM's
 * Llama-family code only slides the layers a config marks, and full attention is the safe side.
 */
export function layerTypesFromHfConfig(
  text: HfTextConfig,
  layers: number,
  notes: string[],
): HfLayerTypeCounts {
  const counts = { full: 0, sliding: 0, linear: 0, mamba: 0, cross: 0 };
  const list = text.layer_types ?? text.layers_block_type;
  if (list) {
    if (list.length !== layers) {
      throw new Error(
        `layer_types lists ${list.length} layers but num_hidden_layers is ${layers}`,
      );
    }
    for (const name of list) {
      const kind = LAYER_TYPE_NAMES[name];
      if (!kind) {
        throw new Error(
          `Unsupported layer type '${name}' in layer_types: the planner sizes ${Object.keys(
            LAYER_TYPE_NAMES,
          ).join(', ')}`,
        );
      }
      counts[kind] += 1;
    }
    return { ...counts, source: 'layer_types' };
  }
  const modelType = text.model_type ?? '';
  if (text.full_attention_interval) {
    const full = Math.floor(layers / text.full_attention_interval);
    return {
      ...counts,
      full,
      linear: layers - full,
      source: `full_attention_interval ${text.full_attention_interval}`,
    };
  }
  if (text.attn_layer_period) {
    const offset = text.attn_layer_offset ?? 0;
    const full = countLayers(
      layers,
      i => i % text.attn_layer_period! === offset,
    );
    return {
      ...counts,
      full,
      mamba: layers - full,
      source: `attn_layer_period ${text.attn_layer_period}, offset ${offset}`,
    };
  }
  if (text.cross_attention_layers) {
    const cross = new Set(text.cross_attention_layers).size;
    return {
      ...counts,
      full: layers - cross,
      cross,
      source: 'cross_attention_layers',
    };
  }
  const pattern =
    text.sliding_window_pattern ?? text._sliding_window_pattern ?? undefined;
  if (text.sliding_window && pattern) {
    const full = Math.floor(layers / pattern);
    return {
      ...counts,
      full,
      sliding: layers - full,
      source: `sliding_window_pattern ${pattern}`,
    };
  }
  if (text.sliding_window && modelType === 'gemma2') {
    const sliding = countLayers(layers, i => i % 2 === 0);
    return {
      ...counts,
      full: layers - sliding,
      sliding,
      source: 'Gemma 2 alternation (even layers slide)',
    };
  }
  if (text.sliding_window && text.use_sliding_window) {
    const start = text.max_window_layers ?? 0;
    const sliding = Math.max(0, layers - start);
    return {
      ...counts,
      full: layers - sliding,
      sliding,
      source: `use_sliding_window from layer ${start}`,
    };
  }
  if (text.sliding_window && text.use_sliding_window === undefined) {
    notes.push(
      `sliding_window ${text.sliding_window} is set but no layer is marked as sliding: sized as full attention (conservative)`,
    );
  }
  return { ...counts, full: layers, source: 'uniform full attention' };
}

function countLayers(layers: number, test: (index: number) => boolean) {
  let n = 0;
  for (let i = 0; i < layers; i++) if (test(i)) n += 1;
  return n;
}
