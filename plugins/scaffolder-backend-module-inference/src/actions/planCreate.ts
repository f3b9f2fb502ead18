import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  checkQuotaRequest,
  compareVersions,
  describeHfConfig,
  IMAGE_CATALOG,
  describeHfModel,
  findModel,
  HfModelDescription,
  ModelServingPlan,
  placementRefusal,
  planModelServing,
  resolveGpuPrices,
  resolveGpuType,
  usableMemoryLabel,
  WeightPrecision,
} from '@inference-platform/plugin-inference-common';
import {
  GpuPriceSettings,
  InferenceService,
  TeamTenancy,
} from '@inference-platform/plugin-inference-node';
import { ModelSource } from '../models/modelSource';
import { examples } from './planCreate.examples';

const PRECISIONS = [
  'bf16',
  'fp16',
  'fp8',
  'int8',
  'int4',
  'awq',
  'gptq',
] as const;

/** GPU types the target clusters have, with the driver of each (from the inference backend's capacity view). */
async function availableGpuTypes(
  inference: InferenceService,
  clusters: string[] | undefined,
  credentials: BackstageCredentials,
) {
  const all = await inference.getClusters({ credentials });
  const unknown = (clusters ?? []).filter(c => !all.some(x => x.name === c));
  if (unknown.length) {
    throw new InputError(
      `Unknown cluster(s) ${unknown.join(', ')}; the platform tracks ${
        all.map(c => c.name).join(', ') || 'no clusters'
      }`,
    );
  }
  const pools = all
    .filter(c => !clusters?.length || clusters.includes(c.name))
    .flatMap(c =>
      (c.capacity?.pools ?? []).map(p => ({ cluster: c.name, ...p })),
    );
  return pools;
}

function explainRefusal(plan: ModelServingPlan): string {
  const lines = plan.plans.map(
    p => `- ${p.gpuType}: ${p.reasons.join('; ') || 'does not fit'}`,
  );
  return `${plan.modelId} (${plan.precision}, max-model-len ${
    plan.maxModelLen
  }, ${
    plan.targetConcurrency
  } concurrent sequences) fits no GPU type of the target clusters:\n${lines.join(
    '\n',
  )}`;
}

/**
 * `inference:plan:create`: sizes a model service for the GPU types the target clusters actually have, and outputs the
 * chosen GPU type, GPUs per replica, tensor parallelism, vLLM arguments, memory breakdown and the reason.
 *
 * @public
 */
