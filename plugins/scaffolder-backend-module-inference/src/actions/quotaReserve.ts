import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  checkQuotaRequest,
  placementRefusal,
} from '@inference-platform/plugin-inference-common';
import {
  InferenceService,
  TeamTenancy,
} from '@inference-platform/plugin-inference-node';
import { dns1123Label, ownerRef, toGroupRef } from './names';
import { examples } from './quotaReserve.examples';

/**
 * `inference:quota:reserve`: reserves GPUs of the owner's quota for the service being created, on behalf of the user
 * running the template. Idempotent across task retries; fails with used, reserved, requested and limit when the quota
 * would be exceeded. The reservation is confirmed when the workload appears, or expires after its TTL.
 *
 * @public
 */
export function createQuotaReserveAction(options: {
  inference: InferenceService;
  /** When given, the user must act for the owner and the workload's place must be one the owner was granted. */
  tenancy?: TeamTenancy;
}) {
  return createTemplateAction({
    id: 'inference:quota:reserve',
    description:
      "Reserves GPUs (GPUs per replica x the autoscaler's maximum replicas) of the owner group's quota for one GPU type. Refuses, with the numbers, when used + reserved + requested would exceed the limit.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        owner: z => ownerRef(z).describe('Owner group of the service'),
        gpuType: z =>
          z
            .string()
            .min(1)
            .max(128)
            .describe('GPU product label (or <label>-MIG-<profile>)'),
        gpus: z =>
          z
            .number()
            .int()
            .min(1)
            .max(10_000)
            .describe('GPUs to reserve: per replica x max replicas'),
        ttlSeconds: z =>
          z
            .number()
            .int()
            .min(60)
            .max(604_800)
            .default(1800)
            .describe('Until the reservation expires unconfirmed'),
        entityRef: z =>
          z
            .string()
            .max(255)
            .optional()
            .describe('The catalog entity the GPUs are for'),
        cluster: z => z.string().max(253).optional(),
        namespace: z => dns1123Label(z, 'namespace').optional(),
        name: z =>
          dns1123Label(z, 'name')
            .optional()
            .describe('Workload that will confirm the reservation'),
      },
      output: {
        reservationId: z => z.string(),
        expiresAt: z => z.string(),
      },
    },
    async handler(ctx) {
      // the scaffolder validates inputs with the JSON schema but does not apply the zod defaults
      const input = {
        ...ctx.input,
        owner: toGroupRef(ctx.input.owner),
        ttlSeconds: ctx.input.ttlSeconds ?? 1800,
      };
      const credentials = await ctx.getInitiatorCredentials();
      if (options.tenancy) {
        const caller = await options.tenancy.requireActsFor(
          credentials,
          input.owner,
          'reserve GPUs for it',
        );
        if (input.cluster && !options.tenancy.isPlatform(caller)) {
          const refusal = placementRefusal(
            await options.tenancy.placementOf(input.owner, credentials),
            { cluster: input.cluster, namespace: input.namespace },
          );
          if (refusal) throw new InputError(refusal);
        }
      }
      if (ctx.isDryRun) {
        // a dry run must not hold GPUs: it checks the quota read-only and reports what it would reserve
        const standings = await options.inference.getQuotaStandings(
          input.owner,
          { credentials },
        );
        const decision = checkQuotaRequest(
          standings.find(s => s.gpuType === input.gpuType) ?? {
            owner: input.owner,
            gpuType: input.gpuType,
            used: 0,
            reserved: 0,
          },
          input.gpus,
        );
        if (!decision.admitted) throw new InputError(decision.reason);
        ctx.logger.info(`Dry run: would reserve: ${decision.reason}`);
        ctx.output('reservationId', 'dry-run');
        ctx.output(
          'expiresAt',
          new Date(Date.now() + input.ttlSeconds * 1000).toISOString(),
        );
        return;
      }
      const reservation = await ctx.checkpoint({
        key: `inference-quota-reserve-${input.owner}-${input.gpuType}-${input.gpus}`,
        fn: async () => {
          try {
            const r = await options.inference.reserveGpus(
              {
                owner: input.owner,
                gpuType: input.gpuType,
                gpus: input.gpus,
                ttlSeconds: input.ttlSeconds,
                // the same key on a retried task returns the first reservation instead of a second one
                idempotencyKey: `${ctx.task.id}:${input.owner}:${input.gpuType}`,
                entityRef: input.entityRef,
                workload:
                  input.cluster && input.namespace && input.name
                    ? {
                        cluster: input.cluster,
                        namespace: input.namespace,
                        name: input.name,
                      }
                    : undefined,
              },
              { credentials },
            );
            return { id: r.id, expiresAt: r.expiresAt };
          } catch (error: any) {
            const message =
              error?.cause?.message ?? error?.message ?? String(error);
            if (
              error?.statusCode === 409 ||
              error?.statusCode === 403 ||
              error?.statusCode === 400
            ) {
              throw new InputError(message);
            }
            throw error;
          }
        },
      });
      ctx.logger.info(
        `Reserved ${input.gpus} x ${input.gpuType} for ${input.owner} (reservation ${reservation.id}, until ${reservation.expiresAt})`,
      );
      ctx.output('reservationId', reservation.id);
      ctx.output('expiresAt', reservation.expiresAt);
    },
  });
}
