import { resolveClusterPlatform } from './clusterPlatform';
import { describeClusterPlatform } from './describeClusterPlatform';

describe('describeClusterPlatform', () => {
  it('names Prometheus, the namespaces, the download rate and the Pod Security level of the defaults', () => {
    expect(describeClusterPlatform(resolveClusterPlatform())).toEqual([
      'Prometheus http://prometheus-operated.monitoring.svc:9090 (monitoring namespace monitoring)',
      'ingress controller in ingress-nginx (class nginx), KEDA HTTP add-on in keda',
      'model cache: a gp2 volume per replica (ReadWriteOnce): every new replica downloads the model',
      'model download: 100 MiB/s',
      'Pod Security: restricted',
    ]);
  });

  it.each([
    [
      {
        mode: 'shared',
        storageClassName: 'efs-sc',
        accessMode: 'ReadWriteMany',
      } as const,
      'model cache: one shared efs-sc volume (ReadWriteMany): downloaded once',
    ],
    [
      { mode: 'node-local' } as const,
      'model cache: node-local disk (emptyDir): every new replica downloads the model',
    ],
  ])('says whether each replica downloads the model (%o)', (cache, line) => {
    const settings = resolveClusterPlatform({
      modelCache: cache,
      downloadMiBps: 400,
      podSecurity: 'baseline',
    });
    const lines = describeClusterPlatform(settings);
    expect(lines).toContain(line);
    expect(lines).toContain('model download: 400 MiB/s');
    expect(lines).toContain('Pod Security: baseline');
  });
});
