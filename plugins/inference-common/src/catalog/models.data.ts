import { CatalogModel, ModelArchitecture } from './modelTypes';

// Copied from reference/models.json (facts.md §3.3). Parameter counts there were computed from the configs.

const LLAMA_SOURCE =
  'github.com/meta-llama/llama-models models/sku_list.py (dims, layers, heads, KV heads, LLAMA3_VOCAB_SIZE=128256); FFN width from models/llama3/model.py; max_position_embeddings from HF config copies';
const GEMMA2_SOURCE =
  'huggingface/transformers PaliGemma2 conversion script VARIANT_CONFIGS; vocab 256000 and sliding_window 4096 from HF config copies';

const LLAMA_3_1_8B: ModelArchitecture = {
  numHiddenLayers: 32,
  hiddenSize: 4096,
  numAttentionHeads: 32,
  numKeyValueHeads: 8,
  headDim: 128,
  intermediateSize: 14336,
  vocabSize: 128256,
  maxPositionEmbeddings: 131072,
  tieWordEmbeddings: false,
};

const LLAMA_3_1_70B: ModelArchitecture = {
  ...LLAMA_3_1_8B,
  numHiddenLayers: 80,
  hiddenSize: 8192,
  numAttentionHeads: 64,
  intermediateSize: 28672,
};

const QWEN_2_5_7B: ModelArchitecture = {
  numHiddenLayers: 28,
  hiddenSize: 3584,
  numAttentionHeads: 28,
  numKeyValueHeads: 4,
  headDim: 128,
  intermediateSize: 18944,
  vocabSize: 152064,
  maxPositionEmbeddings: 32768,
  tieWordEmbeddings: false,
};

const BERT_LARGE: ModelArchitecture = {
  numHiddenLayers: 24,
  hiddenSize: 1024,
  numAttentionHeads: 16,
  numKeyValueHeads: 16,
  headDim: 64,
  intermediateSize: 4096,
  vocabSize: 30522,
  maxPositionEmbeddings: 512,
  tieWordEmbeddings: true,
  mlp: 'plain',
};

/**
 * The embedded model catalog.
 *
 * @public
 */
