import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InferenceService } from '@inference-platform/plugin-inference-node';

/**
 * `inference:quota:release`: gives a pending reservation back, e.g. in a template's cleanup after a failed publish.
 * Releasing twice, or a dry run's reservation, is harmless.
 *
 * @public
 */
export function createQuotaReleaseAction(options: {
  inference: InferenceService;
}) {
  return createTemplateAction({
    id: 'inference:quota:release',
    description:
      'Releases a GPU quota reservation made by inference:quota:reserve.',
    examples: [
      {
        description: 'Give the GPUs back',
        example:
          'steps:\n  - id: release\n    action: inference:quota:release\n    input:\n      reservationId: ${{ steps.reserve.output.reservationId }}\n',
      },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        reservationId: z =>
          z.string().min(1).max(64).describe('Id from inference:quota:reserve'),
      },
      output: {
        state: z => z.string(),
      },
    },
    async handler(ctx) {
      if (ctx.isDryRun || ctx.input.reservationId === 'dry-run') {
        ctx.output('state', 'released');
        return;
      }
      const credentials = await ctx.getInitiatorCredentials();
      const released = await ctx.checkpoint({
        key: `inference-quota-release-${ctx.input.reservationId}`,
        fn: async () =>
          (
            await options.inference.releaseReservation(
              ctx.input.reservationId,
              { credentials },
            )
          ).state,
      });
      ctx.logger.info(`Reservation ${ctx.input.reservationId} is ${released}`);
      ctx.output('state', released);
    },
  });
}
