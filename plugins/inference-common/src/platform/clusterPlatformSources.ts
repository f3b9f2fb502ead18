/**
 * Where each platform setting of a cluster comes from: the config key that set it, or, for a setting config leaves
 * unset, the source of its built-in default ({@link CLUSTER_PLATFORM_DEFAULT_SOURCES}). Lets a form label the values
 * a platform team never chose.
 */
import {
  CLUSTER_PLATFORM_DEFAULT_SOURCES,
  ClusterPlatformOverrides,
  ClusterPlatformSettings,
  DEFAULT_CLUSTER_PLATFORM,
} from './clusterPlatform';

type Settings = ClusterPlatformSettings;
type Field = keyof Settings & string;

/**
 * A single setting: a top-level field, or `<group>.<field>` inside ingress, httpAddOn and modelCache.
 *
 * @public
 */
export type ClusterPlatformSettingPath = {
  [K in Field]: Settings[K] extends unknown[]
    ? K
    : Settings[K] extends object
    ? `${K}.${keyof Settings[K] & string}`
    : K;
}[Field];

/**
 * Source of every setting of one cluster.
 *
 * @public
 */
export type ClusterPlatformSources = Record<ClusterPlatformSettingPath, string>;

/**
 * One layer of config: where it sits (e.g. `inference.platform.clusters.gpu-us-east`) and what it sets.
 *
 * @public
 */
export interface ClusterPlatformLayer {
  at: string;
  overrides?: ClusterPlatformOverrides;
}

const isGroup = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SETTING_PATHS = (
  Object.keys(DEFAULT_CLUSTER_PLATFORM) as Field[]
).flatMap(field => {
  const value = DEFAULT_CLUSTER_PLATFORM[field];
  return isGroup(value)
    ? Object.keys(value).map(sub => `${field}.${sub}`)
    : [field];
}) as ClusterPlatformSettingPath[];

const fieldOf = (path: ClusterPlatformSettingPath) =>
  path.split('.')[0] as Field;

function valueAt(
  overrides: ClusterPlatformOverrides | undefined,
  path: ClusterPlatformSettingPath,
): unknown {
  const [field, sub] = path.split('.');
  const value = (overrides as Record<string, unknown> | undefined)?.[field];
  return sub && isGroup(value) ? value[sub] : value;
}

/**
 * Sources of a cluster's settings, for layers given in the order {@link resolveClusterPlatform} applies them (later
 * layers win): the config key of the last layer that sets each setting, else the built-in default's source.
 *
 * @public
 */
export function clusterPlatformSources(
  ...layers: ClusterPlatformLayer[]
): ClusterPlatformSources {
  const sources = {} as ClusterPlatformSources;
  for (const path of SETTING_PATHS) {
    sources[path] = CLUSTER_PLATFORM_DEFAULT_SOURCES[fieldOf(path)];
    for (const layer of layers) {
      if (valueAt(layer.overrides, path) !== undefined)
        sources[path] = `${layer.at}.${path}`;
    }
  }
  return sources;
}

/**
 * Whether a setting is the built-in default, set by no config.
 *
 * @public
 */
export function isBuiltInDefault(
  sources: ClusterPlatformSources,
  path: ClusterPlatformSettingPath,
): boolean {
  return sources[path] === CLUSTER_PLATFORM_DEFAULT_SOURCES[fieldOf(path)];
}