export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    id: 'llama-3.1-8b',
    hfRepo: 'meta-llama/Llama-3.1-8B-Instruct',
    kind: 'llm',
    ...LLAMA_3_1_8B,
    referenceParamsBillion: 8.03,
    source: LLAMA_SOURCE,
    unverified: false,
  },
  {
    id: 'llama-3.1-70b',
    hfRepo: 'meta-llama/Llama-3.1-70B-Instruct',
    kind: 'llm',
    ...LLAMA_3_1_70B,
    referenceParamsBillion: 70.554,
    source: LLAMA_SOURCE,
    unverified: false,
  },
  {
    id: 'llama-3.1-405b',
    hfRepo: 'meta-llama/Llama-3.1-405B-Instruct',
    kind: 'llm',
    ...LLAMA_3_1_8B,
    numHiddenLayers: 126,
    hiddenSize: 16384,
    numAttentionHeads: 128,
    intermediateSize: 53248,
    referenceParamsBillion: 405.853,
    source: LLAMA_SOURCE,
    unverified: false,
    notes: 'The MP16 SKU uses 16 KV heads; the HF config uses 8.',
  },
  {
    id: 'llama-3.2-1b',
    hfRepo: 'meta-llama/Llama-3.2-1B-Instruct',
    kind: 'llm',
    ...LLAMA_3_1_8B,
    numHiddenLayers: 16,
    hiddenSize: 2048,
    headDim: 64,
    intermediateSize: 8192,
    tieWordEmbeddings: true,
    referenceParamsBillion: 1.236,
    source: LLAMA_SOURCE,
    unverified: false,
  },
  {
    id: 'llama-3.2-3b',
    hfRepo: 'meta-llama/Llama-3.2-3B-Instruct',
    kind: 'llm',
    ...LLAMA_3_1_8B,
    numHiddenLayers: 28,
    hiddenSize: 3072,
    numAttentionHeads: 24,
    intermediateSize: 8192,
    tieWordEmbeddings: true,
    referenceParamsBillion: 3.213,
    source: LLAMA_SOURCE,
    unverified: false,
  },
  {
    id: 'mistral-7b-v0.1',
    hfRepo: 'mistralai/Mistral-7B-Instruct-v0.1',
    kind: 'llm',
    ...LLAMA_3_1_8B,
    vocabSize: 32000,
    maxPositionEmbeddings: 32768,
    referenceParamsBillion: 7.242,
    source:
      'HF config mistralai/Mistral-7B-Instruct-v0.1 as copied in third-party code (sliding_window 4096, rope_theta 10000)',
    unverified: false,
    notes: 'v0.3 uses vocab 32768. Sliding window 4096 on every layer.',
  },
  {
    id: 'mixtral-8x7b-v0.1',
    hfRepo: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
    kind: 'llm',
    ...LLAMA_3_1_8B,
    vocabSize: 32000,
    maxPositionEmbeddings: 32768,
    moe: { numExperts: 8, expertIntermediateSize: 14336, topK: 2 },
    referenceParamsBillion: 46.703,
    source: 'HF config copy MIXTRAL_8X7B_CONFIG in a TensorRT-LLM unit test',
    unverified: false,
    notes: '12.9B parameters active per token.',
  },
  {
    id: 'qwen2.5-7b',
    hfRepo: 'Qwen/Qwen2.5-7B-Instruct',
    kind: 'llm',
    ...QWEN_2_5_7B,
    referenceParamsBillion: 7.616,
    source: 'HF config Qwen/Qwen2.5-7B-Instruct as copied in test fixtures',
    unverified: false,
    notes: '28 attention heads: tensor-parallel size 8 is rejected.',
  },
  {
    id: 'qwen2.5-72b',
    hfRepo: 'Qwen/Qwen2.5-72B-Instruct',
    kind: 'llm',
    ...QWEN_2_5_7B,
    numHiddenLayers: 80,
    hiddenSize: 8192,
    numAttentionHeads: 64,
    numKeyValueHeads: 8,
    intermediateSize: 29568,
    referenceParamsBillion: 72.706,
    source: 'Raw Qwen2.5-72B-Instruct config.json dump',
    unverified: false,
  },
  {
    id: 'gemma-2-9b',
    hfRepo: 'google/gemma-2-9b-it',
    kind: 'llm',
    numHiddenLayers: 42,
    hiddenSize: 3584,
    numAttentionHeads: 16,
    numKeyValueHeads: 8,
    headDim: 256,
    intermediateSize: 14336,
    vocabSize: 256000,
    maxPositionEmbeddings: 8192,
    tieWordEmbeddings: true,
    slidingWindowLayers: 21,
    referenceParamsBillion: 9.242,
    source: GEMMA2_SOURCE,
    unverified: false,
    notes:
      'Alternates sliding-window (4096) and global layers; KV sizing assumes every layer caches the full context (upper bound).',
  },
  {
    id: 'gemma-2-27b',
    hfRepo: 'google/gemma-2-27b-it',
    kind: 'llm',
    numHiddenLayers: 46,
    hiddenSize: 4608,
    numAttentionHeads: 32,
    numKeyValueHeads: 16,
    headDim: 128,
    intermediateSize: 36864,
    vocabSize: 256000,
    maxPositionEmbeddings: 8192,
    tieWordEmbeddings: true,
    slidingWindowLayers: 23,
    referenceParamsBillion: 27.227,
    source: GEMMA2_SOURCE,
    unverified: false,
    notes:
      'Alternates sliding-window (4096) and global layers; KV sizing assumes every layer caches the full context (upper bound).',
  },
  {
    id: 'deepseek-r1-distill-qwen-7b',
    hfRepo: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B',
    kind: 'llm',
    ...QWEN_2_5_7B,
    maxPositionEmbeddings: 131072,
    source:
      'deepseek-ai/DeepSeek-R1 README distill table: based on Qwen2.5-Math-7B; config not read',
    unverified: true,
    notes: 'Architecture assumed equal to Qwen2.5-7B.',
  },
  {
    id: 'deepseek-r1-distill-llama-8b',
    hfRepo: 'deepseek-ai/DeepSeek-R1-Distill-Llama-8B',
    kind: 'llm',
    ...LLAMA_3_1_8B,
    source:
      'deepseek-ai/DeepSeek-R1 README distill table: based on Llama-3.1-8B',
    unverified: false,
  },
  {
    id: 'deepseek-r1-distill-llama-70b',
    hfRepo: 'deepseek-ai/DeepSeek-R1-Distill-Llama-70B',
    kind: 'llm',
    ...LLAMA_3_1_70B,
    source:
      'deepseek-ai/DeepSeek-R1 README distill table (row not shown in the excerpt)',
    unverified: true,
    notes:
      'Base reported as Llama-3.3-70B-Instruct, same architecture as Llama-3.1-70B.',
  },
  {
    id: 'bge-large-en-v1.5',
    hfRepo: 'BAAI/bge-large-en-v1.5',
    kind: 'embedding',
    ...BERT_LARGE,
    source:
      'tenstorrent tt-metal BGE README; xorbitsai/inference docs (vocab 30522 and ~335M params are standard BERT-large, not read from the HF config)',
    unverified: true,
  },
  {
    id: 'e5-large-v2',
    hfRepo: 'intfloat/e5-large-v2',
    kind: 'embedding',
    ...BERT_LARGE,
    source: 'UNVERIFIED: assumed BERT-large like bge-large',
    unverified: true,
  },
];
