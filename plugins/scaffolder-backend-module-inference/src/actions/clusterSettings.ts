import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ClusterPlatformSettings,
  describeClusterPlatform,
  findGpu,
  gpuNodeRequirements,
  startupBudget,
} from '@inference-platform/plugin-inference-common';

/**
 * `inference:cluster:settings`: the platform settings of the target cluster (Prometheus, monitoring, ingress and
 * KEDA HTTP add-on namespaces, model cache storage, download rate, Pod Security level), and, from the plan, the
 * start-up budget (download of the whole model, load, engine start) that sizes the startup probe, the apply step's
 * wait and the scale-from-zero hold; for a GPU type, the Karpenter requirements that launch exactly that GPU.
 *
 * @public
 */
export function createClusterSettingsAction(options: {
  settingsOf: (cluster: string) => ClusterPlatformSettings;
}) {
  return createTemplateAction({
    id: 'inference:cluster:settings',
    description:
      "Outputs the target cluster's platform settings (inference.platform in app-config), the start-up budget of a planned model, and the Karpenter requirements of a GPU type.",
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z => z.string().min(1).max(253).describe('Target cluster'),
        weightsGiBPerGpu: z =>
          z
            .number()
            .nonnegative()
            .optional()
            .describe("Weights per GPU (the plan's memoryGiB.weightsGiB)"),
        tensorParallelSize: z =>
          z.number().int().positive().optional().describe('GPUs per replica'),
        gpuType: z =>
          z
            .string()
            .max(200)
            .optional()
            .describe('GPU product label, for node pool requirements'),
      },
      output: {
        settings: z => z.record(z.unknown()),
        startup: z => z.record(z.unknown()).optional(),
        nodeRequirements: z => z.array(z.record(z.unknown())).optional(),
        migQuota: z =>
          z
            .array(z.object({ resource: z.string(), perGpu: z.number() }))
            .optional()
            .describe(
              "The GPU type's MIG resources (mixed strategy) and how many of each one GPU holds",
            ),
        summary: z => z.string(),
      },
    },
    async handler(ctx) {
      const settings = options.settingsOf(ctx.input.cluster);
      const lines = describeClusterPlatform(settings);
      ctx.output('settings', settings as unknown as Record<string, unknown>);
      if (ctx.input.weightsGiBPerGpu !== undefined) {
        const startup = startupBudget({
          weightsGiBPerGpu: ctx.input.weightsGiBPerGpu,
          tensorParallelSize: ctx.input.tensorParallelSize ?? 1,
          settings,
        });
        ctx.output('startup', startup as unknown as Record<string, unknown>);
        lines.push(
          `start-up: ${
            startup.coldStartSeconds
          } s for a replica without the model (download ${startup.modelGiB.toFixed(
            1,
          )} GiB at ${settings.downloadMiBps} MiB/s: ${
            startup.downloadSeconds
          } s, load ${startup.loadSeconds} s, engine ${
            startup.engineInitSeconds
          } s); a request waking the service from zero waits about ${
            startup.wakeSeconds
          } s`,
        );
      }
      if (ctx.input.gpuType) {
        const gpu = findGpu(ctx.input.gpuType);
        if (!gpu) throw new InputError(`Unknown GPU type ${ctx.input.gpuType}`);
        if (!gpu.karpenterGpuName)
          throw new InputError(
            `${gpu.name} has no Karpenter GPU name in the GPU catalog, so no node pool can be sized for it`,
          );
        ctx.output(
          'nodeRequirements',
          gpuNodeRequirements(gpu) as unknown as Record<string, unknown>[],
        );
        // a `+me` profile is advertised under its base profile's resource: one quota line each, at the most a GPU holds
        const perResource = new Map<string, number>();
        for (const p of gpu.migProfiles)
          perResource.set(
            p.resourceName,
            Math.max(perResource.get(p.resourceName) ?? 0, p.maxInstances),
          );
        ctx.output(
          'migQuota',
          [...perResource].map(([resource, perGpu]) => ({ resource, perGpu })),
        );
      }
      const summary = lines.join('\n');
      ctx.logger.info(`Cluster ${ctx.input.cluster}: ${summary}`);
      ctx.output('summary', summary);
    },
  });
}
