import { ConfigReader } from '@backstage/config';
import {
  CLUSTER_PLATFORM_DEFAULT_SOURCES,
  DEFAULT_CLUSTER_PLATFORM,
} from '@inference-platform/plugin-inference-common';
import { readClusterPlatforms } from './clusterPlatformConfig';

const read = (platform: object) =>
  readClusterPlatforms(new ConfigReader({ inference: { platform } }));

describe('readClusterPlatforms', () => {
  const platforms = read({
    defaults: { downloadMiBps: 200, ingress: { domain: 'demo.internal' } },
    clusters: {
      'gpu-us-east': {
        prometheusUrl: 'http://kps-prometheus.obs:9090',
        modelCache: {
          mode: 'shared',
          storageClassName: 'efs-sc',
          accessMode: 'ReadWriteMany',
        },
      },
    },
  });

  it('layers a cluster over the fleet defaults over the built-in defaults', () => {
    const s = platforms.settingsOf('gpu-us-east');
    expect(s.prometheusUrl).toBe('http://kps-prometheus.obs:9090');
    expect(s.downloadMiBps).toBe(200);
    expect(s.ingress).toEqual({
      ...DEFAULT_CLUSTER_PLATFORM.ingress,
      domain: 'demo.internal',
    });
    expect(s.modelCache.storageClassName).toBe('efs-sc');
  });

  it('gives a cluster config does not name the fleet defaults', () => {
    const s = platforms.settingsOf('gpu-eu-west');
    expect(s.prometheusUrl).toBe(DEFAULT_CLUSTER_PLATFORM.prometheusUrl);
    expect(s.downloadMiBps).toBe(200);
    expect(s.modelCache).toEqual(DEFAULT_CLUSTER_PLATFORM.modelCache);
  });

  it('says which config key set each setting, and which are built-in defaults', () => {
    const sources = platforms.sourcesOf('gpu-us-east');
    expect(sources.prometheusUrl).toBe(
      'inference.platform.clusters.gpu-us-east.prometheusUrl',
    );
    expect(sources.downloadMiBps).toBe(
      'inference.platform.defaults.downloadMiBps',
    );
    expect(sources.podSecurity).toBe(
      CLUSTER_PLATFORM_DEFAULT_SOURCES.podSecurity,
    );
    expect(platforms.sourcesOf('gpu-eu-west').prometheusUrl).toBe(
      CLUSTER_PLATFORM_DEFAULT_SOURCES.prometheusUrl,
    );
  });

  it('fails at startup naming the cluster whose settings cannot work', () => {
    expect(() =>
      read({ clusters: { 'gpu-batch': { modelCache: { mode: 'shared' } } } }),
    ).toThrow(
      /^inference\.platform\.clusters\.gpu-batch: a shared model cache .* needs a ReadWriteMany class/,
    );
    expect(() => read({ defaults: { downloadMiBps: -1 } })).toThrow(
      /^inference\.platform\.defaults: downloadMiBps must be a positive number/,
    );
  });
});
