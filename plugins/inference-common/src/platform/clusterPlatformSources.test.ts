import { CLUSTER_PLATFORM_DEFAULT_SOURCES } from './clusterPlatform';
import {
  clusterPlatformSources,
  isBuiltInDefault,
} from './clusterPlatformSources';

describe('clusterPlatformSources', () => {
  // the demo's shape: a fleet-wide domain and rate, one cluster with its own cache
  const sources = clusterPlatformSources(
    {
      at: 'inference.platform.defaults',
      overrides: { downloadMiBps: 200, ingress: { domain: 'demo.internal' } },
    },
    {
      at: 'inference.platform.clusters.gpu-us-east',
      overrides: {
        downloadMiBps: 400,
        modelCache: { mode: 'shared', storageClassName: 'efs-sc' },
      },
    },
  );

  it('names the config key of the last layer that sets a setting', () => {
    expect(sources.downloadMiBps).toBe(
      'inference.platform.clusters.gpu-us-east.downloadMiBps',
    );
    expect(sources['ingress.domain']).toBe(
      'inference.platform.defaults.ingress.domain',
    );
    expect(sources['modelCache.storageClassName']).toBe(
      'inference.platform.clusters.gpu-us-east.modelCache.storageClassName',
    );
  });

  it('keeps the built-in default of every setting no layer sets, also beside a set one in the same group', () => {
    expect(sources.prometheusUrl).toBe(
      CLUSTER_PLATFORM_DEFAULT_SOURCES.prometheusUrl,
    );
    expect(sources['ingress.namespace']).toBe(
      CLUSTER_PLATFORM_DEFAULT_SOURCES.ingress,
    );
    expect(sources['modelCache.accessMode']).toBe(
      CLUSTER_PLATFORM_DEFAULT_SOURCES.modelCache,
    );
    expect(isBuiltInDefault(sources, 'ingress.namespace')).toBe(true);
    expect(isBuiltInDefault(sources, 'ingress.domain')).toBe(false);
    expect(isBuiltInDefault(sources, 'podSecurity')).toBe(true);
    expect(isBuiltInDefault(sources, 'downloadMiBps')).toBe(false);
  });

  it('treats a list as one setting', () => {
    const s = clusterPlatformSources({
      at: 'inference.platform.defaults',
      overrides: { apiServerCidrs: ['10.0.0.0/16'] },
    });
    expect(s.apiServerCidrs).toBe('inference.platform.defaults.apiServerCidrs');
    expect(Object.keys(s)).not.toContain('apiServerCidrs.0');
  });
});
