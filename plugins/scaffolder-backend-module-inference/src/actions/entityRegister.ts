import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { workspaceChild } from './workspacePath';

/**
 * `inference:entity:register`: for services applied without a git repository, keeps their catalog-info.yaml in the
 * platform's catalog directory, which the catalog module of this suite serves as entities, and waits until the
 * catalog has the entity so the template's link works.
 *
 * @public
 */
export function createEntityRegisterAction(options: {
  catalog: CatalogService;
  /** Where registered entity files are kept (inference.scaffolder.catalogDirectory); absent: the action is refused. */
  catalogDirectory?: string;
}) {
  return createTemplateAction({
    id: 'inference:entity:register',
    description:
      "Registers the workspace's catalog-info.yaml from the platform's catalog directory, for services applied without a git repository (with git, use publish + catalog:register).",
    supportsDryRun: true,
    examples: [
      {
        description: 'Register the new service',
        example:
          'steps:\n  - id: register\n    action: inference:entity:register\n    input:\n      catalogInfoPath: catalog-info.yaml\n',
      },
    ],
    schema: {
      input: {
        catalogInfoPath: z => z.string().default('catalog-info.yaml'),
        waitSeconds: z =>
          z
            .number()
            .int()
            .min(0)
            .max(600)
            .optional()
            .describe(
              'How long to wait for the catalog to serve the entity (default 60)',
            ),
      },
      output: {
        entityRef: z => z.string(),
        location: z => z.string(),
      },
    },
    async handler(ctx) {
      if (!options.catalogDirectory) {
        throw new InputError(
          'Registering without git needs inference.scaffolder.catalogDirectory in the app-config',
        );
      }
      // the scaffolder does not apply the zod default
      const catalogInfoPath = ctx.input.catalogInfoPath ?? 'catalog-info.yaml';
      const file = workspaceChild(
        ctx.workspacePath,
        catalogInfoPath,
        'catalogInfoPath',
      );
      const text = await fs.readFile(file, 'utf8').catch(() => {
        throw new InputError(`${catalogInfoPath} is not in the workspace`);
      });
      const entity = (() => {
        try {
          return yaml.parse(text);
        } catch (error) {
          throw new InputError(
            `${catalogInfoPath} is not valid YAML: ${(error as Error).message}`,
          );
        }
      })();
      if (!entity?.kind || !entity?.metadata?.name) {
        throw new InputError(`${catalogInfoPath} is not a catalog entity`);
      }
      const entityRef = stringifyEntityRef({
        ...entity,
        metadata: { namespace: 'default', ...entity.metadata },
      });
      const directory = path.resolve(
        options.catalogDirectory,
        entityRef.replace(/[:/]/g, '-'),
      );
      const target = path.join(directory, 'catalog-info.yaml');
      ctx.output('entityRef', entityRef);
      ctx.output('location', target);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register ${entityRef} from ${target}`);
        return;
      }
      await fs.mkdir(directory, { recursive: true });
      // write then rename, so the catalog module never reads a half-written file
      await fs.writeFile(`${target}.tmp`, text);
      await fs.rename(`${target}.tmp`, target);
      ctx.logger.info(
        `Wrote ${target}; waiting for the catalog to serve ${entityRef}`,
      );

      const credentials = await ctx.getInitiatorCredentials();
      const deadline = Date.now() + (ctx.input.waitSeconds ?? 60) * 1000;
      for (;;) {
        const found = await options.catalog
          .getEntityByRef(entityRef, { credentials })
          .catch(() => undefined);
        if (found) {
          ctx.logger.info(`Registered ${entityRef}`);
          return;
        }
        if (Date.now() > deadline || ctx.signal?.aborted) break;
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
      ctx.logger.warn(
        `${entityRef} is not in the catalog yet: is @inference-platform/plugin-catalog-backend-module-inference installed and reading ${options.catalogDirectory}?`,
      );
    },
  });
}
