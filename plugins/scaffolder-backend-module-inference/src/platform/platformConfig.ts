import { Config } from '@backstage/config';
import {
  ClusterPlatformOverrides,
  ClusterPlatformSettings,
  resolveClusterPlatform,
} from '@inference-platform/plugin-inference-common';

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
 * cluster, over the built-in defaults. Invalid settings fail at startup, naming the cluster.
 */
export function readClusterPlatforms(
  config: Config,
): (cluster: string) => ClusterPlatformSettings {
  const root = config.getOptionalConfig('inference.platform');
  const fleet = overridesOf(root?.getOptionalConfig('defaults'));
  const perCluster = root?.getOptionalConfig('clusters');
  const resolved = new Map<string, ClusterPlatformSettings>();
  for (const name of perCluster?.keys() ?? []) {
    try {
      resolved.set(
        name,
        resolveClusterPlatform(fleet, overridesOf(perCluster!.getConfig(name))),
      );
    } catch (e) {
      throw new Error(
        `inference.platform.clusters.${name}: ${(e as Error).message}`,
      );
    }
  }
  const fallback = resolveClusterPlatform(fleet);
  return cluster => resolved.get(cluster) ?? fallback;
}
