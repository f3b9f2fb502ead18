import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { toGroupEntityRef } from '@inference-platform/plugin-inference-common';
import { TeamTenancy } from '@inference-platform/plugin-inference-node';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { workspaceChild } from './workspacePath';

/** The kinds a template may register: what a model service is, never who people are or what templates exist. */
const REGISTRABLE_KINDS = ['component', 'resource', 'api'];

/**
 * The folder of an entity in the catalog directory: `<kind>.<namespace>.<name>`. Kinds and namespaces hold no dots,
 * so the name is what follows the second dot and two refs never share a folder.
 */
export function entityFolderName(entity: {
  kind: string;
  metadata: { name: string; namespace?: string };
}): string {
  return [
    entity.kind,
    entity.metadata.namespace ?? 'default',
    entity.metadata.name,
  ]
    .join('.')
    .toLowerCase();
}

function ownerOf(entity: any): string | undefined {
  const owner = entity?.spec?.owner;
  return typeof owner === 'string' && owner
    ? toGroupEntityRef(owner)
    : undefined;
}

/**
 * `inference:entity:register`: for services applied without a git repository, keeps their catalog-info.yaml in the
 * platform's catalog directory, which the catalog module of this suite serves as entities, and waits until the
 * catalog has the entity so the template's link works.
 *
 * @public
 */
export function createEntityRegisterAction(options: {
  catalog: CatalogService;
  tenancy: TeamTenancy;
  /** Where registered entity files are kept (inference.scaffolder.catalogDirectory); absent: the action is refused. */
  catalogDirectory?: string;
}) {
  return createTemplateAction({
    id: 'inference:entity:register',
    description:
      "Registers the workspace's catalog-info.yaml (a Component, Resource or API) from the platform's catalog directory, for services applied without a git repository (with git, use publish + catalog:register). The user must be a member of the entity's owner, and an entity another owner holds, or that the catalog has from elsewhere, is never overwritten.",
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
      if (!REGISTRABLE_KINDS.includes(String(entity.kind).toLowerCase())) {
        throw new InputError(
          `${catalogInfoPath} is a ${entity.kind}: only Component, Resource and API entities can be registered this way`,
        );
      }
      const owner = ownerOf(entity);
      if (!owner) {
        throw new InputError(`${catalogInfoPath} has no spec.owner`);
      }
      const credentials = await ctx.getInitiatorCredentials();
      await options.tenancy.requireActsFor(
        credentials,
        owner,
        `register entities owned by it`,
      );
      const named = {
        ...entity,
        metadata: {
          ...entity.metadata,
          namespace: entity.metadata.namespace ?? 'default',
        },
      };
      const entityRef = stringifyEntityRef(named);
      const folder = entityFolderName(named);
      const directory = path.join(
        path.resolve(options.catalogDirectory),
        folder,
      );
      const target = path.join(directory, 'catalog-info.yaml');

      // never take over an entity: one the catalog has from another place, or another owner's
      const existing = await options.catalog
        .getEntityByRef(entityRef, { credentials })
        .catch(() => undefined);
      const managedBy =
        existing?.metadata.annotations?.['backstage.io/managed-by-location'];
      if (existing && managedBy !== `file:${target}`) {
        throw new NotAllowedError(
          `${entityRef} already exists in the catalog from another location; choose another name`,
        );
      }
      const previous = await fs
        .readFile(target, 'utf8')
        .then(written => yaml.parse(written))
        .catch(() => undefined);
      const holder = ownerOf(existing) ?? ownerOf(previous);
      if (holder && holder !== owner) {
        throw new NotAllowedError(
          `${entityRef} belongs to ${holder}; it cannot be registered again for ${owner}`,
        );
      }

      ctx.output('entityRef', entityRef);
      ctx.output('location', `inference-provisioned:${folder}`);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register ${entityRef}`);
        return;
      }
      await fs.mkdir(directory, { recursive: true });
      // write a file of its own, then rename: the catalog never reads half a file, concurrent tasks never share one
      const temporary = `${target}.${randomUUID()}.tmp`;
      await fs.writeFile(temporary, text);
      await fs.rename(temporary, target);
      ctx.logger.info(`Waiting for the catalog to serve ${entityRef}`);

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
        `${entityRef} is not in the catalog yet: is @inference-platform/plugin-catalog-backend-module-inference installed and reading inference.scaffolder.catalogDirectory?`,
      );
    },
  });
}
