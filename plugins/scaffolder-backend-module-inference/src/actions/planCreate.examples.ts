import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Size Llama 3.1 70B for 40 concurrent 8k-token chats on the cheapest GPU type the clusters have',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'inference:plan:create',
          name: 'Plan GPUs',
          input: {
            model: 'meta-llama/Llama-3.1-70B-Instruct',
            precision: 'bf16',
            maxModelLen: 8192,
            concurrency: 40,
            gpuType: 'auto',
          },
        },
      ],
    }),
  },
  {
    description:
      'Size a model the catalog does not know, from its architecture numbers, on L4 GPUs',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'inference:plan:create',
          input: {
            model: 'acme/support-7b',
            architecture: {
              numHiddenLayers: 32,
              hiddenSize: 4096,
              numAttentionHeads: 32,
              numKeyValueHeads: 8,
              intermediateSize: 14336,
              vocabSize: 32000,
              maxPositionEmbeddings: 32768,
            },
            maxModelLen: 16384,
            concurrency: 8,
            gpuType: 'NVIDIA-L4',
            clusters: ['gpu-us-east'],
          },
        },
      ],
    }),
  },
];
