import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ClusterConnection,
  InferenceService,
} from '@inference-platform/plugin-inference-node';
import { KubernetesObject } from '@kubernetes/client-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  applyManifests,
  FIELD_MANAGER,
  waitForRollout,
} from '../cluster/applyManifests';
import { dns1123Label } from './names';
import { examples } from './manifestsApply.examples';
import { workspaceFolder } from './workspacePath';

async function readManifests(root: string): Promise<KubernetesObject[]> {
  const entries = await fs.readdir(root, {
    withFileTypes: true,
    recursive: true,
  });
  const manifests: KubernetesObject[] = [];
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

/**
 * `inference:manifests:apply`: server-side applies the workspace's manifests to a configured cluster (field manager
 * `backstage-inference`) and waits for the rollout, logging progress; a dry run asks the API server to validate only.
 *
 * @public
 */
export function createManifestsApplyAction(options: {
  clusters: ClusterConnection[];
  inference?: InferenceService;
}) {
  return createTemplateAction({
    id: 'inference:manifests:apply',
    description: `Applies the workspace's Kubernetes manifests to a cluster with server-side apply (field manager ${FIELD_MANAGER}) and waits for Deployments and StatefulSets to roll out. For the demo and for teams without GitOps.`,
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
      /** Gives the GPUs back when nothing was deployed; returns a note for the error message. */
      const releaseOnFailure = async (context: typeof ctx) => {
        const id = context.input.reservationId;
        if (!id || context.isDryRun || !options.inference) return '';
        try {
          const { state } = await options.inference.releaseReservation(id, {
            credentials: await context.getInitiatorCredentials(),
          });
          return ` (reservation ${id} ${state})`;
        } catch (error) {
          return ` (reservation ${id} could not be released: ${
            (error as Error).message
          }; it expires unconfirmed)`;
        }
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
      const log = (message: string) => ctx.logger.info(message);
      let applied: KubernetesObject[];
      try {
        applied = await applyManifests(connection, manifests, {
          namespace: ctx.input.namespace,
          dryRun: ctx.isDryRun,
          log,
        });
      } catch (error: any) {
        let body = '';
        if (typeof error?.body === 'string') body = error.body;
        else if (error?.body) body = JSON.stringify(error.body);
        const message = (() => {
          try {
            return JSON.parse(body).message;
          } catch {
            return body || error?.message;
          }
        })();
        const released = await releaseOnFailure(ctx);
        throw new InputError(
          `${ctx.input.cluster} refused the manifests: ${message}${released}`,
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
