import { InputError } from '@backstage/errors';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  gpuCeilings,
  groupNameOf,
  inferencePlatformApplyPermission,
  INFERENCE_ANNOTATIONS,
  Manifest,
  PodSecurityLevel,
  placeManifests,
  reservationRefusal,
  toGroupEntityRef,
} from '@inference-platform/plugin-inference-common';
import {
  ClusterConnection,
  InferenceService,
  TeamTenancy,
} from '@inference-platform/plugin-inference-node';
import { KubernetesObject } from '@kubernetes/client-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  applyManifests,
  FIELD_MANAGER,
  readExistingOwners,
  waitForRollout,
} from '../cluster/applyManifests';
import { dns1123Label, ownerRef } from './names';
import { examples } from './manifestsApply.examples';
import { workspaceFolder } from './workspacePath';

async function readManifests(root: string): Promise<Manifest[]> {
  const entries = await fs.readdir(root, {
    withFileTypes: true,
    recursive: true,
  });
  const manifests: Manifest[] = [];
  for (const entry of entries
    .filter(e => e.isFile() && /\.ya?ml$/i.test(e.name))
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const text = await fs.readFile(
      path.join(entry.parentPath, entry.name),
      'utf8',
    );
    for (const doc of parseAllDocuments(text)) {
      const value = doc.toJS();
      if (
        value?.apiVersion &&
        value?.kind &&
        !String(value.apiVersion).startsWith('backstage.io/')
      ) {
        manifests.push(value);
      }
    }
  }
  return manifests;
}

/** The message of a Kubernetes API error, without the request details client-node puts around it. */
function clusterMessage(error: any): string {
  let body = '';
  if (typeof error?.body === 'string') body = error.body;
  else if (error?.body) body = JSON.stringify(error.body);
  try {
    return JSON.parse(body).message ?? 'refused';
  } catch {
    return body || error?.message || 'refused';
  }
}

/**
 * `inference:manifests:apply`: server-side applies the workspace's manifests to a configured cluster (field manager
 * `backstage-inference`) and waits for the rollout, logging progress; a dry run asks the API server to validate only.
 *
 * @public
 */
