import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Check the rendered manifests of a model service before publishing them (images only from the platform's inference.images.allowedRegistries)",
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'inference:manifests:validate',
          name: 'Validate manifests against the platform policy',
          input: {
            path: './kubernetes',
            kubernetesId: '${{ parameters.name }}',
          },
        },
      ],
    }),
  },
];
