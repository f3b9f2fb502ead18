import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Reserve the GPUs of the planned service at its autoscaler ceiling',
    example: yaml.stringify({
      steps: [
        {
          id: 'reserve',
          action: 'inference:quota:reserve',
          input: {
            owner: '${{ parameters.owner }}',
            gpuType: '${{ steps.plan.output.gpuType }}',
            gpus: '${{ steps.plan.output.gpusPerReplica * parameters.maxReplicas }}',
            cluster: '${{ parameters.cluster }}',
            namespace: '${{ parameters.namespace }}',
            name: '${{ parameters.name }}',
          },
        },
      ],
    }),
  },
];