export function createManifestsApplyAction(options: {
  clusters: ClusterConnection[];
  inference: InferenceService;
  tenancy: TeamTenancy;
  permissions: PermissionsService;
  /** Pod Security Standards level every applied pod spec must meet (inference.tenancy.podSecurity). */
  podSecurity?: PodSecurityLevel;
}) {
  return createTemplateAction({
    id: 'inference:manifests:apply',
    description: `Applies the workspace's Kubernetes manifests to a cluster with server-side apply (field manager ${FIELD_MANAGER}) for the owner group, and waits for Deployments to roll out. Only for members of the owner (or the platform team), only the kinds of a model service, only in namespaces the owner was granted, only pods that meet Pod Security "restricted", only GPUs a live reservation covers, and never over another owner's objects; NodePools and ResourceQuotas need the inference.platform.apply permission. A dry run checks the same and asks the API server to validate.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          z
            .string()
            .min(1)
            .max(253)
            .describe(
              'A cluster of the configuration (kubernetes.clusterLocatorMethods)',
            ),
        namespace: z =>
          dns1123Label(z, 'namespace').describe(
            'Namespace of objects that do not name one',
          ),
        owner: z =>
          ownerRef(z)
            .optional()
            .describe(
              'Owner group the objects are for; the user must be a member. Absent: the platform team (platform templates)',
            ),
        path: z =>
          z
            .string()
            .default('.')
            .describe('Folder inside the workspace with the manifests'),
        waitForRollout: z => z.boolean().default(true),
        timeoutSeconds: z => z.number().int().min(10).max(3600).default(600),
        reservationId: z =>
          z
            .string()
            .max(64)
            .optional()
            .describe(
              'A reservation from inference:quota:reserve to give back when the cluster refuses the manifests',
            ),
      },
      output: {
        applied: z =>
          z
            .array(z.string())
            .describe('kind/namespace/name of each applied object'),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      /** Gives the GPUs back when nothing was deployed; returns a note for the error message. */
      const releaseOnFailure = async () => {
        const id = ctx.input.reservationId;
        if (!id || ctx.isDryRun) return '';
        try {
          const { state } = await options.inference.releaseReservation(id, {
            credentials,
          });
          return ` (reservation ${id} ${state})`;
        } catch (error) {
          return ` (reservation ${id} could not be released: ${
            (error as Error).message
          }; it expires unconfirmed)`;
        }
      };
      const refuse = async (message: string) => {
        throw new InputError(`${message}${await releaseOnFailure()}`);
      };

      const connection = options.clusters.find(
        c => c.name === ctx.input.cluster,
      );
      if (!connection) {
        throw new InputError(
          `Unknown cluster ${ctx.input.cluster}; configured: ${
            options.clusters.map(c => c.name).join(', ') || 'none'
          }`,
        );
      }
      const ownerRefValue = toGroupEntityRef(
        ctx.input.owner ?? options.tenancy.platformTeamRef,
      );
      const caller = await options.tenancy.requireActsFor(
        credentials,
        ownerRefValue,
        `deploy to ${ctx.input.cluster} for it`,
      );
      const [decision] = await options.permissions.authorize(
        [{ permission: inferencePlatformApplyPermission }],
        { credentials },
      );
      const platformApply =
        decision.result === AuthorizeResult.ALLOW &&
        options.tenancy.isPlatform(caller);

      const root = await workspaceFolder(
        ctx.workspacePath,
        ctx.input.path ?? '.',
        'path',
      );
      const manifests = await readManifests(root);
      if (manifests.length === 0)
        throw new InputError(
          `No Kubernetes manifests under ${ctx.input.path ?? '.'}`,
        );

      // identity and placement first: nothing reaches the cluster, not even a dry run, outside the owner's scope
      const { placed, refusals } = placeManifests(manifests, {
        ownerRef: ownerRefValue,
        cluster: connection.name,
        namespace: ctx.input.namespace,
        placement: await options.tenancy.placementOf(
          ownerRefValue,
          credentials,
        ),
        platformApply,
        podSecurity: options.podSecurity ?? 'restricted',
      });
      if (refusals.length > 0) {
        await refuse(
          `Refused to apply for ${ownerRefValue}:\n${refusals
            .map(r => `${r.object}${r.path ? ` ${r.path}` : ''}: ${r.message}`)
            .join('\n')}`,
        );
      }

      const ceilings = gpuCeilings(placed);
      const reservationId = ctx.input.reservationId;
      if (
        ceilings.length > 0 &&
        !(ctx.isDryRun && reservationId === 'dry-run')
      ) {
        const reservation = reservationId
          ? await options.inference.getReservation(reservationId, {
              credentials,
            })
          : undefined;
        const refusal = reservationRefusal(ceilings, reservation, {
          ownerRef: ownerRefValue,
          cluster: connection.name,
          namespace: ctx.input.namespace,
        });
        if (refusal) await refuse(`Refused to apply: ${refusal}`);
        for (const manifest of placed) {
          if (
            ceilings.some(
              c => c.workload === `${manifest.kind}/${manifest.metadata?.name}`,
            )
          ) {
            manifest.metadata!.labels![INFERENCE_ANNOTATIONS.reservationLabel] =
              reservationId!;
          }
        }
      }

      const objects = placed as KubernetesObject[];
      const log = (message: string) => ctx.logger.info(message);
      let applied: KubernetesObject[] = [];
      try {
        const existing = await readExistingOwners(connection, objects);
        const ownerName = groupNameOf(ownerRefValue);
        const foreign = existing.filter(e => e.exists && e.owner !== ownerName);
        if (foreign.length > 0) {
          await refuse(
            `Refused to apply: ${foreign
              .map(
                e =>
                  `${e.object} already exists and ${
                    e.owner
                      ? `belongs to ${e.owner}`
                      : 'was not created by the platform'
                  }`,
              )
              .join('; ')}`,
          );
        }
        applied = await applyManifests(connection, objects, {
          dryRun: ctx.isDryRun,
          ownedObjects: new Set(
            existing.filter(e => e.exists).map(e => e.object),
          ),
          log,
        });
      } catch (error: any) {
        if (error instanceof InputError) throw error;
        await refuse(
          `${ctx.input.cluster} refused the manifests: ${clusterMessage(
            error,
          )}`,
        );
      }
      ctx.output(
        'applied',
        applied.map(
          o => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`,
        ),
      );
      // zod defaults are not applied to action inputs: an absent flag means wait
      if (ctx.isDryRun || ctx.input.waitForRollout === false) return;
      await waitForRollout(connection, applied, {
        timeoutMs: (ctx.input.timeoutSeconds ?? 600) * 1000,
        log,
        signal: ctx.signal,
      });
      log('Rollout complete');
    },
  });
}
