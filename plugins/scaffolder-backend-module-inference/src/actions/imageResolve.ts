import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  checkCudaCompatibility,
  compareVersions,
  findGpu,
  IMAGE_CATALOG,
  imageReference,
  isPlaceholderDigest,
  parseImageReference,
  ServingImage,
} from '@inference-platform/plugin-inference-common';
import { InferenceService } from '@inference-platform/plugin-inference-node';
import { isAllowedRepository } from '../images/allowedRegistries';
import { ImageSettings } from '../images/imageConfig';
import { resolveDigest } from '../registry/resolveDigest';
import { examples } from './imageResolve.examples';

const RUNTIMES = ['vllm', 'triton', 'tgi', 'tei'] as const;

/** The catalog image of a runtime and version for a GPU: TEI builds one tag per GPU architecture. */
export function selectCatalogImage(
  runtime: string,
  version: string | undefined,
  computeCapability: string | undefined,
): ServingImage {
  const candidates = IMAGE_CATALOG.filter(
    i => i.runtime === runtime && (!version || i.version === version),
  ).filter(
    i =>
      !i.targetComputeCapability ||
      !computeCapability ||
      i.targetComputeCapability === computeCapability,
  );
  if (candidates.length === 0) {
    const known = IMAGE_CATALOG.filter(i => i.runtime === runtime).map(
      i => i.version,
    );
    throw new InputError(
      `No ${runtime} image${version ? ` ${version}` : ''}${
        computeCapability ? ` for compute capability ${computeCapability}` : ''
      } in the image catalog (known versions: ${[...new Set(known)].join(
        ', ',
      )})`,
    );
  }
  return [...candidates].sort((a, b) =>
    compareVersions(b.version, a.version),
  )[0];
}

function splitRepository(repository: string): {
  registry: string;
  path: string;
} {
  const [registry, ...rest] = repository.split('/');
  return { registry, path: rest.join('/') };
}

type DigestSource = 'pin' | 'registry' | 'catalog' | 'input';

/** The image a step asks for, before any registry is asked about it. */
interface RequestedImage {
  repository: string;
  tag: string;
  /** Set when the reference carries its digest. */
  digest?: string;
  /** From the step's `image` input rather than the image catalog. */
  explicit: boolean;
}

/** The catalog image, or the step's explicit `image` normalised as a pinned reference is (docker.io/… for Hub names). */
function requestedImage(
  image: string | undefined,
  catalogImage: ServingImage,
): RequestedImage {
  if (!image) {
    return {
      repository: catalogImage.repository,
      tag: catalogImage.tag,
      explicit: false,
    };
  }
  try {
    const parsed = parseImageReference(image);
    return {
      repository: parsed.repository,
      tag: catalogImage.tag,
      digest: parsed.digest,
      explicit: true,
    };
  } catch {
    // not pinned: a <repository>:<tag> the platform may resolve
  }
  const [name, tag] = image.split(/:(?=[^/]+$)/);
  let repository: string;
  try {
    repository = parseImageReference(
      `${name}@sha256:${'0'.repeat(64)}`,
    ).repository;
  } catch {
    throw new InputError(
      `Image ${image} is not an image reference: use <repository>@sha256:<64 hex digits>, or <repository>:<tag> when the platform resolves tags`,
    );
  }
  if (!tag) {
    throw new InputError(
      `Image ${image} is referenced by tag only: pin it as repository@sha256:<digest>`,
    );
  }
  return { repository, tag, explicit: true };
}

/**
 * `inference:image:resolve`: runtime + version → `repository@sha256:…` from the image catalog, an operator's pin or the
 * registry itself, and refuses an image whose CUDA version the target pool's driver cannot run.
 *
 * @public
 */
