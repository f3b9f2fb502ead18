import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Pin the vLLM image the plan needs, checked against the driver of the chosen node pool',
    example: yaml.stringify({
      steps: [
        {
          id: 'image',
          action: 'inference:image:resolve',
          input: {
            runtime: 'vllm',
            version: '0.10.1.1',
            gpuType: '${{ steps.plan.output.gpuType }}',
            driverVersion: '${{ steps.plan.output.driverVersion }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Pin the text-embeddings-inference build for the GPU architecture (from an operator pin, or from the registry when the platform sets inference.images.resolveLive)',
    example: yaml.stringify({
      steps: [
        {
          id: 'image',
          action: 'inference:image:resolve',
          input: { runtime: 'tei', gpuType: 'NVIDIA-L4' },
        },
      ],
    }),
  },
];
