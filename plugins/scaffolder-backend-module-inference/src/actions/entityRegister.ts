import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';

/**
 * `inference:entity:register`: for services applied without a git repository, keeps their catalog-info.yaml in the
 * platform's catalog directory and registers it as a `file` location, so the entity appears at once.
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
      const file = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.catalogInfoPath ?? 'catalog-info.yaml',
      );
      const text = await fs.readFile(file, 'utf8').catch(() => {
        throw new InputError(
          `${ctx.input.catalogInfoPath} is not in the workspace`,
        );
      });
      const entity = yaml.parse(text);
      if (!entity?.kind || !entity?.metadata?.name) {
        throw new InputError(
          `${ctx.input.catalogInfoPath} is not a catalog entity`,
        );
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
      await fs.writeFile(target, text);
      const credentials = await ctx.getInitiatorCredentials();
      try {
        await options.catalog.addLocation(
          { type: 'file', target },
          { credentials },
        );
        ctx.logger.info(`Registered ${entityRef} (location file:${target})`);
      } catch (error: any) {
        if (error?.name !== 'ConflictError') throw error;
        // registered before (a re-run): the catalog re-reads the updated file on its next pass
        await options.catalog
          .refreshEntity(entityRef, { credentials })
          .catch(() => {});
        ctx.logger.info(
          `${entityRef} was registered already; its file is updated`,
        );
      }
    },
  });
}