export function createImageResolveAction(options: {
  images: ImageSettings;
  /** To look up the driver of the target pool when the template does not pass one. */
  inference?: InferenceService;
}) {
  const settings = options.images;
  return createTemplateAction({
    id: 'inference:image:resolve',
    description:
      'Resolves a serving image to repository@sha256 (catalog, operator pin, or the registry HTTP API v2 for a tag), checks its CUDA version against the target node driver and its compute capability against the GPU, and refuses tag-only or incompatible images with the reason.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        runtime: z => z.enum(RUNTIMES).describe('Serving runtime'),
        version: z =>
          z
            .string()
            .max(64)
            .optional()
            .describe('Runtime version (default: newest in the catalog)'),
        image: z =>
          z
            .string()
            .max(512)
            .optional()
            .describe(
              "An explicit image reference instead of the catalog, only from the platform's inference.images.allowedRegistries; a tag is resolved to a digest when the platform resolves tags, or refused",
            ),
        gpuType: z =>
          z
            .string()
            .max(128)
            .optional()
            .describe('GPU product label the image will run on'),
        driverVersion: z =>
          z
            .string()
            .regex(/^\d+(\.\d+){0,2}$/)
            .optional()
            .describe('NVIDIA driver of the target nodes'),
        cluster: z =>
          z
            .string()
            .max(253)
            .optional()
            .describe(
              'Without driverVersion: the cluster whose pool of gpuType gives the driver',
            ),
      },
      output: {
        image: z => z.string().describe('repository@sha256:…'),
        repository: z => z.string(),
        digest: z => z.string(),
        tag: z => z.string(),
        cudaVersion: z => z.string(),
        compatibility: z => z.string(),
        digestSource: z => z.enum(['pin', 'registry', 'catalog', 'input']),
      },
    },
    async handler(ctx) {
      const input = { ...ctx.input };
      // MIG slices (`<product>-MIG-<profile>`) run the image of their GPU
      const baseProduct = input.gpuType?.replace(/-MIG-.*$/, '');
      const gpu = baseProduct ? findGpu(baseProduct) : undefined;
      const catalogImage = selectCatalogImage(
        input.runtime,
        input.version,
        gpu?.computeCapability ?? undefined,
      );
      const requested = requestedImage(input.image, catalogImage);
      const { repository, tag } = requested;

      // before anything is asked of a registry (or the backend): the platform's allow-list, never widened by input
      if (!isAllowedRepository(repository, settings.allowedRegistries)) {
        throw new InputError(
          `${repository} is not from an allowed registry (${settings.allowedRegistries.join(
            ', ',
          )})`,
        );
      }

      if (
        !input.driverVersion &&
        input.cluster &&
        input.gpuType &&
        options.inference
      ) {
        const clusters = await options.inference.getClusters({
          credentials: await ctx.getInitiatorCredentials(),
        });
        const pool = clusters
          .find(c => c.name === input.cluster)
          ?.capacity?.pools.find(
            p => p.gpuType === input.gpuType || p.gpuType === baseProduct,
          );
        if (!pool) {
          throw new InputError(
            `Cluster ${input.cluster} has no ${input.gpuType} node pool`,
          );
        }
        input.driverVersion = pool.driverVersion;
      }

      let digest = requested.digest;
      let digestSource: DigestSource = 'input';
      if (!digest) {
        const pin = settings.pins.find(
          p => p.repository === repository && p.tag === tag,
        );
        const { registry, path } = splitRepository(repository);
        const registrySettings = settings.registries.find(
          r => r.host === registry,
        );
        if (pin) {
          digest = pin.digest;
          digestSource = 'pin';
        } else if (requested.explicit && !settings.resolveLive) {
          throw new InputError(
            `Image ${input.image} is referenced by tag only: pin it as repository@sha256:<digest> (the platform does not resolve tags: inference.images.resolveLive is off)`,
          );
        } else if (
          requested.explicit &&
          settings.allowedRegistries.length === 0 &&
          !registrySettings
        ) {
          // no allow-list: a task may still not point the backend at a host the platform never named
          throw new InputError(
            `Image ${input.image} is referenced by tag only and ${registry} is not a registry the platform resolves tags from (inference.images.registries or allowedRegistries): pin it as repository@sha256:<digest>`,
          );
        } else if (settings.resolveLive) {
          const host = registrySettings?.mirror ?? registry;
          try {
            ({ digest } = await resolveDigest(
              { registry: host, repository: path, tag },
              {
                insecure: registrySettings?.insecure,
                username: registrySettings?.username,
                password: registrySettings?.password,
                tokenHosts: registrySettings?.tokenHosts,
              },
            ));
          } catch (error) {
            throw new InputError(
              `Could not resolve ${repository}:${tag} to a digest: ${
                (error as Error).message
              }`,
            );
          }
          digestSource = 'registry';
          ctx.logger.info(
            `Resolved ${repository}:${tag} to ${digest} through ${host}`,
          );
        } else if (
          !isPlaceholderDigest(catalogImage.digest) &&
          repository === catalogImage.repository
        ) {
          digest = catalogImage.digest;
          digestSource = 'catalog';
        } else {
          throw new InputError(
            `No verified digest for ${repository}:${tag}: pin one under inference.images.pins, or enable inference.images.resolveLive with a reachable registry or mirror`,
          );
        }
      }

      let compatibility = 'unchecked: no driver version given';
      if (input.driverVersion) {
        const result = checkCudaCompatibility({
          imageCudaVersion: catalogImage.cudaVersion,
          driverVersion: input.driverVersion,
          gpu: gpu
            ? {
                computeCapability: gpu.computeCapability,
                dataCenter: gpu.dataCenter,
                name: gpu.name,
              }
            : undefined,
          imageMinComputeCapability: catalogImage.minComputeCapability,
        });
        const forwardCompatRefused =
          result.status === 'needs-forward-compat' &&
          !settings.allowForwardCompatibility;
        if (result.status === 'incompatible' || forwardCompatRefused) {
          throw new InputError(
            `${repository}:${tag} (CUDA ${catalogImage.cudaVersion}) cannot run on driver ${input.driverVersion}: ${result.reason}`,
          );
        }
        compatibility = `${result.status}: ${result.reason}`;
        ctx.logger.info(
          `CUDA ${catalogImage.cudaVersion} on driver ${input.driverVersion}: ${compatibility}`,
        );
      }

      const image = imageReference({ repository, digest });
      ctx.logger.info(
        `Pinned ${repository}:${tag} as ${image} (digest from ${digestSource})`,
      );
      ctx.output('image', image);
      ctx.output('repository', repository);
      ctx.output('digest', digest);
      ctx.output('tag', tag);
      ctx.output('cudaVersion', catalogImage.cudaVersion);
      ctx.output('compatibility', compatibility);
      ctx.output('digestSource', digestSource);
    },
  });
}
