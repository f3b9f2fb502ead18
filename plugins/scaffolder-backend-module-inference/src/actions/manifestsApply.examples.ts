import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Apply the rendered manifests to the chosen cluster and wait for the model to load',
    example: yaml.stringify({
      steps: [
        {
          id: 'apply',
          action: 'inference:manifests:apply',
          input: {
            cluster: '${{ parameters.cluster }}',
            namespace: '${{ parameters.namespace }}',
            owner: '${{ parameters.owner }}',
            path: './kubernetes',
            reservationId: '${{ steps.reserve.output.reservationId }}',
            timeoutSeconds: 900,
          },
        },
      ],
    }),
  },
];
