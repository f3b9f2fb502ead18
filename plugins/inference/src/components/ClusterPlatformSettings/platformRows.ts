import {
  ClusterPlatformResponse,
  ClusterPlatformSettingPath,
  isBuiltInDefault,
} from '@inference-platform/plugin-inference-common';

/** One line of the settings table: what it is, its value, whether it is a built-in default and where it comes from. */
export interface PlatformRow {
  label: string;
  value: string;
  isDefault: boolean;
  source: string;
}

/**
 * The settings a template author needs to trust the rendered service, from the backend's answer. A row made of
 * several settings (the model cache) is a default only when all of them are.
 */
export function platformRows(platform: ClusterPlatformResponse): PlatformRow[] {
  const { settings, sources } = platform;
  const row = (
    label: string,
    value: string,
    paths: ClusterPlatformSettingPath[],
  ): PlatformRow => ({
    label,
    value,
    isDefault: paths.every(path => isBuiltInDefault(sources, path)),
    source: [...new Set(paths.map(path => sources[path]))].join('; '),
  });
  const cache = settings.modelCache;
  return [
    row('Prometheus', settings.prometheusUrl, ['prometheusUrl']),
    row('Monitoring namespace', settings.monitoringNamespace, [
      'monitoringNamespace',
    ]),
    row('Ingress namespace', settings.ingress.namespace, ['ingress.namespace']),
    row('KEDA HTTP add-on namespace', settings.httpAddOn.namespace, [
      'httpAddOn.namespace',
    ]),
    cache.mode === 'node-local'
      ? row('Model cache', 'node-local (emptyDir)', ['modelCache.mode'])
      : row(
          'Model cache',
          `${cache.mode}, ${cache.storageClassName}, ${cache.accessMode}`,
          [
            'modelCache.mode',
            'modelCache.storageClassName',
            'modelCache.accessMode',
          ],
        ),
    row('Model download', `${settings.downloadMiBps} MiB/s`, ['downloadMiBps']),
    row('Pod Security', settings.podSecurity, ['podSecurity']),
  ];
}

/** The field's value: the summary on one line, as the form's review step lists it. */
export function platformSummaryLine(platform: ClusterPlatformResponse): string {
  return platform.summary.join('; ');
}