export function createPlanCreateAction(options: {
  inference: InferenceService;
  /** When given, the owner must be the user's team and the clusters ones it may deploy to. */
  tenancy?: TeamTenancy;
  /** Where the config.json of a model outside the catalog is fetched from (inference.modelSource). */
  modelSource?: ModelSource;
  /** The configured GPU prices (inference.prices, readGpuPriceSettings); the built-in defaults when absent. */
  prices?: GpuPriceSettings;
}) {
  return createTemplateAction({
    id: 'inference:plan:create',
    description:
      'Sizes a model service (weights + KV cache per GPU) for the GPU types in the target clusters and picks the cheapest that serves the requested concurrency at the context length. Fails naming, per GPU type, why nothing fits.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        model: z =>
          z
            .string()
            .min(1)
            .max(200)
            .describe(
              'Catalog id or Hugging Face id of the model (e.g. meta-llama/Llama-3.1-8B-Instruct)',
            ),
        architecture: z =>
          z
            .object({
              numHiddenLayers: z.number().int().positive(),
              hiddenSize: z.number().int().positive(),
              numAttentionHeads: z.number().int().positive(),
              numKeyValueHeads: z.number().int().positive(),
              headDim: z.number().int().positive().optional(),
              intermediateSize: z.number().int().positive(),
              vocabSize: z.number().int().positive(),
              maxPositionEmbeddings: z.number().int().positive(),
              tieWordEmbeddings: z.boolean().default(false),
              parameterCount: z.number().positive().optional(),
            })
            .optional()
            .describe(
              'Architecture numbers (as in its config.json) of a model that is not in the catalog',
            ),
        modelConfig: z =>
          z
            .string()
            .max(1_000_000)
            .optional()
            .describe(
              "The model's config.json, pasted (air-gapped installations); otherwise a model outside the catalog is fetched from inference.modelSource",
            ),
        precision: z =>
          z
            .enum(PRECISIONS)
            .default('bf16')
            .describe('Weight precision or quantization'),
        kvCacheDtype: z =>
          z.enum(['auto', 'fp8']).default('auto').describe('KV-cache dtype'),
        maxModelLen: z =>
          z
            .number()
            .int()
            .min(256)
            .max(1_048_576)
            .describe('Context length (prompt + output)'),
        concurrency: z =>
          z
            .number()
            .int()
            .min(1)
            .max(100_000)
            .describe('Sequences served at once at that context length'),
        gpuType: z =>
          z
            .string()
            .default('auto')
            .describe(
              "A GPU product label, or 'auto' for the cheapest that fits",
            ),
        vllmVersion: z =>
          z
            .string()
            .optional()
            .describe(
              'vLLM release of the image that will serve (e.g. 0.10.1.1): the plan follows its memory accounting. Default: the newest vLLM image of the catalog',
            ),
        gpuMemoryUtilization: z =>
          z
            .number()
            .min(0.5)
            .max(0.98)
            .optional()
            .describe(
              "vLLM's --gpu-memory-utilization (default: the current vLLM default)",
            ),
        clusters: z =>
          z
            .array(z.string().min(1))
            .optional()
            .describe('Clusters the service may run in (default: all)'),
        owner: z =>
          z
            .string()
            .max(253)
            .optional()
            .describe(
              "With gpuType 'auto': prefer the cheapest GPU type this team has quota headroom for",
            ),
        quotaReplicas: z =>
          z
            .number()
            .int()
            .min(1)
            .max(1000)
            .optional()
            .describe(
              'Replicas the quota is charged for (the autoscaler ceiling); default: the planned replicas',
            ),
      },
      output: {
        gpuType: z => z.string(),
        gpusPerReplica: z => z.number(),
        tensorParallelSize: z => z.number(),
        replicas: z => z.number(),
        maxConcurrencyPerReplica: z => z.number(),
        kvCacheTokens: z => z.number(),
        gpuMemoryUtilization: z => z.number(),
        vllmArgs: z => z.array(z.string()),
        memoryGiB: z => z.record(z.number()),
        driverVersion: z => z.string().optional(),
        vllmBehaviour: z =>
          z
            .string()
            .describe(
              'The vLLM release whose memory accounting the plan followed',
            ),
        errorBand: z =>
          z
            .object({
              weightsPct: z.number(),
              kvCacheGiB: z.number(),
              calibrated: z.boolean(),
              basis: z.string(),
            })
            .describe(
              'Error band of the memory figures (90th percentile); the KV band is kept free as a margin',
            ),
        clusters: z => z.array(z.string()),
        usdPerHour: z => z.number().optional(),
        reason: z => z.string(),
        plan: z =>
          z.string().describe('The plan as JSON, for the entity annotation'),
        architectureJson: z =>
          z
            .string()
            .describe(
              'Architecture numbers (JSON) of a model outside the catalog, for the workload annotation; empty for catalog models',
            ),
        modelArchitecture: z =>
          z
            .string()
            .optional()
            .describe(
              "What was read from a model's config.json (family, layers by type, experts, precision), for the review",
            ),
      },
    },
    async handler(ctx) {
      // the scaffolder validates inputs with the JSON schema but does not apply the zod defaults
      const input = {
        ...ctx.input,
        precision: ctx.input.precision ?? 'bf16',
        kvCacheDtype: ctx.input.kvCacheDtype ?? 'auto',
        gpuType: ctx.input.gpuType ?? 'auto',
      };
      const credentials = await ctx.getInitiatorCredentials();
      if (options.tenancy && input.owner) {
        // refuse early: the user plans for a team they act for, on clusters it was granted
        const caller = await options.tenancy.requireActsFor(
          credentials,
          input.owner,
          'plan a service for it',
        );
        if (!options.tenancy.isPlatform(caller)) {
          const placement = await options.tenancy.placementOf(
            input.owner,
            credentials,
          );
          for (const cluster of input.clusters ?? []) {
            const refusal = placementRefusal(placement, { cluster });
            if (refusal) throw new InputError(refusal);
          }
        }
      }
      const fromConfig = await modelFromConfig(input, options.modelSource);
      if (fromConfig) {
        ctx.logger.info(`Model ${input.model}: ${fromConfig.summary}`);
        ctx.output('modelArchitecture', fromConfig.summary);
      }
      const pools = await availableGpuTypes(
        options.inference,
        input.clusters,
        credentials,
      );
      const present = [...new Set(pools.map(p => p.gpuType))];
      if (present.length === 0) {
        throw new InputError('The target clusters have no GPU node pools');
      }
      if (input.gpuType !== 'auto' && !present.includes(input.gpuType)) {
        throw new InputError(
          `GPU type ${
            input.gpuType
          } is not in the target clusters (they have ${present.join(', ')})`,
        );
      }
      // one plan per GPU type, with tensor parallelism capped by the GPUs of that type's nodes
      const types = input.gpuType === 'auto' ? present : [input.gpuType];
      const gpusPerNode = (gpuType: string) =>
        Math.max(
          1,
          ...pools
            .filter(p => p.gpuType === gpuType)
            .map(p => (p.nodes > 0 ? Math.floor(p.allocatable / p.nodes) : 8)),
        );
      const standings =
        input.owner && input.gpuType === 'auto'
          ? await options.inference.getQuotaStandings(input.owner, {
              credentials,
            })
          : undefined;
      const quotaCharge = (gpusPerReplica: number, replicas: number) =>
        gpusPerReplica * Math.max(replicas, input.quotaReplicas ?? 0);
      const hasHeadroom = (
        gpuType: string,
        gpusPerReplica: number,
        replicas: number,
      ) => {
        if (!standings) return true;
        // no line for the GPU type: no limit, which the admission rule refuses
        const line = standings.find(s => s.gpuType === gpuType) ?? {
          owner: input.owner ?? '',
          gpuType,
          used: 0,
          reserved: 0,
        };
        return checkQuotaRequest(line, quotaCharge(gpusPerReplica, replicas))
          .admitted;
      };
      const quotaNote = (gpuType: string) => {
        const line = standings?.find(s => s.gpuType === gpuType);
        if (!standings) return '';
        return line?.limit === undefined
          ? ` (${input.owner} has no quota for it)`
          : ` (${input.owner} has ${Math.max(0, line.headroom ?? 0)} free)`;
      };
      let plan: ModelServingPlan;
      try {
        const perType = types.map(gpuType =>
          planModelServing({
            model:
              input.architecture ?? fromConfig?.architecture ?? input.model,
            precision: (fromConfig?.precision ??
              input.precision) as WeightPrecision,
            kvCacheDtype: input.kvCacheDtype,
            maxModelLen: input.maxModelLen,
            targetConcurrency: input.concurrency,
            gpuTypes: [gpuType],
            gpuMemoryUtilization: input.gpuMemoryUtilization,
            vllmVersion: input.vllmVersion ?? newestVllmVersion(),
            maxGpusPerNode: gpusPerNode(gpuType),
            prices: options.prices?.prices ?? resolveGpuPrices(),
            priceKind: options.prices?.priceKind,
          } as any),
        );
        const plans = perType.flatMap(p => p.plans);
        const fitting = plans
          .filter(p => p.fits)
          .sort(
            (a, b) =>
              (a.costPerHourUsd ?? Infinity) - (b.costPerHourUsd ?? Infinity),
          );
        // 'auto' for a team: the cheapest type the team can actually get, before the cheapest overall
        const affordable = fitting.filter(p =>
          hasHeadroom(p.gpuType, p.gpusPerReplica, p.replicas),
        );
        plan = {
          ...perType[0],
          plans,
          recommendation: affordable[0] ?? fitting[0],
        };
      } catch (error) {
        throw new InputError(
          error instanceof Error ? error.message : String(error),
        );
      }
      const chosen = plan.recommendation;
      if (!chosen) throw new InputError(explainRefusal(plan));

      const pool = pools.find(p => p.gpuType === chosen.gpuType)!;
      const clusters = [
        ...new Set(
          pools.filter(p => p.gpuType === chosen.gpuType).map(p => p.cluster),
        ),
      ];
      const others = plan.plans
        .filter(p => p !== chosen)
        .map(p =>
          p.fits
            ? `${p.gpuType} fits at $${
                p.costPerHourUsd?.toFixed(2) ?? '?'
              }/h${quotaNote(p.gpuType)}`
            : `${p.gpuType}: ${p.reasons[0]}`,
        );
      if (
        !hasHeadroom(chosen.gpuType, chosen.gpusPerReplica, chosen.replicas)
      ) {
        ctx.logger.warn(
          `No fitting GPU type has quota headroom for ${input.owner}; the cheapest is chosen and the reservation will say what is missing`,
        );
      }
      const chosenType = resolveGpuType(chosen.gpuType);
      const reason =
        `${chosen.gpuType}: ${chosen.replicas} replica(s) of ${chosen.gpusPerReplica} GPU(s) (TP=${chosen.tensorParallelSize}) ` +
        `hold ${chosen.kvCacheTokens} KV-cache tokens each (${Math.floor(
          chosen.maxConcurrencyPerReplica,
        )} full-length sequences of ${plan.maxModelLen} tokens)` +
        `${
          chosen.costPerHourUsd !== undefined
            ? `, $${chosen.costPerHourUsd.toFixed(2)}/h`
            : ''
        }` +
        ` at --gpu-memory-utilization ${plan.gpuMemoryUtilization}` +
        `${chosenType ? ` of ${usableMemoryLabel(chosenType)}` : ''}` +
        ` (${
          plan.vllmBehaviour
        }; KV margin ${chosen.errorBand.kvCacheGiB.toFixed(2)} GiB kept: ${
          chosen.errorBand.basis
        })${others.length ? `. Also considered: ${others.join('; ')}` : ''}`;
      ctx.logger.info(reason);

      ctx.output('gpuType', chosen.gpuType);
      ctx.output('gpusPerReplica', chosen.gpusPerReplica);
      ctx.output('tensorParallelSize', chosen.tensorParallelSize);
      ctx.output('replicas', chosen.replicas);
      ctx.output('maxConcurrencyPerReplica', chosen.maxConcurrencyPerReplica);
      ctx.output('kvCacheTokens', chosen.kvCacheTokens);
      ctx.output('gpuMemoryUtilization', plan.gpuMemoryUtilization);
      ctx.output('vllmArgs', chosen.vllmArgs);
      ctx.output(
        'memoryGiB',
        Object.fromEntries(
          Object.entries(chosen.memoryPerGpu)
            .filter(([, v]) => typeof v === 'number')
            .map(([k, v]) => [k, Math.round((v as number) * 100) / 100]),
        ),
      );
      if (pool.driverVersion) ctx.output('driverVersion', pool.driverVersion);
      ctx.output('vllmBehaviour', plan.vllmBehaviour);
      ctx.output(
        'architectureJson',
        findModel(plan.modelId) ? '' : JSON.stringify(plan.model),
      );
      ctx.output('errorBand', chosen.errorBand);
      ctx.output('clusters', clusters);
      if (chosen.costPerHourUsd !== undefined)
        ctx.output('usdPerHour', Math.round(chosen.costPerHourUsd * 100) / 100);
      ctx.output('reason', reason);
      ctx.output(
        'plan',
        JSON.stringify({
          model: plan.modelId,
          precision: plan.precision,
          maxModelLen: plan.maxModelLen,
          concurrency: plan.targetConcurrency,
          gpuType: chosen.gpuType,
          gpusPerReplica: chosen.gpusPerReplica,
          tensorParallelSize: chosen.tensorParallelSize,
          replicas: chosen.replicas,
          gpuMemoryUtilization: plan.gpuMemoryUtilization,
          kvCacheTokens: chosen.kvCacheTokens,
          vllmBehaviour: plan.vllmBehaviour,
          kvErrorBandGiB: chosen.errorBand.kvCacheGiB,
        }),
      );
    },
  });
}

