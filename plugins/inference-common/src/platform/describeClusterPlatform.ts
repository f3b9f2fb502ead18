/**
 * The platform settings of a cluster in words, one line per concern: what the scaffolder action logs and outputs as
 * its summary, what the backend's `GET /clusters/:cluster/platform` answers and what the form's review step lists.
 */
import type { ClusterPlatformSettings } from './clusterPlatform';

function describeModelCache(cache: ClusterPlatformSettings['modelCache']) {
  const { mode, storageClassName, accessMode } = cache;
  if (mode === 'shared')
    return `one shared ${storageClassName} volume (${accessMode}): downloaded once`;
  if (mode === 'per-replica')
    return `a ${storageClassName} volume per replica (${accessMode}): every new replica downloads the model`;
  return 'node-local disk (emptyDir): every new replica downloads the model';
}

/**
 * Human summary of a cluster's platform settings: Prometheus and the monitoring namespace, the ingress and KEDA HTTP
 * add-on namespaces, the model cache, the download rate and the Pod Security level.
 *
 * @public
 */
export function describeClusterPlatform(
  settings: ClusterPlatformSettings,
): string[] {
  return [
    `Prometheus ${settings.prometheusUrl} (monitoring namespace ${settings.monitoringNamespace})`,
    `ingress controller in ${settings.ingress.namespace} (class ${settings.ingress.className}), KEDA HTTP add-on in ${settings.httpAddOn.namespace}`,
    `model cache: ${describeModelCache(settings.modelCache)}`,
    `model download: ${settings.downloadMiBps} MiB/s`,
    `Pod Security: ${settings.podSecurity}`,
  ];
}
