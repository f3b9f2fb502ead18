import { Config } from '@backstage/config';
import { isImageDigest } from '@inference-platform/plugin-inference-common';

/** How a registry host is reached: through a mirror, over plain HTTP, with credentials. */
export interface RegistrySettings {
  host: string;
  /** Host of a mirror that serves this registry's repositories under the same paths. */
  mirror?: string;
  insecure?: boolean;
  username?: string;
  password?: string;
  /** Hosts besides the registry's (or mirror's) own that may issue its bearer tokens, e.g. auth.docker.io. */
  tokenHosts?: string[];
}

/** A digest an operator pinned for a repository and tag. */
export interface ImagePin {
  repository: string;
  tag: string;
  digest: string;
}

/** `inference.images` of the app-config (see config.d.ts). */
export interface ImageSettings {
  resolveLive: boolean;
  registries: RegistrySettings[];
  pins: ImagePin[];
  allowedRegistries: string[];
  /** Accept images that need the CUDA forward-compatibility package on data-center GPUs. */
  allowForwardCompatibility: boolean;
}

/** Reads `inference.images`; a malformed pin throws naming the field. */
export function readImageSettings(root: Config): ImageSettings {
  const config = root.getOptionalConfig('inference.images');
  const pins = (config?.getOptionalConfigArray('pins') ?? []).map((p, i) => {
    const digest = p.getString('digest');
    if (!isImageDigest(digest)) {
      throw new Error(
        `inference.images.pins[${i}].digest must be sha256:<64 hex>, got '${digest}'`,
      );
    }
    return {
      repository: p.getString('repository'),
      tag: p.getString('tag'),
      digest,
    };
  });
  return {
    resolveLive: config?.getOptionalBoolean('resolveLive') ?? false,
    registries: (config?.getOptionalConfigArray('registries') ?? []).map(r => ({
      host: r.getString('host'),
      ...readMirror(r),
      username: r.getOptionalString('username'),
      password: r.getOptionalString('password'),
      tokenHosts: r.getOptionalStringArray('tokenHosts'),
    })),
    pins,
    allowedRegistries:
      config?.getOptionalStringArray('allowedRegistries') ?? [],
    allowForwardCompatibility:
      config?.getOptionalBoolean('allowForwardCompatibility') ?? false,
  };
}

/**
 * A registry's `mirror` and `insecure`. The mirror is `host[:port]` or a URL whose scheme says how to reach it
 * (`http://` is plain HTTP), so a single environment variable can set both; an empty mirror (an unset
 * `${VAR:-}`) means the registry itself.
 */
function readMirror(registry: Config): { mirror?: string; insecure?: boolean } {
  const raw = registry.getOptionalString('mirror')?.trim();
  const insecure = registry.getOptionalBoolean('insecure');
  if (!raw) return { insecure };
  const scheme = /^(https?):\/\/([^/]+)\/?$/.exec(raw);
  if (scheme) {
    return { mirror: scheme[2], insecure: insecure ?? scheme[1] === 'http' };
  }
  if (raw.includes('/')) {
    throw new Error(
      `inference.images.registries[].mirror '${raw}' must be host[:port] or http(s)://host[:port]`,
    );
  }
  return { mirror: raw, insecure };
}