/**
 * The architecture of a model given by its config.json: pasted into the form, or fetched from the model source for a
 * model that is neither in the catalog nor described by architecture numbers. Undefined for catalog models.
 */
async function modelFromConfig(
  input: { model: string; architecture?: unknown; modelConfig?: string },
  modelSource: ModelSource | undefined,
): Promise<
  { architecture: object; precision?: string; summary: string } | undefined
> {
  if (input.architecture) return undefined;
  let config: unknown;
  if (input.modelConfig?.trim()) {
    try {
      config = JSON.parse(input.modelConfig);
    } catch (error) {
      throw new InputError(
        `The pasted config.json is not JSON: ${(error as Error).message}`,
      );
    }
  } else {
    if (findModel(input.model) || !modelSource) return undefined;
    config = await modelSource.configOf(input.model);
  }
  let description: HfModelDescription;
  try {
    description = describeHfConfig(config);
  } catch (error) {
    throw new InputError(
      `Cannot size ${input.model} from its config.json: ${
        (error as Error).message
      }`,
    );
  }
  return {
    architecture: { ...description.architecture, id: input.model },
    // a quantized checkpoint is served in its own precision whatever the form says
    precision:
      description.precision === 'bf16' || description.precision === 'fp16'
        ? undefined
        : description.precision,
    summary: describeHfModel(description),
  };
}

/** The release `inference:image:resolve` picks when the form names none: the newest vLLM image of the catalog. */
function newestVllmVersion(): string | undefined {
  return IMAGE_CATALOG.filter(image => image.runtime === 'vllm')
    .map(image => image.version)
    .sort((a, b) => compareVersions(b, a))[0];
}
