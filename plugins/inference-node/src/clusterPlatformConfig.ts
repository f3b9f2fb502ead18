import { Config } from '@backstage/config';
import {
  ClusterPlatformLayer,
  ClusterPlatformOverrides,
  ClusterPlatformSettings,
  ClusterPlatformSources,
  clusterPlatformSources,
  resolveClusterPlatform,
} from '@inference-platform/plugin-inference-common';

/**
 * The platform settings of every cluster, read from `inference.platform` (see config.d.ts).
 *
 * @public
 */
export interface ClusterPlatforms {
  /** Settings of a cluster: `defaults` for a cluster `clusters` does not name. */
  settingsOf(cluster: string): ClusterPlatformSettings;
  /** Where each setting of a cluster comes from: its config key, or the source of the built-in default. */
  sourcesOf(cluster: string): ClusterPlatformSources;
}

function overridesOf(config: Config | undefined): ClusterPlatformOverrides {
  if (!config) return {};
  const section = (key: string) => config.getOptionalConfig(key);
  const ingress = section('ingress');
  const httpAddOn = section('httpAddOn');
  const modelCache = section('modelCache');
  return {
    prometheusUrl: config.getOptionalString('prometheusUrl'),
    monitoringNamespace: config.getOptionalString('monitoringNamespace'),
    ingress: ingress && {
      namespace: ingress.getOptionalString('namespace'),
      className: ingress.getOptionalString('className'),
      domain: ingress.getOptionalString('domain'),
    },
    httpAddOn: httpAddOn && {
      namespace: httpAddOn.getOptionalString('namespace'),
      interceptorService: httpAddOn.getOptionalString('interceptorService'),
      interceptorPort: httpAddOn.getOptionalNumber('interceptorPort'),
    },
    apiServerCidrs: config.getOptionalStringArray('apiServerCidrs'),
    modelCache: modelCache && {
      mode: modelCache.getOptionalString(
        'mode',
      ) as ClusterPlatformSettings['modelCache']['mode'],
      storageClassName: modelCache.getOptionalString('storageClassName'),
      accessMode: modelCache.getOptionalString(
        'accessMode',
      ) as ClusterPlatformSettings['modelCache']['accessMode'],
    },
    downloadMiBps: config.getOptionalNumber('downloadMiBps'),
    loadMiBps: config.getOptionalNumber('loadMiBps'),
    engineInitSeconds: config.getOptionalNumber('engineInitSeconds'),
    nodeLaunchSeconds: config.getOptionalNumber('nodeLaunchSeconds'),
    podSecurity: config.getOptionalString(
      'podSecurity',
    ) as ClusterPlatformSettings['podSecurity'],
  };
}

/**
 * The platform settings of each cluster from `inference.platform`: `defaults` for the fleet, `clusters.<name>` per
 * cluster, over the built-in defaults. Invalid settings fail here, at startup, naming the cluster.
 *
 * @public
 */
export function readClusterPlatforms(config: Config): ClusterPlatforms {
  const root = config.getOptionalConfig('inference.platform');
  const fleet: ClusterPlatformLayer = {
    at: 'inference.platform.defaults',
    overrides: overridesOf(root?.getOptionalConfig('defaults')),
  };
  const perCluster = root?.getOptionalConfig('clusters');
  const layers = new Map<string, ClusterPlatformLayer[]>();
  const resolved = new Map<string, ClusterPlatformSettings>();
  for (const name of perCluster?.keys() ?? []) {
    const own: ClusterPlatformLayer = {
      at: `inference.platform.clusters.${name}`,
      overrides: overridesOf(perCluster!.getConfig(name)),
    };
    try {
      resolved.set(
        name,
        resolveClusterPlatform(fleet.overrides, own.overrides),
      );
    } catch (e) {
      throw new Error(`${own.at}: ${(e as Error).message}`);
    }
    layers.set(name, [fleet, own]);
  }
  let fallback: ClusterPlatformSettings;
  try {
    fallback = resolveClusterPlatform(fleet.overrides);
  } catch (e) {
    throw new Error(`${fleet.at}: ${(e as Error).message}`);
  }
  return {
    settingsOf: cluster => resolved.get(cluster) ?? fallback,
    sourcesOf: cluster =>
      clusterPlatformSources(...(layers.get(cluster) ?? [fleet])),
  };
}
