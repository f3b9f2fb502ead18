import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  checkPlatformPolicy,
  ManifestViolation,
} from '../policy/platformPolicy';
import { checkServicePolicy, LocatedManifest } from '../policy/servicePolicy';
import { validateManifestSchema } from '../manifests/kubernetesModels';
import { examples } from './manifestsValidate.examples';
import { workspaceFolder } from './workspacePath';

const MANIFEST_FILE = /\.ya?ml$/i;

/**
 * `inference:manifests:validate`: checks every Kubernetes manifest in the workspace against the platform policy and
 * fails with all violations at once, each with file and field path.
 *
 * @public
 */
export function createManifestsValidateAction(
  options: {
    /** The platform's `inference.images.allowedRegistries`; a task cannot widen it. Any registry when absent. */
    allowedRegistries?: string[];
  } = {},
) {
  return createTemplateAction({
    id: 'inference:manifests:validate',
    description:
      'Validates every Kubernetes manifest in the workspace against the schema of its kind (kubernetes-models, KEDA, Karpenter, prometheus-operator, LeaderWorkerSet, KServe) and the GPU platform policy: images pinned by digest from an allowed registry, GPU requests equal to limits, GPU toleration and product selector, probes, no privileged containers, entity labels. Reports every problem at once with file and field path.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .default('.')
            .describe('Folder inside the workspace that holds the manifests'),
        kubernetesId: z =>
          z
            .string()
            .optional()
            .describe('Value the backstage.io/kubernetes-id labels must carry'),
      },
      output: {
        manifestCount: z => z.number().describe('Manifests checked'),
        files: z => z.array(z.string()).describe('Files checked'),
      },
    },
    async handler(ctx) {
      const root = await workspaceFolder(
        ctx.workspacePath,
        ctx.input.path ?? '.',
        'path',
      );
      const files = await listManifestFiles(root);
      const violations: ManifestViolation[] = [];
      const manifests: LocatedManifest[] = [];
      let manifestCount = 0;

      for (const file of files) {
        const relative = path.relative(ctx.workspacePath, file);
        const documents = parseAllDocuments(await fs.readFile(file, 'utf8'));
        for (const [index, document] of documents.entries()) {
          if (document.errors.length > 0) {
            violations.push(
              yamlError(relative, index, document.errors[0].message),
            );
            continue;
          }
          const value = document.toJS();
          if (!isKubernetesManifest(value)) continue;
          manifestCount += 1;
          manifests.push({ value, file: relative, document: index });
          for (const problem of validateManifestSchema(value)) {
            violations.push({
              file: relative,
              document: index,
              kind: String(value.kind),
              name: String((value.metadata as any)?.name ?? '<unnamed>'),
              path: problem.path,
              rule: 'schema',
              message: problem.message,
            });
          }
          violations.push(
            ...checkPlatformPolicy(
              value,
              { file: relative, document: index },
              {
                kubernetesId: ctx.input.kubernetesId,
                allowedRegistries: options.allowedRegistries,
              },
            ),
          );
        }
      }

      violations.push(...checkServicePolicy(manifests));
      if (violations.length > 0) {
        const lines = violations.map(
          v =>
            `${v.file}#${v.document} ${v.kind}/${v.name} ${v.path}: ${v.message}`,
        );
        throw new InputError(
          `${violations.length} platform policy violation(s):\n${lines.join(
            '\n',
          )}`,
        );
      }
      ctx.logger.info(
        `${manifestCount} manifest(s) in ${files.length} file(s) pass the platform policy`,
      );
      ctx.output('manifestCount', manifestCount);
      ctx.output(
        'files',
        files.map(f => path.relative(ctx.workspacePath, f)),
      );
    },
  });
}

async function listManifestFiles(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, {
    withFileTypes: true,
    recursive: true,
  });
  return entries
    .filter(e => e.isFile() && MANIFEST_FILE.test(e.name))
    .map(e => path.join(e.parentPath, e.name))
    .sort();
}

// catalog-info.yaml and other Backstage entities live beside the manifests; they are not Kubernetes objects.
function isKubernetesManifest(
  value: unknown,
): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const { apiVersion, kind } = value as Record<string, unknown>;
  return (
    typeof apiVersion === 'string' &&
    typeof kind === 'string' &&
    !apiVersion.startsWith('backstage.io/') &&
    !apiVersion.startsWith('scaffolder.backstage.io/')
  );
}

function yamlError(
  file: string,
  document: number,
  message: string,
): ManifestViolation {
  return {
    file,
    document,
    kind: 'YAML',
    name: '<unparsed>',
    path: '',
    rule: 'valid-yaml',
    message: `not valid YAML: ${message}`,
  };
}
